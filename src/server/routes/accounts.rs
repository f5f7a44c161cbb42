//! Case-worker accounts: enrolment with a one-time code, TOTP confirmation, login, logout. The
//! password never arrives here — only the auth key derived from it (design §3.2) — and every
//! login failure looks the same, whether the account exists or not.
//!
//! What the database keeps confirms no password guess without the server key (docs/protocol.md
//! §6): the auth key's hash is of the key under a pepper, and the identity is wrapped with an
//! unlock share sealed under a server key, which only a login that proved auth key and TOTP code
//! gets back.

use actix_web::{web, HttpResponse};
use sha2::{Digest, Sha256};

use super::decode_exact;
use crate::crypto::password::AuthKey;
use crate::crypto::totp::TotpSecret;
use crate::domain::{
    b64_encode, AccountStatus, AuditAction, Backoff, DeskSlug, Recipient, Secret32, SigningPublic,
    Username,
};
use crate::protocol::accounts::{
    Credentials, Enrolled, Enrolment, LoggedIn, PasswordChange, SessionView, SigningKeyUpload,
    UnlockShareUpgrade,
};
use crate::server::auth::SignedIn;
use crate::server::limits::LoginAllowed;
use crate::server::problem::{doc, AccountError, ApiError};
use crate::server::{audit, AppState};
use crate::store::{Account, AccountId, Attempt, NewAccount};

// The TOTP secret and the session token must not reach a log line or a panic message.

mod secrets;

use secrets::{hash, open_share, share_context, share_field, totp_context, verifier_input, verify};

fn view(state: &AppState, account: &Account) -> SessionView {
    SessionView {
        id: super::keys::hex(&account.id.0),
        desk: account.desk.to_string(),
        username: account.username.to_string(),
        role: account.role,
        status: account.status,
        signing_key: account.signing_key.map(|k| b64_encode(&k.to_bytes())),
        approvals_required: state.approvals_required,
    }
}

/// Creates a pending account with a one-time enrolment code.
#[utoipa::path(post, path = "/api/v1/enrolments", request_body = Enrolment, responses(
    (status = 201, body = Enrolled),
    doc::E400, doc::E409, doc::E413, doc::E415, doc::E429, doc::E503,
))]
pub async fn enrol(
    _allowed: LoginAllowed,
    state: web::Data<AppState>,
    request: web::Json<Enrolment>,
) -> Result<HttpResponse, AccountError> {
    let code = Secret32::parse(&request.code).map_err(|_| AccountError::BadEnrolmentCode)?;
    let desk = DeskSlug::parse(&request.desk).map_err(|_| AccountError::BadEnrolmentCode)?;
    let username = Username::parse(&request.username)
        .map_err(|_| ApiError::BadField("username", "user name"))?;
    let recipient =
        Recipient::parse(&request.recipient).map_err(|_| ApiError::BadRecipient("recipient"))?;
    let wrapped = super::wrapped_key_field(
        &request.wrapped_identity,
        "wrapped_identity",
        state.message_limits,
    )?;
    let auth_key = AuthKey::from_bytes(decode_exact::<32>(&request.auth_key, "auth_key")?);
    let signing_key = signing_key_field(request.signing_key.as_deref())?;
    let share = request
        .unlock_share
        .as_deref()
        .map(share_field)
        .transpose()?;
    let id = AccountId(
        Secret32::random().digest()[..16]
            .try_into()
            .unwrap_or([0; 16]),
    );
    let totp = TotpSecret::random();
    let auth_hash = hash(&state, verifier_input(&state, &auth_key, share.is_some())).await?;
    let account = NewAccount {
        id,
        desk,
        username: username.clone(),
        recipient,
        wrapped_identity: wrapped,
        auth_hash,
        totp_sealed: totp.seal(&state.totp_key, &totp_context(&id)),
        unlock_share_sealed: share.map(|share| share.seal(&state.share_key, &share_context(&id))),
        created_at: crate::time::now_bucket(),
        signing_key,
    };
    // An unknown code is `BadEnrolmentCode`, a taken name `UsernameTaken` (`AccountError`).
    let (desk, role) = state
        .sign_in()
        .enrol(&code.digest(), crate::time::now_secs(), &account)
        .await?;
    audit(
        &state,
        desk.as_str(),
        username.as_str(),
        AuditAction::AccountEnrol,
        role.as_str(),
    )
    .await?;
    Ok(HttpResponse::Created().json(Enrolled {
        desk: desk.to_string(),
        totp_uri: totp
            .uri(&format!("Resguardo {desk}"), username.as_str())
            .to_string(),
        role,
    }))
}

