//! The reporter's way back in: the receipt lookup finds the report, the auth key proves the phrase.
//! An unknown lookup and a wrong auth key get the same answer after the same work, so the answer
//! does not tell whether a report exists.

use actix_web::{web, HttpResponse};

use super::decode_exact;
use crate::domain::{b64_encode, Lookup, ReceiptAuth};
use crate::protocol::followup::{
    CaseView, FollowupMessage, FollowupRequest, MessageAccepted, MessageView,
};
use crate::server::limits::FollowupAllowed;
use crate::server::problem::{doc, FollowupError};
use crate::server::AppState;
use crate::store::ReporterStore;

/// The reporter capability for the report whose phrase the caller proved.
pub(super) async fn authenticate(
    state: &AppState,
    lookup: &str,
    auth: &str,
) -> Result<ReporterStore, FollowupError> {
    let lookup = Lookup(decode_exact::<16>(lookup, "lookup")?);
    let auth = ReceiptAuth::from_bytes(decode_exact::<32>(auth, "auth")?);
    let reporter = state.intake().reporter(&lookup, &auth).await?;
    reporter.ok_or(FollowupError::ReceiptNotFound)
}

/// A case's status and thread, for the reporter who holds the receipt phrase.
#[utoipa::path(post, path = "/api/v1/followup", request_body = FollowupRequest,
    responses(
        (status = 200, body = CaseView),
        doc::E400, doc::E404, doc::E408, doc::E413, doc::E415, doc::E429, doc::E503,
    ))]
pub async fn show(
    _allowed: FollowupAllowed,
    state: web::Data<AppState>,
    request: web::Json<FollowupRequest>,
) -> Result<HttpResponse, FollowupError> {
    let reporter = authenticate(&state, &request.lookup, &request.auth).await?;
    let messages = reporter.messages().await?;
    let receipt = reporter.receipt();
    Ok(HttpResponse::Ok().json(CaseView {
        desk: receipt.desk.to_string(),
        status: receipt.status,
        created: crate::time::day(receipt.created_at),
        updated: crate::time::day(receipt.updated_at),
        messages: messages
            .into_iter()
            .map(|m| MessageView {
                author: m.author,
                day: crate::time::day(m.created_at),
                ciphertext: b64_encode(m.ciphertext.as_bytes()),
            })
            .collect(),
    }))
}

/// Adds a reporter's encrypted message to the case thread.
#[utoipa::path(post, path = "/api/v1/followup/messages", request_body = FollowupMessage,
    responses(
        (status = 201, body = MessageAccepted),
        doc::E400, doc::E404, doc::E408, doc::E409, doc::E413, doc::E415, doc::E429, doc::E503,
    ))]
pub async fn add_message(
    _allowed: FollowupAllowed,
    state: web::Data<AppState>,
    request: web::Json<FollowupMessage>,
) -> Result<HttpResponse, FollowupError> {
    let ciphertext =
        super::ciphertext_field(&request.ciphertext, "ciphertext", state.message_limits)?;
    let reporter = authenticate(&state, &request.lookup, &request.auth).await?;
    let now = crate::time::now_bucket();
    let message = reporter.message(ciphertext, now, state.max_messages);
    // A report deleted between the receipt check and the write (a purge, or the desk deleting
    // it) is, to the reporter, a receipt that no longer finds anything (`FollowupError`).
    state.writes.message(message).await?;
    Ok(HttpResponse::Created().json(MessageAccepted {
        status: reporter.receipt().status,
    }))
}
