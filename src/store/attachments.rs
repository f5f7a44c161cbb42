//! Attachments (docs/protocol.md §12) as the database knows them: which report each belongs to,
//! its ciphertext's length, how many of its parts the blob store holds, whether it is complete,
//! and the SHA-256 of the token that uploads it. The bytes are in the blob store (`crate::blobs`);
//! a row is written before the first byte of its blob, so that a blob without a row is always
//! one whose row was deleted (with its case, or abandoned) and the sweep may delete it.
//!
//! The `AttachmentRows` part of the store, its one implementation, and the methods of the
//! capabilities that reach it: a reporter reserves an upload, an upload's token records parts,
//! a desk lists and reads its own, maintenance forgets abandoned uploads and lists what exists.

use super::{DeskStore, IntakeStore, Maintenance, ReporterStore, StoreError};
use crate::domain::{AttachmentId, DeskSlug, ReportId};

/// An upload a reporter begins.
#[derive(Debug, Clone)]
pub struct NewAttachment {
    pub id: AttachmentId,
    /// SHA-256 of the upload token.
    pub token: [u8; 32],
    /// The plaintext's length: a file bucket, what a report's limit counts.
    pub bucket: i64,
    /// The ciphertext's length in bytes, what the server's quota counts.
    pub size: i64,
    pub created_at: i64,
}

/// What a reservation must fit under.
#[derive(Debug, Clone, Copy)]
pub struct AttachmentQuota {
    pub max_files: i64,
    /// Plaintext bytes (file buckets) one report's attachments may total.
    pub max_report_bytes: i64,
    /// Ciphertext bytes all attachments may total.
    pub max_total_bytes: i64,
}

/// Whether an upload was reserved, or which limit refused it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Reservation {
    Made,
    /// The same report's unfinished upload of this id, begun again with the same bucket and
    /// length (the device lost its answer): it now has the new token, and keeps its parts.
    Renewed,
    /// An attachment with this id exists: another report's, a finished one, or one declared
    /// otherwise.
    Taken,
    TooManyFiles,
    ReportFull,
    ServerFull,
}

/// An attachment's row.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Attachment {
    pub id: AttachmentId,
    pub report: ReportId,
    pub bucket: i64,
    pub size: i64,
    /// Parts the blob store holds, each acknowledged: parts 0 to `parts − 1`.
    pub parts: i64,
    pub complete: bool,
    pub created_at: i64,
}

#[async_trait::async_trait]
pub trait AttachmentRows: Send + Sync + 'static {
    /// Reserves an upload for report `report` of `desk` if its id is free and it fits under
    /// `quota`, or renews the report's own unfinished upload of that id; `Missing` (report) if
    /// the report is gone.
    async fn reserve_attachment(
        &self,
        desk: &DeskSlug,
        report: &ReportId,
        new: &NewAttachment,
        quota: &AttachmentQuota,
    ) -> Result<Reservation, StoreError>;
    /// The upload `id` whose token's SHA-256 is `token`.
    async fn upload(
        &self,
        id: &AttachmentId,
        token: &[u8; 32],
    ) -> Result<Option<Attachment>, StoreError>;
    /// Records that part `part` is stored, if it is the next one of an incomplete upload;
    /// whether it was.
    async fn record_part(
        &self,
        id: &AttachmentId,
        token: &[u8; 32],
        part: i64,
        complete: bool,
    ) -> Result<bool, StoreError>;
    /// Deletes an incomplete upload (its first part was refused).
    async fn discard_upload(&self, id: &AttachmentId, token: &[u8; 32]) -> Result<(), StoreError>;
    async fn report_attachments(
        &self,
        desk: &DeskSlug,
        report: &ReportId,
    ) -> Result<Vec<Attachment>, StoreError>;
    async fn desk_attachment(
        &self,
        desk: &DeskSlug,
        id: &AttachmentId,
    ) -> Result<Option<Attachment>, StoreError>;
    /// Attachment `id`, if referral `referral` of `partner` shares it and the partner's copy of
    /// the referral is still on the server.
    async fn partner_attachment(
        &self,
        partner: &crate::domain::PartnerId,
        referral: &crate::domain::ReferralId,
        id: &AttachmentId,
    ) -> Result<Option<Attachment>, StoreError>;
    /// Deletes incomplete uploads begun before `before`; how many.
    async fn abandon_uploads(&self, before: i64) -> Result<u64, StoreError>;
    /// Every attachment's id.
    async fn attachment_ids(&self) -> Result<Vec<AttachmentId>, StoreError>;
    /// Whether an attachment of id `id` exists.
    async fn attachment_exists(&self, id: &AttachmentId) -> Result<bool, StoreError>;
}

