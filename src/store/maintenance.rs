//! Upkeep of the stored data, for the server host and the server's own periodic jobs: creating
//! desks, desks' retention policies, the deletion of cases a policy says are due, forgetting
//! spent challenges, old sessions and expired referral copies, webhook deliveries, and backups.
//! The `MaintenanceRows` part of the store, its one implementation, and the `Maintenance`
//! capability, which is unscoped and named so: it spans every desk.
//!
//! Deleting a report cascades to its thread, notes, referrals and their answers. A delete alone
//! leaves bytes behind, so each backend then scrubs what it freed (`scrub_freed`): SQLite has
//! overwritten the freed pages already (`secure_delete`) and folds the write-ahead log back into
//! the database, truncating it; PostgreSQL rewrites the affected tables (`VACUUM FULL`), since
//! plain deletes and plain vacuums leave dead rows in its files.

use std::sync::Arc;

use super::{
    AuditLog, AuditRow, Backend, DeskListing, DeskStore, ReferralId, StoreError, WebhookDelivery,
};
use crate::domain::{Days, DeskName, DeskSlug, PurgeRule, Recipient, RetentionPolicy};

#[async_trait::async_trait]
pub trait MaintenanceRows: Send + Sync + 'static {
    /// A new desk, with the key kept outside Resguardo if `recipient` is given; `Conflict` if
    /// the slug is taken.
    async fn create_desk(
        &self,
        slug: &DeskSlug,
        name: &DeskName,
        recipient: Option<&Recipient>,
        now: i64,
    ) -> Result<(), StoreError>;
    /// Forgets spent challenges that expired before `now`; returns how many.
    async fn purge_spent(&self, now: i64) -> Result<u64, StoreError>;
    /// Forgets sessions expired at `now` or idle since `idle_since`, and login throttles quiet
    /// since `quiet_since`; returns how many.
    async fn forget_expired(
        &self,
        now: i64,
        idle_since: i64,
        quiet_since: i64,
    ) -> Result<u64, StoreError>;
    /// Sets a desk's own policy, which takes precedence over the configuration's.
    async fn set_retention(
        &self,
        desk: &DeskSlug,
        policy: &RetentionPolicy,
        now: i64,
    ) -> Result<(), StoreError>;
    /// The policy a desk's supervisors set, if they did.
    async fn retention(&self, desk: &DeskSlug) -> Result<Option<RetentionPolicy>, StoreError>;
    /// Reports of `desk` that `rule` selects with times before `before`: counted, or deleted
    /// (with everything that hangs off them) when `delete` is set.
    async fn purge(
        &self,
        desk: &DeskSlug,
        rule: PurgeRule,
        before: i64,
        delete: bool,
    ) -> Result<u64, StoreError>;
    /// Referrals whose partner copy is due for deletion at `now` (`expire_referrals` deletes it).
    async fn expiring_referrals(&self, now: i64) -> Result<u64, StoreError>;
    /// Makes what deletes freed unreadable in the database's own files.
    async fn scrub_freed(&self) -> Result<(), StoreError>;
    /// Erases the order in which case rows arrived, where the backend keeps one: PostgreSQL
    /// stamps every row with the id of the transaction that wrote it (`xmin`) and appends it to
    /// its table file (`ctid`), so neighbouring audit entries, whose times are to the second,
    /// would date each report. Run on the retention schedule.
    async fn forget_arrival_order(&self) -> Result<(), StoreError>;
    /// Takes the lease `name` for `holder` until `until`, unless another holder's lease runs
    /// past `now`; whether `holder` now holds it. Instances sharing a database run a periodic job
    /// only while they hold its lease, so it runs once, and another takes over when one dies.
    async fn claim_lease(
        &self,
        name: &str,
        holder: &[u8; 16],
        now: i64,
        until: i64,
    ) -> Result<bool, StoreError>;
    /// A consistent copy of the database in a new file, taken while the server runs. SQLite only:
    /// for PostgreSQL, `pg_dump` is the tool (`Unsupported`).
    async fn backup_to(&self, path: &std::path::Path) -> Result<(), StoreError>;
}

