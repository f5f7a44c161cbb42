//! Structural checks on age ciphertext, the only thing the server accepts (design §2).
//!
//! The server cannot decrypt, so it checks form: a binary (not armored) age v1 file whose header the
//! `age` crate parses, with only X25519 recipient stanzas — between 1 and a configured maximum — and
//! at most one "grease" stanza (the `age` crate adds one random `…-grease` stanza to every file it
//! writes, to keep parsers tolerant). Passphrase (scrypt) files and every other stanza type are refused:
//! only keys of the desk can be meant, and a passphrase file could be opened by guessing.
//!
//! Our own scan runs first, over a bounded prefix, and stops at the first stanza past the limit:
//! the crate's header parser re-reads the header for every line it adds, so a header of thousands
//! of stanzas cost it time growing with their square (2,000 stanzas took 2 s of CPU). By the time
//! the crate sees a header, it has at most `max_recipients + 1` stanzas of bounded size.

use std::fmt;

use base64::Engine as _;

const MAGIC: &[u8] = b"age-encryption.org/v1\n";
const ARMOR: &[u8] = b"-----BEGIN AGE ENCRYPTED FILE-----";
/// A header nonce (16 bytes) and at least one STREAM chunk tag (16 bytes) follow the header.
const MIN_PAYLOAD: usize = 32;
/// The most bytes one accepted stanza takes: an X25519 stanza is 98 (`-> X25519 ` + 43 + `\n`,
/// then 43 + `\n`); the largest grease we accept (16-byte type, 4 arguments of 8, 100-byte body)
/// is 193.
const MAX_STANZA: usize = 200;
/// An X25519 stanza: `-> X25519 ` + 43 + `\n`, then 43 + `\n`.
const X25519_STANZA: usize = 98;
/// The MAC line: `--- ` + 43 characters + `\n`.
const MAC_LINE: usize = 48;

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

#[derive(Debug, Clone, thiserror::Error, PartialEq, Eq)]
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
    #[error(
        "the ciphertext has more than {max} X25519 recipients; between 1 and {max} are accepted"
    )]
    TooManyRecipients { max: usize },
    #[error(
        "the ciphertext's plaintext is {0} bytes, not a padding bucket (1024, 2048, 4096 … bytes: \
         docs/protocol.md §2)"
    )]
    NotPadded(usize),
    #[error(
        "the attachment's plaintext is {0} bytes, not a file size bucket (64 KiB, then eight \
         sizes per power of two: docs/protocol.md §12)"
    )]
    NotFilePadded(u64),
}

/// age's STREAM: the payload is the plaintext in chunks of 64 KiB, each followed by a 16-byte tag.
const CHUNK: usize = 64 * 1024;
const TAG: usize = 16;
/// The payload nonce between the header and the first chunk.
const NONCE: usize = 16;

impl AgeCiphertext {
    pub fn parse(bytes: Vec<u8>, limits: CiphertextLimits) -> Result<Self, CiphertextError> {
        Self::parse_with_header(bytes, limits).map(|(ciphertext, _)| ciphertext)
    }

    /// Like `parse`, for a document the protocol pads (reports, messages, notes, referrals,
    /// partner answers): the plaintext's length, which the payload's length gives exactly, must
    /// be a bucket. An unpadded document would tell its length to whoever reads the database.
    pub fn parse_padded(bytes: Vec<u8>, limits: CiphertextLimits) -> Result<Self, CiphertextError> {
        let (ciphertext, header_len) = Self::parse_with_header(bytes, limits)?;
        let payload = (ciphertext.len() - header_len - NONCE) as u64;
        let plaintext = usize::try_from(plaintext_len(payload)).unwrap_or(usize::MAX);
        if plaintext != crate::crypto::padding::bucket_len(plaintext) {
            return Err(CiphertextError::NotPadded(plaintext));
        }
        Ok(ciphertext)
    }

