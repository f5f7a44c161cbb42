use actix_web::{web, HttpResponse};

use crate::server::limits::ReadAllowed;
use crate::server::problem::ApiError;
use crate::server::AppState;

#[derive(serde::Serialize, utoipa::ToSchema)]
pub struct Health {
    pub status: &'static str,
}

/// The process is up.
#[utoipa::path(get, path = "/healthz", responses((status = 200, body = Health)))]
pub async fn healthz() -> HttpResponse {
    HttpResponse::Ok().json(Health { status: "ok" })
}

/// The process is up and its database answers.
#[utoipa::path(get, path = "/readyz", responses(
    (status = 200, body = Health),
    (status = 429, body = crate::server::problem::Problem, content_type = "application/problem+json"),
    (status = 503, body = crate::server::problem::Problem, content_type = "application/problem+json"),
))]
pub async fn readyz(
    _allowed: ReadAllowed,
    state: web::Data<AppState>,
) -> Result<HttpResponse, ApiError> {
    state.store.ping().await?;
    Ok(HttpResponse::Ok().json(Health { status: "ready" }))
}
