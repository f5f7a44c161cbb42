//! Starting the statement chain of a desk whose key was made before statements existed
//! (`resguardo desk init-chain`, docs/protocol.md §10.4). The supervisor running it signs what
//! the desk already holds: a genesis naming their own account (whose number becomes the desk
//! root), the desk's current key, which they must hold a grant of, and an approval of each
//! vetted account whose account number they compared with the person, and each active partner
//! whose key's number they compared with the partner's. Under a policy of two approvals, a
//! second supervisor runs it too, to add their approvals.

use super::desk_keys::{hex_id, wire};
use super::desk_statements::sign_all;
use super::{ApiClient, ClientError};
use crate::crypto::chain::DeskState;
use crate::crypto::signing;
use crate::crypto::statement::Body;
use crate::domain::{
    AccountStatus, DeskSlug, Fingerprint, PartnerName, PartnerStatus, Recipient, Role, Username,
};
use crate::protocol::grants::open_grant;
use crate::protocol::keys::AccountView;
use crate::protocol::referrals::PartnerView;
use crate::protocol::statements::ExistingStatements;

/// An account the desk vets, or an active partner, that this supervisor has not signed yet.
pub struct Candidate {
    /// The user name, or the partner's name.
    pub name: String,
    /// The account's role; `None` for a partner.
    pub role: Option<Role>,
    /// Computed here from the keys the server lists: the account safety number (§9.1), or the
    /// partner key's safety number (§9). Compare it with the person's or partner's own.
    pub safety_number: Fingerprint,
    body: Body,
}

/// What `init-chain` signed.
pub struct Started {
    /// The desk root, when this run made the genesis: the caller's account number.
    pub root: Option<Fingerprint>,
    /// The desk key version signed, when this run signed it.
    pub key_version: Option<i64>,
    /// The accounts approved and the partners signed, by name.
    pub approved: Vec<String>,
}

/// Signs what the desk holds. `state` is the verified chain, or `None` for a desk without
/// statements. `confirm(candidate)` asks the person at the device whether to approve that
/// account (for the CLI: the account number read from the person's own screen); an account not
/// confirmed stops the run before anything is sent.
pub async fn start(
    client: &ApiClient,
    token: &str,
    own: &age::x25519::Identity,
    state: Option<&DeskState>,
    mut confirm: impl FnMut(&Candidate) -> Result<bool, ClientError>,
) -> Result<Started, ClientError> {
    let me = client.whoami(token).await?;
    let my_id = hex_id(&me.id)?;
    let own_key = signing::public_of(own);
    let own_recipient = Recipient::from(own.to_public());
    if let Some(state) = state {
        let supervisor = state
            .account(&my_id)
            .is_some_and(|a| a.role == Role::Supervisor && !a.revoked);
        if !supervisor {
            return Err(ClientError::Usage(
                "the desk's statements do not vet you as a supervisor: only one may sign".into(),
            ));
        }
    }
    let mut candidates = candidates(&client.accounts(token).await?, &my_id, &own_key, state)?;
    candidates.extend(partner_candidates(&client.partners(token).await?, state)?);
    for candidate in &candidates {
        if !confirm(candidate)? {
            return Err(ClientError::Usage(format!(
                "{} was not confirmed: nothing was signed",
                candidate.name
            )));
        }
    }
    let slug = DeskSlug::parse(&me.desk).map_err(|_| ClientError::Unexpected(200))?;
    let mut bodies = vec![];
    let root = if state.is_none() {
        bodies.push(Body::Genesis {
            account: my_id,
            username: Username::parse(&me.username).map_err(|_| ClientError::Unexpected(200))?,
            recipient: own_recipient.clone(),
            approvals_required: u8::try_from(me.approvals_required.clamp(1, 2)).unwrap_or(1),
        });
        Some(Fingerprint::of_account(&own_recipient, &own_key))
    } else {
        None
    };
    let key_version = if state.is_none_or(|s| s.current_key().is_none()) {
        let (version, recipient) = held_desk_key(client, token, own, &slug).await?;
        bodies.push(Body::DeskKey {
            version: u64::try_from(version).map_err(|_| ClientError::Unexpected(200))?,
            recipient,
        });
        Some(version)
    } else {
        None
    };
    bodies.extend(candidates.iter().map(|c| c.body.clone()));
    if bodies.is_empty() {
        return Err(ClientError::Usage(
            "nothing to sign: the desk's statements already vet every account you could approve"
                .into(),
        ));
    }
    let signed = sign_all(&slug, state, own, bodies)?;
    let request = ExistingStatements {
        statements: signed.iter().map(wire).collect(),
    };
    client.sign_existing(token, &request).await?;
    Ok(Started {
        root,
        key_version,
        approved: candidates.into_iter().map(|c| c.name).collect(),
    })
}

