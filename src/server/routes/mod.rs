//! One module per resource; `configure` mounts them all.

pub mod accounts;
pub mod attachments;
mod case_lookup;
pub mod cases;
pub mod challenge;
pub mod checkpoints;
pub mod desk_audit;
pub mod desks;
pub mod followup;
pub mod health;
pub mod inbox;
pub mod keys;
pub mod links;
pub mod openapi;
pub mod partner;
pub mod referrals;
pub mod reports;
pub mod retention;
pub mod statements;
pub mod uploads;

use actix_web::error::JsonPayloadError;
use actix_web::middleware::from_fn;
use actix_web::{guard, web, HttpResponse, Route};

use super::problem::ApiError;

/// How large each kind of JSON body may be.
#[derive(Debug, Clone, Copy)]
pub struct BodyLimits {
    /// A report envelope.
    pub report: usize,
    /// A follow-up message envelope.
    pub message: usize,
}

/// A follow-up request is two short base64 fields; nothing larger is ever needed.
const FOLLOWUP_BODY: usize = 1024;
/// Enrolment carries a wrapped identity (a few hundred bytes); the other account calls less.
const ACCOUNT_BODY: usize = 4096;

/// Mounts every route. Only the methods a route names are served: every other method gets a
/// 405 problem naming the allowed ones, and unknown paths a 404 (see `not_found`).
pub fn configure(cfg: &mut web::ServiceConfig, limits: BodyLimits) {
    mount_get(cfg, "/healthz", web::to(health::healthz));
    mount_get(cfg, "/readyz", web::to(health::readyz));
    mount_get(cfg, "/api/v1/openapi.json", web::to(openapi::document));
    mount_get(cfg, "/api/v1/pow", web::to(challenge::challenge));
    mount_get(cfg, "/api/v1/desks/{slug}", web::to(desks::show));
    mount_get(
        cfg,
        "/api/v1/desks/{slug}/statements",
        web::to(desks::statements),
    );
    let report = web::to(reports::submit);
    mount_post(cfg, "/api/v1/desks/{slug}/reports", report, limits.report);
    mount_post(
        cfg,
        "/api/v1/followup",
        web::to(followup::show),
        FOLLOWUP_BODY,
    );
    let message = web::to(followup::add_message);
    mount_post(cfg, "/api/v1/followup/messages", message, limits.message);
    mount_attachment_routes(cfg);
    mount_post(
        cfg,
        "/api/v1/enrolments",
        web::to(accounts::enrol),
        ACCOUNT_BODY,
    );
    mount_post(
        cfg,
        "/api/v1/enrolments/confirm",
        web::to(accounts::confirm),
        ACCOUNT_BODY,
    );
    mount_post(
        cfg,
        "/api/v1/sessions",
        web::to(accounts::login),
        ACCOUNT_BODY,
    );
    mount_get(cfg, "/api/v1/session", web::to(accounts::whoami));
    mount_post(
        cfg,
        "/api/v1/session/signing-key",
        web::to(accounts::set_signing_key),
        ACCOUNT_BODY,
    );
    mount_post(
        cfg,
        "/api/v1/session/password",
        web::to(accounts::change_password),
        ACCOUNT_BODY,
    );
    mount_post(
        cfg,
        "/api/v1/session/unlock-share",
        web::to(accounts::add_unlock_share),
        ACCOUNT_BODY,
    );
    mount_post(
        cfg,
        "/api/v1/session/logout",
        web::to(accounts::logout),
        ACCOUNT_BODY,
    );
    mount_post(
        cfg,
        "/api/v1/desk/key",
        web::to(keys::init_key),
        ACCOUNT_BODY,
    );
    mount_get(cfg, "/api/v1/desk/accounts", web::to(keys::accounts));
    mount_post(
        cfg,
        "/api/v1/desk/key/rotate",
        web::to(keys::rotate),
        limits.report,
    );
    let vet = web::to(keys::vet);
    mount_post(
        cfg,
        "/api/v1/desk/accounts/{username}/vet",
        vet,
        ACCOUNT_BODY,
    );
    mount_get(cfg, "/api/v1/desk/grants", web::to(keys::grants));
    mount_post(
        cfg,
        "/api/v1/desk/invites",
        web::to(keys::invite),
        ACCOUNT_BODY,
    );
    let (list, sign) = (
        web::to(statements::list),
        web::to(statements::sign_existing),
    );
    mount_get_post(cfg, "/api/v1/desk/statements", list, sign, limits.report);
    mount_get(cfg, "/api/v1/desk/audit", web::to(desk_audit::desk_log));
    mount_get(
        cfg,
        "/api/v1/desk/reports/{id}/audit",
        web::to(desk_audit::case_trail),
    );
    let (list, post) = (web::to(checkpoints::list), web::to(checkpoints::post));
    mount_get_post(cfg, "/api/v1/desk/checkpoints", list, post, ACCOUNT_BODY);
    let disable = web::to(keys::disable);
    mount_post(
        cfg,
        "/api/v1/desk/accounts/{username}/disable",
        disable,
        ACCOUNT_BODY,
    );
    mount_get(cfg, "/api/v1/desk/reports", web::to(inbox::inbox));
    mount_get(cfg, "/api/v1/desk/contents", web::to(inbox::contents));
    mount_get(cfg, "/api/v1/desk/reports/{id}", web::to(cases::show));
    let (show, set) = (web::to(links::case_links), web::to(links::set_tokens));
    mount_get_post(
        cfg,
        "/api/v1/desk/reports/{id}/links",
        show,
        set,
        ACCOUNT_BODY,
    );
    mount_get(cfg, "/api/v1/desk/links", web::to(links::desk_links));
    let set_status = web::to(cases::set_status);
    mount_post(
        cfg,
        "/api/v1/desk/reports/{id}/status",
        set_status,
        ACCOUNT_BODY,
    );
    mount_post(
        cfg,
        "/api/v1/desk/reports/{id}/assign",
        web::to(cases::assign),
        ACCOUNT_BODY,
    );
    mount_post(
        cfg,
        "/api/v1/desk/reports/{id}/export",
        web::to(cases::export),
        ACCOUNT_BODY,
    );
    mount_post(
        cfg,
        "/api/v1/desk/reports/{id}/seal",
        web::to(cases::seal),
        limits.message,
    );
    mount_post(
        cfg,
        "/api/v1/desk/reports/{id}/notes",
        web::to(cases::note),
        limits.message,
    );
    mount_partner_routes(cfg, limits);
    // A desk's retention policy: read by vetted accounts, set by supervisors.
    let (show, set) = (web::to(retention::show), web::to(retention::set));
    mount_get_post(cfg, "/api/v1/desk/retention", show, set, ACCOUNT_BODY);
    mount_post(
        cfg,
        "/api/v1/desk/reports/{id}/reencrypt",
        web::to(cases::reencrypt),
        limits.report,
    );
    mount_post(
        cfg,
        "/api/v1/desk/reports/{id}/replies",
        web::to(cases::reply),
        limits.message,
    );
}

