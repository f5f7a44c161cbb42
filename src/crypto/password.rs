//! A case worker's password, which never reaches the server (design §3.2). Byte-exact:
//! `tests/vectors/worker_password.json` holds vectors every client must pass.
//!
//! ```text
//! pre        = Argon2id(password, salt = "resguardo/worker/v1/" + desk_slug + "/" + username,
//!                       m = 65536 KiB, t = 3, p = 1, 64 bytes)
//! auth_key   = pre[0..32]   sent at login; the server keeps only
//!                           Argon2id(HMAC-SHA256(pepper, auth_key)) as a PHC string
//! unlock_key = HKDF-SHA256(ikm = pre[32..64] || share, salt = none,
//!                          info = "resguardo/worker/v2/unlock", 32 bytes)
//!                           an age X25519 identity (as the receipt's reply key) that the worker's
//!                           own identity is encrypted to
//! ```
//!
//! `share` is the account's **unlock share**: 32 random bytes the device makes at enrolment, which
//! the server keeps sealed under its own key and hands back only after the auth key and a TOTP
//! code are proven; `pepper` is a key only the server holds. So a copy of the database or a backup
//! without the server key confirms no password guess: neither the wrapped identity nor the
//! verifier can be tested offline. Accounts made before shares existed used `pre[32..64]` itself
//! as the unlock key and an unpeppered verifier (version 1); the device upgrades them at their next
//! login (docs/protocol.md §6).

use std::fmt;

use hmac::Mac;
use rand::RngCore;
use sha2::Sha256;
use zeroize::{Zeroize, ZeroizeOnDrop, Zeroizing};

use super::at_rest;
use super::keys::hmac_sha256;
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
    #[error("this password would be guessed too easily{}; a few unrelated words work well", hint(.0))]
    Guessable(Option<String>),
}

fn hint(warning: &Option<String>) -> String {
    warning
        .as_deref()
        .map(|w| format!(" ({})", w.trim_end_matches('.').to_lowercase()))
        .unwrap_or_default()
}

/// The least zxcvbn score accepted: 3, "safely unguessable: moderate protection from an offline
/// slow-hash scenario" (at least 10^8 guesses), which is what stands between a stolen server (with
/// its key) and a worker's identity.
const MIN_SCORE: zxcvbn::Score = zxcvbn::Score::Three;

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
    // zxcvbn's dictionaries hold the passwords most seen in breaches, names and words; its
    // estimate also catches keyboard walks, dates and repeats that a list cannot.
    let estimate = zxcvbn::zxcvbn(password, &[username.as_str(), "resguardo"]);
    if estimate.score() < MIN_SCORE {
        let warning = estimate
            .feedback()
            .and_then(|f| f.warning())
            .map(|w| w.to_string());
        return Err(WeakPassword::Guessable(warning));
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

impl AuthKey {
    /// What the server hashes and checks: the auth key under its pepper (HMAC-SHA256), so that
    /// the stored hash cannot be tested against password guesses without the server key.
    pub fn peppered(&self, pepper: &[u8; 32]) -> AuthKey {
        let mut mac = hmac_sha256(pepper);
        mac.update(&self.0);
        AuthKey(mac.finalize().into_bytes().into())
    }
}

/// An account's unlock share (see the module comment). Zeroized on drop; `Debug` shows nothing.
#[derive(Clone, Zeroize, ZeroizeOnDrop)]
pub struct UnlockShare([u8; 32]);

impl UnlockShare {
    pub fn random() -> Self {
        let mut bytes = [0u8; 32];
        rand::rngs::OsRng.fill_bytes(&mut bytes);
        Self(bytes)
    }

    pub fn from_bytes(bytes: [u8; 32]) -> Self {
        Self(bytes)
    }

    pub fn expose(&self) -> &[u8; 32] {
        &self.0
    }

    /// Sealed for the server's database under `key`, bound to the account (`context`).
    pub fn seal(&self, key: &[u8; 32], context: &[u8]) -> Vec<u8> {
        at_rest::seal(key, context, &self.0)
    }

    /// Opens what [`UnlockShare::seal`] produced; `None` if the key or context is wrong.
    pub fn open(key: &[u8; 32], context: &[u8], sealed: &[u8]) -> Option<Self> {
        let plain = at_rest::open(key, context, sealed)?;
        Some(Self(plain.as_slice().try_into().ok()?))
    }
}

impl fmt::Debug for UnlockShare {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("UnlockShare(redacted)")
    }
}

