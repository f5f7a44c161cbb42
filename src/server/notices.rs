//! Knowing there is work without leaking it (`[notifications]`, docs/operations.md): for each desk
//! that has an address configured, once when the server starts and then at each multiple of the
//! interval (an hour at least), when N of its cases wait for the desk, one POST of
//! `{"waiting": N, "text": "…"}` to that address — a chat bot's or a push service's webhook. The
//! number and nothing else: no id, no kind, no time finer than the interval. Nothing is retried:
//! the next interval says it again. The address is checked as a partner's webhook is.

use std::time::Duration;

use crate::config::WebhookSettings;
use crate::domain::WebhookUrl;
use crate::store::DeskStore;

/// One desk's notice: the capability over that desk's cases (minted in `server::mod`, like every
/// other), and the address its notice goes to.
pub struct DeskNotice {
    pub desk: DeskStore,
    pub url: WebhookUrl,
}

/// `text` is the notice's words with `{n}` where the number goes (the default language's
/// `desk-notice`).
pub fn spawn(desks: Vec<DeskNotice>, interval_secs: u64, hooks: WebhookSettings, text: String) {
    if desks.is_empty() {
        return;
    }
    tokio::spawn(async move {
        loop {
            for desk in &desks {
                notify(desk, &hooks, &text).await;
            }
            let interval = interval_secs.max(1);
            let now = u64::try_from(crate::time::now_secs()).unwrap_or(0);
            let next = (now / interval + 1) * interval;
            tokio::time::sleep(Duration::from_secs(next - now)).await;
        }
    });
}

/// How many of the desk's cases wait for an answer (`CaseSummary::waiting_since`).
async fn waiting(desk: &DeskStore) -> Option<usize> {
    match desk.cases().await {
        Ok(cases) => Some(cases.iter().filter(|c| c.waiting_since().is_some()).count()),
        Err(e) => {
            tracing::warn!(error = %e, "a desk notice could not count its cases");
            None
        }
    }
}

async fn notify(notice: &DeskNotice, hooks: &WebhookSettings, text: &str) {
    let Some(count) = waiting(&notice.desk).await.filter(|n| *n > 0) else {
        return;
    };
    let Some(http) = super::webhooks::client_for(&notice.url, hooks).await else {
        return;
    };
    let body = serde_json::json!({
        "waiting": count,
        "text": text.replace("{n}", &count.to_string()),
    });
    let sent = http.post(notice.url.as_str()).json(&body).send().await;
    if !matches!(sent, Ok(ref r) if r.status().is_success()) {
        tracing::warn!("a desk notice was not delivered");
    }
}
