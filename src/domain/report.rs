use std::fmt;
use std::str::FromStr;

use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;
use zeroize::{Zeroize, ZeroizeOnDrop};

super::id::random_id!(
    /// A report's id: 16 bytes from the OS random number generator.
    ReportId,
    "report"
);

super::id::random_id!(
    /// An attachment's id (docs/protocol.md §12): 16 random bytes, also its name in the blob
    /// store. It says nothing of the report it belongs to.
    AttachmentId,
    "attachment"
);

/// The receipt lookup (design §3.1): 16 bytes that find a report, derived from the receipt phrase.
/// Not a secret on its own (it cannot authenticate), but never logged.
#[derive(Clone, Copy, PartialEq, Eq)]
pub struct Lookup(pub [u8; 16]);

impl fmt::Debug for Lookup {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Lookup(…)")
    }
}

/// The receipt auth key (design §3.1): 32 secret bytes the reporter sends to prove the phrase.
/// Zeroized on drop; its `Debug` prints nothing of it.
#[derive(Clone, Zeroize, ZeroizeOnDrop)]
pub struct ReceiptAuth([u8; 32]);

impl ReceiptAuth {
    pub fn from_bytes(bytes: [u8; 32]) -> Self {
        Self(bytes)
    }

    pub fn expose(&self) -> &[u8; 32] {
        &self.0
    }

    /// What the server stores instead of the auth key: SHA-256(auth).
    pub fn verifier(&self) -> Verifier {
        Verifier(Sha256::digest(self.0).into())
    }
}

impl fmt::Debug for ReceiptAuth {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("ReceiptAuth(redacted)")
    }
}

/// SHA-256 of the receipt auth key, as stored by the server.
#[derive(Clone, Copy)]
pub struct Verifier(pub [u8; 32]);

impl Verifier {
    /// Constant-time comparison, so that response time does not reveal how many bytes matched.
    pub fn matches(&self, other: &Verifier) -> bool {
        self.0.ct_eq(&other.0).into()
    }
}

impl fmt::Debug for Verifier {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Verifier(…)")
    }
}

/// Where a case stands (design §4.3).
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize, utoipa::ToSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    New,
    InReview,
    Referred,
    Closed,
    Spam,
}

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
#[error("a status is one of new, in_review, referred, closed, spam")]
pub struct BadStatus;

impl Status {
    pub fn as_str(self) -> &'static str {
        match self {
            Status::New => "new",
            Status::InReview => "in_review",
            Status::Referred => "referred",
            Status::Closed => "closed",
            Status::Spam => "spam",
        }
    }

    /// Whether the desk is still working on the case (not closed, not spam).
    pub fn is_open(self) -> bool {
        matches!(self, Status::New | Status::InReview | Status::Referred)
    }
}

impl FromStr for Status {
    type Err = BadStatus;
    fn from_str(text: &str) -> Result<Self, BadStatus> {
        match text {
            "new" => Ok(Status::New),
            "in_review" => Ok(Status::InReview),
            "referred" => Ok(Status::Referred),
            "closed" => Ok(Status::Closed),
            "spam" => Ok(Status::Spam),
            _ => Err(BadStatus),
        }
    }
}

/// Who wrote a message in a case thread.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize, utoipa::ToSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum Author {
    Reporter,
    Desk,
}

impl Author {
    pub fn as_str(self) -> &'static str {
        match self {
            Author::Reporter => "reporter",
            Author::Desk => "desk",
        }
    }
}

impl FromStr for Author {
    type Err = BadStatus;
    fn from_str(text: &str) -> Result<Self, BadStatus> {
        match text {
            "reporter" => Ok(Author::Reporter),
            "desk" => Ok(Author::Desk),
            _ => Err(BadStatus),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn report_ids_round_trip_and_differ() {
        let a = ReportId::random();
        assert_eq!(ReportId::parse(&a.to_string()).unwrap(), a);
        assert_ne!(a, ReportId::random());
        assert!(ReportId::parse("zz").is_err());
        assert!(ReportId::parse(&"g".repeat(32)).is_err());
        assert!(ReportId::parse("é".repeat(16).as_str()).is_err());
    }

    #[test]
    fn secrets_do_not_debug_print() {
        let auth = ReceiptAuth::from_bytes([0x41; 32]);
        assert!(!format!("{auth:?}").contains("65"));
        assert!(!format!("{:?}", Lookup([7; 16])).contains('7'));
    }

    #[test]
    fn verifier_compares() {
        let auth = ReceiptAuth::from_bytes([1; 32]);
        assert!(auth.verifier().matches(&auth.verifier()));
        assert!(!auth
            .verifier()
            .matches(&ReceiptAuth::from_bytes([2; 32]).verifier()));
    }

    #[test]
    fn statuses_round_trip() {
        for s in [
            Status::New,
            Status::InReview,
            Status::Referred,
            Status::Closed,
            Status::Spam,
        ] {
            assert_eq!(s.as_str().parse::<Status>().unwrap(), s);
        }
    }
}

/// What kind of extortion a report is about. The command line spells values as the schema does
/// (`phone_extortion`), one spelling everywhere.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize, clap::ValueEnum,
)]
#[serde(rename_all = "snake_case")]
#[value(rename_all = "snake_case")]
pub enum ReportKind {
    Sextortion,
    PhoneExtortion,
    InPersonExtortion,
    OnlineExtortion,
    Other,
}

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
    /// Every field, in the order the schema lists them.
    pub const ALL: [ReferralField; 8] = [
        ReferralField::Kind,
        ReferralField::Narrative,
        ReferralField::Country,
        ReferralField::Needs,
        ReferralField::SafeContact,
        ReferralField::Lang,
        ReferralField::When,
        ReferralField::Indicators,
    ];

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
