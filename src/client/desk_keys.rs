//! Desk keys on the devices of supervisors and workers: making the first desk key, vetting a
//! worker by encrypting the desk identity to the key whose safety number was checked out of band,
//! and unlocking one's own grants.

use zeroize::Zeroizing;

use super::{ApiClient, ClientError};
use crate::crypto::chain::DeskState;
use crate::crypto::statement::{append, append_as, Body, Format, Signed};
use crate::crypto::{seal, signing};
use crate::domain::{
    b64_decode, b64_encode, DeskSlug, Fingerprint, Recipient, SigningPublic, Username,
};
use crate::protocol::grants::{self, DeskKeys, GrantError};
use crate::protocol::keys::{
    AccountGrant, AccountView, DeskKeyView, NewDeskKey, Rotation, VetOutcome, Vetting,
};
use crate::protocol::statements::SignedStatement;

fn secret_text(identity: &age::x25519::Identity) -> Zeroizing<String> {
    Zeroizing::new(age::secrecy::ExposeSecret::expose_secret(&identity.to_string()).to_owned())
}

/// The desk's first key, made on this device, and the desk's root safety number: the
/// supervisor's own account number, which signs the desk's first statements (§10).
pub struct FirstKey {
    pub key: DeskKeyView,
    pub root: Fingerprint,
}

/// Makes the desk's first key on this device, grants it to the supervisor's own key, and signs
/// the desk's genesis and first desk key statements.
pub async fn init_desk_key(
    client: &ApiClient,
    token: &str,
    own: &age::x25519::Identity,
) -> Result<FirstKey, ClientError> {
    let me = client.whoami(token).await?;
    let desk_slug = DeskSlug::parse(&me.desk).map_err(|_| ClientError::Unexpected(200))?;
    let desk = age::x25519::Identity::generate();
    let desk_recipient = Recipient::from(desk.to_public());
    let grant = seal::seal(&[&own.to_public()], secret_text(&desk).as_bytes())
        .map_err(|e| ClientError::Usage(e.to_string()))?;
    let own_recipient = Recipient::from(own.to_public());
    let genesis = Body::Genesis {
        account: hex_id(&me.id)?,
        username: Username::parse(&me.username).map_err(|_| ClientError::Unexpected(200))?,
        recipient: own_recipient.clone(),
        approvals_required: u8::try_from(me.approvals_required.clamp(1, 2)).unwrap_or(1),
    };
    let genesis = sign(&desk_slug, None, own, genesis, None)?;
    let first_key = Body::DeskKey {
        version: 1,
        recipient: desk_recipient.clone(),
    };
    let first_key = sign(&desk_slug, Some((1, genesis.link())), own, first_key, None)?;
    let key = NewDeskKey {
        recipient: desk_recipient.as_str().to_owned(),
        grant: b64_encode(&grant),
        statements: vec![wire(&genesis), wire(&first_key)],
    };
    let key = client.init_desk_key(token, &key).await?;
    let root = Fingerprint::of_account(&own_recipient, &signing::public_of(own));
    Ok(FirstKey { key, root })
}

/// An account or partner id as the API shows it (32 hex digits), as bytes.
pub(super) fn hex_id(hex: &str) -> Result<[u8; 16], ClientError> {
    crate::domain::hex_decode_array(hex).ok_or(ClientError::Unexpected(200))
}

/// Signs `body` after `head`: in `format` when a statement about the same account or partner
/// fixed it (`DeskState::kept_format`), otherwise in format 2 with a fresh salt.
pub(super) fn sign(
    desk: &DeskSlug,
    head: Option<(u64, [u8; 32])>,
    own: &age::x25519::Identity,
    body: Body,
    format: Option<Format>,
) -> Result<Signed, ClientError> {
    match format {
        Some(format) => append_as(desk, head, own, body, format),
        None => append(desk, head, own, body),
    }
    .map_err(|e| ClientError::Usage(e.to_string()))
}