/// The optional `signing_key` field, parsed: an Ed25519 point that is not of small order.
fn signing_key_field(text: Option<&str>) -> Result<Option<SigningPublic>, ApiError> {
    text.map(parse_signing_key).transpose()
}

fn parse_signing_key(text: &str) -> Result<SigningPublic, ApiError> {
    SigningPublic::from_bytes(&decode_exact::<32>(text, "signing_key")?)
        .map_err(|_| ApiError::BadField("signing_key", "Ed25519 public key"))
}

/// What a login or confirmation request names, parsed; `None` fields fail like a wrong password.
struct Claimed {
    throttle_key: [u8; 32],
    account: Option<Account>,
    auth_key: AuthKey,
}

async fn claim(state: &AppState, credentials: &Credentials) -> Result<Claimed, AccountError> {
    let auth_key = AuthKey::from_bytes(decode_exact::<32>(&credentials.auth_key, "auth_key")?);
    let throttle_key: [u8; 32] = Sha256::new()
        .chain_update(b"resguardo/login/v1/")
        .chain_update(credentials.desk.as_bytes())
        .chain_update(b"/")
        .chain_update(credentials.username.as_bytes())
        .finalize()
        .into();
    let account = match (
        DeskSlug::parse(&credentials.desk),
        Username::parse(&credentials.username),
    ) {
        (Ok(desk), Ok(username)) => state.sign_in().account(&desk, &username).await?,
        _ => None,
    };
    Ok(Claimed {
        throttle_key,
        account,
        auth_key,
    })
}

/// Checks password and TOTP for a claimed account, with backoff on failure. Every failure is the
/// same `login-failed`, after the same Argon2 work.
///
/// The attempt is reserved (and counted as a failure) before anything is verified, so parallel
/// guesses cannot all run before the first failure is written. While the name is held back, only
/// an attempt whose one-time code is right goes on (the code is then used up): the owner is never
/// kept out by someone else's guesses, and a stranger gets at most one password check per code.
async fn check(
    state: &AppState,
    credentials: &Credentials,
    confirming: bool,
) -> Result<Account, AccountError> {
    let now = crate::time::now_secs();
    let claimed = claim(state, credentials).await?;
    let backoff = Backoff {
        free: state.accounts.free_failures,
        cap: state.accounts.max_backoff_secs,
    };
    let reserved = state
        .sign_in()
        .reserve_attempt(&claimed.throttle_key, now, backoff)
        .await?;
    let (code_used, failures) = match reserved {
        Attempt::Reserved { failures } => (false, failures),
        Attempt::Wait { secs } => {
            if !take_code(state, &claimed, credentials, confirming, now).await? {
                let secs = u64::try_from(secs).unwrap_or(1).max(1);
                return Err(ApiError::RateLimited(secs).into());
            }
            (true, 0)
        }
    };
    // Unknown names are checked against the dummy hash, peppered like a current account's.
    let (phc, has_share) = claimed.account.as_ref().map_or_else(
        || (state.dummy_hash.clone(), true),
        |a| (a.auth_hash.clone(), a.unlock_share_sealed.is_some()),
    );
    let input = verifier_input(state, &claimed.auth_key, has_share);
    let password_ok = verify(state, phc, input).await?;
    let passed = match &claimed.account {
        Some(account) if password_ok && usable(account, confirming) => {
            code_used || take_code_of(state, account, credentials, confirming, now).await?
        }
        _ => false,
    };
    match (passed, claimed.account) {
        (true, Some(account)) => {
            state
                .sign_in()
                .clear_throttle(&claimed.throttle_key)
                .await?;
            let action = if confirming {
                AuditAction::AccountTotpConfirm
            } else {
                AuditAction::LoginOk
            };
            audit(
                state,
                account.desk.as_str(),
                account.username.as_str(),
                action,
                "",
            )
            .await?;
            Ok(account)
        }
        (_, account) => {
            if let Some(account) = &account {
                audit_failure(state, account, failures).await?;
            }
            Err(AccountError::LoginFailed)
        }
    }
}

/// Records failed logins of an existing account, aggregated: the 1st, 2nd, 4th, 8th … failure of
/// a streak is written, with the count so far as its subject, so anonymous guessing cannot flood
/// the hash chain (a streak of a million failures writes 21 entries). Failures for names that do
/// not exist are not written at all: they tell a desk nothing about its own people.
async fn audit_failure(
    state: &AppState,
    account: &Account,
    failures: i64,
) -> Result<(), AccountError> {
    if failures < 1 || failures & (failures - 1) != 0 {
        return Ok(());
    }
    let (desk, user) = (account.desk.as_str(), account.username.as_str());
    audit(
        state,
        desk,
        user,
        AuditAction::LoginFailed,
        &format!("failures={failures}"),
    )
    .await?;
    Ok(())
}

