//! Desk keys on the devices of supervisors and workers: making the first desk key, vetting a
//! worker by encrypting the desk identity to the key whose safety number was checked out of band,
//! and unlocking one's own grants.

use std::str::FromStr;

use zeroize::Zeroizing;

use super::{ApiClient, ClientError};
use crate::crypto::seal;
use crate::domain::{b64_decode, b64_encode, Fingerprint, Recipient, SigningPublic};
use crate::server::routes::keys::{
    AccountGrant, AccountView, DeskKeyView, NewDeskKey, Rotation, VetOutcome, Vetting,
};

fn secret_text(identity: &age::x25519::Identity) -> Zeroizing<String> {
    Zeroizing::new(age::secrecy::ExposeSecret::expose_secret(&identity.to_string()).to_owned())
}

/// Makes the desk's first key on this device and grants it to the supervisor's own key.
pub async fn init_desk_key(
    client: &ApiClient,
    token: &str,
    own: &age::x25519::Identity,
) -> Result<DeskKeyView, ClientError> {
    let desk = age::x25519::Identity::generate();
    let grant = seal::seal(&[&own.to_public()], secret_text(&desk).as_bytes())
        .map_err(|e| ClientError::Usage(e.to_string()))?;
    let key = NewDeskKey {
        recipient: desk.to_public().to_string(),
        grant: b64_encode(&grant),
    };
    client.init_desk_key(token, &key).await
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
pub async fn rotate(client: &ApiClient, token: &str) -> Result<DeskKeyView, ClientError> {
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
    let rotation = Rotation {
        recipient: desk.to_public().to_string(),
        grants,
    };
    client.rotate_desk_key(token, &rotation).await
}

/// An account's safety number computed on this device from the two public keys the server
/// lists (§9.1); `None` for an account with no signing key yet (enrolled before signing keys,
/// and not logged in since).
pub fn account_safety_number(account: &AccountView) -> Result<Option<Fingerprint>, ClientError> {
    let recipient =
        Recipient::parse(&account.recipient).map_err(|_| ClientError::Unexpected(200))?;
    let Some(key) = &account.signing_key else {
        return Ok(None);
    };
    let key = b64_decode(key)
        .and_then(|bytes| SigningPublic::from_bytes(&bytes).ok())
        .ok_or(ClientError::Unexpected(200))?;
    Ok(Some(Fingerprint::of_account(&recipient, &key)))
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
    let vetting = Vetting {
        key_version: version,
        grant: b64_encode(&grant),
    };
    let outcome = client.vet(token, username, &vetting).await?;
    Ok(Vetted {
        fingerprint,
        outcome,
    })
}
