//! The hash chain of the audit log. Each entry's hash covers the previous hash and the entry's
//! fields, length-prefixed so that no two different entries encode alike:
//!
//! ```text
//! hash = SHA-256(prev_hash || u64be(seq) || i64be(at) || for each of desk, actor, action,
//!                subject: u32be(len) || bytes)
//! ```
//! The first entry's `prev_hash` is 32 zero bytes.

use std::sync::Arc;

use sha2::{Digest, Sha256};

use super::{Backend, DeskStore, StoreError};
use crate::domain::{AuditAction, DeskSlug};

#[async_trait::async_trait]
pub trait AuditRows: Send + Sync + 'static {
    /// Appends an entry at the chain's tail.
    async fn audit(&self, entry: &AuditEntry, at: i64) -> Result<(), StoreError>;
    async fn audit_log(&self) -> Result<Vec<AuditRow>, StoreError>;
    /// `desk`'s entries that `filter` keeps, newest first.
    async fn desk_audit(
        &self,
        desk: &DeskSlug,
        filter: &AuditFilter,
    ) -> Result<Vec<AuditRow>, StoreError>;
}

/// Which of a desk's audit entries to read.
#[derive(Debug, Clone, Default)]
pub struct AuditFilter {
    pub actor: Option<String>,
    pub action: Option<String>,
    /// Entries whose subject is this, or starts with it and a space (a case or referral id).
    pub subject: Option<String>,
    pub before: Option<i64>,
    pub limit: i64,
}

impl DeskStore {
    /// This desk's audit entries that `filter` keeps, newest first.
    pub async fn audit(&self, filter: &AuditFilter) -> Result<Vec<AuditRow>, StoreError> {
        self.db.desk_audit(&self.desk, filter).await
    }
}

/// Appending to the audit log: every area records its privileged actions here, and none can
/// read or change what is recorded (`Maintenance::audit_log` reads it).
#[derive(Clone)]
pub struct AuditLog {
    db: Arc<dyn Backend>,
}

impl AuditLog {
    pub(super) fn new(db: Arc<dyn Backend>) -> Self {
        Self { db }
    }

    pub async fn append(&self, entry: &AuditEntry, at: i64) -> Result<(), StoreError> {
        self.db.audit(entry, at).await
    }
}

/// What is recorded of one privileged action.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuditEntry {
    pub desk: String,
    /// The account's user name, or `admin` for the server host's command line.
    pub actor: String,
    /// An `AuditAction`'s text; a string here because rows are read back as stored.
    pub action: String,
    /// What it was done to: a case id, a user name, a key version.
    pub subject: String,
}

/// A stored entry.
#[derive(Debug, Clone)]
pub struct AuditRow {
    pub seq: i64,
    pub at: i64,
    pub entry: AuditEntry,
    pub prev_hash: [u8; 32],
    pub hash: [u8; 32],
}

impl AuditEntry {
    pub fn new(desk: &str, actor: &str, action: AuditAction, subject: &str) -> Self {
        Self {
            desk: desk.to_owned(),
            actor: actor.to_owned(),
            action: action.as_str().to_owned(),
            subject: subject.to_owned(),
        }
    }
}

pub const GENESIS: [u8; 32] = [0; 32];

pub fn chain_hash(prev: &[u8; 32], seq: i64, at: i64, entry: &AuditEntry) -> [u8; 32] {
    let mut hasher = Sha256::new();
    hasher.update(prev);
    hasher.update(seq.to_be_bytes());
    hasher.update(at.to_be_bytes());
    for field in [&entry.desk, &entry.actor, &entry.action, &entry.subject] {
        hasher.update(u32::try_from(field.len()).unwrap_or(u32::MAX).to_be_bytes());
        hasher.update(field.as_bytes());
    }
    hasher.finalize().into()
}

/// The first problem in a chain read in `seq` order, if any.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ChainBreak {
    #[error("entry {seq} was changed (its hash does not match its contents)")]
    Changed { seq: i64 },
    #[error("the chain breaks before entry {seq}: an entry was deleted or the order changed")]
    Broken { seq: i64 },
}

/// Verifies a whole chain; `Ok(n)` with the number of entries.
pub fn verify(rows: &[AuditRow]) -> Result<usize, ChainBreak> {
    let mut prev = GENESIS;
    for (expected_seq, row) in (1..).zip(rows) {
        if row.prev_hash != prev || row.seq != expected_seq {
            return Err(ChainBreak::Broken { seq: row.seq });
        }
        if chain_hash(&row.prev_hash, row.seq, row.at, &row.entry) != row.hash {
            return Err(ChainBreak::Changed { seq: row.seq });
        }
        prev = row.hash;
    }
    Ok(rows.len())
}