/// The status a rule selects, and whether it ages cases from their arrival or from when they got that status.
pub(super) fn rule_sql(rule: PurgeRule, delete: bool) -> &'static str {
    match (rule, delete) {
        (PurgeRule::Closed, false) => sql::COUNT_CLOSED,
        (PurgeRule::Closed, true) => sql::DELETE_CLOSED,
        (PurgeRule::Spam, false) => sql::COUNT_SPAM,
        (PurgeRule::Spam, true) => sql::DELETE_SPAM,
        (PurgeRule::Untriaged, false) => sql::COUNT_UNTRIAGED,
        (PurgeRule::Untriaged, true) => sql::DELETE_UNTRIAGED,
    }
}

pub(super) type PolicyRow = (i64, i64, i64);

pub(super) fn policy_from_row(row: PolicyRow) -> Result<RetentionPolicy, StoreError> {
    let days = |n: i64| {
        u32::try_from(n)
            .ok()
            .and_then(|n| Days::parse(n).ok())
            .ok_or(StoreError::Corrupt("retention days"))
    };
    Ok(RetentionPolicy {
        closed_days: days(row.0)?,
        spam_days: days(row.1)?,
        untriaged_days: days(row.2)?,
    })
}

pub(super) mod sql {
    pub const CLAIM_LEASE: &str = "INSERT INTO leases (name, holder, held_until) VALUES ($1, $2, $4) \
         ON CONFLICT (name) DO UPDATE SET holder = excluded.holder, held_until = excluded.held_until \
         WHERE leases.held_until <= $3 OR leases.holder = excluded.holder";
    pub const COUNT_EXPIRING_REFERRALS: &str =
        "SELECT COUNT(*) FROM referrals WHERE expires_at < $1 AND ciphertext IS NOT NULL";
    pub const UPSERT: &str = "INSERT INTO retention \
         (desk_slug, closed_days, spam_days, untriaged_days, updated_at) VALUES ($1, $2, $3, $4, $5) \
         ON CONFLICT (desk_slug) DO UPDATE SET closed_days = $2, spam_days = $3, \
         untriaged_days = $4, updated_at = $5";
    pub const SELECT: &str =
        "SELECT closed_days, spam_days, untriaged_days FROM retention WHERE desk_slug = $1";

    // Closed and spam cases age from when they got that status (a reporter's message must not
    // keep them alive); untriaged ones from their arrival.
    pub const COUNT_CLOSED: &str = "SELECT COUNT(*) FROM reports \
         WHERE desk_slug = $1 AND status = 'closed' AND status_changed_at < $2";
    pub const DELETE_CLOSED: &str = "DELETE FROM reports \
         WHERE desk_slug = $1 AND status = 'closed' AND status_changed_at < $2";
    pub const COUNT_SPAM: &str = "SELECT COUNT(*) FROM reports \
         WHERE desk_slug = $1 AND status = 'spam' AND status_changed_at < $2";
    pub const DELETE_SPAM: &str = "DELETE FROM reports \
         WHERE desk_slug = $1 AND status = 'spam' AND status_changed_at < $2";
    pub const COUNT_UNTRIAGED: &str = "SELECT COUNT(*) FROM reports \
         WHERE desk_slug = $1 AND status = 'new' AND created_at < $2";
    pub const DELETE_UNTRIAGED: &str =
        "DELETE FROM reports WHERE desk_slug = $1 AND status = 'new' AND created_at < $2";
}

