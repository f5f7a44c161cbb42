//! Attachments on the wire (docs/protocol.md §12): a reporter begins an upload with the receipt
//! (`/api/v1/followup/attachments`), sends its parts with the upload's token
//! (`/api/v1/uploads/{id}…`), and a desk lists and fetches its cases' attachments
//! (`/api/v1/desk/…`). Every attachment is one age file, sent in parts of `PART_BYTES`, and is
//! named, with its key, inside the encrypted report or message that carries it (`ManifestEntry`).

use serde::{Deserialize, Serialize};

/// The length of every part but the last, which holds the rest (1 to `PART_BYTES` bytes).
pub const PART_BYTES: u64 = 1024 * 1024;

/// How many parts a file of `size` bytes is sent in.
pub fn parts_of(size: u64) -> u64 {
    size.div_ceil(PART_BYTES)
}

/// The length of part `part` of a file of `size` bytes; `None` past its last part.
pub fn part_len(size: u64, part: u64) -> Option<u64> {
    let start = part.checked_mul(PART_BYTES)?;
    (start < size).then(|| (size - start).min(PART_BYTES))
}

/// The body of a part, and of a desk's download: bytes of an age file (in OpenAPI, a binary
/// string rather than an array of numbers).
#[derive(utoipa::ToSchema)]
#[schema(value_type = String, format = Binary)]
pub struct AgeBytes(pub Vec<u8>);

/// Begins an upload, with the receipt of the report it belongs to. Its `Debug` prints nothing of
/// the auth key.
#[derive(Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UploadRequest {
    /// The attachment's id, which the device chose (16 random bytes, 32 lower-case hex digits) so
    /// that the report or message it sends can name it before the upload begins.
    #[schema(pattern = r"^[0-9a-f]{32}$")]
    pub id: String,
    /// 16 bytes, base64.
    #[schema(pattern = r"^[A-Za-z0-9+/]{21}[AQgw]==$")]
    pub lookup: String,
    /// The 32-byte auth key, base64.
    #[schema(pattern = r"^[A-Za-z0-9+/]{42}[AEIMQUYcgkosw048]=$")]
    pub auth: String,
    /// The plaintext's length: the file padded to its bucket (§12).
    #[schema(minimum = 65536)]
    pub bucket: u64,
    /// The age file's length in bytes: its header, then the bucket in STREAM chunks (§12).
    #[schema(minimum = 65536)]
    pub size: u64,
}

impl std::fmt::Debug for UploadRequest {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "UploadRequest(redacted, size {})", self.size)
    }
}

/// A new upload: its id (the one the device chose) and the token that sends its parts, shown
/// only here.
#[derive(Serialize, Deserialize, utoipa::ToSchema)]
pub struct UploadCreated {
    /// 32 lower-case hex digits.
    pub id: String,
    /// 52 base32 characters in groups of four; the server keeps its SHA-256 only.
    pub token: String,
    #[serde(flatten)]
    pub progress: UploadProgress,
}

impl std::fmt::Debug for UploadCreated {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "UploadCreated({}, redacted)", self.id)
    }
}

/// How far an upload is: what a device resumes from after a dropped connection.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct UploadProgress {
    pub size: u64,
    pub part_bytes: u64,
    /// How many parts the file is sent in.
    pub parts: u64,
    /// Parts stored and acknowledged: the next part to send is this one.
    pub received: u64,
    pub complete: bool,
}

/// An attachment of a case, as a desk lists it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct AttachmentView {
    pub id: String,
    /// The age file's length in bytes.
    pub size: u64,
    /// Whether every part arrived; only a complete attachment can be fetched.
    pub complete: bool,
    /// The day the upload began (UTC, YYYY-MM-DD).
    pub day: String,
}

/// One attachment as an encrypted report or message names it (docs/protocol.md §12): what the
/// desk needs to fetch, open and check the file. Never in the clear: it holds the file's key.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize, zeroize::ZeroizeOnDrop)]
pub struct ManifestEntry {
    /// The attachment's id, as its upload was begun with.
    #[zeroize(skip)]
    pub id: String,
    /// The file's age identity: its secret-key text, Bech32 with the `AGE-SECRET-KEY-` prefix.
    pub key: String,
    /// The file's media type, as the device read it (`image/jpeg`, `audio/ogg` …).
    #[serde(rename = "type")]
    #[zeroize(skip)]
    pub media_type: String,
    /// The file's length in bytes, before padding.
    #[zeroize(skip)]
    pub size: u64,
    /// SHA-256 of the file, lower-case hex.
    #[zeroize(skip)]
    pub sha256: String,
    /// The file's name, if the reporter kept it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// The EXIF orientation (1–8) a photo had before its metadata was removed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[zeroize(skip)]
    pub orientation: Option<u8>,
    /// Whether metadata was removed on the device (evidence::strip); `false` for a file the
    /// reporter chose to send as it was.
    #[zeroize(skip)]
    pub cleaned: bool,
    /// The untouched original, kept as evidence beside its cleaned copy.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    #[zeroize(skip)]
    pub original: bool,
}

