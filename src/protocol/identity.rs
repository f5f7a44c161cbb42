//! A worker's own identity on the device (docs/protocol.md §6): the server keeps it only wrapped,
//! a binary age file to the unlock key derived from the password and the account's unlock share
//! (`crypto::password`), whose plaintext is the identity as the `age` tools write it. Vectors:
//! `tests/vectors/worker_password.json` (the derivation) and `tests/vectors/worker_identity.json`
//! (unwrapping).

use std::str::FromStr;

use zeroize::Zeroizing;

use crate::crypto::password::{PasswordKeys, UnlockShare};
use crate::crypto::seal;
use crate::domain::{b64_decode, b64_encode};

/// The password does not open the wrapped identity (or what it opens is not an identity): one
/// answer for both, so a guess learns nothing more.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("the password does not unlock this account's key")]
pub struct WrongPassword;

/// The unlock share as the login answer carries it (base64 of 32 bytes); `None` when it is not
/// one.
pub fn parse_share(text: &str) -> Option<UnlockShare> {
    let bytes: [u8; 32] = b64_decode(text)?.try_into().ok()?;
    Some(UnlockShare::from_bytes(bytes))
}

/// The worker's identity, unwrapped with the keys derived from the password and the account's
/// unlock share (`None` for an account made before shares).
pub fn open_identity(
    keys: &PasswordKeys,
    share: Option<&UnlockShare>,
    wrapped_b64: &str,
) -> Result<age::x25519::Identity, WrongPassword> {
    let wrapped = b64_decode(wrapped_b64).ok_or(WrongPassword)?;
    let plain = Zeroizing::new(
        seal::open(&keys.unlock_identity(share), &wrapped).map_err(|_| WrongPassword)?,
    );
    let text = std::str::from_utf8(&plain).map_err(|_| WrongPassword)?;
    age::x25519::Identity::from_str(text.trim()).map_err(|_| WrongPassword)
}

/// The identity wrapped for the server to keep: to the unlock key of `keys` and `share`; base64.
pub fn wrap_identity(
    keys: &PasswordKeys,
    share: &UnlockShare,
    identity: &age::x25519::Identity,
) -> Result<String, seal::SealError> {
    let secret =
        Zeroizing::new(age::secrecy::ExposeSecret::expose_secret(&identity.to_string()).to_owned());
    let wrapped = seal::seal(
        &[&keys.unlock_identity(Some(share)).to_public()],
        secret.as_bytes(),
    )?;
    Ok(b64_encode(&wrapped))
}
