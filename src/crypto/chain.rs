//! Verifying a desk's chain of signed key statements on the device (docs/protocol.md §10.2),
//! from the root the device pinned, into the desk's state: which accounts are vetted, which desk
//! key is current, which partners hold which keys. Pure: no I/O, so every client can mirror it.

use std::collections::{BTreeMap, BTreeSet};

use super::statement::{Body, Format, Id, Signed, Statement};
use crate::domain::{DeskSlug, Fingerprint, Recipient, Role, SigningPublic};

mod state;

use state::Pending;
pub use state::{Account, DeskState, Partner};

/// What a device pinned: the desk's root safety number (typed at enrolment) and, once it has
/// verified a chain, the head it saw: (number of statements, link of the last).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Pins {
    pub root: Fingerprint,
    pub head: Option<(u64, [u8; 32])>,
}

/// Why a chain is refused. `code()` is stable: the vectors and the clients' messages use it.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ChainError {
    #[error("statement {0} is malformed: {1}")]
    Malformed(u64, &'static str),
    #[error("statement {0} is about another desk")]
    WrongDesk(u64),
    #[error("statement {0} is out of sequence")]
    Seq(u64),
    #[error("statement {0} does not follow the one before it")]
    Prev(u64),
    #[error("statement {0} is not signed by the key it names")]
    Signature(u64),
    #[error("the chain does not start at the desk root you pinned")]
    Root,
    #[error("statement {0} is signed by a key that is not an active account of the desk")]
    Signer(u64),
    #[error("statement {0} is signed by an account that is not a supervisor")]
    NotSupervisor(u64),
    #[error("statement {0} repeats what an earlier one said")]
    Duplicate(u64),
    #[error("statement {0} names a desk key version out of order or a key used before")]
    Version(u64),
    #[error("statement {0} is about an account or partner the chain does not know")]
    UnknownSubject(u64),
    #[error("statement {0} approves keys other than those earlier approvals named")]
    Conflict(u64),
    #[error("the chain is shorter than the one this device saw before")]
    Rollback,
    #[error("the chain differs from the one this device saw before")]
    Fork,
}

impl ChainError {
    /// The statement a refusal names, if it names one.
    pub fn seq(&self) -> Option<u64> {
        match *self {
            ChainError::Malformed(seq, _) => Some(seq),
            ChainError::WrongDesk(seq)
            | ChainError::Seq(seq)
            | ChainError::Prev(seq)
            | ChainError::Signature(seq)
            | ChainError::Signer(seq)
            | ChainError::NotSupervisor(seq)
            | ChainError::Duplicate(seq)
            | ChainError::Version(seq)
            | ChainError::UnknownSubject(seq)
            | ChainError::Conflict(seq) => Some(seq),
            ChainError::Root | ChainError::Rollback | ChainError::Fork => None,
        }
    }

    pub fn code(&self) -> &'static str {
        match self {
            ChainError::Malformed(..) => "malformed",
            ChainError::WrongDesk(_) => "wrong-desk",
            ChainError::Seq(_) => "seq",
            ChainError::Prev(_) => "prev",
            ChainError::Signature(_) => "signature",
            ChainError::Root => "root",
            ChainError::Signer(_) => "signer",
            ChainError::NotSupervisor(_) => "not-supervisor",
            ChainError::Duplicate(_) => "duplicate",
            ChainError::Version(_) => "version",
            ChainError::UnknownSubject(_) => "unknown-subject",
            ChainError::Conflict(_) => "conflict",
            ChainError::Rollback => "rollback",
            ChainError::Fork => "fork",
        }
    }
}

/// How a device reads the chain: as a desk's device, with every format-2 name opened (a name the
/// server withholds is refused), or in the public view, names known by their commitments only.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum View {
    Desk,
    Public,
}

/// Verifies `entries` (statements 1, 2, … of `desk`) from the pinned root and head, as a desk's
/// device reads them.
pub fn verify(desk: &DeskSlug, pins: &Pins, entries: &[Signed]) -> Result<DeskState, ChainError> {
    verify_as(View::Desk, desk, pins, entries)
}

/// Verifies `entries` in the public view (a reporter's device, §10.8): every check but names.
pub fn verify_public(
    desk: &DeskSlug,
    pins: &Pins,
    entries: &[Signed],
) -> Result<DeskState, ChainError> {
    verify_as(View::Public, desk, pins, entries)
}

