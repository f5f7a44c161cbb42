//! A case worker's triage on the device: decrypting a case with the desk identities the worker's
//! grants unlock, sealing it (protocol.md §10.5), and encrypting notes (to the desk key) and
//! replies (to the reporter's reply key and the desk key) before they are sent.

use zeroize::Zeroizing;

use super::report_form::{message_plaintext, message_text};
use super::{ApiClient, ClientError};
use crate::crypto::case_seal::CaseSeal;
use crate::crypto::chain::DeskState;
use crate::crypto::seal;
use crate::domain::{b64_decode, Recipient};
use crate::protocol::cases::DeskCaseView;

/// A decrypted thread entry.
pub struct Readable {
    pub author: String,
    pub day: String,
    /// `None` when no key at hand opens it.
    pub text: Option<Zeroizing<String>>,
}

/// A case, decrypted here.
pub struct OpenCase {
    pub view: DeskCaseView,
    /// The report's plaintext JSON, if a desk identity opens it.
    pub report: Option<Zeroizing<Vec<u8>>>,
    pub messages: Vec<Readable>,
    pub notes: Vec<Readable>,
    /// The case's referrals, in the order of `view.referrals`.
    pub referrals: Vec<OpenReferral>,
    /// The case seal, as a desk identity opened it.
    pub seal: Seal,
}

/// A case's seal (protocol.md §10.5), as this device finds it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Seal {
    /// The server serves none: the case was never sealed, or the seal was taken away.
    Missing,
    /// No desk identity at hand opens it, or it is not a seal whose signature verifies.
    Unreadable,
    Sealed(Box<CaseSeal>),
}

/// A referral of the case, decrypted here.
pub struct OpenReferral {
    /// What was sent to the partner (padding removed); `None` once expired or unreadable.
    pub document: Option<serde_json::Value>,
    /// Why consent was overridden, if it was.
    pub override_reason: Option<Zeroizing<String>>,
    /// The partner's answers, in the shape the partner's own client shows them.
    pub updates: Vec<crate::client::partner::ReadableUpdate>,
}

impl OpenCase {
    /// The decrypted report and the `reply_to` sealed inside it, once the server's copy of the
    /// reply key is found equal to it: a server that swapped it would otherwise read every reply.
    fn report_and_reply_to(&self) -> Result<(&[u8], String), ClientError> {
        let report = self.report.as_ref().ok_or_else(|| {
            ClientError::Usage(
                "no desk key on this device opens the report, so its reply key cannot be checked"
                    .into(),
            )
        })?;
        let doc: serde_json::Value =
            serde_json::from_slice(report).map_err(|_| ClientError::Unexpected(200))?;
        let sealed = doc.get("reply_to").and_then(serde_json::Value::as_str);
        if sealed != Some(self.view.reply_recipient.as_str()) {
            return Err(ClientError::Untrusted(format!(
                "the reply key the server lists for case {} is not the one inside the report; \
                 nothing was encrypted to it. Tell your supervisor.",
                self.view.id
            )));
        }
        Ok((report, self.view.reply_recipient.clone()))
    }

    fn id_bytes(&self) -> Result<[u8; 16], ClientError> {
        super::desk_keys::unhex(&self.view.id)
            .and_then(|b| b.try_into().ok())
            .ok_or(ClientError::Unexpected(200))
    }

    /// Whether a desk device has replied on this case: a case with replies must have a seal.
    pub fn has_desk_replies(&self) -> bool {
        self.view.messages.iter().any(|m| m.author == "desk")
    }

    /// The reporter's reply recipient, checked against the report and against the case seal:
    /// signed by an account the verified chain `state` vets (or once vetted), about this desk,
    /// this report's id, its exact plaintext and that `reply_to`. A report the server swapped
    /// after the seal, or a seal taken away, is refused before anything is encrypted.
    pub fn reply_recipient(&self, state: &DeskState) -> Result<Recipient, ClientError> {
        let (report, reply_to) = self.report_and_reply_to()?;
        let seal = match &self.seal {
            Seal::Sealed(seal) => seal,
            Seal::Missing => {
                return Err(ClientError::Untrusted(format!(
                    "case {} has no seal, so its report cannot be checked: after an upgrade, a \
                     supervisor runs `resguardo desk seal-cases` once; otherwise the server took \
                     the seal away. Nothing was encrypted.",
                    self.view.id
                )))
            }
            Seal::Unreadable => {
                return Err(ClientError::Untrusted(format!(
                    "no desk key on this device opens a valid seal of case {}: nothing was \
                     encrypted",
                    self.view.id
                )))
            }
        };
        let signer_vetted = state.accounts().any(|a| a.signing_key == seal.signer);
        let covers = seal.covers(state.desk().as_str(), &self.id_bytes()?, report, &reply_to);
        if !signer_vetted || !covers {
            return Err(ClientError::Untrusted(format!(
                "the report the server serves for case {} is not the one its seal names: \
                 nothing was encrypted. Tell your supervisor.",
                self.view.id
            )));
        }
        Recipient::parse(&reply_to).map_err(|_| ClientError::Unexpected(200))
    }
}

