//! Backups: `admin backup` while the server runs, the database wiped, `admin restore`, and every
//! report and thread is back byte for byte (SQLite); pg_dump and pg_restore do the same for
//! PostgreSQL, as docs/operations.md describes. The commands refuse what would lose data.

use std::os::unix::fs::PermissionsExt;
use std::process::{Command, Output};

use resguardo::domain::{ReportId, Status};
use resguardo::store::Database;

use crate::harness::{pg_admin_url, Backend, TestServer};
use crate::retention::old_case;

type Snapshot = Vec<(ReportId, Vec<u8>, Vec<Vec<u8>>)>;

/// Ten cases of two desks with their threads, as the store returns them.
async fn fill(server: &TestServer) -> Snapshot {
    let gt = server.create_desk("gt").to_public();
    let hn = server.create_desk("hn").to_public();
    let store = server.store().await;
    let mut ids = vec![];
    for i in 0..10 {
        let (desk, key) = if i % 2 == 0 { ("gt", &gt) } else { ("hn", &hn) };
        ids.push(old_case(&store, desk, key, Status::InReview, 1).await.0);
    }
    snapshot(&store, &ids).await
}

async fn snapshot(store: &Database, ids: &[ReportId]) -> Snapshot {
    let mut cases = vec![];
    for id in ids {
        let report = crate::harness::find_report(store, id)
            .await
            .expect("report present");
        let thread = crate::harness::find_thread(store, id).await;
        cases.push((
            *id,
            report.ciphertext.as_bytes().to_vec(),
            thread
                .iter()
                .map(|m| m.ciphertext.as_bytes().to_vec())
                .collect(),
        ));
    }
    cases
}

fn ids(cases: &Snapshot) -> Vec<ReportId> {
    cases.iter().map(|c| c.0).collect()
}

fn ok(what: &str, out: &Output) -> String {
    assert!(
        out.status.success(),
        "{what}: {}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

fn refused(what: &str, out: &Output, says: &str) {
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success(), "{what} should have been refused");
    assert!(stderr.contains(says), "{what}: {stderr}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sqlite_backup_and_restore_round_trip() {
    let Some(mut server) = TestServer::start(Backend::Sqlite).await else {
        return;
    };
    let before = fill(&server).await;
    let file = server.dir.path().join("backups/resguardo-backup.db");
    let file_arg = file.to_str().unwrap();
    // While the server runs.
    let out = server
        .command()
        .args(["admin", "backup", "--json", "--out", file_arg])
        .output()
        .unwrap();
    let written: serde_json::Value = serde_json::from_str(&ok("admin backup", &out)).unwrap();
    crate::docs::assert_cli_shape("admin backup", &written);
    assert_eq!(written["reports"], 10);
    assert_eq!(written["messages"], 10);
    let mode = std::fs::metadata(&file).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode, 0o600, "the backup is readable by others");
    let again = server
        .command()
        .args(["admin", "backup", "--out", file_arg])
        .output()
        .unwrap();
    refused("a backup over an existing file", &again, "exists already");

    // Restore refuses to overwrite the live database.
    let over = server
        .command()
        .args(["admin", "restore", "--from", file_arg])
        .output()
        .unwrap();
    refused(
        "a restore over the database",
        &over,
        "move the current database",
    );

    // Wipe, restore, restart: everything is back.
    server.stop();
    for suffix in ["", "-wal", "-shm"] {
        let path = server.data_dir().join(format!("resguardo.db{suffix}"));
        let _ = std::fs::remove_file(path);
    }
    let out = server
        .command()
        .args(["admin", "restore", "--json", "--from", file_arg])
        .output()
        .unwrap();
    let restored: serde_json::Value = serde_json::from_str(&ok("admin restore", &out)).unwrap();
    crate::docs::assert_cli_shape("admin restore", &restored);
    assert_eq!(
        (restored["reports"].as_u64(), restored["messages"].as_u64()),
        (Some(10), Some(10))
    );
    let mode = std::fs::metadata(server.data_dir().join("resguardo.db"))
        .unwrap()
        .permissions()
        .mode();
    assert_eq!(mode & 0o777, 0o600);
    server.restart();
    let after = snapshot(&server.store().await, &ids(&before)).await;
    assert!(
        after == before,
        "a report or thread changed in the round trip"
    );
    assert_eq!(server.client().desk("gt").await.unwrap().slug, "gt");

    // Not a backup: refused, nothing created.
    server.stop();
    std::fs::rename(
        server.data_dir().join("resguardo.db"),
        server.dir.path().join("moved.db"),
    )
    .unwrap();
    for suffix in ["-wal", "-shm"] {
        let _ = std::fs::remove_file(server.data_dir().join(format!("resguardo.db{suffix}")));
    }
    let junk = server.dir.path().join("junk.db");
    std::fs::write(&junk, b"not a database at all").unwrap();
    let out = server
        .command()
        .args(["admin", "restore", "--from", junk.to_str().unwrap()])
        .output()
        .unwrap();
    refused("a restore from junk", &out, "not a usable Resguardo backup");
    assert!(!server.data_dir().join("resguardo.db").exists());
}

/// PostgreSQL: pg_dump while the server runs, the database dropped and made again, pg_restore.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn postgres_backup_with_pg_dump_round_trip() {
    let Some(mut server) = TestServer::start(Backend::Postgres).await else {
        return;
    };
    let before = fill(&server).await;
    // The admin command points PostgreSQL users to pg_dump.
    let out = server
        .command()
        .args(["admin", "backup", "--out", "x.db"])
        .output()
        .unwrap();
    refused("admin backup on PostgreSQL", &out, "pg_dump");

    let dump = server.dir.path().join("resguardo.pgdump");
    let out = Command::new("pg_dump")
        .args(["--format=custom", "--no-owner", "--file"])
        .arg(&dump)
        .arg(&server.db_url)
        .output()
        .unwrap();
    ok("pg_dump", &out);
    server.stop();
    let database = server.db_url.rsplit('/').next().unwrap().to_owned();
    let admin = pg_admin_url();
    for sql in [
        format!("DROP DATABASE {database}"),
        format!("CREATE DATABASE {database}"),
    ] {
        let out = Command::new("psql")
            .args([admin.as_str(), "-v", "ON_ERROR_STOP=1", "-c", sql.as_str()])
            .output()
            .unwrap();
        ok(&sql, &out);
    }
    let out = Command::new("pg_restore")
        .args([
            "--no-owner",
            "--exit-on-error",
            "--dbname",
            server.db_url.as_str(),
        ])
        .arg(&dump)
        .output()
        .unwrap();
    ok("pg_restore", &out);
    server.restart();
    let after = snapshot(&server.store().await, &ids(&before)).await;
    assert!(
        after == before,
        "a report or thread changed in the round trip"
    );
}
