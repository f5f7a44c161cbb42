//! Accounts and sessions on the wire: enrolment, login, the signed-in view, the signing key and
//! password change (`/api/v1/enrolments`, `/api/v1/sessions`, `/api/v1/session`). Secrets in these
//! types (auth keys, unlock shares, TOTP codes, session tokens) print as `redacted`.

use crate::domain::{AccountStatus, Role};
use serde::{Deserialize, Serialize};

/// A new account, as the worker's client sends it.
#[derive(Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Enrolment {
    /// The one-time code from `resguardo admin invite`: 52 base32 characters; dashes, spaces and
    /// case are ignored.
    #[schema(pattern = r"^[A-Za-z2-7 -]{52,120}$")]
    pub code: String,
    /// The desk the code is for (it salts the password derivation, so the client knows it).
    #[schema(pattern = r"^[a-z][a-z0-9-]{0,38}[a-z0-9]$")]
    pub desk: String,
    #[schema(pattern = r"^[a-z][a-z0-9._-]{2,31}$")]
    pub username: String,
    /// The worker's own age X25519 recipient, generated on their device.
    #[schema(pattern = r"^age1[02-9ac-hj-np-z]{58}$")]
    pub recipient: String,
    /// The worker's identity, age-encrypted to the unlock key their password and `unlock_share`
    /// derive (docs/protocol.md §6); base64.
    #[schema(
        min_length = 200,
        pattern = r"^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$"
    )]
    pub wrapped_identity: String,
    /// 32 bytes, base64: the first half of the password derivation.
    #[schema(pattern = r"^[A-Za-z0-9+/]{42}[AEIMQUYcgkosw048]=$")]
    pub auth_key: String,
    /// The account's unlock share: 32 random bytes made on the device, base64, mixed into the
    /// unlock key. The server keeps it sealed under its own key and returns it only at login.
    /// Optional only for clients older than shares: such an account is upgraded at its first
    /// login (`POST /api/v1/session/unlock-share`).
    #[serde(default)]
    #[schema(pattern = r"^[A-Za-z0-9+/]{42}[AEIMQUYcgkosw048]=$")]
    pub unlock_share: Option<String>,
    /// The account's Ed25519 public key (docs/protocol.md §9.1), derived on the device from its
    /// identity; base64 of 32 bytes. Optional only for clients older than signing keys: an
    /// account without one cannot be vetted by an up-to-date supervisor.
    #[serde(default)]
    #[schema(pattern = r"^[A-Za-z0-9+/]{42}[AEIMQUYcgkosw048]=$")]
    pub signing_key: Option<String>,
}

#[derive(Serialize, Deserialize, utoipa::ToSchema)]
pub struct Enrolled {
    pub desk: String,
    pub role: Role,
    /// The TOTP secret as an otpauth URI, for an authenticator app. Shown once.
    pub totp_uri: String,
}

/// Proof of password and second factor, for confirming TOTP and for logging in.
#[derive(Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Credentials {
    #[schema(pattern = r"^[a-z][a-z0-9-]{0,38}[a-z0-9]$")]
    pub desk: String,
    #[schema(pattern = r"^[a-z][a-z0-9._-]{2,31}$")]
    pub username: String,
    /// 32 bytes, base64: the first half of the password derivation.
    #[schema(pattern = r"^[A-Za-z0-9+/]{42}[AEIMQUYcgkosw048]=$")]
    pub auth_key: String,
    /// The 6-digit code of the authenticator app.
    #[schema(pattern = r"^[0-9]{6}$")]
    pub totp: String,
}

/// The signed-in account's signing key, for an account enrolled before signing keys.
#[derive(Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SigningKeyUpload {
    /// Base64 of the 32-byte Ed25519 public key derived from the account's identity (§9.1).
    #[schema(pattern = r"^[A-Za-z0-9+/]{42}[AEIMQUYcgkosw048]=$")]
    pub signing_key: String,
}

