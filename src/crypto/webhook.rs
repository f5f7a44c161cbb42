//! Webhook signatures (docs/protocol.md §8): each partner gets its own HMAC key, derived from
//! the server secret, the partner's id and the digest of its current API token, so the server
//! stores no per-partner secret and a new token (`rotate-token`) brings a new webhook key.

use hmac::Mac;
use zeroize::Zeroizing;

use super::keys::hmac_sha256 as mac;

/// The partner's signing key: HMAC-SHA256(webhook key of the server, partner id bytes ||
/// SHA-256 of the partner's API token).
pub fn partner_key(
    server_key: &[u8; 32],
    partner_id: &[u8; 16],
    token_digest: &[u8; 32],
) -> Zeroizing<[u8; 32]> {
    let mut m = mac(server_key);
    m.update(partner_id);
    m.update(token_digest);
    Zeroizing::new(m.finalize().into_bytes().into())
}

/// `v1=` and the hex HMAC-SHA256 of `timestamp || "." || body` under the partner's key.
pub fn signature(partner_key: &[u8; 32], timestamp: i64, body: &[u8]) -> String {
    let mut m = mac(partner_key);
    m.update(timestamp.to_string().as_bytes());
    m.update(b".");
    m.update(body);
    let digest = m.finalize().into_bytes();
    let hex = crate::domain::hex(&digest);
    format!("v1={hex}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn signatures_depend_on_key_time_and_body() {
        let key = partner_key(&[7; 32], &[1; 16], &[3; 32]);
        let other = partner_key(&[7; 32], &[2; 16], &[3; 32]);
        let new_token = partner_key(&[7; 32], &[1; 16], &[4; 32]);
        assert_ne!(key, new_token, "a new token, a new key");
        let s = signature(&key, 1_800_000_000, b"{\"referral\":\"x\"}");
        assert!(s.starts_with("v1=") && s.len() == 67);
        assert_ne!(s, signature(&other, 1_800_000_000, b"{\"referral\":\"x\"}"));
        assert_ne!(s, signature(&key, 1_800_000_001, b"{\"referral\":\"x\"}"));
        assert_ne!(s, signature(&key, 1_800_000_000, b"{\"referral\":\"y\"}"));
    }
}