/// Whether an account may pass this check at all: not disabled, and confirming its TOTP only once.
fn usable(account: &Account, confirming: bool) -> bool {
    account.status != AccountStatus::Disabled && account.totp_confirmed != confirming
}

/// Uses up the claimed account's one-time code if it is right: true then, false otherwise (also
/// for unknown or unusable accounts).
async fn take_code(
    state: &AppState,
    claimed: &Claimed,
    credentials: &Credentials,
    confirming: bool,
    now: i64,
) -> Result<bool, AccountError> {
    match &claimed.account {
        Some(account) if usable(account, confirming) => {
            take_code_of(state, account, credentials, confirming, now).await
        }
        _ => Ok(false),
    }
}

async fn take_code_of(
    state: &AppState,
    account: &Account,
    credentials: &Credentials,
    confirming: bool,
    now: i64,
) -> Result<bool, AccountError> {
    let step = TotpSecret::open(
        &state.totp_key,
        &totp_context(&account.id),
        &account.totp_sealed,
    )
    .and_then(|secret| secret.matching_step(&credentials.totp, now));
    match step {
        Some(step) => Ok(state
            .sign_in()
            .accept_totp_step(account.id, step, confirming)
            .await?),
        None => Ok(false),
    }
}

/// Confirms the TOTP secret of a new account with its first code.
#[utoipa::path(post, path = "/api/v1/enrolments/confirm", request_body = Credentials, responses(
    (status = 200, body = SessionView),
    doc::E400, doc::E401, doc::E413, doc::E415, doc::E429, doc::E503,
))]
pub async fn confirm(
    _allowed: LoginAllowed,
    state: web::Data<AppState>,
    credentials: web::Json<Credentials>,
) -> Result<HttpResponse, AccountError> {
    let account = check(&state, &credentials, true).await?;
    Ok(HttpResponse::Ok().json(view(&state, &account)))
}

/// Logs in with the auth key and a TOTP code; answers a new session token.
#[utoipa::path(post, path = "/api/v1/sessions", request_body = Credentials, responses(
    (status = 201, body = LoggedIn),
    doc::E400, doc::E401, doc::E413, doc::E415, doc::E429, doc::E503,
))]
pub async fn login(
    _allowed: LoginAllowed,
    state: web::Data<AppState>,
    credentials: web::Json<Credentials>,
) -> Result<HttpResponse, AccountError> {
    let account = check(&state, &credentials, false).await?;
    let token = Secret32::random();
    let now = crate::time::now_secs();
    let expires_at = now + i64::from(state.accounts.session_max_hours) * 3600;
    state
        .sign_in()
        .create_session(&token.digest(), account.id, now, expires_at)
        .await?;
    Ok(HttpResponse::Created().json(LoggedIn {
        token: token.to_text().to_string(),
        expires_at,
        idle_minutes: state.accounts.session_idle_minutes,
        account: view(&state, &account),
        wrapped_identity: b64_encode(account.wrapped_identity.as_bytes()),
        unlock_share: open_share(&state, &account)?,
    }))
}

/// The signed-in account.
#[utoipa::path(get, path = "/api/v1/session", responses(
    (status = 200, body = SessionView),
    doc::E401, doc::E503,
), security(("bearer" = [])))]
pub async fn whoami(state: web::Data<AppState>, signed_in: SignedIn) -> HttpResponse {
    HttpResponse::Ok().json(view(&state, &signed_in.account))
}

/// Records the signing key of an account enrolled before signing keys existed. A key once
/// recorded never changes: sending the same one again is harmless, a different one a conflict.
#[utoipa::path(post, path = "/api/v1/session/signing-key", request_body = SigningKeyUpload,
    responses(
        (status = 200, body = SessionView),
        doc::E400, doc::E401, doc::E409, doc::E413, doc::E415, doc::E503,
    ), security(("bearer" = [])))]
pub async fn set_signing_key(
    state: web::Data<AppState>,
    signed_in: SignedIn,
    request: web::Json<SigningKeyUpload>,
) -> Result<HttpResponse, AccountError> {
    let key = parse_signing_key(&request.signing_key)?;
    let account = &signed_in.account;
    match account.signing_key {
        Some(recorded) if recorded == key => {}
        Some(_) => {
            return Err(AccountError::KeyConflict(
                "this account already has a different signing key",
            ))
        }
        None => {
            signed_in.own.set_signing_key(&key).await?;
            audit(
                &state,
                account.desk.as_str(),
                account.username.as_str(),
                AuditAction::AccountSigningKey,
                "",
            )
            .await?;
        }
    }
    let mut view = view(&state, account);
    view.signing_key = Some(b64_encode(&key.to_bytes()));
    Ok(HttpResponse::Ok().json(view))
}

