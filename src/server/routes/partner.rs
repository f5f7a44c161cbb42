//! The partner's side: with its API token, a partner lists and opens only the referrals made to
//! it, and answers each with a status and an optional message encrypted to the desk key. It never
//! reaches a report, a note, a thread or another partner's referral.

use actix_web::{web, HttpResponse};

use crate::domain::{b64_encode, AttachmentId, AuditAction, ReferralId, ReferralStatus};
use crate::protocol::attachments::AgeBytes;
use crate::protocol::partner::{
    PartnerAnswer, PartnerDeskStatements, PartnerReferralSummary, PartnerReferralView,
};
use crate::protocol::referrals::ReferralUpdateView;
use crate::server::auth::PartnerCaller;
use crate::server::problem::{doc, ApiError, PartnerError};
use crate::server::{audit, AppState};
use crate::store::{Referral, StoreError};

fn summary(r: &Referral) -> PartnerReferralSummary {
    PartnerReferralSummary {
        id: r.id.to_string(),
        status: r.status,
        created: crate::time::day(r.created_at),
        updated: crate::time::day(r.updated_at),
        expires: r.expires_at.map(crate::time::day),
        available: !expired(r),
    }
}

/// The caller's referral `id`; another partner's looks exactly like a missing one.
async fn own(caller: &PartnerCaller, id: &str) -> Result<Referral, PartnerError> {
    let id = ReferralId::parse(id).map_err(|_| PartnerError::ReferralNotFound)?;
    (caller.1.referral(&id).await?).ok_or(PartnerError::ReferralNotFound)
}

/// Whether the partner's copy is gone, or due to go at the next purge.
fn expired(r: &Referral) -> bool {
    r.ciphertext.is_none() || r.expires_at.is_some_and(|t| t < crate::time::now_secs())
}

/// The actor partners are recorded as in the audit log.
fn actor(caller: &PartnerCaller) -> String {
    format!("partner:{}", caller.0.id)
}

/// The referrals made to the caller, newest change first.
#[utoipa::path(get, tag = "partner_api", path = "/api/v1/partner/referrals", responses(
    (status = 200, body = Vec<PartnerReferralSummary>),
    doc::E401, doc::E503,
), security(("bearer" = [])))]
pub async fn inbox(caller: PartnerCaller) -> Result<HttpResponse, PartnerError> {
    let referrals = caller.1.referrals().await?;
    let views: Vec<PartnerReferralSummary> = referrals.iter().map(summary).collect();
    Ok(HttpResponse::Ok().json(views))
}

/// The partner's desk's signed key statements, in order, for the partner's device to verify
/// from the desk root it pinned (docs/protocol.md §10.6).
#[utoipa::path(get, tag = "partner_api", path = "/api/v1/partner/statements", responses(
    (status = 200, body = PartnerDeskStatements),
    doc::E401, doc::E503,
), security(("bearer" = [])))]
pub async fn statements(caller: PartnerCaller) -> Result<HttpResponse, PartnerError> {
    // Checkpoints first, as a desk device reads them (§10.7).
    let checkpoints = caller.1.desk_checkpoints().await?;
    let stored = caller.1.desk_statements().await?;
    Ok(HttpResponse::Ok().json(PartnerDeskStatements {
        desk: caller.0.desk.to_string(),
        statements: super::statements::views(stored),
        checkpoints: super::checkpoints::views(checkpoints),
    }))
}

/// One referral's ciphertext and answers; 410 once it has expired.
#[utoipa::path(get, tag = "partner_api", path = "/api/v1/partner/referrals/{id}", params(("id" = String, Path)),
    responses(
    (status = 200, body = PartnerReferralView),
    doc::E401, doc::E404, doc::E410, doc::E503,
), security(("bearer" = [])))]
pub async fn show(
    state: web::Data<AppState>,
    caller: PartnerCaller,
    id: web::Path<String>,
) -> Result<HttpResponse, PartnerError> {
    let referral = own(&caller, &id).await?;
    let ciphertext = match &referral.ciphertext {
        Some(c) if !expired(&referral) => c,
        _ => return Err(PartnerError::ReferralExpired),
    };
    // The desk's current public key, as the public pages show it: answers are encrypted to it.
    let desk = state
        .intake()
        .desk(&caller.0.desk)
        .await?
        .ok_or(PartnerError::Request(ApiError::Unavailable))?;
    let subject = referral.id.to_string();
    audit(
        &state,
        caller.0.desk.as_str(),
        &actor(&caller),
        AuditAction::ReferralOpen,
        &subject,
    )
    .await?;
    let updates = caller.1.referral_updates(&referral.id).await?;
    Ok(HttpResponse::Ok().json(PartnerReferralView {
        id: referral.id.to_string(),
        status: referral.status,
        created: crate::time::day(referral.created_at),
        updated: crate::time::day(referral.updated_at),
        expires: referral.expires_at.map(crate::time::day),
        ciphertext: b64_encode(ciphertext.as_bytes()),
        desk_recipient: desk.recipient.as_str().to_owned(),
        desk_fingerprint: desk.recipient.fingerprint().to_string(),
        updates: updates.iter().map(ReferralUpdateView::from).collect(),
    }))
}

