//! The case seal (docs/protocol.md §10.5). The first verified device to act on a case signs what
//! it decrypted: the desk, the report's id, the SHA-256 of the report's plaintext and the
//! `reply_to` sealed in it. The seal travels encrypted to the desk key (a hash in the clear would
//! let the server confirm guesses of a report's text), so only desk devices read it. Every later
//! reply, and every re-encryption of the thread, checks the served report against it: a server
//! that swaps the report for one with its own `reply_to` is caught.

use sha2::{Digest, Sha256};

use crate::domain::SigningPublic;

const PREFIX: &[u8] = b"resguardo/case/v1\0";

/// What a seal says, and who said it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CaseSeal {
    pub desk: String,
    pub report: [u8; 16],
    pub digest: [u8; 32],
    pub reply_to: String,
    pub signer: SigningPublic,
}

impl CaseSeal {
    /// The seal of `plaintext`, the decrypted report `report` of `desk`, by `signer`.
    pub fn of(
        desk: &str,
        report: [u8; 16],
        plaintext: &[u8],
        reply_to: &str,
        signer: SigningPublic,
    ) -> Self {
        Self {
            desk: desk.to_owned(),
            report,
            digest: Sha256::digest(plaintext).into(),
            reply_to: reply_to.to_owned(),
            signer,
        }
    }

    /// The signed bytes: the prefix, then each field, strings with a one-byte length.
    fn message(&self) -> Option<Vec<u8>> {
        let desk_len = u8::try_from(self.desk.len()).ok()?;
        let reply_len = u8::try_from(self.reply_to.len()).ok()?;
        let mut out = PREFIX.to_vec();
        out.push(desk_len);
        out.extend_from_slice(self.desk.as_bytes());
        out.extend_from_slice(&self.report);
        out.extend_from_slice(&self.digest);
        out.push(reply_len);
        out.extend_from_slice(self.reply_to.as_bytes());
        out.extend_from_slice(&self.signer.to_bytes());
        Some(out)
    }

    /// The seal's bytes: the message, then its Ed25519 signature by `identity`'s signing key,
    /// which must be the seal's signer. `None` for a desk or `reply_to` over 255 bytes.
    pub fn sign(&self, identity: &age::x25519::Identity) -> Option<Vec<u8>> {
        if crate::crypto::signing::public_of(identity) != self.signer {
            return None;
        }
        let mut bytes = self.message()?;
        let signature = crate::crypto::signing::sign(identity, &bytes);
        bytes.extend_from_slice(&signature);
        Some(bytes)
    }

    /// Parses a seal and checks its signature by the signer it names; `None` otherwise. Who the
    /// signer is, the caller checks against the desk's verified chain.
    pub fn open(bytes: &[u8]) -> Option<Self> {
        let rest = bytes.strip_prefix(PREFIX)?;
        let (desk, rest) = text(rest)?;
        let (report, rest) = rest.split_first_chunk::<16>()?;
        let (digest, rest) = rest.split_first_chunk::<32>()?;
        let (reply_to, rest) = text(rest)?;
        let (signer, rest) = rest.split_first_chunk::<32>()?;
        let signature: [u8; 64] = rest.try_into().ok()?;
        let signer = SigningPublic::from_bytes(signer).ok()?;
        let signed = &bytes[..bytes.len() - 64];
        if !signer.verifies(signed, &signature) {
            return None;
        }
        Some(Self {
            desk,
            report: *report,
            digest: *digest,
            reply_to,
            signer,
        })
    }

    /// Whether the seal is about this report of this desk, with this plaintext and `reply_to`.
    pub fn covers(&self, desk: &str, report: &[u8; 16], plaintext: &[u8], reply_to: &str) -> bool {
        let digest: [u8; 32] = Sha256::digest(plaintext).into();
        self.desk == desk
            && self.report == *report
            && self.digest == digest
            && self.reply_to == reply_to
    }
}

/// A one-byte length, then that many bytes of UTF-8.
fn text(bytes: &[u8]) -> Option<(String, &[u8])> {
    let (len, rest) = bytes.split_first()?;
    let (text, rest) = rest.split_at_checked(usize::from(*len))?;
    Some((std::str::from_utf8(text).ok()?.to_owned(), rest))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sealed() -> (age::x25519::Identity, CaseSeal, Vec<u8>) {
        let signer = age::x25519::Identity::generate();
        let seal = CaseSeal::of(
            "gt",
            [7; 16],
            b"{\"narrative\":\"x\"}",
            "age1reply",
            crate::crypto::signing::public_of(&signer),
        );
        let bytes = seal.sign(&signer).unwrap();
        (signer, seal, bytes)
    }

    #[test]
    fn a_seal_opens_and_covers_only_what_was_signed() {
        let (_, seal, bytes) = sealed();
        let opened = CaseSeal::open(&bytes).unwrap();
        assert_eq!(opened, seal);
        assert!(opened.covers("gt", &[7; 16], b"{\"narrative\":\"x\"}", "age1reply"));
        assert!(!opened.covers("gt", &[7; 16], b"{\"narrative\":\"y\"}", "age1reply"));
        assert!(!opened.covers("gt", &[7; 16], b"{\"narrative\":\"x\"}", "age1other"));
        assert!(!opened.covers("hn", &[7; 16], b"{\"narrative\":\"x\"}", "age1reply"));
        assert!(!opened.covers("gt", &[8; 16], b"{\"narrative\":\"x\"}", "age1reply"));
    }

    #[test]
    fn an_edited_or_foreign_seal_does_not_open() {
        let (_, _, bytes) = sealed();
        for at in [PREFIX.len() + 1, bytes.len() - 70, bytes.len() - 1] {
            let mut edited = bytes.clone();
            edited[at] ^= 1;
            assert_eq!(CaseSeal::open(&edited), None, "byte {at}");
        }
        assert_eq!(CaseSeal::open(&bytes[..bytes.len() - 1]), None);
        let (other, seal, _) = sealed();
        let stranger = age::x25519::Identity::generate();
        assert_eq!(
            seal.sign(&stranger),
            None,
            "signs only as the signer it names"
        );
        assert!(seal.sign(&other).is_some());
    }
}
