use actix_web::{web, HttpResponse};

use crate::crypto::statement::{Format, Statement};
use crate::domain::{b64_encode, DeskSlug};
use crate::protocol::desks::{AttachmentLimits, DeskView};
use crate::protocol::statements::{PublicDeskStatements, PublicStatementView};
use crate::server::limits::ReadAllowed;
use crate::server::problem::{doc, ApiError, IntakeError};
use crate::server::AppState;
use crate::store::Desk;
use crate::store::StoredStatement;

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
    let country = state.countries.get(desk.slug.as_str()).cloned();
    let quota = &state.attachment_quota;
    let attachments = AttachmentLimits {
        max_files: u64::try_from(quota.max_files).unwrap_or(0),
        max_bytes: u64::try_from(quota.max_report_bytes).unwrap_or(0),
    };
    Ok(HttpResponse::Ok().json(DeskView {
        country,
        attachments: Some(attachments),
        ..DeskView::from(&desk)
    }))
}

/// A desk's signed key statements with every name sealed, and its accounts' checkpoints, for a
/// reporter's device to verify from the desk root it was given (docs/protocol.md §10.8). A chain
/// that names someone in the clear (format 1, signed before sealed names) is not served.
#[utoipa::path(get, path = "/api/v1/desks/{slug}/statements",
    params(("slug" = String, Path, description = "The desk's short name", example = "gt")),
    responses(
        (status = 200, body = PublicDeskStatements),
        doc::E404, doc::E409, doc::E429, doc::E503,
    ))]
pub async fn statements(
    _allowed: ReadAllowed,
    state: web::Data<AppState>,
    slug: web::Path<String>,
) -> Result<HttpResponse, IntakeError> {
    let desk = find(&state, &slug).await?;
    // Checkpoints first, as every device reads them (§10.7).
    let checkpoints = state.intake().public_checkpoints(&desk.slug).await?;
    let stored = state.intake().public_statements(&desk.slug).await?;
    if stored.is_empty() {
        return Err(IntakeError::Request(ApiError::KeyConflict(
            "this desk has no signed key statements yet: compare the desk key's number with the \
             one the desk publishes instead",
        )));
    }
    if stored.iter().any(names_in_clear) {
        return Err(IntakeError::Request(ApiError::KeyConflict(
            "this desk's statements name people in the clear (signed before names were sealed) \
             and are shown to its own devices only: compare the desk key's number with the one \
             the desk publishes instead",
        )));
    }
    let statements = stored
        .into_iter()
        .map(|s| PublicStatementView {
            seq: s.seq,
            statement: b64_encode(&s.statement),
            signature: b64_encode(&s.signature),
        })
        .collect();
    Ok(HttpResponse::Ok().json(PublicDeskStatements {
        statements,
        checkpoints: super::checkpoints::views(checkpoints),
    }))
}

/// Whether a stored statement carries a name in the clear: format 1 of a kind that names an
/// account or partner.
fn names_in_clear(stored: &StoredStatement) -> bool {
    Statement::decode_public(&stored.statement)
        .map_or(true, |s| s.format == Format::V1 && s.body.names_someone())
}

impl From<&Desk> for DeskView {
    fn from(desk: &Desk) -> Self {
        Self {
            slug: desk.slug.to_string(),
            name: desk.name.as_str().to_owned(),
            recipient: desk.recipient.as_str().to_owned(),
            key_version: desk.key_version,
            fingerprint: desk.recipient.fingerprint().to_string(),
            country: None,
            attachments: None,
        }
    }
}
