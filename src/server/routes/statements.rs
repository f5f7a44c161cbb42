//! Signed key statements on the server (docs/protocol.md §10): served to the desk's accounts, and
//! accepted only with the change each one records (a desk key, an approval, a rotation). The server
//! checks that a statement parses, is the caller's own, signed, and says what the request does;
//! its place in the chain is checked in the store's transaction. Whether to *trust* a chain is
//! for devices to decide, from the root they pinned: the server cannot make a statement.

use actix_web::{web, HttpResponse};

use crate::crypto::chain::{verify, ChainError, Pins};
use crate::crypto::statement::{Body, Opening, Signed, Statement};
use crate::domain::b64_encode;
use crate::domain::{AccountStatus, AuditAction, Fingerprint, PartnerId, PartnerStatus};
use crate::protocol::statements::{ExistingStatements, SignedStatement, StatementView};
use crate::server::auth::{SignedIn, Supervisor};
use crate::server::problem::{doc, ApiError, KeyError};
use crate::server::{audit, AppState};
use crate::store::{Account, DeskStore, NewStatement, StoreError, StoredStatement};

/// The desk's statements, in order, for the caller's device to verify from its pinned root.
#[utoipa::path(get, path = "/api/v1/desk/statements", responses(
    (status = 200, body = Vec<StatementView>),
    doc::E401, doc::E503,
), security(("bearer" = [])))]
pub async fn list(signed_in: SignedIn) -> Result<HttpResponse, KeyError> {
    let stored = signed_in.desk.statements().await?;
    Ok(HttpResponse::Ok().json(views(stored)))
}

/// Stored statements as the desk's devices fetch them (base64), names opened.
pub fn views(stored: Vec<StoredStatement>) -> Vec<StatementView> {
    stored
        .into_iter()
        .map(|s| StatementView {
            seq: s.seq,
            statement: b64_encode(&s.statement),
            signature: b64_encode(&s.signature),
            opening: s.opening.as_deref().map(b64_encode),
        })
        .collect()
}

fn bad(why: &'static str) -> KeyError {
    ApiError::BadField("statements", why).into()
}

