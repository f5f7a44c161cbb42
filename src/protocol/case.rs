//! A case on a desk device, as pure functions: decrypting what the server serves with the desk
//! identities the worker's grants unlock, checking the report against its case seal
//! (protocol.md §10.5), and encrypting notes (to the desk key) and replies (to the reporter's reply
//! key and the desk key). Nothing here talks to a server: `client::triage` fetches and sends, and
//! a second client (the desk dashboard) mirrors these functions against the same vectors.

use zeroize::Zeroizing;

use super::cases::{DeskCaseView, EntryView};
use super::message::{open_message, reply_plaintext, signed_message_plaintext, Message, REPORTER};
use super::referrals::DeskReferralView;
use crate::crypto::case_seal::CaseSeal;
use crate::crypto::chain::DeskState;
use crate::crypto::receipt::ReplyMacKey;
use crate::crypto::{seal, signing};
use crate::domain::{b64_decode, hex, hex_decode_array, Recipient, SigningPublic};

mod attachments;
mod authenticity;
mod conversation;

pub use attachments::NamedAttachment;
pub use authenticity::Authenticity;
pub use conversation::{received_referral, ReadableUpdate};

/// Why a case operation was refused on this device. `code()` is stable: the vectors and the
/// TypeScript twin use it.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CaseError {
    #[error("no desk key on this device opens the report, so its reply key cannot be checked")]
    NoReport,
    #[error(
        "the reply key the server lists for case {0} is not the one inside the report; nothing \
         was encrypted to it. Tell your supervisor."
    )]
    ReplyKeySwapped(String),
    #[error(
        "case {0} has no seal, so its report cannot be checked: after an upgrade, a supervisor \
         runs `resguardo desk seal-cases` once; otherwise the server took the seal away. Nothing \
         was encrypted."
    )]
    NoSeal(String),
    #[error("no desk key on this device opens a valid seal of case {0}: nothing was encrypted")]
    UnreadableSeal(String),
    #[error(
        "the report the server serves for case {0} is not the one its seal names: nothing was \
         encrypted. Tell your supervisor."
    )]
    SealMismatch(String),
    #[error(
        "case {0} has replies but no seal: after an upgrade, a supervisor runs `resguardo desk \
         seal-cases` once; otherwise the server took the seal away. Nothing was sent."
    )]
    RepliesWithoutSeal(String),
    #[error("the desk's statements sign no desk key")]
    NoDeskKey,
    #[error(
        "the desk's statements do not name this account's key, so nothing it writes could be \
         verified by colleagues: ask a supervisor"
    )]
    NotInChain,
    #[error("cannot encrypt: {0}")]
    Encrypt(String),
    #[error("the server served a case this device cannot parse")]
    Malformed,
}

impl CaseError {
    pub fn code(&self) -> &'static str {
        match self {
            CaseError::NoReport => "no-report",
            CaseError::ReplyKeySwapped(_) => "reply-key-swapped",
            CaseError::NoSeal(_) => "no-seal",
            CaseError::UnreadableSeal(_) => "unreadable-seal",
            CaseError::SealMismatch(_) => "seal-mismatch",
            CaseError::RepliesWithoutSeal(_) => "replies-without-seal",
            CaseError::NoDeskKey => "no-desk-key",
            CaseError::NotInChain => "not-in-chain",
            CaseError::Encrypt(_) => "encrypt",
            CaseError::Malformed => "malformed",
        }
    }

    /// Whether the server's data contradicts the desk's own (an attack signal), rather than this
    /// device lacking something.
    pub fn is_untrusted(&self) -> bool {
        !matches!(
            self,
            CaseError::NoReport
                | CaseError::Encrypt(_)
                | CaseError::Malformed
                | CaseError::NotInChain
        )
    }
}

/// A decrypted thread entry.
pub struct Readable {
    pub author: String,
    pub day: String,
    /// `None` when no key at hand opens it.
    pub text: Option<Zeroizing<String>>,
    /// Who signed it, as this device checked: for entries the server lists as the reporter's,
    /// from `OpenCase::open`; for the desk's replies and notes, from `OpenCase::verify_authors`.
    pub authenticity: Option<Authenticity>,
    message: Option<Message>,
}

