//! The desk's side of partners: supervisors keep the directory (add, disable, new token); vetted
//! accounts list it and refer cases. A referral is age ciphertext to the partner's key and the
//! desk key, made on the worker's device with only the fields the worker chose.

use actix_web::{web, HttpResponse};

use crate::domain::{
    b64_encode, is_public_address, AttachmentId, AuditAction, PartnerId, PartnerName,
    PartnerProfile, PartnerStatus, Recipient, ReferralId, ReportId, Secret32, WebhookUrl,
};
use crate::protocol::referrals::{
    Consent, DeskMessageToPartner, DeskReferralView, NewPartner, NewReferralRequest, PartnerToken,
    PartnerView, ReferralCreated, ReferralUpdateView, UpdateAuthor,
};
use crate::server::auth::{Supervisor, Vetted};
use crate::server::problem::{doc, ApiError, PartnerError};
use crate::server::{audit, AppState};
use crate::store::{DeskStore, NewReferral, Partner, ReferralUpdate, StoreError};

fn token_view(state: &AppState, partner: &Partner, token: &Secret32) -> PartnerToken {
    let key = crate::crypto::webhook::partner_key(
        &state.webhook_key,
        partner.id.as_bytes(),
        &token.digest(),
    );
    PartnerToken {
        partner: PartnerView::from(partner),
        token: token.to_text().to_string(),
        webhook_key: partner.webhook.as_ref().map(|_| b64_encode(key.as_ref())),
    }
}

/// The referrals of a case with the partners' answers.
pub(super) async fn of_case(
    desk: &DeskStore,
    report: &ReportId,
) -> Result<Vec<DeskReferralView>, StoreError> {
    let mut views = vec![];
    for r in desk.referrals_of_case(report).await? {
        let updates = desk.referral_updates(&r.id).await?;
        views.push(DeskReferralView {
            id: r.id.to_string(),
            partner: r.partner.to_string(),
            partner_name: r.partner_name.as_str().to_owned(),
            status: r.status,
            created: crate::time::day(r.created_at),
            updated: crate::time::day(r.updated_at),
            expires: r.expires_at.map(crate::time::day),
            ciphertext: r.ciphertext.as_ref().map(|c| b64_encode(c.as_bytes())),
            override_reason: r.override_reason.as_ref().map(|c| b64_encode(c.as_bytes())),
            updates: updates.iter().map(ReferralUpdateView::from).collect(),
        });
    }
    Ok(views)
}

fn partner_id(text: &str) -> Result<PartnerId, PartnerError> {
    PartnerId::parse(text).map_err(|_| PartnerError::PartnerNotFound)
}

fn profile(request: &NewPartner) -> Result<PartnerProfile, PartnerError> {
    if request.services.is_empty() || request.countries.is_empty() || request.languages.is_empty() {
        return Err(ApiError::MalformedRequest(
            "a partner offers at least one service, in one country and one language".into(),
        )
        .into());
    }
    Ok(PartnerProfile {
        name: PartnerName::parse(&request.name)
            .map_err(|e| ApiError::MalformedRequest(e.to_string()))?,
        services: dedup(&request.services),
        countries: dedup(&request.countries),
        languages: dedup(&request.languages),
        recipient: Recipient::parse(&request.recipient)
            .map_err(|_| ApiError::BadRecipient("recipient"))?,
        contact: PartnerProfile::parse_contact(&request.contact)
            .map_err(|e| ApiError::MalformedRequest(e.to_string()))?,
    })
}

fn dedup<T: PartialEq + Clone>(items: &[T]) -> Vec<T> {
    let mut out: Vec<T> = Vec::with_capacity(items.len());
    for item in items {
        if !out.contains(item) {
            out.push(item.clone());
        }
    }
    out
}

