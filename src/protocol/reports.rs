//! A new report on the wire (`POST /api/v1/desks/{slug}/reports`): the envelope, its receipt
//! and proof of work, and the answer.

use serde::{Deserialize, Serialize};

/// A report as a reporter's client sends it (design §4.1). Every binary field is standard base64.
#[derive(Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ReportEnvelope {
    /// The binary age file, encrypted on the reporter's device to the desk's recipient.
    #[schema(
        min_length = 200,
        pattern = r"^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$"
    )]
    pub ciphertext: String,
    pub receipt: ReceiptIn,
    /// The age X25519 recipient derived from the receipt phrase; desk replies are encrypted to it.
    #[schema(pattern = r"^age1[02-9ac-hj-np-z]{58}$")]
    pub reply_recipient: String,
    pub pow: PowSolution,
}

impl std::fmt::Debug for ReportEnvelope {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("ReportEnvelope(redacted)")
    }
}

/// What the server keeps of a receipt phrase (design §3.1).
#[derive(Debug, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ReceiptIn {
    /// 16 bytes, base64.
    #[schema(pattern = r"^[A-Za-z0-9+/]{21}[AQgw]==$")]
    pub lookup: String,
    /// SHA-256 of the 32-byte auth key, base64.
    #[schema(pattern = r"^[A-Za-z0-9+/]{42}[AEIMQUYcgkosw048]=$")]
    pub verifier: String,
}

/// A solved proof-of-work challenge.
#[derive(Debug, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PowSolution {
    /// The challenge exactly as issued by `GET /api/v1/pow`.
    #[schema(pattern = r"^[A-Za-z0-9+/]{77}[AQgw]==$")]
    pub challenge: String,
    pub nonce: u64,
}

#[derive(Debug, Serialize, Deserialize, utoipa::ToSchema)]
pub struct ReportCreated {
    /// The report's id: 32 hex digits.
    pub id: String,
}
