//! Signed key statements (docs/protocol.md §10): what a desk's supervisors sign about its keys, one
//! hash-linked chain per desk. The byte format is fixed here; what a chain means is `chain.rs`.
//!
//! ```text
//! statement = "resguardo/statement/v1" 0x00 · kind u8 · desk str · seq u64be · prev [32]
//!             · signer [32] · body (by kind; nothing may follow it)
//! str(x)    = u32be(len x) · x, len ≤ 1024
//! signature = Ed25519(signer, statement)
//! link      = SHA-256("resguardo/statement/v1/link" 0x00 · statement · signature)
//! ```
//!
//! There is no JSON inside a signature and no time: order is `seq`.

use sha2::{Digest, Sha256};

use crate::domain::{DeskSlug, Recipient, Role, SigningPublic, Username};

const PREFIX: &[u8] = b"resguardo/statement/v1\0";
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
}

/// A statement's bytes and its signature, as stored and served.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Signed {
    pub statement: Vec<u8>,
    pub signature: [u8; 64],
}

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
#[error("not a well-formed key statement: {0}")]
pub struct Malformed(pub &'static str);

impl Statement {
    pub fn encode(&self) -> Vec<u8> {
        let mut out = PREFIX.to_vec();
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
                put_str(&mut out, username.as_str().as_bytes());
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
                put_str(&mut out, username.as_str().as_bytes());
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
                put_str(&mut out, name.as_bytes());
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
                put_str(&mut out, name.as_bytes());
                put_str(&mut out, recipient.as_str().as_bytes());
                out.extend_from_slice(&signing_key.to_bytes());
            }
        }
        out
    }

    /// Parses a statement strictly: every field in its set, canonical texts, nothing left over.
    pub fn decode(bytes: &[u8]) -> Result<Self, Malformed> {
        if bytes.len() > MAX_BYTES {
            return Err(Malformed("longer than 2048 bytes"));
        }
        let mut r = Reader(bytes);
        if r.take(PREFIX.len())? != PREFIX {
            return Err(Malformed("not a resguardo/statement/v1"));
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
            1 => Body::Genesis {
                account: r.array()?,
                username: r.username()?,
                recipient: r.recipient()?,
                approvals_required: match r.byte()? {
                    n @ (1 | 2) => n,
                    _ => return Err(Malformed("approvals_required")),
                },
            },
            2 => Body::Approval {
                account: r.array()?,
                username: r.username()?,
                role: match r.byte()? {
                    1 => Role::Worker,
                    2 => Role::Supervisor,
                    _ => return Err(Malformed("role")),
                },
                recipient: r.recipient()?,
                signing_key: r.signing_key()?,
            },
            3 => Body::DeskKey {
                version: match r.u64()? {
                    0 => return Err(Malformed("version 0")),
                    v => v,
                },
                recipient: r.recipient()?,
            },
            4 => Body::Partner {
                partner: r.array()?,
                name: r.partner_name()?,
                recipient: r.recipient()?,
            },
            5 => Body::RevokeAccount {
                account: r.array()?,
            },
            6 => Body::RevokePartner {
                partner: r.array()?,
            },
            7 => Body::PartnerKeys {
                partner: r.array()?,
                name: r.partner_name()?,
                recipient: r.recipient()?,
                signing_key: r.signing_key()?,
            },
            _ => return Err(Malformed("unknown kind")),
        };
        if !r.0.is_empty() {
            return Err(Malformed("bytes after the body"));
        }
        Ok(Self {
            desk,
            seq,
            prev,
            signer,
            body,
        })
    }

    /// Signs with the account whose identity this is (its signing key, §9.1). Only what every
    /// verifier can decode is signed: a partner name of 101 characters, say, is refused here.
    pub fn sign(&self, identity: &age::x25519::Identity) -> Result<Signed, Malformed> {
        let statement = self.encode();
        Self::decode(&statement)?;
        let signature = super::signing::sign(identity, &statement);
        Ok(Signed {
            statement,
            signature,
        })
    }
}