/// A webhook address as registration takes it: of the right form, and not an address on the
/// server's own host or network unless `webhooks.allow_private` (names are checked again, once
/// resolved, at each delivery).
fn webhook(state: &AppState, text: &str) -> Result<WebhookUrl, PartnerError> {
    let url = WebhookUrl::parse(text, state.allow_http_webhooks)
        .map_err(|e| ApiError::MalformedRequest(e.to_string()))?;
    match url.ip_host() {
        Some(ip) if !state.allow_private_webhooks && !is_public_address(ip) => {
            Err(ApiError::MalformedRequest(
                "a webhook may not point at a loopback, private or link-local address".into(),
            )
            .into())
        }
        _ => Ok(url),
    }
}

/// Adds a partner to the desk's directory and returns its API token, once.
#[utoipa::path(post, tag = "partners", path = "/api/v1/desk/partners", request_body = NewPartner, responses(
    (status = 201, body = PartnerToken),
    doc::E400, doc::E401, doc::E403, doc::E409, doc::E413, doc::E415, doc::E503,
), security(("bearer" = [])))]
pub async fn add(
    state: web::Data<AppState>,
    supervisor: Supervisor,
    request: web::Json<NewPartner>,
) -> Result<HttpResponse, PartnerError> {
    let me = &supervisor.0.account;
    let partner = Partner {
        id: PartnerId::random(),
        desk: me.desk.clone(),
        profile: profile(&request)?,
        status: PartnerStatus::Active,
        webhook: request
            .webhook
            .as_deref()
            .map(|url| webhook(&state, url))
            .transpose()?,
    };
    // A name that looks like one already in the directory is taken: a case worker picking "P1"
    // must not get a look-alike registered to another key.
    let listed = supervisor.0.desk.partners().await?;
    if listed
        .iter()
        .any(|p| p.profile.name.looks_like(&partner.profile.name))
    {
        return Err(PartnerError::PartnerNameTaken);
    }
    let token = Secret32::random();
    let now = crate::time::now_bucket();
    // The name taken meanwhile is `PartnerNameTaken` (`PartnerError`).
    supervisor
        .0
        .desk
        .add_partner(&partner, &token.digest(), now)
        .await?;
    let subject = partner.id.to_string();
    audit(
        &state,
        me.desk.as_str(),
        me.username.as_str(),
        AuditAction::PartnerAdd,
        &subject,
    )
    .await?;
    Ok(HttpResponse::Created().json(token_view(&state, &partner, &token)))
}

/// The desk's partner directory.
#[utoipa::path(get, tag = "partners", path = "/api/v1/desk/partners", responses(
    (status = 200, body = Vec<PartnerView>),
    doc::E401, doc::E403, doc::E503,
), security(("bearer" = [])))]
pub async fn list(caller: Vetted) -> Result<HttpResponse, PartnerError> {
    let partners = caller.0.desk.partners().await?;
    let views: Vec<PartnerView> = partners.iter().map(PartnerView::from).collect();
    Ok(HttpResponse::Ok().json(views))
}

/// Disables a partner: its token stops working at once; its referrals stay on record.
#[utoipa::path(post, tag = "partners", path = "/api/v1/desk/partners/{id}/disable", params(("id" = String, Path)),
    responses(
    (status = 204),
    doc::E401, doc::E403, doc::E404, doc::E503,
), security(("bearer" = [])))]
pub async fn disable(
    state: web::Data<AppState>,
    supervisor: Supervisor,
    id: web::Path<String>,
) -> Result<HttpResponse, PartnerError> {
    let me = &supervisor.0.account;
    let id = partner_id(&id)?;
    supervisor
        .0
        .desk
        .set_partner_status(&id, PartnerStatus::Disabled)
        .await?;
    let subject = id.to_string();
    audit(
        &state,
        me.desk.as_str(),
        me.username.as_str(),
        AuditAction::PartnerDisable,
        &subject,
    )
    .await?;
    Ok(HttpResponse::NoContent().finish())
}