/// A resource read with GET (and HEAD) and changed with POST, whose bodies are at most
/// `json_limit` bytes.
fn mount_get_post(
    cfg: &mut web::ServiceConfig,
    path: &str,
    get: Route,
    post: Route,
    json_limit: usize,
) {
    cfg.service(
        web::resource(path)
            .route(get.guard(guard::Any(guard::Get()).or(guard::Head())))
            .route(post.guard(guard::Post()))
            .app_data(json_config(json_limit))
            .default_service(web::to(|| not_allowed("GET, HEAD, POST")))
            .wrap(from_fn(super::middleware::time_limit)),
    );
}

/// The partner directory, referrals, and the partners' own routes.
fn mount_partner_routes(cfg: &mut web::ServiceConfig, limits: BodyLimits) {
    // Listed by vetted accounts (GET), added to by supervisors (POST).
    let (list, add) = (web::to(referrals::list), web::to(referrals::add));
    mount_get_post(cfg, "/api/v1/desk/partners", list, add, ACCOUNT_BODY);
    mount_post(
        cfg,
        "/api/v1/desk/partners/{id}/disable",
        web::to(referrals::disable),
        ACCOUNT_BODY,
    );
    mount_post(
        cfg,
        "/api/v1/desk/partners/{id}/token",
        web::to(referrals::rotate_token),
        ACCOUNT_BODY,
    );
    mount_post(
        cfg,
        "/api/v1/desk/reports/{id}/referrals",
        web::to(referrals::refer),
        limits.report,
    );
    mount_post(
        cfg,
        "/api/v1/desk/reports/{id}/referrals/{referral}/messages",
        web::to(referrals::write_to_partner),
        limits.message,
    );
    mount_get(cfg, "/api/v1/partner/referrals", web::to(partner::inbox));
    mount_get(
        cfg,
        "/api/v1/partner/statements",
        web::to(partner::statements),
    );
    mount_get(
        cfg,
        "/api/v1/partner/referrals/{id}",
        web::to(partner::show),
    );
    mount_get(
        cfg,
        "/api/v1/partner/referrals/{id}/attachments/{attachment}",
        web::to(partner::attachment),
    );
    mount_post(
        cfg,
        "/api/v1/partner/referrals/{id}/updates",
        web::to(partner::answer),
        limits.message,
    );
}

