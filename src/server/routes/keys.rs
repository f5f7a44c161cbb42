//! Desk keys and vetting (design §3): the first supervisor's device makes the desk key; vetting a
//! worker is a supervisor's device encrypting the desk identity to the worker's key. The server
//! only stores what it is given — a recipient and opaque grants — and checks who may give it.

use actix_web::{web, HttpResponse};

use super::statements;
use crate::crypto::chain::ChainError;
use crate::crypto::statement::Body;
use crate::crypto::AgeCiphertext;
use crate::domain::{
    b64_encode, AccountStatus, AuditAction, Fingerprint, Recipient, Role, Secret32, Username,
};
use crate::protocol::keys::{
    AccountView, DeskKeyView, GrantView, InviteView, NewDeskKey, NewInvite, Rotation, VetOutcome,
    Vetting,
};
use crate::protocol::statements::SignedStatement;
use crate::server::auth::{SignedIn, Supervisor};
use crate::server::problem::{doc, ApiError, KeyError};
use crate::server::{audit, AppState};
use crate::store::audit::AuditFilter;
use crate::store::{Account, Approval, Approved, NewStatement};

/// An id as the API shows it: lower-case hex.
pub(crate) fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

fn grant_ciphertext(state: &AppState, text: &str) -> Result<AgeCiphertext, ApiError> {
    super::wrapped_key_field(text, "grant", state.message_limits)
}

/// Makes the first key of the caller's desk; the caller (its first supervisor) becomes vetted.
#[utoipa::path(post, path = "/api/v1/desk/key", request_body = NewDeskKey, responses(
    (status = 201, body = DeskKeyView),
    doc::E400, doc::E401, doc::E403, doc::E409, doc::E413, doc::E415, doc::E503,
), security(("bearer" = [])))]
pub async fn init_key(
    state: web::Data<AppState>,
    signed_in: SignedIn,
    request: web::Json<NewDeskKey>,
) -> Result<HttpResponse, KeyError> {
    let account = &signed_in.account;
    if account.role != Role::Supervisor {
        return Err(ApiError::Forbidden("only a supervisor may make the desk key").into());
    }
    let recipient =
        Recipient::parse(&request.recipient).map_err(|_| ApiError::BadRecipient("recipient"))?;
    let grant = grant_ciphertext(&state, &request.grant)?;
    let statements = first_statements(&request.statements, account, &recipient)?;
    if !statements.is_empty() {
        let stored = signed_in.desk.statements().await?;
        statements::keeps_chain_valid(&account.desk, &stored, &statements)?;
    }
    let now = crate::time::now_bucket();
    // A key there already, or statements that moved on, are key conflicts (`KeyError`).
    signed_in
        .desk
        .init_key(&recipient, account.id, &grant, &statements, now)
        .await?;
    audit(
        &state,
        account.desk.as_str(),
        account.username.as_str(),
        AuditAction::DeskKeyInit,
        "1",
    )
    .await?;
    Ok(HttpResponse::Created().json(DeskKeyView {
        key_version: 1,
        fingerprint: recipient.fingerprint().to_string(),
        recipient: recipient.as_str().to_owned(),
    }))
}

/// The genesis and first desk key statements sent with the first desk key, checked.
fn first_statements(
    sent: &[SignedStatement],
    me: &Account,
    recipient: &Recipient,
) -> Result<Vec<NewStatement>, KeyError> {
    match sent {
        [] => Ok(vec![]),
        [genesis, key] => Ok(vec![
            statements::accept(genesis, me, |body| {
                matches!(body, Body::Genesis { account, username, recipient: own, .. }
                    if *account == me.id.0 && *username == me.username && *own == me.recipient)
            })?,
            statements::accept(
                key,
                me,
                |body| matches!(body, Body::DeskKey { version: 1, recipient: r } if r == recipient),
            )?,
        ]),
        _ => Err(ApiError::BadField("statements", "a genesis and a desk key statement").into()),
    }
}