/// The one `AuditRows` implementation, for each backend's pool type (see `sqlite.rs`).
macro_rules! impl_audit_rows {
    ($store:ident, $db:ty) => {
        #[async_trait::async_trait]
        impl $crate::store::AuditRows for $store {
            async fn audit(&self, entry: &AuditEntry, at: i64) -> Result<(), StoreError> {
                // Two appends may read the same tail; the loser's insert does nothing and retries.
                for _ in 0..8 {
                    let mut tx = self.begin_write().await?;
                    let last: Option<(i64, Vec<u8>)> = sqlx::query_as(sql::LAST_AUDIT)
                        .fetch_optional(&mut *tx)
                        .await?;
                    let (seq, prev) = match last {
                        Some((seq, hash)) => (
                            seq + 1,
                            hash.try_into()
                                .map_err(|_| StoreError::Corrupt("audit hash"))?,
                        ),
                        None => (1, $crate::store::audit::GENESIS),
                    };
                    let hash = $crate::store::audit::chain_hash(&prev, seq, at, entry);
                    let inserted = sqlx::query(sql::INSERT_AUDIT)
                        .bind(seq)
                        .bind(at)
                        .bind(&entry.desk)
                        .bind(&entry.actor)
                        .bind(&entry.action)
                        .bind(&entry.subject)
                        .bind(&prev[..])
                        .bind(&hash[..])
                        .execute(&mut *tx)
                        .await?;
                    if inserted.rows_affected() == 1 {
                        tx.commit().await?;
                        return Ok(());
                    }
                }
                Err(StoreError::Unavailable("the audit log is too busy".into()))
            }

            async fn audit_log(&self) -> Result<Vec<AuditRow>, StoreError> {
                let rows: Vec<$crate::store::audit::Row> = sqlx::query_as(sql::SELECT_AUDIT)
                    .fetch_all(&self.pool)
                    .await?;
                $crate::store::audit::rows(rows)
            }

            async fn desk_audit(
                &self,
                desk: &$crate::domain::DeskSlug,
                filter: &$crate::store::audit::AuditFilter,
            ) -> Result<Vec<AuditRow>, StoreError> {
                let text = |t: &Option<String>| t.clone().unwrap_or_default();
                let rows: Vec<$crate::store::audit::Row> = sqlx::query_as(sql::SELECT_DESK_AUDIT)
                    .bind(desk.as_str())
                    .bind(text(&filter.actor))
                    .bind(text(&filter.action))
                    .bind(text(&filter.subject))
                    .bind(filter.before.unwrap_or(i64::MAX))
                    .bind(filter.limit)
                    .fetch_all(&self.pool)
                    .await?;
                $crate::store::audit::rows(rows)
            }
        }
    };
}

pub(crate) use impl_audit_rows;

/// An audit row as stored.
pub(crate) type Row = (i64, i64, String, String, String, String, Vec<u8>, Vec<u8>);

pub(crate) fn rows(rows: Vec<Row>) -> Result<Vec<AuditRow>, StoreError> {
    rows.into_iter()
        .map(|(seq, at, desk, actor, action, subject, prev, hash)| {
            Ok(AuditRow {
                seq,
                at,
                entry: AuditEntry {
                    desk,
                    actor,
                    action,
                    subject,
                },
                prev_hash: prev
                    .try_into()
                    .map_err(|_| StoreError::Corrupt("audit hash"))?,
                hash: hash
                    .try_into()
                    .map_err(|_| StoreError::Corrupt("audit hash"))?,
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn chain(n: i64) -> Vec<AuditRow> {
        let mut rows = vec![];
        let mut prev = GENESIS;
        for seq in 1..=n {
            let entry = AuditEntry {
                desk: "gt".into(),
                actor: "ana".into(),
                action: "case.open".into(),
                subject: format!("{seq}"),
            };
            let hash = chain_hash(&prev, seq, 100 + seq, &entry);
            rows.push(AuditRow {
                seq,
                at: 100 + seq,
                entry,
                prev_hash: prev,
                hash,
            });
            prev = hash;
        }
        rows
    }

    #[test]
    fn detects_changes_deletions_and_reordering() {
        assert_eq!(verify(&chain(5)), Ok(5));
        let mut changed = chain(5);
        changed[2].entry.subject = "other".into();
        assert_eq!(verify(&changed), Err(ChainBreak::Changed { seq: 3 }));
        let mut deleted = chain(5);
        deleted.remove(1);
        assert_eq!(verify(&deleted), Err(ChainBreak::Broken { seq: 3 }));
        let mut reordered = chain(5);
        reordered.swap(1, 2);
        assert_eq!(verify(&reordered), Err(ChainBreak::Broken { seq: 3 }));
        let mut last_gone = chain(5);
        last_gone.pop();
        assert_eq!(
            verify(&last_gone),
            Ok(4),
            "a truncated tail is only visible against an anchor"
        );
    }

    #[test]
    fn fields_are_length_prefixed() {
        let a = AuditEntry {
            desk: "ab".into(),
            actor: "c".into(),
            action: "x".into(),
            subject: "y".into(),
        };
        let b = AuditEntry {
            desk: "a".into(),
            actor: "bc".into(),
            action: "x".into(),
            subject: "y".into(),
        };
        assert_ne!(
            chain_hash(&GENESIS, 1, 0, &a),
            chain_hash(&GENESIS, 1, 0, &b)
        );
    }
}