impl ReporterStore {
    /// Reserves an upload for this report, if it fits under `quota`.
    pub async fn reserve_attachment(
        &self,
        new: &NewAttachment,
        quota: &AttachmentQuota,
    ) -> Result<Reservation, StoreError> {
        let receipt = &self.receipt;
        (self.db)
            .reserve_attachment(&receipt.desk, &receipt.report_id, new, quota)
            .await
    }
}

/// The capability an upload token gives: its own upload, nothing else.
pub struct UploadStore {
    db: std::sync::Arc<dyn super::Backend>,
    token: [u8; 32],
    pub attachment: Attachment,
}

impl UploadStore {
    /// Records part `part` as stored (and the upload complete, with `complete`); `false` if it
    /// was not the next part or the upload is gone.
    pub async fn record_part(&self, part: i64, complete: bool) -> Result<bool, StoreError> {
        (self.db)
            .record_part(&self.attachment.id, &self.token, part, complete)
            .await
    }

    /// Forgets an upload whose first part was refused.
    pub async fn discard(&self) -> Result<(), StoreError> {
        self.db
            .discard_upload(&self.attachment.id, &self.token)
            .await
    }

    /// The upload as the store holds it now; `None` once deleted.
    pub async fn reread(&self) -> Result<Option<Attachment>, StoreError> {
        self.db.upload(&self.attachment.id, &self.token).await
    }
}

impl IntakeStore {
    /// The upload whose token's SHA-256 is `token`; `None` for an unknown id or a wrong token.
    pub async fn upload(
        &self,
        id: &AttachmentId,
        token: [u8; 32],
    ) -> Result<Option<UploadStore>, StoreError> {
        let found = self.db.upload(id, &token).await?;
        Ok(found.map(|attachment| UploadStore {
            db: self.db.clone(),
            token,
            attachment,
        }))
    }
}

impl DeskStore {
    /// The attachments of one of this desk's reports.
    pub async fn attachments(&self, report: &ReportId) -> Result<Vec<Attachment>, StoreError> {
        self.db.report_attachments(&self.desk, report).await
    }

    /// One attachment of one of this desk's reports.
    pub async fn attachment(&self, id: &AttachmentId) -> Result<Option<Attachment>, StoreError> {
        self.db.desk_attachment(&self.desk, id).await
    }
}

impl super::PartnerStore {
    /// An attachment the partner's referral `referral` shares with it, while the referral's
    /// copy is on the server; `None` for any other.
    pub async fn shared_attachment(
        &self,
        referral: &crate::domain::ReferralId,
        id: &AttachmentId,
    ) -> Result<Option<Attachment>, StoreError> {
        self.db
            .partner_attachment(&self.partner, referral, id)
            .await
    }
}

impl Maintenance {
    /// Deletes incomplete uploads begun before `before`; how many.
    pub async fn abandon_uploads(&self, before: i64) -> Result<u64, StoreError> {
        self.db.abandon_uploads(before).await
    }

    /// Every attachment the database holds, for the sweep of the blob store.
    pub async fn attachment_ids(&self) -> Result<Vec<AttachmentId>, StoreError> {
        self.db.attachment_ids().await
    }

