//! Linked cases inside a desk (docs/protocol.md §11): a vetted device stores the match tokens of a
//! case it opened and learns which other cases of the desk hold the same ones; a supervisor lists
//! the tokens many cases share, to export the indicators behind them on the device (audited). The
//! server compares tokens and nothing else: it holds no indicator and cannot compute a token.

use std::collections::BTreeSet;

use actix_web::{web, HttpResponse};

use super::case_lookup::find;
use crate::domain::AuditAction;
use crate::protocol::links::{
    CaseLinksView, CaseTokens, DeskLinksQuery, DeskLinksView, LinkView, MatchToken, MAX_TOKENS,
};
use crate::server::auth::{Supervisor, Vetted};
use crate::server::problem::{doc, ApiError, CaseError};
use crate::server::{audit, AppState};
use crate::store::{CaseLinks, TokenCases};

fn link_view(link: TokenCases) -> LinkView {
    LinkView {
        token: MatchToken::from(link.token).to_wire(),
        reports: link.reports.iter().map(ToString::to_string).collect(),
    }
}

fn case_view(links: CaseLinks) -> CaseLinksView {
    CaseLinksView {
        key_version: links.key_version,
        links: links.links.into_iter().map(link_view).collect(),
    }
}

/// The tokens of a request: each 32 bytes, at most `MAX_TOKENS`, no repeats.
fn tokens(request: &CaseTokens) -> Result<Vec<[u8; 32]>, ApiError> {
    let mut seen = BTreeSet::new();
    for text in &request.tokens {
        let token = super::decode_exact::<32>(text, "tokens")?;
        if !seen.insert(token) {
            return Err(ApiError::BadField("tokens", "list without repeats"));
        }
    }
    if seen.len() > MAX_TOKENS {
        return Err(ApiError::BadField("tokens", "list of at most 20"));
    }
    Ok(seen.into_iter().collect())
}

/// The desk's current key version: tokens are made and compared under its match key only.
async fn current_version(desk: &crate::store::DeskStore) -> Result<i64, CaseError> {
    let current = desk
        .desk()
        .await?
        .ok_or(CaseError::KeyConflict("this desk has no key yet"))?;
    Ok(current.key_version)
}

/// A case's stored tokens, each with the other cases of the desk that hold it.
#[utoipa::path(get, path = "/api/v1/desk/reports/{id}/links", params(("id" = String, Path)),
    responses(
    (status = 200, body = CaseLinksView),
    doc::E401, doc::E403, doc::E404, doc::E503,
), security(("bearer" = [])))]
pub async fn case_links(caller: Vetted, id: web::Path<String>) -> Result<HttpResponse, CaseError> {
    let case = find(&caller, &id).await?;
    let links = caller.0.desk.case_links(&case.report.id).await?;
    Ok(HttpResponse::Ok().json(case_view(links)))
}

/// Replaces a case's tokens with those its device computed under the desk's current key
/// version, and answers as `GET` does.
#[utoipa::path(post, path = "/api/v1/desk/reports/{id}/links", params(("id" = String, Path)),
    request_body = CaseTokens, responses(
    (status = 200, body = CaseLinksView),
    doc::E400, doc::E401, doc::E403, doc::E404, doc::E409, doc::E413, doc::E415, doc::E503,
), security(("bearer" = [])))]
pub async fn set_tokens(
    caller: Vetted,
    id: web::Path<String>,
    request: web::Json<CaseTokens>,
) -> Result<HttpResponse, CaseError> {
    let tokens = tokens(&request)?;
    let case = find(&caller, &id).await?;
    let desk = &caller.0.desk;
    if request.key_version != current_version(desk).await? {
        return Err(CaseError::KeyConflict(
            "make the tokens with the desk's current key version",
        ));
    }
    desk.replace_tokens(&case.report.id, request.key_version, &tokens)
        .await?;
    let links = desk.case_links(&case.report.id).await?;
    Ok(HttpResponse::Ok().json(case_view(links)))
}

/// The tokens of the desk's current key version that at least `min_cases` cases hold, with
/// those cases (supervisors; audited as `links.export`, the first step of exporting them).
#[utoipa::path(get, path = "/api/v1/desk/links", params(DeskLinksQuery), responses(
    (status = 200, body = DeskLinksView),
    doc::E400, doc::E401, doc::E403, doc::E409, doc::E503,
), security(("bearer" = [])))]
pub async fn desk_links(
    state: web::Data<AppState>,
    supervisor: Supervisor,
    query: web::Query<DeskLinksQuery>,
) -> Result<HttpResponse, CaseError> {
    let min_cases = match query.min_cases {
        None => 2,
        Some(n @ 2..=1000) => n,
        Some(_) => return Err(ApiError::BadField("min_cases", "number from 2 to 1000").into()),
    };
    let desk = &supervisor.0.desk;
    let key_version = current_version(desk).await?;
    let me = &supervisor.0.account;
    audit(
        &state,
        me.desk.as_str(),
        me.username.as_str(),
        AuditAction::LinksExport,
        &min_cases.to_string(),
    )
    .await?;
    let links = desk.desk_links(key_version, i64::from(min_cases)).await?;
    Ok(HttpResponse::Ok().json(DeskLinksView {
        key_version,
        links: links.into_iter().map(link_view).collect(),
    }))
}
