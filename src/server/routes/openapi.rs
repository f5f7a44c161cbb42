//! The OpenAPI document, generated from the handlers' annotations so it cannot drift from the code.

use actix_web::HttpResponse;
use utoipa::OpenApi;

use super::{desks, followup, health, pow, reports};
use crate::server::problem::Problem;

#[derive(OpenApi)]
#[openapi(
    info(
        title = "Resguardo API",
        description = "Zero-knowledge intake: the server stores only age ciphertext. Errors are RFC 9457 problem documents.",
    ),
    paths(
        health::healthz,
        health::readyz,
        pow::challenge,
        desks::show,
        reports::submit,
        followup::show,
        followup::add_message,
    ),
    components(schemas(Problem))
)]
pub struct ApiDoc;

/// The document as JSON.
pub fn json() -> String {
    ApiDoc::openapi().to_pretty_json().unwrap_or_default()
}

/// Serves the document.
pub async fn document() -> HttpResponse {
    HttpResponse::Ok()
        .content_type("application/json")
        .body(json())
}
