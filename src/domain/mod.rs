//! Types that parse rather than validate: a value of one of these types is valid by construction,
//! so handlers and the store never re-check it.

mod account;
mod audit;
pub use audit::AuditAction;
mod desk;
mod id;
mod language;
mod partner;
mod report;
mod retention;

pub use account::{
    base32_decode, base32_encode, AccountStatus, Backoff, BadEnum, BadSigningKey, Role, Secret32,
    SigningPublic, Username,
};
pub use desk::{DeskName, DeskSlug, Fingerprint, Recipient};
pub use id::BadId;
pub use language::Language;
pub use partner::{
    is_format, is_public_address, Country, PartnerId, PartnerName, PartnerProfile, PartnerStatus,
    ReferralId, ReferralStatus, Service, WebhookUrl,
};
pub use report::{
    AttachmentId, Author, BadStatus, Lookup, ReceiptAuth, ReferralField, ReportId, ReportKind,
    Status, Verifier,
};
pub use retention::{BadDays, Days, PolicySource, PurgeRule, RetentionPolicy};

use base64::Engine as _;

/// Standard base64 (RFC 4648 §4, with padding): the one encoding for binary fields in the API.
/// `text` percent-encoded for a URL's query value or user-info (RFC 3986): unreserved characters
/// as they are, every other byte as `%XX`.
pub fn percent_encode(text: &str) -> String {
    text.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

pub fn b64_encode(bytes: &[u8]) -> String {
    base64::engine::general_purpose::STANDARD.encode(bytes)
}

/// Lower-case hexadecimal, two digits a byte (digests shown to people and in headers).
pub fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// Whether `text` is exactly `len` lower-case hex digits, the one spelling ids and digests have
/// where a device names them (an attachment's id, a file's SHA-256).
pub fn is_lower_hex(text: &str, len: usize) -> bool {
    text.len() == len && text.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'))
}

/// Lower-case or upper-case hex, decoded; `None` for anything else.
pub fn hex_decode(text: &str) -> Option<Vec<u8>> {
    if text.len() % 2 != 0 {
        return None;
    }
    (0..text.len())
        .step_by(2)
        .map(|i| {
            text.get(i..i + 2)
                .and_then(|h| u8::from_str_radix(h, 16).ok())
        })
        .collect()
}

/// Decodes hex into exactly `N` bytes (ids and links as the API shows them).
pub fn hex_decode_array<const N: usize>(text: &str) -> Option<[u8; N]> {
    hex_decode(text)?.try_into().ok()
}

/// Decodes standard base64; `None` for anything else.
pub fn b64_decode(text: &str) -> Option<Vec<u8>> {
    base64::engine::general_purpose::STANDARD.decode(text).ok()
}

/// Decodes standard base64 into exactly `N` bytes.
pub fn b64_decode_array<const N: usize>(text: &str) -> Option<[u8; N]> {
    b64_decode(text)?.try_into().ok()
}
