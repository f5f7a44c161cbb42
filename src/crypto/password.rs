//! A case worker's password, which never reaches the server (design §3.2). Byte-exact:
//! `tests/vectors/worker_password.json` holds vectors every client must pass.
//!
//! ```text
//! pre        = Argon2id(password, salt = "resguardo/worker/v1/" + desk_slug + "/" + username,
//!                       m = 65536 KiB, t = 3, p = 1, 64 bytes)
//! auth_key   = pre[0..32]   sent at login; the server keeps only Argon2id(auth_key) as a PHC string
//! unlock_key = pre[32..64]  an age X25519 identity (as the receipt's reply key) that the worker's
//!                           own identity is encrypted to
//! ```

use std::fmt;

use zeroize::{Zeroize, ZeroizeOnDrop, Zeroizing};

use super::receipt::identity_from_secret;
use crate::domain::{DeskSlug, Username};

const M_KIB: u32 = 65_536;
const T: u32 = 3;
/// The shortest password accepted. Length is what makes a password strong; there are no
/// composition rules (NIST SP 800-63B, OWASP ASVS 6.2).
pub const MIN_CHARS: usize = 12;
/// Long enough for any passphrase; Argon2 has no 72-byte truncation, but a bound stops abuse.
pub const MAX_CHARS: usize = 256;

/// Passwords seen so often in breaches that length alone does not make them safe.
const COMMON: &[&str] = &[
    "123456789012",
    "1234567890123",
    "12345678901234",
    "qwertyuiopas",
    "password1234",
    "passwordpassword",
    "iloveyou1234",
    "contraseña123",
    "contrasena123",
    "motdepasse123",
    "111111111111",
    "000000000000",
    "abcdefghijkl",
    "qwertyuiop123",
    "1q2w3e4r5t6y",
    "aaaaaaaaaaaa",
    "administrator",
    "resguardo123",
];

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum WeakPassword {
    #[error(
        "the password is too short: use at least {MIN_CHARS} characters (a few words work well)"
    )]
    TooShort,
    #[error("the password is too long: at most {MAX_CHARS} characters")]
    TooLong,
    #[error("this password is one of the most common ones; choose another")]
    Common,
    #[error("the password must not contain the user name")]
    ContainsUsername,
}

/// Checks a new password against the policy, naming the reason when it fails.
pub fn check_policy(password: &str, username: &Username) -> Result<(), WeakPassword> {
    let chars = password.chars().count();
    if chars < MIN_CHARS {
        return Err(WeakPassword::TooShort);
    }
    if chars > MAX_CHARS {
        return Err(WeakPassword::TooLong);
    }
    let lower = password.to_lowercase();
    let one_repeated_character = lower.chars().all(|c| lower.starts_with(c));
    if COMMON.contains(&lower.as_str()) || one_repeated_character {
        return Err(WeakPassword::Common);
    }
    if lower.contains(username.as_str()) {
        return Err(WeakPassword::ContainsUsername);
    }
    Ok(())
}

/// The 32 bytes a worker sends at login. Zeroized on drop; `Debug` shows nothing.
#[derive(Clone, Zeroize, ZeroizeOnDrop)]
pub struct AuthKey([u8; 32]);

impl AuthKey {
    pub fn from_bytes(bytes: [u8; 32]) -> Self {
        Self(bytes)
    }

    pub fn expose(&self) -> &[u8; 32] {
        &self.0
    }
}

impl fmt::Debug for AuthKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("AuthKey(redacted)")
    }
}

/// What a password unlocks.
pub struct PasswordKeys {
    pub auth_key: AuthKey,
    /// The identity the worker's own identity is wrapped to.
    pub unlock_identity: age::x25519::Identity,
}

/// Runs the derivation: 64 MiB and about a second on a laptop. Call it off async threads.
pub fn derive(password: &str, desk: &DeskSlug, username: &Username) -> PasswordKeys {
    let salt = format!("resguardo/worker/v1/{desk}/{}", username.as_str());
    let mut pre = Zeroizing::new([0u8; 64]);
    let hashed = argon2::Params::new(M_KIB, T, 1, Some(64)).and_then(|params| {
        argon2::Argon2::new(argon2::Algorithm::Argon2id, argon2::Version::V0x13, params)
            .hash_password_into(password.as_bytes(), salt.as_bytes(), pre.as_mut())
    });
    if hashed.is_err() {
        unreachable_params();
    }
    let mut auth = [0u8; 32];
    let mut unlock = Zeroizing::new([0u8; 32]);
    auth.copy_from_slice(&pre[..32]);
    unlock.copy_from_slice(&pre[32..]);
    PasswordKeys {
        auth_key: AuthKey(auth),
        unlock_identity: identity_from_secret(&unlock),
    }
}

// The constant parameters above are valid for argon2; failure would be a build defect.
#[allow(clippy::panic)]
fn unreachable_params() -> ! {
    panic!("constant Argon2 parameters rejected")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn user(name: &str) -> Username {
        Username::parse(name).unwrap()
    }

    #[test]
    fn policy_names_the_reason() {
        let ana = user("ana");
        assert_eq!(check_policy("corto", &ana), Err(WeakPassword::TooShort));
        assert_eq!(
            check_policy("password1234", &ana),
            Err(WeakPassword::Common)
        );
        assert_eq!(
            check_policy("zzzzzzzzzzzzzz", &ana),
            Err(WeakPassword::Common)
        );
        assert_eq!(
            check_policy("soy ana la de la mesa", &ana),
            Err(WeakPassword::ContainsUsername)
        );
        assert_eq!(
            check_policy(&"x".repeat(257), &ana),
            Err(WeakPassword::TooLong)
        );
        assert_eq!(check_policy("caballo correcto batería grapa", &ana), Ok(()));
        assert_eq!(
            check_policy(&format!("{}y", "abc ".repeat(31)), &ana),
            Ok(()),
            "128 chars"
        );
    }

    #[test]
    fn no_truncation_and_salted_by_desk_and_user() {
        let (gt, hn) = (
            DeskSlug::parse("gt").unwrap(),
            DeskSlug::parse("hn").unwrap(),
        );
        let long = "a".repeat(72);
        let a = derive(&format!("{long}1"), &gt, &user("ana"));
        let b = derive(&format!("{long}2"), &gt, &user("ana"));
        assert_ne!(
            a.auth_key.expose(),
            b.auth_key.expose(),
            "bytes past 72 count"
        );
        let c = derive(&format!("{long}1"), &hn, &user("ana"));
        assert_ne!(a.auth_key.expose(), c.auth_key.expose());
        assert_ne!(
            a.unlock_identity.to_public().to_string(),
            c.unlock_identity.to_public().to_string()
        );
    }
}
