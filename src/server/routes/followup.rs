//! The reporter's way back in: the receipt lookup finds the report, the auth key proves the phrase.
//! An unknown lookup and a wrong auth key get the same answer after the same work, so the answer
//! does not tell whether a report exists.

use actix_web::{web, HttpResponse};

use super::decode_exact;
use crate::domain::{b64_encode, Author, Lookup, ReceiptAuth, Verifier};
use crate::protocol::followup::{
    CaseView, FollowupMessage, FollowupRequest, MessageAccepted, MessageView,
};
use crate::server::limits::FollowupAllowed;
use crate::server::problem::{doc, ApiError};
use crate::server::AppState;
use crate::store::{NewMessage, Receipt, StoreError, Thing};

/// Compared against when a lookup is unknown, so both failures do the same work.
const DUMMY: Verifier = Verifier([0u8; 32]);

async fn authenticate(state: &AppState, lookup: &str, auth: &str) -> Result<Receipt, ApiError> {
    let lookup = Lookup(decode_exact::<16>(lookup, "lookup")?);
    let auth = ReceiptAuth::from_bytes(decode_exact::<32>(auth, "auth")?);
    let found = state.store.receipt(&lookup).await?;
    let expected = found.as_ref().map_or(DUMMY, |r| r.verifier);
    let matches = auth.verifier().matches(&expected);
    match found {
        Some(receipt) if matches => Ok(receipt),
        _ => Err(ApiError::ReceiptNotFound),
    }
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
) -> Result<HttpResponse, ApiError> {
    let receipt = authenticate(&state, &request.lookup, &request.auth).await?;
    let messages = state.store.messages(&receipt.report_id).await?;
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
) -> Result<HttpResponse, ApiError> {
    let ciphertext =
        super::ciphertext_field(&request.ciphertext, "ciphertext", state.message_limits)?;
    let receipt = authenticate(&state, &request.lookup, &request.auth).await?;
    let now = crate::time::now_bucket();
    let message = NewMessage {
        report: receipt.report_id,
        author: Author::Reporter,
        ciphertext,
        created_at: now,
        max_messages: state.max_messages,
    };
    state.writes.message(message).await.map_err(receipt_gone)?;
    Ok(HttpResponse::Created().json(MessageAccepted {
        status: receipt.status,
    }))
}

/// A report deleted between the receipt check and the write (a purge, or the desk deleting it)
/// is, to the reporter, a receipt that no longer finds anything.
fn receipt_gone(e: StoreError) -> ApiError {
    match e {
        StoreError::Missing(Thing::Report) => ApiError::ReceiptNotFound,
        other => other.into(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_report_gone_under_a_follow_up_is_a_receipt_not_found() {
        let answer = receipt_gone(StoreError::Missing(Thing::Report));
        assert_eq!(answer.slug(), "receipt-not-found");
        assert_eq!(receipt_gone(StoreError::Full).slug(), "thread-full");
    }
}
