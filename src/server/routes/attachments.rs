//! A desk's attachments (docs/protocol.md §12): the list of a case's, and one attachment's
//! ciphertext, streamed from the blob store part by part, so that the server never holds a whole
//! file. Only complete attachments are served, and each read is audited before a byte is sent.

use actix_web::body::SizedStream;
use actix_web::{web, HttpResponse};

use super::case_lookup::find;
use crate::domain::{AttachmentId, AuditAction};
use crate::protocol::attachments::{part_len, AgeBytes, AttachmentView};
use crate::server::auth::Vetted;
use crate::server::problem::{doc, ApiError, CaseError};
use crate::server::{audit, AppState};
use crate::store::Attachment;

/// A case's attachments, complete or not, in id order.
#[utoipa::path(get, path = "/api/v1/desk/reports/{id}/attachments", params(("id" = String, Path)),
    responses(
        (status = 200, body = Vec<AttachmentView>),
        doc::E401, doc::E403, doc::E404, doc::E503,
    ), security(("bearer" = [])))]
pub async fn list(caller: Vetted, id: web::Path<String>) -> Result<HttpResponse, CaseError> {
    let case = find(&caller, &id).await?;
    let attachments = caller.0.desk.attachments(&case.report.id).await?;
    let views: Vec<AttachmentView> = attachments
        .iter()
        .map(|a| AttachmentView {
            id: a.id.to_string(),
            size: u64::try_from(a.size).unwrap_or_default(),
            complete: a.complete,
            day: crate::time::day(a.created_at),
        })
        .collect();
    Ok(HttpResponse::Ok().json(views))
}

/// One complete attachment's ciphertext (`application/octet-stream`, its exact length), audited
/// as `attachment.read` before it is sent.
#[utoipa::path(get, path = "/api/v1/desk/attachments/{id}", params(("id" = String, Path)),
    responses(
        (status = 200, body = AgeBytes, content_type = "application/octet-stream"),
        doc::E401, doc::E403, doc::E404, doc::E409, doc::E503,
    ), security(("bearer" = [])))]
pub async fn download(
    state: web::Data<AppState>,
    caller: Vetted,
    id: web::Path<String>,
    req: actix_web::HttpRequest,
) -> Result<HttpResponse, CaseError> {
    let not_found = || CaseError::Request(ApiError::AttachmentNotFound);
    let id = AttachmentId::parse(&id).map_err(|_| not_found())?;
    let attachment = caller.0.desk.attachment(&id).await?.ok_or_else(not_found)?;
    if !attachment.complete {
        return Err(ApiError::AttachmentIncomplete.into());
    }
    let head = req.method() == actix_web::http::Method::HEAD;
    // A HEAD sends no byte of the file, so it is not recorded as a read.
    if !head {
        let me = &caller.0.account;
        let subject = format!("{} {}", attachment.report, attachment.id);
        audit(
            &state,
            me.desk.as_str(),
            me.username.as_str(),
            AuditAction::AttachmentRead,
            &subject,
        )
        .await?;
    }
    Ok(body(&state, &attachment, head))
}

/// A complete attachment's ciphertext as an answer (`application/octet-stream`, with its
/// `Content-Length`): for a HEAD, its length only; else its parts streamed from the blob store,
/// one in memory at a time. A part missing or of the wrong length ends the body short of its
/// length, so that no client takes a broken file for a whole one.
pub(super) fn body(state: &AppState, attachment: &Attachment, head: bool) -> HttpResponse {
    let size = u64::try_from(attachment.size).unwrap_or_default();
    let answer = || {
        let mut ok = HttpResponse::Ok();
        ok.content_type("application/octet-stream");
        ok
    };
    if head {
        let nothing = futures_util::stream::empty::<Result<web::Bytes, std::io::Error>>();
        return answer().body(SizedStream::new(size, nothing));
    }
    let blobs = state.blobs.clone();
    let id = attachment.id;
    let parts = futures_util::stream::try_unfold(0u64, move |part| {
        let blobs = blobs.clone();
        async move {
            let Some(expected) = part_len(size, part) else {
                return Ok(None);
            };
            let bytes = blobs.part(&id, part).await.map_err(|e| {
                super::uploads::blob_failure(e);
                std::io::Error::other("an attachment part could not be read")
            })?;
            if bytes.len() as u64 != expected {
                tracing::error!("an attachment part in the store has the wrong length");
                return Err(std::io::Error::other("an attachment part is damaged"));
            }
            Ok(Some((web::Bytes::from(bytes), part + 1)))
        }
    });
    answer().body(SizedStream::new(size, parts))
}