/// The reply MAC key a decrypted report seals (`reply_mac_key`, base64), if it has one.
fn reply_mac_key(report: &[u8]) -> Option<ReplyMacKey> {
    sealed_key(report, "reply_mac_key").map(ReplyMacKey::from_bytes)
}

/// The reporter key a decrypted report names (`reporter_key`, base64), if it names a valid one.
pub fn reporter_key(report: &[u8]) -> Option<SigningPublic> {
    SigningPublic::from_bytes(&sealed_key(report, "reporter_key")?).ok()
}

/// A 32-byte key a decrypted report seals in the field `name` (base64) (protocol.md §2).
fn sealed_key(report: &[u8], name: &str) -> Option<[u8; 32]> {
    let doc: serde_json::Value = serde_json::from_slice(report).ok()?;
    crate::domain::b64_decode_array::<32>(doc.get(name)?.as_str()?)
}

/// A referral of the case, decrypted here.
pub struct OpenReferral {
    /// What was sent to the partner (padding removed); `None` once expired or unreadable.
    pub document: Option<serde_json::Value>,
    /// Why consent was overridden, if it was.
    pub override_reason: Option<Zeroizing<String>>,
    /// Who signed the override reason, as this device checked (`OpenCase::verify_authors`): a
    /// reason is signed by the worker who referred, like a note.
    pub override_authenticity: Option<Authenticity>,
    override_message: Option<Message>,
    /// The partner's answers, in the shape the partner's own client shows them.
    pub updates: Vec<ReadableUpdate>,
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

/// A new case seal: what to store (age ciphertext to the desk's current key) and what it says.
pub struct NewSeal {
    pub ciphertext: Vec<u8>,
    pub seal: CaseSeal,
}

/// Opens `b64` with the first of `identities` that can.
pub fn open_any(
    identities: &[(i64, age::x25519::Identity)],
    b64: &str,
) -> Option<Zeroizing<Vec<u8>>> {
    let bytes = b64_decode(b64)?;
    identities
        .iter()
        .find_map(|(_, id)| seal::open(id, &bytes).ok())
}

/// The entries decrypted; those listed as the reporter's checked against `reporter_key`.
fn readable(
    identities: &[(i64, age::x25519::Identity)],
    entries: &[EntryView],
    reporter_key: Option<&SigningPublic>,
) -> Vec<Readable> {
    entries
        .iter()
        .map(|e| {
            let message = open_any(identities, &e.ciphertext).and_then(|p| open_message(&p));
            let authenticity = (e.author == REPORTER)
                .then(|| Authenticity::of_reporter(message.as_ref(), reporter_key));
            Readable {
                author: e.author.clone(),
                day: e.day.clone(),
                text: message.as_ref().map(|m| m.text.clone()),
                authenticity,
                message,
            }
        })
        .collect()
}

fn open_referral(
    identities: &[(i64, age::x25519::Identity)],
    referral: &DeskReferralView,
) -> OpenReferral {
    let open = |b64: &str| open_any(identities, b64);
    let override_message = (referral.override_reason.as_deref())
        .and_then(open)
        .and_then(|p| open_message(&p));
    OpenReferral {
        document: referral
            .ciphertext
            .as_deref()
            .and_then(open)
            .and_then(|p| received_referral(&p)),
        override_reason: override_message.as_ref().map(|m| m.text.clone()),
        override_authenticity: None,
        override_message,
        updates: referral
            .updates
            .iter()
            .map(|u| ReadableUpdate::open(u, open))
            .collect(),
    }
}

fn encrypt(recipients: &[&age::x25519::Recipient], plain: &[u8]) -> Result<Vec<u8>, CaseError> {
    seal::seal(recipients, plain).map_err(|e| CaseError::Encrypt(e.to_string()))
}

fn current_desk_key(state: &DeskState) -> Result<&Recipient, CaseError> {
    state
        .current_key()
        .map(|(_, desk)| desk)
        .ok_or(CaseError::NoDeskKey)
}

/// `own`'s account id in the verified chain `state`, as desk entries name their author.
pub(super) fn own_author(
    state: &DeskState,
    own: &age::x25519::Identity,
) -> Result<String, CaseError> {
    let key = signing::public_of(own);
    state
        .accounts()
        .find(|account| account.signing_key == key)
        .map(|account| hex(&account.id))
        .ok_or(CaseError::NotInChain)
}

/// A desk entry signed by `own` as its account in the verified chain `state` (protocol.md §2).
fn signed_by_own(
    state: &DeskState,
    own: &age::x25519::Identity,
    text: &str,
) -> Result<Zeroizing<Vec<u8>>, CaseError> {
    let author = own_author(state, own)?;
    Ok(signed_message_plaintext(
        text,
        &author,
        &signing::signing_key(own),
    ))
}

/// A note only the desk can read, signed by `own` and encrypted to the chain's current desk key.
pub fn seal_note(
    state: &DeskState,
    own: &age::x25519::Identity,
    text: &str,
) -> Result<Vec<u8>, CaseError> {
    let desk = current_desk_key(state)?;
    encrypt(&[desk.age()], &signed_by_own(state, own, text)?)
}

impl OpenCase {
    /// Decrypts what `identities` (version, desk identity) open of the case the server served.
    pub fn open(view: DeskCaseView, identities: &[(i64, age::x25519::Identity)]) -> OpenCase {
        let seal = match &view.seal {
            None => Seal::Missing,
            Some(b64) => open_any(identities, b64)
                .and_then(|bytes| CaseSeal::open(&bytes))
                .map_or(Seal::Unreadable, |seal| Seal::Sealed(Box::new(seal))),
        };
        let report = open_any(identities, &view.ciphertext);
        let reporter_key = report.as_deref().and_then(|plain| reporter_key(plain));
        OpenCase {
            seal,
            messages: readable(identities, &view.messages, reporter_key.as_ref()),
            notes: readable(identities, &view.notes, None),
            report,
            referrals: view
                .referrals
                .iter()
                .map(|r| open_referral(identities, r))
                .collect(),
            view,
        }
    }