fn verify_as(
    view: View,
    desk: &DeskSlug,
    pins: &Pins,
    entries: &[Signed],
) -> Result<DeskState, ChainError> {
    let mut state: Option<DeskState> = None;
    let mut prev_link = [0u8; 32];
    for (i, entry) in entries.iter().enumerate() {
        let seq = i as u64 + 1;
        let statement = match view {
            View::Desk => Statement::decode(&entry.statement, entry.opening.as_ref()),
            View::Public => Statement::decode_public(&entry.statement),
        }
        .map_err(|e| ChainError::Malformed(seq, e.0))?;
        if statement.desk != *desk {
            return Err(ChainError::WrongDesk(seq));
        }
        if statement.seq != seq {
            return Err(ChainError::Seq(seq));
        }
        if statement.prev != prev_link {
            return Err(ChainError::Prev(seq));
        }
        if !statement
            .signer
            .verifies(&entry.statement, &entry.signature)
        {
            return Err(ChainError::Signature(seq));
        }
        prev_link = entry.link();
        state = Some(match state {
            None => genesis(&statement, pins, prev_link)?,
            Some(mut state) => {
                apply(&mut state, &statement, seq)?;
                state.head = (seq, prev_link);
                state
            }
        });
    }
    let state = state.ok_or(ChainError::Root)?;
    if let Some((seen, link)) = pins.head {
        let seen_index = usize::try_from(seen).unwrap_or(usize::MAX);
        if entries.len() < seen_index || seen == 0 {
            return Err(ChainError::Rollback);
        }
        if entries[seen_index - 1].link() != link {
            return Err(ChainError::Fork);
        }
    }
    Ok(state)
}

fn genesis(statement: &Statement, pins: &Pins, link: [u8; 32]) -> Result<DeskState, ChainError> {
    let Body::Genesis {
        account,
        username,
        recipient,
        approvals_required,
    } = &statement.body
    else {
        return Err(ChainError::Root);
    };
    let root = Account {
        id: *account,
        username: username.clone(),
        role: Role::Supervisor,
        recipient: recipient.clone(),
        signing_key: statement.signer,
        revoked: false,
        format: statement.format,
    };
    if !pins.root.matches_typed(root.safety_number().as_str()) {
        return Err(ChainError::Root);
    }
    Ok(DeskState {
        desk: statement.desk.clone(),
        policy: *approvals_required,
        accounts: BTreeMap::from([(*account, root)]),
        pending: BTreeMap::new(),
        revoked_pending: BTreeSet::new(),
        supervisors_ever: 1,
        keys: vec![],
        partners: BTreeMap::new(),
        head: (1, link),
    })
}

/// Applies statement `seq` (not the first) to the state, after checking who signed it.
fn apply(state: &mut DeskState, statement: &Statement, seq: u64) -> Result<(), ChainError> {
    let signer = &statement.signer;
    // An account may revoke itself; everything else needs an active supervisor.
    if let Body::RevokeAccount { account } = &statement.body {
        let own = state
            .account(account)
            .is_some_and(|a| !a.revoked && a.signing_key == *signer);
        if own {
            return revoke_account(state, account, seq);
        }
    }
    match state.vetted_accounts().find(|a| a.signing_key == *signer) {
        None => return Err(ChainError::Signer(seq)),
        Some(a) if a.role != Role::Supervisor => return Err(ChainError::NotSupervisor(seq)),
        Some(_) => {}
    }
    match &statement.body {
        Body::Genesis { .. } => Err(ChainError::Duplicate(seq)),
        Body::Approval {
            account,
            username,
            role,
            recipient,
            signing_key,
        } => {
            let approved = Account {
                id: *account,
                username: username.clone(),
                role: *role,
                recipient: recipient.clone(),
                signing_key: *signing_key,
                revoked: false,
                format: statement.format,
            };
            approve(state, approved, signer, seq)
        }
        Body::DeskKey { version, recipient } => add_desk_key(state, *version, recipient, seq),
        Body::Partner {
            partner,
            name,
            recipient,
        } => {
            if state.partners.contains_key(partner) {
                return Err(ChainError::Duplicate(seq));
            }
            let entry = Partner {
                name: name.clone(),
                recipient: recipient.clone(),
                signing_key: None,
                revoked: false,
                format: statement.format,
            };
            state.partners.insert(*partner, entry);
            Ok(())
        }
        Body::PartnerKeys {
            partner,
            name,
            recipient,
            signing_key,
        } => {
            let entry = Partner {
                name: name.clone(),
                recipient: recipient.clone(),
                signing_key: Some(*signing_key),
                revoked: false,
                format: statement.format,
            };
            add_partner_keys(state, *partner, entry, seq)
        }
        Body::RevokeAccount { account } => revoke_account(state, account, seq),
        Body::RevokePartner { partner } => match state.partners.get_mut(partner) {
            None => Err(ChainError::UnknownSubject(seq)),
            Some(p) if p.revoked => Err(ChainError::Duplicate(seq)),
            Some(p) => {
                p.revoked = true;
                Ok(())
            }
        },
    }
}

