//! The receipt phrase and what is derived from it (design §3.1). Byte-exact: the browser client and
//! `tests/vectors/receipt.json` must agree with this file.
//!
//! ```text
//! norm     = NFKD(phrase), combining marks removed, lowercased, words joined by one ASCII space
//! master   = Argon2id(norm, salt "resguardo/receipt/v1", m=19456 KiB, t=2, p=1, 32 bytes)
//! lookup   = HKDF-SHA256(master, no salt, "resguardo/receipt/v1/lookup", 16)
//! auth     = HKDF-SHA256(master, no salt, "resguardo/receipt/v1/auth",   32)
//! reply_sk = HKDF-SHA256(master, no salt, "resguardo/receipt/v1/reply",  32)
//! sign_sk  = HKDF-SHA256(master, no salt, "resguardo/receipt/v1/sign",   32)  an Ed25519 seed
//! reply_mac_key = HKDF-SHA256(master, no salt, "resguardo/receipt/v1/reply-mac", 32)
//! ```
//!
//! The reporter key (`sign_sk`'s public half) is sealed in the report; the reporter's messages are
//! signed with it, so the desk can tell them from messages the server wrote. The reply MAC key is
//! sealed in the report too: the desk authenticates its replies with it, so the reporter can tell
//! them from messages the server wrote (protocol.md §2).

use std::str::FromStr;

use bech32::{Bech32, Hrp};
use bip39::Language as Bip39Language;
use hkdf::Hkdf;
use rand::Rng;
use sha2::Sha256;
use unicode_normalization::char::is_combining_mark;
use unicode_normalization::UnicodeNormalization;
use zeroize::Zeroizing;

use crate::domain::{Lookup, ReceiptAuth};

/// Words in a phrase: 8 × 11 bits = 88 bits from the OS random number generator.
pub const WORDS: usize = 8;
const SALT: &[u8] = b"resguardo/receipt/v1";
const ARGON2_M_KIB: u32 = 19_456;
const ARGON2_T: u32 = 2;

pub use crate::domain::Language;

/// The BIP-39 word list of a language.
fn word_list_of(lang: Language) -> Bip39Language {
    match lang {
        Language::Es => Bip39Language::Spanish,
        Language::En => Bip39Language::English,
        Language::Fr => Bip39Language::French,
    }
}

/// A receipt phrase in its normalised form (the `norm` of §3.1). Zeroized on drop.
pub struct ReceiptPhrase(Zeroizing<String>);

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum PhraseError {
    #[error("a receipt phrase has {WORDS} words; this one has {0}")]
    WordCount(usize),
    #[error("word {0} of the phrase is not in the Spanish, English or French word list; check its spelling")]
    UnknownWord(usize),
}

impl ReceiptPhrase {
    /// Draws a new phrase from the word list of `lang`.
    pub fn generate(lang: Language) -> Self {
        let list = word_list_of(lang).word_list();
        let mut rng = rand::rngs::OsRng;
        let words: Vec<&str> = (0..WORDS)
            .map(|_| list[rng.gen_range(0..list.len())])
            .collect();
        Self(normalize(&words.join(" ")))
    }

    /// Parses what a reporter typed: any case, any spacing, accents optional.
    pub fn parse(typed: &str) -> Result<Self, PhraseError> {
        let norm = normalize(typed);
        let words: Vec<&str> = norm.split(' ').filter(|w| !w.is_empty()).collect();
        if words.len() != WORDS {
            return Err(PhraseError::WordCount(words.len()));
        }
        if let Some(i) = words.iter().position(|w| !is_known_word(w)) {
            return Err(PhraseError::UnknownWord(i + 1));
        }
        Ok(Self(norm))
    }

    /// The normalised phrase, to show the reporter once.
    pub fn expose(&self) -> &str {
        &self.0
    }

    /// Runs Argon2id and HKDF: about 20 MiB and a fraction of a second.
    pub fn derive(&self) -> ReceiptKeys {
        ReceiptKeys::from_master(&master(self.expose()))
    }
}

/// NFKD, combining marks removed, lower case, white space collapsed to single ASCII spaces.
pub fn normalize(text: &str) -> Zeroizing<String> {
    let stripped: Zeroizing<String> = Zeroizing::new(
        text.nfkd()
            .filter(|c| !is_combining_mark(*c))
            .flat_map(char::to_lowercase)
            .collect(),
    );
    Zeroizing::new(stripped.split_whitespace().collect::<Vec<_>>().join(" "))
}

fn is_known_word(word: &str) -> bool {
    [Language::Es, Language::En, Language::Fr]
        .iter()
        .any(|lang| {
            word_list_of(*lang)
                .word_list()
                .iter()
                .any(|w| normalize(w).as_str() == word)
        })
}

fn master(norm: &str) -> Zeroizing<[u8; 32]> {
    let params = argon2::Params::new(ARGON2_M_KIB, ARGON2_T, 1, Some(32))
        .unwrap_or_else(|_| unreachable_params());
    let argon = argon2::Argon2::new(argon2::Algorithm::Argon2id, argon2::Version::V0x13, params);
    let mut out = Zeroizing::new([0u8; 32]);
    if argon
        .hash_password_into(norm.as_bytes(), SALT, out.as_mut())
        .is_err()
    {
        unreachable_params()
    }
    out
}

// The parameters above are constants that argon2 accepts; failure would be a build defect.
#[allow(clippy::panic)]
fn unreachable_params() -> ! {
    panic!("constant Argon2 parameters rejected")
}

