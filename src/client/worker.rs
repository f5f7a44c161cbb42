//! A case worker's side of enrolment and login (design §3.2): the password is stretched here, the
//! worker's key pair and unlock share are made here, and only the auth key, the share and the
//! wrapped identity leave the device (docs/protocol.md §6).

use zeroize::Zeroizing;

use super::{ApiClient, ClientError};
use crate::crypto::password::{self, PasswordKeys, UnlockShare};
use crate::crypto::signing;
use crate::domain::{b64_encode, DeskSlug, Fingerprint, Recipient, SigningPublic, Username};
use crate::protocol::accounts::{
    Credentials, Enrolled, Enrolment, LoggedIn, PasswordChange, SigningKeyUpload,
    UnlockShareUpgrade,
};
use crate::protocol::identity::{open_identity, parse_share, wrap_identity, WrongPassword};

fn usage(e: impl std::fmt::Display) -> ClientError {
    ClientError::Usage(e.to_string())
}

/// Runs the password derivation (64 MiB Argon2id) off the async threads.
pub async fn derive(
    password: &str,
    desk: &DeskSlug,
    username: &Username,
) -> Result<PasswordKeys, ClientError> {
    let (password, desk, username) = (
        Zeroizing::new(password.to_owned()),
        desk.clone(),
        username.clone(),
    );
    tokio::task::spawn_blocking(move || password::derive(&password, &desk, &username))
        .await
        .map_err(usage)
}

/// A new account: the server's answer and the worker's own public keys (for the safety number).
pub struct NewAccount {
    pub enrolled: Enrolled,
    pub recipient: Recipient,
    pub signing_key: SigningPublic,
}

impl NewAccount {
    /// The account's safety number, computed here from the keys made here (§9.1).
    pub fn safety_number(&self) -> Fingerprint {
        Fingerprint::of_account(&self.recipient, &self.signing_key)
    }
}

/// Enrols with a one-time code: checks the password policy, makes the worker's key pair and
/// unlock share, wraps the identity to the unlock key of password and share, and sends the
/// public parts with the share (which the server keeps sealed).
pub async fn enrol(
    client: &ApiClient,
    desk: &str,
    code: &str,
    username: &str,
    password: &str,
) -> Result<NewAccount, ClientError> {
    let desk = DeskSlug::parse(desk).map_err(usage)?;
    let username = Username::parse(username).map_err(usage)?;
    password::check_policy(password, &username).map_err(usage)?;
    let keys = derive(password, &desk, &username).await?;
    let identity = age::x25519::Identity::generate();
    let share = UnlockShare::random();
    let wrapped = wrap_identity(&keys, &share, &identity).map_err(usage)?;
    let recipient = Recipient::from(identity.to_public());
    let signing_key = signing::public_of(&identity);
    let enrolled = client
        .enrol(&Enrolment {
            code: code.to_owned(),
            desk: desk.to_string(),
            username: username.to_string(),
            recipient: recipient.as_str().to_owned(),
            wrapped_identity: wrapped,
            auth_key: b64_encode(keys.auth_key.expose()),
            unlock_share: Some(b64_encode(share.expose())),
            signing_key: Some(b64_encode(&signing_key.to_bytes())),
        })
        .await?;
    Ok(NewAccount {
        enrolled,
        recipient,
        signing_key,
    })
}

fn credentials(desk: &str, username: &str, keys: &PasswordKeys, totp: &str) -> Credentials {
    Credentials {
        desk: desk.to_owned(),
        username: username.to_owned(),
        auth_key: b64_encode(keys.auth_key.expose()),
        totp: totp.trim().to_owned(),
    }
}

async fn keys_for(desk: &str, username: &str, password: &str) -> Result<PasswordKeys, ClientError> {
    let desk = DeskSlug::parse(desk).map_err(usage)?;
    let username = Username::parse(username).map_err(usage)?;
    derive(password, &desk, &username).await
}

/// Confirms the authenticator app with its first code.
pub async fn confirm_totp(
    client: &ApiClient,
    desk: &str,
    username: &str,
    password: &str,
    totp: &str,
) -> Result<(), ClientError> {
    let keys = keys_for(desk, username, password).await?;
    client
        .confirm_totp(&credentials(desk, username, &keys, totp))
        .await?;
    Ok(())
}

/// The wrapped identity and unlock share a device keeps from its login (`SavedSession`).
pub struct Wrapped<'a> {
    pub identity_b64: &'a str,
    /// `None` for an account made before shares, saved by a device that did not upgrade it.
    pub share_b64: Option<&'a str>,
}

impl Wrapped<'_> {
    fn share(&self) -> Result<Option<UnlockShare>, ClientError> {
        self.share_b64
            .map(|text| parse_share(text).ok_or_else(|| usage("the saved unlock share is damaged")))
            .transpose()
    }
}

