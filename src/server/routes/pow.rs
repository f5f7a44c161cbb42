use actix_web::{web, HttpResponse};
use serde::Serialize;

use crate::domain::b64_encode;
use crate::server::limits::ChallengeAllowed;
use crate::server::AppState;

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

/// Issues a proof-of-work challenge; one is spent with each report.
#[utoipa::path(get, path = "/api/v1/pow", responses(
    (status = 200, body = PowChallenge),
    crate::server::problem::doc::E429,
))]
pub async fn challenge(_allowed: ChallengeAllowed, state: web::Data<AppState>) -> HttpResponse {
    let issued = state.pow.issue(crate::time::now_secs());
    HttpResponse::Ok().json(PowChallenge {
        challenge: b64_encode(issued.as_bytes()),
        difficulty: issued.difficulty(),
        expires_at: issued.expires_at(),
    })
}
