//! The reporter's way back in (`/api/v1/followup…`): proof of a receipt phrase, the case as a
//! reporter sees it, and a new message.

use crate::domain::{Author, Status};
use serde::{Deserialize, Serialize};

/// Proof of a receipt phrase. Its `Debug` prints nothing of the auth key.
#[derive(Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct FollowupRequest {
    /// 16 bytes, base64.
    #[schema(pattern = r"^[A-Za-z0-9+/]{21}[AQgw]==$")]
    pub lookup: String,
    /// The 32-byte auth key, base64.
    #[schema(pattern = r"^[A-Za-z0-9+/]{42}[AEIMQUYcgkosw048]=$")]
    pub auth: String,
}

impl std::fmt::Debug for FollowupRequest {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("FollowupRequest(redacted)")
    }
}

/// A reporter's new message.
#[derive(Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct FollowupMessage {
    #[schema(pattern = r"^[A-Za-z0-9+/]{21}[AQgw]==$")]
    pub lookup: String,
    #[schema(pattern = r"^[A-Za-z0-9+/]{42}[AEIMQUYcgkosw048]=$")]
    pub auth: String,
    /// A binary age file, base64, encrypted to the desk's recipient (and the reply recipient, so
    /// that the reporter can read it back).
    #[schema(
        min_length = 200,
        pattern = r"^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$"
    )]
    pub ciphertext: String,
}

impl std::fmt::Debug for FollowupMessage {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("FollowupMessage(redacted)")
    }
}

/// What a reporter may see of a case.
#[derive(Debug, Serialize, Deserialize, utoipa::ToSchema)]
pub struct CaseView {
    pub desk: String,
    pub status: Status,
    /// The day the report arrived (UTC, YYYY-MM-DD).
    pub created: String,
    /// The day of the last change.
    pub updated: String,
    pub messages: Vec<MessageView>,
}

#[derive(Debug, Serialize, Deserialize, utoipa::ToSchema)]
pub struct MessageView {
    pub author: Author,
    pub day: String,
    /// The age file, base64.
    pub ciphertext: String,
}

#[derive(Debug, Serialize, Deserialize, utoipa::ToSchema)]
pub struct MessageAccepted {
    pub status: Status,
}
