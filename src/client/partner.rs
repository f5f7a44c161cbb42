//! A partner organisation's side: its referrals, decrypted with its own identity, and its answers,
//! encrypted to the desk key (and to itself, so it can read its own messages back).

use serde_json::Value;

use super::trust;
use super::{ApiClient, ClientError};
use crate::crypto::chain::{DeskState, Pins};
use crate::crypto::statement::Signed;
use crate::crypto::{seal, signing};
use crate::domain::{b64_decode, b64_encode, DeskSlug, Recipient, ReferralId, ReferralStatus};
use crate::protocol::case::{received_referral, ReadableUpdate};
use crate::protocol::message::{partner_author, signed_message_plaintext};
use crate::protocol::partner::{
    PartnerAnswer, PartnerDeskStatements, PartnerReferralSummary, PartnerReferralView,
};

impl ApiClient {
    pub async fn partner_referrals(
        &self,
        token: &str,
    ) -> Result<Vec<PartnerReferralSummary>, ClientError> {
        self.get_as(token, "/api/v1/partner/referrals").await
    }

    pub async fn partner_referral(
        &self,
        token: &str,
        id: &str,
    ) -> Result<PartnerReferralView, ClientError> {
        self.get_as(token, &format!("/api/v1/partner/referrals/{id}"))
            .await
    }

    pub async fn partner_statements(
        &self,
        token: &str,
    ) -> Result<PartnerDeskStatements, ClientError> {
        self.get_as(token, "/api/v1/partner/statements").await
    }

    pub async fn partner_answer(
        &self,
        token: &str,
        id: &str,
        answer: &PartnerAnswer,
    ) -> Result<(), ClientError> {
        let path = format!("/api/v1/partner/referrals/{id}/updates");
        self.post_as::<_, Option<Value>>(token, &path, answer)
            .await
            .map(|_| ())
    }
}

/// A referral, decrypted on the partner's device.
pub struct OpenReferral {
    pub view: PartnerReferralView,
    /// The referral document without its padding; `None` if this identity does not open it.
    pub document: Option<Value>,
    pub updates: Vec<ReadableUpdate>,
}

/// Fetches and decrypts referral `id`, checking who signed each entry: the partner's own answers
/// against its own key, the desk's messages against the accounts of `desk`, the desk's chain as
/// this device verified it (`None`: it has none, and says it cannot tell).
pub async fn open_referral(
    client: &ApiClient,
    token: &str,
    identity: &age::x25519::Identity,
    id: &str,
    desk: Option<&DeskState>,
) -> Result<OpenReferral, ClientError> {
    let view = client.partner_referral(token, id).await?;
    let open = |b64: &str| b64_decode(b64).and_then(|c| seal::open(identity, &c).ok());
    let document = open(&view.ciphertext).and_then(|plain| received_referral(&plain));
    // The partner checks its own answers too: the server could write one in its name.
    let own_key = signing::public_of(identity);
    let updates = view
        .updates
        .iter()
        .map(|u| {
            let mut update = ReadableUpdate::open(u, open);
            update.verify_partner(&view.id, Some(&own_key), None);
            update.verify_desk_message(&view.id, desk);
            update
        })
        .collect();
    Ok(OpenReferral {
        view,
        document,
        updates,
    })
}

/// The partner's desk as the server names it, its statements and its accounts' checkpoints.
pub struct ServedDesk {
    pub desk: DeskSlug,
    pub entries: Vec<Signed>,
    pub checkpoints: Vec<(Vec<u8>, [u8; 64])>,
}

pub async fn served_desk(client: &ApiClient, token: &str) -> Result<ServedDesk, ClientError> {
    let served = client.partner_statements(token).await?;
    Ok(ServedDesk {
        desk: DeskSlug::parse(&served.desk).map_err(|_| ClientError::Unexpected(200))?,
        entries: trust::decode(&served.statements)?,
        checkpoints: trust::witnessed(&served.checkpoints),
    })
}

/// What a partner's device checks before it writes to its desk (docs/protocol.md §10.6): the
/// desk's statements verify from the root it pinned, agree with the desk accounts' checkpoints
/// (§10.7), sign a desk key, and hold this partner, active, with this identity's recipient (and
/// its signing key, once the desk signed one). Pure.
pub fn verify_desk(
    served: &ServedDesk,
    pins: &Pins,
    identity: &age::x25519::Identity,
) -> Result<DeskState, ClientError> {
    let state = trust::verify_served(&served.desk, pins, &served.entries, &served.checkpoints)?;
    if signed_as(&state, identity).is_none() {
        return Err(ClientError::Untrusted(
            "the desk's statements do not hold your key as an active partner: the desk has not \
             signed you (ask its supervisor), or the server answers for another desk"
                .into(),
        ));
    }
    Ok(state)
}

/// The name under which the verified chain `state` holds this identity as an active partner.
pub fn signed_as<'a>(state: &'a DeskState, identity: &age::x25519::Identity) -> Option<&'a str> {
    let recipient = Recipient::from(identity.to_public());
    let signing_key = signing::public_of(identity);
    state
        .partners()
        .find(|p| {
            !p.revoked && p.recipient == recipient && p.signing_key.is_none_or(|k| k == signing_key)
        })
        .map(|p| p.name.as_str())
}

/// Answers referral `id` with a status, a message to the desk, or both. A message goes to the
/// desk key that `desk`, the desk's chain as this device verified it, signs; refused if the server
/// names another for the referral.
pub async fn answer(
    client: &ApiClient,
    token: &str,
    identity: &age::x25519::Identity,
    id: &str,
    status: Option<ReferralStatus>,
    message: Option<(&str, &DeskState)>,
) -> Result<(), ClientError> {
    // The id in its one canonical spelling: what the signature names (docs/protocol.md §8).
    let id = ReferralId::parse(id)
        .map_err(|_| ClientError::Usage(format!("{id:?} is not a referral id")))?
        .to_string();
    let id = id.as_str();
    let ciphertext = match message {
        None => None,
        Some((text, state)) => {
            let view = client.partner_referral(token, id).await?;
            if view.id != id {
                return Err(ClientError::Untrusted(
                    "the server answered with another referral than the one asked for: nothing \
                     was sent"
                        .into(),
                ));
            }
            let (_, desk) = state.current_key().ok_or_else(|| {
                ClientError::Untrusted("the desk's statements sign no desk key yet".into())
            })?;
            if view.desk_recipient != desk.as_str() {
                return Err(ClientError::Untrusted(
                    "the server names another desk key for this referral than the desk's \
                     statements sign: nothing was sent"
                        .into(),
                ));
            }
            let own = identity.to_public();
            // Signed as an answer to this referral, so that the desk can tell it from one the
            // server wrote (docs/protocol.md §8).
            let plain = signed_message_plaintext(
                text,
                &partner_author(id),
                &signing::signing_key(identity),
            );
            let sealed = seal::seal(&[desk.age(), &own], &plain)
                .map_err(|e| ClientError::Usage(e.to_string()))?;
            Some(b64_encode(&sealed))
        }
    };
    client
        .partner_answer(token, id, &PartnerAnswer { status, ciphertext })
        .await
}
