use std::fmt;
use std::str::FromStr;

use sha2::{Digest, Sha256};

/// The short name of a desk in URLs: 2–40 of `a-z 0-9 -`, starting with a letter, not ending with `-`.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct DeskSlug(String);

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
#[error("a desk slug is 2 to 40 characters of a-z, 0-9 and '-', starting with a letter and not ending with '-'")]
pub struct BadSlug;

impl DeskSlug {
    pub fn parse(text: &str) -> Result<Self, BadSlug> {
        let ok_len = (2..=40).contains(&text.len());
        let ok_chars = text
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-');
        let ok_ends = text.starts_with(|c: char| c.is_ascii_lowercase()) && !text.ends_with('-');
        if ok_len && ok_chars && ok_ends {
            Ok(Self(text.to_owned()))
        } else {
            Err(BadSlug)
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for DeskSlug {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// A desk's human name: 1–100 characters, no control characters, trimmed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeskName(String);

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
#[error("a desk name is 1 to 100 characters without control characters")]
pub struct BadName;

impl DeskName {
    pub fn parse(text: &str) -> Result<Self, BadName> {
        let text = text.trim();
        let ok_len = (1..=100).contains(&text.chars().count());
        if ok_len && !text.chars().any(char::is_control) {
            Ok(Self(text.to_owned()))
        } else {
            Err(BadName)
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// An age X25519 recipient (`age1…`). Only X25519: age 0.12 cannot read typage's post-quantum keys,
/// and the desk's clients must all be able to decrypt.
#[derive(Clone)]
pub struct Recipient {
    key: age::x25519::Recipient,
    text: String,
}

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
#[error("not an age X25519 recipient (expected age1… in Bech32)")]
pub struct BadRecipient;

impl Recipient {
    pub fn parse(text: &str) -> Result<Self, BadRecipient> {
        let text = text.trim();
        let key = age::x25519::Recipient::from_str(text).map_err(|_| BadRecipient)?;
        // Re-encode so that the stored form is canonical (lower case).
        Ok(Self {
            text: key.to_string(),
            key,
        })
    }

    pub fn as_str(&self) -> &str {
        &self.text
    }

    pub fn age(&self) -> &age::x25519::Recipient {
        &self.key
    }

    pub fn fingerprint(&self) -> Fingerprint {
        Fingerprint::of(self)
    }
}

impl From<age::x25519::Recipient> for Recipient {
    fn from(key: age::x25519::Recipient) -> Self {
        Self {
            text: key.to_string(),
            key,
        }
    }
}

impl fmt::Debug for Recipient {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Recipient({})", self.text)
    }
}

impl PartialEq for Recipient {
    fn eq(&self, other: &Self) -> bool {
        self.text == other.text
    }
}

/// A short, stable fingerprint of a recipient: the first 16 bytes of SHA-256 over the canonical
/// `age1…` string, as 8 groups of 4 hex digits. People compare it out of band.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fingerprint(String);

impl Fingerprint {
    pub fn of(recipient: &Recipient) -> Self {
        Self::of_digest(&Sha256::digest(recipient.as_str().as_bytes()))
    }

    /// An account's safety number (docs/protocol.md §9.1): it covers both of the account's
    /// public keys, so that neither can be swapped without the number changing.
    ///
    /// `SHA-256("resguardo/safety/account/v1" || 0x00 || u32be(len r) || r || signing key)`,
    /// `r` the canonical `age1…` text.
    pub fn of_account(recipient: &Recipient, signing: &super::SigningPublic) -> Self {
        let r = recipient.as_str().as_bytes();
        let mut hash = Sha256::new();
        hash.update(b"resguardo/safety/account/v1\0");
        hash.update((r.len() as u32).to_be_bytes());
        hash.update(r);
        hash.update(signing.to_bytes());
        Self::of_digest(&hash.finalize())
    }

    /// A 32-byte digest shown as a safety number: its first 16 bytes, 8 groups of 4 hex digits.
    pub fn of_digest(digest: &[u8]) -> Self {
        let groups: Vec<String> = digest[..16]
            .chunks(2)
            .map(|pair| format!("{:02x}{:02x}", pair[0], pair[1]))
            .collect();
        Self(groups.join(" "))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// A safety number a person typed (spaces, dashes and case as they please): exactly 32 hex
    /// digits once everything else is dropped, or `None`.
    pub fn parse_typed(typed: &str) -> Option<Self> {
        let digits: Vec<u8> = typed
            .chars()
            .filter(char::is_ascii_alphanumeric)
            .map(|c| c.to_ascii_lowercase())
            .map(|c| c.to_digit(16).and_then(|d| u8::try_from(d).ok()))
            .collect::<Option<_>>()?;
        if digits.len() != 32 {
            return None;
        }
        let bytes: Vec<u8> = digits.chunks(2).map(|p| p[0] << 4 | p[1]).collect();
        Some(Self::of_digest(&bytes))
    }

    /// Whether a safety number a person typed (spaces, dashes and case as they please) is this one.
    pub fn matches_typed(&self, typed: &str) -> bool {
        let canonical = |text: &str| -> String {
            text.chars()
                .filter(char::is_ascii_alphanumeric)
                .collect::<String>()
                .to_lowercase()
        };
        canonical(typed) == canonical(&self.0)
    }
}

impl fmt::Display for Fingerprint {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn typed_safety_numbers_ignore_spacing_and_case() {
        let key = age::x25519::Identity::generate().to_public();
        let fingerprint = Recipient::from(key).fingerprint();
        let typed = fingerprint.as_str().replace(' ', "-").to_uppercase();
        assert!(fingerprint.matches_typed(&typed));
        assert!(fingerprint.matches_typed(&fingerprint.as_str().replace(' ', "")));
        assert!(!fingerprint.matches_typed("0000 0000"));
        assert!(!fingerprint.matches_typed(""));
        assert_eq!(Fingerprint::parse_typed(&typed), Some(fingerprint));
        assert_eq!(Fingerprint::parse_typed("0000 0000"), None);
        assert_eq!(Fingerprint::parse_typed(&"g".repeat(32)), None);
    }

    #[test]
    fn slugs() {
        for good in ["gt", "desk-gt", "hn2", "a-b-c"] {
            assert!(DeskSlug::parse(good).is_ok(), "{good}");
        }
        for bad in [
            "",
            "g",
            "GT",
            "-gt",
            "gt-",
            "2gt",
            "g t",
            "gé",
            &"a".repeat(41),
        ] {
            assert_eq!(DeskSlug::parse(bad), Err(BadSlug), "{bad}");
        }
    }

    #[test]
    fn names() {
        assert_eq!(DeskName::parse("  Mesa GT ").unwrap().as_str(), "Mesa GT");
        assert!(DeskName::parse("").is_err());
        assert!(DeskName::parse("a\nb").is_err());
        assert!(DeskName::parse(&"x".repeat(101)).is_err());
    }

    #[test]
    fn recipients_are_canonical_and_fingerprinted() {
        let key = age::x25519::Identity::generate().to_public();
        let upper = key.to_string().to_uppercase();
        let parsed = Recipient::parse(&upper).unwrap();
        assert_eq!(parsed.as_str(), key.to_string());
        assert_eq!(parsed.fingerprint().as_str().len(), 8 * 4 + 7);
        assert!(Recipient::parse("age1notakey").is_err());
        assert!(Recipient::parse(&format!("{}QQQ", "AGE-SECRET-KEY-")).is_err());
    }
}