    /// The decrypted report and the `reply_to` sealed inside it, once the server's copy of the
    /// reply key is found equal to it: a server that swapped it would otherwise read every reply.
    fn report_and_reply_to(&self) -> Result<(&[u8], String), CaseError> {
        let report = self.report.as_ref().ok_or(CaseError::NoReport)?;
        let doc: serde_json::Value =
            serde_json::from_slice(report).map_err(|_| CaseError::Malformed)?;
        let sealed = doc.get("reply_to").and_then(serde_json::Value::as_str);
        if sealed != Some(self.view.reply_recipient.as_str()) {
            return Err(CaseError::ReplyKeySwapped(self.view.id.clone()));
        }
        Ok((report, self.view.reply_recipient.clone()))
    }

    fn id_bytes(&self) -> Result<[u8; 16], CaseError> {
        hex_decode_array(&self.view.id).ok_or(CaseError::Malformed)
    }

    /// Whether a desk device has replied on this case: a case with replies must have a seal.
    pub fn has_desk_replies(&self) -> bool {
        self.view.messages.iter().any(|m| m.author == "desk")
    }

    /// The reporter's reply recipient, checked against the report and against the case seal:
    /// signed by an account the verified chain `state` vets (or once vetted), about this desk,
    /// this report's id, its exact plaintext and that `reply_to`. A report the server swapped
    /// after the seal, or a seal taken away, is refused before anything is encrypted.
    pub fn reply_recipient(&self, state: &DeskState) -> Result<Recipient, CaseError> {
        let reply_to = self.vouched_report(state)?.1;
        Recipient::parse(&reply_to).map_err(|_| CaseError::Malformed)
    }

