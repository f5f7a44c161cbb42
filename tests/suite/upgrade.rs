//! Upgrades: migrations only ever go forward, both backends have the same ones, and a database
//! with data in it, left at the previous release's schema (every migration before the newest),
//! upgrades in place when the new server opens it, with nothing lost.

use std::borrow::Cow;
use std::path::Path;

use resguardo::domain::{DeskSlug, ReportId};
use sqlx::migrate::Migrator;

use crate::harness::{fresh_pg_database, Backend};

crate::on_both_backends!(previous_schema_with_data_upgrades);

fn migration_names(backend: &str) -> Vec<String> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("migrations")
        .join(backend);
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

#[test]
fn migrations_go_forward_only_and_match_across_backends() {
    let sqlite = migration_names("sqlite");
    assert_eq!(sqlite, migration_names("postgres"));
    for name in &sqlite {
        assert!(
            name.ends_with(".sql") && !name.ends_with(".down.sql") && !name.ends_with(".up.sql"),
            "{name}: migrations are plain, forward-only files"
        );
    }
}

/// The previous release's migrations: all but the newest.
async fn previous(backend: &str) -> Migrator {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("migrations")
        .join(backend);
    let mut migrator = Migrator::new(dir).await.unwrap();
    let all = migrator.migrations.to_vec();
    migrator.migrations = Cow::Owned(all[..all.len() - 1].to_vec());
    migrator
}

/// Data as the previous release wrote it, in its own SQL.
const OLD_ROWS: [&str; 4] = [
    "INSERT INTO desks (slug, name, created_at) VALUES ('gt', 'Mesa', 3600)",
    "INSERT INTO desk_keys (desk_slug, version, recipient, created_at) VALUES ('gt', 1, $1, 3600)",
    "INSERT INTO reports (id, desk_slug, key_version, ciphertext, lookup, verifier, \
     reply_recipient, status, created_at, updated_at) \
     VALUES ($2, 'gt', 1, $3, $4, $5, $1, 'closed', 3600, 7200)",
    "INSERT INTO messages (report_id, seq, author, ciphertext, created_at) \
     VALUES ($2, 1, 'reporter', $3, 7200)",
];

/// Brings a pool of either backend to the previous schema and writes `OLD_ROWS` with the same
/// binds, each statement taking the ones it names.
macro_rules! previous_release_with_data {
    ($pool:expr, $backend:literal, $recipient:expr, $id:expr, $ciphertext:expr) => {{
        previous($backend).await.run(&$pool).await.unwrap();
        for (i, sql) in OLD_ROWS.iter().enumerate() {
            let query = match i {
                0 => sqlx::query(sql),
                1 => sqlx::query(sql).bind($recipient),
                2 => sqlx::query(sql)
                    .bind($recipient)
                    .bind($id)
                    .bind($ciphertext)
                    .bind(&[1u8; 16][..])
                    .bind(&[2u8; 32][..]),
                _ => sqlx::query(sql)
                    .bind($recipient)
                    .bind($id)
                    .bind($ciphertext),
            };
            query.execute(&$pool).await.unwrap();
        }
        $pool.close().await;
    }};
}

async fn previous_schema_with_data_upgrades(backend: Backend) {
    let dir = tempfile::tempdir().unwrap();
    let id = ReportId::random();
    let key = age::x25519::Identity::generate().to_public().to_string();
    let ciphertext = b"ciphertext as stored: the store never looks inside".to_vec();
    let (key, id_bytes) = (key.as_str(), &id.as_bytes()[..]);
    let url = match backend {
        Backend::Sqlite => {
            let file = dir.path().join("old.db");
            // Created owner-only, as the server creates its own (it refuses a looser file).
            std::os::unix::fs::OpenOptionsExt::mode(
                std::fs::OpenOptions::new().write(true).create_new(true),
                0o600,
            )
            .open(&file)
            .unwrap();
            let url = format!("sqlite://{}", file.display());
            let pool = sqlx::SqlitePool::connect(&url).await.unwrap();
            previous_release_with_data!(pool, "sqlite", key, id_bytes, &ciphertext[..]);
            url
        }
        Backend::Postgres => {
            let Some(url) = fresh_pg_database().await else {
                return;
            };
            let pool = sqlx::PgPool::connect(&url).await.unwrap();
            previous_release_with_data!(pool, "postgres", key, id_bytes, &ciphertext[..]);
            url
        }
    };
    // The new release opens it: the newest migration runs, the old rows read back unchanged.
    let store = resguardo::store::open(&url, 2).await.unwrap();
    let report = crate::harness::find_report(&store, &id)
        .await
        .expect("the report survived");
    assert_eq!(report.ciphertext.as_bytes(), &ciphertext[..]);
    assert_eq!(report.status, resguardo::domain::Status::Closed);
    let thread = crate::harness::find_thread(&store, &id).await;
    assert_eq!(thread.len(), 1);
    assert_eq!(thread[0].ciphertext.as_bytes(), &ciphertext[..]);
    // And what the newest migration added works on the upgraded data.
    let gt = DeskSlug::parse("gt").unwrap();
    assert!(store.desk(&gt).retention().await.unwrap().is_none());
    let settings_default = resguardo::domain::Days::parse(1).unwrap();
    let policy = resguardo::domain::RetentionPolicy {
        closed_days: settings_default,
        spam_days: settings_default,
        untriaged_days: settings_default,
    };
    store.desk(&gt).set_retention(&policy, 0).await.unwrap();
    assert_eq!(store.desk(&gt).retention().await.unwrap(), Some(policy));
    // Opening again applies nothing twice.
    drop(store);
    resguardo::store::open(&url, 2).await.unwrap();
}