pub(super) fn wire(signed: &Signed) -> SignedStatement {
    SignedStatement {
        statement: b64_encode(&signed.statement),
        signature: b64_encode(&signed.signature),
        opening: signed.opening.as_ref().map(|o| b64_encode(&o.to_bytes())),
    }
}

impl From<GrantError> for ClientError {
    fn from(e: GrantError) -> Self {
        match e {
            GrantError::NoCurrentGrant(_) => ClientError::Usage(e.to_string()),
            GrantError::Malformed(_) => ClientError::Unexpected(200),
            _ => ClientError::Untrusted(e.to_string()),
        }
    }
}

/// The desk identities this account holds (`protocol::grants::unlock`): its grants fetched, each
/// opened with its own identity and checked against the verified chain `state` (from
/// `trust::verified` or `trust::checked`).
pub async fn unlock(
    client: &ApiClient,
    token: &str,
    own: &age::x25519::Identity,
    state: &DeskState,
) -> Result<DeskKeys, ClientError> {
    let grants = client.grants(token).await?;
    Ok(grants::unlock(own, &grants, state)?)
}

/// Who a rotation granted the new key to, as the chain knows them.
pub struct Receiver {
    pub username: String,
    /// Their account safety number, from the keys the chain signs.
    pub safety_number: Fingerprint,
}

/// What a rotation did.
pub struct Rotated {
    pub key: DeskKeyView,
    /// The accounts granted the new key.
    pub receivers: Vec<Receiver>,
    /// Accounts the server lists as vetted that no statement vets, or that a statement revoked:
    /// not granted.
    pub unsigned: Vec<String>,
}

/// Rotates the desk key: a new identity made here, granted to every account the verified chain
/// vets, each sealed to the keys the chain signs. An account the server lists as disabled (or
/// does not list) is left out: following an exclusion is safe; an account only the server calls
/// vetted gets nothing.
pub async fn rotate(
    client: &ApiClient,
    token: &str,
    own: &age::x25519::Identity,
    state: &DeskState,
) -> Result<Rotated, ClientError> {
    let listed = client.accounts(token).await?;
    let active = |id: &[u8; 16]| {
        listed.iter().any(|a| {
            hex_id(&a.id).is_ok_and(|listed_id| listed_id == *id)
                && a.status == crate::domain::AccountStatus::Vetted
        })
    };
    let desk = age::x25519::Identity::generate();
    let secret = secret_text(&desk);
    let (mut grants, mut receivers) = (vec![], vec![]);
    for account in state.vetted_accounts().filter(|a| active(&a.id)) {
        let sealed = seal::seal(&[account.recipient.age()], secret.as_bytes())
            .map_err(|e| ClientError::Usage(e.to_string()))?;
        grants.push(AccountGrant {
            username: account.username.as_str().to_owned(),
            grant: b64_encode(&sealed),
        });
        receivers.push(Receiver {
            username: account.username.as_str().to_owned(),
            safety_number: account.safety_number(),
        });
    }
    receivers.sort_by(|a: &Receiver, b: &Receiver| a.username.cmp(&b.username));
    let unsigned = listed
        .iter()
        .filter(|a| a.status == crate::domain::AccountStatus::Vetted)
        .filter(|a| hex_id(&a.id).map_or(true, |id| state.account(&id).is_none_or(|c| c.revoked)))
        .map(|a| a.username.clone())
        .collect();
    let recipient = Recipient::from(desk.to_public());
    let (version, _) = state
        .current_key()
        .ok_or_else(|| ClientError::Untrusted("the desk's statements sign no desk key".into()))?;
    let next = Body::DeskKey {
        version: version + 1,
        recipient: recipient.clone(),
    };
    let statement = sign(state.desk(), Some(state.head()), own, next, None)?;
    let rotation = Rotation {
        recipient: recipient.as_str().to_owned(),
        grants,
        statements: vec![wire(&statement)],
    };
    let key = client.rotate_desk_key(token, &rotation).await?;
    Ok(Rotated {
        key,
        receivers,
        unsigned,
    })
}

