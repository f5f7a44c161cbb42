//! A partner organisation's side: its referrals, decrypted with its own identity, and its answers,
//! encrypted to the desk key (and to itself, so it can read its own messages back).

use serde_json::Value;

use super::{ApiClient, ClientError};
use crate::crypto::{seal, signing};
use crate::domain::{b64_decode, b64_encode, Recipient, ReferralStatus};
use crate::protocol::case::{received_referral, ReadableUpdate};
use crate::protocol::message::{partner_author, signed_message_plaintext};
use crate::protocol::partner::{PartnerAnswer, PartnerReferralSummary, PartnerReferralView};

impl ApiClient {
    pub async fn partner_referrals(
        &self,
        token: &str,
    ) -> Result<Vec<PartnerReferralSummary>, ClientError> {
        self.get_as(token, "/api/v1/partner/referrals").await
    }

    pub async fn partner_referral(
        &self,
        token: &str,
        id: &str,
    ) -> Result<PartnerReferralView, ClientError> {
        self.get_as(token, &format!("/api/v1/partner/referrals/{id}"))
            .await
    }

    pub async fn partner_answer(
        &self,
        token: &str,
        id: &str,
        answer: &PartnerAnswer,
    ) -> Result<(), ClientError> {
        let path = format!("/api/v1/partner/referrals/{id}/updates");
        self.post_as::<_, Option<Value>>(token, &path, answer)
            .await
            .map(|_| ())
    }
}

/// A referral, decrypted on the partner's device.
pub struct OpenReferral {
    pub view: PartnerReferralView,
    /// The referral document without its padding; `None` if this identity does not open it.
    pub document: Option<Value>,
    pub updates: Vec<ReadableUpdate>,
}

/// Fetches and decrypts referral `id`.
pub async fn open_referral(
    client: &ApiClient,
    token: &str,
    identity: &age::x25519::Identity,
    id: &str,
) -> Result<OpenReferral, ClientError> {
    let view = client.partner_referral(token, id).await?;
    let open = |b64: &str| b64_decode(b64).and_then(|c| seal::open(identity, &c).ok());
    let document = open(&view.ciphertext).and_then(|plain| received_referral(&plain));
    // The partner checks its own answers too: the server could write one in its name.
    let own_key = signing::public_of(identity);
    let updates = view
        .updates
        .iter()
        .map(|u| {
            let mut update = ReadableUpdate::open(u, open);
            update.verify_partner(&view.id, Some(&own_key), None);
            update
        })
        .collect();
    Ok(OpenReferral {
        view,
        document,
        updates,
    })
}

/// Answers referral `id` with a status, a message to the desk, or both. With `desk_fingerprint`,
/// refuses unless the desk key the server names has that fingerprint.
pub async fn answer(
    client: &ApiClient,
    token: &str,
    identity: &age::x25519::Identity,
    id: &str,
    status: Option<ReferralStatus>,
    message: Option<&str>,
    desk_fingerprint: Option<&str>,
) -> Result<(), ClientError> {
    let ciphertext = match message {
        None => None,
        Some(text) => {
            let view = client.partner_referral(token, id).await?;
            let desk =
                Recipient::parse(&view.desk_recipient).map_err(|_| ClientError::Unexpected(200))?;
            if let Some(expected) = desk_fingerprint {
                if !desk.fingerprint().matches_typed(expected) {
                    return Err(ClientError::Untrusted(format!(
                        "the desk key the server names has fingerprint {}, not {expected}",
                        desk.fingerprint()
                    )));
                }
            }
            let own = identity.to_public();
            // Signed as an answer to this referral, so that the desk can tell it from one the
            // server wrote (docs/protocol.md §8).
            let plain = signed_message_plaintext(
                text,
                &partner_author(&view.id),
                &signing::signing_key(identity),
            );
            let sealed = seal::seal(&[desk.age(), &own], &plain)
                .map_err(|e| ClientError::Usage(e.to_string()))?;
            Some(b64_encode(&sealed))
        }
    };
    client
        .partner_answer(token, id, &PartnerAnswer { status, ciphertext })
        .await
}
