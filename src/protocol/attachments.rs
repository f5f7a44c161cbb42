//! Attachments on the wire (docs/protocol.md §12): a reporter begins an upload with the receipt
//! (`/api/v1/followup/attachments`), sends its parts with the upload's token
//! (`/api/v1/uploads/{id}…`), and a desk lists and fetches its cases' attachments
//! (`/api/v1/desk/…`). Every attachment is one age file, sent in parts of `PART_BYTES`.

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

/// A new upload: its id (which the manifest names) and the token that sends its parts, shown
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

#[cfg(test)]
mod tests {
    use super::*;

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
