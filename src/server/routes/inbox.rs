//! What a desk's devices list: the inbox (metadata, with what the caller has not been shown yet)
//! and the report ciphertexts in pages, which the device decrypts to show each case's kind,
//! country and needs and to search them (nothing of it is sent back). Both only ever reach the
//! caller's own desk.

use actix_web::{web, HttpResponse};

use crate::domain::{b64_encode, AuditAction, ReportId};
use crate::protocol::cases::{
    CaseContentView, CaseSummaryView, ContentsPage, ContentsQuery, InboxQuery,
};
use crate::server::auth::Vetted;
use crate::server::problem::{doc, ApiError, CaseError};
use crate::server::{audit, AppState};
use crate::store::CaseSummary;

/// Cases per page of contents: enough that a desk of a thousand cases is five requests, few
/// enough that one answer stays a few megabytes (reports are at most 64 KiB).
const DEFAULT_PAGE: i64 = 200;
const MAX_PAGE: i64 = 500;

fn summary_view(c: CaseSummary) -> CaseSummaryView {
    let unread = |total: i64, seen: i64| (total - seen).max(0);
    CaseSummaryView {
        id: c.id.to_string(),
        status: c.status,
        created: crate::time::day(c.created_at),
        updated: crate::time::day(c.updated_at),
        waiting_since: c.waiting_since().map(crate::time::day),
        assigned_to: c.assigned_to.map(|u| u.to_string()),
        messages: c.messages,
        reporter_messages: c.reporter_messages,
        unread_messages: unread(c.reporter_messages, c.messages_seen),
        partner_answers: c.partner_answers,
        unread_answers: unread(c.partner_answers, c.answers_seen),
    }
}

/// The desk's cases, newest change first: metadata only.
#[utoipa::path(get, path = "/api/v1/desk/reports", params(InboxQuery), responses(
    (status = 200, body = Vec<CaseSummaryView>),
    doc::E400, doc::E401, doc::E403, doc::E503,
), security(("bearer" = [])))]
pub async fn inbox(
    caller: Vetted,
    query: web::Query<InboxQuery>,
) -> Result<HttpResponse, CaseError> {
    let me = &caller.0.account;
    let cases = caller.0.desk.inbox(me.id).await?;
    let views: Vec<CaseSummaryView> = cases
        .into_iter()
        .filter(|c| query.status.is_none_or(|s| s == c.status))
        .filter(|c| !query.mine || c.assigned_to.as_ref() == Some(&me.username))
        .map(summary_view)
        .collect();
    Ok(HttpResponse::Ok().json(views))
}

/// One page of the desk's report ciphertexts, in id order; audited as `cases.read`.
#[utoipa::path(get, path = "/api/v1/desk/contents", params(ContentsQuery), responses(
    (status = 200, body = ContentsPage),
    doc::E400, doc::E401, doc::E403, doc::E503,
), security(("bearer" = [])))]
pub async fn contents(
    state: web::Data<AppState>,
    caller: Vetted,
    query: web::Query<ContentsQuery>,
) -> Result<HttpResponse, CaseError> {
    let limit = match query.limit {
        None => DEFAULT_PAGE,
        Some(n @ 1..=MAX_PAGE) => n,
        Some(_) => return Err(ApiError::BadField("limit", "1 to 500").into()),
    };
    let after = match &query.after {
        None => None,
        Some(id) => {
            Some(ReportId::parse(id).map_err(|_| ApiError::BadField("after", "a case id"))?)
        }
    };
    // One more than the page: whether there is a next page, without an empty last request.
    let mut cases = caller.0.desk.contents(after.as_ref(), limit + 1).await?;
    let more = cases.len() as i64 > limit;
    cases.truncate(usize::try_from(limit).unwrap_or(usize::MAX));
    // Who fetched how many reports is on record before they are handed out, as for `case.open`.
    let me = &caller.0.account;
    let subject = format!("count={}", cases.len());
    audit(
        &state,
        me.desk.as_str(),
        me.username.as_str(),
        AuditAction::CasesRead,
        &subject,
    )
    .await?;
    let next = cases
        .last()
        .filter(|_| more)
        .map(|last| last.id.to_string());
    let cases = cases
        .into_iter()
        .map(|c| CaseContentView {
            id: c.id.to_string(),
            key_version: c.key_version,
            ciphertext: b64_encode(c.ciphertext.as_bytes()),
        })
        .collect();
    Ok(HttpResponse::Ok().json(ContentsPage { cases, next }))
}