/// Gives a partner a new API token (shown once); the old one stops working at once.
#[utoipa::path(post, tag = "partners", path = "/api/v1/desk/partners/{id}/token", params(("id" = String, Path)),
    responses(
    (status = 200, body = PartnerToken),
    doc::E401, doc::E403, doc::E404, doc::E503,
), security(("bearer" = [])))]
pub async fn rotate_token(
    state: web::Data<AppState>,
    supervisor: Supervisor,
    id: web::Path<String>,
) -> Result<HttpResponse, PartnerError> {
    let me = &supervisor.0.account;
    let id = partner_id(&id)?;
    let token = Secret32::random();
    supervisor
        .0
        .desk
        .set_partner_token(&id, &token.digest())
        .await?;
    let partner = supervisor
        .0
        .desk
        .partner(&id)
        .await?
        .ok_or(PartnerError::PartnerNotFound)?;
    let subject = id.to_string();
    audit(
        &state,
        me.desk.as_str(),
        me.username.as_str(),
        AuditAction::PartnerToken,
        &subject,
    )
    .await?;
    Ok(HttpResponse::Ok().json(token_view(&state, &partner, &token)))
}

/// Refers a case to an active partner of the desk; the case becomes `referred`.
#[utoipa::path(post, tag = "partners", path = "/api/v1/desk/reports/{id}/referrals", params(("id" = String, Path)),
    request_body = NewReferralRequest, responses(
    (status = 201, body = ReferralCreated),
    doc::E400, doc::E401, doc::E403, doc::E404, doc::E409, doc::E413, doc::E415, doc::E503,
), security(("bearer" = [])))]
pub async fn refer(
    state: web::Data<AppState>,
    caller: Vetted,
    id: web::Path<String>,
    request: web::Json<NewReferralRequest>,
) -> Result<HttpResponse, PartnerError> {
    let me = &caller.0.account;
    let case = super::case_lookup::find(&caller, &id).await?;
    let partner = caller
        .0
        .desk
        .partner(&partner_id(&request.partner)?)
        .await?
        .ok_or(PartnerError::PartnerNotFound)?;
    if partner.status != PartnerStatus::Active {
        return Err(PartnerError::ReferralConflict("this partner is disabled"));
    }
    let open_already = caller
        .0
        .desk
        .referrals_of_case(&case.report.id)
        .await?
        .iter()
        .any(|r| r.partner == partner.id && !r.status.is_final());
    if open_already {
        return Err(PartnerError::ReferralConflict(
            "this case is already referred to that partner",
        ));
    }
    let override_reason = match (request.consent, &request.override_reason) {
        (Consent::Given, None) => None,
        (Consent::Override, Some(reason)) => Some(super::ciphertext_field(
            reason,
            "override_reason",
            state.ciphertext_limits,
        )?),
        (Consent::Given, Some(_)) | (Consent::Override, None) => {
            return Err(ApiError::MalformedRequest(
                "override_reason goes with consent `override`, and only with it".into(),
            )
            .into())
        }
    };
    let expires_at = match request.expires_in_days {
        None => None,
        Some(days @ 1..=365) => Some(crate::time::now_bucket() + i64::from(days) * 86_400),
        Some(_) => {
            return Err(
                ApiError::MalformedRequest("expires_in_days is between 1 and 365".into()).into(),
            )
        }
    };
    let attachments = shared_attachments(&caller, &case.report.id, &request.attachments).await?;
    let referral = NewReferral {
        id: ReferralId::random(),
        report: case.report.id,
        partner: partner.id,
        ciphertext: super::ciphertext_field(
            &request.ciphertext,
            "ciphertext",
            state.ciphertext_limits,
        )?,
        override_reason,
        expires_at,
        attachments,
    };
    caller
        .0
        .desk
        .refer(&referral, crate::time::now_bucket())
        .await?;
    let subject = format!("{} {} {}", case.report.id, referral.id, partner.id);
    audit(
        &state,
        me.desk.as_str(),
        me.username.as_str(),
        AuditAction::ReferralCreate,
        &subject,
    )
    .await?;
    if let Some(reason) = &referral.override_reason {
        // The reason stays encrypted to the desk even here: the server holds no case text.
        let subject = format!(
            "{} {} reason={}",
            case.report.id,
            referral.id,
            b64_encode(reason.as_bytes())
        );
        audit(
            &state,
            me.desk.as_str(),
            me.username.as_str(),
            AuditAction::ReferralConsentOverride,
            &subject,
        )
        .await?;
    }
    Ok(HttpResponse::Created().json(ReferralCreated {
        id: referral.id.to_string(),
    }))
}

