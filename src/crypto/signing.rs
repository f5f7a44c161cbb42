//! An account's signing key (docs/protocol.md §9.1): Ed25519, derived from the account's X25519
//! identity, so that one secret stays wrapped to the password and accounts enrolled before
//! signing existed get a key without re-enrolling.
//!
//! ```text
//! x_sk    = the 32 bytes inside the identity's secret-key text (prefix AGE-SECRET-KEY-, Bech32)
//! seed    = HKDF-SHA256(ikm = x_sk, salt = none, info = "resguardo/account/v1/signing", L = 32)
//! signing = Ed25519 secret key with seed `seed` (RFC 8032 §5.1.5)
//! ```
//!
//! Verification is strict (`verify_strict`: canonical `S`, no small-order keys or points), so a
//! signature accepted here is accepted by every conforming verifier and by no looser one.

use age::secrecy::ExposeSecret;
use ed25519_dalek::{Signer, SigningKey};
use sha2::Sha256;
use zeroize::Zeroizing;

use crate::domain::SigningPublic;

const INFO: &[u8] = b"resguardo/account/v1/signing";

/// The account's signing key, derived from its identity.
pub fn signing_key(identity: &age::x25519::Identity) -> SigningKey {
    let text = identity.to_string();
    // An identity's own text always decodes; the fallback of zeros is never reached.
    let secret = bech32::decode(text.expose_secret())
        .map(|(_, bytes)| Zeroizing::new(bytes))
        .unwrap_or_else(|_| Zeroizing::new(vec![0; 32]));
    let mut seed = Zeroizing::new([0u8; 32]);
    // 32 bytes is far below HKDF's limit; expand cannot fail.
    let _ = hkdf::Hkdf::<Sha256>::new(None, &secret).expand(INFO, seed.as_mut());
    SigningKey::from_bytes(&seed)
}

/// The public half of the account's signing key.
pub fn public_of(identity: &age::x25519::Identity) -> SigningPublic {
    SigningPublic::from_verifying(signing_key(identity).verifying_key())
}

/// Signs `message` with the account's key (pure Ed25519, deterministic).
pub fn sign(identity: &age::x25519::Identity, message: &[u8]) -> [u8; 64] {
    signing_key(identity).sign(message).to_bytes()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn signatures_verify_under_the_derived_key_only() {
        let ana = age::x25519::Identity::generate();
        let eve = age::x25519::Identity::generate();
        let signature = sign(&ana, b"statement");
        assert!(public_of(&ana).verifies(b"statement", &signature));
        assert!(!public_of(&ana).verifies(b"statemenT", &signature));
        assert!(!public_of(&eve).verifies(b"statement", &signature));
        assert_ne!(public_of(&ana), public_of(&eve));
    }

    #[test]
    fn small_order_and_malformed_keys_are_refused() {
        // The identity point (0, 1): small order, verifies forged signatures under loose rules.
        let mut identity_point = [0u8; 32];
        identity_point[0] = 1;
        assert!(SigningPublic::from_bytes(&identity_point).is_err());
        assert!(SigningPublic::from_bytes(&[0u8; 31]).is_err());
        // y = p + k (p = 2^255 - 19) is another encoding of y = k: refused where it is a point.
        let mut refused_non_canonical = 0;
        for k in 2u8..18 {
            let mut bytes = [0xff; 32];
            bytes[31] = 0x7f;
            bytes[0] = 0xed + k; // p's lowest byte is 0xed; no carry for k < 18
            let loose = ed25519_dalek::VerifyingKey::from_bytes(&bytes);
            if loose.is_ok_and(|key| !key.is_weak()) {
                assert!(SigningPublic::from_bytes(&bytes).is_err(), "y = p + {k}");
                refused_non_canonical += 1;
            }
        }
        assert!(refused_non_canonical > 0);
        let good = public_of(&age::x25519::Identity::generate());
        assert_eq!(SigningPublic::from_bytes(&good.to_bytes()), Ok(good));
    }
}
