//! The desk's audit log for its own people: supervisors read the desk's log with filters, and
//! any vetted account reads the trail of a case (who opened, changed, referred or answered it, and
//! when). Entries hold ids, names and roles only: never what a reporter or partner wrote.

use actix_web::{web, HttpResponse};

use crate::protocol::audit::{AuditEntryView, AuditQuery};
use crate::server::auth::{Supervisor, Vetted};
use crate::server::problem::{doc, ApiError, CaseError};
use crate::store::audit::AuditFilter;
use crate::store::AuditRow;

const MAX_LIMIT: i64 = 1000;

fn view(row: AuditRow) -> AuditEntryView {
    let hour = crate::time::bucket(row.at);
    let at = ::time::OffsetDateTime::from_unix_timestamp(hour)
        .map(|t| format!("{}T{:02}:00Z", t.date(), t.hour()))
        .unwrap_or_else(|_| "1970-01-01T00:00Z".to_owned());
    AuditEntryView {
        seq: row.seq,
        at,
        actor: row.entry.actor,
        action: row.entry.action,
        subject: row.entry.subject,
    }
}

/// The desk's audit log, newest first, filtered (supervisors).
#[utoipa::path(get, path = "/api/v1/desk/audit", params(AuditQuery), responses(
    (status = 200, body = Vec<AuditEntryView>),
    doc::E400, doc::E401, doc::E403, doc::E503,
), security(("bearer" = [])))]
pub async fn desk_log(
    supervisor: Supervisor,
    query: web::Query<AuditQuery>,
) -> Result<HttpResponse, CaseError> {
    let limit = match query.limit {
        None => 100,
        Some(n @ 1..=MAX_LIMIT) => n,
        Some(_) => return Err(ApiError::BadField("limit", "1 to 1000").into()),
    };
    let filter = AuditFilter {
        actor: query.actor.clone(),
        action: query.action.clone(),
        subject: None,
        before: query.before,
        limit,
    };
    let rows = supervisor.0.desk.audit(&filter).await?;
    let views: Vec<AuditEntryView> = rows.into_iter().map(view).collect();
    Ok(HttpResponse::Ok().json(views))
}

/// The trail of one case of the desk, oldest first: entries about the case and its referrals.
#[utoipa::path(get, path = "/api/v1/desk/reports/{id}/audit", params(("id" = String, Path)),
    responses(
    (status = 200, body = Vec<AuditEntryView>),
    doc::E401, doc::E403, doc::E404, doc::E503,
), security(("bearer" = [])))]
pub async fn case_trail(caller: Vetted, id: web::Path<String>) -> Result<HttpResponse, CaseError> {
    let case = super::case_lookup::find(&caller, &id).await?;
    let desk = &caller.0.desk;
    let referrals = desk.referrals_of_case(&case.report.id).await?;
    let subjects = std::iter::once(case.report.id.to_string())
        .chain(referrals.iter().map(|r| r.id.to_string()));
    let mut rows = vec![];
    for subject in subjects {
        let filter = AuditFilter {
            subject: Some(subject),
            limit: MAX_LIMIT,
            ..AuditFilter::default()
        };
        rows.extend(desk.audit(&filter).await?);
    }
    rows.sort_by_key(|r| r.seq);
    rows.dedup_by_key(|r| r.seq);
    let views: Vec<AuditEntryView> = rows.into_iter().map(view).collect();
    Ok(HttpResponse::Ok().json(views))
}