/// The one `MaintenanceRows` implementation, for each backend's pool type (see `sqlite.rs`).
macro_rules! impl_maintenance_rows {
    ($store:ident, $db:ty) => {
        #[async_trait::async_trait]
        impl $crate::store::MaintenanceRows for $store {
            async fn create_desk(
                &self,
                slug: &DeskSlug,
                name: &DeskName,
                recipient: Option<&Recipient>,
                now: i64,
            ) -> Result<(), StoreError> {
                let mut tx = self.begin_write().await?;
                let inserted = sqlx::query(sql::INSERT_DESK)
                    .bind(slug.as_str())
                    .bind(name.as_str())
                    .bind(now)
                    .execute(&mut *tx)
                    .await?;
                if inserted.rows_affected() == 0 {
                    return Err(StoreError::Conflict(Thing::Desk));
                }
                if let Some(recipient) = recipient {
                    sqlx::query(sql::INSERT_DESK_KEY)
                        .bind(slug.as_str())
                        .bind(recipient.as_str())
                        .bind(now)
                        .execute(&mut *tx)
                        .await?;
                }
                tx.commit().await?;
                Ok(())
            }

            async fn purge_spent(&self, now: i64) -> Result<u64, StoreError> {
                let done = sqlx::query(sql::PURGE_SPENT)
                    .bind(now)
                    .execute(&self.pool)
                    .await?;
                Ok(done.rows_affected())
            }

            async fn forget_expired(
                &self,
                now: i64,
                idle_since: i64,
                quiet_since: i64,
            ) -> Result<u64, StoreError> {
                let sessions = sqlx::query(sql::FORGET_SESSIONS)
                    .bind(now)
                    .bind(idle_since)
                    .execute(&self.pool)
                    .await?;
                let throttles = sqlx::query(sql::FORGET_THROTTLES)
                    .bind(quiet_since)
                    .execute(&self.pool)
                    .await?;
                Ok(sessions.rows_affected() + throttles.rows_affected())
            }

            async fn set_retention(
                &self,
                desk: &DeskSlug,
                policy: &$crate::domain::RetentionPolicy,
                now: i64,
            ) -> Result<(), StoreError> {
                sqlx::query($crate::store::maintenance::sql::UPSERT)
                    .bind(desk.as_str())
                    .bind(i64::from(policy.closed_days.get()))
                    .bind(i64::from(policy.spam_days.get()))
                    .bind(i64::from(policy.untriaged_days.get()))
                    .bind(now)
                    .execute(&self.pool)
                    .await
                    .map_err(|e| classify(e, StoreError::Missing(Thing::Desk)))?;
                Ok(())
            }

            async fn retention(
                &self,
                desk: &DeskSlug,
            ) -> Result<Option<$crate::domain::RetentionPolicy>, StoreError> {
                let row: Option<$crate::store::maintenance::PolicyRow> =
                    sqlx::query_as($crate::store::maintenance::sql::SELECT)
                        .bind(desk.as_str())
                        .fetch_optional(&self.pool)
                        .await?;
                row.map($crate::store::maintenance::policy_from_row)
                    .transpose()
            }

            async fn purge(
                &self,
                desk: &DeskSlug,
                rule: $crate::domain::PurgeRule,
                before: i64,
                delete: bool,
            ) -> Result<u64, StoreError> {
                let text = $crate::store::maintenance::rule_sql(rule, delete);
                if delete {
                    let done = sqlx::query(text)
                        .bind(desk.as_str())
                        .bind(before)
                        .execute(&self.pool)
                        .await?;
                    Ok(done.rows_affected())
                } else {
                    let (count,): (i64,) = sqlx::query_as(text)
                        .bind(desk.as_str())
                        .bind(before)
                        .fetch_one(&self.pool)
                        .await?;
                    Ok(u64::try_from(count).unwrap_or(0))
                }
            }

            async fn expiring_referrals(&self, now: i64) -> Result<u64, StoreError> {
                let (count,): (i64,) =
                    sqlx::query_as($crate::store::maintenance::sql::COUNT_EXPIRING_REFERRALS)
                        .bind(now)
                        .fetch_one(&self.pool)
                        .await?;
                Ok(u64::try_from(count).unwrap_or(0))
            }

            async fn scrub_freed(&self) -> Result<(), StoreError> {
                self.scrub().await
            }

            async fn forget_arrival_order(&self) -> Result<(), StoreError> {
                self.reorder().await
            }

            async fn claim_lease(
                &self,
                name: &str,
                holder: &[u8; 16],
                now: i64,
                until: i64,
            ) -> Result<bool, StoreError> {
                let done = sqlx::query($crate::store::maintenance::sql::CLAIM_LEASE)
                    .bind(name)
                    .bind(&holder[..])
                    .bind(now)
                    .bind(until)
                    .execute(&self.pool)
                    .await?;
                Ok(done.rows_affected() == 1)
            }

            async fn backup_to(&self, path: &std::path::Path) -> Result<(), StoreError> {
                self.backup(path).await
            }
        }
    };
}

