//! The desk's side of partners (`/api/v1/desk/partners…`): the directory supervisors keep and the
//! referrals vetted accounts send.

use crate::crypto::receipt::Language;
use crate::domain::{Country, PartnerStatus, ReferralStatus, Service};
use serde::{Deserialize, Serialize};

#[derive(Debug, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewPartner {
    pub name: String,
    pub services: Vec<Service>,
    /// ISO 3166-1 alpha-2 codes.
    #[schema(value_type = Vec<String>)]
    pub countries: Vec<Country>,
    pub languages: Vec<Language>,
    /// The partner's own age X25519 recipient; its fingerprint is the safety number to compare.
    pub recipient: String,
    pub contact: String,
    /// An https address told of each new referral (by id, HMAC-signed); optional.
    #[serde(default)]
    pub webhook: Option<String>,
}

#[derive(Debug, Serialize, Deserialize, utoipa::ToSchema)]
pub struct PartnerView {
    pub id: String,
    pub name: String,
    pub services: Vec<Service>,
    #[schema(value_type = Vec<String>)]
    pub countries: Vec<Country>,
    pub languages: Vec<Language>,
    pub recipient: String,
    pub fingerprint: String,
    pub contact: String,
    pub status: PartnerStatus,
    pub webhook: Option<String>,
}

/// A partner's API token, shown once: the server keeps only its SHA-256.
#[derive(Serialize, Deserialize, utoipa::ToSchema)]
pub struct PartnerToken {
    pub partner: PartnerView,
    pub token: String,
    /// With a webhook: the key its deliveries are signed with (base64), for the partner to check.
    pub webhook_key: Option<String>,
}

impl std::fmt::Debug for PartnerToken {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "PartnerToken({}, token and webhook key redacted)",
            self.partner.id
        )
    }
}

/// Whether the reporter agreed to be referred.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Consent {
    /// The report says `consent_referral: true`.
    Given,
    /// The worker refers without it; `override_reason` says why.
    Override,
}

#[derive(Debug, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewReferralRequest {
    pub partner: String,
    /// Base64 age ciphertext of a `resguardo.referral.v1` document, to the partner and the desk.
    pub ciphertext: String,
    pub consent: Consent,
    /// With `consent: override`: why, as base64 age ciphertext to the desk key.
    pub override_reason: Option<String>,
    /// Days after which the partner's copy is deleted from the server (1–365); none: kept.
    pub expires_in_days: Option<u32>,
    /// Complete attachments of the case the partner may download (at most 100, each once):
    /// their keys are inside `ciphertext` (docs/protocol.md §8, §12).
    #[serde(default)]
    #[schema(max_items = 100)]
    pub attachments: Vec<String>,
}

#[derive(Debug, Serialize, Deserialize, utoipa::ToSchema)]
pub struct ReferralCreated {
    pub id: String,
}

/// A desk account's message to the partner of a referral: base64 age ciphertext of a
/// `resguardo.message.v2` document signed by the worker (docs/protocol.md §8), to the partner's
/// key and the desk's.
#[derive(Debug, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DeskMessageToPartner {
    pub ciphertext: String,
}

/// Who wrote an entry of a referral's conversation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum UpdateAuthor {
    /// The partner: an answer, with a status, a message or both.
    #[default]
    Partner,
    /// A desk account: a message to the partner (docs/protocol.md §8).
    Desk,
}

/// An entry of a referral's conversation, as the desk and the partner see it: the partner's
/// answer, or a desk account's message to the partner.
#[derive(Debug, Serialize, Deserialize, utoipa::ToSchema)]
pub struct ReferralUpdateView {
    pub seq: i64,
    /// Who wrote it (`partner` for entries from servers older than desk messages).
    #[serde(default)]
    pub author: UpdateAuthor,
    /// The status the partner moved the referral to, if it did.
    pub status: Option<ReferralStatus>,
    pub day: String,
    /// Base64 age ciphertext to the desk key and the partner's, if it carries a message.
    pub ciphertext: Option<String>,
}

/// A referral of a case, as its desk sees it.
#[derive(Debug, Serialize, Deserialize, utoipa::ToSchema)]
pub struct DeskReferralView {
    pub id: String,
    pub partner: String,
    pub partner_name: String,
    pub status: ReferralStatus,
    pub created: String,
    pub updated: String,
    /// The day the partner's copy is deleted, if the referral expires.
    pub expires: Option<String>,
    /// Base64 age ciphertext to the partner and the desk; gone once expired.
    pub ciphertext: Option<String>,
    /// Why the worker referred without consent: base64 age ciphertext to the desk key.
    pub override_reason: Option<String>,
    pub updates: Vec<ReferralUpdateView>,
}
