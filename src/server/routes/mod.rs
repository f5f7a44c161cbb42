//! One module per resource; `configure` mounts them all.

pub mod desks;
pub mod followup;
pub mod health;
pub mod openapi;
pub mod pow;
pub mod reports;

use actix_web::error::JsonPayloadError;
use actix_web::{guard, web, HttpResponse, Route};

use super::problem::ApiError;

/// How large each kind of JSON body may be.
#[derive(Debug, Clone, Copy)]
pub struct BodyLimits {
    /// A report envelope.
    pub report: usize,
    /// A follow-up message envelope.
    pub message: usize,
}

/// A follow-up request is two short base64 fields; nothing larger is ever needed.
const FOLLOWUP_BODY: usize = 1024;

/// Mounts every route. Each resource answers other methods with a 405 problem.
pub fn configure(cfg: &mut web::ServiceConfig, limits: BodyLimits) {
    mount(cfg, "/healthz", get().to(health::healthz), None);
    mount(cfg, "/readyz", get().to(health::readyz), None);
    mount(
        cfg,
        "/api/v1/openapi.json",
        get().to(openapi::document),
        None,
    );
    mount(cfg, "/api/v1/pow", get().to(pow::challenge), None);
    mount(cfg, "/api/v1/desks/{slug}", get().to(desks::show), None);
    let report = web::post().to(reports::submit);
    mount(
        cfg,
        "/api/v1/desks/{slug}/reports",
        report,
        Some(limits.report),
    );
    let followup = web::post().to(followup::show);
    mount(cfg, "/api/v1/followup", followup, Some(FOLLOWUP_BODY));
    let message = web::post().to(followup::add_message);
    mount(
        cfg,
        "/api/v1/followup/messages",
        message,
        Some(limits.message),
    );
}

/// GET routes answer HEAD too, as the `Allow` header promises.
fn get() -> Route {
    web::route().guard(guard::Any(guard::Get()).or(guard::Head()))
}

fn mount(cfg: &mut web::ServiceConfig, path: &str, route: Route, json_limit: Option<usize>) {
    let mut resource = web::resource(path)
        .wrap(actix_web::middleware::from_fn(
            super::middleware::time_limit,
        ))
        .route(route)
        .default_service(web::to(method_not_allowed));
    if let Some(limit) = json_limit {
        resource = resource.app_data(json_config(limit));
    }
    cfg.service(resource);
}

/// JSON bodies: bounded, `application/json` only, and every failure a problem document.
fn json_config(limit: usize) -> web::JsonConfig {
    web::JsonConfig::default()
        .limit(limit)
        .content_type_required(true)
        .error_handler(move |err, _req| {
            let problem = match err {
                JsonPayloadError::OverflowKnownLength { .. }
                | JsonPayloadError::Overflow { .. } => ApiError::PayloadTooLarge(limit),
                JsonPayloadError::ContentType => ApiError::UnsupportedMediaType,
                JsonPayloadError::Deserialize(e) => {
                    ApiError::MalformedRequest(format!("the JSON body is not acceptable: {e}"))
                }
                _ => ApiError::MalformedRequest("the request body could not be read".to_owned()),
            };
            problem.into()
        })
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