impl std::fmt::Debug for ManifestEntry {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // Neither the key nor the id: an id in a log line would date its attachment.
        write!(f, "ManifestEntry({} bytes, redacted)", self.size)
    }
}

/// Why a manifest entry cannot be used.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ManifestError {
    #[error("the document's attachments are not a list of attachments")]
    Malformed,
    #[error("an attachment's {0} is not valid")]
    Field(&'static str),
}

/// The longest file name (in UTF-8 bytes, as file systems count) and media type an entry may
/// carry, and the most entries one document may name.
const MAX_NAME: usize = 255;
const MAX_TYPE: usize = 127;
pub const MAX_ENTRIES: usize = 100;

/// Whether an entry may carry `name` as a file's name: no control, invisible formatting or
/// line-separating character, and nothing a file system reads as a path or a drive; not `.` or
/// `..`; at most `MAX_NAME` bytes.
pub fn name_allowed(name: &str) -> bool {
    let refused = |c: char| {
        c.is_control()
            || crate::domain::is_format(c)
            || matches!(c, '/' | '\\' | ':' | '\u{2028}' | '\u{2029}')
    };
    !name.trim().is_empty()
        && name.len() <= MAX_NAME
        && !matches!(name, "." | "..")
        && !name.chars().any(refused)
}

impl ManifestEntry {
    /// Checks every field's form, so that what a desk shows and opens is what the format allows.
    pub fn check(&self) -> Result<(), ManifestError> {
        use crate::domain::is_lower_hex;
        if !is_lower_hex(&self.id, 32) {
            return Err(ManifestError::Field("id"));
        }
        if !is_lower_hex(&self.sha256, 64) {
            return Err(ManifestError::Field("sha256"));
        }
        self.identity()?;
        let media_type = self.media_type.as_bytes();
        let type_ok = !media_type.is_empty()
            && media_type.len() <= MAX_TYPE
            && media_type.contains(&b'/')
            && media_type.iter().all(|b| b.is_ascii_graphic());
        if !type_ok {
            return Err(ManifestError::Field("type"));
        }
        if self.name.as_ref().is_some_and(|n| !name_allowed(n)) {
            return Err(ManifestError::Field("name"));
        }
        if self.orientation.is_some_and(|o| !(1..=8).contains(&o)) {
            return Err(ManifestError::Field("orientation"));
        }
        Ok(())
    }

    /// The file's age identity.
    pub fn identity(&self) -> Result<age::x25519::Identity, ManifestError> {
        (self.key.parse::<age::x25519::Identity>()).map_err(|_| ManifestError::Field("key"))
    }
}

/// What a device says of a file it attaches, beside what encrypting it made
/// (`crypto::attachment::SealedFile`).
pub struct Described {
    pub media_type: String,
    pub name: Option<String>,
    pub orientation: Option<u8>,
    pub cleaned: bool,
    pub original: bool,
}

impl ManifestEntry {
    /// The entry of a file sealed as `sealed`, under the id `id` the device chose for its upload.
    pub fn of(
        id: &[u8; 16],
        sealed: &crate::crypto::attachment::SealedFile,
        described: Described,
    ) -> ManifestEntry {
        use age::secrecy::ExposeSecret;
        ManifestEntry {
            id: crate::domain::hex(id),
            key: sealed.identity.to_string().expose_secret().to_owned(),
            media_type: described.media_type,
            size: sealed.size,
            sha256: crate::domain::hex(&sealed.sha256),
            name: described.name,
            orientation: described.orientation,
            cleaned: described.cleaned,
            original: described.original,
        }
    }

    /// The file's SHA-256 as bytes (the entry was checked: `manifest_of`).
    pub fn sha256_bytes(&self) -> Option<[u8; 32]> {
        crate::domain::hex_decode_array(&self.sha256)
    }
}

/// What a message's signature says of the files it announces (docs/protocol.md §2, v3): SHA-256
/// over, for each entry in order, its id (16 bytes), the file's SHA-256 (32), its length (u64,
/// big-endian), `cleaned`, `original` and the orientation (one byte each, 0 when absent), then
/// the media type and the name (empty when absent), each as a u16 big-endian length and its
/// UTF-8 bytes. The key is left out: another key would not open a file of that hash. `None` if
/// an entry's id or hash is not hex.
pub fn manifest_digest(entries: &[ManifestEntry]) -> Option<[u8; 32]> {
    use sha2::{Digest, Sha256};
    let mut hasher = Sha256::new();
    for entry in entries {
        hasher.update(crate::domain::hex_decode_array::<16>(&entry.id)?);
        hasher.update(entry.sha256_bytes()?);
        hasher.update(entry.size.to_be_bytes());
        let orientation = entry.orientation.unwrap_or(0);
        hasher.update([
            u8::from(entry.cleaned),
            u8::from(entry.original),
            orientation,
        ]);
        for text in [
            entry.media_type.as_str(),
            entry.name.as_deref().unwrap_or(""),
        ] {
            hasher.update(u16::try_from(text.len()).ok()?.to_be_bytes());
            hasher.update(text.as_bytes());
        }
    }
    Some(hasher.finalize().into())
}

