//! Statements a supervisor's device signs after the desk's verified head and sends with
//! `POST /api/v1/desk/statements` (docs/protocol.md §10.3–10.4): a partner's key when it joins the
//! directory, a partner's or an account's revocation when it is disabled, and, for a desk made
//! before statements, its root, key and accounts (`init_chain`).

use super::desk_keys::{hex_id, sign, wire};
use super::{ApiClient, ClientError};
use crate::crypto::chain::DeskState;
use crate::crypto::statement::{Body, Signed};
use crate::domain::{AccountStatus, DeskSlug, PartnerName, Recipient, SigningPublic};
use crate::protocol::referrals::{NewPartner, PartnerToken, PartnerView};
use crate::protocol::statements::ExistingStatements;

/// Signs `bodies` in order after the verified chain `state` (`None`: the desk has none yet).
pub(super) fn sign_all(
    desk: &DeskSlug,
    state: Option<&DeskState>,
    own: &age::x25519::Identity,
    bodies: Vec<Body>,
) -> Result<Vec<Signed>, ClientError> {
    let mut head = state.map(DeskState::head);
    let mut signed = vec![];
    for body in bodies {
        let format = state.and_then(|s| s.kept_format(&body));
        let statement = sign(desk, head, own, body, format)?;
        head = Some((head.map_or(1, |(seq, _)| seq + 1), statement.link()));
        signed.push(statement);
    }
    Ok(signed)
}

/// Signs `bodies` after the verified chain `state` and sends them.
pub async fn append(
    client: &ApiClient,
    token: &str,
    own: &age::x25519::Identity,
    state: &DeskState,
    bodies: Vec<Body>,
) -> Result<(), ClientError> {
    let signed = sign_all(state.desk(), Some(state), own, bodies)?;
    let request = ExistingStatements {
        statements: signed.iter().map(wire).collect(),
    };
    client.sign_existing(token, &request).await
}

/// Adds a partner to the directory and signs its keys into the desk's statements, so that case
/// workers' devices refer only to that key and check its answers against `signing_key`.
/// `partner.recipient` and `signing_key` are the keys whose safety number the supervisor
/// compared; an answer naming another key or name is refused.
pub async fn add_partner(
    client: &ApiClient,
    token: &str,
    own: &age::x25519::Identity,
    state: &DeskState,
    partner: &NewPartner,
    signing_key: SigningPublic,
) -> Result<PartnerToken, ClientError> {
    let recipient = Recipient::parse(&partner.recipient)
        .map_err(|_| ClientError::Usage("the partner's key is not an age recipient".into()))?;
    let name = PartnerName::parse(&partner.name).map_err(|e| ClientError::Usage(e.to_string()))?;
    let created = client.add_partner(token, partner).await?;
    if created.partner.recipient != recipient.as_str() || created.partner.name != name.as_str() {
        return Err(ClientError::Untrusted(
            "the server answered with another key or name than the partner's: nothing was signed"
                .into(),
        ));
    }
    let body = Body::PartnerKeys {
        partner: hex_id(&created.partner.id)?,
        name: name.as_str().to_owned(),
        recipient,
        signing_key,
    };
    append(client, token, own, state, vec![body]).await?;
    Ok(created)
}

/// Signs the answer-signing key of a partner the chain holds without one (added before partners
/// had one), under the name and recipient the chain signed; the supervisor compared the number
/// over both keys.
pub async fn add_partner_signing_key(
    client: &ApiClient,
    token: &str,
    own: &age::x25519::Identity,
    state: &DeskState,
    partner: &PartnerView,
    signing_key: SigningPublic,
) -> Result<(), ClientError> {
    let id = hex_id(&partner.id)?;
    let signed = state.partner(&id).ok_or_else(|| {
        ClientError::Untrusted("the desk's statements hold no active partner with this id".into())
    })?;
    if signed.signing_key.is_some() {
        return Err(ClientError::Usage(
            "the desk's statements already hold this partner's signing key".into(),
        ));
    }
    let body = Body::PartnerKeys {
        partner: id,
        name: signed.name.clone(),
        recipient: signed.recipient.clone(),
        signing_key,
    };
    append(client, token, own, state, vec![body]).await
}

/// Disables a partner and, when the chain holds its key, signs its revocation.
pub async fn disable_partner(
    client: &ApiClient,
    token: &str,
    own: &age::x25519::Identity,
    state: &DeskState,
    partner: &PartnerView,
) -> Result<(), ClientError> {
    client.disable_partner(token, &partner.id).await?;
    let id = hex_id(&partner.id)?;
    if state.partner(&id).is_none() {
        return Ok(());
    }
    append(
        client,
        token,
        own,
        state,
        vec![Body::RevokePartner { partner: id }],
    )
    .await
}

/// Disables an account (or finds it disabled already) and, when the chain vets it, signs its
/// revocation, so that no device grants it a desk key or accepts its statements again, whatever
/// the server says.
pub async fn disable_account(
    client: &ApiClient,
    token: &str,
    own: &age::x25519::Identity,
    state: &DeskState,
    username: &str,
) -> Result<(), ClientError> {
    if let Err(refused) = client.disable(token, username).await {
        // Disabled already (by `admin disable` on the server host, say, which signs nothing):
        // the revocation is still this device's to sign.
        let listed = client.accounts(token).await?;
        let disabled = listed
            .iter()
            .any(|a| a.username == username && a.status == AccountStatus::Disabled);
        if !disabled {
            return Err(refused);
        }
    }
    let Some(account) = state.account_by_name(username).filter(|a| !a.revoked) else {
        return Ok(());
    };
    let body = Body::RevokeAccount {
        account: account.id,
    };
    append(client, token, own, state, vec![body]).await
}
