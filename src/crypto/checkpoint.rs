//! Witness checkpoints (docs/protocol.md §10.7): an account's signed "I saw statement `seq` of
//! desk D's chain, with this link". Each device posts one after it verifies the chain, and
//! compares its colleagues' with the chain it is served, so that a server which shows one device
//! a shorter or a different chain than another (a split view) is caught by the first device that
//! sees a colleague's checkpoint, even one that has never seen the chain before. Pure: no I/O.
//!
//! ```text
//! checkpoint = "resguardo/checkpoint/v1" 0x00 · desk str · seq u64be · link [32] · signer [32]
//! str(x)     = u32be(len x) · x
//! signature  = Ed25519(signer, checkpoint)
//! ```

use super::chain::DeskState;
use super::statement::Signed;
use crate::domain::{DeskSlug, SigningPublic, Username};

const PREFIX: &[u8] = b"resguardo/checkpoint/v1\0";

/// What one account saw.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Checkpoint {
    pub desk: DeskSlug,
    pub seq: u64,
    pub link: [u8; 32],
    pub signer: SigningPublic,
}

impl Checkpoint {
    pub fn encode(&self) -> Vec<u8> {
        let desk = self.desk.as_str().as_bytes();
        let mut out = PREFIX.to_vec();
        // A slug is at most 40 bytes.
        out.extend_from_slice(&u32::try_from(desk.len()).unwrap_or(u32::MAX).to_be_bytes());
        out.extend_from_slice(desk);
        out.extend_from_slice(&self.seq.to_be_bytes());
        out.extend_from_slice(&self.link);
        out.extend_from_slice(&self.signer.to_bytes());
        out
    }

    /// Parses a checkpoint strictly: the prefix, a desk slug, a seq of at least 1, a canonical
    /// signing key, and nothing after it.
    pub fn decode(bytes: &[u8]) -> Option<Self> {
        let rest = bytes.strip_prefix(PREFIX)?;
        let (len, rest) = rest.split_first_chunk::<4>()?;
        let len = usize::try_from(u32::from_be_bytes(*len)).ok()?;
        if Some(rest.len()) != len.checked_add(8 + 32 + 32) {
            return None;
        }
        let (desk, rest) = rest.split_at(len);
        let desk = DeskSlug::parse(std::str::from_utf8(desk).ok()?).ok()?;
        let (seq, rest) = rest.split_first_chunk::<8>()?;
        let (link, signer) = rest.split_first_chunk::<32>()?;
        let seq = u64::from_be_bytes(*seq);
        (seq >= 1).then_some(())?;
        Some(Self {
            desk,
            seq,
            link: *link,
            signer: SigningPublic::from_bytes(signer).ok()?,
        })
    }

    /// The checkpoint of the head of `state`, signed by the account whose identity this is.
    pub fn sign(state: &DeskState, identity: &age::x25519::Identity) -> (Vec<u8>, [u8; 64]) {
        let (seq, link) = state.head();
        let checkpoint = Self {
            desk: state.desk().clone(),
            seq,
            link,
            signer: super::signing::public_of(identity),
        };
        let bytes = checkpoint.encode();
        let signature = super::signing::sign(identity, &bytes);
        (bytes, signature)
    }
}

/// A colleague saw a chain that the one this device was served cannot be: the server shows
/// devices different chains.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SplitView {
    #[error("{by} saw {seq} statements, and this device is served fewer: the server hides statements from it")]
    Behind { by: String, seq: u64 },
    #[error("{by} saw another statement {seq} than this device is served: the server shows devices different chains")]
    Fork { by: Username, seq: u64 },
    #[error("{by} saw another statement {seq} than this device is served: the server shows devices different chains")]
    UnknownFork { by: String, seq: u64 },
}

impl SplitView {
    pub fn code(&self) -> &'static str {
        match self {
            SplitView::Behind { .. } => "behind",
            SplitView::Fork { .. } | SplitView::UnknownFork { .. } => "fork",
        }
    }
}

