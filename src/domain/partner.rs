//! Support partners of a desk (legal aid, psychosocial care, shelters, banks' fraud teams …) and
//! the referrals routed to them.

use std::str::FromStr;

use super::account::{text_enum, BadEnum};
use super::id::random_id;
use super::Recipient;
use crate::crypto::receipt::Language;

random_id!(
    /// A partner's id.
    PartnerId,
    "partner"
);

random_id!(
    /// A referral's id: what a partner and the desk name a referral by.
    ReferralId,
    "referral"
);

/// What a partner offers; a report's needs are matched against these.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize, utoipa::ToSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum Service {
    Legal,
    Psychosocial,
    DigitalSecurity,
    Shelter,
    Medical,
    Financial,
    LawEnforcement,
}

text_enum!(Service {
    Legal => "legal", Psychosocial => "psychosocial", DigitalSecurity => "digital_security",
    Shelter => "shelter", Medical => "medical", Financial => "financial",
    LawEnforcement => "law_enforcement",
});

/// An ISO 3166-1 alpha-2 country code, upper case.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Country([u8; 2]);

impl Country {
    pub fn as_str(&self) -> &str {
        // Two ASCII upper-case letters by construction.
        std::str::from_utf8(&self.0).unwrap_or("??")
    }
}

impl FromStr for Country {
    type Err = BadEnum;
    fn from_str(text: &str) -> Result<Self, BadEnum> {
        match text.as_bytes() {
            [a, b] if a.is_ascii_alphabetic() && b.is_ascii_alphabetic() => {
                Ok(Self([a.to_ascii_uppercase(), b.to_ascii_uppercase()]))
            }
            _ => Err(BadEnum(text.to_owned())),
        }
    }
}

impl serde::Serialize for Country {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

impl<'de> serde::Deserialize<'de> for Country {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let text = String::deserialize(d)?;
        text.parse()
            .map_err(|_| serde::de::Error::custom("a country is two letters (ISO 3166-1)"))
    }
}

/// A partner organisation's name: 1–100 characters, no control characters, trimmed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PartnerName(String);

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
#[error("{0} is 1 to {1} characters without control characters")]
pub struct BadText(pub &'static str, pub usize);

fn plain_text(text: &str, what: &'static str, max: usize) -> Result<String, BadText> {
    let text = text.trim();
    if (1..=max).contains(&text.chars().count()) && !text.chars().any(char::is_control) {
        Ok(text.to_owned())
    } else {
        Err(BadText(what, max))
    }
}

impl PartnerName {
    pub fn parse(text: &str) -> Result<Self, BadText> {
        plain_text(text, "a partner name", 100).map(Self)
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// What a desk's directory says of a partner. All of it is the organisation's own public
/// information: nothing here is about a reporter.
#[derive(Debug, Clone)]
pub struct PartnerProfile {
    pub name: PartnerName,
    pub services: Vec<Service>,
    pub countries: Vec<Country>,
    pub languages: Vec<Language>,
    pub recipient: Recipient,
    /// How the desk reaches the organisation (a phone, an address, a person): 1–200 characters.
    pub contact: String,
}

impl PartnerProfile {
    pub fn parse_contact(text: &str) -> Result<String, BadText> {
        plain_text(text, "a contact", 200)
    }
}

/// Where a partner's webhook is told of new referrals: an absolute `https` URL (plain `http`
/// only when the operator allows it, e.g. for a partner's onion service or a test), without
/// credentials, at most 500 characters.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WebhookUrl(url::Url);

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
#[error("a webhook is an absolute https:// address without user name or password, at most 500 characters")]
pub struct BadWebhook;

impl WebhookUrl {
    pub fn parse(text: &str, allow_http: bool) -> Result<Self, BadWebhook> {
        let url = url::Url::parse(text).map_err(|_| BadWebhook)?;
        let scheme_ok = url.scheme() == "https" || (allow_http && url.scheme() == "http");
        let credentials = !url.username().is_empty() || url.password().is_some();
        if text.len() > 500 || !scheme_ok || credentials || url.host_str().is_none() {
            return Err(BadWebhook);
        }
        Ok(Self(url))
    }

    pub fn as_str(&self) -> &str {
        self.0.as_str()
    }
}

/// Whether a partner may sign in.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize, utoipa::ToSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum PartnerStatus {
    Active,
    Disabled,
}

text_enum!(PartnerStatus { Active => "active", Disabled => "disabled" });

/// Where a referral stands: `sent` by the desk, then `accepted` or `declined` by the partner, and
/// `closed` by the partner when its part is done.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize, utoipa::ToSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum ReferralStatus {
    Sent,
    Accepted,
    Declined,
    Closed,
}

text_enum!(ReferralStatus {
    Sent => "sent", Accepted => "accepted", Declined => "declined", Closed => "closed",
});

impl ReferralStatus {
    /// Whether a partner may move a referral from `self` to `next`.
    pub fn may_become(self, next: ReferralStatus) -> bool {
        use ReferralStatus::*;
        matches!(
            (self, next),
            (Sent, Accepted) | (Sent, Declined) | (Accepted, Closed)
        )
    }

    /// A declined or closed referral takes no more messages.
    pub fn is_final(self) -> bool {
        matches!(self, ReferralStatus::Declined | ReferralStatus::Closed)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn countries_are_two_letters() {
        assert_eq!("gt".parse::<Country>().unwrap().as_str(), "GT");
        for bad in ["", "G", "GTM", "G1", "ÑA"] {
            assert!(bad.parse::<Country>().is_err(), "{bad}");
        }
    }

    #[test]
    fn referral_status_moves_forward_only() {
        use ReferralStatus::*;
        assert!(Sent.may_become(Accepted) && Sent.may_become(Declined));
        assert!(Accepted.may_become(Closed));
        for (from, to) in [
            (Accepted, Sent),
            (Declined, Accepted),
            (Closed, Accepted),
            (Sent, Closed),
        ] {
            assert!(!from.may_become(to), "{from:?} → {to:?}");
        }
    }

    #[test]
    fn webhooks_are_https_without_credentials() {
        assert!(WebhookUrl::parse("https://bufete.example/hooks/resguardo", false).is_ok());
        assert!(WebhookUrl::parse("http://127.0.0.1:9/hook", true).is_ok());
        for bad in [
            "http://bufete.example/hook",
            "https://user:pw@bufete.example/",
            "ftp://bufete.example/",
            "/relative",
            "",
        ] {
            assert!(WebhookUrl::parse(bad, false).is_err(), "{bad}");
        }
    }

    #[test]
    fn ids_round_trip() {
        let id = ReferralId::random();
        assert_eq!(ReferralId::parse(&id.to_string()).unwrap(), id);
        assert_eq!(
            PartnerId::parse("xyz").unwrap_err().to_string(),
            "a partner id is 32 hexadecimal digits"
        );
    }
}
