//! What the server keeps of an account's secrets, and the work on them (docs/protocol.md §6):
//! the sealing contexts of TOTP secrets and unlock shares, the peppered verifier, and the Argon2
//! work, bounded by `accounts.argon2_permits` and kept off the async threads.

use actix_web::web;

use super::super::decode_exact;
use crate::crypto::password::{AuthKey, UnlockShare};
use crate::domain::b64_encode;
use crate::server::auth;
use crate::server::problem::ApiError;
use crate::server::AppState;
use crate::store::{Account, AccountId};

/// The additional data TOTP secrets are sealed with: the account they belong to.
pub(super) fn totp_context(id: &AccountId) -> Vec<u8> {
    [b"resguardo/totp/v1/".as_slice(), &id.0].concat()
}

/// The additional data unlock shares are sealed with: the account they belong to.
pub(super) fn share_context(id: &AccountId) -> Vec<u8> {
    [b"resguardo/unlock-share/v1/".as_slice(), &id.0].concat()
}

/// What the verifier is of: the auth key under the pepper for an account with an unlock share
/// (version 2), the auth key itself for one made before shares (version 1).
pub(super) fn verifier_input(state: &AppState, key: &AuthKey, has_share: bool) -> AuthKey {
    if has_share {
        key.peppered(&state.auth_pepper)
    } else {
        key.clone()
    }
}

/// Runs an Argon2 verification on a blocking thread, at most `accounts.argon2_permits` at once.
pub(super) async fn verify(state: &AppState, phc: String, key: AuthKey) -> Result<bool, ApiError> {
    let _permit = state
        .argon2
        .acquire()
        .await
        .map_err(|_| ApiError::Unavailable)?;
    web::block(move || auth::verify_auth_key(&phc, &key))
        .await
        .map_err(|_| ApiError::Unavailable)
}

/// Hashes a verifier input on a blocking thread, under the same bound.
pub(super) async fn hash(state: &AppState, key: AuthKey) -> Result<String, ApiError> {
    let _permit = state
        .argon2
        .acquire()
        .await
        .map_err(|_| ApiError::Unavailable)?;
    web::block(move || auth::hash_auth_key(&key))
        .await
        .map_err(|_| ApiError::Unavailable)?
}

/// An unlock share field, parsed.
pub(super) fn share_field(text: &str) -> Result<UnlockShare, ApiError> {
    Ok(UnlockShare::from_bytes(decode_exact::<32>(
        text,
        "unlock_share",
    )?))
}

/// The account's unlock share, opened for its owner after a login; `None` for version 1.
pub(super) fn open_share(state: &AppState, account: &Account) -> Result<Option<String>, ApiError> {
    let Some(sealed) = &account.unlock_share_sealed else {
        return Ok(None);
    };
    let share = UnlockShare::open(&state.share_key, &share_context(&account.id), sealed)
        .ok_or_else(|| {
            // Only a server key other than the one the account was made under gets here (and
            // then its TOTP secret would not have opened either).
            tracing::error!(
                "an unlock share did not open: is this the server key it was made with?"
            );
            ApiError::Unavailable
        })?;
    Ok(Some(b64_encode(share.expose())))
}
