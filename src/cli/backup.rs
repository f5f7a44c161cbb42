//! `resguardo admin backup` and `admin restore` for the embedded SQLite database. A backup holds
//! what the database holds: ciphertext and the metadata SECURITY.md lists, never plaintext or a
//! private key. It is still the reporters' data: the file is created 0600 and should be kept
//! encrypted at rest (docs/operations.md). PostgreSQL is backed up with pg_dump.

use std::path::{Path, PathBuf};
use std::str::FromStr;

use anyhow::Context;
use serde_json::json;
use sha2::{Digest, Sha256};
use sqlx::sqlite::SqliteConnectOptions;
use sqlx::{ConnectOptions, Connection};

use super::serve::open_store;
use crate::config::Settings;
use crate::os::files;

const PG_HINT: &str = "this server uses PostgreSQL: back it up with \
    `pg_dump --format=custom --file=FILE DATABASE` and restore with `pg_restore --dbname=DATABASE FILE` \
    (docs/operations.md, Backups)";

/// What a database file holds, checked by SQLite itself.
struct Contents {
    reports: i64,
    messages: i64,
    bytes: u64,
    sha256: String,
}

pub async fn backup(out: &Path, json: bool) -> anyhow::Result<()> {
    let settings = Settings::load()?;
    sqlite_path(&settings)?;
    if out.exists() {
        anyhow::bail!(
            "{} exists already; a backup is always a new file",
            out.display()
        );
    }
    let store = open_store(&settings).await?;
    // Created 0600 before SQLite writes into it, so the copy is never readable by others.
    files::write_private(out, b"").with_context(|| format!("cannot create {}", out.display()))?;
    eprintln!(
        "Writing a consistent copy of the database to {} …",
        out.display()
    );
    if let Err(e) = store.backup_to(out).await {
        let _ = std::fs::remove_file(out);
        anyhow::bail!("the backup failed (nothing was kept): {e}");
    }
    let contents = inspect(out).await?;
    print("backed up to", out, &contents, json);
    Ok(())
}

pub async fn restore(from: &Path, json: bool) -> anyhow::Result<()> {
    let settings = Settings::load()?;
    let target = sqlite_path(&settings)?;
    for existing in [
        target.clone(),
        with_suffix(&target, "-wal"),
        with_suffix(&target, "-shm"),
    ] {
        if existing.exists() {
            anyhow::bail!(
                "{} exists: stop the server and move the current database (and its -wal and -shm \
                 files) aside first; restore never overwrites a database",
                existing.display()
            );
        }
    }
    let backup = inspect(from)
        .await
        .with_context(|| format!("{} is not a usable Resguardo backup", from.display()))?;
    files::write_private(&target, b"")
        .with_context(|| format!("cannot create {}", target.display()))?;
    eprintln!("Restoring {} to {} …", from.display(), target.display());
    if let Err(e) = copy_into(from, &target).await {
        let _ = std::fs::remove_file(&target);
        return Err(e.context("the restore failed (the new database was removed)"));
    }
    // Opening the store applies the migrations a backup from an older release lacks.
    open_store(&settings).await?;
    let restored = inspect(&target).await?;
    if (restored.reports, restored.messages) != (backup.reports, backup.messages) {
        anyhow::bail!(
            "the restored database holds {} reports and {} messages, the backup {} and {}",
            restored.reports,
            restored.messages,
            backup.reports,
            backup.messages
        );
    }
    print("restored from", from, &restored, json);
    Ok(())
}

/// The configured SQLite file, or why there is none.
fn sqlite_path(settings: &Settings) -> anyhow::Result<PathBuf> {
    if !settings.database.url.starts_with("sqlite:") {
        anyhow::bail!("{PG_HINT}");
    }
    let options = SqliteConnectOptions::from_str(&settings.database.url)
        .context("database.url is not a SQLite URL")?;
    Ok(options.get_filename().to_path_buf())
}

fn with_suffix(path: &Path, suffix: &str) -> PathBuf {
    let mut name = path.as_os_str().to_owned();
    name.push(suffix);
    PathBuf::from(name)
}

fn read_only(path: &Path) -> SqliteConnectOptions {
    SqliteConnectOptions::new()
        .filename(path)
        .read_only(true)
        .disable_statement_logging()
}

/// Opens a database file read-only and checks it: SQLite's integrity check, Resguardo's
/// migration table, and the rows that matter most.
async fn inspect(path: &Path) -> anyhow::Result<Contents> {
    let mut conn = sqlx::SqliteConnection::connect_with(&read_only(path))
        .await
        .with_context(|| format!("cannot open {}", path.display()))?;
    let (check,): (String,) = sqlx::query_as("PRAGMA integrity_check")
        .fetch_one(&mut conn)
        .await
        .context("not a SQLite database")?;
    if check != "ok" {
        anyhow::bail!("SQLite's integrity check failed: {check}");
    }
    let (migrated,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM _sqlx_migrations WHERE success")
        .fetch_one(&mut conn)
        .await
        .context("not a Resguardo database (no migration history)")?;
    if migrated == 0 {
        anyhow::bail!("not a Resguardo database (no migration applied)");
    }
    let (reports,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM reports")
        .fetch_one(&mut conn)
        .await?;
    let (messages,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM messages")
        .fetch_one(&mut conn)
        .await?;
    conn.close().await?;
    // Streamed: a database may be larger than the memory to spare.
    let mut hasher = Sha256::new();
    let bytes = std::io::copy(&mut std::fs::File::open(path)?, &mut hasher)?;
    let sha256 = crate::domain::hex(&hasher.finalize());
    Ok(Contents {
        reports,
        messages,
        bytes,
        sha256,
    })
}

/// Copies a backup into the (empty, 0600) target file with SQLite's own `VACUUM INTO`.
async fn copy_into(from: &Path, target: &Path) -> anyhow::Result<()> {
    let mut conn = sqlx::SqliteConnection::connect_with(&read_only(from)).await?;
    let target = target.to_str().context("the database path is not UTF-8")?;
    sqlx::query("VACUUM INTO $1")
        .bind(target)
        .execute(&mut conn)
        .await?;
    conn.close().await?;
    Ok(())
}

fn print(what: &str, path: &Path, c: &Contents, json: bool) {
    if json {
        super::print_json(&json!({
            "file": path.display().to_string(), "reports": c.reports, "messages": c.messages,
            "bytes": c.bytes, "sha256": c.sha256,
        }));
    } else {
        println!(
            "Database {what} {}: {} reports, {} messages, {} bytes, integrity ok.",
            path.display(),
            c.reports,
            c.messages,
            c.bytes
        );
        println!("SHA-256 {}", c.sha256);
    }
}
