//! Support partners of a desk (legal aid, psychosocial care, shelters, banks' fraud teams …) and
//! the referrals routed to them.

use std::net::IpAddr;
use std::str::FromStr;

use super::account::{text_enum, BadEnum};
use super::id::random_id;
use super::Language;
use super::Recipient;

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

impl Service {
    /// Whether a reporter may ask for it in a report's `needs`: every service but law
    /// enforcement, which only a desk arranges (docs/protocol.md §2).
    pub fn asked_by_reporters(self) -> bool {
        self != Service::LawEnforcement
    }
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

/// Invisible formatting characters (Unicode category Cf: zero-width spaces and joiners, bidi
/// controls, the soft hyphen, tags …). In a name they only ever serve to make two names that look
/// the same compare different, or (a bidi override) to make `exe.jpg` read as `gpj.exe`.
pub fn is_format(c: char) -> bool {
    matches!(c,
        '\u{00AD}' | '\u{0600}'..='\u{0605}' | '\u{061C}' | '\u{06DD}' | '\u{070F}'
        | '\u{0890}'..='\u{0891}' | '\u{08E2}' | '\u{180E}' | '\u{200B}'..='\u{200F}'
        | '\u{202A}'..='\u{202E}' | '\u{2060}'..='\u{2064}' | '\u{2066}'..='\u{206F}'
        | '\u{FEFF}' | '\u{FFF9}'..='\u{FFFB}' | '\u{110BD}' | '\u{110CD}'
        | '\u{13430}'..='\u{1343F}' | '\u{1BCA0}'..='\u{1BCA3}' | '\u{1D173}'..='\u{1D17A}'
        | '\u{E0001}' | '\u{E0020}'..='\u{E007F}')
}

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum BadPartnerName {
    #[error(transparent)]
    Text(#[from] BadText),
    #[error("a partner name may not contain invisible formatting characters (such as zero-width spaces)")]
    Invisible,
}

impl PartnerName {
    /// Parses a name in Unicode's compatibility form (NFKC: full-width letters and ligatures
    /// become plain ones), without invisible formatting characters.
    pub fn parse(text: &str) -> Result<Self, BadPartnerName> {
        use unicode_normalization::UnicodeNormalization;
        let normal: String = text.nfkc().collect();
        if normal.chars().any(is_format) {
            return Err(BadPartnerName::Invisible);
        }
        Ok(Self(plain_text(&normal, "a partner name", 100)?))
    }

    /// A name read back from the store, as it was accepted when written (names written before
    /// the formatting-character rule must still list).
    pub fn from_stored(text: String) -> Self {
        Self(text)
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// Whether two names would look alike to a case worker picking a partner: equal after
    /// lower-casing and Unicode's confusable skeleton (UTS #39), so "Р1" in Cyrillic and "P1" are
    /// one name, as are "rn" and "m".
    pub fn looks_like(&self, other: &PartnerName) -> bool {
        skeleton(&self.0) == skeleton(&other.0)
    }
}

fn skeleton(name: &str) -> String {
    let lower = name.to_lowercase();
    unicode_security::skeleton(&lower)
        .flat_map(char::to_lowercase)
        .collect()
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

    /// The host as an address, when it is one. The URL standard reads `2130706433`, `0x7f.1` and
    /// `[::ffff:127.0.0.1]` as addresses, so none of those spellings hides one.
    pub fn ip_host(&self) -> Option<IpAddr> {
        match self.0.host()? {
            url::Host::Ipv4(v4) => Some(IpAddr::V4(v4)),
            url::Host::Ipv6(v6) => Some(IpAddr::V6(v6).to_canonical()),
            url::Host::Domain(_) => None,
        }
    }

    /// The host name or address (without brackets) and port, to resolve before connecting.
    pub fn host_and_port(&self) -> Option<(String, u16)> {
        let host = match self.0.host()? {
            url::Host::Domain(name) => name.to_owned(),
            url::Host::Ipv4(v4) => v4.to_string(),
            url::Host::Ipv6(v6) => v6.to_string(),
        };
        Some((host, self.0.port_or_known_default()?))
    }

    /// The host as written in the URL (a name, an IPv4 address, or an IPv6 one in brackets).
    pub fn host_str(&self) -> &str {
        self.0.host_str().unwrap_or_default()
    }
}

/// Whether `ip` is an address on the public internet. Webhooks go only to such addresses unless
/// `webhooks.allow_private` is on, so that whoever can register a partner cannot make the server
/// call into its own host or network (loopback, private, link-local — cloud metadata at
/// 169.254.169.254 —, unique local, shared, multicast, reserved or documentation ranges).
pub fn is_public_address(ip: IpAddr) -> bool {
    match ip.to_canonical() {
        IpAddr::V4(v4) => {
            let [a, b, ..] = v4.octets();
            !(v4.is_unspecified()
                || v4.is_loopback()
                || v4.is_private()
                || v4.is_link_local()
                || v4.is_multicast()
                || v4.is_broadcast()
                || v4.is_documentation()
                || a == 0
                || a >= 240
                || (a == 100 && (64..128).contains(&b))
                || (a == 192 && b == 0)
                || (a == 198 && (18..20).contains(&b)))
        }
        IpAddr::V6(v6) => {
            let first = v6.segments()[0];
            !(v6.is_unspecified()
                || v6.is_loopback()
                || v6.is_multicast()
                || (first & 0xfe00) == 0xfc00
                || (first & 0xffc0) == 0xfe80
                || first == 0x2001 && v6.segments()[1] == 0x0db8
                || first == 0x0064 && v6.segments()[1] == 0xff9b
                || first == 0x2002)
        }
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
    fn names_that_look_alike_are_one_name() {
        let p1 = PartnerName::parse("P1").unwrap();
        assert!(
            p1.looks_like(&PartnerName::parse("\u{0420}1").unwrap()),
            "Cyrillic Er"
        );
        assert!(
            p1.looks_like(&PartnerName::parse("Ｐ１").unwrap()),
            "full-width"
        );
        assert!(p1.looks_like(&PartnerName::parse("p1").unwrap()), "case");
        assert!(!p1.looks_like(&PartnerName::parse("P2").unwrap()));
        assert_eq!(
            PartnerName::parse("P1\u{200B}").err(),
            Some(BadPartnerName::Invisible)
        );
        assert_eq!(
            PartnerName::parse("\u{202E}1P").err(),
            Some(BadPartnerName::Invisible)
        );
        assert_eq!(PartnerName::parse("ﬁnanzas").unwrap().as_str(), "finanzas");
    }

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
        for (text, public) in [
            ("https://bufete.example/", None),
            ("https://203.0.114.9/", Some(true)),
            ("https://[2a00:1450::1]/", Some(true)),
            ("https://127.0.0.1/", Some(false)),
            ("https://2130706433/", Some(false)),
            ("https://0x7f.1/", Some(false)),
            ("https://[::1]/", Some(false)),
            ("https://[::ffff:127.0.0.1]/", Some(false)),
            ("https://169.254.169.254/", Some(false)),
            ("https://10.1.2.3/", Some(false)),
            ("https://172.16.0.1/", Some(false)),
            ("https://192.168.1.1/", Some(false)),
            ("https://100.64.0.1/", Some(false)),
            ("https://0.0.0.0/", Some(false)),
            ("https://[fd00::1]/", Some(false)),
            ("https://[fe80::1]/", Some(false)),
        ] {
            let url = WebhookUrl::parse(text, false).unwrap();
            assert_eq!(url.ip_host().map(is_public_address), public, "{text}");
        }
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