/// Compares colleagues' checkpoints, as served, with `entries`, the chain this device just
/// verified into `state`. A checkpoint counts only if it decodes, names this desk, its signature
/// verifies under the key it names, and that key is an account the chain vets (or vetted): the
/// server can withhold checkpoints, never make one. A checkpoint by a key the chain does not know
/// fails closed too when it claims more statements than served or another link at its seq: a
/// chain cut back, or forked, before an account was vetted does not know that account (a server
/// that forges one only stops devices, which it can do anyway). Returns how many counted.
pub fn compare(
    state: &DeskState,
    entries: &[Signed],
    served: &[(Vec<u8>, [u8; 64])],
) -> Result<usize, SplitView> {
    let mut counted = 0;
    for (bytes, signature) in served {
        let Some(checkpoint) = Checkpoint::decode(bytes) else {
            continue;
        };
        if checkpoint.desk != *state.desk() || !checkpoint.signer.verifies(bytes, signature) {
            continue;
        }
        let seen = usize::try_from(checkpoint.seq).unwrap_or(usize::MAX);
        let signer = state
            .accounts()
            .find(|a| a.signing_key == checkpoint.signer);
        let Some(signer) = signer else {
            // A chain forked before that account was vetted does not know it, however long.
            let by = "an account this chain does not know".to_owned();
            match entries.get(seen - 1) {
                None => {
                    return Err(SplitView::Behind {
                        by,
                        seq: checkpoint.seq,
                    })
                }
                Some(entry) if entry.link() != checkpoint.link => {
                    return Err(SplitView::UnknownFork {
                        by,
                        seq: checkpoint.seq,
                    })
                }
                Some(_) => continue,
            }
        };
        let by = signer.username.clone();
        match entries.get(seen - 1) {
            None => {
                return Err(SplitView::Behind {
                    by: by.to_string(),
                    seq: checkpoint.seq,
                })
            }
            Some(entry) if entry.link() != checkpoint.link => {
                return Err(SplitView::Fork {
                    by,
                    seq: checkpoint.seq,
                })
            }
            Some(_) => counted += 1,
        }
    }
    Ok(counted)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::crypto::chain::{verify, Pins};
    use crate::crypto::signing::public_of;
    use crate::crypto::statement::{append, Body};
    use crate::domain::{Fingerprint, Recipient};
    use age::x25519::Identity;

    /// A desk of one supervisor with `keys` desk key statements.
    fn desk(root: &Identity, keys: u64) -> (Vec<Signed>, DeskState) {
        let slug = DeskSlug::parse("gt").unwrap();
        let recipient = Recipient::from(root.to_public());
        let mut entries: Vec<Signed> = vec![];
        let mut bodies = vec![Body::Genesis {
            account: [1; 16],
            username: Username::parse("sofia").unwrap(),
            recipient: recipient.clone(),
            approvals_required: 1,
        }];
        bodies.extend((1..=keys).map(|version| Body::DeskKey {
            version,
            recipient: Recipient::from(Identity::generate().to_public()),
        }));
        for body in bodies {
            let head = entries.last().map(|e| (entries.len() as u64, e.link()));
            entries.push(append(&slug, head, root, body).unwrap());
        }
        let pins = Pins {
            root: Fingerprint::of_account(&recipient, &public_of(root)),
            head: None,
        };
        let state = verify(&slug, &pins, &entries).unwrap();
        (entries, state)
    }

    fn signed(checkpoint: &Checkpoint, by: &Identity) -> (Vec<u8>, [u8; 64]) {
        let bytes = checkpoint.encode();
        let signature = crate::crypto::signing::sign(by, &bytes);
        (bytes, signature)
    }

    #[test]
    fn checkpoints_round_trip_strictly() {
        let root = Identity::generate();
        let (_, state) = desk(&root, 1);
        let (bytes, signature) = Checkpoint::sign(&state, &root);
        let checkpoint = Checkpoint::decode(&bytes).unwrap();
        assert_eq!(checkpoint.encode(), bytes);
        assert_eq!((checkpoint.seq, checkpoint.link), state.head());
        assert!(checkpoint.signer.verifies(&bytes, &signature));
        assert!(Checkpoint::decode(&[bytes.as_slice(), &[0]].concat()).is_none());
        assert!(Checkpoint::decode(&bytes[..bytes.len() - 1]).is_none());
        let mut zero = checkpoint.clone();
        zero.seq = 0;
        assert!(Checkpoint::decode(&zero.encode()).is_none(), "seq 0");
    }

    #[test]
    fn a_colleagues_checkpoint_catches_a_shorter_or_other_chain() {
        let root = Identity::generate();
        let (long, state) = desk(&root, 3);
        let seen = Checkpoint::sign(&state, &root);
        assert_eq!(compare(&state, &long, std::slice::from_ref(&seen)), Ok(1));
        // The same desk cut back: the colleague saw more.
        let short = &long[..3];
        let slug = DeskSlug::parse("gt").unwrap();
        let pins = Pins {
            root: Fingerprint::of_account(&Recipient::from(root.to_public()), &public_of(&root)),
            head: None,
        };
        let cut = verify(&slug, &pins, short).unwrap();
        let refused = compare(&cut, short, std::slice::from_ref(&seen)).unwrap_err();
        assert_eq!(refused.code(), "behind");
        assert!(refused.to_string().contains("sofia"), "{refused}");
        // Another chain of the same length: a fork.
        let (other, other_state) = desk(&root, 3);
        assert_eq!(
            compare(&other_state, &other, &[seen]).unwrap_err().code(),
            "fork"
        );
        // A stranger's checkpoint: ignored when it claims no more than is served, refused when
        // it claims more (fail closed), and a bad signature is nobody's.
        let stranger = Identity::generate();
        let claim = Checkpoint::decode(&Checkpoint::sign(&state, &stranger).0).unwrap();
        assert_eq!(compare(&state, &long, &[signed(&claim, &stranger)]), Ok(0));
        let mut claim = claim;
        claim.link = [7; 32];
        let refused = compare(&state, &long, &[signed(&claim, &stranger)]).unwrap_err();
        assert_eq!(
            refused.code(),
            "fork",
            "another link, however long the fork"
        );
        claim.seq = 9;
        let refused = compare(&state, &long, &[signed(&claim, &stranger)]).unwrap_err();
        assert_eq!(refused.code(), "behind");
        let (bytes, _) = signed(&claim, &stranger);
        assert_eq!(compare(&state, &long, &[(bytes, [0; 64])]), Ok(0));
    }
}
