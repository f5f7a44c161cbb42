//! One module per resource; `configure` mounts them all.

pub mod desks;
pub mod followup;
pub mod health;
pub mod openapi;
pub mod pow;
pub mod reports;

use actix_web::{web, HttpResponse, Route};

use super::problem::ApiError;

/// Mounts every route. Each resource answers other methods with a 405 problem.
pub fn configure(cfg: &mut web::ServiceConfig) {
    mount(cfg, "/healthz", web::get().to(health::healthz));
    mount(cfg, "/readyz", web::get().to(health::readyz));
    mount(
        cfg,
        "/api/v1/openapi.json",
        web::get().to(openapi::document),
    );
    mount(cfg, "/api/v1/pow", web::get().to(pow::challenge));
    mount(cfg, "/api/v1/desks/{slug}", web::get().to(desks::show));
    mount(
        cfg,
        "/api/v1/desks/{slug}/reports",
        web::post().to(reports::submit),
    );
    mount(cfg, "/api/v1/followup", web::post().to(followup::show));
    mount(
        cfg,
        "/api/v1/followup/messages",
        web::post().to(followup::add_message),
    );
}

fn mount(cfg: &mut web::ServiceConfig, path: &str, route: Route) {
    cfg.service(
        web::resource(path)
            .wrap(actix_web::middleware::from_fn(
                super::middleware::time_limit,
            ))
            .route(route)
            .default_service(web::to(method_not_allowed)),
    );
}

async fn method_not_allowed() -> Result<HttpResponse, ApiError> {
    Err(ApiError::MethodNotAllowed)
}

/// The answer for any path no route matches.
pub async fn not_found() -> Result<HttpResponse, ApiError> {
    Err(ApiError::NotFound)
}

/// Decodes a base64 field of exactly `N` bytes, naming the field when it is not.
pub(crate) fn decode_exact<const N: usize>(
    text: &str,
    field: &'static str,
) -> Result<[u8; N], ApiError> {
    let bytes = crate::domain::b64_decode(text).ok_or(ApiError::NotBase64(field))?;
    bytes
        .try_into()
        .map_err(|_| ApiError::WrongLength { field, expected: N })
}
