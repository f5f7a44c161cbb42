//! Triage for vetted accounts of a desk: the inbox (metadata only), a case's ciphertexts to
//! decrypt on the worker's device, status, assignment, desk-only notes and replies to the reporter.
//! Every query is scoped to the caller's desk: another desk's case is simply not found.

use actix_web::{web, HttpResponse};

use super::case_lookup::{find, report_id};
use crate::crypto::AgeCiphertext;
use crate::domain::{b64_encode, AuditAction, Author, ReferralId, Username};
use crate::protocol::cases::{
    Assignment, DeskCaseView, Entry, EntryView, PartRef, Reencryption, StatusChange,
};
use crate::protocol::referrals::{DeskReferralView, UpdateAuthor};
use crate::server::auth::Supervisor;
use crate::server::auth::Vetted;
use crate::server::problem::{doc, ApiError, CaseError};
use crate::server::{audit, AppState};
use crate::store::{CasePart, Message, Seen};

/// The stored part a re-encryption names; a malformed referral id is a case the desk does not hold.
fn stored_part(part: &PartRef) -> Result<CasePart, CaseError> {
    let referral = |id: &str| ReferralId::parse(id).map_err(|_| CaseError::CaseNotFound);
    Ok(match part {
        PartRef::Report => CasePart::Report,
        PartRef::Message { seq } => CasePart::Message(*seq),
        PartRef::Note { seq } => CasePart::Note(*seq),
        PartRef::Referral { id } => CasePart::Referral(referral(id)?),
        PartRef::ReferralReason { id } => CasePart::ReferralReason(referral(id)?),
        PartRef::ReferralUpdate { id, seq } => CasePart::ReferralUpdate(referral(id)?, *seq),
        PartRef::Seal => CasePart::Seal,
    })
}

/// One case with its report, thread and notes, all ciphertext to decrypt on the device.
#[utoipa::path(get, path = "/api/v1/desk/reports/{id}", params(("id" = String, Path)), responses(
    (status = 200, body = DeskCaseView),
    doc::E401, doc::E403, doc::E404, doc::E503,
), security(("bearer" = [])))]
pub async fn show(
    state: web::Data<AppState>,
    caller: Vetted,
    id: web::Path<String>,
) -> Result<HttpResponse, CaseError> {
    let case = find(&caller, &id).await?;
    let report = &case.report;
    // Recorded before anything is handed out: who opened which case is on record.
    let me = &caller.0.account;
    audit(
        &state,
        me.desk.as_str(),
        me.username.as_str(),
        AuditAction::CaseOpen,
        &report.id.to_string(),
    )
    .await?;
    let desk = &caller.0.desk;
    let messages = desk.messages(&report.id).await?;
    let notes = desk.notes(&report.id).await?;
    let referrals = super::referrals::of_case(desk, &report.id).await?;
    desk.mark_read(&report.id, me.id, seen(&messages, &referrals))
        .await?;
    Ok(HttpResponse::Ok().json(DeskCaseView {
        id: report.id.to_string(),
        status: report.status,
        created: crate::time::day(report.created_at),
        updated: crate::time::day(report.updated_at),
        assigned_to: case.assigned_to.as_ref().map(|u| u.to_string()),
        key_version: report.key_version,
        ciphertext: b64_encode(report.ciphertext.as_bytes()),
        reply_recipient: case.reply_recipient.as_str().to_owned(),
        messages: messages
            .iter()
            .map(|m| EntryView {
                seq: m.seq,
                author: m.author.as_str().to_owned(),
                day: crate::time::day(m.created_at),
                ciphertext: b64_encode(m.ciphertext.as_bytes()),
            })
            .collect(),
        notes: notes
            .iter()
            .map(|n| EntryView {
                seq: n.seq,
                author: n.author.to_string(),
                day: crate::time::day(n.created_at),
                ciphertext: b64_encode(n.ciphertext.as_bytes()),
            })
            .collect(),
        referrals,
        seal: case.seal.as_ref().map(|c| b64_encode(c.as_bytes())),
    }))
}

/// What the caller is about to be shown: the reporter's messages and the partners' answers.
fn seen(messages: &[Message], referrals: &[DeskReferralView]) -> Seen {
    let answers = referrals
        .iter()
        .flat_map(|r| &r.updates)
        .filter(|u| u.author == UpdateAuthor::Partner)
        .count();
    let count = |n: usize| i64::try_from(n).unwrap_or(i64::MAX);
    Seen {
        messages: count(
            messages
                .iter()
                .filter(|m| m.author == Author::Reporter)
                .count(),
        ),
        answers: count(answers),
    }
}

