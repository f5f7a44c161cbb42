//! The embedded backend. Durability and forensics settings are not optional here: WAL with
//! `synchronous=FULL` so a report acknowledged with 201 survives power loss, `secure_delete` so
//! deleted rows are overwritten, temporary data kept in memory (never a file in /var/tmp), and
//! the database file created with mode 0600.

use std::path::Path;
use std::str::FromStr;
use std::sync::atomic::Ordering;

use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};
use sqlx::{Connection, SqliteConnection, SqlitePool};

use super::intake::{Bracket, StoredReports};
use super::sql;
use super::wal_copier::WalCopier;
use super::*;

pub struct SqliteStore {
    pool: SqlitePool,
    /// The connection group commits run on, kept apart from the pool. A connection drops its page
    /// cache whenever another connection has written, so batches that took whichever pooled
    /// connection was free re-read the pages they change at every commit; on the one connection
    /// that writes every batch, the cache stays warm (BENCHMARKS.md: about 20 µs of server CPU a
    /// report).
    batch_writer: tokio::sync::Mutex<SqliteConnection>,
    /// For a new `batch_writer` after a failed commit: the pool's, without automatic checkpoints.
    batch_options: SqliteConnectOptions,
    /// Checkpoints on a connection of their own, after batches (see `wal_copier`).
    wal: WalCopier,
    /// Set while a batch runs on `batch_writer`. Still set when the next batch takes the
    /// connection, the last one was dropped halfway (its request's time limit, with group commit
    /// off) and may have left open the transaction its statements began: it is rolled back.
    batch_running: std::sync::atomic::AtomicBool,
}

impl SqliteStore {
    /// A batch of reports opens its transaction in its first statement and commits it in its
    /// last: two round trips to the connection's thread instead of four.
    const BATCH_BRACKET: Option<Bracket> = Some(Bracket {
        open: "BEGIN IMMEDIATE; ",
        close: "; COMMIT",
    });

    pub async fn open(url: &str, max_connections: u32) -> Result<Self, StoreError> {
        let options = SqliteConnectOptions::from_str(url)?
            .create_if_missing(true)
            .journal_mode(SqliteJournalMode::Wal)
            .synchronous(SqliteSynchronous::Full)
            .foreign_keys(true)
            .busy_timeout(std::time::Duration::from_secs(10))
            .pragma("secure_delete", "ON")
            .pragma("auto_vacuum", "FULL")
            .pragma("trusted_schema", "OFF")
            // A multi-row INSERT keeps a statement journal in case a row must be rolled back;
            // on disk that is a temporary file written (pwrite) for every page a batch changes,
            // about a tenth of intake's server CPU. In memory it costs no system call and
            // leaves no file behind; durability is the WAL's, unchanged.
            .pragma("temp_store", "MEMORY");
        let options = WalCopier::limit_log(options);
        create_private_file(options.get_filename())?;
        let pool = SqlitePoolOptions::new()
            .max_connections(max_connections)
            .connect_with(options.clone())
            .await?;
        check_durability(&pool).await?;
        sqlx::migrate!("migrations/sqlite").run(&pool).await?;
        let batch_options = WalCopier::writer_options(&options);
        let batch_writer =
            tokio::sync::Mutex::new(SqliteConnection::connect_with(&batch_options).await?);
        let wal = WalCopier::open(&options).await?;
        Ok(Self {
            pool,
            batch_writer,
            batch_options,
            wal,
            batch_running: std::sync::atomic::AtomicBool::new(false),
        })
    }

