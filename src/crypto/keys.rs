//! The server's keys for each purpose, derived from its one secret, and the HMAC they key.

use hmac::{Hmac, Mac};
use sha2::Sha256;
use zeroize::Zeroizing;

/// A key for one purpose, derived from the server secret with HKDF-SHA256 (no salt). Each purpose
/// gets its own key from the one secret, so a leak of one reveals nothing of the others.
pub fn server_key(secret: &[u8; 32], purpose: &str) -> Zeroizing<[u8; 32]> {
    let mut key = Zeroizing::new([0u8; 32]);
    // 32 bytes is far below HKDF's limit; expand cannot fail.
    let _ = hkdf::Hkdf::<Sha256>::new(None, secret).expand(purpose.as_bytes(), key.as_mut());
    key
}

/// HMAC-SHA256 keyed with `key`.
pub fn hmac_sha256(key: &[u8]) -> Hmac<Sha256> {
    // HMAC accepts keys of any length: this cannot fail.
    <Hmac<Sha256> as Mac>::new_from_slice(key).unwrap_or_else(|_| unreachable_hmac())
}

#[allow(clippy::panic)]
fn unreachable_hmac() -> ! {
    panic!("HMAC rejected a key")
}
