//! Upkeep of the stored data: desks' retention policies, the deletion of cases a policy says are
//! due, and backups. The `MaintenanceStore` part of the store, stamped out for both backends
//! like the others.
//!
//! Deleting a report cascades to its thread, notes, referrals and their answers. A delete alone
//! leaves bytes behind, so each backend then scrubs what it freed (`scrub_freed`): SQLite has
//! overwritten the freed pages already (`secure_delete`) and folds the write-ahead log back into
//! the database, truncating it; PostgreSQL rewrites the affected tables (`VACUUM FULL`), since
//! plain deletes and plain vacuums leave dead rows in its files.

use crate::domain::{Days, DeskSlug, PurgeRule, RetentionPolicy};

use super::StoreError;

#[async_trait::async_trait]
pub trait MaintenanceStore {
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

/// The one `MaintenanceStore` implementation, for each backend's pool type.
macro_rules! impl_maintenance_store {
    ($store:ident) => {
        #[async_trait::async_trait]
        impl $crate::store::maintenance::MaintenanceStore for $store {
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

pub(crate) use impl_maintenance_store;
