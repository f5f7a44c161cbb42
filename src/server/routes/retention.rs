//! A desk's retention policy: vetted accounts read it, supervisors set it (audited). The purge
//! itself runs inside the server (`crate::retention`), never on request.

use actix_web::{web, HttpResponse};

use crate::domain::RetentionPolicy;
use crate::domain::{AuditAction, PolicySource};
use crate::protocol::retention::RetentionView;
use crate::retention::policy_of;
use crate::server::auth::{Supervisor, Vetted};
use crate::server::problem::{doc, CaseError};
use crate::server::{audit, AppState};

/// The desk's retention policy.
#[utoipa::path(get, path = "/api/v1/desk/retention", responses(
    (status = 200, body = RetentionView),
    doc::E401, doc::E403, doc::E503,
), security(("bearer" = [])))]
pub async fn show(state: web::Data<AppState>, caller: Vetted) -> Result<HttpResponse, CaseError> {
    let (policy, source) = policy_of(&caller.0.desk, &state.retention).await?;
    Ok(HttpResponse::Ok().json(RetentionView { policy, source }))
}

/// Sets the desk's own retention policy (days; 0 keeps forever), which takes precedence over the
/// server's configuration. Takes effect at the next purge.
#[utoipa::path(post, path = "/api/v1/desk/retention", request_body = RetentionPolicy, responses(
    (status = 200, body = RetentionView),
    doc::E400, doc::E401, doc::E403, doc::E413, doc::E415, doc::E503,
), security(("bearer" = [])))]
pub async fn set(
    state: web::Data<AppState>,
    supervisor: Supervisor,
    policy: web::Json<RetentionPolicy>,
) -> Result<HttpResponse, CaseError> {
    let me = &supervisor.0.account;
    let policy = policy.into_inner();
    supervisor
        .0
        .desk
        .set_retention(&policy, crate::time::now_bucket())
        .await?;
    let subject = format!(
        "closed={} spam={} untriaged={}",
        policy.closed_days.get(),
        policy.spam_days.get(),
        policy.untriaged_days.get()
    );
    audit(
        &state,
        me.desk.as_str(),
        me.username.as_str(),
        AuditAction::RetentionSet,
        &subject,
    )
    .await?;
    Ok(HttpResponse::Ok().json(RetentionView {
        policy,
        source: PolicySource::Desk,
    }))
}
