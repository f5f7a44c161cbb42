//! A referral's conversation as its readers see it (protocol.md §8): the partner's answers and
//! the desk's messages to the partner, decrypted where the reader can, each checked for who
//! signed it; and the referral document as the partner received it.

use zeroize::Zeroizing;

use super::authenticity::Authenticity;
use crate::crypto::chain::DeskState;
use crate::domain::{hex_decode_array, ReferralStatus, SigningPublic};
use crate::protocol::message::{open_message, Message};
use crate::protocol::referrals::{ReferralUpdateView, UpdateAuthor};

/// A partner's answer to a referral, decrypted where the reader can: the status it moved the
/// referral to (if it did) and its message (if it wrote one). Desk and partner see the same shape.
pub struct ReadableUpdate {
    /// A desk account's message to the partner, rather than the partner's answer.
    pub from_desk: bool,
    pub status: Option<ReferralStatus>,
    pub day: String,
    pub text: Option<Zeroizing<String>>,
    /// Whether the partner signed its message, once checked (`verify_partner`); `None` for a
    /// status without a message, or before the check.
    pub authenticity: Option<Authenticity>,
    message: Option<Message>,
    /// Whether the entry carries a message at all (opened here or not).
    carries_message: bool,
}

impl ReadableUpdate {
    /// An answer as served, its message opened by `open` where it can.
    pub fn open(
        update: &ReferralUpdateView,
        open: impl Fn(&str) -> Option<Zeroizing<Vec<u8>>>,
    ) -> ReadableUpdate {
        let message = (update.ciphertext.as_deref())
            .and_then(open)
            .and_then(|p| open_message(&p));
        ReadableUpdate {
            from_desk: update.author == UpdateAuthor::Desk,
            status: update.status,
            day: update.day.clone(),
            text: message.as_ref().map(|m| m.text.clone()),
            authenticity: None,
            message,
            carries_message: update.ciphertext.is_some(),
        }
    }

    /// Checks the partner's signature on the message of an answer to referral `referral`, with
    /// the partner's signing key `key` (protocol.md §8); `name` names the signer to the reader.
    /// A status alone carries no signature and is left unchecked, and so is a desk message.
    pub fn verify_partner(
        &mut self,
        referral: &str,
        key: Option<&SigningPublic>,
        name: Option<&str>,
    ) {
        if self.carries_message && !self.from_desk {
            let checked = Authenticity::of_partner(self.message.as_ref(), referral, key, name);
            self.authenticity = Some(checked);
        }
    }

    /// Checks an entry of referral `referral` (hex id) to partner `partner` (hex id) as a desk
    /// device does: a partner's answer against the signing key the verified chain `state` holds
    /// for that partner, named as the chain names it (not signed when the chain names no such
    /// partner), a desk message against the chain's accounts.
    pub fn verify_on_desk(&mut self, referral: &str, partner: &str, state: &DeskState) {
        if self.from_desk {
            return self.verify_desk_message(referral, Some(state));
        }
        match hex_decode_array(partner).and_then(|id| state.partner_ever(&id)) {
            Some(known) => {
                let key = known.signing_key.as_ref();
                self.verify_partner(referral, key, Some(&known.name));
            }
            None if self.carries_message => self.authenticity = Some(Authenticity::NotSigned),
            None => {}
        }
    }

    /// Checks a desk message to the partner of referral `referral` against the accounts of the
    /// verified chain `state` (`None`: this device holds no verified chain, so it cannot tell).
    pub fn verify_desk_message(&mut self, referral: &str, state: Option<&DeskState>) {
        if self.from_desk {
            let checked = match state {
                Some(state) => {
                    Authenticity::of_desk_to_partner(self.message.as_ref(), referral, state)
                }
                None => Authenticity::Unknown,
            };
            self.authenticity = Some(checked);
        }
    }

    /// The `--json` shape of an entry, the same in `worker show` and `partner show`:
    /// `{"from": "partner"|"desk", "day": "YYYY-MM-DD", "status": "accepted"|…|null,
    /// "text": "…"|null, "authenticity": "signed"|"not-signed"|"unknown"|null,
    /// "signed_by": "…"|null}`.
    pub fn to_json(&self) -> serde_json::Value {
        let checked = self.authenticity.as_ref();
        serde_json::json!({
            "from": if self.from_desk { "desk" } else { "partner" },
            "day": self.day, "status": self.status,
            "text": self.text.as_ref().map(|t| t.as_str()),
            "authenticity": checked.map(Authenticity::as_str),
            "signed_by": checked.and_then(Authenticity::signer),
        })
    }
}

/// A referral document as sent to the partner, without its padding: `None` if `plain` is not JSON.
pub fn received_referral(plain: &[u8]) -> Option<serde_json::Value> {
    let mut doc: serde_json::Value = serde_json::from_slice(plain).ok()?;
    if let Some(map) = doc.as_object_mut() {
        map.remove("pad");
    }
    Some(doc)
}