/// Changes the account's password: the identity is unlocked here with the current password
/// (`wrapped`, as the saved session holds it), checked against the new password's policy,
/// re-wrapped to the new password's unlock key with the account's share (a new share for an
/// account without one), and sent with the current credentials and a fresh TOTP code. The
/// server ends every session of the account.
pub async fn change_password(
    client: &ApiClient,
    desk: &str,
    username: &str,
    current: &str,
    totp: &str,
    new: &str,
    wrapped: &Wrapped<'_>,
) -> Result<(), ClientError> {
    let parsed_name = Username::parse(username).map_err(usage)?;
    password::check_policy(new, &parsed_name).map_err(usage)?;
    if new == current {
        return Err(usage("the new password is the current one"));
    }
    let old_keys = keys_for(desk, username, current).await?;
    let share = wrapped.share()?;
    let identity =
        open_identity(&old_keys, share.as_ref(), wrapped.identity_b64).map_err(wrong_password)?;
    let share = share.unwrap_or_else(UnlockShare::random);
    let new_keys = keys_for(desk, username, new).await?;
    let change = PasswordChange {
        current: credentials(desk, username, &old_keys, totp),
        auth_key: b64_encode(new_keys.auth_key.expose()),
        wrapped_identity: wrap_identity(&new_keys, &share, &identity).map_err(usage)?,
        unlock_share: Some(b64_encode(share.expose())),
    };
    client.change_password(&change).await
}

/// Unlocks a wrapped identity with the password (for commands after login).
pub async fn unlock(
    desk: &str,
    username: &str,
    password: &str,
    wrapped: &Wrapped<'_>,
) -> Result<age::x25519::Identity, ClientError> {
    let share = wrapped.share()?;
    let keys = keys_for(desk, username, password).await?;
    open_identity(&keys, share.as_ref(), wrapped.identity_b64).map_err(wrong_password)
}

/// A signed-in worker: the session and the worker's own identity, unlocked here.
pub struct Login {
    pub session: LoggedIn,
    pub identity: age::x25519::Identity,
}

/// Logs in and unlocks the worker's identity with the key of password and unlock share. An
/// account made before shares is opened with the password alone and upgraded at once: a new
/// share, the identity re-wrapped with it, the auth key proven again; the session answered then
/// carries the new share and wrapping, as a later login would.
pub async fn login(
    client: &ApiClient,
    desk: &str,
    username: &str,
    password: &str,
    totp: &str,
) -> Result<Login, ClientError> {
    let keys = keys_for(desk, username, password).await?;
    let session = client
        .login(&credentials(desk, username, &keys, totp))
        .await?;
    let share = match session.unlock_share.as_deref() {
        Some(text) => Some(parse_share(text).ok_or_else(|| {
            ClientError::Usage("the server sent an unlock share that is not 32 bytes".into())
        })?),
        None => None,
    };
    let identity =
        open_identity(&keys, share.as_ref(), &session.wrapped_identity).map_err(wrong_password)?;
    let session = match share {
        Some(_) => session,
        None => add_unlock_share(client, session, &keys, &identity).await?,
    };
    let session = record_signing_key(client, session, &identity).await?;
    Ok(Login { session, identity })
}

/// Upgrades an account made before unlock shares (docs/protocol.md §6).
async fn add_unlock_share(
    client: &ApiClient,
    mut session: LoggedIn,
    keys: &PasswordKeys,
    identity: &age::x25519::Identity,
) -> Result<LoggedIn, ClientError> {
    let share = UnlockShare::random();
    let upgrade = UnlockShareUpgrade {
        auth_key: b64_encode(keys.auth_key.expose()),
        unlock_share: b64_encode(share.expose()),
        wrapped_identity: wrap_identity(keys, &share, identity).map_err(usage)?,
    };
    client.add_unlock_share(&session.token, &upgrade).await?;
    session.wrapped_identity = upgrade.wrapped_identity.clone();
    session.unlock_share = Some(upgrade.unlock_share.clone());
    Ok(session)
}

/// Makes sure the server holds this account's signing key: an account enrolled before signing
/// keys sends it now; one whose recorded key is not the one derived here is refused, since
/// supervisors would vet (or have vetted) a key this device does not hold.
async fn record_signing_key(
    client: &ApiClient,
    mut session: LoggedIn,
    identity: &age::x25519::Identity,
) -> Result<LoggedIn, ClientError> {
    let own = b64_encode(&signing::public_of(identity).to_bytes());
    match session.account.signing_key.as_deref() {
        Some(recorded) if recorded == own => Ok(session),
        Some(_) => Err(ClientError::Untrusted(
            "the server lists a signing key for this account that is not this account's own; \
             tell your supervisor, and do not use this desk until it is explained"
                .into(),
        )),
        None => {
            let upload = SigningKeyUpload { signing_key: own };
            session.account = client.set_signing_key(&session.token, &upload).await?;
            Ok(session)
        }
    }
}

fn wrong_password(e: WrongPassword) -> ClientError {
    ClientError::Usage(e.to_string())
}
