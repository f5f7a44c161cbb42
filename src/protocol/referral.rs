//! A referral on the desk device, as pure functions (docs/protocol.md §8): ranking the directory
//! against the decrypted report, the referral document made of only the fields the worker chose
//! (schema `resguardo.referral.v1`; nothing else of the report, not its reply key, not the consent
//! flag, ever goes to a partner), the reporter's consent, and the ciphertexts to the partner's and
//! the desk's keys as the verified chain signs them. `client::referrals` sends what this makes.
//! Vectors: `tests/vectors/referrals.json`, passed by this code and `web/src/referral.ts`.

use serde_json::{Map, Value};
use zeroize::Zeroizing;

use super::attachments::ManifestEntry;
use super::case::OpenCase;
use super::message::{desk_to_partner_author, signed_message_plaintext};
use super::referrals::{Consent, PartnerView};
use crate::crypto::chain::DeskState;
use crate::crypto::{padding, seal, signing};
use crate::domain::{b64_encode, hex_decode_array, Recipient, ReferralField, Service};

/// The schema of a referral document.
pub const REFERRAL_SCHEMA: &str = "resguardo.referral.v1";

/// Why a referral was refused on this device.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ReferralError {
    #[error("no partner {0:?} in this desk's directory")]
    NoSuchPartner(String),
    #[error(
        "partner {0:?} is not in the desk's signed statements: a supervisor signs it with `desk \
         partner add` or `desk init-chain`; nothing was sent"
    )]
    UnsignedPartner(String),
    #[error(
        "the server lists another key for partner {name:?} than the one the desk signed (safety \
         number {signed}): nothing was sent"
    )]
    SwappedPartnerKey { name: String, signed: String },
    #[error("the desk's statements sign no desk key")]
    NoDeskKey,
    #[error("no desk key on this device opens the report, so nothing can be referred")]
    NoReport,
    #[error("choose at least one field to send (--fields)")]
    NoFields,
    #[error(
        "the reporter did not consent to referral; refer anyway only with --override-consent \
         --reason \"why\" (the reason is recorded)"
    )]
    NoConsent,
    #[error("an override needs a reason")]
    NoReason,
    #[error("cannot encrypt: {0}")]
    Encrypt(String),
    #[error("the server served something this device cannot parse")]
    Malformed,
}

impl ReferralError {
    /// Whether the server's data contradicts the desk's signed statements (an attack signal).
    pub fn is_untrusted(&self) -> bool {
        matches!(
            self,
            ReferralError::UnsignedPartner(_)
                | ReferralError::SwappedPartnerKey { .. }
                | ReferralError::NoDeskKey
        )
    }
}

/// Finds a partner of the directory by id or by name (case-insensitive).
pub fn find_partner<'a>(
    partners: &'a [PartnerView],
    wanted: &str,
) -> Result<&'a PartnerView, ReferralError> {
    partners
        .iter()
        .find(|p| p.id == wanted || p.name.eq_ignore_ascii_case(wanted))
        .ok_or_else(|| ReferralError::NoSuchPartner(wanted.to_owned()))
}

/// A partner with how well it fits a report.
pub struct Suggestion<'a> {
    pub partner: &'a PartnerView,
    /// The report's needs this partner serves.
    pub serves: Vec<Service>,
    pub country: bool,
    pub language: bool,
}

impl Suggestion<'_> {
    /// Needs served weigh most, then the country, then the language.
    pub fn score(&self) -> usize {
        self.serves.len() * 4 + usize::from(self.country) * 2 + usize::from(self.language)
    }
}

/// Active partners ranked by fit with the decrypted report (best first); those serving none of
/// the report's needs come last.
pub fn suggest<'a>(report: &Value, partners: &'a [PartnerView]) -> Vec<Suggestion<'a>> {
    let needs: Vec<Service> = report
        .get("needs")
        .and_then(|n| serde_json::from_value(n.clone()).ok())
        .unwrap_or_default();
    let text = |key: &str| report.get(key).and_then(Value::as_str).unwrap_or("");
    let (country, lang) = (text("country"), text("lang"));
    let mut ranked: Vec<Suggestion> = partners
        .iter()
        .filter(|p| p.status == crate::domain::PartnerStatus::Active)
        .map(|p| Suggestion {
            partner: p,
            serves: needs
                .iter()
                .copied()
                .filter(|n| p.services.contains(n))
                .collect(),
            country: p
                .countries
                .iter()
                .any(|c| c.as_str().eq_ignore_ascii_case(country)),
            // `es-hn` is Spanish; a language no partner lists (`quc`) matches none.
            language: (p.languages.iter()).any(|l| lang.split('-').next() == Some(l.code())),
        })
        .collect();
    ranked.sort_by(|a, b| {
        b.score()
            .cmp(&a.score())
            .then(a.partner.name.cmp(&b.partner.name))
    });
    ranked
}

/// The referral document: the schema and exactly the chosen fields the report has (unpadded, for
/// showing the worker what will be sent).
pub fn referral_document(report: &Value, fields: &[ReferralField]) -> Map<String, Value> {
    let mut doc = Map::new();
    doc.insert("schema".into(), REFERRAL_SCHEMA.into());
    for field in fields {
        if let Some(value) = report.get(field.key()).filter(|v| !v.is_null()) {
            doc.insert(field.key().into(), value.clone());
        }
    }
    doc
}