/// Changes an account's password (design §3.2): the device re-wraps the account's identity to
/// the new password and proves the current one and the second factor; every session of the
/// account ends, so that a stolen token does not outlive the old password.
#[utoipa::path(post, path = "/api/v1/session/password", request_body = PasswordChange,
    responses(
        (status = 204),
        doc::E400, doc::E401, doc::E409, doc::E413, doc::E415, doc::E429, doc::E503,
    ))]
pub async fn change_password(
    _allowed: LoginAllowed,
    state: web::Data<AppState>,
    request: web::Json<PasswordChange>,
) -> Result<HttpResponse, AccountError> {
    let auth_key = AuthKey::from_bytes(decode_exact::<32>(&request.auth_key, "auth_key")?);
    // Who asks is checked before what they send is parsed: a stranger learns nothing more.
    let account = check(&state, &request.current, false).await?;
    let wrapped = super::wrapped_key_field(
        &request.wrapped_identity,
        "wrapped_identity",
        state.message_limits,
    )?;
    let share = request
        .unlock_share
        .as_deref()
        .map(share_field)
        .transpose()?;
    if share.is_none() && account.unlock_share_sealed.is_some() {
        // Without it, the new wrapping would be to a key the next login's share does not make.
        return Err(AccountError::KeyConflict(
            "this account has an unlock share: send it (or a new one) with the re-wrapped identity",
        ));
    }
    let auth_hash = hash(&state, verifier_input(&state, &auth_key, share.is_some())).await?;
    let sealed = share.map(|share| share.seal(&state.share_key, &share_context(&account.id)));
    state
        .sign_in()
        .proven(&account)
        .set_password(&auth_hash, &wrapped, sealed.as_deref())
        .await?;
    let (desk, name) = (account.desk.as_str(), account.username.as_str());
    audit(&state, desk, name, AuditAction::AccountPassword, "").await?;
    Ok(HttpResponse::NoContent().finish())
}

/// Gives an account made before unlock shares its share (docs/protocol.md §6): the device sends
/// it right after a login that answered `unlock_share: null`, with the identity re-wrapped to the
/// password and share and the auth key, checked again here so that a session token alone
/// cannot replace a wrapped identity. From then on the database confirms no password guess.
#[utoipa::path(post, path = "/api/v1/session/unlock-share", request_body = UnlockShareUpgrade,
    responses(
        (status = 204),
        doc::E400, doc::E401, doc::E409, doc::E413, doc::E415, doc::E503,
    ), security(("bearer" = [])))]
pub async fn add_unlock_share(
    state: web::Data<AppState>,
    signed_in: SignedIn,
    request: web::Json<UnlockShareUpgrade>,
) -> Result<HttpResponse, AccountError> {
    let account = &signed_in.account;
    if account.unlock_share_sealed.is_some() {
        return Err(AccountError::KeyConflict(
            "this account has its unlock share already",
        ));
    }
    let auth_key = AuthKey::from_bytes(decode_exact::<32>(&request.auth_key, "auth_key")?);
    let share = share_field(&request.unlock_share)?;
    let wrapped = super::wrapped_key_field(
        &request.wrapped_identity,
        "wrapped_identity",
        state.message_limits,
    )?;
    if !verify(&state, account.auth_hash.clone(), auth_key.clone()).await? {
        return Err(AccountError::LoginFailed);
    }
    let auth_hash = hash(&state, auth_key.peppered(&state.auth_pepper)).await?;
    let sealed = share.seal(&state.share_key, &share_context(&account.id));
    signed_in
        .own
        .add_unlock_share(&auth_hash, &wrapped, &sealed)
        .await?;
    let (desk, name) = (account.desk.as_str(), account.username.as_str());
    audit(&state, desk, name, AuditAction::AccountUnlockShare, "").await?;
    Ok(HttpResponse::NoContent().finish())
}

/// Ends the session; its token stops working at once.
#[utoipa::path(post, path = "/api/v1/session/logout", responses(
    (status = 204),
    doc::E401, doc::E503,
), security(("bearer" = [])))]
pub async fn logout(
    state: web::Data<AppState>,
    signed_in: SignedIn,
) -> Result<HttpResponse, AccountError> {
    state.sign_in().end_session(&signed_in.session).await?;
    let account = &signed_in.account;
    audit(
        &state,
        account.desk.as_str(),
        account.username.as_str(),
        AuditAction::Logout,
        "",
    )
    .await?;
    Ok(HttpResponse::NoContent().finish())
}