/// Seals the case if it has no seal (protocol.md §10.5): this device signs the report it
/// decrypted and stores the seal encrypted to the desk's current key. Refused for a case with
/// desk replies (a seal taken away looks the same) unless `legacy` (`desk seal-cases`, once,
/// after an upgrade).
pub async fn seal_case(
    client: &ApiClient,
    token: &str,
    own: &age::x25519::Identity,
    state: &DeskState,
    case: &mut OpenCase,
    legacy: bool,
) -> Result<(), ClientError> {
    if case.seal != Seal::Missing {
        return Ok(());
    }
    if case.has_desk_replies() && !legacy {
        return Err(ClientError::Untrusted(format!(
            "case {} has replies but no seal: after an upgrade, a supervisor runs `resguardo \
             desk seal-cases` once; otherwise the server took the seal away. Nothing was sent.",
            case.view.id
        )));
    }
    let (report, reply_to) = case.report_and_reply_to()?;
    let signer = crate::crypto::signing::public_of(own);
    let seal = CaseSeal::of(
        state.desk().as_str(),
        case.id_bytes()?,
        report,
        &reply_to,
        signer,
    );
    let bytes = seal.sign(own).ok_or(ClientError::Unexpected(200))?;
    let (_, desk) = state
        .current_key()
        .ok_or_else(|| ClientError::Untrusted("the desk's statements sign no desk key".into()))?;
    let sealed = seal::seal(&[desk.age()], &bytes).map_err(usage)?;
    client.seal_case(token, &case.view.id, &sealed).await?;
    case.seal = Seal::Sealed(Box::new(seal));
    Ok(())
}

/// Opens `b64` with the first of `identities` that can.
pub(super) fn open_any(
    identities: &[(i64, age::x25519::Identity)],
    b64: &str,
) -> Option<Zeroizing<Vec<u8>>> {
    let bytes = b64_decode(b64)?;
    identities
        .iter()
        .find_map(|(_, id)| seal::open(id, &bytes).ok())
}

/// Fetches a case and decrypts what the given desk identities open.
pub async fn open_case(
    client: &ApiClient,
    token: &str,
    identities: &[(i64, age::x25519::Identity)],
    id: &str,
) -> Result<OpenCase, ClientError> {
    let view = client.case(token, id).await?;
    let readable = |entries: &[crate::protocol::cases::EntryView]| {
        entries
            .iter()
            .map(|e| Readable {
                author: e.author.clone(),
                day: e.day.clone(),
                text: open_any(identities, &e.ciphertext).and_then(|p| message_text(&p)),
            })
            .collect()
    };
    let referrals = view
        .referrals
        .iter()
        .map(|r| OpenReferral {
            document: r
                .ciphertext
                .as_deref()
                .and_then(|c| open_any(identities, c))
                .and_then(|p| serde_json::from_slice::<serde_json::Value>(&p).ok())
                .map(|mut doc| {
                    if let Some(map) = doc.as_object_mut() {
                        map.remove("pad");
                    }
                    doc
                }),
            override_reason: r
                .override_reason
                .as_deref()
                .and_then(|c| open_any(identities, c))
                .and_then(|p| message_text(&p)),
            updates: r
                .updates
                .iter()
                .map(|u| crate::client::partner::ReadableUpdate {
                    status: u.status,
                    day: u.day.clone(),
                    text: u
                        .ciphertext
                        .as_deref()
                        .and_then(|c| open_any(identities, c))
                        .and_then(|p| message_text(&p)),
                })
                .collect(),
        })
        .collect();
    let seal = match &view.seal {
        None => Seal::Missing,
        Some(b64) => open_any(identities, b64)
            .and_then(|bytes| CaseSeal::open(&bytes))
            .map_or(Seal::Unreadable, |seal| Seal::Sealed(Box::new(seal))),
    };
    Ok(OpenCase {
        seal,
        report: open_any(identities, &view.ciphertext),
        messages: readable(&view.messages),
        notes: readable(&view.notes),
        referrals,
        view,
    })
}

fn usage(e: impl std::fmt::Display) -> ClientError {
    ClientError::Usage(e.to_string())
}

/// Writes a note only the desk can read.
pub async fn note(
    client: &ApiClient,
    token: &str,
    id: &str,
    desk: &Recipient,
    text: &str,
) -> Result<(), ClientError> {
    let sealed = seal::seal(&[desk.age()], &message_plaintext(text)).map_err(usage)?;
    client.add_entry(token, id, "notes", &sealed).await
}

/// Replies to the reporter; the desk can read the reply too. Encrypted to the reply key the
/// case seal vouches for (the case is sealed first if it has none and no replies yet) and to the
/// desk's current key as the verified chain `state` signs it.
pub async fn reply(
    client: &ApiClient,
    token: &str,
    own: &age::x25519::Identity,
    state: &DeskState,
    case: &mut OpenCase,
    text: &str,
) -> Result<(), ClientError> {
    seal_case(client, token, own, state, case, false).await?;
    let reporter = case.reply_recipient(state)?;
    let (_, desk) = state
        .current_key()
        .ok_or_else(|| ClientError::Untrusted("the desk's statements sign no desk key".into()))?;
    let sealed =
        seal::seal(&[reporter.age(), desk.age()], &message_plaintext(text)).map_err(usage)?;
    client
        .add_entry(token, &case.view.id, "replies", &sealed)
        .await
}