/// Signs `body` as `desk`'s statement after `head` (the (seq, link) of the last one; `None` for
/// the first) with the account whose identity this is.
pub fn append(
    desk: &DeskSlug,
    head: Option<(u64, [u8; 32])>,
    identity: &age::x25519::Identity,
    body: Body,
) -> Result<Signed, Malformed> {
    let (seq, prev) = head.map_or((1, [0; 32]), |(seq, link)| (seq + 1, link));
    Statement {
        desk: desk.clone(),
        seq,
        prev,
        signer: super::signing::public_of(identity),
        body,
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

struct Reader<'a>(&'a [u8]);

impl<'a> Reader<'a> {
    fn take(&mut self, n: usize) -> Result<&'a [u8], Malformed> {
        if self.0.len() < n {
            return Err(Malformed("truncated"));
        }
        let (head, rest) = self.0.split_at(n);
        self.0 = rest;
        Ok(head)
    }

    fn array<const N: usize>(&mut self) -> Result<[u8; N], Malformed> {
        self.take(N)?.try_into().map_err(|_| Malformed("truncated"))
    }

    fn byte(&mut self) -> Result<u8, Malformed> {
        Ok(self.array::<1>()?[0])
    }

    fn u64(&mut self) -> Result<u64, Malformed> {
        Ok(u64::from_be_bytes(self.array()?))
    }

    fn text(&mut self) -> Result<&'a str, Malformed> {
        let len = u32::from_be_bytes(self.array()?) as usize;
        if len > MAX_STR {
            return Err(Malformed("a text longer than 1024 bytes"));
        }
        std::str::from_utf8(self.take(len)?).map_err(|_| Malformed("a text that is not UTF-8"))
    }

    /// 1 to 100 characters (Unicode scalar values), none of them a control character: what
    /// a person reads before referring a case there.
    fn partner_name(&mut self) -> Result<String, Malformed> {
        let text = self.text()?;
        let chars = text.chars().count();
        if (1..=100).contains(&chars) && !text.chars().any(char::is_control) {
            Ok(text.to_owned())
        } else {
            Err(Malformed("partner name"))
        }
    }

    fn signing_key(&mut self) -> Result<SigningPublic, Malformed> {
        SigningPublic::from_bytes(&self.array::<32>()?).map_err(|_| Malformed("signing key"))
    }

    fn username(&mut self) -> Result<Username, Malformed> {
        Username::parse(self.text()?).map_err(|_| Malformed("username"))
    }

    /// A recipient in its canonical text only: another spelling of the same key is refused, so
    /// that one key has one encoding and one link.
    fn recipient(&mut self) -> Result<Recipient, Malformed> {
        let text = self.text()?;
        match Recipient::parse(text) {
            Ok(recipient) if recipient.as_str() == text => Ok(recipient),
            _ => Err(Malformed("recipient")),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample(body: Body) -> Statement {
        let signer = age::x25519::Identity::generate();
        Statement {
            desk: DeskSlug::parse("gt").unwrap(),
            seq: 3,
            prev: [7; 32],
            signer: super::super::signing::public_of(&signer),
            body,
        }
    }

    #[test]
    fn every_kind_round_trips() {
        let recipient = Recipient::from(age::x25519::Identity::generate().to_public());
        let key = super::super::signing::public_of(&age::x25519::Identity::generate());
        let ana = Username::parse("ana").unwrap();
        for body in [
            Body::Genesis {
                account: [1; 16],
                username: ana.clone(),
                recipient: recipient.clone(),
                approvals_required: 2,
            },
            Body::Approval {
                account: [2; 16],
                username: ana,
                role: Role::Supervisor,
                recipient: recipient.clone(),
                signing_key: key,
            },
            Body::DeskKey {
                version: 4,
                recipient: recipient.clone(),
            },
            Body::Partner {
                partner: [3; 16],
                name: "Bufete Popular, Zona 1".into(),
                recipient: recipient.clone(),
            },
            Body::RevokeAccount { account: [4; 16] },
            Body::RevokePartner { partner: [5; 16] },
            Body::PartnerKeys {
                partner: [6; 16],
                name: "Acompañamiento Psicosocial".into(),
                recipient,
                signing_key: key,
            },
        ] {
            let statement = sample(body);
            assert_eq!(Statement::decode(&statement.encode()), Ok(statement));
        }
    }

    #[test]
    fn decoding_is_strict() {
        let recipient = Recipient::from(age::x25519::Identity::generate().to_public());
        let statement = sample(Body::DeskKey {
            version: 1,
            recipient: recipient.clone(),
        });
        let bytes = statement.encode();
        let refused = |bytes: &[u8]| Statement::decode(bytes).is_err();
        assert!(refused(&[bytes.as_slice(), &[0]].concat()), "trailing byte");
        assert!(refused(&bytes[..bytes.len() - 1]), "truncated");
        let mut kind = bytes.clone();
        kind[PREFIX.len()] = 9;
        assert!(refused(&kind), "unknown kind");
        // The same key in upper case is another encoding: refused.
        let upper = bytes
            .windows(recipient.as_str().len())
            .position(|w| w == recipient.as_str().as_bytes())
            .unwrap();
        let mut shouting = bytes.clone();
        shouting[upper..upper + recipient.as_str().len()]
            .copy_from_slice(recipient.as_str().to_uppercase().as_bytes());
        assert!(refused(&shouting), "non-canonical recipient");
        let zero_version = sample(Body::DeskKey {
            version: 0,
            recipient,
        });
        assert!(refused(&zero_version.encode()), "version 0");
        assert!(refused(&vec![0; MAX_BYTES + 1]), "too long");
    }
}