    /// Checks the file and returns it with the length of its header.
    fn parse_with_header(
        bytes: Vec<u8>,
        limits: CiphertextLimits,
    ) -> Result<(Self, usize), CiphertextError> {
        if bytes.len() > limits.max_bytes {
            return Err(CiphertextError::TooLarge(limits.max_bytes));
        }
        if bytes.starts_with(ARMOR) {
            return Err(CiphertextError::Armored);
        }
        if !bytes.starts_with(MAGIC) {
            return Err(CiphertextError::NotAge);
        }
        let header = HeaderScan::of(&bytes, limits.max_recipients)?;
        if bytes.len() < header.len + MIN_PAYLOAD {
            return Err(CiphertextError::NotAge);
        }
        if header.x25519 == 0 {
            return Err(CiphertextError::RecipientCount {
                found: 0,
                max: limits.max_recipients,
            });
        }
        // The crate's parser, now that the header is known to be of bounded size, checks what
        // our scan does not (the MAC line's form, the exact stanza grammar, the payload nonce).
        age::Decryptor::new_buffered(&bytes[..]).map_err(|_| CiphertextError::NotAge)?;
        Ok((Self(bytes), header.len))
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

/// The lengths an attachment's header may have: the magic line, one X25519 stanza, at most one
/// grease stanza and the MAC line (§12).
pub const ATTACHMENT_HEADER: std::ops::RangeInclusive<u64> =
    (MAGIC.len() + X25519_STANZA + MAC_LINE) as u64
        ..=(MAGIC.len() + X25519_STANZA + MAX_STANZA + MAC_LINE) as u64;

/// Checks the start of an age file that arrives in parts (an attachment, docs/protocol.md §12)
/// and will be `total` bytes long: binary age v1, a header that ends within `first`, exactly one
/// X25519 recipient (each attachment has a key of its own) and at most one grease stanza, and a
/// length whose plaintext is a file bucket. Returns the plaintext's length. The scan reads only
/// the header, in time linear in its bounded length; the payload cannot be checked here.
pub fn check_stream_start(first: &[u8], total: u64) -> Result<u64, CiphertextError> {
    if first.starts_with(ARMOR) {
        return Err(CiphertextError::Armored);
    }
    if !first.starts_with(MAGIC) {
        return Err(CiphertextError::NotAge);
    }
    let header = HeaderScan::of(first, 1)?;
    if header.x25519 != 1 {
        return Err(CiphertextError::RecipientCount { found: 0, max: 1 });
    }
    if first.len() < header.len + NONCE {
        return Err(CiphertextError::NotAge);
    }
    let payload = total
        .checked_sub((header.len + NONCE) as u64)
        .filter(|p| *p >= TAG as u64)
        .ok_or(CiphertextError::NotAge)?;
    age::Decryptor::new_buffered(first).map_err(|_| CiphertextError::NotAge)?;
    let plaintext = plaintext_len(payload);
    if plaintext != crate::crypto::padding::file_bucket(plaintext) {
        return Err(CiphertextError::NotFilePadded(plaintext));
    }
    Ok(plaintext)
}

/// The length of the age file whose plaintext is `plaintext` bytes, after a header of
/// `header_len` bytes: the header, the payload nonce, and the plaintext in STREAM chunks, each
/// with its tag. Saturates rather than overflows: a length past `u64::MAX` fits no limit anyway.
pub fn stream_len(header_len: u64, plaintext: u64) -> u64 {
    let chunks = plaintext.div_ceil(CHUNK as u64).max(1);
    header_len
        .saturating_add(NONCE as u64)
        .saturating_add(plaintext)
        .saturating_add(chunks.saturating_mul(TAG as u64))
}

/// What a line-by-line reading of the (already age-parsed) header found.
struct HeaderScan {
    x25519: usize,
    len: usize,
}

/// One recipient stanza: its type, arguments and decoded body.
struct Stanza<'a> {
    kind: &'a [u8],
    args: Vec<&'a [u8]>,
    body: Vec<u8>,
}

impl HeaderScan {
    /// Reads the header line by line, within the bytes that `max_recipients` X25519 stanzas and
    /// one grease stanza can take, and stops at the first stanza over the limit: linear in the
    /// header's length, and the length is bounded whatever the file claims.
    fn of(bytes: &[u8], max_recipients: usize) -> Result<Self, CiphertextError> {
        let budget = MAGIC.len() + (max_recipients + 1) * MAX_STANZA + MAC_LINE;
        let bounded = &bytes[..bytes.len().min(budget)];
        let mut x25519 = 0;
        let mut grease = 0;
        let mut rest = &bounded[MAGIC.len()..];
        loop {
            let (line, after) = split_line(rest).ok_or(CiphertextError::NotAge)?;
            if line.starts_with(b"---") {
                return Ok(HeaderScan {
                    x25519,
                    len: bounded.len() - after.len(),
                });
            }
            let (stanza, after) = read_stanza(line, after)?;
            if stanza.is_x25519() {
                x25519 += 1;
                if x25519 > max_recipients {
                    return Err(CiphertextError::TooManyRecipients {
                        max: max_recipients,
                    });
                }
            } else if stanza.kind == b"scrypt" {
                return Err(CiphertextError::Passphrase);
            } else if stanza.is_grease() && grease == 0 {
                grease += 1;
            } else {
                let kind = String::from_utf8_lossy(stanza.kind)
                    .chars()
                    .take(32)
                    .collect();
                return Err(CiphertextError::UnsupportedStanza(kind));
            }
            rest = after;
        }
    }
}

/// The plaintext length behind a STREAM payload of `payload` bytes: every chunk, the last one
/// included (it may be short, or empty for an empty file), carries one tag.
fn plaintext_len(payload: u64) -> u64 {
    let chunks = payload.div_ceil((CHUNK + TAG) as u64).max(1);
    payload.saturating_sub(chunks * TAG as u64)
}

fn split_line(bytes: &[u8]) -> Option<(&[u8], &[u8])> {
    let end = bytes.iter().position(|b| *b == b'\n')?;
    Some((&bytes[..end], &bytes[end + 1..]))
}

/// Reads a stanza whose first line is `first`: the body is base64 lines of 64 characters, ended by
/// a shorter one (possibly empty), as the age format requires.
fn read_stanza<'a>(
    first: &'a [u8],
    mut rest: &'a [u8],
) -> Result<(Stanza<'a>, &'a [u8]), CiphertextError> {
    let line = first.strip_prefix(b"-> ").ok_or(CiphertextError::NotAge)?;
    let mut words = line.split(|b| *b == b' ');
    let kind = words.next().unwrap_or_default();
    let args = words.collect();
    let mut text = Vec::new();
    loop {
        let (body_line, after) = split_line(rest).ok_or(CiphertextError::NotAge)?;
        text.extend_from_slice(body_line);
        rest = after;
        if body_line.len() < 64 {
            break;
        }
    }
    let body = base64::engine::general_purpose::STANDARD_NO_PAD
        .decode(&text)
        .map_err(|_| CiphertextError::NotAge)?;
    Ok((Stanza { kind, args, body }, rest))
}