pub(crate) use impl_maintenance_rows;

/// The server host's and the server's own jobs: every desk at once.
#[derive(Clone)]
pub struct Maintenance {
    pub(super) db: Arc<dyn Backend>,
}

impl Maintenance {
    pub(super) fn new(db: Arc<dyn Backend>) -> Self {
        Self { db }
    }

    /// The desk capability for one desk, as the server host acts for it.
    pub fn desk(&self, slug: &DeskSlug) -> DeskStore {
        DeskStore::new(self.db.clone(), slug.clone())
    }

    pub async fn create_desk(
        &self,
        slug: &DeskSlug,
        name: &DeskName,
        recipient: Option<&Recipient>,
        now: i64,
    ) -> Result<(), StoreError> {
        self.db.create_desk(slug, name, recipient, now).await
    }

    pub async fn desks(&self) -> Result<Vec<DeskListing>, StoreError> {
        self.db.desks().await
    }

    pub async fn purge_spent(&self, now: i64) -> Result<u64, StoreError> {
        self.db.purge_spent(now).await
    }

    pub async fn forget_expired(
        &self,
        now: i64,
        idle_since: i64,
        quiet_since: i64,
    ) -> Result<u64, StoreError> {
        self.db.forget_expired(now, idle_since, quiet_since).await
    }

    /// See `MaintenanceRows::purge`.
    pub async fn purge(
        &self,
        desk: &DeskSlug,
        rule: PurgeRule,
        before: i64,
        delete: bool,
    ) -> Result<u64, StoreError> {
        self.db.purge(desk, rule, before, delete).await
    }

    pub async fn expiring_referrals(&self, now: i64) -> Result<u64, StoreError> {
        self.db.expiring_referrals(now).await
    }

    pub async fn expire_referrals(&self, now: i64) -> Result<u64, StoreError> {
        self.db.expire_referrals(now).await
    }

    pub async fn scrub_freed(&self) -> Result<(), StoreError> {
        self.db.scrub_freed().await
    }

    pub async fn forget_arrival_order(&self) -> Result<(), StoreError> {
        self.db.forget_arrival_order().await
    }

    pub async fn claim_lease(
        &self,
        name: &str,
        holder: &[u8; 16],
        now: i64,
        until: i64,
    ) -> Result<bool, StoreError> {
        self.db.claim_lease(name, holder, now, until).await
    }

    pub async fn backup_to(&self, path: &std::path::Path) -> Result<(), StoreError> {
        self.db.backup_to(path).await
    }

    pub async fn claim_webhooks(
        &self,
        now: i64,
        lease_until: i64,
        limit: i64,
    ) -> Result<Vec<WebhookDelivery>, StoreError> {
        self.db.claim_webhooks(now, lease_until, limit).await
    }

    pub async fn webhook_done(&self, referral: &ReferralId) -> Result<(), StoreError> {
        self.db.webhook_done(referral).await
    }

    pub async fn webhook_retry(
        &self,
        referral: &ReferralId,
        next_at: i64,
    ) -> Result<(), StoreError> {
        self.db.webhook_retry(referral, next_at).await
    }

    /// The whole audit log, in order.
    pub async fn audit_rows(&self) -> Result<Vec<AuditRow>, StoreError> {
        self.db.audit_log().await
    }

    /// Appending to the audit log, for what the host's commands and jobs do.
    pub fn audit_log(&self) -> AuditLog {
        AuditLog::new(self.db.clone())
    }
}
