use actix_web::{web, HttpResponse};

use crate::protocol::health::Health;
use crate::server::limits::HealthAllowed;
use crate::server::problem::{store_failure, ApiError};
use crate::server::AppState;

/// The process is up.
#[utoipa::path(get, path = "/healthz", responses((status = 200, body = Health)))]
pub async fn healthz() -> HttpResponse {
    HttpResponse::Ok().json(Health { status: "ok" })
}

/// The process is up and its database answers.
#[utoipa::path(get, path = "/readyz", responses(
    (status = 200, body = Health),
    crate::server::problem::doc::E429,
    crate::server::problem::doc::E503,
))]
pub async fn readyz(
    _allowed: HealthAllowed,
    state: web::Data<AppState>,
) -> Result<HttpResponse, ApiError> {
    state.intake().ping().await.map_err(store_failure)?;
    Ok(HttpResponse::Ok().json(Health { status: "ready" }))
}
