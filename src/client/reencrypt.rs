//! Re-encrypting open cases to the desk's newest key after a rotation, on a supervisor's device.
//!
//! A rotation stops a removed worker from reading *new* reports; an open case's old ciphertext is
//! still readable with the old desk key the removed worker held. Re-encryption swaps each part of
//! every open case (report, thread, notes, referral copies, consent-override reasons, partners'
//! answers) for the same plaintext encrypted to the newest desk key (and, for thread messages,
//! the reporter's reply key; for referrals and answers, the partner's key as the chain signs it).
//! Parts the newest key already opens are left alone, so a run that was cut off can simply be
//! started again.

use super::triage::{open_case, seal_case};
use super::{ApiClient, ClientError};
use crate::crypto::chain::DeskState;
use crate::crypto::seal;
use crate::domain::{b64_decode, Recipient};
use crate::protocol::case::{open_any, OpenCase};
use crate::protocol::cases::{PartRef, Reencryption};
use crate::protocol::grants::DeskKeys;

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
    /// Referral copies and partner answers of partners the desk's statements do not hold: left
    /// as they are (a supervisor signs the partner with `desk init-chain`, then runs this again).
    pub partner_unsigned: usize,
}

/// Re-encrypts every open case (new, in review, referred) on the device of `own` to the desk's current key as the
/// verified chain signs it (`keys`, from `desk_keys::unlock`), which this account must hold.
/// `progress(done, total)` is called per case.
pub async fn reencrypt_open(
    client: &ApiClient,
    token: &str,
    own: &age::x25519::Identity,
    keys: &DeskKeys,
    state: &DeskState,
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
        let mut case = open_case(client, token, &keys.identities, id).await?;
        // A thread goes to the reply key the case seal vouches for: sealed now if it has none
        // and no desk reply yet (refused otherwise, as for a reply).
        if !case.view.messages.is_empty() {
            seal_case(client, token, own, state, &mut case, false).await?;
        }
        reencrypt_case(client, token, keys, state, &case, &mut outcome).await?;
        outcome.cases += 1;
    }
    progress(open.len(), open.len());
    Ok(outcome)
}

async fn reencrypt_case(
    client: &ApiClient,
    token: &str,
    keys: &DeskKeys,
    state: &DeskState,
    case: &OpenCase,
    outcome: &mut Outcome,
) -> Result<(), ClientError> {
    let newest = keys.current_identity_or_refuse()?;
    let (version, desk) = &keys.current;
    for Part { part, b64, also } in parts(case, state, outcome)? {
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
        recipients.extend(also.as_ref().map(Recipient::age));
        let sealed =
            seal::seal(&recipients, &plain).map_err(|e| ClientError::Usage(e.to_string()))?;
        let request = Reencryption {
            key_version: *version,
            part,
            ciphertext: crate::domain::b64_encode(&sealed),
        };
        client.reencrypt(token, &case.view.id, &request).await?;
        outcome.replaced += 1;
    }
    Ok(())
}

/// One ciphertext of a case (base64, as served) and the key it also goes to besides the desk's.
struct Part<'a> {
    part: PartRef,
    b64: &'a String,
    also: Option<Recipient>,
}

/// Every ciphertext of a case, with the key it also goes to besides the desk's: thread messages
/// to the reporter's reply key (checked against the one sealed in the report), a referral's copy
/// and the partner's answers to the partner key the chain signs. Referrals to a partner the chain
/// does not hold are left as they are and counted.
fn parts<'a>(
    case: &'a OpenCase,
    state: &DeskState,
    outcome: &mut Outcome,
) -> Result<Vec<Part<'a>>, ClientError> {
    let view = &case.view;
    let reply = if view.messages.is_empty() {
        None
    } else {
        Some(case.reply_recipient(state)?)
    };
    let part = |part, b64, also| Part { part, b64, also };
    let mut parts = vec![part(PartRef::Report, &view.ciphertext, None)];
    for m in &view.messages {
        let message = PartRef::Message { seq: m.seq };
        parts.push(part(message, &m.ciphertext, reply.clone()));
    }
    for n in &view.notes {
        parts.push(part(PartRef::Note { seq: n.seq }, &n.ciphertext, None));
    }
    if let Some(seal) = &view.seal {
        parts.push(part(PartRef::Seal, seal, None));
    }
    for r in &view.referrals {
        let id = || r.id.clone();
        if let Some(reason) = &r.override_reason {
            parts.push(part(PartRef::ReferralReason { id: id() }, reason, None));
        }
        let partner = super::desk_keys::hex_id(&r.partner)?;
        let Some(partner_key) = state.partner_key(&partner) else {
            outcome.partner_unsigned += usize::from(r.ciphertext.is_some())
                + r.updates.iter().filter(|u| u.ciphertext.is_some()).count();
            continue;
        };
        let also = || Some(partner_key.clone());
        if let Some(copy) = &r.ciphertext {
            parts.push(part(PartRef::Referral { id: id() }, copy, also()));
        }
        for u in &r.updates {
            if let Some(answer) = &u.ciphertext {
                let update = PartRef::ReferralUpdate {
                    id: id(),
                    seq: u.seq,
                };
                parts.push(part(update, answer, also()));
            }
        }
    }
    Ok(parts)
}
