//! Signed key statements on the server (docs/protocol.md §10): served to the desk's accounts, and
//! accepted only with the change each one records (a desk key, an approval, a rotation). The server
//! checks that a statement parses, is the caller's own, signed, and says what the request does;
//! its place in the chain is checked in the store's transaction. Whether to *trust* a chain is
//! for devices to decide, from the root they pinned: the server cannot make a statement.

use actix_web::{web, HttpResponse};
use serde::{Deserialize, Serialize};

use crate::crypto::statement::{Body, Signed, Statement};
use crate::domain::b64_encode;
use crate::server::auth::SignedIn;
use crate::server::problem::{doc, ApiError};
use crate::server::AppState;
use crate::store::{Account, NewStatement};

/// A statement and its signature, as a device sends them.
#[derive(Debug, Clone, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SignedStatement {
    /// The statement's bytes (§10.1), base64; at most 2048 bytes.
    #[schema(pattern = r"^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$")]
    pub statement: String,
    /// Its Ed25519 signature by the sender's own signing key, base64 of 64 bytes.
    #[schema(pattern = r"^[A-Za-z0-9+/]{85}[AQgw]==$")]
    pub signature: String,
}

/// A stored statement, as devices fetch it.
#[derive(Debug, Serialize, Deserialize, utoipa::ToSchema)]
pub struct StatementView {
    pub seq: i64,
    pub statement: String,
    pub signature: String,
}

/// The desk's statements, in order, for the caller's device to verify from its pinned root.
#[utoipa::path(get, path = "/api/v1/desk/statements", responses(
    (status = 200, body = Vec<StatementView>),
    doc::E401, doc::E503,
), security(("bearer" = [])))]
pub async fn list(
    state: web::Data<AppState>,
    signed_in: SignedIn,
) -> Result<HttpResponse, ApiError> {
    let stored = state.store.statements_of(&signed_in.account.desk).await?;
    let views: Vec<StatementView> = stored
        .into_iter()
        .map(|s| StatementView {
            seq: s.seq,
            statement: b64_encode(&s.statement),
            signature: b64_encode(&s.signature),
        })
        .collect();
    Ok(HttpResponse::Ok().json(views))
}

fn bad(why: &'static str) -> ApiError {
    ApiError::BadField("statements", why)
}

/// Parses one statement sent by `caller` and checks everything but its place in the chain:
/// the caller's desk, the caller's own signing key, a valid signature, and `says` (that its body
/// is what the request does).
pub fn accept(
    sent: &SignedStatement,
    caller: &Account,
    says: impl Fn(&Body) -> bool,
) -> Result<NewStatement, ApiError> {
    let bytes =
        crate::domain::b64_decode(&sent.statement).ok_or(ApiError::NotBase64("statement"))?;
    let signature = super::decode_exact::<64>(&sent.signature, "signature")?;
    let statement = Statement::decode(&bytes).map_err(|_| bad("a signed key statement (§10.1)"))?;
    let Some(own_key) = caller.signing_key else {
        return Err(ApiError::KeyConflict(
            "your account has no signing key yet: log in again with an up-to-date client",
        ));
    };
    if statement.desk != caller.desk || statement.signer != own_key {
        return Err(bad("a statement of your desk, signed with your own key"));
    }
    if !own_key.verifies(&bytes, &signature) {
        return Err(bad("a statement whose signature verifies"));
    }
    if !says(&statement.body) {
        return Err(bad("a statement that says what the request does"));
    }
    let signed = Signed {
        statement: bytes,
        signature,
    };
    let (kind, subject, key_version) = describe(&statement.body);
    Ok(NewStatement {
        seq: i64::try_from(statement.seq).map_err(|_| bad("a seq in range"))?,
        kind,
        subject,
        prev: statement.prev,
        link: signed.link(),
        statement: signed.statement,
        signature: signed.signature,
        key_version,
    })
}

/// The kind's number, the subject the server indexes, and a desk key statement's version.
fn describe(body: &Body) -> (i64, Option<[u8; 16]>, Option<i64>) {
    match body {
        Body::Genesis { account, .. } => (1, Some(*account), None),
        Body::Approval { account, .. } => (2, Some(*account), None),
        Body::DeskKey { version, .. } => (3, None, Some(i64::try_from(*version).unwrap_or(-1))),
        Body::Partner { partner, .. } => (4, Some(*partner), None),
        Body::RevokeAccount { account } => (5, Some(*account), None),
        Body::RevokePartner { partner } => (6, Some(*partner), None),
    }
}

/// Whether `body` is an approval of exactly this account and its keys.
pub fn approves(body: &Body, target: &Account) -> bool {
    matches!(body, Body::Approval { account, username, role, recipient, signing_key }
        if *account == target.id.0
            && *username == target.username
            && *role == target.role
            && *recipient == target.recipient
            && Some(*signing_key) == target.signing_key)
}
