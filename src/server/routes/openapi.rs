//! The OpenAPI document, generated from the handlers' annotations so it cannot drift from the code.

use actix_web::HttpResponse;
use utoipa::OpenApi;

use super::{
    accounts, attachments, cases, challenge, checkpoints, desk_audit, desks, followup, health,
    inbox, keys, links, partner, referrals, reports, retention, statements, uploads,
};
use crate::protocol::problem::Problem;

#[derive(OpenApi)]
#[openapi(
    info(
        title = "Resguardo API",
        description = "Zero-knowledge intake: the server stores only age ciphertext. Errors are RFC 9457 problem documents.",
    ),
    paths(
        document,
        health::healthz,
        health::readyz,
        challenge::challenge,
        desks::show,
        desks::statements,
        reports::submit,
        followup::show,
        followup::add_message,
        uploads::begin,
        uploads::show,
        uploads::put_part,
        accounts::enrol,
        accounts::confirm,
        accounts::login,
        accounts::whoami,
        accounts::set_signing_key,
        accounts::change_password,
        accounts::add_unlock_share,
        statements::list,
        statements::sign_existing,
        accounts::logout,
        keys::init_key,
        keys::accounts,
        keys::vet,
        keys::grants,
        keys::invite,
        keys::disable,
        keys::rotate,
        inbox::inbox,
        inbox::contents,
        links::case_links,
        links::set_tokens,
        links::desk_links,
        cases::show,
        cases::set_status,
        cases::assign,
        cases::export,
        cases::seal,
        cases::note,
        cases::reply,
        cases::reencrypt,
        attachments::list,
        attachments::download,
        referrals::add,
        referrals::list,
        referrals::disable,
        referrals::rotate_token,
        referrals::refer,
        referrals::write_to_partner,
        partner::inbox,
        partner::statements,
        checkpoints::list,
        desk_audit::desk_log,
        desk_audit::case_trail,
        checkpoints::post,
        partner::show,
        partner::attachment,
        partner::answer,
        retention::show,
        retention::set,
    ),
    components(schemas(Problem)),
    modifiers(&BearerAuth)
)]
pub struct ApiDoc;

/// Declares the `bearer` scheme that case-worker routes name: a session token from login.
struct BearerAuth;

impl utoipa::Modify for BearerAuth {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
        let components = openapi.components.get_or_insert_with(Default::default);
        let scheme = HttpBuilder::new().scheme(HttpAuthScheme::Bearer).build();
        components.add_security_scheme("bearer", SecurityScheme::Http(scheme));
    }
}

/// The document as JSON.
pub fn json() -> String {
    ApiDoc::openapi().to_pretty_json().unwrap_or_default()
}

/// This API's OpenAPI document.
#[utoipa::path(get, path = "/api/v1/openapi.json", responses(
    (status = 200, description = "the OpenAPI document", content_type = "application/json"),
))]
pub async fn document() -> HttpResponse {
    HttpResponse::Ok()
        .content_type("application/json")
        .body(json())
}
