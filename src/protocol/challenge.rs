//! A proof-of-work challenge as `GET /api/v1/pow` hands it out (the puzzle itself is `crypto::pow`).

use serde::Serialize;

/// A proof-of-work challenge (docs/protocol.md §4).
#[derive(Debug, Serialize, serde::Deserialize, utoipa::ToSchema)]
pub struct PowChallenge {
    /// The challenge bytes, standard base64; send them back unchanged with the nonce.
    pub challenge: String,
    /// Leading zero bits SHA-256(challenge || nonce as u64 big-endian) must have.
    pub difficulty: u8,
    /// Unix seconds after which the challenge is refused.
    pub expires_at: i64,
}