/// Vetted accounts (supervisors first, so a second supervisor counts for the workers after),
/// other than the caller, that the chain does not vet and the caller has not approved. Refused
/// if one has no signing key yet: its number could not be compared.
fn candidates(
    listed: &[AccountView],
    me: &[u8; 16],
    own_key: &crate::domain::SigningPublic,
    state: Option<&DeskState>,
) -> Result<Vec<Candidate>, ClientError> {
    let mut out = vec![];
    let mut without_key = vec![];
    for account in listed.iter().filter(|a| a.status == AccountStatus::Vetted) {
        let id = hex_id(&account.id)?;
        let signed =
            state.is_some_and(|s| s.account(&id).is_some() || s.has_approved(&id, own_key));
        if id == *me || signed {
            continue;
        }
        let Some(safety_number) = super::desk_keys::account_safety_number(account)? else {
            without_key.push(account.username.clone());
            continue;
        };
        let approval = Body::Approval {
            account: id,
            username: Username::parse(&account.username)
                .map_err(|_| ClientError::Unexpected(200))?,
            role: account.role,
            recipient: Recipient::parse(&account.recipient)
                .map_err(|_| ClientError::Unexpected(200))?,
            signing_key: super::desk_keys::signing_key_of(account)?,
        };
        out.push(Candidate {
            name: account.username.clone(),
            role: Some(account.role),
            safety_number,
            body: approval,
        });
    }
    if !without_key.is_empty() {
        return Err(ClientError::Usage(format!(
            "these vetted accounts have no signing key yet: {}. Ask each to log in once with an \
             up-to-date resguardo (or disable the account), then run this again",
            without_key.join(", ")
        )));
    }
    out.sort_by_key(|c| c.role != Some(Role::Supervisor));
    Ok(out)
}

/// Active partners of the directory whose key the chain does not hold yet.
fn partner_candidates(
    listed: &[PartnerView],
    state: Option<&DeskState>,
) -> Result<Vec<Candidate>, ClientError> {
    let mut out = vec![];
    for partner in listed.iter().filter(|p| p.status == PartnerStatus::Active) {
        let id = hex_id(&partner.id)?;
        if state.is_some_and(|s| s.knows_partner(&id)) {
            continue;
        }
        let recipient =
            Recipient::parse(&partner.recipient).map_err(|_| ClientError::Unexpected(200))?;
        let name = PartnerName::parse(&partner.name).map_err(|_| {
            ClientError::Usage(format!(
                "partner {:?} has a name a statement cannot carry: disable it and add it again",
                partner.name
            ))
        })?;
        out.push(Candidate {
            name: partner.name.clone(),
            role: None,
            safety_number: recipient.fingerprint(),
            body: Body::Partner {
                partner: id,
                name: name.as_str().to_owned(),
                recipient,
            },
        });
    }
    Ok(out)
}

/// The desk's current key as the server lists it, checked against the caller's own grant of
/// that version: the supervisor signs only a key they hold.
async fn held_desk_key(
    client: &ApiClient,
    token: &str,
    own: &age::x25519::Identity,
    slug: &DeskSlug,
) -> Result<(i64, Recipient), ClientError> {
    let desk = client.desk(slug.as_str()).await?;
    let listed = Recipient::parse(&desk.recipient).map_err(|_| ClientError::Unexpected(200))?;
    let grants = client.grants(token).await?;
    let grant = grants
        .iter()
        .find(|g| g.key_version == desk.key_version)
        .ok_or_else(|| {
            ClientError::Usage(format!(
                "you hold no grant of the desk's current key (version {}): a supervisor who \
                 holds it must run this",
                desk.key_version
            ))
        })?;
    let identity = open_grant(own, grant)?;
    if Recipient::from(identity.to_public()) != listed {
        return Err(ClientError::Untrusted(format!(
            "your grant of desk key version {} holds another key than the one the server hands \
             reporters: do not sign it",
            desk.key_version
        )));
    }
    Ok((desk.key_version, listed))
}
