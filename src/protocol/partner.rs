//! The partner organisation's side (`/api/v1/partner/…`): its referrals and its answers.

use crate::domain::ReferralStatus;
use serde::{Deserialize, Serialize};

use super::referrals::ReferralUpdateView;

#[derive(Debug, Serialize, Deserialize, utoipa::ToSchema)]
pub struct PartnerReferralSummary {
    pub id: String,
    pub status: ReferralStatus,
    pub created: String,
    pub updated: String,
    pub expires: Option<String>,
    /// Whether the content can still be fetched (false once expired).
    pub available: bool,
}

/// The partner's desk and its signed key statements (docs/protocol.md §10.6), for the partner's
/// device to verify from the desk root it pinned before it writes to the desk's key.
#[derive(Debug, Serialize, Deserialize, utoipa::ToSchema)]
pub struct PartnerDeskStatements {
    /// The desk's slug, as its statements name it.
    pub desk: String,
    pub statements: Vec<super::statements::StatementView>,
    /// The desk's accounts' witness checkpoints of that chain (§10.7).
    pub checkpoints: Vec<super::statements::CheckpointView>,
}

#[derive(Debug, Serialize, Deserialize, utoipa::ToSchema)]
pub struct PartnerReferralView {
    pub id: String,
    pub status: ReferralStatus,
    pub created: String,
    pub updated: String,
    pub expires: Option<String>,
    /// Base64 age ciphertext of the `resguardo.referral.v1` document, to this partner's key.
    pub ciphertext: String,
    /// The desk's current recipient: messages back are encrypted to it.
    pub desk_recipient: String,
    pub desk_fingerprint: String,
    pub updates: Vec<ReferralUpdateView>,
}

#[derive(Debug, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PartnerAnswer {
    /// `accepted` or `declined` (from `sent`), `closed` (from `accepted`); none for a message only.
    pub status: Option<ReferralStatus>,
    /// Base64 age ciphertext of a `resguardo.message.v1` document to the desk key.
    pub ciphertext: Option<String>,
}
