//! Signed key statements (docs/protocol.md §10): what a desk's supervisors sign about its keys, one
//! hash-linked chain per desk. The byte format is fixed here; what a chain means is `chain.rs`.
//!
//! ```text
//! statement = "resguardo/statement/v2" 0x00 · kind u8 · desk str · seq u64be · prev [32]
//!             · signer [32] · body (by kind; nothing may follow it)
//! str(x)    = u32be(len x) · x, len ≤ 1024
//! signature = Ed25519(signer, statement)
//! link      = SHA-256("resguardo/statement/v1/link" 0x00 · statement · signature)
//! name      = SHA-256("resguardo/statement/v2/name" 0x00 · named u8 · subject id [16] · salt [16]
//!             · str(name))   (named: 1 an account, 2 a partner)
//! ```
//!
//! Format 2 signs a salted commitment where format 1 signed an account's user name or a
//! partner's name in the clear, so that the chain can be shown to anyone (reporters verify it,
//! §10.8) without naming a person. The salt and the name, the *opening*, travel beside the
//! statement to the desk's own devices. Devices write format 2; format 1 chains stay valid.
//! There is no JSON inside a signature and no time: order is `seq`.

use sha2::{Digest, Sha256};

use crate::domain::{DeskSlug, Recipient, Role, SigningPublic, Username};

mod reader;
mod sealed;

use reader::{Names, Reader};
pub use sealed::{commitment, stand_in, Format, Named, Opening};

const PREFIX: &[u8] = b"resguardo/statement/v1\0";
const PREFIX_V2: &[u8] = b"resguardo/statement/v2\0";
const LINK_PREFIX: &[u8] = b"resguardo/statement/v1/link\0";
/// The longest statement accepted: far above any real one, far below anything costly.
pub const MAX_BYTES: usize = 2048;
const MAX_STR: usize = 1024;

/// An account's or partner's 16-byte id, as the server lists it.
pub type Id = [u8; 16];

/// What a statement says.
#[derive(Debug, Clone, PartialEq)]
pub enum Body {
    /// seq 1 only: the signer is the desk's root, a vetted supervisor; `approvals_required` is
    /// the signed vetting policy (1 or 2).
    Genesis {
        account: Id,
        username: Username,
        recipient: Recipient,
        approvals_required: u8,
    },
    /// "I, a vetted supervisor, compared this account's safety number."
    Approval {
        account: Id,
        username: Username,
        role: Role,
        recipient: Recipient,
        signing_key: SigningPublic,
    },
    /// Desk key version `version` is `recipient`.
    DeskKey {
        version: u64,
        recipient: Recipient,
    },
    /// Partner `partner`, named `name`, has key `recipient`.
    Partner {
        partner: Id,
        name: String,
        recipient: Recipient,
    },
    RevokeAccount {
        account: Id,
    },
    RevokePartner {
        partner: Id,
    },
    /// Partner `partner`, named `name`, has key `recipient` and signs its answers with
    /// `signing_key`: a new partner, or one a `Partner` statement named, with the same name and
    /// key, gaining its signing key.
    PartnerKeys {
        partner: Id,
        name: String,
        recipient: Recipient,
        signing_key: SigningPublic,
    },
}

impl Body {
    /// Whether the body carries the name of an account or partner (sealed in format 2).
    pub fn names_someone(&self) -> bool {
        matches!(
            self,
            Body::Genesis { .. }
                | Body::Approval { .. }
                | Body::Partner { .. }
                | Body::PartnerKeys { .. }
        )
    }

    fn kind(&self) -> u8 {
        match self {
            Body::Genesis { .. } => 1,
            Body::Approval { .. } => 2,
            Body::DeskKey { .. } => 3,
            Body::Partner { .. } => 4,
            Body::RevokeAccount { .. } => 5,
            Body::RevokePartner { .. } => 6,
            Body::PartnerKeys { .. } => 7,
        }
    }
}

/// One statement, before or after signing.
#[derive(Debug, Clone, PartialEq)]
pub struct Statement {
    pub desk: DeskSlug,
    pub seq: u64,
    /// The link of statement `seq - 1`; zeros for seq 1.
    pub prev: [u8; 32],
    pub signer: SigningPublic,
    pub body: Body,
    pub format: Format,
}

