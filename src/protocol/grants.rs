//! Opening a worker's grants into desk identities, as pure functions (protocol.md §7 "Grant format",
//! §10 "Before using a desk key"): each grant is a binary age file to the account's own recipient
//! whose plaintext is a desk identity (age's Bech32 secret-key text), and each must open to the key the
//! verified chain signs for its version. The server chooses nothing: the current key is the
//! chain's. Vectors: `tests/vectors/grants.json`, passed by this code and by `web/src/grants.ts`.

use std::str::FromStr;

use zeroize::Zeroizing;

use super::keys::GrantView;
use crate::crypto::chain::DeskState;
use crate::crypto::seal;
use crate::domain::{b64_decode, Recipient};

/// Why a device refuses its grants. `code()` is stable: the vectors and the TypeScript twin use it.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum GrantError {
    #[error("the desk's statements sign no desk key")]
    NoDeskKey,
    #[error("your grant of desk key version {0} does not open with your key")]
    Unopenable(i64),
    #[error(
        "your grant of desk key version {0} holds a key the desk never signed: the server forged \
         it; nothing was encrypted"
    )]
    Forged(i64),
    #[error(
        "you hold a grant for desk key version {0} that no statement signs: the server hides a \
         statement or forged the grant; nothing was encrypted"
    )]
    Unsigned(i64),
    #[error("your grant of desk key version {0} is not an age file holding a desk identity")]
    Malformed(i64),
    #[error(
        "you hold no grant of the desk's current key (version {0}): ask a supervisor to vet you \
         or to rotate the key"
    )]
    NoCurrentGrant(i64),
}

impl GrantError {
    pub fn code(&self) -> &'static str {
        match self {
            GrantError::NoDeskKey => "no-desk-key",
            GrantError::Unopenable(_) => "unopenable",
            GrantError::Forged(_) => "forged",
            GrantError::Unsigned(_) => "unsigned",
            GrantError::Malformed(_) => "malformed",
            GrantError::NoCurrentGrant(_) => "no-current-grant",
        }
    }
}

/// The desk identities an account holds, and the key it writes to.
pub struct DeskKeys {
    /// Every desk identity this account holds, by version, to decrypt with. Versions below the
    /// chain's first signed one (a desk older than statements) are kept for decrypting only.
    pub identities: Vec<(i64, age::x25519::Identity)>,
    /// The desk's current key as the chain signs it: notes, replies, referrals and re-encrypted
    /// cases go to this key and no other, whatever the server lists.
    pub current: (i64, Recipient),
}

impl DeskKeys {
    /// This account's identity for the current key, if it holds a grant of it.
    pub fn current_identity(&self) -> Option<&age::x25519::Identity> {
        self.identities
            .iter()
            .find(|(v, _)| *v == self.current.0)
            .map(|(_, identity)| identity)
    }

    /// The current key's identity, or why this account lacks it.
    pub fn current_identity_or_refuse(&self) -> Result<&age::x25519::Identity, GrantError> {
        self.current_identity()
            .ok_or(GrantError::NoCurrentGrant(self.current.0))
    }
}

/// The desk identity a grant wraps, opened with the account's own identity.
pub fn open_grant(
    own: &age::x25519::Identity,
    grant: &GrantView,
) -> Result<age::x25519::Identity, GrantError> {
    let version = grant.key_version;
    let wrapped = b64_decode(&grant.wrapped_key).ok_or(GrantError::Malformed(version))?;
    let plain =
        Zeroizing::new(seal::open(own, &wrapped).map_err(|_| GrantError::Unopenable(version))?);
    let text = std::str::from_utf8(&plain).map_err(|_| GrantError::Malformed(version))?;
    age::x25519::Identity::from_str(text.trim()).map_err(|_| GrantError::Malformed(version))
}

/// Whether a grant of `version` that opened to `identity` may be used, by the chain: it must be
/// the key the chain signs for that version; a version below the first signed one is a legacy
/// key, kept to decrypt old ciphertexts. A grant that opens but does not match is an attack
/// signal, refused loudly rather than skipped.
pub fn check_grant(
    state: &DeskState,
    version: i64,
    identity: &age::x25519::Identity,
) -> Result<(), GrantError> {
    let first = state.first_version().unwrap_or(u64::MAX);
    let signed = u64::try_from(version).ok().and_then(|v| state.key(v));
    match signed {
        Some(key) if *key == Recipient::from(identity.to_public()) => Ok(()),
        Some(_) => Err(GrantError::Forged(version)),
        None if u64::try_from(version).is_ok_and(|v| v < first) => Ok(()),
        None => Err(GrantError::Unsigned(version)),
    }
}

/// Every grant opened with `own` and checked against the verified chain `state`; the current key
/// is the chain's newest. One bad grant refuses them all.
pub fn unlock(
    own: &age::x25519::Identity,
    grants: &[GrantView],
    state: &DeskState,
) -> Result<DeskKeys, GrantError> {
    let (version, key) = state.current_key().ok_or(GrantError::NoDeskKey)?;
    let mut identities = vec![];
    for grant in grants {
        let identity = open_grant(own, grant)?;
        check_grant(state, grant.key_version, &identity)?;
        identities.push((grant.key_version, identity));
    }
    identities.sort_by_key(|(v, _)| *v);
    let version = i64::try_from(version).map_err(|_| GrantError::NoDeskKey)?;
    Ok(DeskKeys {
        identities,
        current: (version, key.clone()),
    })
}