/// An account's safety number computed on this device from the two public keys the server
/// lists (§9.1); `None` for an account with no signing key yet (enrolled before signing keys,
/// and not logged in since).
pub fn account_safety_number(account: &AccountView) -> Result<Option<Fingerprint>, ClientError> {
    let recipient =
        Recipient::parse(&account.recipient).map_err(|_| ClientError::Unexpected(200))?;
    if account.signing_key.is_none() {
        return Ok(None);
    }
    Ok(Some(Fingerprint::of_account(
        &recipient,
        &signing_key_of(account)?,
    )))
}

pub(super) fn signing_key_of(account: &AccountView) -> Result<SigningPublic, ClientError> {
    account
        .signing_key
        .as_deref()
        .and_then(b64_decode)
        .and_then(|bytes| SigningPublic::from_bytes(&bytes).ok())
        .ok_or(ClientError::Unexpected(200))
}

/// What a vetting approval did.
pub struct Vetted {
    /// The safety number of the key, computed here.
    pub fingerprint: Fingerprint,
    /// Vetted, or still pending until more supervisors approve.
    pub outcome: VetOutcome,
}

/// Vets `username`: refuses unless `typed_safety_number` (read from the new worker's own screen)
/// matches the account number computed here from the keys the server lists, then sends a signed
/// approval of exactly those keys. Only the approval that completes vetting by the verified
/// chain's count carries a grant of the chain's current key: an earlier one holds nothing a
/// server could keep and use (docs/protocol.md §6).
pub async fn vet(
    client: &ApiClient,
    token: &str,
    own: &age::x25519::Identity,
    keys: &DeskKeys,
    state: &DeskState,
    username: &str,
    typed_safety_number: &str,
) -> Result<Vetted, ClientError> {
    let accounts = client.accounts(token).await?;
    let account = accounts
        .iter()
        .find(|a| a.username == username)
        .ok_or_else(|| {
            ClientError::Usage(format!("there is no account {username:?} in this desk"))
        })?;
    // Computed here from the keys themselves: the server's own fingerprint field is not trusted.
    let recipient =
        Recipient::parse(&account.recipient).map_err(|_| ClientError::Unexpected(200))?;
    let fingerprint = account_safety_number(account)?.ok_or_else(|| {
        ClientError::Usage(format!(
            "{username}'s account has no signing key yet: ask them to log in once with an \
             up-to-date resguardo, then to read you the safety number it prints"
        ))
    })?;
    if !fingerprint.matches_typed(typed_safety_number) {
        return Err(ClientError::Usage(format!(
            "the safety number does not match {username}'s keys; do not vet: the keys may not \
             be theirs. Compare again with their own screen (the expected number is not shown, \
             so that nobody is talked into copying it)"
        )));
    }
    let id = hex_id(&account.id)?;
    let last = state.approvals(&id) + 1 >= state.required();
    let grant = if last {
        let desk = keys.current_identity_or_refuse()?;
        let sealed = seal::seal(&[recipient.age()], secret_text(desk).as_bytes())
            .map_err(|e| ClientError::Usage(e.to_string()))?;
        Some(b64_encode(&sealed))
    } else {
        None
    };
    let approval = Body::Approval {
        account: id,
        username: Username::parse(&account.username).map_err(|_| ClientError::Unexpected(200))?,
        role: account.role,
        recipient: recipient.clone(),
        signing_key: signing_key_of(account)?,
    };
    let format = state.kept_format(&approval);
    let statement = sign(state.desk(), Some(state.head()), own, approval, format)?;
    let vetting = Vetting {
        key_version: keys.current.0,
        grant,
        statement: Some(wire(&statement)),
    };
    let outcome = client.vet(token, username, &vetting).await?;
    Ok(Vetted {
        fingerprint,
        outcome,
    })
}
