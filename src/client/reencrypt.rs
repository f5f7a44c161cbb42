//! Re-encrypting open cases to the desk's newest key after a rotation, on a supervisor's device.
//!
//! A rotation stops a removed worker from reading *new* reports; an open case's old ciphertext is
//! still readable with the old desk key the removed worker held. Re-encryption swaps each part of
//! every open case (report, thread, notes) for the same plaintext encrypted to the newest desk key
//! (and, for thread messages, the reporter's reply key). Parts the newest key already opens are
//! left alone, so a run that was cut off can simply be started again.

use super::desk_keys::DeskKeys;
use super::triage::{open_any, open_case, OpenCase};
use super::{ApiClient, ClientError};
use crate::crypto::seal;
use crate::domain::{b64_decode, Recipient};
use crate::server::routes::cases::{PartRef, Reencryption};

/// What a re-encryption run did.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Outcome {
    /// Open cases looked at.
    pub cases: usize,
    /// Ciphertexts replaced.
    pub replaced: usize,
    /// Ciphertexts already on the newest key.
    pub current: usize,
    /// Ciphertexts no key on this device opens: left as they are.
    pub unreadable: usize,
}

/// Re-encrypts every open case (new, in review, referred) to the desk's current key as the
/// verified chain signs it (`keys`, from `desk_keys::unlock`), which this account must hold.
/// `progress(done, total)` is called per case.
pub async fn reencrypt_open(
    client: &ApiClient,
    token: &str,
    keys: &DeskKeys,
    mut progress: impl FnMut(usize, usize),
) -> Result<Outcome, ClientError> {
    keys.current_identity_or_refuse()?;
    let open: Vec<String> = client
        .inbox(token, None, false)
        .await?
        .into_iter()
        .filter(|c| c.status.is_open())
        .map(|c| c.id)
        .collect();
    let mut outcome = Outcome::default();
    for (done, id) in open.iter().enumerate() {
        progress(done, open.len());
        let case = open_case(client, token, &keys.identities, id).await?;
        reencrypt_case(client, token, keys, &case, &mut outcome).await?;
        outcome.cases += 1;
    }
    progress(open.len(), open.len());
    Ok(outcome)
}

async fn reencrypt_case(
    client: &ApiClient,
    token: &str,
    keys: &DeskKeys,
    case: &OpenCase,
    outcome: &mut Outcome,
) -> Result<(), ClientError> {
    let newest = keys.current_identity_or_refuse()?;
    let (version, desk) = &keys.current;
    let view = &case.view;
    let mut parts = vec![(PartRef::Report, &view.ciphertext, false)];
    parts.extend(
        view.messages
            .iter()
            .map(|m| (PartRef::Message { seq: m.seq }, &m.ciphertext, true)),
    );
    parts.extend(
        view.notes
            .iter()
            .map(|n| (PartRef::Note { seq: n.seq }, &n.ciphertext, false)),
    );
    // Thread messages are also the reporter's to read: their reply key is checked against the one
    // sealed in the report before anything is encrypted to it.
    let reply = if view.messages.is_empty() {
        None
    } else {
        Some(case.reply_recipient()?)
    };
    for (part, b64, to_reporter) in parts {
        let bytes = b64_decode(b64).ok_or(ClientError::Unexpected(200))?;
        if seal::open(newest, &bytes).is_ok() {
            outcome.current += 1;
            continue;
        }
        let Some(plain) = open_any(&keys.identities, b64) else {
            outcome.unreadable += 1;
            continue;
        };
        let mut recipients = vec![desk.age()];
        if to_reporter {
            recipients.extend(reply.as_ref().map(Recipient::age));
        }
        let sealed =
            seal::seal(&recipients, &plain).map_err(|e| ClientError::Usage(e.to_string()))?;
        let request = Reencryption {
            key_version: *version,
            part,
            ciphertext: crate::domain::b64_encode(&sealed),
        };
        client.reencrypt(token, &view.id, &request).await?;
        outcome.replaced += 1;
    }
    Ok(())
}
