use std::fmt;
use std::str::FromStr;

use rand::RngCore;
use sha2::{Digest, Sha256};
use zeroize::{Zeroize, ZeroizeOnDrop};

/// A case worker's name within a desk: 3–32 of `a-z 0-9 . _ -`, starting with a letter.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Username(String);

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
#[error("a user name is 3 to 32 characters of a-z, 0-9, '.', '_' and '-', starting with a letter")]
pub struct BadUsername;

impl Username {
    pub fn parse(text: &str) -> Result<Self, BadUsername> {
        let ok_len = (3..=32).contains(&text.len());
        let ok_chars = text
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b"._-".contains(&b));
        if ok_len && ok_chars && text.starts_with(|c: char| c.is_ascii_lowercase()) {
            Ok(Self(text.to_owned()))
        } else {
            Err(BadUsername)
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for Username {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// What an account may do in its desk.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    serde::Serialize,
    serde::Deserialize,
    utoipa::ToSchema,
    clap::ValueEnum,
)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    Worker,
    Supervisor,
}

/// Where an account stands: pending until vetted (the key grant), disabled for good.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize, utoipa::ToSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum AccountStatus {
    Pending,
    Vetted,
    Disabled,
}

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
#[error("unknown value {0:?}")]
pub struct BadEnum(pub String);

macro_rules! text_enum {
    ($ty:ident { $($variant:ident => $text:literal),* $(,)? }) => {
        impl $ty {
            pub fn as_str(self) -> &'static str {
                match self { $($ty::$variant => $text),* }
            }
        }
        impl FromStr for $ty {
            type Err = BadEnum;
            fn from_str(text: &str) -> Result<Self, BadEnum> {
                match text { $($text => Ok($ty::$variant),)* other => Err(BadEnum(other.to_owned())) }
            }
        }
    };
}

pub(crate) use text_enum;

text_enum!(Role { Worker => "worker", Supervisor => "supervisor" });
text_enum!(AccountStatus { Pending => "pending", Vetted => "vetted", Disabled => "disabled" });

/// An account's Ed25519 public key: 32 bytes, base64 on the wire. Parsing refuses encodings that
/// are not a curve point and the weak (small-order) keys that would verify forged signatures.
#[derive(Clone, Copy, PartialEq, Eq)]
pub struct SigningPublic(ed25519_dalek::VerifyingKey);

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
#[error(
    "not an Ed25519 public key (32 bytes, the canonical encoding of a point not of small order)"
)]
pub struct BadSigningKey;

impl SigningPublic {
    pub fn from_bytes(bytes: &[u8]) -> Result<Self, BadSigningKey> {
        let bytes: &[u8; 32] = bytes.try_into().map_err(|_| BadSigningKey)?;
        let key = ed25519_dalek::VerifyingKey::from_bytes(bytes).map_err(|_| BadSigningKey)?;
        // One key, one encoding: a y coordinate at or above p also decodes, to the same point,
        // and keys are compared by their bytes.
        let canonical = key.to_edwards().compress().to_bytes() == *bytes;
        if key.is_weak() || !canonical {
            return Err(BadSigningKey);
        }
        Ok(Self(key))
    }

    /// The key as the wire and the terminal carry it: base64 of its 32 bytes.
    pub fn parse_b64(text: &str) -> Result<Self, BadSigningKey> {
        Self::from_bytes(&super::b64_decode(text.trim()).ok_or(BadSigningKey)?)
    }

    pub fn to_b64(&self) -> String {
        super::b64_encode(&self.to_bytes())
    }

    /// Wraps a key made here (from a signing key, which cannot be weak in practice).
    pub fn from_verifying(key: ed25519_dalek::VerifyingKey) -> Self {
        Self(key)
    }

    pub fn to_bytes(&self) -> [u8; 32] {
        self.0.to_bytes()
    }

    /// Whether `signature` is this key's strict Ed25519 signature of `message`.
    pub fn verifies(&self, message: &[u8], signature: &[u8; 64]) -> bool {
        let signature = ed25519_dalek::Signature::from_bytes(signature);
        self.0.verify_strict(message, &signature).is_ok()
    }
}

impl fmt::Debug for SigningPublic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "SigningPublic({})", super::b64_encode(&self.to_bytes()))
    }
}

/// A secret of 32 random bytes handed to one person (an enrolment code or a session token),
/// shown as 52 base32 characters. The server stores only its SHA-256.
#[derive(Clone, Zeroize, ZeroizeOnDrop)]
pub struct Secret32([u8; 32]);

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
#[error("not a valid code or token (52 characters of A–Z and 2–7)")]
pub struct BadSecret;

const BASE32: &[u8; 32] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";

impl Secret32 {
    pub fn random() -> Self {
        let mut bytes = [0u8; 32];
        rand::rngs::OsRng.fill_bytes(&mut bytes);
        Self(bytes)
    }