#[derive(Debug, Serialize, Deserialize, utoipa::ToSchema)]
pub struct SessionView {
    /// The account's id, 32 lower-case hex digits: what statements about it name (§10).
    pub id: String,
    pub desk: String,
    pub username: String,
    pub role: Role,
    pub status: AccountStatus,
    /// The signing key the server has recorded for this account, base64; `null` until a client
    /// sends one (`POST /api/v1/session/signing-key`). A device compares it with its own.
    pub signing_key: Option<String>,
    /// The server's `vetting.approvals_required` (1 or 2), which a desk's first supervisor
    /// signs into the desk's genesis statement (§10).
    pub approvals_required: i64,
}

#[derive(Serialize, Deserialize, utoipa::ToSchema)]
pub struct LoggedIn {
    /// Send as `Authorization: Bearer <token>`. Shown once; the server keeps only its SHA-256.
    pub token: String,
    /// Unix seconds at which the session ends, however busy.
    pub expires_at: i64,
    /// Minutes without a request after which the session ends.
    pub idle_minutes: u32,
    pub account: SessionView,
    /// The worker's wrapped identity, to unlock with the password on the device.
    pub wrapped_identity: String,
    /// The account's unlock share, base64 (§6): with the password it derives the key that
    /// opens `wrapped_identity`. `null` for an account made before shares: the device then
    /// opens the identity with the password alone and sends a share at once
    /// (`POST /api/v1/session/unlock-share`).
    pub unlock_share: Option<String>,
}

impl std::fmt::Debug for Enrolled {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "Enrolled({} in {}, TOTP redacted)",
            self.role.as_str(),
            self.desk
        )
    }
}

impl std::fmt::Debug for LoggedIn {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "LoggedIn({:?}, token redacted)", self.account)
    }
}

impl std::fmt::Debug for Enrolment {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Enrolment(redacted)")
    }
}

impl std::fmt::Debug for Credentials {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Credentials(redacted)")
    }
}

/// A new password: the current credentials, checked as at login (throttled, the TOTP code used
/// once), and the new auth key with the same identity wrapped to the new password's unlock key.
#[derive(Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PasswordChange {
    pub current: Credentials,
    /// 32 bytes, base64: the first half of the new password's derivation.
    #[schema(pattern = r"^[A-Za-z0-9+/]{42}[AEIMQUYcgkosw048]=$")]
    pub auth_key: String,
    /// The same identity, age-encrypted to the unlock key of the new password and
    /// `unlock_share`; base64.
    #[schema(
        min_length = 200,
        pattern = r"^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$"
    )]
    pub wrapped_identity: String,
    /// The unlock share the new wrapping used, base64 of 32 bytes: the account's current share
    /// (from the login answer) or a new one, which replaces it. Required when the account has a
    /// share; leaving it out is for clients older than shares, on accounts without one.
    #[serde(default)]
    #[schema(pattern = r"^[A-Za-z0-9+/]{42}[AEIMQUYcgkosw048]=$")]
    pub unlock_share: Option<String>,
}

/// An account made before unlock shares gets one (§6): sent by the device right after a login
/// answered `unlock_share: null`, with the identity re-wrapped and the auth key, which the server
/// checks again before it replaces anything.
#[derive(Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UnlockShareUpgrade {
    /// 32 bytes, base64: the first half of the password derivation, as at login.
    #[schema(pattern = r"^[A-Za-z0-9+/]{42}[AEIMQUYcgkosw048]=$")]
    pub auth_key: String,
    /// 32 random bytes made on the device, base64.
    #[schema(pattern = r"^[A-Za-z0-9+/]{42}[AEIMQUYcgkosw048]=$")]
    pub unlock_share: String,
    /// The account's identity, age-encrypted to the unlock key of the password and
    /// `unlock_share`; base64.
    #[schema(
        min_length = 200,
        pattern = r"^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$"
    )]
    pub wrapped_identity: String,
}

impl std::fmt::Debug for UnlockShareUpgrade {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("UnlockShareUpgrade(redacted)")
    }
}