    /// Whether the database holds attachment `id` now (the sweep asks again before it deletes).
    pub async fn attachment_exists(&self, id: &AttachmentId) -> Result<bool, StoreError> {
        self.db.attachment_exists(id).await
    }
}

pub(super) type AttachmentRow = (Vec<u8>, Vec<u8>, i64, i64, i64, bool, i64);

pub(super) fn attachment_id(bytes: Vec<u8>) -> Result<AttachmentId, StoreError> {
    let bytes: [u8; 16] = bytes
        .try_into()
        .map_err(|_| StoreError::Corrupt("attachment id"))?;
    Ok(AttachmentId::from_bytes(bytes))
}

pub(super) fn from_row(row: AttachmentRow) -> Result<Attachment, StoreError> {
    let (id, report, bucket, size, parts, complete, created_at) = row;
    Ok(Attachment {
        id: attachment_id(id)?,
        report: super::rows::parse_id(report)?,
        bucket,
        size,
        parts,
        complete,
        created_at,
    })
}

/// Which limit `new` would break, given the report's files and buckets so far and the ciphertext
/// bytes of every attachment.
pub(super) fn check_quota(
    quota: &AttachmentQuota,
    (files, report_buckets): (i64, i64),
    total_bytes: i64,
    new: &NewAttachment,
) -> Reservation {
    if files >= quota.max_files {
        Reservation::TooManyFiles
    } else if report_buckets.saturating_add(new.bucket) > quota.max_report_bytes {
        Reservation::ReportFull
    } else if total_bytes.saturating_add(new.size) > quota.max_total_bytes {
        Reservation::ServerFull
    } else {
        Reservation::Made
    }
}

pub(super) mod sql {
    /// Taken first in every reservation: the row lock makes reservations wait for each other.
    pub const LOCK: &str = "UPDATE attachment_lock SET id = 1 WHERE id = 1";
    pub const REPORT_USAGE: &str =
        "SELECT COUNT(*), CAST(COALESCE(SUM(bucket), 0) AS BIGINT) FROM attachments \
         WHERE report_id = $1";
    pub const TOTAL_USAGE: &str = "SELECT CAST(COALESCE(SUM(size), 0) AS BIGINT) FROM attachments";
    pub const INSERT: &str = "INSERT INTO attachments \
         (id, report_id, desk_slug, bucket, size, parts, complete, token, created_at) \
         SELECT $1, id, desk_slug, $3, $4, 0, $5, $6, $7 FROM reports \
         WHERE id = $2 AND desk_slug = $8";
    /// The columns `from_row` reads, of the rows `$filter` selects, in id order.
    macro_rules! select {
        ($filter:literal) => {
            concat!(
                "SELECT id, report_id, bucket, size, parts, complete, created_at \
                 FROM attachments ",
                $filter,
                " ORDER BY id"
            )
        };
    }
    pub const UPLOAD: &str = select!("WHERE id = $1 AND token = $2");
    pub const RECORD_PART: &str = "UPDATE attachments SET parts = $3 + 1, complete = $4 \
         WHERE id = $1 AND token = $2 AND parts = $3 AND NOT complete";
    pub const DISCARD: &str =
        "DELETE FROM attachments WHERE id = $1 AND token = $2 AND NOT complete";
    pub const OF_REPORT: &str = select!("WHERE report_id = $1 AND desk_slug = $2");
    pub const OF_DESK: &str = select!("WHERE id = $1 AND desk_slug = $2");
    pub const OF_PARTNER: &str = "SELECT a.id, a.report_id, a.bucket, a.size, a.parts, \
         a.complete, a.created_at FROM attachments a \
         JOIN referral_attachments s ON s.attachment_id = a.id \
         JOIN referrals r ON r.id = s.referral_id \
         WHERE a.id = $1 AND r.id = $2 AND r.partner_id = $3 AND r.ciphertext IS NOT NULL";
    pub const ABANDON: &str = "DELETE FROM attachments WHERE NOT complete AND created_at < $1";
    pub const IDS: &str = "SELECT id FROM attachments";
    pub const EXISTING: &str =
        "SELECT report_id, bucket, size, complete FROM attachments WHERE id = $1";
    pub const RENEW: &str = "UPDATE attachments SET token = $2 WHERE id = $1 AND NOT complete";
}

