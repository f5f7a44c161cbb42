//! Webhook deliveries: a background task tells partners that a referral waits, by id only, signed
//! per partner (docs/protocol.md §8). Failed deliveries are retried with doubling delays, then
//! given up; the partner's inbox is always the source of truth.

use std::net::SocketAddr;
use std::time::Duration;

use zeroize::Zeroizing;

use crate::config::WebhookSettings;
use crate::crypto::webhook::{partner_key, signature};
use crate::domain::{is_public_address, WebhookUrl};
use crate::store::{Maintenance, WebhookDelivery};

/// Deliveries looked at per round.
const BATCH: i64 = 20;
/// The longest wait between two attempts.
const MAX_DELAY_SECS: u64 = 3600;

pub fn spawn(store: Maintenance, key: Zeroizing<[u8; 32]>, settings: WebhookSettings) {
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(Duration::from_secs(settings.poll_secs));
        loop {
            tick.tick().await;
            if let Err(e) = deliver_due(&store, &key, &settings).await {
                tracing::warn!(error = %e, "webhook round failed");
            }
        }
    });
}

async fn deliver_due(
    store: &Maintenance,
    key: &[u8; 32],
    settings: &WebhookSettings,
) -> Result<(), crate::store::StoreError> {
    let now = crate::time::now_secs();
    // Held long enough for every attempt of the batch to time out.
    let lease = i64::try_from(settings.timeout_secs.saturating_mul(BATCH as u64 + 1))
        .unwrap_or(i64::MAX / 2);
    for delivery in store.claim_webhooks(now, now + lease, BATCH).await? {
        if post(settings, key, &delivery).await {
            store.webhook_done(&delivery.referral).await?;
        } else if delivery.attempts + 1 >= i64::from(settings.max_attempts) {
            // The partner still finds the referral in its inbox.
            tracing::warn!("a webhook delivery was given up");
            store.webhook_done(&delivery.referral).await?;
        } else {
            let delay = retry_delay(settings.poll_secs, delivery.attempts);
            store.webhook_retry(&delivery.referral, now + delay).await?;
        }
    }
    Ok(())
}

/// `poll_secs` × 2^attempts, at most an hour.
fn retry_delay(poll_secs: u64, attempts: i64) -> i64 {
    let doublings = u32::try_from(attempts.clamp(0, 20)).unwrap_or(20);
    let delay = poll_secs.saturating_mul(1 << doublings).min(MAX_DELAY_SECS);
    i64::try_from(delay).unwrap_or(3600)
}

/// A client that connects only to an address of the webhook's host that was checked here: the
/// name is resolved once, refused when any of its addresses is loopback, private or link-local
/// (unless `webhooks.allow_private`), and the connection is pinned to the checked address, so a
/// name cannot answer with a public address for the check and a private one for the connection.
pub(super) async fn client_for(
    url: &WebhookUrl,
    settings: &WebhookSettings,
) -> Option<reqwest::Client> {
    let (host, port) = url.host_and_port()?;
    let addresses: Vec<SocketAddr> = tokio::net::lookup_host((host.as_str(), port))
        .await
        .ok()?
        .collect();
    let checked = *addresses.first()?;
    if !settings.allow_private && addresses.iter().any(|a| !is_public_address(a.ip())) {
        tracing::warn!("a webhook delivery was refused: its host is not a public address");
        return None;
    }
    let mut builder = reqwest::Client::builder()
        .timeout(Duration::from_secs(settings.timeout_secs))
        .redirect(reqwest::redirect::Policy::none())
        .user_agent("resguardo-webhook/1");
    if url.ip_host().is_none() {
        builder = builder.resolve(&host, checked);
    }
    builder.build().ok()
}

/// One attempt; true when the partner's server answered 2xx.
async fn post(settings: &WebhookSettings, key: &[u8; 32], delivery: &WebhookDelivery) -> bool {
    let Some(http) = client_for(&delivery.url, settings).await else {
        return false;
    };
    let body = serde_json::json!({ "referral": delivery.referral.to_string() }).to_string();
    let timestamp = crate::time::now_secs();
    let partner = partner_key(key, delivery.partner.as_bytes(), &delivery.token_digest);
    let request = http
        .post(delivery.url.as_str())
        .header("content-type", "application/json")
        .header("resguardo-timestamp", timestamp.to_string())
        .header(
            "resguardo-signature",
            signature(&partner, timestamp, body.as_bytes()),
        )
        .body(body);
    matches!(request.send().await, Ok(r) if r.status().is_success())
}

#[cfg(test)]
mod tests {
    use super::retry_delay;

    #[test]
    fn delays_double_up_to_an_hour() {
        assert_eq!(retry_delay(10, 0), 10);
        assert_eq!(retry_delay(10, 3), 80);
        assert_eq!(retry_delay(10, 19), 3600);
    }
}
