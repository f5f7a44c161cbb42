//! Referrals on a case worker's device: ranking the directory against the decrypted report,
//! building the referral document from only the fields the worker chose, checking the reporter's
//! consent, and encrypting to the partner and the desk.

use serde_json::{Map, Value};
use zeroize::Zeroizing;

use super::{ApiClient, ClientError};
use crate::crypto::chain::DeskState;
use crate::crypto::{padding, seal};
use crate::domain::{b64_encode, Recipient, Service};
use crate::protocol::case::OpenCase;
use crate::protocol::referrals::{
    Consent, NewPartner, NewReferralRequest, PartnerToken, PartnerView, ReferralCreated,
};

/// The schema of a referral document.
pub const REFERRAL_SCHEMA: &str = "resguardo.referral.v1";

/// A report field a referral may carry. Nothing else of the report (not its reply key, not the
/// consent flag) ever goes to a partner.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
#[value(rename_all = "snake_case")]
pub enum ReferralField {
    Kind,
    Narrative,
    Country,
    Needs,
    SafeContact,
    Lang,
    When,
    Indicators,
}

impl ReferralField {
    pub fn key(self) -> &'static str {
        match self {
            ReferralField::Kind => "kind",
            ReferralField::Narrative => "narrative",
            ReferralField::Country => "country",
            ReferralField::Needs => "needs",
            ReferralField::SafeContact => "safe_contact",
            ReferralField::Lang => "lang",
            ReferralField::When => "when",
            ReferralField::Indicators => "indicators",
        }
    }
}

impl ApiClient {
    pub async fn add_partner(
        &self,
        token: &str,
        partner: &NewPartner,
    ) -> Result<PartnerToken, ClientError> {
        self.post_as(token, "/api/v1/desk/partners", partner).await
    }

    pub async fn partners(&self, token: &str) -> Result<Vec<PartnerView>, ClientError> {
        self.get_as(token, "/api/v1/desk/partners").await
    }

    pub async fn disable_partner(&self, token: &str, id: &str) -> Result<(), ClientError> {
        let path = format!("/api/v1/desk/partners/{id}/disable");
        self.post_as::<_, Option<Value>>(token, &path, &Value::Object(Map::new()))
            .await
            .map(|_| ())
    }

    pub async fn partner_token(&self, token: &str, id: &str) -> Result<PartnerToken, ClientError> {
        let path = format!("/api/v1/desk/partners/{id}/token");
        self.post_as(token, &path, &Value::Object(Map::new())).await
    }

    pub async fn refer(
        &self,
        token: &str,
        case: &str,
        request: &NewReferralRequest,
    ) -> Result<ReferralCreated, ClientError> {
        let path = format!("/api/v1/desk/reports/{case}/referrals");
        self.post_as(token, &path, request).await
    }
}

/// Finds a partner of the directory by id or by name (case-insensitive).
pub fn find_partner<'a>(
    partners: &'a [PartnerView],
    wanted: &str,
) -> Result<&'a PartnerView, ClientError> {
    partners
        .iter()
        .find(|p| p.id == wanted || p.name.eq_ignore_ascii_case(wanted))
        .ok_or_else(|| {
            ClientError::Usage(format!("no partner {wanted:?} in this desk's directory"))
        })
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
            language: p.languages.iter().any(|l| l.code() == lang),
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
}

fn usage(e: impl std::fmt::Display) -> ClientError {
    ClientError::Usage(e.to_string())
}

/// The partner's key as the verified chain signs it, refused unless the server lists the same
/// key for it: a partner the chain does not hold, or holds with another key, gets nothing.
pub fn signed_partner_key(
    state: &DeskState,
    partner: &PartnerView,
) -> Result<Recipient, ClientError> {
    let id = super::desk_keys::hex_id(&partner.id)?;
    let signed = state.partner(&id).ok_or_else(|| {
        ClientError::Untrusted(format!(
            "partner {:?} is not in the desk's signed statements: a supervisor signs it with \
             `desk partner add` or `desk init-chain`; nothing was sent",
            partner.name
        ))
    })?;
    if signed.recipient.as_str() != partner.recipient {
        return Err(ClientError::Untrusted(format!(
            "the server lists another key for partner {:?} than the one the desk signed \
             (safety number {}): nothing was sent",
            partner.name,
            signed.recipient.fingerprint()
        )));
    }
    Ok(signed.recipient.clone())
}

/// Encrypts the referral document to the partner's and the desk's keys as the verified chain
/// `state` signs them, and sends it.
pub async fn refer(
    client: &ApiClient,
    token: &str,
    case: &OpenCase,
    state: &DeskState,
    order: &ReferralOrder<'_>,
) -> Result<ReferralCreated, ClientError> {
    let partner_key = signed_partner_key(state, order.partner)?;
    let (_, desk) = state
        .current_key()
        .ok_or_else(|| ClientError::Untrusted("the desk's statements sign no desk key".into()))?;
    let report = case.report.as_ref().ok_or_else(|| {
        usage("no desk key on this device opens the report, so nothing can be referred")
    })?;
    let report: Value = serde_json::from_slice(report).map_err(|_| ClientError::Unexpected(200))?;
    if order.fields.is_empty() {
        return Err(usage("choose at least one field to send (--fields)"));
    }
    let (consent, override_reason) = match (&order.consent, consented(&report)) {
        (_, true) => (Consent::Given, None),
        (ConsentDecision::Required, false) => {
            return Err(usage(
                "the reporter did not consent to referral; refer anyway only with \
                 --override-consent --reason \"why\" (the reason is recorded)",
            ))
        }
        (ConsentDecision::Override { reason }, false) => {
            if reason.trim().is_empty() {
                return Err(usage("an override needs a reason"));
            }
            let text = crate::protocol::message::message_plaintext(reason);
            let sealed = seal::seal(&[desk.age()], &text).map_err(usage)?;
            (Consent::Override, Some(b64_encode(&sealed)))
        }
    };
    let plain: Zeroizing<Vec<u8>> = padding::pad(referral_document(&report, order.fields));
    let sealed = seal::seal(&[partner_key.age(), desk.age()], &plain).map_err(usage)?;
    let request = NewReferralRequest {
        partner: order.partner.id.clone(),
        ciphertext: b64_encode(&sealed),
        consent,
        override_reason,
        expires_in_days: order.expires_in_days,
    };
    client.refer(token, &case.view.id, &request).await
}