/// Moves a case to another status (`new`, `in_review`, `referred`, `closed`, `spam`).
#[utoipa::path(post, path = "/api/v1/desk/reports/{id}/status", params(("id" = String, Path)),
    request_body = StatusChange, responses(
    (status = 204),
    doc::E400, doc::E401, doc::E403, doc::E404, doc::E413, doc::E415, doc::E503,
), security(("bearer" = [])))]
pub async fn set_status(
    state: web::Data<AppState>,
    caller: Vetted,
    id: web::Path<String>,
    change: web::Json<StatusChange>,
) -> Result<HttpResponse, CaseError> {
    let id = report_id(&id)?;
    let now = crate::time::now_bucket();
    let desk = &caller.0.account.desk;
    caller.0.desk.set_status(&id, change.status, now).await?;
    let subject = format!("{id} {}", change.status.as_str());
    audit(
        &state,
        desk.as_str(),
        caller.0.account.username.as_str(),
        AuditAction::CaseStatus,
        &subject,
    )
    .await?;
    Ok(HttpResponse::NoContent().finish())
}

/// Assigns a case to an account of the desk, or unassigns it.
#[utoipa::path(post, path = "/api/v1/desk/reports/{id}/assign", params(("id" = String, Path)),
    request_body = Assignment, responses(
    (status = 204),
    doc::E400, doc::E401, doc::E403, doc::E404, doc::E413, doc::E415, doc::E503,
), security(("bearer" = [])))]
pub async fn assign(
    state: web::Data<AppState>,
    caller: Vetted,
    id: web::Path<String>,
    assignment: web::Json<Assignment>,
) -> Result<HttpResponse, CaseError> {
    let id = report_id(&id)?;
    let desk = &caller.0.account.desk;
    let account = match &assignment.username {
        None => None,
        Some(name) => {
            let name = Username::parse(name).map_err(|_| CaseError::AccountNotFound)?;
            let account = caller
                .0
                .desk
                .account(&name)
                .await?
                .ok_or(CaseError::AccountNotFound)?;
            Some(account.id)
        }
    };
    let now = crate::time::now_bucket();
    caller.0.desk.assign(&id, account, now).await?;
    let subject = format!("{id} {}", assignment.username.as_deref().unwrap_or("-"));
    audit(
        &state,
        desk.as_str(),
        caller.0.account.username.as_str(),
        AuditAction::CaseAssign,
        &subject,
    )
    .await?;
    Ok(HttpResponse::NoContent().finish())
}

fn entry_ciphertext(state: &AppState, entry: &Entry) -> Result<AgeCiphertext, ApiError> {
    super::ciphertext_field(&entry.ciphertext, "ciphertext", state.message_limits)
}

/// Records that a desk device is exporting the case (printing it, or saving it as a PDF, for a
/// complaint to the authorities): audited as `case.export` before the dashboard opens the print
/// dialog from its Print button. Printing from the browser's own menu is not seen by the server.
/// The server learns only that it happened.
#[utoipa::path(post, path = "/api/v1/desk/reports/{id}/export", params(("id" = String, Path)),
    responses(
    (status = 204),
    doc::E401, doc::E403, doc::E404, doc::E413, doc::E415, doc::E503,
), security(("bearer" = [])))]
pub async fn export(
    state: web::Data<AppState>,
    caller: Vetted,
    id: web::Path<String>,
) -> Result<HttpResponse, CaseError> {
    let case = find(&caller, &id).await?;
    let me = &caller.0.account;
    let subject = case.report.id.to_string();
    audit(
        &state,
        me.desk.as_str(),
        me.username.as_str(),
        AuditAction::CaseExport,
        &subject,
    )
    .await?;
    Ok(HttpResponse::NoContent().finish())
}

/// Seals a case that has no seal yet (protocol.md §10.5): the first desk device to act on it
/// stores its signed account of the report, encrypted to the desk key.
#[utoipa::path(post, path = "/api/v1/desk/reports/{id}/seal", params(("id" = String, Path)),
    request_body = Entry, responses(
    (status = 204),
    doc::E400, doc::E401, doc::E403, doc::E404, doc::E409, doc::E413, doc::E415, doc::E503,
), security(("bearer" = [])))]
pub async fn seal(
    state: web::Data<AppState>,
    caller: Vetted,
    id: web::Path<String>,
    entry: web::Json<Entry>,
) -> Result<HttpResponse, CaseError> {
    let case = find(&caller, &id).await?;
    // A seal's length depends only on the desk's and the reply key's, both public: nothing to pad.
    let ciphertext =
        super::wrapped_key_field(&entry.ciphertext, "ciphertext", state.message_limits)?;
    let me = &caller.0.account;
    // A seal there already is a key conflict ("sealed already"): `CaseError`.
    caller
        .0
        .desk
        .seal_case(&case.report.id, &ciphertext)
        .await?;
    let subject = case.report.id.to_string();
    audit(
        &state,
        me.desk.as_str(),
        me.username.as_str(),
        AuditAction::CaseSeal,
        &subject,
    )
    .await?;
    Ok(HttpResponse::NoContent().finish())
}

