//! Witness checkpoints (docs/protocol.md §10.7): each account's device posts the head of the
//! desk's chain it verified, signed with its own key, and fetches its colleagues' to compare with
//! the chain it is served. The server checks a checkpoint against its own chain, keeps the highest
//! per account, and cannot make one.

use actix_web::{web, HttpResponse};

use crate::crypto::checkpoint::Checkpoint;
use crate::domain::b64_encode;
use crate::protocol::statements::CheckpointView;
use crate::server::auth::SignedIn;
use crate::server::problem::{doc, ApiError, KeyError};
use crate::store::StoredCheckpoint;

/// The longest checkpoint: its fixed fields and a desk slug of at most 40 bytes, with room.
const MAX_BYTES: usize = 256;

fn bad(why: &'static str) -> KeyError {
    ApiError::BadField("checkpoint", why).into()
}

/// Every account's newest checkpoint of the caller's desk's chain.
#[utoipa::path(get, path = "/api/v1/desk/checkpoints", responses(
    (status = 200, body = Vec<CheckpointView>),
    doc::E401, doc::E503,
), security(("bearer" = [])))]
pub async fn list(signed_in: SignedIn) -> Result<HttpResponse, KeyError> {
    let stored = signed_in.desk.checkpoints().await?;
    Ok(HttpResponse::Ok().json(views(stored)))
}

/// Stored checkpoints as devices fetch them (base64).
pub fn views(stored: Vec<StoredCheckpoint>) -> Vec<CheckpointView> {
    stored
        .into_iter()
        .map(|c| CheckpointView {
            checkpoint: b64_encode(&c.checkpoint),
            signature: b64_encode(&c.signature),
        })
        .collect()
}

/// The caller's checkpoint: of its own desk, signed with its own key, naming a statement of the
/// desk's chain with that statement's link. A lower one than the caller's last is kept out.
#[utoipa::path(post, path = "/api/v1/desk/checkpoints", request_body = CheckpointView,
    responses(
        (status = 204),
        doc::E400, doc::E401, doc::E409, doc::E413, doc::E415, doc::E503,
    ), security(("bearer" = [])))]
pub async fn post(
    signed_in: SignedIn,
    sent: web::Json<CheckpointView>,
) -> Result<HttpResponse, KeyError> {
    let bytes =
        crate::domain::b64_decode(&sent.checkpoint).ok_or(ApiError::NotBase64("checkpoint"))?;
    if bytes.len() > MAX_BYTES {
        return Err(bad("a checkpoint of at most 256 bytes"));
    }
    let signature = super::decode_exact::<64>(&sent.signature, "signature")?;
    let checkpoint =
        Checkpoint::decode(&bytes).ok_or_else(|| bad("a witness checkpoint (§10.7)"))?;
    let me = &signed_in.account;
    let Some(own_key) = me.signing_key else {
        return Err(KeyError::KeyConflict(
            "your account has no signing key yet: log in again with an up-to-date client",
        ));
    };
    if checkpoint.desk != me.desk || checkpoint.signer != own_key {
        return Err(bad("a checkpoint of your desk, signed with your own key"));
    }
    if !own_key.verifies(&bytes, &signature) {
        return Err(bad("a checkpoint whose signature verifies"));
    }
    let stored = signed_in.desk.statements().await?;
    let seen = usize::try_from(checkpoint.seq).unwrap_or(usize::MAX);
    let link = stored.get(seen - 1).and_then(|s| Some(s.signed()?.link()));
    if link != Some(checkpoint.link) {
        return Err(KeyError::KeyConflict(
            "the checkpoint names a statement this desk's chain does not hold: fetch and verify \
             the chain again",
        ));
    }
    let seq = i64::try_from(checkpoint.seq).map_err(|_| bad("a seq in range"))?;
    let row = StoredCheckpoint {
        checkpoint: bytes,
        signature: signature.to_vec(),
    };
    (signed_in.desk)
        .put_checkpoint(me.id, seq, &row, crate::time::now_bucket())
        .await?;
    Ok(HttpResponse::NoContent().finish())
}