/// Attachments (protocol.md §12): a reporter's uploads and a desk's reads.
fn mount_attachment_routes(cfg: &mut web::ServiceConfig) {
    let begin = web::to(uploads::begin);
    mount_post(cfg, "/api/v1/followup/attachments", begin, FOLLOWUP_BODY);
    mount_get(cfg, "/api/v1/uploads/{id}", web::to(uploads::show));
    // A part's body is read by its handler, which bounds it to the part's length.
    cfg.service(
        web::resource("/api/v1/uploads/{id}/parts/{part}")
            .route(web::to(uploads::put_part).guard(guard::Put()))
            .default_service(web::to(|| not_allowed("PUT")))
            .wrap(from_fn(super::middleware::time_limit)),
    );
    let list = web::to(attachments::list);
    mount_get(cfg, "/api/v1/desk/reports/{id}/attachments", list);
    let download = web::to(attachments::download);
    mount_get(cfg, "/api/v1/desk/attachments/{id}", download);
}

/// A GET route, which answers HEAD too; every other method gets a 405 problem.
pub(crate) fn mount_get(cfg: &mut web::ServiceConfig, path: &str, route: Route) {
    let route = route.guard(guard::Any(guard::Get()).or(guard::Head()));
    cfg.service(
        web::resource(path)
            .route(route)
            .default_service(web::to(|| not_allowed("GET, HEAD")))
            .wrap(from_fn(super::middleware::time_limit)),
    );
}

/// A POST route with a JSON body of at most `json_limit` bytes.
fn mount_post(cfg: &mut web::ServiceConfig, path: &str, route: Route, json_limit: usize) {
    cfg.service(
        web::resource(path)
            .route(route.guard(guard::Post()))
            .app_data(json_config(json_limit))
            .default_service(web::to(|| not_allowed("POST")))
            .wrap(from_fn(super::middleware::time_limit)),
    );
}

async fn not_allowed(allowed: &'static str) -> Result<HttpResponse, ApiError> {
    Err(ApiError::MethodNotAllowed(allowed))
}

/// JSON bodies: bounded, `application/json` only, and every failure a problem document.
fn json_config(limit: usize) -> web::JsonConfig {
    web::JsonConfig::default()
        .limit(limit)
        .content_type_required(true)
        .error_handler(move |err, _req| {
            let problem = match err {
                JsonPayloadError::OverflowKnownLength { .. }
                | JsonPayloadError::Overflow { .. } => ApiError::PayloadTooLarge(limit),
                JsonPayloadError::ContentType => ApiError::UnsupportedMediaType,
                JsonPayloadError::Deserialize(e) => {
                    ApiError::MalformedRequest(format!("the JSON body is not acceptable: {e}"))
                }
                _ => ApiError::MalformedRequest("the request body could not be read".to_owned()),
            };
            problem.into()
        })
}

/// The answer for any path no route matches.
pub async fn not_found() -> Result<HttpResponse, ApiError> {
    Err(ApiError::NotFound)
}

/// Decodes a base64 age file holding a padded document (a report, message, note, referral or
/// partner answer) and checks it like every ciphertext the server takes (strict header, bounded
/// size and recipients) and that its plaintext is a padding bucket, naming the field when not.
pub(crate) fn ciphertext_field(
    text: &str,
    field: &'static str,
    limits: crate::crypto::CiphertextLimits,
) -> Result<crate::crypto::AgeCiphertext, ApiError> {
    let bytes = crate::domain::b64_decode(text).ok_or(ApiError::NotBase64(field))?;
    Ok(crate::crypto::AgeCiphertext::parse_padded(bytes, limits)?)
}

/// Like `ciphertext_field`, for a wrapped key (a grant, a wrapped identity): a key has one
/// known length, so there is nothing to pad.
pub(crate) fn wrapped_key_field(
    text: &str,
    field: &'static str,
    limits: crate::crypto::CiphertextLimits,
) -> Result<crate::crypto::AgeCiphertext, ApiError> {
    let bytes = crate::domain::b64_decode(text).ok_or(ApiError::NotBase64(field))?;
    Ok(crate::crypto::AgeCiphertext::parse(bytes, limits)?)
}

/// Decodes a base64 field of exactly `N` bytes, naming the field when it is not.
pub(crate) fn decode_exact<const N: usize>(
    text: &str,
    field: &'static str,
) -> Result<[u8; N], ApiError> {
    let bytes = crate::domain::b64_decode(text).ok_or(ApiError::NotBase64(field))?;
    bytes
        .try_into()
        .map_err(|_| ApiError::WrongLength { field, expected: N })
}