    /// The connection for group commits (see `batch_writer`).
    async fn batch_connection(
        &self,
    ) -> Result<tokio::sync::MutexGuard<'_, SqliteConnection>, sqlx::Error> {
        let mut connection = self.batch_writer.lock().await;
        if self.batch_running.swap(true, Ordering::AcqRel) {
            // Fails harmlessly when SQLite had nothing open.
            let _ = sqlx::query("ROLLBACK").execute(&mut *connection).await;
        }
        self.wal.before_batch().await;
        Ok(connection)
    }

    /// After a group commit: the log is copied into the database off the commit's path.
    fn after_batch(&self) {
        self.batch_running.store(false, Ordering::Release);
        self.wal.after_commit();
    }

    /// After a failed group commit: a new connection for the next. SQLite may already have rolled
    /// the transaction back itself (a full disk during COMMIT does), and then the rollback queued
    /// on the connection fails at its next use, and so would every batch after it. A pool closes
    /// such a connection; this one is replaced (or kept, if no new one can be opened now).
    async fn after_failed_batch(&self, connection: &mut SqliteConnection) {
        self.batch_running.store(false, Ordering::Release);
        match SqliteConnection::connect_with(&self.batch_options).await {
            Ok(fresh) => *connection = fresh,
            Err(e) => {
                tracing::warn!(error = %e, "the group-commit connection could not be reopened")
            }
        }
    }

    /// A write transaction on the group-commit connection, taking the write lock up front.
    async fn begin_batch(
        connection: &mut SqliteConnection,
    ) -> Result<sqlx::Transaction<'_, sqlx::Sqlite>, sqlx::Error> {
        connection.begin_with("BEGIN IMMEDIATE").await
    }

    /// Begins a write transaction holding the write lock from its first statement. A deferred
    /// transaction that reads and then writes (the audit append, say) cannot wait for a writer
    /// that committed after its read: SQLite fails it at once with `SQLITE_BUSY_SNAPSHOT` (517),
    /// whatever the busy timeout. Taken up front, the lock is waited for instead (busy_timeout).
    async fn begin_write(&self) -> Result<sqlx::Transaction<'static, sqlx::Sqlite>, sqlx::Error> {
        self.pool.begin_with("BEGIN IMMEDIATE").await
    }

    /// After deletes: `secure_delete` has zeroed the freed content in the pages written, but the
    /// write-ahead log still holds older copies of those pages. A TRUNCATE checkpoint copies the
    /// log into the database and cuts the log file to zero bytes. It waits for readers that hold
    /// old snapshots, so it is retried a few times before giving up.
    async fn scrub(&self) -> Result<(), StoreError> {
        for _ in 0..50 {
            let (busy, _, _): (i64, i64, i64) = sqlx::query_as("PRAGMA wal_checkpoint(TRUNCATE)")
                .fetch_one(&self.pool)
                .await?;
            if busy == 0 {
                return Ok(());
            }
            tokio::time::sleep(std::time::Duration::from_millis(100)).await;
        }
        Err(StoreError::Unavailable(
            "the write-ahead log could not be truncated: readers kept it busy".into(),
        ))
    }

    /// Nothing to do: case tables are `WITHOUT ROWID`, kept in the order of their random keys,
    /// and SQLite records no transaction ids in rows.
    async fn reorder(&self) -> Result<(), StoreError> {
        Ok(())
    }

    /// A consistent copy of the whole database into a new file at `path`, while the server runs
    /// (`VACUUM INTO`: only live rows, so nothing deleted travels into the copy).
    async fn backup(&self, path: &Path) -> Result<(), StoreError> {
        let target = path
            .to_str()
            .ok_or_else(|| StoreError::Unavailable("the backup path is not UTF-8".into()))?;
        sqlx::query("VACUUM INTO $1")
            .bind(target)
            .execute(&self.pool)
            .await?;
        Ok(())
    }
}

/// Creates the database file (and its directory) with owner-only permissions before SQLite does;
/// SQLite gives the `-wal` and `-shm` files the same permissions as the database. An existing
/// file that others can read is refused.
fn create_private_file(path: &Path) -> Result<(), StoreError> {
    if path.as_os_str().is_empty() || path.to_string_lossy().contains(":memory:") {
        return Ok(());
    }
    if path.exists() {
        return crate::os::files::check_private(path)
            .map_err(|e| StoreError::Unavailable(e.to_string()));
    }
    crate::os::files::write_private(path, b"")
        .map_err(|e| StoreError::Unavailable(format!("cannot create {}: {e}", path.display())))
}

/// Refuses to run with settings that could lose acknowledged reports.
async fn check_durability(pool: &SqlitePool) -> Result<(), StoreError> {
    let (mode,): (String,) = sqlx::query_as("PRAGMA journal_mode")
        .fetch_one(pool)
        .await?;
    let (sync,): (i64,) = sqlx::query_as("PRAGMA synchronous").fetch_one(pool).await?;
    if !mode.eq_ignore_ascii_case("wal") || sync < 2 {
        return Err(StoreError::Unavailable(format!(
            "SQLite must run in WAL mode with synchronous=FULL (found journal_mode={mode}, synchronous={sync})"
        )));
    }
    Ok(())
}

crate::store::intake::impl_intake_rows!(SqliteStore, sqlx::Sqlite);
crate::store::accounts::impl_account_rows!(SqliteStore, sqlx::Sqlite);
crate::store::desk_keys::impl_desk_key_rows!(SqliteStore, sqlx::Sqlite);
crate::store::cases::impl_case_rows!(SqliteStore, sqlx::Sqlite);
crate::store::directory::impl_directory_rows!(SqliteStore, sqlx::Sqlite);
crate::store::partners::impl_partner_rows!(SqliteStore, sqlx::Sqlite);
crate::store::maintenance::impl_maintenance_rows!(SqliteStore, sqlx::Sqlite);
crate::store::audit::impl_audit_rows!(SqliteStore, sqlx::Sqlite);
crate::store::checkpoints::impl_checkpoint_rows!(SqliteStore, sqlx::Sqlite);
crate::store::links::impl_link_rows!(SqliteStore, sqlx::Sqlite);
crate::store::attachments::impl_attachment_rows!(SqliteStore, sqlx::Sqlite);
