//! `GET /api/v1/pow`: a fresh proof-of-work challenge, its difficulty set by intake load.

use actix_web::{web, HttpResponse};

use crate::domain::b64_encode;
use crate::protocol::challenge::PowChallenge;
use crate::server::limits::ChallengeAllowed;
use crate::server::AppState;

/// Issues a proof-of-work challenge; one is spent with each report.
#[utoipa::path(get, tag = "pow", path = "/api/v1/pow", responses(
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