/// The attachments a referral shares: each a complete attachment of the case, named once.
async fn shared_attachments(
    caller: &Vetted,
    case: &crate::domain::ReportId,
    ids: &[String],
) -> Result<Vec<AttachmentId>, PartnerError> {
    if ids.len() > crate::protocol::attachments::MAX_ENTRIES {
        return Err(ApiError::BadField("attachments", "list of at most 100 attachment ids").into());
    }
    let mut shared = Vec::new();
    for id in ids {
        let id = AttachmentId::parse(id)
            .map_err(|_| ApiError::BadField("attachments", "list of attachment ids"))?;
        if shared.contains(&id) {
            return Err(
                ApiError::BadField("attachments", "list of attachment ids, each once").into(),
            );
        }
        let attachment = caller.0.desk.attachment(&id).await?;
        match attachment {
            Some(a) if a.report == *case && a.complete => shared.push(id),
            Some(a) if a.report == *case => return Err(ApiError::AttachmentIncomplete.into()),
            _ => return Err(ApiError::AttachmentNotFound.into()),
        }
    }
    Ok(shared)
}

/// A message of the desk's to the partner of one of the case's referrals, encrypted on the
/// worker's device to the partner's and the desk's keys and signed by the worker (docs/protocol.md
/// §8); refused once the partner's copy has expired.
#[utoipa::path(post, tag = "partners", path = "/api/v1/desk/reports/{id}/referrals/{referral}/messages",
    params(("id" = String, Path), ("referral" = String, Path)),
    request_body = DeskMessageToPartner, responses(
    (status = 204),
    doc::E400, doc::E401, doc::E403, doc::E404, doc::E413, doc::E415, doc::E503,
), security(("bearer" = [])))]
pub async fn write_to_partner(
    state: web::Data<AppState>,
    caller: Vetted,
    path: web::Path<(String, String)>,
    request: web::Json<DeskMessageToPartner>,
) -> Result<HttpResponse, PartnerError> {
    let me = &caller.0.account;
    let (case_id, referral_id) = path.into_inner();
    let case = super::case_lookup::find(&caller, &case_id).await?;
    let referral = ReferralId::parse(&referral_id).map_err(|_| PartnerError::ReferralNotFound)?;
    let ciphertext =
        super::ciphertext_field(&request.ciphertext, "ciphertext", state.message_limits)?;
    match caller
        .0
        .desk
        .add_desk_message(
            &case.report.id,
            &referral,
            &ciphertext,
            crate::time::now_bucket(),
        )
        .await
    {
        Err(StoreError::Missing(_)) => return Err(PartnerError::ReferralNotFound),
        other => other?,
    }
    let subject = format!("{} {}", case.report.id, referral);
    audit(
        &state,
        me.desk.as_str(),
        me.username.as_str(),
        AuditAction::ReferralMessage,
        &subject,
    )
    .await?;
    Ok(HttpResponse::NoContent().finish())
}

impl From<&Partner> for PartnerView {
    fn from(p: &Partner) -> Self {
        let profile = &p.profile;
        PartnerView {
            id: p.id.to_string(),
            name: profile.name.as_str().to_owned(),
            services: profile.services.clone(),
            countries: profile.countries.clone(),
            languages: profile.languages.clone(),
            recipient: profile.recipient.as_str().to_owned(),
            fingerprint: profile.recipient.fingerprint().to_string(),
            contact: profile.contact.clone(),
            status: p.status,
            webhook: p.webhook.as_ref().map(|w| w.as_str().to_owned()),
        }
    }
}

impl From<&ReferralUpdate> for ReferralUpdateView {
    fn from(u: &ReferralUpdate) -> Self {
        ReferralUpdateView {
            seq: u.seq,
            author: if u.from_desk {
                UpdateAuthor::Desk
            } else {
                UpdateAuthor::Partner
            },
            status: u.status,
            day: crate::time::day(u.created_at),
            ciphertext: u.ciphertext.as_ref().map(|c| b64_encode(c.as_bytes())),
        }
    }
}
