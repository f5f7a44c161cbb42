//! What a reporter tells the desk: the plaintext report document, which exists only on the reporter's device
//! and, encrypted, on the way to the desk (schema `resguardo.report.v2`, docs/protocol.md §2).

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use zeroize::Zeroizing;

use crate::crypto::padding;
use crate::crypto::receipt::ReplyMacKey;
use crate::domain::{b64_encode, Language, ReportKind, Service, SigningPublic};
use crate::protocol::attachments::ManifestEntry;

/// Roughly when it happened: coarse on purpose, a precise date can identify a person.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum When {
    Today,
    ThisWeek,
    ThisMonth,
    Earlier,
}

/// How the extortionist reached the victim (docs/codebook.md).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Channel {
    Call,
    /// WhatsApp, Telegram, SMS and the like.
    Messaging,
    SocialNetwork,
    InPerson,
    Other,
}

/// What the extortionist demanded (docs/codebook.md).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Demand {
    Money,
    Images,
    Other,
}

/// How money was paid, if it was (docs/codebook.md).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PaymentChannel {
    BankDeposit,
    Remittance,
    Cash,
    MobileMoney,
    Crypto,
    Other,
}

/// A yes or a no; a reporter who does not know leaves the question out.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum YesNo {
    Yes,
    No,
}

/// What kind of thing the extortionist used.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum IndicatorKind {
    /// A phone number.
    Phone,
    /// A bank or remittance account.
    Account,
    /// A social-media profile or handle.
    Handle,
    /// A cryptocurrency wallet.
    Wallet,
}

/// Something the extortionist used: what a bank's fraud team or the desk can act on.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Indicator {
    #[serde(rename = "type")]
    pub kind: IndicatorKind,
    pub value: String,
}

/// Most indicators one report carries, and the longest value.
pub const MAX_INDICATORS: usize = 20;
pub const MAX_INDICATOR_LEN: usize = 200;

/// The report as typed. Unknown fields are refused so that a typo in a `--file` is not silently lost.
#[derive(Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ReportForm {
    pub kind: ReportKind,
    /// What happened, in the reporter's words.
    pub narrative: String,
    /// ISO 3166-1 alpha-2, if the reporter says.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub country: Option<String>,
    /// The help the reporter asks for: services a reporter may name (`Service::asked_by_reporters`).
    #[serde(default)]
    pub needs: Vec<Service>,
    /// Whether the desk may refer the case to a support partner.
    #[serde(default)]
    pub consent_referral: bool,
    /// A safe way to reach the reporter, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub safe_contact: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub when: Option<When>,
    /// Phone numbers, accounts, handles, wallets the extortionist used.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub indicators: Vec<Indicator>,
    /// Whether coarse facts of the case may be counted in anonymous statistics.
    #[serde(default)]
    pub consent_statistics: bool,
    /// The codebook's facets (schema v2, docs/codebook.md), each optional.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub channel: Option<Channel>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub demanded: Vec<Demand>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub paid: Option<YesNo>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub payment_channel: Option<PaymentChannel>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub gang_claimed: Option<YesNo>,
}

impl std::fmt::Debug for ReportForm {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("ReportForm(redacted)")
    }
}

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum FormError {
    #[error("the report needs a description of what happened")]
    EmptyNarrative,
    #[error("the country must be a two-letter code such as GT, HN or SV")]
    BadCountry,
    #[error("at most {MAX_INDICATORS} indicators, each 1 to {MAX_INDICATOR_LEN} characters")]
    BadIndicators,
    #[error(
        "{} is not help a report can ask for: choose among legal, psychosocial, \
         digital_security, shelter, medical, financial",
        .0.as_str()
    )]
    NotANeed(Service),
}

/// The language a report is written in: its catalogue's code (`es`, or one a deployment added,
/// such as `quc`), which the report carries as `lang`, and the word list of its receipt phrase.
#[derive(Debug, Clone, Copy)]
pub struct FormLanguage<'a> {
    pub code: &'a str,
    pub words: Language,
}

impl From<Language> for FormLanguage<'static> {
    fn from(lang: Language) -> Self {
        FormLanguage {
            code: lang.code(),
            words: lang,
        }
    }
}

impl ReportForm {
    pub fn check(&self) -> Result<(), FormError> {
        if self.narrative.trim().is_empty() {
            return Err(FormError::EmptyNarrative);
        }
        if let Some(need) = self.needs.iter().find(|n| !n.asked_by_reporters()) {
            return Err(FormError::NotANeed(*need));
        }
        if let Some(country) = &self.country {
            if country.len() != 2 || !country.bytes().all(|b| b.is_ascii_uppercase()) {
                return Err(FormError::BadCountry);
            }
        }
        let bad_value = |i: &Indicator| {
            let len = i.value.trim().chars().count();
            len == 0 || len > MAX_INDICATOR_LEN
        };
        if self.indicators.len() > MAX_INDICATORS || self.indicators.iter().any(bad_value) {
            return Err(FormError::BadIndicators);
        }
        Ok(())
    }