/// A decrypted document with its attachments' keys left out, for printing: the keys stay on the
/// device, used only to open the files.
pub fn without_keys(document: &serde_json::Value) -> serde_json::Value {
    let mut shown = document.clone();
    let entries = shown.get_mut("attachments").and_then(|a| a.as_array_mut());
    for entry in entries.into_iter().flatten() {
        if let Some(entry) = entry.as_object_mut() {
            entry.remove("key");
        }
    }
    shown
}

/// The attachments a decrypted report or message names (its `attachments` field; none when it
/// has no such field): at most `MAX_ENTRIES`, each checked, no id twice.
pub fn manifest_of(document: &[u8]) -> Result<Vec<ManifestEntry>, ManifestError> {
    let document: serde_json::Value =
        serde_json::from_slice(document).map_err(|_| ManifestError::Malformed)?;
    manifest_in(&document)
}

/// `manifest_of` for a document already parsed.
pub fn manifest_in(document: &serde_json::Value) -> Result<Vec<ManifestEntry>, ManifestError> {
    let entries: Vec<ManifestEntry> = match document.get("attachments") {
        None => Vec::new(),
        Some(listed) => Vec::deserialize(listed).map_err(|_| ManifestError::Malformed)?,
    };
    if !document.is_object() {
        return Err(ManifestError::Malformed);
    }
    if entries.len() > MAX_ENTRIES {
        return Err(ManifestError::Malformed);
    }
    let mut ids = std::collections::HashSet::new();
    for entry in &entries {
        entry.check()?;
        if !ids.insert(entry.id.as_str()) {
            return Err(ManifestError::Field("id"));
        }
    }
    Ok(entries)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry() -> ManifestEntry {
        let key = age::x25519::Identity::generate();
        ManifestEntry {
            id: "0123456789abcdef0123456789abcdef".into(),
            key: age::secrecy::ExposeSecret::expose_secret(&key.to_string()).to_owned(),
            media_type: "image/jpeg".into(),
            size: 1234,
            sha256: "ab".repeat(32),
            name: Some("captura 1.jpg".into()),
            orientation: Some(6),
            cleaned: true,
            original: false,
        }
    }

    #[test]
    fn manifests_are_read_from_documents_and_checked() {
        let good = entry();
        let doc = serde_json::json!({"schema": "resguardo.report.v2", "attachments": [good]});
        let read = manifest_of(doc.to_string().as_bytes()).unwrap();
        assert_eq!(read, vec![good.clone()]);
        assert!(
            !format!("{good:?}").contains(&good.key),
            "Debug hides the key"
        );
        let none = manifest_of(br#"{"schema": "resguardo.message.v2", "text": "x"}"#).unwrap();
        assert!(none.is_empty());
        assert_eq!(
            manifest_of(br#"{"attachments": 3}"#),
            Err(ManifestError::Malformed)
        );
        let twice = serde_json::json!({"attachments": [good, good]});
        assert_eq!(
            manifest_of(twice.to_string().as_bytes()),
            Err(ManifestError::Field("id"))
        );
        type Spoil = fn(&mut ManifestEntry);
        let bad: [(&str, Spoil); 10] = [
            ("id", |e| e.id = "XYZ".into()),
            ("sha256", |e| e.sha256 = "ab".into()),
            ("key", |e| e.key = "not a key".into()),
            ("type", |e| e.media_type = "jpeg".into()),
            ("name", |e| e.name = Some("../../etc/passwd".into())),
            ("name", |e| e.name = Some("a\u{202e}gpj.exe".into())),
            ("name", |e| e.name = Some("..".into())),
            ("name", |e| e.name = Some("C:captura.jpg".into())),
            ("name", |e| e.name = Some("ñ".repeat(128))),
            ("orientation", |e| e.orientation = Some(9)),
        ];
        for (field, spoil) in bad {
            let mut e = entry();
            spoil(&mut e);
            assert_eq!(e.check(), Err(ManifestError::Field(field)), "{field}");
        }
    }

    #[test]
    fn parts_cover_a_file_exactly_once() {
        for size in [
            1,
            PART_BYTES - 1,
            PART_BYTES,
            PART_BYTES + 1,
            52 * PART_BYTES + 200,
        ] {
            let total: u64 = (0..parts_of(size))
                .map(|p| part_len(size, p).unwrap())
                .sum();
            assert_eq!(total, size);
            assert_eq!(part_len(size, parts_of(size)), None);
        }
        assert_eq!(part_len(PART_BYTES + 1, 1), Some(1));
        assert_eq!(part_len(10, u64::MAX), None);
    }
}