/// The one `AttachmentRows` implementation, for each backend's pool type (see `sqlite.rs`).
macro_rules! impl_attachment_rows {
    ($store:ident, $db:ty) => {
        #[async_trait::async_trait]
        impl $crate::store::attachments::AttachmentRows for $store {
            async fn reserve_attachment(
                &self,
                desk: &DeskSlug,
                report: &ReportId,
                new: &$crate::store::attachments::NewAttachment,
                quota: &$crate::store::attachments::AttachmentQuota,
            ) -> Result<$crate::store::attachments::Reservation, StoreError> {
                use $crate::store::attachments::{check_quota, sql, Reservation};
                let mut tx = self.begin_write().await?;
                sqlx::query(sql::LOCK).execute(&mut *tx).await?;
                let existing: Option<(Vec<u8>, i64, i64, bool)> = sqlx::query_as(sql::EXISTING)
                    .bind(&new.id.as_bytes()[..])
                    .fetch_optional(&mut *tx)
                    .await?;
                if let Some((owner, bucket, size, complete)) = existing {
                    let same = owner == report.as_bytes()[..]
                        && !complete
                        && (bucket, size) == (new.bucket, new.size);
                    if !same {
                        return Ok(Reservation::Taken);
                    }
                    sqlx::query(sql::RENEW)
                        .bind(&new.id.as_bytes()[..])
                        .bind(&new.token[..])
                        .execute(&mut *tx)
                        .await?;
                    tx.commit().await?;
                    return Ok(Reservation::Renewed);
                }
                let usage: (i64, i64) = sqlx::query_as(sql::REPORT_USAGE)
                    .bind(&report.as_bytes()[..])
                    .fetch_one(&mut *tx)
                    .await?;
                let (total,): (i64,) = sqlx::query_as(sql::TOTAL_USAGE).fetch_one(&mut *tx).await?;
                let verdict = check_quota(quota, usage, total, new);
                if verdict != Reservation::Made {
                    return Ok(verdict);
                }
                let inserted = sqlx::query(sql::INSERT)
                    .bind(&new.id.as_bytes()[..])
                    .bind(&report.as_bytes()[..])
                    .bind(new.bucket)
                    .bind(new.size)
                    .bind(false)
                    .bind(&new.token[..])
                    .bind(new.created_at)
                    .bind(desk.as_str())
                    .execute(&mut *tx)
                    .await?;
                if inserted.rows_affected() == 0 {
                    return Err(StoreError::Missing(Thing::Report));
                }
                tx.commit().await?;
                Ok(Reservation::Made)
            }

            async fn upload(
                &self,
                id: &$crate::domain::AttachmentId,
                token: &[u8; 32],
            ) -> Result<Option<$crate::store::attachments::Attachment>, StoreError> {
                use $crate::store::attachments::{from_row, sql, AttachmentRow};
                let row: Option<AttachmentRow> = sqlx::query_as(sql::UPLOAD)
                    .bind(&id.as_bytes()[..])
                    .bind(&token[..])
                    .fetch_optional(&self.pool)
                    .await?;
                row.map(from_row).transpose()
            }

            async fn record_part(
                &self,
                id: &$crate::domain::AttachmentId,
                token: &[u8; 32],
                part: i64,
                complete: bool,
            ) -> Result<bool, StoreError> {
                let mut tx = self.begin_write().await?;
                let updated = sqlx::query($crate::store::attachments::sql::RECORD_PART)
                    .bind(&id.as_bytes()[..])
                    .bind(&token[..])
                    .bind(part)
                    .bind(complete)
                    .execute(&mut *tx)
                    .await?;
                tx.commit().await?;
                Ok(updated.rows_affected() == 1)
            }

            async fn discard_upload(
                &self,
                id: &$crate::domain::AttachmentId,
                token: &[u8; 32],
            ) -> Result<(), StoreError> {
                let mut tx = self.begin_write().await?;
                sqlx::query($crate::store::attachments::sql::DISCARD)
                    .bind(&id.as_bytes()[..])
                    .bind(&token[..])
                    .execute(&mut *tx)
                    .await?;
                tx.commit().await?;
                Ok(())
            }

            async fn report_attachments(
                &self,
                desk: &DeskSlug,
                report: &ReportId,
            ) -> Result<Vec<$crate::store::attachments::Attachment>, StoreError> {
                use $crate::store::attachments::{from_row, sql, AttachmentRow};
                let rows: Vec<AttachmentRow> = sqlx::query_as(sql::OF_REPORT)
                    .bind(&report.as_bytes()[..])
                    .bind(desk.as_str())
                    .fetch_all(&self.pool)
                    .await?;
                rows.into_iter().map(from_row).collect()
            }

            async fn desk_attachment(
                &self,
                desk: &DeskSlug,
                id: &$crate::domain::AttachmentId,
            ) -> Result<Option<$crate::store::attachments::Attachment>, StoreError> {
                use $crate::store::attachments::{from_row, sql, AttachmentRow};
                let row: Option<AttachmentRow> = sqlx::query_as(sql::OF_DESK)
                    .bind(&id.as_bytes()[..])
                    .bind(desk.as_str())
                    .fetch_optional(&self.pool)
                    .await?;
                row.map(from_row).transpose()
            }

            async fn partner_attachment(
                &self,
                partner: &$crate::domain::PartnerId,
                referral: &$crate::domain::ReferralId,
                id: &$crate::domain::AttachmentId,
            ) -> Result<Option<$crate::store::attachments::Attachment>, StoreError> {
                use $crate::store::attachments::{from_row, sql, AttachmentRow};
                let row: Option<AttachmentRow> = sqlx::query_as(sql::OF_PARTNER)
                    .bind(&id.as_bytes()[..])
                    .bind(&referral.as_bytes()[..])
                    .bind(&partner.as_bytes()[..])
                    .fetch_optional(&self.pool)
                    .await?;
                row.map(from_row).transpose()
            }

            async fn abandon_uploads(&self, before: i64) -> Result<u64, StoreError> {
                let mut tx = self.begin_write().await?;
                let deleted = sqlx::query($crate::store::attachments::sql::ABANDON)
                    .bind(before)
                    .execute(&mut *tx)
                    .await?;
                tx.commit().await?;
                Ok(deleted.rows_affected())
            }

            async fn attachment_exists(
                &self,
                id: &$crate::domain::AttachmentId,
            ) -> Result<bool, StoreError> {
                let row: Option<(Vec<u8>, i64, i64, bool)> =
                    sqlx::query_as($crate::store::attachments::sql::EXISTING)
                        .bind(&id.as_bytes()[..])
                        .fetch_optional(&self.pool)
                        .await?;
                Ok(row.is_some())
            }

            async fn attachment_ids(
                &self,
            ) -> Result<Vec<$crate::domain::AttachmentId>, StoreError> {
                let rows: Vec<(Vec<u8>,)> = sqlx::query_as($crate::store::attachments::sql::IDS)
                    .fetch_all(&self.pool)
                    .await?;
                rows.into_iter()
                    .map(|(id,)| $crate::store::attachments::attachment_id(id))
                    .collect()
            }
        }
    };
}
pub(crate) use impl_attachment_rows;
