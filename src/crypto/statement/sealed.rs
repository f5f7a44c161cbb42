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
    /// `resguardo/statement/v2`: the name as a commitment with this salt. The kinds that name no
    /// one carry no salt: theirs is zeros when decoded, and ignored when encoded.
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

/// Whose name a commitment seals: an account's user name or a partner's name. Its byte is in the
/// commitment, so that the two never share one.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Named {
    Account = 1,
    Partner = 2,
}

/// The commitment format 2 signs in place of a name.
pub fn commitment(named: Named, subject: &Id, salt: &[u8; 16], name: &str) -> [u8; 32] {
    let len = u32::try_from(name.len()).unwrap_or(u32::MAX);
    Sha256::new()
        .chain_update(NAME_PREFIX)
        .chain_update([named as u8])
        .chain_update(subject)
        .chain_update(salt)
        .chain_update(len.to_be_bytes())
        .chain_update(name.as_bytes())
        .finalize()
        .into()
}

/// The name the public view reads for a commitment it holds no opening of: `sealed-` and hex of
/// the commitment, 25 digits for a user name (which has at most 32 characters), all 64 for a
/// partner name. The public view compares accounts and partners by their whole commitment
/// ([`Format::V2Sealed`]), never by this text.
pub fn stand_in(commitment: &[u8; 32], named: Named) -> String {
    let hex: String = commitment.iter().map(|b| format!("{b:02x}")).collect();
    let digits = match named {
        Named::Account => 25,
        Named::Partner => 64,
    };
    format!("sealed-{}", &hex[..digits])
}