/// Parses one statement sent by `caller` and checks everything but its place in the chain:
/// the caller's desk, the caller's own signing key, a valid signature, and `says` (that its body
/// is what the request does).
pub fn accept(
    sent: &SignedStatement,
    caller: &Account,
    says: impl Fn(&Body) -> bool,
) -> Result<NewStatement, KeyError> {
    let bytes =
        crate::domain::b64_decode(&sent.statement).ok_or(ApiError::NotBase64("statement"))?;
    let signature = super::decode_exact::<64>(&sent.signature, "signature")?;
    let opening = match &sent.opening {
        None => None,
        Some(text) => {
            let raw = crate::domain::b64_decode(text).ok_or(ApiError::NotBase64("opening"))?;
            Some(Opening::from_bytes(&raw).ok_or(ApiError::BadField(
                "opening",
                "a 16-byte salt followed by a name in UTF-8",
            ))?)
        }
    };
    let statement = Statement::decode(&bytes, opening.as_ref())
        .map_err(|_| bad("a signed key statement (§10.1) with the opening of its name"))?;
    let Some(own_key) = caller.signing_key else {
        return Err(KeyError::KeyConflict(
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
        opening,
    };
    let (kind, subject, key_version) = describe(&statement.body);
    Ok(NewStatement {
        seq: i64::try_from(statement.seq).map_err(|_| bad("a seq in range"))?,
        kind,
        subject,
        prev: statement.prev,
        link: signed.link(),
        opening: signed.opening.as_ref().map(Opening::to_bytes),
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
        Body::PartnerKeys { partner, .. } => (7, Some(*partner), None),
    }
}

/// Refuses a change without its statement once the desk's keys are signed: a client older than
/// statements would otherwise move the desk key or vet someone outside the chain, and every
/// up-to-date device would then refuse to work.
pub async fn require_unsigned_desk(desk: &DeskStore) -> Result<(), KeyError> {
    if desk.statements().await?.is_empty() {
        Ok(())
    } else {
        Err(KeyError::KeyConflict(
            "this desk's keys are signed (docs/protocol.md §10): the change must carry its \
             signed statement; update resguardo",
        ))
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

const MAX_EXISTING: usize = 1000;

/// Signs what the desk already holds: for a desk whose key was made before statements, its
/// root, its vetted accounts, its current key and its partners (also how a second supervisor
/// adds their approvals when the desk's policy needs two); and, after the change, a partner
/// added to the directory or a partner or account disabled.
#[utoipa::path(post, path = "/api/v1/desk/statements", request_body = ExistingStatements,
    responses(
        (status = 204),
        doc::E400, doc::E401, doc::E403, doc::E409, doc::E413, doc::E415, doc::E503,
    ), security(("bearer" = [])))]
pub async fn sign_existing(
    state: web::Data<AppState>,
    supervisor: Supervisor,
    request: web::Json<ExistingStatements>,
) -> Result<HttpResponse, KeyError> {
    let (me, store) = (&supervisor.0.account, &supervisor.0.desk);
    if request.statements.is_empty() || request.statements.len() > MAX_EXISTING {
        return Err(bad("list of 1 to 1,000 statements"));
    }
    let desk = store
        .desk()
        .await?
        .ok_or(KeyError::KeyConflict("this desk has no key yet"))?;
    let stored = store.statements().await?;
    let mut key_signed = stored.iter().any(|s| {
        Statement::decode_public(&s.statement).is_ok_and(|s| matches!(s.body, Body::DeskKey { .. }))
    });
    let mut accepted = Vec::with_capacity(request.statements.len());
    for sent in &request.statements {
        let statement = accept(sent, me, |_| true)?;
        let opening = statement.opening.as_deref().and_then(Opening::from_bytes);
        let body = Statement::decode(&statement.statement, opening.as_ref())
            .map_err(|_| bad("a signed key statement (§10.1)"))?
            .body;
        let fits = match &body {
            Body::Genesis {
                account,
                username,
                recipient,
                ..
            } => {
                statement.seq == 1
                    && *account == me.id.0
                    && *username == me.username
                    && *recipient == me.recipient
            }
            Body::Approval { username, .. } => {
                statement.seq > 1 && vetted_as_approved(store, username, &body).await?
            }
            Body::DeskKey { version, recipient } => {
                let current = !key_signed
                    && i64::try_from(*version).is_ok_and(|v| v == desk.key_version)
                    && *recipient == desk.recipient;
                key_signed = true;
                statement.seq > 1 && current
            }
            // The signing key is the partner's to give and the supervisor's to compare: the
            // server holds no copy to check it against, and needs none (§10.3).
            Body::Partner {
                partner,
                name,
                recipient,
            }
            | Body::PartnerKeys {
                partner,
                name,
                recipient,
                ..
            } => {
                let held = partner_of(store, partner).await?;
                statement.seq > 1
                    && held.is_some_and(|p| {
                        p.status == PartnerStatus::Active
                            && p.profile.name.as_str() == name
                            && p.profile.recipient == *recipient
                    })
            }
            Body::RevokePartner { partner } => {
                let held = partner_of(store, partner).await?;
                statement.seq > 1 && held.is_some_and(|p| p.status == PartnerStatus::Disabled)
            }
            Body::RevokeAccount { account } => {
                let accounts = store.accounts().await?;
                statement.seq > 1
                    && accounts
                        .iter()
                        .any(|a| a.id.0 == *account && a.status == AccountStatus::Disabled)
            }
        };
        if !fits {
            return Err(bad(
                "list of statements that sign what the desk holds: your genesis, its vetted \
                 accounts, its current key, its active partners, its disabled partners and \
                 accounts",
            ));
        }
        accepted.push(statement);
    }
    keeps_chain_valid(&me.desk, &stored, &accepted)?;
    match store
        .sign_existing(&accepted, crate::time::now_bucket())
        .await
    {
        Err(StoreError::Conflict(_)) => return Err(moved_on()),
        other => other?,
    }
    let count = accepted.len().to_string();
    audit(
        &state,
        me.desk.as_str(),
        me.username.as_str(),
        AuditAction::DeskStatementsSign,
        &count,
    )
    .await?;
    Ok(HttpResponse::NoContent().finish())
}

/// The desk's partner with this id, if any.
async fn partner_of(
    desk: &DeskStore,
    id: &[u8; 16],
) -> Result<Option<crate::store::Partner>, KeyError> {
    Ok(desk.partner(&PartnerId::from_bytes(*id)).await?)
}

/// Whether `body` approves an account the desk has vetted, naming exactly the keys it holds.
async fn vetted_as_approved(
    desk: &DeskStore,
    username: &crate::domain::Username,
    body: &Body,
) -> Result<bool, KeyError> {
    let account = desk.account(username).await?;
    Ok(account.is_some_and(|a| a.status == AccountStatus::Vetted && approves(body, &a)))
}

/// Refuses statements that do not follow the desk's last stored one (`key-conflict`: the sender
/// signed after an older head), or after which the chain would no longer verify from its own
/// genesis (`invalid-field`), such as a second approval that seals the name with another salt:
/// stored, either would stop every device of the desk.
pub fn keeps_chain_valid(
    desk: &crate::domain::DeskSlug,
    stored: &[StoredStatement],
    new: &[NewStatement],
) -> Result<(), KeyError> {
    keeps_chain_valid_or(desk, stored, new, |e| {
        ApiError::BadField("statements", refusal_reason(e)).into()
    })
}

/// [`keeps_chain_valid`], with the caller's answer to a chain that would not verify.
pub fn keeps_chain_valid_or(
    desk: &crate::domain::DeskSlug,
    stored: &[StoredStatement],
    new: &[NewStatement],
    refusal: impl Fn(&ChainError) -> KeyError,
) -> Result<(), KeyError> {
    if !follows(stored, new) {
        return Err(moved_on());
    }
    verifies_after(desk, stored, new).map_err(|e| refusal(&e))
}

fn moved_on() -> KeyError {
    KeyError::KeyConflict(
        "the desk's statements or key moved on since your device read them: fetch them again",
    )
}

/// Whether `new` starts right after the desk's last stored statement: otherwise the sender's
/// device signed after a head that is no longer the desk's (a conflict, not a bad request).
fn follows(stored: &[crate::store::StoredStatement], new: &[NewStatement]) -> bool {
    let Some(first) = new.first() else {
        return true;
    };
    let head_link = stored.last().and_then(|s| Some(s.signed()?.link()));
    first.seq == i64::try_from(stored.len()).unwrap_or(i64::MAX) + 1
        && first.prev == head_link.unwrap_or([0; 32])
}

/// Whether the chain, with `new` appended, still verifies from its own genesis: the server
/// cannot judge a root (devices do, from their pins), but it refuses statements that would
/// break the chain for every device, such as an approval repeated.
fn verifies_after(
    desk: &crate::domain::DeskSlug,
    stored: &[crate::store::StoredStatement],
    new: &[NewStatement],
) -> Result<(), ChainError> {
    let mut entries = Vec::with_capacity(stored.len() + new.len());
    for s in stored {
        let signed = s
            .signed()
            .ok_or(ChainError::Malformed(s.seq.unsigned_abs(), "stored row"))?;
        entries.push(signed);
    }
    for n in new {
        let opening = match &n.opening {
            None => None,
            Some(bytes) => Some(
                Opening::from_bytes(bytes)
                    .ok_or(ChainError::Malformed(n.seq.unsigned_abs(), "opening"))?,
            ),
        };
        entries.push(Signed {
            statement: n.statement.clone(),
            signature: n.signature,
            opening,
        });
    }
    let first = entries
        .first()
        .and_then(|e| Statement::decode(&e.statement, e.opening.as_ref()).ok())
        .ok_or(ChainError::Root)?;
    let Body::Genesis { recipient, .. } = &first.body else {
        return Err(ChainError::Root);
    };
    let pins = Pins {
        root: Fingerprint::of_account(recipient, &first.signer),
        head: None,
    };
    verify(desk, &pins, &entries).map(|_| ())
}

pub fn refusal_reason(e: &ChainError) -> &'static str {
    match e {
        ChainError::Duplicate(_) | ChainError::Conflict(_) => {
            "list of statements that neither repeats nor contradicts the desk's chain"
        }
        ChainError::NotSupervisor(_) | ChainError::Signer(_) => {
            "list of statements signed by a supervisor the desk's chain vets"
        }
        _ => "list of statements that keeps the desk's chain valid",
    }
}
