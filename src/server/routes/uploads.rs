//! A reporter's attachments (docs/protocol.md §12): an upload is begun with the receipt of the
//! report it belongs to, within the report's limits and the server's quota, and its parts follow
//! in order with the upload's token. Each part is stored durably by the blob store before it is
//! acknowledged; a dropped connection resumes from the progress. The first part's age header is
//! checked as a report's is; the rest is ciphertext the server cannot check.

use actix_web::http::header;
use actix_web::{web, HttpRequest, HttpResponse};

use crate::blobs::BlobError;
use crate::crypto::ciphertext::{check_stream_start, stream_len, ATTACHMENT_HEADER};
use crate::crypto::padding::file_bucket;
use crate::crypto::CiphertextError;
use crate::domain::{AttachmentId, Secret32};
use crate::protocol::attachments::{
    part_len, parts_of, AgeBytes, UploadCreated, UploadProgress, UploadRequest, PART_BYTES,
};
use crate::server::auth::Uploader;
use crate::server::limits::{FollowupAllowed, UploadAllowed};
use crate::server::problem::{doc, store_failure, ApiError, FollowupError};
use crate::server::AppState;
use crate::store::{Attachment, NewAttachment, Reservation};

/// How far an upload is, as the API shows it.
pub(super) fn progress(attachment: &Attachment) -> UploadProgress {
    let size = u64::try_from(attachment.size).unwrap_or_default();
    UploadProgress {
        size,
        part_bytes: PART_BYTES,
        parts: parts_of(size),
        received: u64::try_from(attachment.parts).unwrap_or_default(),
        complete: attachment.complete,
    }
}

/// The bucket and length a request declares, if they can belong to one attachment: a file
/// bucket, and a length that is that bucket in age STREAM chunks after a header of one recipient.
fn declared(request: &UploadRequest) -> Result<(i64, i64), ApiError> {
    let bucket = request.bucket;
    if bucket != file_bucket(bucket) {
        return Err(ApiError::BadField(
            "bucket",
            "file bucket (64 KiB, then eight sizes per power of two: docs/protocol.md §12)",
        ));
    }
    let header = request.size.checked_sub(stream_len(0, bucket));
    if !header.is_some_and(|h| ATTACHMENT_HEADER.contains(&h)) {
        return Err(ApiError::BadField(
            "size",
            "length for an age file of this bucket with one recipient (docs/protocol.md §12)",
        ));
    }
    let as_i64 = |n: u64| i64::try_from(n).map_err(|_| ApiError::BadField("size", "length"));
    Ok((as_i64(bucket)?, as_i64(request.size)?))
}

/// Begins an upload for the report whose receipt the caller proves.
#[utoipa::path(post, path = "/api/v1/followup/attachments", request_body = UploadRequest,
    responses(
        (status = 201, body = UploadCreated),
        (status = 200, description = "the report's own unfinished upload of this id, begun again: a new token, its progress", body = UploadCreated),
        doc::E400, doc::E404, doc::E408, doc::E409, doc::E413, doc::E415, doc::E429, doc::E503,
        doc::E507,
    ))]
pub async fn begin(
    _allowed: FollowupAllowed,
    state: web::Data<AppState>,
    request: web::Json<UploadRequest>,
) -> Result<HttpResponse, FollowupError> {
    let (bucket, size) = declared(&request)?;
    let id = Some(&request.id)
        .filter(|id| crate::domain::is_lower_hex(id, 32))
        .and_then(|id| AttachmentId::parse(id).ok())
        .ok_or(ApiError::BadField(
            "id",
            "attachment id (32 lower-case hex digits)",
        ))?;
    let reporter = super::followup::authenticate(&state, &request.lookup, &request.auth).await?;
    let token = Secret32::random();
    let new = NewAttachment {
        id,
        token: token.digest(),
        bucket,
        size,
        created_at: crate::time::now_bucket(),
    };
    let quota = &state.attachment_quota;
    let reserved = reporter.reserve_attachment(&new, quota).await?;
    let refusal = match reserved {
        Reservation::Made | Reservation::Renewed => None,
        Reservation::Taken => Some(ApiError::AttachmentExists),
        Reservation::TooManyFiles => Some(ApiError::AttachmentLimit(format!(
            "this report has {} attachments already, as many as one report may carry",
            quota.max_files
        ))),
        Reservation::ReportFull => Some(ApiError::AttachmentLimit(format!(
            "one report's attachments may total {} bytes once padded to their buckets; this \
             one would pass that",
            quota.max_report_bytes
        ))),
        Reservation::ServerFull => {
            tracing::warn!("attachments.max_total_bytes is reached: refusing new uploads");
            Some(ApiError::StorageFull)
        }
    };
    if let Some(refusal) = refusal {
        return Err(refusal.into());
    }
    // A renewed upload keeps the parts it received; the row says how many.
    let upload = state.intake().upload(&new.id, new.token).await?;
    let upload = upload.ok_or(FollowupError::ReceiptNotFound)?;
    let created = UploadCreated {
        id: new.id.to_string(),
        token: token.to_text().to_string(),
        progress: progress(&upload.attachment),
    };
    Ok(match reserved {
        Reservation::Renewed => HttpResponse::Ok().json(created),
        _ => HttpResponse::Created().json(created),
    })
}

/// How far an upload is: the part to send next.
#[utoipa::path(get, path = "/api/v1/uploads/{id}", params(("id" = String, Path)),
    responses(
        (status = 200, body = UploadProgress),
        doc::E404, doc::E429, doc::E503,
    ), security(("bearer" = [])))]
