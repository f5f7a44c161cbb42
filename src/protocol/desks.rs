//! A desk's public face (`GET /api/v1/desks/{slug}`): its name and the key reporters encrypt to.

use serde::Serialize;

/// What anyone may know of a desk: enough to encrypt a report to it.
#[derive(Debug, Serialize, serde::Deserialize, utoipa::ToSchema)]
pub struct DeskView {
    pub slug: String,
    pub name: String,
    /// The desk's current age X25519 recipient.
    pub recipient: String,
    pub key_version: i64,
    /// First 16 bytes of SHA-256 of the recipient, in hex groups, for checking out of band.
    pub fingerprint: String,
    /// The desk's country (ISO 3166-1 alpha-2), if the server's configuration names one: desk
    /// devices read national phone numbers in reports that name no country as this country's
    /// (protocol.md §11).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub country: Option<String>,
    /// What one report may carry in attachments (docs/protocol.md §12), for a device to check
    /// before it sends anything; absent from servers older than attachments.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub attachments: Option<AttachmentLimits>,
}

/// A report's limits on attachments, as the server checks each upload it begins.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, serde::Deserialize, utoipa::ToSchema)]
pub struct AttachmentLimits {
    /// The most files one report (with its follow-up messages) may carry.
    pub max_files: u64,
    /// The most bytes their padded plaintexts (their buckets, §12) may total.
    pub max_bytes: u64,
}