    /// Base32 (RFC 4648, no padding), in groups of four separated by `-` for reading aloud.
    pub fn to_text(&self) -> zeroize::Zeroizing<String> {
        let plain = base32_encode(&self.0);
        let groups: Vec<&str> = plain
            .as_bytes()
            .chunks(4)
            .map(|c| std::str::from_utf8(c).unwrap_or_default())
            .collect();
        zeroize::Zeroizing::new(groups.join("-"))
    }

    /// Parses what a person typed: any case, dashes and spaces ignored.
    pub fn parse(text: &str) -> Result<Self, BadSecret> {
        let clean: String = text
            .chars()
            .filter(|c| !matches!(c, '-' | ' '))
            .map(|c| c.to_ascii_uppercase())
            .collect();
        let bytes = base32_decode(&clean).ok_or(BadSecret)?;
        Ok(Self(bytes.try_into().map_err(|_| BadSecret)?))
    }

    /// What the server stores and looks up.
    pub fn digest(&self) -> [u8; 32] {
        Sha256::digest(self.0).into()
    }
}

impl fmt::Debug for Secret32 {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Secret32(redacted)")
    }
}

/// RFC 4648 base32 without padding (also the encoding of TOTP secrets in otpauth URIs).
pub fn base32_encode(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len() * 8 / 5 + 1);
    let (mut buffer, mut bits) = (0u32, 0u32);
    for byte in bytes {
        buffer = (buffer << 8) | u32::from(*byte);
        bits += 8;
        while bits >= 5 {
            bits -= 5;
            out.push(char::from(BASE32[((buffer >> bits) & 31) as usize]));
        }
    }
    if bits > 0 {
        out.push(char::from(BASE32[((buffer << (5 - bits)) & 31) as usize]));
    }
    out
}

/// Decodes unpadded upper-case base32; `None` for any other character.
pub fn base32_decode(text: &str) -> Option<Vec<u8>> {
    let mut out = Vec::with_capacity(text.len() * 5 / 8);
    let (mut buffer, mut bits) = (0u32, 0u32);
    for c in text.bytes() {
        let value = BASE32.iter().position(|b| *b == c)?;
        buffer = (buffer << 5) | value as u32;
        bits += 5;
        if bits >= 8 {
            bits -= 8;
            out.push((buffer >> bits) as u8);
        }
    }
    Some(out)
}

/// How failed logins slow a name down: no wait for the first `free` failures, then 2, 4, 8 …
/// seconds up to `cap`. Never a lock-out: the owner can always try again after the wait.
#[derive(Debug, Clone, Copy)]
pub struct Backoff {
    pub free: u32,
    pub cap: u32,
}

impl Backoff {
    /// Seconds the next attempt must wait after `failures` failed ones.
    pub fn secs(self, failures: i64) -> i64 {
        let over = failures - i64::from(self.free);
        if over < 0 {
            return 0;
        }
        let doubling = 2i64 << over.min(20);
        doubling.min(i64::from(self.cap))
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn backoff_grows_and_is_capped() {
        let backoff = super::Backoff { free: 5, cap: 60 };
        let waits: Vec<i64> = (0..12).map(|f| backoff.secs(f)).collect();
        assert_eq!(waits, [0, 0, 0, 0, 0, 2, 4, 8, 16, 32, 60, 60]);
        assert_eq!(backoff.secs(1000), 60);
    }

    use super::*;

    #[test]
    fn usernames() {
        assert!(Username::parse("ana.perez").is_ok());
        for bad in ["an", "Ana", "1ana", "ana perez", "añа", &"a".repeat(33)] {
            assert!(Username::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn base32_matches_rfc4648() {
        for (plain, encoded) in [
            ("", ""),
            ("f", "MY"),
            ("fo", "MZXQ"),
            ("foo", "MZXW6"),
            ("foobar", "MZXW6YTBOI"),
        ] {
            assert_eq!(base32_encode(plain.as_bytes()), encoded);
            assert_eq!(base32_decode(encoded).unwrap(), plain.as_bytes());
        }
        assert!(base32_decode("ab").is_none());
    }

    #[test]
    fn secrets_round_trip_as_typed() {
        let secret = Secret32::random();
        let text = secret.to_text();
        assert_eq!(text.len(), 52 + 12);
        let typed = text.to_lowercase().replace('-', " ");
        assert_eq!(Secret32::parse(&typed).unwrap().digest(), secret.digest());
        assert!(Secret32::parse("ABCD").is_err());
        assert!(!format!("{secret:?}").contains(&text[..4]));
    }

    #[test]
    fn enums_round_trip() {
        assert_eq!("supervisor".parse::<Role>().unwrap(), Role::Supervisor);
        assert_eq!(
            AccountStatus::Vetted
                .as_str()
                .parse::<AccountStatus>()
                .unwrap(),
            AccountStatus::Vetted
        );
        assert!("admin".parse::<Role>().is_err());
    }
}
