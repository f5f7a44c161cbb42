use actix_web::{web, HttpResponse};

use crate::domain::DeskSlug;
use crate::protocol::desks::DeskView;
use crate::server::limits::ReadAllowed;
use crate::server::problem::{doc, IntakeError};
use crate::server::AppState;
use crate::store::Desk;

/// Finds a desk by the slug in a path, or answers 404.
pub async fn find(state: &AppState, slug: &str) -> Result<Desk, IntakeError> {
    let slug = DeskSlug::parse(slug).map_err(|_| IntakeError::DeskNotFound)?;
    state
        .intake()
        .desk(&slug)
        .await?
        .ok_or(IntakeError::DeskNotFound)
}

/// A desk's public key.
#[utoipa::path(get, path = "/api/v1/desks/{slug}",
    params(("slug" = String, Path, description = "The desk's short name", example = "gt")),
    responses(
        (status = 200, body = DeskView),
        doc::E404, doc::E429, doc::E503,
    ))]
pub async fn show(
    _allowed: ReadAllowed,
    state: web::Data<AppState>,
    slug: web::Path<String>,
) -> Result<HttpResponse, IntakeError> {
    let desk = find(&state, &slug).await?;
    Ok(HttpResponse::Ok().json(DeskView::from(&desk)))
}

impl From<&Desk> for DeskView {
    fn from(desk: &Desk) -> Self {
        Self {
            slug: desk.slug.to_string(),
            name: desk.name.as_str().to_owned(),
            recipient: desk.recipient.as_str().to_owned(),
            key_version: desk.key_version,
            fingerprint: desk.recipient.fingerprint().to_string(),
        }
    }
}