/// Why the chain refuses an approval of a pending account: this supervisor's second approval of
/// it, said as the store says it, or an approval that contradicts the pending ones (another salt
/// for the name, say).
fn approval_refusal(e: &ChainError) -> KeyError {
    match e {
        ChainError::Duplicate(_) => repeated(),
        _ => ApiError::BadField("statements", statements::refusal_reason(e)).into(),
    }
}

fn repeated() -> KeyError {
    KeyError::KeyConflict("you approved this account already: another supervisor must approve it")
}

/// The accounts of the supervisor's desk, with their safety numbers.
#[utoipa::path(get, path = "/api/v1/desk/accounts", responses(
    (status = 200, body = Vec<AccountView>),
    doc::E401, doc::E403, doc::E503,
), security(("bearer" = [])))]
pub async fn accounts(supervisor: Supervisor) -> Result<HttpResponse, KeyError> {
    let desk = &supervisor.0.desk;
    let accounts = desk.accounts().await?;
    let approvals = desk.approvals().await?;
    // The day of each account's last sign-in, from the desk's own audit log (a day, no more: the
    // team screen says how long ago someone worked, not when).
    let mut last_login = Vec::with_capacity(accounts.len());
    for a in &accounts {
        let filter = AuditFilter {
            actor: Some(a.username.to_string()),
            action: Some(AuditAction::LoginOk.as_str().to_owned()),
            limit: 1,
            ..AuditFilter::default()
        };
        let newest = desk.audit(&filter).await?.into_iter().next();
        last_login.push(newest.map(|row| crate::time::day(row.at)));
    }
    let views: Vec<AccountView> = accounts
        .iter()
        .zip(last_login)
        .map(|(a, last_login)| AccountView {
            last_login,
            id: hex(&a.id.0),
            username: a.username.to_string(),
            role: a.role,
            status: a.status,
            recipient: a.recipient.as_str().to_owned(),
            signing_key: a.signing_key.map(|k| b64_encode(&k.to_bytes())),
            fingerprint: match &a.signing_key {
                Some(key) => Fingerprint::of_account(&a.recipient, key),
                None => a.recipient.fingerprint(),
            }
            .to_string(),
            approved_by: approvals
                .iter()
                .filter(|(account, _)| *account == a.username)
                .map(|(_, approver)| approver.to_string())
                .collect(),
        })
        .collect();
    Ok(HttpResponse::Ok().json(views))
}

/// Approves a pending account of the supervisor's desk. Once `vetting.approvals_required`
/// distinct supervisors have approved (each after comparing the safety number), the grant of the
/// current desk key sent with the last approval is stored and the account is vetted.
#[utoipa::path(post, path = "/api/v1/desk/accounts/{username}/vet", request_body = Vetting,
    params(("username" = String, Path, description = "The pending account")),
    responses(
        (status = 200, body = VetOutcome),
        doc::E400, doc::E401, doc::E403, doc::E404, doc::E409, doc::E413, doc::E415, doc::E503,
    ), security(("bearer" = [])))]
