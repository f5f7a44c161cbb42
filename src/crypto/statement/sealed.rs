//! Sealed names (docs/protocol.md §10.1): format 2 signs a salted commitment in place of an
//! account's user name or a partner's name; the opening (salt and name) travels beside the
//! statement to the desk's own devices, and the public view reads a stand-in.

use sha2::{Digest, Sha256};

use super::{Id, MAX_STR};

const NAME_PREFIX: &[u8] = b"resguardo/statement/v2/name\0";

/// How a statement carries the name of the account or partner it is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// `resguardo/statement/v1`: the name in the clear.
    V1,
    /// `resguardo/statement/v2`: the name as a commitment with this salt (unused by the kinds
    /// that name no one).
    V2 { salt: [u8; 16] },
    /// `resguardo/statement/v2` read without its opening (the public view): only the commitment
    /// is known, and the body holds a stand-in name made from it ([`stand_in`]).
    V2Sealed { commitment: [u8; 32] },
}

/// A format-2 name's salt and text: what opens its commitment, for the desk's devices only.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Opening {
    pub salt: [u8; 16],
    pub name: String,
}

impl Opening {
    /// On the wire: the salt, then the name's UTF-8.
    pub fn to_bytes(&self) -> Vec<u8> {
        [self.salt.as_slice(), self.name.as_bytes()].concat()
    }

    pub fn from_bytes(bytes: &[u8]) -> Option<Self> {
        if bytes.len() > 16 + MAX_STR {
            return None;
        }
        let (salt, name) = bytes.split_at_checked(16)?;
        Some(Self {
            salt: salt.try_into().ok()?,
            name: String::from_utf8(name.to_vec()).ok()?,
        })
    }
}

/// The commitment format 2 signs in place of a name.
pub fn commitment(subject: &Id, salt: &[u8; 16], name: &str) -> [u8; 32] {
    let len = u32::try_from(name.len()).unwrap_or(u32::MAX);
    Sha256::new()
        .chain_update(NAME_PREFIX)
        .chain_update(subject)
        .chain_update(salt)
        .chain_update(len.to_be_bytes())
        .chain_update(name.as_bytes())
        .finalize()
        .into()
}

/// The name a device reads for a commitment it holds no opening of: `sealed-` and hex of the
/// commitment (25 digits for a user name, 64 for a partner's). Equal commitments give equal
/// stand-ins, so the public view compares commitments where the desk's devices compare names;
/// no user name or partner name of format 1 can take this form by chance.
pub fn stand_in(commitment: &[u8; 32], digits: usize) -> String {
    let hex: String = commitment.iter().map(|b| format!("{b:02x}")).collect();
    format!("sealed-{}", &hex[..digits])
}
