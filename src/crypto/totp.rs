//! Time-based one-time passwords (RFC 6238: HMAC-SHA1, 30-second steps, 6 digits), the second
//! factor of a case worker's login, and the sealing of TOTP secrets at rest under a server key.

use rand::RngCore;
use subtle::ConstantTimeEq;
use zeroize::{Zeroize, ZeroizeOnDrop, Zeroizing};

use super::at_rest;

use crate::domain::base32_encode;

const STEP_SECS: u64 = 30;
const DIGITS: usize = 6;
/// Steps of clock skew accepted either side (RFC 6238 §5.2 recommends at most one).
const SKEW: u8 = 1;

/// A TOTP seed: 20 bytes (160 bits, as RFC 4226 recommends). Zeroized on drop.
#[derive(Clone, Zeroize, ZeroizeOnDrop)]
pub struct TotpSecret([u8; 20]);

impl TotpSecret {
    pub fn random() -> Self {
        let mut bytes = [0u8; 20];
        rand::rngs::OsRng.fill_bytes(&mut bytes);
        Self(bytes)
    }

    pub fn from_bytes(bytes: [u8; 20]) -> Self {
        Self(bytes)
    }

    /// The `otpauth://` URI authenticator apps import (as text or as a QR code).
    pub fn uri(&self, issuer: &str, account: &str) -> Zeroizing<String> {
        let label = format!("{issuer}:{account}").replace(' ', "%20");
        Zeroizing::new(format!(
            "otpauth://totp/{label}?secret={}&issuer={}&algorithm=SHA1&digits={DIGITS}&period={STEP_SECS}",
            base32_encode(&self.0),
            issuer.replace(' ', "%20")
        ))
    }

    /// The generator for this secret (RFC 6238 as the `totp-rs` crate computes it: HMAC-SHA1,
    /// 30-second steps, 6 digits). Built per use: the crate takes the secret as a `Vec`, which its
    /// `zeroize` feature wipes when the generator is dropped.
    fn generator(&self) -> totp_rs::TOTP {
        totp_rs::TOTP::new(
            totp_rs::Algorithm::SHA1,
            DIGITS,
            SKEW,
            STEP_SECS,
            self.0.to_vec(),
        )
        .unwrap_or_else(|_| unreachable_key())
    }

    /// The code for a time step, as the digits an authenticator app shows.
    pub fn code_at(&self, step: u64) -> Zeroizing<String> {
        Zeroizing::new(self.generator().generate(step * STEP_SECS))
    }

    /// The step a typed code matches at time `now`, within the allowed skew (compared in constant
    /// time). The caller must refuse a step at or before the last one it accepted, so that a code
    /// works once.
    pub fn matching_step(&self, typed: &str, now: i64) -> Option<i64> {
        let typed = typed.trim();
        if typed.len() != DIGITS || !typed.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        let current = u64::try_from(now).ok()? / STEP_SECS;
        let generator = self.generator();
        let skew = u64::from(SKEW);
        (current.saturating_sub(skew)..=current + skew)
            .find(|step| {
                let code = Zeroizing::new(generator.generate(step * STEP_SECS));
                bool::from(code.as_bytes().ct_eq(typed.as_bytes()))
            })
            .and_then(|step| i64::try_from(step).ok())
    }

    /// Seals the secret under `key`, bound to `context` (the account it belongs to): a sealed
    /// secret copied onto another account's row does not open (`crypto::at_rest`).
    pub fn seal(&self, key: &[u8; 32], context: &[u8]) -> Vec<u8> {
        at_rest::seal(key, context, &self.0)
    }

    /// Opens what [`TotpSecret::seal`] produced; `None` if the key or context is wrong.
    pub fn open(key: &[u8; 32], context: &[u8], sealed: &[u8]) -> Option<Self> {
        let plain = at_rest::open(key, context, sealed)?;
        Some(Self(plain.as_slice().try_into().ok()?))
    }
}

#[allow(clippy::panic)]
fn unreachable_key() -> ! {
    panic!("totp-rs rejected the constant parameters or a 20-byte secret")
}

#[cfg(test)]
mod tests {
    use super::*;

    /// RFC 6238 appendix B, SHA-1, truncated to 6 digits.
    #[test]
    fn rfc6238_vectors() {
        let secret = TotpSecret::from_bytes(*b"12345678901234567890");
        for (time, code) in [
            (59, 287_082),
            (1_111_111_109, 81_804),
            (1_234_567_890, 5_924),
            (20_000_000_000, 353_130),
        ] {
            assert_eq!(
                secret.code_at(time / 30).as_str(),
                format!("{code:06}"),
                "T={time}"
            );
        }
    }

    #[test]
    fn skew_is_one_step() {
        let secret = TotpSecret::random();
        let now = 1_800_000_000;
        let step: u64 = 1_800_000_000 / 30;
        for (offset, ok) in [(-2i64, false), (-1, true), (0, true), (1, true), (2, false)] {
            let code = secret.code_at(step.checked_add_signed(offset).unwrap());
            assert_eq!(
                secret.matching_step(&code, now).is_some(),
                ok,
                "offset {offset}"
            );
        }
        assert!(secret.matching_step("12345", now).is_none());
        assert!(secret.matching_step("abcdef", now).is_none());
    }

    #[test]
    fn sealing_binds_key_and_account() {
        let secret = TotpSecret::random();
        let sealed = secret.seal(&[1; 32], b"account-a");
        assert!(TotpSecret::open(&[1; 32], b"account-a", &sealed).is_some());
        assert!(TotpSecret::open(&[2; 32], b"account-a", &sealed).is_none());
        assert!(TotpSecret::open(&[1; 32], b"account-b", &sealed).is_none());
        assert!(TotpSecret::open(&[1; 32], b"account-a", &sealed[..10]).is_none());
    }

    #[test]
    fn uri_has_the_base32_secret() {
        let secret = TotpSecret::from_bytes([0; 20]);
        let uri = secret.uri("Resguardo gt", "ana");
        assert!(
            uri.starts_with(
                "otpauth://totp/Resguardo%20gt:ana?secret=AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA&"
            ),
            "{}",
            uri.as_str()
        );
    }
}