/// Adds a note that only the desk reads (encrypted to the desk key).
#[utoipa::path(post, path = "/api/v1/desk/reports/{id}/notes", params(("id" = String, Path)),
    request_body = Entry, responses(
    (status = 201),
    doc::E400, doc::E401, doc::E403, doc::E404, doc::E413, doc::E415, doc::E503,
), security(("bearer" = [])))]
pub async fn note(
    state: web::Data<AppState>,
    caller: Vetted,
    id: web::Path<String>,
    entry: web::Json<Entry>,
) -> Result<HttpResponse, CaseError> {
    let case = find(&caller, &id).await?;
    let ciphertext = entry_ciphertext(&state, &entry)?;
    let now = crate::time::now_bucket();
    caller
        .0
        .desk
        .add_note(&case.report.id, caller.0.account.id, &ciphertext, now)
        .await?;
    let me = &caller.0.account;
    audit(
        &state,
        me.desk.as_str(),
        me.username.as_str(),
        AuditAction::CaseNote,
        &case.report.id.to_string(),
    )
    .await?;
    Ok(HttpResponse::Created().finish())
}

/// Replies to the reporter (encrypted to the reply recipient and the desk key); the reporter's
/// follow-up shows it.
#[utoipa::path(post, path = "/api/v1/desk/reports/{id}/replies", params(("id" = String, Path)),
    request_body = Entry, responses(
    (status = 201),
    doc::E400, doc::E401, doc::E403, doc::E404, doc::E409, doc::E413, doc::E415, doc::E503,
), security(("bearer" = [])))]
pub async fn reply(
    state: web::Data<AppState>,
    caller: Vetted,
    id: web::Path<String>,
    entry: web::Json<Entry>,
) -> Result<HttpResponse, CaseError> {
    let case = find(&caller, &id).await?;
    let ciphertext = entry_ciphertext(&state, &entry)?;
    let now = crate::time::now_bucket();
    let message = (caller.0.desk).message(&case.report.id, ciphertext, now, state.max_messages);
    state.writes.message(message).await?;
    let me = &caller.0.account;
    audit(
        &state,
        me.desk.as_str(),
        me.username.as_str(),
        AuditAction::CaseReply,
        &case.report.id.to_string(),
    )
    .await?;
    Ok(HttpResponse::Created().finish())
}

/// Replaces one ciphertext of a case with its re-encryption to the desk's current key, so that
/// accounts left out of a rotation lose an open case's old ciphertext too. The supervisor's
/// device decrypts and re-encrypts; the server only swaps ciphertext for ciphertext.
#[utoipa::path(post, path = "/api/v1/desk/reports/{id}/reencrypt", params(("id" = String, Path)),
    request_body = Reencryption, responses(
    (status = 204),
    doc::E400, doc::E401, doc::E403, doc::E404, doc::E409, doc::E413, doc::E415, doc::E503,
), security(("bearer" = [])))]
pub async fn reencrypt(
    state: web::Data<AppState>,
    supervisor: Supervisor,
    id: web::Path<String>,
    request: web::Json<Reencryption>,
) -> Result<HttpResponse, CaseError> {
    let me = &supervisor.0.account;
    let id = report_id(&id)?;
    let current = supervisor
        .0
        .desk
        .desk()
        .await?
        .ok_or(CaseError::KeyConflict("this desk has no key yet"))?;
    if request.key_version != current.key_version {
        return Err(CaseError::KeyConflict(
            "re-encrypt to the desk's current key version",
        ));
    }
    let limits = match request.part {
        PartRef::Report | PartRef::Referral { .. } | PartRef::ReferralReason { .. } => {
            state.ciphertext_limits
        }
        PartRef::Message { .. }
        | PartRef::Note { .. }
        | PartRef::ReferralUpdate { .. }
        | PartRef::Seal => state.message_limits,
    };
    let part = stored_part(&request.part)?;
    let ciphertext = match part {
        CasePart::Seal => super::wrapped_key_field(&request.ciphertext, "ciphertext", limits)?,
        _ => super::ciphertext_field(&request.ciphertext, "ciphertext", limits)?,
    };
    supervisor
        .0
        .desk
        .replace_ciphertext(&id, part, &ciphertext, current.key_version)
        .await?;
    let subject = format!("{id} {}", request.part.describe());
    audit(
        &state,
        me.desk.as_str(),
        me.username.as_str(),
        AuditAction::CaseReencrypt,
        &subject,
    )
    .await?;
    Ok(HttpResponse::NoContent().finish())
}