pub async fn vet(
    state: web::Data<AppState>,
    supervisor: Supervisor,
    username: web::Path<String>,
    request: web::Json<Vetting>,
) -> Result<HttpResponse, KeyError> {
    let desk = &supervisor.0.desk;
    let username = Username::parse(&username).map_err(|_| KeyError::AccountNotFound)?;
    let target = desk
        .account(&username)
        .await?
        .ok_or(KeyError::AccountNotFound)?;
    if target.status != AccountStatus::Pending {
        return Err(KeyError::KeyConflict(
            "only a pending account can be vetted",
        ));
    }
    let current = desk
        .desk()
        .await?
        .ok_or(KeyError::KeyConflict("this desk has no key yet"))?;
    if request.key_version != current.key_version {
        return Err(KeyError::KeyConflict(
            "grant the desk's current key version",
        ));
    }
    let grant = request
        .grant
        .as_deref()
        .map(|text| grant_ciphertext(&state, text))
        .transpose()?;
    let me = &supervisor.0.account;
    let statement = request
        .statement
        .as_ref()
        .map(|sent| statements::accept(sent, me, |body| statements::approves(body, &target)))
        .transpose()?;
    match &statement {
        None => statements::require_unsigned_desk(desk).await?,
        Some(statement) => {
            let stored = desk.statements().await?;
            let new = std::slice::from_ref(statement);
            statements::keeps_chain_valid_or(&me.desk, &stored, new, approval_refusal)?;
        }
    }
    let approval = Approval {
        account: target.id,
        approver: supervisor.0.account.id,
        key_version: current.key_version,
        grant: grant.as_ref(),
        required: state.approvals_required,
        statement: statement.as_ref(),
    };
    let approved = desk.approve(&approval, crate::time::now_bucket()).await?;
    let (status, approvals, required, action) = match approved {
        Approved::NotPending => {
            return Err(KeyError::KeyConflict(
                "only a pending account can be vetted",
            ))
        }
        Approved::Repeated => return Err(repeated()),
        Approved::Waiting {
            approvals,
            required,
        } => (
            AccountStatus::Pending,
            approvals,
            required,
            AuditAction::AccountApprove,
        ),
        Approved::Vetted {
            approvals,
            required,
        } => (
            AccountStatus::Vetted,
            approvals,
            required,
            AuditAction::AccountVet,
        ),
    };
    let actor = supervisor.0.account.username.as_str();
    audit(
        &state,
        desk.slug().as_str(),
        actor,
        action,
        username.as_str(),
    )
    .await?;
    Ok(HttpResponse::Ok().json(VetOutcome {
        status,
        approvals,
        required,
    }))
}

/// Makes a one-time enrolment code for a new account of the supervisor's own desk (the server
/// host's `resguardo admin invite` stays). The code is in this answer only; the server keeps its
/// SHA-256, and the audit log the role, never the code.
#[utoipa::path(post, path = "/api/v1/desk/invites", request_body = NewInvite, responses(
    (status = 201, body = InviteView),
    doc::E400, doc::E401, doc::E403, doc::E409, doc::E413, doc::E415, doc::E503,
), security(("bearer" = [])))]
pub async fn invite(
    state: web::Data<AppState>,
    supervisor: Supervisor,
    request: web::Json<NewInvite>,
) -> Result<HttpResponse, KeyError> {
    let (me, desk) = (&supervisor.0.account, &supervisor.0.desk);
    let code = Secret32::random();
    let hours = i64::from(state.accounts.code_ttl_hours);
    let expires_at = crate::time::now_secs() + hours * 3600;
    desk.create_enrolment_code(&code.digest(), request.role, expires_at)
        .await?;
    let role = request.role.as_str();
    let action = AuditAction::AccountInvite;
    audit(&state, me.desk.as_str(), me.username.as_str(), action, role).await?;
    Ok(HttpResponse::Created().json(InviteView {
        code: code.to_text().to_string(),
        desk: me.desk.to_string(),
        role: request.role,
        expires_at,
    }))
}

/// The caller's own grants: the desk identities it may unlock, by key version.
#[utoipa::path(get, path = "/api/v1/desk/grants", responses(
    (status = 200, body = Vec<GrantView>),
    doc::E401, doc::E503,
), security(("bearer" = [])))]
pub async fn grants(signed_in: SignedIn) -> Result<HttpResponse, KeyError> {
    let grants = signed_in.own.grants().await?;
    let views: Vec<GrantView> = grants
        .iter()
        .map(|g| GrantView {
            key_version: g.key_version,
            wrapped_key: b64_encode(g.wrapped_key.as_bytes()),
        })
        .collect();
    Ok(HttpResponse::Ok().json(views))
}

/// Disables an account of the supervisor's desk: its sessions end at once and it can no longer
/// log in. Its grants of past desk keys remain, so the desk key should be rotated next.
#[utoipa::path(post, path = "/api/v1/desk/accounts/{username}/disable",
    params(("username" = String, Path, description = "The account to disable")),
    responses(
        (status = 204),
        doc::E401, doc::E403, doc::E404, doc::E409, doc::E503,
    ), security(("bearer" = [])))]
