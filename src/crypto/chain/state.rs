//! What a verified chain says about a desk (docs/protocol.md §10.2): its accounts, partners and
//! keys, read by every command that encrypts, grants or checks a signature. Only `verify` in the
//! parent module builds one.

use std::collections::{BTreeMap, BTreeSet};

use crate::crypto::statement::{Body, Format, Id};
use crate::domain::{DeskSlug, Fingerprint, Recipient, Role, SigningPublic, Username};

/// An account as the chain knows it.
#[derive(Debug, Clone, PartialEq)]
pub struct Account {
    pub id: Id,
    pub username: Username,
    pub role: Role,
    pub recipient: Recipient,
    pub signing_key: SigningPublic,
    pub revoked: bool,
    /// How the statement that vetted it carried its name: two approvals of one account must
    /// commit to its name alike (the same salt), or the public view would see two accounts.
    pub format: Format,
}

impl Account {
    /// The account's safety number (§9.1), from the keys the chain signs.
    pub fn safety_number(&self) -> Fingerprint {
        Fingerprint::of_account(&self.recipient, &self.signing_key)
    }
}

/// A partner as the chain knows it.
#[derive(Debug, Clone, PartialEq)]
pub struct Partner {
    pub name: String,
    pub recipient: Recipient,
    /// The key its answers are signed with; `None` for a partner signed before partners had one.
    pub signing_key: Option<SigningPublic>,
    pub revoked: bool,
    /// How the statement that named it carried its name (see [`Account::format`]).
    pub format: Format,
}

impl Partner {
    /// The number the supervisor compared: over both keys (§9.1) once the partner has a signing
    /// key, over the recipient alone (§9) before.
    pub fn safety_number(&self) -> Fingerprint {
        match &self.signing_key {
            Some(signing_key) => Fingerprint::of_account(&self.recipient, signing_key),
            None => self.recipient.fingerprint(),
        }
    }
}

/// Approvals of one pending account: the exact keys approved, and by whom.
#[derive(Debug, Clone)]
pub(super) struct Pending {
    pub(super) account: Account,
    pub(super) approvers: BTreeSet<[u8; 32]>,
}

/// What a verified chain says about the desk.
#[derive(Debug, Clone)]
pub struct DeskState {
    pub(super) desk: DeskSlug,
    pub(super) policy: u8,
    pub(super) accounts: BTreeMap<Id, Account>,
    pub(super) pending: BTreeMap<Id, Pending>,
    pub(super) revoked_pending: BTreeSet<Id>,
    pub(super) supervisors_ever: usize,
    pub(super) keys: Vec<(u64, Recipient)>,
    pub(super) partners: BTreeMap<Id, Partner>,
    pub(super) head: (u64, [u8; 32]),
}

impl DeskState {
    /// The desk the chain is about.
    pub fn desk(&self) -> &DeskSlug {
        &self.desk
    }

    /// The newest signed desk key: what every device encrypts to.
    pub fn current_key(&self) -> Option<(u64, &Recipient)> {
        self.keys.last().map(|(v, r)| (*v, r))
    }

    /// The key of a signed version.
    pub fn key(&self, version: u64) -> Option<&Recipient> {
        self.keys
            .iter()
            .find(|(v, _)| *v == version)
            .map(|(_, r)| r)
    }

    /// The first signed version: grants below it are legacy, kept for decrypting only.
    pub fn first_version(&self) -> Option<u64> {
        self.keys.first().map(|(v, _)| *v)
    }

    /// A vetted account (revoked or not).
    pub fn account(&self, id: &Id) -> Option<&Account> {
        self.accounts.get(id)
    }

    pub fn account_by_name(&self, username: &str) -> Option<&Account> {
        self.accounts
            .values()
            .find(|a| a.username.as_str() == username)
    }

    /// Every account the chain ever vetted, revoked ones included.
    pub fn accounts(&self) -> impl Iterator<Item = &Account> {
        self.accounts.values()
    }

    /// Vetted accounts that are not revoked: those a desk key may be granted to.
    pub fn vetted_accounts(&self) -> impl Iterator<Item = &Account> {
        self.accounts.values().filter(|a| !a.revoked)
    }

    /// Distinct active supervisors who have approved a pending account so far.
    pub fn approvals(&self, id: &Id) -> usize {
        self.pending.get(id).map_or(0, |p| p.approvers.len())
    }

    /// The format a statement about someone the chain names already must keep, so that both
    /// commit to the name alike (protocol §10.1): a further approval takes the pending ones', a
    /// partner's signing key the sealed partner statement's. `None`: a fresh salt will do.
    /// Only a desk's device signs: in the public view the salt is unknown, and this is `None`.
    pub fn kept_format(&self, body: &Body) -> Option<Format> {
        let kept = match body {
            Body::Approval { account, .. } => self.pending.get(account).map(|p| p.account.format),
            Body::PartnerKeys { partner, .. } => self
                .partners
                .get(partner)
                .map(|p| p.format)
                .filter(|f| *f != Format::V1),
            _ => None,
        };
        kept.filter(|f| !matches!(f, Format::V2Sealed { .. }))
    }

    /// Whether `signer` has approved the pending account `id` already.
    pub fn has_approved(&self, id: &Id, signer: &SigningPublic) -> bool {
        self.pending
            .get(id)
            .is_some_and(|p| p.approvers.contains(&signer.to_bytes()))
    }

    /// Approvals a pending account needs now: the policy, capped by the supervisors the desk ever
    /// had (so a desk's first supervisor can vet the second; revoking one never lowers it).
    pub fn required(&self) -> usize {
        usize::from(self.policy).min(self.supervisors_ever).max(1)
    }

    /// Whether the chain has signed this partner's key (revoked since, or not).
    pub fn knows_partner(&self, id: &Id) -> bool {
        self.partners.contains_key(id)
    }

    /// The key the chain signed for a partner, revoked since or not: a referral made before a
    /// revocation stays readable to the partner it was made for.
    pub fn partner_key(&self, id: &Id) -> Option<&Recipient> {
        self.partners.get(id).map(|p| &p.recipient)
    }

    /// A partner the chain signed, revoked since or not: its answers written before a revocation
    /// still verify.
    pub fn partner_ever(&self, id: &Id) -> Option<&Partner> {
        self.partners.get(id)
    }

    /// Every partner the chain signed, revoked since or not.
    pub fn partners(&self) -> impl Iterator<Item = &Partner> {
        self.partners.values()
    }

    /// An active partner.
    pub fn partner(&self, id: &Id) -> Option<&Partner> {
        self.partners.get(id).filter(|p| !p.revoked)
    }

    /// (number of statements, link of the last): what the device pins next.
    pub fn head(&self) -> (u64, [u8; 32]) {
        self.head
    }
}