/// What a password unlocks: the auth key, and (with the account's share) the unlock identity.
pub struct PasswordKeys {
    pub auth_key: AuthKey,
    unlock_secret: Zeroizing<[u8; 32]>,
}

impl PasswordKeys {
    /// The identity the worker's own identity is wrapped to: with the account's unlock share
    /// (version 2), or without one for an account made before shares (version 1).
    pub fn unlock_identity(&self, share: Option<&UnlockShare>) -> age::x25519::Identity {
        let Some(share) = share else {
            return identity_from_secret(&self.unlock_secret);
        };
        let mut ikm = Zeroizing::new([0u8; 64]);
        ikm[..32].copy_from_slice(self.unlock_secret.as_ref());
        ikm[32..].copy_from_slice(share.expose());
        let mut unlock = Zeroizing::new([0u8; 32]);
        // 32 bytes is far below HKDF's limit; expand cannot fail.
        let _ = hkdf::Hkdf::<Sha256>::new(None, ikm.as_ref())
            .expand(b"resguardo/worker/v2/unlock", unlock.as_mut());
        identity_from_secret(&unlock)
    }
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
    let mut unlock_secret = Zeroizing::new([0u8; 32]);
    auth.copy_from_slice(&pre[..32]);
    unlock_secret.copy_from_slice(&pre[32..]);
    PasswordKeys {
        auth_key: AuthKey(auth),
        unlock_secret,
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
        // Long enough, but in every breach list, or a keyboard walk, or a name and a year.
        for guessable in [
            "Password12345",
            "qwertyuiopasdf",
            "1q2w3e4r5t6y7u",
            "maria19851985",
        ] {
            assert!(
                matches!(
                    check_policy(guessable, &ana),
                    Err(WeakPassword::Guessable(_))
                ),
                "{guessable}"
            );
        }
        assert!(check_policy("Password12345", &ana)
            .unwrap_err()
            .to_string()
            .starts_with("this password would be guessed too easily"));
        let long = "la lluvia de noviembre cae sobre los tejados de la ciudad vieja mientras los \
                    perros duermen junto a la puerta azul del mercado";
        assert!(long.chars().count() > 120);
        assert_eq!(
            check_policy(long, &ana),
            Ok(()),
            "long passphrases are welcome"
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
            a.unlock_identity(None).to_public().to_string(),
            c.unlock_identity(None).to_public().to_string()
        );
    }

    #[test]
    fn the_share_changes_the_unlock_key_and_the_pepper_the_verifier() {
        let keys = derive(
            "caballo correcto batería grapa",
            &DeskSlug::parse("gt").unwrap(),
            &user("ana"),
        );
        let recipient =
            |share: Option<&UnlockShare>| keys.unlock_identity(share).to_public().to_string();
        let (one, two) = (
            UnlockShare::from_bytes([1; 32]),
            UnlockShare::from_bytes([2; 32]),
        );
        assert_ne!(recipient(None), recipient(Some(&one)));
        assert_ne!(recipient(Some(&one)), recipient(Some(&two)));
        assert_eq!(
            recipient(Some(&one)),
            recipient(Some(&UnlockShare::from_bytes([1; 32])))
        );
        let peppered = keys.auth_key.peppered(&[9; 32]);
        assert_ne!(peppered.expose(), keys.auth_key.expose());
        assert_ne!(peppered.expose(), keys.auth_key.peppered(&[8; 32]).expose());
        assert_eq!(format!("{one:?}"), "UnlockShare(redacted)");
    }
}