pub async fn show(_allowed: UploadAllowed, upload: Uploader) -> HttpResponse {
    HttpResponse::Ok().json(progress(&upload.0.attachment))
}

/// Stores part `part` of an upload, if it is the next one; a part acknowledged before is
/// acknowledged again without being written, so that a retry after a lost answer is harmless.
#[utoipa::path(put, path = "/api/v1/uploads/{id}/parts/{part}",
    params(("id" = String, Path), ("part" = u64, Path)),
    request_body(content = AgeBytes, content_type = "application/octet-stream"),
    responses(
        (status = 200, body = UploadProgress),
        doc::E400, doc::E404, doc::E408, doc::E409, doc::E415, doc::E429, doc::E503, doc::E507,
    ), security(("bearer" = [])))]
pub async fn put_part(
    _allowed: UploadAllowed,
    state: web::Data<AppState>,
    upload: Uploader,
    path: web::Path<(String, String)>,
    req: HttpRequest,
    payload: web::Payload,
) -> Result<HttpResponse, ApiError> {
    let upload = upload.0;
    let part: u64 = path
        .1
        .parse()
        .map_err(|_| ApiError::BadPart("a part is named by its number: 0, 1, 2 …".to_owned()))?;
    // One part of an upload at a time, decided on the row as it is now: a late duplicate of an
    // acknowledged part is answered, never written.
    let _claim = state
        .parts
        .claim(upload.attachment.id)
        .ok_or(ApiError::UploadBusy)?;
    let attachment = upload.reread().await.map_err(store_failure)?;
    let attachment = attachment.ok_or(ApiError::UploadNotFound)?;
    let received = u64::try_from(attachment.parts).unwrap_or_default();
    if attachment.complete || part < received {
        return Ok(HttpResponse::Ok().json(progress(&attachment)));
    }
    if part > received {
        return Err(ApiError::PartOutOfOrder(received));
    }
    let size = u64::try_from(attachment.size).unwrap_or_default();
    let expected = part_len(size, part).ok_or(ApiError::PartOutOfOrder(received))?;
    let octets = req.headers().get(header::CONTENT_TYPE).is_some_and(|v| {
        v.as_bytes()
            .eq_ignore_ascii_case(b"application/octet-stream")
    });
    if !octets {
        return Err(ApiError::NotOctetStream);
    }
    let _room = state.parts.room().await.ok_or(ApiError::Unavailable)?;
    let bytes = read_part(payload, part, expected).await?;
    if part == 0 {
        check_first_part(&upload, &attachment, &bytes).await?;
    }
    state
        .blobs
        .put_part(&attachment.id, part, bytes)
        .await
        .map_err(blob_failure)?;
    let complete = part + 1 == parts_of(size);
    let recorded = upload.record_part(attachment.parts, complete).await;
    let now = if recorded.map_err(store_failure)? {
        Attachment {
            parts: attachment.parts + 1,
            complete,
            ..attachment
        }
    } else {
        // The upload was deleted meanwhile (abandoned, or its case purged), or another instance
        // recorded this part first.
        let reread = upload.reread().await.map_err(store_failure)?;
        reread.ok_or(ApiError::UploadNotFound)?
    };
    Ok(HttpResponse::Ok().json(progress(&now)))
}

/// The body of part `part`, which must be exactly `expected` bytes; never more is read. It is
/// gathered into one buffer of exactly that size, so that a part costs its own bytes in memory
/// and no more (a growing buffer would double them, for each of the parts held at once).
async fn read_part(
    mut payload: web::Payload,
    part: u64,
    expected: u64,
) -> Result<Vec<u8>, ApiError> {
    use futures_util::StreamExt as _;
    let wrong = || ApiError::BadPart(format!("part {part} must be exactly {expected} bytes"));
    let limit = usize::try_from(expected).map_err(|_| wrong())?;
    let mut body = Vec::with_capacity(limit);
    while let Some(chunk) = payload.next().await {
        let chunk = chunk.map_err(|_| {
            ApiError::MalformedRequest("the request body could not be read".to_owned())
        })?;
        if body.len() + chunk.len() > limit {
            return Err(wrong());
        }
        body.extend_from_slice(&chunk);
    }
    if body.len() != limit {
        return Err(wrong());
    }
    Ok(body)
}

/// The first part must start the age file the upload declared: one recipient, a header of
/// bounded length, and the declared bucket. Otherwise the upload is deleted, so that its
/// reservation does not count against the report's limits.
async fn check_first_part(
    upload: &crate::store::UploadStore,
    attachment: &Attachment,
    bytes: &[u8],
) -> Result<(), ApiError> {
    let size = u64::try_from(attachment.size).unwrap_or_default();
    let checked = match check_stream_start(bytes, size) {
        Ok(plaintext) if i64::try_from(plaintext).ok() == Some(attachment.bucket) => Ok(()),
        // Another bucket than declared: out of reach while headers vary by less than a bucket
        // step, and refused all the same.
        Ok(plaintext) => Err(ApiError::Ciphertext(CiphertextError::NotFilePadded(
            plaintext,
        ))),
        Err(e) => Err(ApiError::Ciphertext(e)),
    };
    if checked.is_err() {
        upload.discard().await.map_err(store_failure)?;
    }
    checked
}

/// A blob store failure, as the client sees it: a full disk is `storage-full`, anything else a
/// 503. The log line names the kind of failure only, never an attachment.
pub(super) fn blob_failure(e: BlobError) -> ApiError {
    match e {
        BlobError::Full => {
            tracing::error!("the attachment store's disk is full: refusing parts");
            ApiError::StorageFull
        }
        other => {
            tracing::error!(error = %other, "the attachment store failed");
            ApiError::Unavailable
        }
    }
}
