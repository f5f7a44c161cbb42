//! A worker's own identity on the device (docs/protocol.md §6): the server keeps it only wrapped,
//! a binary age file to the unlock key derived from the password (`crypto::password::derive`),
//! whose plaintext is the identity as the `age` tools write it. Vectors:
//! `tests/vectors/worker_password.json` (the derivation) and `tests/vectors/worker_identity.json`
//! (unwrapping).

use std::str::FromStr;

use crate::crypto::password::PasswordKeys;
use crate::crypto::seal;
use crate::domain::b64_decode;

/// The password does not open the wrapped identity (or what it opens is not an identity): one
/// answer for both, so a guess learns nothing more.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("the password does not unlock this account's key")]
pub struct WrongPassword;

/// The worker's identity, unwrapped with the keys derived from the password.
pub fn open_identity(
    keys: &PasswordKeys,
    wrapped_b64: &str,
) -> Result<age::x25519::Identity, WrongPassword> {
    let wrapped = b64_decode(wrapped_b64).ok_or(WrongPassword)?;
    let plain = zeroize::Zeroizing::new(
        seal::open(&keys.unlock_identity, &wrapped).map_err(|_| WrongPassword)?,
    );
    let text = std::str::from_utf8(&plain).map_err(|_| WrongPassword)?;
    age::x25519::Identity::from_str(text.trim()).map_err(|_| WrongPassword)
}