/// A complete attachment the referral shares with the partner (its key is inside the referral's
/// document), streamed as the desk's download is, audited as `referral.attachment` before it is
/// sent; gone with the partner's copy of the referral.
#[utoipa::path(get, tag = "partner_api", path = "/api/v1/partner/referrals/{id}/attachments/{attachment}",
    params(("id" = String, Path), ("attachment" = String, Path)),
    responses(
        (status = 200, body = AgeBytes, content_type = "application/octet-stream"),
        doc::E401, doc::E404, doc::E410, doc::E503,
    ), security(("bearer" = [])))]
pub async fn attachment(
    state: web::Data<AppState>,
    caller: PartnerCaller,
    path: web::Path<(String, String)>,
    req: actix_web::HttpRequest,
) -> Result<HttpResponse, PartnerError> {
    let (id, attachment) = path.into_inner();
    let referral = own(&caller, &id).await?;
    if expired(&referral) {
        return Err(PartnerError::ReferralExpired);
    }
    let not_found = || PartnerError::Request(ApiError::AttachmentNotFound);
    let attachment = AttachmentId::parse(&attachment).map_err(|_| not_found())?;
    let shared = caller.1.shared_attachment(&referral.id, &attachment);
    let shared = shared.await?.ok_or_else(not_found)?;
    let head = req.method() == actix_web::http::Method::HEAD;
    if !head {
        let subject = format!("{} {}", referral.id, shared.id);
        audit(
            &state,
            caller.0.desk.as_str(),
            &actor(&caller),
            AuditAction::ReferralAttachment,
            &subject,
        )
        .await?;
    }
    Ok(super::attachments::body(&state, &shared, head))
}

/// Answers a referral: accept, decline, close, or write to the desk.
#[utoipa::path(post, tag = "partner_api", path = "/api/v1/partner/referrals/{id}/updates", params(("id" = String, Path)),
    request_body = PartnerAnswer, responses(
    (status = 201),
    doc::E400, doc::E401, doc::E404, doc::E409, doc::E410, doc::E413, doc::E415, doc::E503,
), security(("bearer" = [])))]
pub async fn answer(
    state: web::Data<AppState>,
    caller: PartnerCaller,
    id: web::Path<String>,
    request: web::Json<PartnerAnswer>,
) -> Result<HttpResponse, PartnerError> {
    let referral = own(&caller, &id).await?;
    if expired(&referral) {
        return Err(PartnerError::ReferralExpired);
    }
    let message = match &request.ciphertext {
        None => None,
        Some(text) => Some(super::ciphertext_field(
            text,
            "ciphertext",
            state.message_limits,
        )?),
    };
    match request.status {
        None if message.is_none() => {
            return Err(
                ApiError::MalformedRequest("send a status, a message, or both".into()).into(),
            )
        }
        None if referral.status.is_final() => {
            return Err(PartnerError::ReferralConflict(
                "this referral is declined or closed",
            ))
        }
        Some(next) if !referral.status.may_become(next) => {
            return Err(PartnerError::ReferralConflict(
                "that status cannot follow the referral's current one",
            ))
        }
        _ => {}
    }
    let now = crate::time::now_bucket();
    match caller
        .1
        .add_referral_update(
            &referral.id,
            referral.status,
            request.status,
            message.as_ref(),
            now,
        )
        .await
    {
        // Not a newer answer's conflict as the desk reads it: this partner's answer lost a race.
        Err(StoreError::Conflict(_)) => {
            return Err(PartnerError::ReferralConflict(
                "another answer came first; look again",
            ))
        }
        other => other?,
    }
    let subject = format!(
        "{} {}",
        referral.id,
        request.status.map_or("message", ReferralStatus::as_str)
    );
    audit(
        &state,
        caller.0.desk.as_str(),
        &actor(&caller),
        AuditAction::ReferralUpdate,
        &subject,
    )
    .await?;
    Ok(HttpResponse::Created().finish())
}
