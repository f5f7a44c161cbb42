//! The production backend. Start-up refuses a server that could lose acknowledged reports:
//! `fsync`, `synchronous_commit` and `full_page_writes` must be on (with `synchronous_commit=off`,
//! up to three times `wal_writer_delay` of committed transactions vanish in a crash; without full
//! page writes a torn page can corrupt them).

use sqlx::postgres::PgPoolOptions;
use sqlx::PgPool;

use super::intake::{Bracket, StoredReports};
use super::sql;
use super::*;

/// The tables whose rows belong to cases or reveal reporters' activity, each with a column that
/// a no-op update rewrites: set to its own value, which no index sees change (PostgreSQL
/// compares the values), also where the column is part of a key (`referral_attachments`, which
/// has no other column, and `spent_challenges`).
const REORDERED: [(&str, &str); 8] = [
    ("reports", "key_version"),
    ("attachments", "created_at"),
    ("messages", "created_at"),
    ("notes", "created_at"),
    ("referrals", "created_at"),
    ("referral_updates", "created_at"),
    ("referral_attachments", "referral_id"),
    ("spent_challenges", "expires_at"),
];

pub struct PgStore {
    pool: PgPool,
}

impl PgStore {
    /// A prepared statement is one statement: the transaction is sqlx's.
    const BATCH_BRACKET: Option<Bracket> = None;

    pub async fn open(url: &str, max_connections: u32) -> Result<Self, StoreError> {
        let pool = PgPoolOptions::new()
            .max_connections(max_connections)
            .acquire_timeout(std::time::Duration::from_secs(10))
            .connect(url)
            .await?;
        check_durability(&pool).await?;
        sqlx::migrate!("migrations/postgres").run(&pool).await?;
        Ok(Self { pool })
    }

    /// Begins a write transaction (row locks and unique constraints do the rest on PostgreSQL).
    async fn begin_write(&self) -> Result<sqlx::Transaction<'static, sqlx::Postgres>, sqlx::Error> {
        self.pool.begin().await
    }

    /// The connection for a group commit: any pooled one (PostgreSQL keeps its page cache in the
    /// server, shared by every connection).
    async fn batch_connection(
        &self,
    ) -> Result<sqlx::pool::PoolConnection<sqlx::Postgres>, sqlx::Error> {
        self.pool.acquire().await
    }

    /// Nothing to do after a failed group commit: the pool discards a connection whose rollback
    /// fails.
    async fn after_failed_batch(&self, _connection: &mut sqlx::PgConnection) {}

    /// Nothing to do after a group commit: PostgreSQL's checkpointer is a process of its own.
    fn after_batch(&self) {}

    async fn begin_batch(
        connection: &mut sqlx::PgConnection,
    ) -> Result<sqlx::Transaction<'_, sqlx::Postgres>, sqlx::Error> {
        sqlx::Connection::begin(connection).await
    }

    /// After deletes: PostgreSQL leaves deleted rows in its table files until they are reused,
    /// and a plain VACUUM only marks them reusable. VACUUM FULL writes the live rows of the tables
    /// that purges touch into new files (with their TOAST data) and removes the old files. It
    /// locks those tables while it runs: short on a desk's database, and purges run hourly.
    /// The write-ahead log and any base backups still hold the rows until they are recycled
    /// (docs/operations.md says what that means for operators).
    async fn scrub(&self) -> Result<(), StoreError> {
        sqlx::query(
            "VACUUM FULL reports, messages, notes, referrals, referral_updates, webhook_deliveries, \
             attachments, referral_attachments",
        )
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    /// Rewrites every case table so that neither transaction ids nor physical positions tell when
    /// (or in which order) its rows arrived: one transaction rewrites every row in place, so all
    /// carry that transaction's id, then CLUSTER writes each table anew in the order of its
    /// primary key — random ids — leaving no dead copy with the old ids behind. Between two runs
    /// (`retention.interval_secs`) new rows still carry their own; SECURITY.md says so.
    async fn reorder(&self) -> Result<(), StoreError> {
        let mut tx = self.pool.begin().await?;
        for (table, column) in REORDERED {
            sqlx::query(&format!("UPDATE {table} SET {column} = {column}"))
                .execute(&mut *tx)
                .await?;
        }
        tx.commit().await?;
        for (table, _) in REORDERED {
            sqlx::query(&format!("CLUSTER {table} USING {table}_pkey"))
                .execute(&self.pool)
                .await?;
        }
        Ok(())
    }

    async fn backup(&self, _path: &std::path::Path) -> Result<(), StoreError> {
        Err(StoreError::Unsupported(
            "backups of PostgreSQL are taken with pg_dump (docs/operations.md)",
        ))
    }
}

async fn check_durability(pool: &PgPool) -> Result<(), StoreError> {
    let (fsync,): (String,) = sqlx::query_as("SHOW fsync").fetch_one(pool).await?;
    let (commit,): (String,) = sqlx::query_as("SHOW synchronous_commit")
        .fetch_one(pool)
        .await?;
    let (pages,): (String,) = sqlx::query_as("SHOW full_page_writes")
        .fetch_one(pool)
        .await?;
    if fsync != "on" || commit == "off" || pages != "on" {
        return Err(StoreError::Unavailable(format!(
            "PostgreSQL must run with fsync, synchronous_commit and full_page_writes on \
             (found fsync={fsync}, synchronous_commit={commit}, full_page_writes={pages})"
        )));
    }
    Ok(())
}

crate::store::intake::impl_intake_rows!(PgStore, sqlx::Postgres);
crate::store::accounts::impl_account_rows!(PgStore, sqlx::Postgres);
crate::store::desk_keys::impl_desk_key_rows!(PgStore, sqlx::Postgres);
crate::store::cases::impl_case_rows!(PgStore, sqlx::Postgres);
crate::store::directory::impl_directory_rows!(PgStore, sqlx::Postgres);
crate::store::partners::impl_partner_rows!(PgStore, sqlx::Postgres);
crate::store::maintenance::impl_maintenance_rows!(PgStore, sqlx::Postgres);
crate::store::audit::impl_audit_rows!(PgStore, sqlx::Postgres);
crate::store::checkpoints::impl_checkpoint_rows!(PgStore, sqlx::Postgres);
crate::store::links::impl_link_rows!(PgStore, sqlx::Postgres);
crate::store::attachments::impl_attachment_rows!(PgStore, sqlx::Postgres);
