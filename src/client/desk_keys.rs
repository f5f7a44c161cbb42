//! Desk keys on the devices of supervisors and workers: making the first desk key, vetting a
//! worker by encrypting the desk identity to the key whose safety number was checked out of band,
//! and unlocking one's own grants.

use std::str::FromStr;

use zeroize::Zeroizing;

use super::{ApiClient, ClientError};
use crate::crypto::statement::{append, Body, Signed};
use crate::crypto::{seal, signing};
use crate::domain::{
    b64_decode, b64_encode, DeskSlug, Fingerprint, Recipient, SigningPublic, Username,
};
use crate::server::routes::keys::{
    AccountGrant, AccountView, DeskKeyView, NewDeskKey, Rotation, VetOutcome, Vetting,
};
use crate::server::routes::statements::SignedStatement;

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
        account: account_id(&me.id)?,
        username: Username::parse(&me.username).map_err(|_| ClientError::Unexpected(200))?,
        recipient: own_recipient.clone(),
        approvals_required: u8::try_from(me.approvals_required.clamp(1, 2)).unwrap_or(1),
    };
    let genesis = sign(&desk_slug, None, own, genesis)?;
    let first_key = Body::DeskKey {
        version: 1,
        recipient: desk_recipient.clone(),
    };
    let first_key = sign(&desk_slug, Some((1, genesis.link())), own, first_key)?;
    let key = NewDeskKey {
        recipient: desk_recipient.as_str().to_owned(),
        grant: b64_encode(&grant),
        statements: vec![wire(&genesis), wire(&first_key)],
    };
    let key = client.init_desk_key(token, &key).await?;
    let root = Fingerprint::of_account(&own_recipient, &signing::public_of(own));
    Ok(FirstKey { key, root })
}

/// Lower-case or upper-case hex, decoded; `None` for anything else.
pub fn unhex(text: &str) -> Option<Vec<u8>> {
    if text.len() % 2 != 0 {
        return None;
    }
    (0..text.len())
        .step_by(2)
        .map(|i| {
            text.get(i..i + 2)
                .and_then(|h| u8::from_str_radix(h, 16).ok())
        })
        .collect()
}

/// An account id as the API shows it (32 hex digits).
fn account_id(hex: &str) -> Result<[u8; 16], ClientError> {
    unhex(hex)
        .and_then(|b| b.try_into().ok())
        .ok_or(ClientError::Unexpected(200))
}

fn sign(
    desk: &DeskSlug,
    head: Option<(u64, [u8; 32])>,
    own: &age::x25519::Identity,
    body: Body,
) -> Result<Signed, ClientError> {
    append(desk, head, own, body).map_err(|e| ClientError::Usage(e.to_string()))
}

fn wire(signed: &Signed) -> SignedStatement {
    SignedStatement {
        statement: b64_encode(&signed.statement),
        signature: b64_encode(&signed.signature),
    }
}

/// The head (seq, link) of the chain the server serves, to sign the next statement after;
/// `None` for a desk without statements (made by a client older than them), where nothing is
/// signed. Verifying the chain from a pinned root is not done here yet (docs/protocol.md §10).
async fn served_head(
    client: &ApiClient,
    token: &str,
) -> Result<Option<(u64, [u8; 32])>, ClientError> {
    let served = super::trust::served(client, token).await?;
    Ok(served.last().map(|last| (served.len() as u64, last.link())))
}

/// The desk identities this account holds, by key version, unlocked with its own identity.
pub async fn desk_identities(
    client: &ApiClient,
    token: &str,
    own: &age::x25519::Identity,
) -> Result<Vec<(i64, age::x25519::Identity)>, ClientError> {
    let grants = client.grants(token).await?;
    grants
        .iter()
        .map(|g| {
            let wrapped = b64_decode(&g.wrapped_key).ok_or(ClientError::Unexpected(200))?;
            let plain = seal::open(own, &wrapped).map_err(|_| ClientError::Unexpected(200))?;
            let text = std::str::from_utf8(&plain).map_err(|_| ClientError::Unexpected(200))?;
            let identity = age::x25519::Identity::from_str(text.trim())
                .map_err(|_| ClientError::Unexpected(200))?;
            Ok((g.key_version, identity))
        })
        .collect()
}

/// Rotates the desk key: a new identity made here, granted to every vetted account the server
/// lists (disabled and pending ones get nothing), the supervisor's own included.
pub async fn rotate(
    client: &ApiClient,
    token: &str,
    own: &age::x25519::Identity,
) -> Result<DeskKeyView, ClientError> {
    let desk = age::x25519::Identity::generate();
    let secret = secret_text(&desk);
    let mut grants = vec![];
    for account in client.accounts(token).await? {
        if account.status != crate::domain::AccountStatus::Vetted {
            continue;
        }
        let recipient =
            Recipient::parse(&account.recipient).map_err(|_| ClientError::Unexpected(200))?;
        let sealed = seal::seal(&[recipient.age()], secret.as_bytes())
            .map_err(|e| ClientError::Usage(e.to_string()))?;
        grants.push(AccountGrant {
            username: account.username,
            grant: b64_encode(&sealed),
        });
    }
    let recipient = Recipient::from(desk.to_public());
    let statements = match served_head(client, token).await? {
        None => vec![],
        Some(head) => {
            let me = client.whoami(token).await?;
            let current = client.desk(&me.desk).await?;
            let slug = DeskSlug::parse(&me.desk).map_err(|_| ClientError::Unexpected(200))?;
            let next = Body::DeskKey {
                version: u64::try_from(current.key_version + 1)
                    .map_err(|_| ClientError::Unexpected(200))?,
                recipient: recipient.clone(),
            };
            vec![wire(&sign(&slug, Some(head), own, next)?)]
        }
    };
    let rotation = Rotation {
        recipient: recipient.as_str().to_owned(),
        grants,
        statements,
    };
    client.rotate_desk_key(token, &rotation).await
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

fn signing_key_of(account: &AccountView) -> Result<SigningPublic, ClientError> {
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
/// matches the fingerprint of the key the server lists, then sends the approval with a grant of
/// the current desk key, which the server keeps once the approvals needed are in.
pub async fn vet(
    client: &ApiClient,
    token: &str,
    own: &age::x25519::Identity,
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
            "the safety number does not match {username}'s keys ({fingerprint}); do not vet: \
             the keys may not be theirs"
        )));
    }
    let mut identities = desk_identities(client, token, own).await?;
    let (version, desk) = identities
        .pop()
        .ok_or_else(|| ClientError::Usage("you hold no desk key to grant".into()))?;
    let grant = seal::seal(&[recipient.age()], secret_text(&desk).as_bytes())
        .map_err(|e| ClientError::Usage(e.to_string()))?;
    let statement = match served_head(client, token).await? {
        None => None,
        Some(head) => {
            let me = client.whoami(token).await?;
            let slug = DeskSlug::parse(&me.desk).map_err(|_| ClientError::Unexpected(200))?;
            let approval = Body::Approval {
                account: account_id(&account.id)?,
                username: Username::parse(&account.username)
                    .map_err(|_| ClientError::Unexpected(200))?,
                role: account.role,
                recipient: recipient.clone(),
                signing_key: signing_key_of(account)?,
            };
            Some(wire(&sign(&slug, Some(head), own, approval)?))
        }
    };
    let vetting = Vetting {
        key_version: version,
        grant: b64_encode(&grant),
        statement,
    };
    let outcome = client.vet(token, username, &vetting).await?;
    Ok(Vetted {
        fingerprint,
        outcome,
    })
}