pub async fn disable(
    state: web::Data<AppState>,
    supervisor: Supervisor,
    username: web::Path<String>,
) -> Result<HttpResponse, KeyError> {
    let me = &supervisor.0.account;
    let username = Username::parse(&username).map_err(|_| KeyError::AccountNotFound)?;
    let target = supervisor
        .0
        .desk
        .account(&username)
        .await?
        .ok_or(KeyError::AccountNotFound)?;
    if target.id == me.id {
        return Err(KeyError::KeyConflict(
            "a supervisor cannot disable their own account",
        ));
    }
    // Where two approvals are required, one supervisor disabling the other would leave them
    // vetting alone: that takes the server host's admin command instead.
    if state.approvals_required > 1 && target.role == Role::Supervisor {
        return Err(ApiError::Forbidden(
            "while two approvals are required, a supervisor is disabled on the server host \
             (`resguardo admin disable`), not by another supervisor alone",
        )
        .into());
    }
    supervisor.0.desk.disable(target.id).await?;
    audit(
        &state,
        me.desk.as_str(),
        me.username.as_str(),
        AuditAction::AccountDisable,
        username.as_str(),
    )
    .await?;
    Ok(HttpResponse::NoContent().finish())
}

/// Rotates the desk key: new reports go to the new key, and only the accounts granted here can
/// read them. Every grant must be for a vetted account of the desk, the caller's own included.
#[utoipa::path(post, path = "/api/v1/desk/key/rotate", request_body = Rotation, responses(
    (status = 201, body = DeskKeyView),
    doc::E400, doc::E401, doc::E403, doc::E404, doc::E409, doc::E413, doc::E415, doc::E503,
), security(("bearer" = [])))]
pub async fn rotate(
    state: web::Data<AppState>,
    supervisor: Supervisor,
    request: web::Json<Rotation>,
) -> Result<HttpResponse, KeyError> {
    let me = &supervisor.0.account;
    let recipient =
        Recipient::parse(&request.recipient).map_err(|_| ApiError::BadRecipient("recipient"))?;
    let mut grants = Vec::with_capacity(request.grants.len());
    for entry in &request.grants {
        let username = Username::parse(&entry.username).map_err(|_| KeyError::AccountNotFound)?;
        let account = supervisor
            .0
            .desk
            .account(&username)
            .await?
            .ok_or(KeyError::AccountNotFound)?;
        if account.status != AccountStatus::Vetted {
            return Err(KeyError::KeyConflict("grants go to vetted accounts only"));
        }
        if grants.iter().any(|(id, _)| *id == account.id) {
            return Err(KeyError::KeyConflict("one grant per account"));
        }
        grants.push((account.id, grant_ciphertext(&state, &entry.grant)?));
    }
    if !grants.iter().any(|(id, _)| *id == me.id) {
        return Err(KeyError::KeyConflict(
            "include your own grant, or you lose access to the new key",
        ));
    }
    let statements = match request.statements.as_slice() {
        [] => vec![],
        [key] => vec![statements::accept(
            key,
            me,
            |body| matches!(body, Body::DeskKey { recipient: r, .. } if *r == recipient),
        )?],
        _ => return Err(ApiError::BadField("statements", "one desk key statement").into()),
    };
    if statements.is_empty() {
        statements::require_unsigned_desk(&supervisor.0.desk).await?;
    } else {
        let stored = supervisor.0.desk.statements().await?;
        statements::keeps_chain_valid(&me.desk, &stored, &statements)?;
    }
    let now = crate::time::now_bucket();
    let version = supervisor
        .0
        .desk
        .rotate_key(&recipient, &grants, me.id, &statements, now)
        .await?;
    audit(
        &state,
        me.desk.as_str(),
        me.username.as_str(),
        AuditAction::DeskKeyRotate,
        &version.to_string(),
    )
    .await?;
    Ok(HttpResponse::Created().json(DeskKeyView {
        key_version: version,
        fingerprint: recipient.fingerprint().to_string(),
        recipient: recipient.as_str().to_owned(),
    }))
}
