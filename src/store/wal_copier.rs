//! SQLite's write-ahead log copied into the database file off the group commit's path.
//!
//! SQLite copies the log into the database file (a checkpoint) on the connection whose commit
//! made the log long enough: with group commit that is the one connection every report waits
//! for, so each thousandth page written stalled intake while about four megabytes were read back
//! and written again (BENCHMARKS.md, "Fewer pages and round trips per report"). Here the
//! group-commit connection never checkpoints; after a batch (at most every `COPY_INTERVAL`) a
//! second connection, on its own thread, copies what the log holds (PASSIVE: it never blocks a
//! writer) while the next batch runs.
//!
//! A log is only started over by a write that begins when all of it was copied. Under a constant
//! stream of batches the copier never quite catches up, so once the log is longer than
//! `RESTART_BYTES` the next batch waits for a last copy before it begins, and the log starts
//! over: its length stays bounded as with SQLite's own checkpoints. The log's file tells its
//! length: every connection's `journal_size_limit` cuts the file back to `RESTART_BYTES` at the
//! first commit after a restart, so the file is longer only while the log is.

use std::path::PathBuf;
use std::sync::Arc;
use std::time::{Duration, Instant};

use sqlx::sqlite::SqliteConnectOptions;
use sqlx::SqliteConnection;
use tokio::sync::Mutex;

/// Log length past which the next batch waits for the log to be copied and started over: 16 MiB,
/// four times SQLite's own default of a thousand 4 KiB pages.
const RESTART_BYTES: u64 = 16 << 20;
/// Copies start at most this often. A page changed by many batches (an index's inner pages, a
/// leaf that several reports land in) is copied once per copy, so copying after every batch cost
/// more than it saved (BENCHMARKS.md); at intake's peak a copy takes a couple of thousand pages,
/// about what SQLite's own checkpoint takes.
const COPY_INTERVAL: Duration = Duration::from_millis(50);

pub struct WalCopier {
    connection: Arc<Mutex<SqliteConnection>>,
    /// The log's file, `<database>-wal`.
    log: PathBuf,
    /// When the last copy started.
    last_copy: std::sync::Mutex<Instant>,
}

impl WalCopier {
    /// Every connection's settings: the log file is cut back to `RESTART_BYTES` when the log
    /// starts over, whichever connection started it over.
    pub fn limit_log(options: SqliteConnectOptions) -> SqliteConnectOptions {
        options.pragma("journal_size_limit", RESTART_BYTES.to_string())
    }

    /// The settings of the connection whose commits this copies: it never checkpoints itself.
    /// The pool's connections keep SQLite's automatic checkpoints: their writes (sign-ins, the
    /// audit log) are few, and when no report arrives nothing else would copy them.
    pub fn writer_options(options: &SqliteConnectOptions) -> SqliteConnectOptions {
        options.clone().pragma("wal_autocheckpoint", "0")
    }

    /// A copier of the log of the database `options` open, on a connection of its own. The
    /// options are the pool's: with `synchronous=FULL` a copy syncs the database file before the
    /// log may start over, so nothing committed is ever only in a log that is being overwritten.
    pub async fn open(options: &SqliteConnectOptions) -> Result<Self, sqlx::Error> {
        let mut connection: SqliteConnection = sqlx::Connection::connect_with(options).await?;
        // The log is named after the database's path as SQLite resolved it (a symbolic link
        // followed), which is not always the configured one.
        let (file,): (String,) =
            sqlx::query_as("SELECT file FROM pragma_database_list WHERE name = 'main'")
                .fetch_one(&mut connection)
                .await?;
        Ok(Self {
            connection: Arc::new(Mutex::new(connection)),
            log: PathBuf::from(file + "-wal"),
            last_copy: std::sync::Mutex::new(Instant::now()),
        })
    }

    /// After a batch committed: starts a copy, unless one is running or started less than
    /// `COPY_INTERVAL` ago (a later batch's will take these pages).
    pub fn after_commit(&self) {
        let Ok(mut last_copy) = self.last_copy.lock() else {
            return;
        };
        if last_copy.elapsed() < COPY_INTERVAL {
            return;
        }
        let Ok(mut connection) = self.connection.clone().try_lock_owned() else {
            return;
        };
        *last_copy = Instant::now();
        tokio::spawn(async move { copy(&mut connection).await });
    }

    /// Before a batch begins: when the log has grown long, waits for any copy running and copies
    /// the rest, so that the batch's first write starts the log over.
    pub async fn before_batch(&self) {
        // No file yet: nothing was written since the database was opened.
        let length = std::fs::metadata(&self.log).map_or(0, |m| m.len());
        if length <= RESTART_BYTES {
            return;
        }
        copy(&mut *self.connection.lock().await).await;
    }
}

/// One PASSIVE checkpoint. A failed copy is logged and loses nothing: the log keeps every
/// committed page until a later copy succeeds.
async fn copy(connection: &mut SqliteConnection) {
    let copied = sqlx::query("PRAGMA wal_checkpoint(PASSIVE)")
        .execute(connection)
        .await;
    if let Err(e) = copied {
        tracing::warn!(error = %e, "copying the write-ahead log into the database failed");
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqliteSynchronous};
    use sqlx::Connection;

    /// A stream of commits from a connection that never checkpoints, as the group commit's: with
    /// the copier around each, the log is started over once past its bound instead of growing
    /// with the stream, and nothing committed is lost.
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn a_stream_of_commits_keeps_the_log_bounded() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("stream.db");
        // Durability is not what this test is about: no fsync, so the stream is fast.
        let options = SqliteConnectOptions::new()
            .filename(&path)
            .create_if_missing(true)
            .journal_mode(SqliteJournalMode::Wal)
            .synchronous(SqliteSynchronous::Off);
        let options = WalCopier::limit_log(options);
        let mut writer = SqliteConnection::connect_with(&WalCopier::writer_options(&options))
            .await
            .unwrap();
        sqlx::query("CREATE TABLE t (id INTEGER PRIMARY KEY, b BLOB)")
            .execute(&mut writer)
            .await
            .unwrap();
        let copier = WalCopier::open(&options).await.unwrap();
        // Each commit writes at least one page of its own: three times the bound in all.
        let commits = 3 * RESTART_BYTES / 4096;
        let log = dir.path().join("stream.db-wal");
        let mut largest = 0;
        for _ in 0..commits {
            copier.before_batch().await;
            sqlx::query("INSERT INTO t (b) VALUES (zeroblob(4000))")
                .execute(&mut writer)
                .await
                .unwrap();
            copier.after_commit();
            largest = largest.max(std::fs::metadata(&log).map_or(0, |m| m.len()));
        }
        // Past the bound by at most the one commit that crossed it.
        assert!(
            largest <= RESTART_BYTES + 4 * (4096 + 24),
            "the log grew to {largest} bytes over {commits} commits"
        );
        let (rows,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM t")
            .fetch_one(&mut writer)
            .await
            .unwrap();
        assert_eq!(rows as u64, commits);
    }
}
