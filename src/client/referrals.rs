//! Referrals against the server: the directory and sending a referral. Ranking, the referral
//! document, consent and encryption happen on this device, in `protocol::referral`.

use serde_json::{Map, Value};

use super::{ApiClient, ClientError};
use crate::crypto::chain::DeskState;
use crate::protocol::case::OpenCase;
use crate::protocol::referral::{seal_referral, ReferralError, ReferralOrder};
use crate::protocol::referrals::{
    NewPartner, NewReferralRequest, PartnerToken, PartnerView, ReferralCreated,
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
    };
    client.refer(token, &case.view.id, &request).await
}