/// What a phrase unlocks.
pub struct ReceiptKeys {
    pub lookup: Lookup,
    pub auth: ReceiptAuth,
    pub reply_identity: age::x25519::Identity,
    /// Signs the reporter's messages (zeroized on drop by ed25519-dalek).
    pub reporter_key: ed25519_dalek::SigningKey,
    /// Authenticates the desk's replies to this reporter (sealed in the report).
    pub reply_mac_key: ReplyMacKey,
}

/// The key the desk's replies are authenticated with (HMAC-SHA256), known only to the reporter's
/// device and, inside the report, to the desk. Zeroized on drop; `Debug` shows nothing.
#[derive(Clone, zeroize::Zeroize, zeroize::ZeroizeOnDrop)]
pub struct ReplyMacKey([u8; 32]);

impl ReplyMacKey {
    pub fn from_bytes(bytes: [u8; 32]) -> Self {
        Self(bytes)
    }

    pub fn expose(&self) -> &[u8; 32] {
        &self.0
    }

    /// The tag of a desk reply: HMAC-SHA256(key, "resguardo/reply/v1" 0x00 || text).
    pub fn tag(&self, text: &str) -> [u8; 32] {
        use hmac::Mac;
        let mut mac = super::keys::hmac_sha256(&self.0);
        mac.update(b"resguardo/reply/v1\0");
        mac.update(text.as_bytes());
        mac.finalize().into_bytes().into()
    }

    /// Whether `tag` is the tag of `text` (compared in constant time).
    pub fn verifies(&self, text: &str, tag: &[u8]) -> bool {
        use subtle::ConstantTimeEq;
        bool::from(self.tag(text).as_slice().ct_eq(tag))
    }
}

impl std::fmt::Debug for ReplyMacKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("ReplyMacKey(redacted)")
    }
}

impl ReceiptKeys {
    fn from_master(master: &[u8; 32]) -> Self {
        let hk = Hkdf::<Sha256>::new(None, master);
        let mut lookup = [0u8; 16];
        let mut auth = Zeroizing::new([0u8; 32]);
        let mut reply = Zeroizing::new([0u8; 32]);
        let mut sign = Zeroizing::new([0u8; 32]);
        let mut reply_mac = Zeroizing::new([0u8; 32]);
        // HKDF-SHA256 can expand up to 8160 bytes; these lengths cannot fail.
        let _ = hk.expand(b"resguardo/receipt/v1/lookup", &mut lookup);
        let _ = hk.expand(b"resguardo/receipt/v1/auth", auth.as_mut());
        let _ = hk.expand(b"resguardo/receipt/v1/reply", reply.as_mut());
        let _ = hk.expand(b"resguardo/receipt/v1/sign", sign.as_mut());
        let _ = hk.expand(b"resguardo/receipt/v1/reply-mac", reply_mac.as_mut());
        Self {
            lookup: Lookup(lookup),
            auth: ReceiptAuth::from_bytes(*auth),
            reply_identity: identity_from_secret(&reply),
            reporter_key: ed25519_dalek::SigningKey::from_bytes(&sign),
            reply_mac_key: ReplyMacKey(*reply_mac),
        }
    }

    /// The reporter key's public half, as the report carries it.
    pub fn reporter_public(&self) -> crate::domain::SigningPublic {
        crate::domain::SigningPublic::from_verifying(self.reporter_key.verifying_key())
    }

    pub fn reply_recipient(&self) -> age::x25519::Recipient {
        self.reply_identity.to_public()
    }
}

/// Encodes 32 secret bytes as an ordinary age X25519 identity (Bech32 with the `age-secret-key-` prefix, upper-cased).
pub fn identity_from_secret(secret: &[u8; 32]) -> age::x25519::Identity {
    let hrp = Hrp::parse_unchecked("age-secret-key-");
    let encoded = bech32::encode::<Bech32>(hrp, secret)
        .map(|s| Zeroizing::new(s.to_uppercase()))
        .unwrap_or_else(|_| unreachable_params());
    age::x25519::Identity::from_str(&encoded).unwrap_or_else(|_| unreachable_params())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normalisation_strips_accents_case_and_spacing() {
        assert_eq!(normalize("  ÁBACO\tcaña\n ").as_str(), "abaco cana");
        assert_eq!(normalize("e\u{301}lite").as_str(), "elite");
    }

    #[test]
    fn generated_phrases_parse_and_have_eight_words() {
        for lang in [Language::Es, Language::En, Language::Fr] {
            let phrase = ReceiptPhrase::generate(lang);
            assert_eq!(phrase.expose().split(' ').count(), WORDS);
            assert!(ReceiptPhrase::parse(phrase.expose()).is_ok());
        }
    }

    #[test]
    fn parse_names_the_problem() {
        assert_eq!(
            ReceiptPhrase::parse("abaco abdomen").err(),
            Some(PhraseError::WordCount(2))
        );
        let typo = "abaco abdomen abeja abierto abogado abono aborto zzzz";
        assert_eq!(
            ReceiptPhrase::parse(typo).err(),
            Some(PhraseError::UnknownWord(8))
        );
    }

    #[test]
    fn accents_do_not_change_the_keys() {
        let with = ReceiptPhrase::parse("ábaco abdomen abeja abierto abogado abono aborto abrazo")
            .unwrap();
        let without =
            ReceiptPhrase::parse("ABACO abdomen abeja abierto abogado abono aborto abrazo")
                .unwrap();
        let (a, b) = (with.derive(), without.derive());
        assert_eq!(a.lookup, b.lookup);
        assert_eq!(a.auth.expose(), b.auth.expose());
        assert_eq!(
            a.reply_recipient().to_string(),
            b.reply_recipient().to_string()
        );
    }
}
