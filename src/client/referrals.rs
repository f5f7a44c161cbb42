//! Referrals against the server: the directory and sending a referral. Ranking, the referral
//! document, consent and encryption happen on this device, in `protocol::referral`.

use serde_json::{Map, Value};

use super::{ApiClient, ClientError};
use crate::crypto::chain::DeskState;
use crate::protocol::case::OpenCase;
use crate::protocol::referral::{self, seal_referral, ReferralError, ReferralOrder};
use crate::protocol::referrals::{
    DeskMessageToPartner, DeskReferralView, NewPartner, NewReferralRequest, PartnerToken,
    PartnerView, ReferralCreated,
};

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

    pub async fn write_to_partner(
        &self,
        token: &str,
        case: &str,
        referral: &str,
        message: &DeskMessageToPartner,
    ) -> Result<(), ClientError> {
        let path = format!("/api/v1/desk/reports/{case}/referrals/{referral}/messages");
        self.post_as::<_, Option<Value>>(token, &path, message)
            .await
            .map(|_| ())
    }
}

/// Writes `text` to `partner` on the case's referral `referral` to it, signed by `own` and
/// encrypted to the keys the verified chain `state` signs for that partner and the desk
/// (`protocol::referral::seal_to_partner`).
pub async fn write_to_partner(
    client: &ApiClient,
    token: &str,
    case: &OpenCase,
    state: &DeskState,
    own: &age::x25519::Identity,
    (referral, partner): (&DeskReferralView, &PartnerView),
    text: &str,
) -> Result<(), ClientError> {
    if partner.id != referral.partner {
        return Err(ClientError::Usage(
            "that referral is to another partner".into(),
        ));
    }
    let ciphertext = referral::seal_to_partner(state, own, partner, &referral.id, text)?;
    let message = DeskMessageToPartner { ciphertext };
    client
        .write_to_partner(token, &case.view.id, &referral.id, &message)
        .await
}

impl From<ReferralError> for ClientError {
    fn from(e: ReferralError) -> Self {
        match e {
            ReferralError::Malformed => ClientError::Unexpected(200),
            e if e.is_untrusted() => ClientError::Untrusted(e.to_string()),
            e => ClientError::Usage(e.to_string()),
        }
    }
}

/// Encrypts the referral (`protocol::referral::seal_referral`) and sends it.
pub async fn refer(
    client: &ApiClient,
    token: &str,
    case: &OpenCase,
    state: &DeskState,
    own: &age::x25519::Identity,
    order: &ReferralOrder<'_>,
) -> Result<ReferralCreated, ClientError> {
    let sealed = seal_referral(case, state, own, order)?;
    let request = NewReferralRequest {
        partner: order.partner.id.clone(),
        ciphertext: sealed.ciphertext,
        consent: sealed.consent,
        override_reason: sealed.override_reason,
        expires_in_days: order.expires_in_days,
        attachments: sealed.attachments,
    };
    client.refer(token, &case.view.id, &request).await
}
