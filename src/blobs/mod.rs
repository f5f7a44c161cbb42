//! Where attachment ciphertext is kept (docs/protocol.md §12), apart from the database: a blob
//! store holds each attachment as numbered parts, each written whole and durable before
//! `put_part` returns, so that an acknowledged part survives a crash and a part being written is
//! never read. The store knows ids and bytes only: which report an attachment belongs to, and
//! whether it is complete, is the database's (`store::attachments`).
//!
//! The filesystem (`fs.rs`) is the default; an S3-compatible store (`s3.rs`, signing with
//! `sigv4.rs`), for several instances, is configured with `[attachments.s3]`.

mod fs;
mod s3;
mod sigv4;

use std::sync::Arc;

pub use fs::FsBlobs;
pub use s3::{S3Blobs, S3Config};

use crate::domain::AttachmentId;

#[async_trait::async_trait]
pub trait BlobStore: Send + Sync + 'static {
    /// Stores part `part` of attachment `id` durably, replacing an earlier copy of that part.
    async fn put_part(&self, id: &AttachmentId, part: u64, bytes: Vec<u8>)
        -> Result<(), BlobError>;
    /// Part `part` of attachment `id`, as stored.
    async fn part(&self, id: &AttachmentId, part: u64) -> Result<Vec<u8>, BlobError>;
    /// Deletes every part of attachment `id`; nothing to delete is not an error.
    async fn delete(&self, id: &AttachmentId) -> Result<(), BlobError>;
    /// Every attachment the store holds a part of.
    async fn list(&self) -> Result<Vec<AttachmentId>, BlobError>;
}

/// A blob store shared by the server's handlers and jobs.
pub type Blobs = Arc<dyn BlobStore>;

#[derive(Debug, thiserror::Error)]
pub enum BlobError {
    /// The disk (or the volume's quota) is full: nothing was stored.
    #[error("the blob store has no room left")]
    Full,
    #[error("the blob store holds no such part")]
    Missing,
    /// The store failed otherwise. The message names paths and the system's error, never bytes.
    #[error("the blob store failed: {0}")]
    Unavailable(String),
}

impl From<std::io::Error> for BlobError {
    fn from(e: std::io::Error) -> Self {
        // ENOSPC and EDQUOT: a full disk or an exhausted quota.
        if e.kind() == std::io::ErrorKind::StorageFull || e.raw_os_error() == Some(122) {
            return BlobError::Full;
        }
        if e.kind() == std::io::ErrorKind::NotFound {
            return BlobError::Missing;
        }
        BlobError::Unavailable(e.to_string())
    }
}

/// Opens the filesystem blob store at `dir`, creating it (mode 0700) if needed.
pub fn open(dir: &std::path::Path) -> Result<Blobs, BlobError> {
    Ok(Arc::new(FsBlobs::open(dir)?))
}

/// The blobs the database holds no row for: those of cases that were deleted, and of uploads
/// abandoned or refused. `rows` is asked after the store was listed, so that a blob begun
/// meanwhile (whose row was written first) is never taken for an orphan; the caller asks again
/// for each before deleting it, since a device may begin an abandoned id anew.
pub async fn orphans<F, Fut, E>(
    blobs: &dyn BlobStore,
    rows: F,
) -> Result<Vec<AttachmentId>, SweepError<E>>
where
    F: FnOnce() -> Fut,
    Fut: std::future::Future<Output = Result<Vec<AttachmentId>, E>>,
{
    let listed = blobs.list().await.map_err(SweepError::Blobs)?;
    if listed.is_empty() {
        return Ok(vec![]);
    }
    let known: std::collections::HashSet<AttachmentId> = rows()
        .await
        .map_err(SweepError::Rows)?
        .into_iter()
        .collect();
    Ok(listed
        .into_iter()
        .filter(|id| !known.contains(id))
        .collect())
}

/// Why a sweep stopped: the blob store, or the rows it was compared with.
#[derive(Debug, thiserror::Error)]
pub enum SweepError<E> {
    #[error(transparent)]
    Blobs(BlobError),
    #[error("{0}")]
    Rows(E),
}