    /// The padded plaintext document, ready to encrypt, bound to the reporter's keys.
    pub fn to_plaintext<'a>(
        &self,
        lang: impl Into<FormLanguage<'a>>,
        binding: &Binding<'_>,
    ) -> Zeroizing<Vec<u8>> {
        self.to_plaintext_with(lang, binding, &[])
    }

    /// The same, naming the files attached to the report (`attachments`, docs/protocol.md §12;
    /// the field is left out when there are none).
    pub fn to_plaintext_with<'a>(
        &self,
        lang: impl Into<FormLanguage<'a>>,
        binding: &Binding<'_>,
        attachments: &[ManifestEntry],
    ) -> Zeroizing<Vec<u8>> {
        let mut doc = match serde_json::to_value(self) {
            Ok(Value::Object(map)) => map,
            _ => Map::new(),
        };
        doc.insert("schema".into(), "resguardo.report.v2".into());
        doc.insert("lang".into(), lang.into().code.into());
        doc.insert("reply_to".into(), binding.reply_to.into());
        doc.insert(
            "reporter_key".into(),
            b64_encode(&binding.reporter_key.to_bytes()).into(),
        );
        doc.insert(
            "reply_mac_key".into(),
            b64_encode(binding.reply_mac_key.expose()).into(),
        );
        if !attachments.is_empty() {
            let entries = serde_json::to_value(attachments).unwrap_or_default();
            doc.insert("attachments".into(), entries);
        }
        padding::pad(doc)
    }
}

/// What a report seals about its reporter's keys (protocol.md §2), all derived from the receipt
/// phrase: the reply recipient sent beside it (so desk clients catch a server that swaps it), the
/// reporter key the reporter's messages are signed with, and the key the desk's replies are
/// authenticated with.
pub struct Binding<'a> {
    pub reply_to: &'a str,
    pub reporter_key: &'a SigningPublic,
    pub reply_mac_key: &'a ReplyMacKey,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plaintext_is_padded_json_with_schema() {
        let form: ReportForm = serde_json::from_str(
            r#"{"kind":"sextortion","narrative":"x","country":"GT","needs":["legal"],"consent_referral":true}"#,
        )
        .unwrap();
        form.check().unwrap();
        let reply_to = "age1zvkyg2lqzraa2lnjvqej32nkuu0ues2s82hzrye869xeexvn73equnujwj";
        let key = crate::domain::SigningPublic::from_verifying(
            ed25519_dalek::SigningKey::from_bytes(&[5; 32]).verifying_key(),
        );
        let mac = ReplyMacKey::from_bytes([6; 32]);
        let binding = Binding {
            reply_to,
            reporter_key: &key,
            reply_mac_key: &mac,
        };
        let plain = form.to_plaintext(Language::Es, &binding);
        assert_eq!(plain.len(), 1024);
        let doc: Value = serde_json::from_slice(&plain).unwrap();
        assert_eq!(doc["schema"], "resguardo.report.v2");
        assert_eq!(doc["reply_to"], reply_to);
        assert_eq!(doc["reporter_key"], b64_encode(&key.to_bytes()));
        assert_eq!(doc["reply_mac_key"], b64_encode(&[6; 32]));
        assert_eq!(doc["needs"][0], "legal");
    }

    #[test]
    fn forms_are_checked() {
        let mut form: ReportForm =
            serde_json::from_str(r#"{"kind":"other","narrative":"  "}"#).unwrap();
        assert_eq!(form.check(), Err(FormError::EmptyNarrative));
        form.narrative = "ok".into();
        form.country = Some("gt".into());
        assert_eq!(form.check(), Err(FormError::BadCountry));
        assert!(
            serde_json::from_str::<ReportForm>(r#"{"kind":"other","narrative":"a","x":1}"#)
                .is_err()
        );
        form.country = None;
        form.needs = vec![Service::Legal, Service::LawEnforcement];
        assert_eq!(
            form.check(),
            Err(FormError::NotANeed(Service::LawEnforcement))
        );
    }

    #[test]
    fn indicators_are_bounded() {
        let with = |indicators: &str| -> ReportForm {
            serde_json::from_str(&format!(
                r#"{{"kind":"other","narrative":"a","when":"this_week","indicators":{indicators}}}"#
            ))
            .unwrap()
        };
        let one = with(r#"[{"type":"phone","value":"+502 5555 1234"}]"#);
        assert_eq!(one.check(), Ok(()));
        assert_eq!(one.when, Some(When::ThisWeek));
        let blank = with(r#"[{"type":"wallet","value":"  "}]"#);
        assert_eq!(blank.check(), Err(FormError::BadIndicators));
        let long = with(&format!(
            r#"[{{"type":"handle","value":"{}"}}]"#,
            "x".repeat(201)
        ));
        assert_eq!(long.check(), Err(FormError::BadIndicators));
        let many: Vec<String> = (0..21)
            .map(|i| format!(r#"{{"type":"account","value":"{i}"}}"#))
            .collect();
        let many = with(&format!("[{}]", many.join(",")));
        assert_eq!(many.check(), Err(FormError::BadIndicators));
        assert!(serde_json::from_str::<ReportForm>(
            r#"{"kind":"other","narrative":"a","indicators":[{"type":"fax","value":"1"}]}"#
        )
        .is_err());
    }
}
