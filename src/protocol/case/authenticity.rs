//! Who wrote a thread entry, a note or an override reason, as a desk device checks it.

use crate::crypto::chain::DeskState;
use crate::domain::{hex, SigningPublic, Username};
use crate::protocol::message::{desk_to_partner_author, partner_author, Message, REPORTER};

/// Whether a thread entry or note is by whom it claims (protocol.md §2). The server can encrypt to
/// the desk's public key and to the reply key, so without signatures it could write "reporter"
/// messages, desk replies and notes of its own.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Authenticity {
    /// Signed with the report's reporter key: whoever holds the receipt phrase wrote it.
    Signed,
    /// Signed by this desk account, as the verified statements name it.
    SignedBy(Username),
    /// Signed by the partner the referral went to, with the key the verified statements sign for
    /// it (named as they name it), as an answer to that referral.
    SignedByPartner(String),
    /// It claims a signer it is not signed by: for a reporter message, the report names a reporter
    /// key and the message is not signed with it; for a desk entry, a signature that does not
    /// verify or names no account of the desk. The server, or anyone who can encrypt to the desk,
    /// may have written it.
    NotSigned,
    /// Nothing to check: the report predates reporter keys, the entry is unsigned (written before
    /// signatures), or this device cannot open it.
    Unknown,
}

impl Authenticity {
    /// The code `--json` output and the vectors use.
    pub fn as_str(&self) -> &'static str {
        match self {
            Authenticity::Signed | Authenticity::SignedBy(_) | Authenticity::SignedByPartner(_) => {
                "signed"
            }
            Authenticity::NotSigned => "not-signed",
            Authenticity::Unknown => "unknown",
        }
    }

    /// The account that signed a desk entry, or the partner that signed an answer, if one did.
    pub fn signer(&self) -> Option<&str> {
        match self {
            Authenticity::SignedBy(name) => Some(name.as_str()),
            Authenticity::SignedByPartner(name) => Some(name),
            _ => None,
        }
    }

    /// A partner's answer to referral `referral`, checked against `key`, the partner's signing key
    /// (`None`: the partner was signed into the chain before partners had one). `name` is how the
    /// reader names the signer; the partner's own device, checking its answers, names no one.
    pub(super) fn of_partner(
        message: Option<&Message>,
        referral: &str,
        key: Option<&SigningPublic>,
        name: Option<&str>,
    ) -> Self {
        match (message, key) {
            (Some(message), Some(key)) if message.signed_by(&partner_author(referral), key) => name
                .map_or(Authenticity::Signed, |name| {
                    Authenticity::SignedByPartner(name.to_owned())
                }),
            (Some(_), Some(_)) => Authenticity::NotSigned,
            _ => Authenticity::Unknown,
        }
    }

    pub(super) fn of_reporter(
        message: Option<&Message>,
        reporter_key: Option<&SigningPublic>,
    ) -> Self {
        match (message, reporter_key) {
            (Some(message), Some(key)) if message.signed_by(REPORTER, key) => Authenticity::Signed,
            (Some(_), Some(_)) => Authenticity::NotSigned,
            _ => Authenticity::Unknown,
        }
    }

    /// A desk account's message to the partner of referral `referral`: signed by an account the
    /// verified chain `state` names, as a message to that referral.
    pub(super) fn of_desk_to_partner(
        message: Option<&Message>,
        referral: &str,
        state: &DeskState,
    ) -> Self {
        let Some(message) = message else {
            return Authenticity::Unknown;
        };
        let signer = state.accounts().find(|account| {
            let author = desk_to_partner_author(&hex(&account.id), referral);
            message.signed_by(&author, &account.signing_key)
        });
        match signer {
            Some(account) => Authenticity::SignedBy(account.username.clone()),
            None => Authenticity::NotSigned,
        }
    }

    pub(super) fn of_desk(message: Option<&Message>, state: &DeskState) -> Self {
        let Some((message, author)) = message.and_then(|m| Some((m, m.author()?))) else {
            return Authenticity::Unknown;
        };
        // Named exactly as `signed_by_own` writes it: the id in lower-case hex.
        let account = state.accounts().find(|account| hex(&account.id) == author);
        match account {
            Some(account) if message.signed_by(author, &account.signing_key) => {
                Authenticity::SignedBy(account.username.clone())
            }
            _ => Authenticity::NotSigned,
        }
    }
}