/// A new partner with its signing key, or a partner a `partner` statement named (same name, same
/// recipient, active) gaining one. A partner that has a signing key keeps it.
fn add_partner_keys(
    state: &mut DeskState,
    id: Id,
    entry: Partner,
    seq: u64,
) -> Result<(), ChainError> {
    match state.partners.get_mut(&id) {
        None => {
            state.partners.insert(id, entry);
            Ok(())
        }
        Some(known) if known.signing_key.is_some() => Err(ChainError::Duplicate(seq)),
        Some(known)
            if known.revoked
                || known.name != entry.name
                || known.recipient != entry.recipient
                || !same_commitment(known.format, entry.format) =>
        {
            Err(ChainError::Conflict(seq))
        }
        Some(known) => {
            known.signing_key = entry.signing_key;
            Ok(())
        }
    }
}

/// Whether a later statement commits to a name as the first one did: a name first signed in the
/// clear may be committed to afterwards, but a commitment only with its own salt, so that the
/// public view, which compares commitments, reaches what a desk's device reaches.
fn same_commitment(first: Format, later: Format) -> bool {
    first == Format::V1 || first == later
}

fn approve(
    state: &mut DeskState,
    approved: Account,
    signer: &SigningPublic,
    seq: u64,
) -> Result<(), ChainError> {
    let id = approved.id;
    // The public view knows a sealed name by its commitment only, which differs for two accounts
    // of one name: it cannot tell that names repeat, and a desk's device can (§10.8).
    let name_known = !matches!(approved.format, Format::V2Sealed { .. });
    let name_taken = name_known
        && state
            .accounts
            .values()
            .any(|a| a.username == approved.username);
    if state.accounts.contains_key(&id) || name_taken || state.revoked_pending.contains(&id) {
        return Err(ChainError::Duplicate(seq));
    }
    // Keys belong to one account: a statement's signer must name one account, and a grant
    // sealed to a recipient must reach one person.
    let shares_keys = |other: &Account| {
        other.id != id
            && (other.signing_key == approved.signing_key || other.recipient == approved.recipient)
    };
    let pending_accounts = state.pending.values().map(|p| &p.account);
    if state
        .accounts
        .values()
        .chain(pending_accounts)
        .any(shares_keys)
    {
        return Err(ChainError::Conflict(seq));
    }
    let pending = state.pending.entry(id).or_insert_with(|| Pending {
        account: approved.clone(),
        approvers: BTreeSet::new(),
    });
    if pending.account != approved {
        return Err(ChainError::Conflict(seq));
    }
    if !pending.approvers.insert(signer.to_bytes()) {
        return Err(ChainError::Duplicate(seq));
    }
    if pending.approvers.len() >= state.required() {
        state.pending.remove(&id);
        if approved.role == Role::Supervisor {
            state.supervisors_ever += 1;
        }
        state.accounts.insert(id, approved);
    }
    Ok(())
}

fn add_desk_key(
    state: &mut DeskState,
    version: u64,
    recipient: &Recipient,
    seq: u64,
) -> Result<(), ChainError> {
    let in_order = state
        .current_key()
        .is_none_or(|(newest, _)| newest.checked_add(1) == Some(version));
    let reused = state.keys.iter().any(|(_, r)| r == recipient);
    if !in_order || reused {
        return Err(ChainError::Version(seq));
    }
    state.keys.push((version, recipient.clone()));
    Ok(())
}

fn revoke_account(state: &mut DeskState, id: &Id, seq: u64) -> Result<(), ChainError> {
    if let Some(account) = state.accounts.get_mut(id) {
        if account.revoked {
            return Err(ChainError::Duplicate(seq));
        }
        account.revoked = true;
        // Its approvals of others stop counting, as the server's rule does.
        let key = account.signing_key.to_bytes();
        for pending in state.pending.values_mut() {
            pending.approvers.remove(&key);
        }
        return Ok(());
    }
    if state.pending.remove(id).is_some() {
        state.revoked_pending.insert(*id);
        return Ok(());
    }
    Err(ChainError::UnknownSubject(seq))
}

#[cfg(test)]
mod tests;
