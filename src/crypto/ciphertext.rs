//! Structural checks on age ciphertext, the only thing the server accepts (design §2).
//!
//! The server cannot decrypt, so it checks form: a binary (not armored) age v1 file whose header the
//! `age` crate parses, with only X25519 recipient stanzas — between 1 and a configured maximum — and
//! at most one "grease" stanza (the `age` crate adds one random `…-grease` stanza to every file it
//! writes, to keep parsers tolerant). Passphrase (scrypt) files and every other stanza type are refused:
//! only keys of the desk can be meant, and a passphrase file could be opened by guessing.

use std::fmt;

const MAGIC: &[u8] = b"age-encryption.org/v1\n";
const ARMOR: &[u8] = b"-----BEGIN AGE ENCRYPTED FILE-----";
/// A header nonce (16 bytes) and at least one STREAM chunk tag (16 bytes) follow the header.
const MIN_PAYLOAD: usize = 32;
/// An X25519 stanza carries one 32-byte share and a 32-byte wrapped key, each 43 base64 characters.
const X25519_B64_LEN: usize = 43;

/// Limits for one ciphertext.
#[derive(Debug, Clone, Copy)]
pub struct CiphertextLimits {
    pub max_bytes: usize,
    pub max_recipients: usize,
}

/// Ciphertext that passed the structural checks. The bytes are opaque to the server.
#[derive(Clone, PartialEq, Eq)]
pub struct AgeCiphertext(Vec<u8>);

impl fmt::Debug for AgeCiphertext {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "AgeCiphertext({} bytes)", self.0.len())
    }
}

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum CiphertextError {
    #[error("the ciphertext is larger than {0} bytes")]
    TooLarge(usize),
    #[error("the ciphertext is ASCII-armored; send the binary age file, base64-encoded")]
    Armored,
    #[error("the ciphertext is not an age v1 file")]
    NotAge,
    #[error("the ciphertext is encrypted to a passphrase; it must be encrypted to the desk's key")]
    Passphrase,
    #[error(
        "the ciphertext has a recipient stanza of type {0:?}; only X25519 recipients are accepted"
    )]
    UnsupportedStanza(String),
    #[error("the ciphertext has {found} X25519 recipients; between 1 and {max} are accepted")]
    RecipientCount { found: usize, max: usize },
}

impl AgeCiphertext {
    pub fn parse(bytes: Vec<u8>, limits: CiphertextLimits) -> Result<Self, CiphertextError> {
        if bytes.len() > limits.max_bytes {
            return Err(CiphertextError::TooLarge(limits.max_bytes));
        }
        if bytes.starts_with(ARMOR) {
            return Err(CiphertextError::Armored);
        }
        if !bytes.starts_with(MAGIC) {
            return Err(CiphertextError::NotAge);
        }
        let decryptor =
            age::Decryptor::new_buffered(&bytes[..]).map_err(|_| CiphertextError::NotAge)?;
        if decryptor.is_scrypt() {
            return Err(CiphertextError::Passphrase);
        }
        let header = HeaderScan::of(&bytes)?;
        if bytes.len() < header.len + MIN_PAYLOAD {
            return Err(CiphertextError::NotAge);
        }
        if header.x25519 == 0 || header.x25519 > limits.max_recipients {
            return Err(CiphertextError::RecipientCount {
                found: header.x25519,
                max: limits.max_recipients,
            });
        }
        Ok(Self(bytes))
    }

    /// Wraps bytes read back from the store, which were checked when they were written.
    pub fn from_stored(bytes: Vec<u8>) -> Self {
        Self(bytes)
    }

    pub fn as_bytes(&self) -> &[u8] {
        &self.0
    }

    pub fn into_bytes(self) -> Vec<u8> {
        self.0
    }

    pub fn len(&self) -> usize {
        self.0.len()
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

/// What a line-by-line reading of the (already age-parsed) header found.
struct HeaderScan {
    x25519: usize,
    len: usize,
}

impl HeaderScan {
    fn of(bytes: &[u8]) -> Result<Self, CiphertextError> {
        let mut scan = HeaderScan { x25519: 0, len: 0 };
        let mut grease = 0;
        let mut offset = MAGIC.len();
        let lines = bytes[MAGIC.len()..].split(|b| *b == b'\n');
        for line in lines {
            offset += line.len() + 1;
            if line.starts_with(b"---") {
                scan.len = offset;
                return Ok(scan);
            }
            let Some(stanza) = line.strip_prefix(b"-> ") else {
                continue; // a body line of the previous stanza
            };
            let mut args = stanza.split(|b| *b == b' ');
            let kind = args.next().unwrap_or_default();
            let rest: Vec<&[u8]> = args.collect();
            if kind == b"X25519" && rest.len() == 1 && rest[0].len() == X25519_B64_LEN {
                scan.x25519 += 1;
            } else if kind.ends_with(b"-grease") && grease == 0 {
                grease += 1;
            } else {
                return Err(CiphertextError::UnsupportedStanza(
                    String::from_utf8_lossy(kind).chars().take(32).collect(),
                ));
            }
        }
        Err(CiphertextError::NotAge)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    const LIMITS: CiphertextLimits = CiphertextLimits {
        max_bytes: 1 << 16,
        max_recipients: 8,
    };

    fn encrypt_to(n: usize) -> Vec<u8> {
        let ids: Vec<_> = (0..n).map(|_| age::x25519::Identity::generate()).collect();
        let recipients: Vec<_> = ids.iter().map(|i| i.to_public()).collect();
        let refs = recipients.iter().map(|r| r as &dyn age::Recipient);
        let enc = age::Encryptor::with_recipients(refs).unwrap();
        let mut out = vec![];
        let mut w = enc.wrap_output(&mut out).unwrap();
        w.write_all(b"hello").unwrap();
        w.finish().unwrap();
        out
    }

    #[test]
    fn accepts_x25519_files_with_grease() {
        for n in [1, 2, 8] {
            assert!(AgeCiphertext::parse(encrypt_to(n), LIMITS).is_ok(), "{n}");
        }
    }

    #[test]
    fn refuses_too_many_recipients() {
        assert_eq!(
            AgeCiphertext::parse(encrypt_to(9), LIMITS).err(),
            Some(CiphertextError::RecipientCount { found: 9, max: 8 })
        );
    }

    #[test]
    fn refuses_garbage_truncation_and_size() {
        let good = encrypt_to(1);
        assert_eq!(
            AgeCiphertext::parse(b"hello".to_vec(), LIMITS).err(),
            Some(CiphertextError::NotAge)
        );
        assert_eq!(
            AgeCiphertext::parse(good[..40].to_vec(), LIMITS).err(),
            Some(CiphertextError::NotAge)
        );
        let small = CiphertextLimits {
            max_bytes: 10,
            ..LIMITS
        };
        assert_eq!(
            AgeCiphertext::parse(good, small).err(),
            Some(CiphertextError::TooLarge(10))
        );
    }

    #[test]
    fn refuses_passphrase_files() {
        let mut scrypt = age::scrypt::Recipient::new("pw".to_owned().into());
        scrypt.set_work_factor(2);
        let enc = age::Encryptor::with_recipients(std::iter::once(&scrypt as &dyn age::Recipient))
            .unwrap();
        let mut out = vec![];
        let mut w = enc.wrap_output(&mut out).unwrap();
        w.write_all(b"x").unwrap();
        w.finish().unwrap();
        assert_eq!(
            AgeCiphertext::parse(out, LIMITS).err(),
            Some(CiphertextError::Passphrase)
        );
    }
}