impl Stanza<'_> {
    /// `-> X25519 <32-byte share>` with a 32-byte wrapped file key.
    fn is_x25519(&self) -> bool {
        self.kind == b"X25519"
            && self.args.len() == 1
            && decodes_to_32(self.args[0])
            && self.body.len() == 32
    }

    /// The random stanza the `age` crate adds: a `…-grease` type, at most 4 arguments of at most
    /// 8 characters, and at most 100 bytes of body. Anything larger could smuggle data.
    fn is_grease(&self) -> bool {
        self.kind.ends_with(b"-grease")
            && self.kind.len() <= 16
            && self.args.len() <= 4
            && self.args.iter().all(|a| a.len() <= 8)
            && self.body.len() <= 100
    }
}

fn decodes_to_32(text: &[u8]) -> bool {
    base64::engine::general_purpose::STANDARD_NO_PAD
        .decode(text)
        .is_ok_and(|bytes| bytes.len() == 32)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    const LIMITS: CiphertextLimits = CiphertextLimits {
        max_bytes: 1 << 16,
        max_recipients: 8,
    };

    pub(super) fn encrypt_to(n: usize) -> Vec<u8> {
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

    fn encrypt_len(len: usize) -> Vec<u8> {
        let id = age::x25519::Identity::generate();
        let recipient = id.to_public();
        let enc = age::Encryptor::with_recipients(std::iter::once(&recipient as _)).unwrap();
        let mut out = vec![];
        let mut w = enc.wrap_output(&mut out).unwrap();
        w.write_all(&vec![b' '; len]).unwrap();
        w.finish().unwrap();
        out
    }

    /// An attachment as a device makes it: `plaintext` bytes to `recipients` fresh keys.
    fn attachment(plaintext: usize, recipients: usize) -> Vec<u8> {
        let ids: Vec<_> = (0..recipients)
            .map(|_| age::x25519::Identity::generate())
            .collect();
        let keys: Vec<_> = ids.iter().map(|i| i.to_public()).collect();
        let enc =
            age::Encryptor::with_recipients(keys.iter().map(|r| r as &dyn age::Recipient)).unwrap();
        let mut out = vec![];
        let mut w = enc.wrap_output(&mut out).unwrap();
        w.write_all(&vec![0; plaintext]).unwrap();
        w.finish().unwrap();
        out
    }

    #[test]
    fn attachments_start_with_one_recipient_and_a_file_bucket() {
        for size in [65_536, 73_728, 1 << 20] {
            let file = attachment(size, 1);
            let first = &file[..file.len().min(1 << 20)];
            assert_eq!(
                check_stream_start(first, file.len() as u64),
                Ok(size as u64)
            );
            let header = file.len() as u64 - stream_len(0, size as u64);
            assert!(ATTACHMENT_HEADER.contains(&header), "{header}");
        }
        assert_eq!(stream_len(400, u64::MAX), u64::MAX, "saturates");
        let unpadded = attachment(70_000, 1);
        assert_eq!(
            check_stream_start(&unpadded, unpadded.len() as u64),
            Err(CiphertextError::NotFilePadded(70_000))
        );
        let file = attachment(65_536, 1);
        assert_eq!(
            check_stream_start(&file, file.len() as u64 + 1),
            Err(CiphertextError::NotFilePadded(65_521)),
            "the declared length is what is checked (one byte more: a second, short chunk)"
        );
        let two = attachment(65_536, 2);
        assert!(matches!(
            check_stream_start(&two, two.len() as u64),
            Err(CiphertextError::TooManyRecipients { max: 1 })
        ));
        assert_eq!(
            check_stream_start(b"not age", 1 << 20),
            Err(CiphertextError::NotAge)
        );
        assert_eq!(
            check_stream_start(&file[..60], file.len() as u64),
            Err(CiphertextError::NotAge),
            "a header cut short"
        );
    }

    #[test]
    fn padded_documents_are_exactly_a_bucket() {
        let limits = CiphertextLimits {
            max_bytes: 1 << 20,
            max_recipients: 8,
        };
        // Buckets pass, also across STREAM chunks (64 KiB, 128 KiB, 256 KiB).
        for len in [1024, 2048, 65536, 131072, 262144] {
            assert!(
                AgeCiphertext::parse_padded(encrypt_len(len), limits).is_ok(),
                "{len}"
            );
        }
        for len in [0, 5, 1023, 1025, 1500, 65535, 65537, 131071] {
            assert_eq!(
                AgeCiphertext::parse_padded(encrypt_len(len), limits).err(),
                Some(CiphertextError::NotPadded(len)),
                "{len}"
            );
        }
        // Keys and grants are not documents: the plain parse takes any length.
        assert!(AgeCiphertext::parse(encrypt_len(5), limits).is_ok());
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
            Some(CiphertextError::TooManyRecipients { max: 8 })
        );
    }

    /// A header of thousands of stanzas is refused after the ninth, and one without its end
    /// inside the bound is refused without reading further.
    #[test]
    fn huge_headers_stop_at_the_bound() {
        let file = encrypt_to(1);
        let text = String::from_utf8_lossy(&file).into_owned();
        let start = text.find("-> X25519 ").unwrap();
        let end = start + text[start..].find("\n").unwrap() + 1;
        let end = end + text[end..].find("\n").unwrap() + 1;
        let stanza = &file[start..end];
        let mut hostile = file[..start].to_vec();
        for _ in 0..2000 {
            hostile.extend_from_slice(stanza);
        }
        hostile.extend_from_slice(&file[start..]);
        let roomy = CiphertextLimits {
            max_bytes: 1 << 20,
            ..LIMITS
        };
        assert_eq!(
            AgeCiphertext::parse(hostile, roomy).err(),
            Some(CiphertextError::TooManyRecipients { max: 8 })
        );
        let mut endless = file[..start].to_vec();
        endless.extend_from_slice(b"-> X25519 ");
        endless.extend(std::iter::repeat_n(b'A', 100_000));
        assert_eq!(
            AgeCiphertext::parse(endless, roomy).err(),
            Some(CiphertextError::NotAge)
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

    /// Rewrites the header's grease stanza (whatever the age crate drew) as `replacement`.
    fn with_grease(file: &[u8], replacement: &str) -> Vec<u8> {
        let text = String::from_utf8_lossy(file).into_owned();
        let start = text
            .find("-grease")
            .map(|i| text[..i].rfind("\n-> ").unwrap() + 1)
            .unwrap();
        let end = start
            + text[start..]
                .find("\n-> X25519")
                .or_else(|| text[start..].find("\n---"))
                .unwrap()
            + 1;
        let mut out = file[..start].to_vec();
        out.extend_from_slice(replacement.as_bytes());
        out.extend_from_slice(&file[end..]);
        out
    }

    #[test]
    fn grease_is_bounded() {
        let file = encrypt_to(1);
        let small = with_grease(&file, "-> a-grease xy\nAAAA\n");
        assert!(AgeCiphertext::parse(small, LIMITS).is_ok());
        let long_body = format!(
            "-> a-grease\n{}\n\n",
            ["A".repeat(64), "A".repeat(64), "A".repeat(64)].join("\n")
        );
        let smuggled = with_grease(&file, &long_body);
        assert!(matches!(
            AgeCiphertext::parse(smuggled, LIMITS),
            Err(CiphertextError::UnsupportedStanza(_))
        ));
        let many_args = with_grease(&file, "-> a-grease 1 2 3 4 5\n\n");
        assert!(AgeCiphertext::parse(many_args, LIMITS).is_err());
    }

    #[test]
    fn refuses_x25519_stanzas_of_the_wrong_shape() {
        let file = encrypt_to(1);
        let text = String::from_utf8_lossy(&file).into_owned();
        let at = text.find("-> X25519 ").unwrap() + "-> X25519 ".len();
        let mut bad = file.clone();
        bad[at] = b'!';
        assert!(AgeCiphertext::parse(bad, LIMITS).is_err());
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

/// Any bytes at all: the parser answers, it never panics. Mutations of real files reach deep into
/// the header parser (a cheap stand-in for a fuzzer, which needs a nightly toolchain).
#[cfg(test)]
mod robustness {
    use super::*;
    use rand::{Rng, SeedableRng};

    #[test]
    fn mutated_files_never_panic() {
        let limits = CiphertextLimits {
            max_bytes: 1 << 16,
            max_recipients: 8,
        };
        let seeds: Vec<Vec<u8>> = (1..=3).map(tests::encrypt_to).collect();
        let mut rng = rand::rngs::StdRng::seed_from_u64(0x5eed);
        let mut accepted = 0;
        for round in 0..20_000 {
            let mut bytes = seeds[round % seeds.len()].clone();
            for _ in 0..rng.gen_range(1..4) {
                let at = rng.gen_range(0..bytes.len());
                match rng.gen_range(0..4) {
                    0 => bytes[at] ^= 1 << rng.gen_range(0..8),
                    1 => bytes.truncate(at),
                    2 => bytes.insert(at, rng.gen()),
                    _ => bytes[at] = b"\n -+=AX"[rng.gen_range(0..7)],
                }
                if bytes.is_empty() {
                    break;
                }
            }
            if AgeCiphertext::parse(bytes, limits).is_ok() {
                accepted += 1;
            }
        }
        // Flips in the payload leave the header valid, so some mutants are (rightly) accepted.
        assert!(accepted > 0 && accepted < 20_000, "{accepted}");
    }
}
