//! Secrets the server keeps for an account but must not be able to hand out from a copy of its
//! database alone: sealed with XChaCha20-Poly1305 under a key derived from the server secret
//! (`keys::server_key`), bound to the account they belong to. A sealed value copied onto another
//! account's row, or read from a backup without the server key, opens to nothing.
//!
//! ```text
//! sealed = nonce (24 random bytes) || XChaCha20-Poly1305(key, nonce, plaintext, aad = context)
//! ```

use chacha20poly1305::aead::{Aead, KeyInit, Payload};
use chacha20poly1305::{XChaCha20Poly1305, XNonce};
use rand::RngCore;
use zeroize::Zeroizing;

const NONCE: usize = 24;

/// Seals `plain` under `key`, bound to `context`.
pub fn seal(key: &[u8; 32], context: &[u8], plain: &[u8]) -> Vec<u8> {
    let cipher = XChaCha20Poly1305::new(key.into());
    let mut nonce = [0u8; NONCE];
    rand::rngs::OsRng.fill_bytes(&mut nonce);
    let payload = Payload {
        msg: plain,
        aad: context,
    };
    // Encryption fails only for a plaintext beyond 256 GiB; these are a few dozen bytes.
    let sealed = cipher
        .encrypt(XNonce::from_slice(&nonce), payload)
        .unwrap_or_default();
    [nonce.as_slice(), &sealed].concat()
}

/// Opens what [`seal`] produced; `None` if the key or the context is wrong, or the bytes were
/// changed.
pub fn open(key: &[u8; 32], context: &[u8], sealed: &[u8]) -> Option<Zeroizing<Vec<u8>>> {
    if sealed.len() < NONCE {
        return None;
    }
    let (nonce, ciphertext) = sealed.split_at(NONCE);
    let cipher = XChaCha20Poly1305::new(key.into());
    let payload = Payload {
        msg: ciphertext,
        aad: context,
    };
    cipher
        .decrypt(XNonce::from_slice(nonce), payload)
        .ok()
        .map(Zeroizing::new)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sealing_binds_key_and_context() {
        let sealed = seal(&[1; 32], b"account-a", b"secret");
        assert_eq!(
            open(&[1; 32], b"account-a", &sealed)
                .as_deref()
                .map(Vec::as_slice),
            Some(b"secret".as_slice())
        );
        assert!(open(&[2; 32], b"account-a", &sealed).is_none());
        assert!(open(&[1; 32], b"account-b", &sealed).is_none());
        assert!(open(&[1; 32], b"account-a", &sealed[..10]).is_none());
        let mut changed = sealed.clone();
        changed[30] ^= 1;
        assert!(open(&[1; 32], b"account-a", &changed).is_none());
    }
}