    /// The decrypted report and its `reply_to`, once the case seal vouches for them: a seal
    /// signed by an account the verified chain `state` vets (or once vetted), about this desk,
    /// this report's id, its exact plaintext and that `reply_to` (protocol.md §10.5). What the
    /// server could have written itself (it can encrypt to the desk's public key) is refused.
    pub fn vouched_report(&self, state: &DeskState) -> Result<(&[u8], String), CaseError> {
        let (report, reply_to) = self.report_and_reply_to()?;
        let seal = match &self.seal {
            Seal::Sealed(seal) => seal,
            Seal::Missing => return Err(CaseError::NoSeal(self.view.id.clone())),
            Seal::Unreadable => return Err(CaseError::UnreadableSeal(self.view.id.clone())),
        };
        let signer_vetted = state.accounts().any(|a| a.signing_key == seal.signer);
        let covers = seal.covers(state.desk().as_str(), &self.id_bytes()?, report, &reply_to);
        if !signer_vetted || !covers {
            return Err(CaseError::SealMismatch(self.view.id.clone()));
        }
        Ok((report, reply_to))
    }

    /// A seal of this case by `own` (protocol.md §10.5), encrypted to the desk's current key as the
    /// verified chain `state` signs it; `None` when the case already has one. Refused for a case
    /// with desk replies (a seal taken away looks the same) unless `legacy` (`desk seal-cases`,
    /// once, after an upgrade).
    pub fn new_seal(
        &self,
        own: &age::x25519::Identity,
        state: &DeskState,
        legacy: bool,
    ) -> Result<Option<NewSeal>, CaseError> {
        if self.seal != Seal::Missing {
            return Ok(None);
        }
        if self.has_desk_replies() && !legacy {
            return Err(CaseError::RepliesWithoutSeal(self.view.id.clone()));
        }
        let (report, reply_to) = self.report_and_reply_to()?;
        let seal = CaseSeal::of(
            state.desk().as_str(),
            self.id_bytes()?,
            report,
            &reply_to,
            signing::public_of(own),
        );
        let bytes = seal.sign(own).ok_or(CaseError::Malformed)?;
        let ciphertext = encrypt(&[current_desk_key(state)?.age()], &bytes)?;
        Ok(Some(NewSeal { ciphertext, seal }))
    }

    /// A reply to the reporter that the desk can read too, signed by `own`: encrypted to the reply
    /// key the case seal vouches for and to the desk's current key as the verified chain `state`
    /// signs it.
    pub fn seal_reply(
        &self,
        state: &DeskState,
        own: &age::x25519::Identity,
        text: &str,
    ) -> Result<Vec<u8>, CaseError> {
        let reporter = self.reply_recipient(state)?;
        let desk = current_desk_key(state)?;
        let mac_key = self
            .report
            .as_deref()
            .and_then(|plain| reply_mac_key(plain));
        let plain = reply_plaintext(
            text,
            &own_author(state, own)?,
            &signing::signing_key(own),
            mac_key.as_ref(),
        );
        encrypt(&[reporter.age(), desk.age()], &plain)
    }

    /// Checks who signed the desk's replies and notes against the accounts the verified chain
    /// `state` names (reporter messages were checked when the case was opened).
    pub fn verify_authors(&mut self, state: &DeskState) {
        let desk_entries = self
            .messages
            .iter_mut()
            .filter(|m| m.author != REPORTER)
            .chain(self.notes.iter_mut());
        for entry in desk_entries {
            entry.authenticity = Some(Authenticity::of_desk(entry.message.as_ref(), state));
        }
        for (referral, view) in self.referrals.iter_mut().zip(&self.view.referrals) {
            if let Some(message) = &referral.override_message {
                let checked = Authenticity::of_desk(Some(message), state);
                referral.override_authenticity = Some(checked);
            }
            for update in referral.updates.iter_mut() {
                update.verify_on_desk(&view.id, &view.partner, state);
            }
        }
    }
}

#[cfg(test)]
mod tests;