/// A statement's bytes and its signature, as stored and served, with the opening of the name it
/// commits to (format 2, for the desk's devices; `None` in the public view and for format 1).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Signed {
    pub statement: Vec<u8>,
    pub signature: [u8; 64],
    pub opening: Option<Opening>,
}

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
#[error("not a well-formed key statement: {0}")]
pub struct Malformed(pub &'static str);

impl Statement {
    pub fn encode(&self) -> Vec<u8> {
        let mut out = match self.format {
            Format::V1 => PREFIX,
            Format::V2 { .. } | Format::V2Sealed { .. } => PREFIX_V2,
        }
        .to_vec();
        out.push(self.body.kind());
        put_str(&mut out, self.desk.as_str().as_bytes());
        out.extend_from_slice(&self.seq.to_be_bytes());
        out.extend_from_slice(&self.prev);
        out.extend_from_slice(&self.signer.to_bytes());
        match &self.body {
            Body::Genesis {
                account,
                username,
                recipient,
                approvals_required,
            } => {
                out.extend_from_slice(account);
                self.put_name(&mut out, Named::Account, account, username.as_str());
                put_str(&mut out, recipient.as_str().as_bytes());
                out.push(*approvals_required);
            }
            Body::Approval {
                account,
                username,
                role,
                recipient,
                signing_key,
            } => {
                out.extend_from_slice(account);
                self.put_name(&mut out, Named::Account, account, username.as_str());
                out.push(role_byte(*role));
                put_str(&mut out, recipient.as_str().as_bytes());
                out.extend_from_slice(&signing_key.to_bytes());
            }
            Body::DeskKey { version, recipient } => {
                out.extend_from_slice(&version.to_be_bytes());
                put_str(&mut out, recipient.as_str().as_bytes());
            }
            Body::Partner {
                partner,
                name,
                recipient,
            } => {
                out.extend_from_slice(partner);
                self.put_name(&mut out, Named::Partner, partner, name);
                put_str(&mut out, recipient.as_str().as_bytes());
            }
            Body::RevokeAccount { account: id } | Body::RevokePartner { partner: id } => {
                out.extend_from_slice(id)
            }
            Body::PartnerKeys {
                partner,
                name,
                recipient,
                signing_key,
            } => {
                out.extend_from_slice(partner);
                self.put_name(&mut out, Named::Partner, partner, name);
                put_str(&mut out, recipient.as_str().as_bytes());
                out.extend_from_slice(&signing_key.to_bytes());
            }
        }
        out
    }

    fn put_name(&self, out: &mut Vec<u8>, named: Named, subject: &Id, name: &str) {
        match &self.format {
            Format::V1 => put_str(out, name.as_bytes()),
            Format::V2 { salt } => out.extend_from_slice(&commitment(named, subject, salt, name)),
            Format::V2Sealed { commitment } => out.extend_from_slice(commitment),
        }
    }

    /// The opening of the name this statement commits to: format 2 of a kind that names someone.
    pub fn opening(&self) -> Option<Opening> {
        let Format::V2 { salt } = self.format else {
            return None;
        };
        let name = match &self.body {
            Body::Genesis { username, .. } | Body::Approval { username, .. } => username.as_str(),
            Body::Partner { name, .. } | Body::PartnerKeys { name, .. } => name,
            _ => return None,
        };
        Some(Opening {
            salt,
            name: name.to_owned(),
        })
    }

    /// Parses a statement strictly: every field in its set, canonical texts, nothing left over.
    /// A format-2 name must come with the `opening` that matches its commitment; a statement
    /// that seals no name must come without one.
    pub fn decode(bytes: &[u8], opening: Option<&Opening>) -> Result<Self, Malformed> {
        let statement = Self::decode_with(bytes, Names::Opened(opening))?;
        if opening.is_some() && statement.opening().is_none() {
            return Err(Malformed("an opening for a statement that seals no name"));
        }
        Ok(statement)
    }

    /// Parses a statement as anyone may read it (§10.8): a format-2 name is known by its
    /// commitment only, and the body holds its stand-in ([`stand_in`]).
    pub fn decode_public(bytes: &[u8]) -> Result<Self, Malformed> {
        Self::decode_with(bytes, Names::Public)
    }

    fn decode_with(bytes: &[u8], names: Names) -> Result<Self, Malformed> {
        if bytes.len() > MAX_BYTES {
            return Err(Malformed("longer than 2048 bytes"));
        }
        let mut r = Reader {
            rest: bytes,
            names,
            format: Format::V1,
        };
        let prefix = r.take(PREFIX.len())?;
        if prefix == PREFIX_V2 {
            r.format = Format::V2 { salt: [0; 16] };
        } else if prefix != PREFIX {
            return Err(Malformed("not a resguardo/statement/v1 or v2"));
        }
        let kind = r.byte()?;
        let desk = DeskSlug::parse(r.text()?).map_err(|_| Malformed("desk"))?;
        let seq = r.u64()?;
        if seq == 0 {
            return Err(Malformed("seq 0"));
        }
        let prev = r.array::<32>()?;
        let signer =
            SigningPublic::from_bytes(&r.array::<32>()?).map_err(|_| Malformed("signer"))?;
        let body = match kind {
            1 => {
                let account = r.array()?;
                Body::Genesis {
                    account,
                    username: r.username(&account)?,
                    recipient: r.recipient()?,
                    approvals_required: match r.byte()? {
                        n @ (1 | 2) => n,
                        _ => return Err(Malformed("approvals_required")),
                    },
                }
            }
            2 => {
                let account = r.array()?;
                Body::Approval {
                    account,
                    username: r.username(&account)?,
                    role: match r.byte()? {
                        1 => Role::Worker,
                        2 => Role::Supervisor,
                        _ => return Err(Malformed("role")),
                    },
                    recipient: r.recipient()?,
                    signing_key: r.signing_key()?,
                }
            }
            3 => Body::DeskKey {
                version: match r.u64()? {
                    0 => return Err(Malformed("version 0")),
                    v => v,
                },
                recipient: r.recipient()?,
            },
            4 => {
                let partner = r.array()?;
                Body::Partner {
                    partner,
                    name: r.partner_name(&partner)?,
                    recipient: r.recipient()?,
                }
            }
            5 => Body::RevokeAccount {
                account: r.array()?,
            },
            6 => Body::RevokePartner {
                partner: r.array()?,
            },
            7 => {
                let partner = r.array()?;
                Body::PartnerKeys {
                    partner,
                    name: r.partner_name(&partner)?,
                    recipient: r.recipient()?,
                    signing_key: r.signing_key()?,
                }
            }
            _ => return Err(Malformed("unknown kind")),
        };
        if !r.rest.is_empty() {
            return Err(Malformed("bytes after the body"));
        }
        Ok(Self {
            desk,
            seq,
            prev,
            signer,
            body,
            format: r.format,
        })
    }

    /// Signs with the account whose identity this is (its signing key, §9.1). Only what every
    /// verifier can decode is signed: a partner name of 101 characters, say, is refused here.
    pub fn sign(&self, identity: &age::x25519::Identity) -> Result<Signed, Malformed> {
        let statement = self.encode();
        let opening = self.opening();
        Self::decode(&statement, opening.as_ref())?;
        let signature = super::signing::sign(identity, &statement);
        Ok(Signed {
            statement,
            signature,
            opening,
        })
    }
}

/// Signs `body` as `desk`'s statement after `head` (the (seq, link) of the last one; `None` for
/// the first) with the account whose identity this is, in format 2 with a fresh salt.
pub fn append(
    desk: &DeskSlug,
    head: Option<(u64, [u8; 32])>,
    identity: &age::x25519::Identity,
    body: Body,
) -> Result<Signed, Malformed> {
    let mut salt = [0u8; 16];
    rand::RngCore::fill_bytes(&mut rand::rngs::OsRng, &mut salt);
    append_as(desk, head, identity, body, Format::V2 { salt })
}

/// [`append`] in a given format: a second approval reuses the first one's salt, so that both
/// commit to the same name (§10.1); vectors fix theirs.
pub fn append_as(
    desk: &DeskSlug,
    head: Option<(u64, [u8; 32])>,
    identity: &age::x25519::Identity,
    body: Body,
    format: Format,
) -> Result<Signed, Malformed> {
    let (seq, prev) = head.map_or((1, [0; 32]), |(seq, link)| (seq + 1, link));
    Statement {
        desk: desk.clone(),
        seq,
        prev,
        signer: super::signing::public_of(identity),
        body,
        format,
    }
    .sign(identity)
}

impl Signed {
    /// What the next statement's `prev` must be.
    pub fn link(&self) -> [u8; 32] {
        Sha256::new()
            .chain_update(LINK_PREFIX)
            .chain_update(&self.statement)
            .chain_update(self.signature)
            .finalize()
            .into()
    }
}

fn role_byte(role: Role) -> u8 {
    match role {
        Role::Worker => 1,
        Role::Supervisor => 2,
    }
}

fn put_str(out: &mut Vec<u8>, text: &[u8]) {
    // Every text put here is bounded far below u32 (slugs, names, recipients).
    out.extend_from_slice(&u32::try_from(text.len()).unwrap_or(u32::MAX).to_be_bytes());
    out.extend_from_slice(text);
}

#[cfg(test)]
mod tests;