/// Whether the decrypted report carries the reporter's consent to referral.
pub fn consented(report: &Value) -> bool {
    report.get("consent_referral") == Some(&Value::Bool(true))
}

/// What the reporter said about referral, and what the worker decided.
pub enum ConsentDecision<'a> {
    /// Refer only if the report carries the reporter's consent.
    Required,
    /// Refer even without it, for this reason (encrypted to the desk; kept in the audit log).
    Override { reason: &'a str },
}

/// Everything a referral needs from the worker's side.
pub struct ReferralOrder<'a> {
    pub partner: &'a PartnerView,
    pub fields: &'a [ReferralField],
    pub consent: ConsentDecision<'a>,
    pub expires_in_days: Option<u32>,
    /// The case's files the partner gets, with their keys (`OpenCase::attachments`).
    pub attachments: &'a [ManifestEntry],
}

/// The partner's key as the verified chain signs it, refused unless the server lists the same
/// key for it: a partner the chain does not hold, or holds with another key, gets nothing.
pub fn signed_partner_key(
    state: &DeskState,
    partner: &PartnerView,
) -> Result<Recipient, ReferralError> {
    let id: [u8; 16] = hex_decode_array(&partner.id).ok_or(ReferralError::Malformed)?;
    let signed = state
        .partner(&id)
        .ok_or_else(|| ReferralError::UnsignedPartner(partner.name.clone()))?;
    if signed.recipient.as_str() != partner.recipient {
        return Err(ReferralError::SwappedPartnerKey {
            name: partner.name.clone(),
            signed: signed.recipient.fingerprint().to_string(),
        });
    }
    Ok(signed.recipient.clone())
}

/// A referral made on this device, ready to send.
pub struct SealedReferral {
    /// The padded referral document, to the partner's and the desk's keys, base64.
    pub ciphertext: String,
    pub consent: Consent,
    /// The override reason, to the desk's key, base64.
    pub override_reason: Option<String>,
    /// The ids of the attachments the document names, for the server to let the partner fetch.
    pub attachments: Vec<String>,
}

fn encrypt(recipients: &[&age::x25519::Recipient], plain: &[u8]) -> Result<String, ReferralError> {
    seal::seal(recipients, plain)
        .map(|c| b64_encode(&c))
        .map_err(|e| ReferralError::Encrypt(e.to_string()))
}

/// A message of `own`'s to the partner of referral `referral` (its id), signed as a desk message
/// to that referral and encrypted to the partner's key and the desk's current key as the verified
/// chain `state` signs them (protocol.md §8), base64: the conversation with a partner goes both
/// ways.
pub fn seal_to_partner(
    state: &DeskState,
    own: &age::x25519::Identity,
    partner: &PartnerView,
    referral: &str,
    text: &str,
) -> Result<String, ReferralError> {
    let partner_key = signed_partner_key(state, partner)?;
    let (_, desk) = state.current_key().ok_or(ReferralError::NoDeskKey)?;
    let account =
        super::case::own_author(state, own).map_err(|e| ReferralError::Encrypt(e.to_string()))?;
    let author = desk_to_partner_author(&account, referral);
    let plain = signed_message_plaintext(text, &author, &signing::signing_key(own));
    encrypt(&[partner_key.age(), desk.age()], &plain)
}

/// The referral of `case` that `order` describes, encrypted to the partner's and the desk's keys
/// as the verified chain `state` signs them.
pub fn seal_referral(
    case: &OpenCase,
    state: &DeskState,
    own: &age::x25519::Identity,
    order: &ReferralOrder<'_>,
) -> Result<SealedReferral, ReferralError> {
    let partner_key = signed_partner_key(state, order.partner)?;
    let (_, desk) = state.current_key().ok_or(ReferralError::NoDeskKey)?;
    let report = case.report.as_ref().ok_or(ReferralError::NoReport)?;
    let report: Value = serde_json::from_slice(report).map_err(|_| ReferralError::Malformed)?;
    if order.fields.is_empty() {
        return Err(ReferralError::NoFields);
    }
    let (consent, override_reason) = match (&order.consent, consented(&report)) {
        (_, true) => (Consent::Given, None),
        (ConsentDecision::Required, false) => return Err(ReferralError::NoConsent),
        (ConsentDecision::Override { reason }, false) => {
            if reason.trim().is_empty() {
                return Err(ReferralError::NoReason);
            }
            // Signed by the referring worker's account, like a note, so that the server cannot
            // put words in their mouth.
            let sealed = super::case::seal_note(state, own, reason)
                .map_err(|e| ReferralError::Encrypt(e.to_string()))?;
            (Consent::Override, Some(b64_encode(&sealed)))
        }
    };
    let mut document = referral_document(&report, order.fields);
    if !order.attachments.is_empty() {
        let entries =
            serde_json::to_value(order.attachments).map_err(|_| ReferralError::Malformed)?;
        document.insert("attachments".into(), entries);
    }
    let plain: Zeroizing<Vec<u8>> = padding::pad(document);
    Ok(SealedReferral {
        ciphertext: encrypt(&[partner_key.age(), desk.age()], &plain)?,
        consent,
        override_reason,
        attachments: order.attachments.iter().map(|e| e.id.clone()).collect(),
    })
}
