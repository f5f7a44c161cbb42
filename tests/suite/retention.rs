//! Retention: cases past their desk's policy are deleted, with their threads, by `admin purge`
//! and by the server's own timer; a dry run deletes nothing; and what was deleted is gone from the
//! database's files byte for byte (SQLite: data file, WAL and shared memory; PostgreSQL: every
//! file of the database after the purge's VACUUM FULL), while what was kept is still found there.

use std::path::{Path, PathBuf};

use rand::RngCore;
use resguardo::crypto::AgeCiphertext;
use resguardo::domain::{
    Author, Days, DeskSlug, Lookup, Recipient, ReportId, RetentionPolicy, Status, Verifier,
};
use resguardo::store::{Database, IntakeOutcome, MessageOutcome, NewMessage, NewReport};
use serde_json::Value;

use crate::harness::{commit_message, commit_report, Backend, TestServer};

crate::on_both_backends!(
    purge_deletes_due_cases_and_their_bytes,
    the_server_purges_on_its_own
);

const DAY: i64 = 86_400;

/// A case stored as it would have been `age_days` ago, with one message in its thread; returns
/// its id and the bytes of its ciphertexts.
pub async fn old_case(
    store: &Database,
    desk: &str,
    key: &age::x25519::Recipient,
    status: Status,
    age_days: i64,
) -> (ReportId, Vec<Vec<u8>>) {
    let seal = |size: usize| {
        let mut text = vec![0u8; size];
        rand::rngs::OsRng.fill_bytes(&mut text);
        resguardo::crypto::seal::seal(&[key], &text).unwrap()
    };
    let then = resguardo::time::now_bucket() - age_days * DAY;
    let mut lookup = [0u8; 16];
    rand::rngs::OsRng.fill_bytes(&mut lookup);
    let report = NewReport {
        id: ReportId::random(),
        desk: DeskSlug::parse(desk).unwrap(),
        ciphertext: AgeCiphertext::from_stored(seal(3000)),
        lookup: Lookup(lookup),
        verifier: Verifier([7; 32]),
        reply_recipient: Recipient::from(key.clone()),
        created_at: then,
    };
    assert_eq!(
        commit_report(store, &report).await,
        IntakeOutcome::Committed
    );
    let message = seal(1500);
    let added = NewMessage {
        report: report.id,
        desk: report.desk.clone(),
        author: Author::Reporter,
        ciphertext: AgeCiphertext::from_stored(message.clone()),
        created_at: then,
        max_messages: 100,
    };
    assert_eq!(commit_message(store, added).await, MessageOutcome::Added);
    if status != Status::New {
        let desk = store.desk(&report.desk);
        desk.set_status(&report.id, status, then).await.unwrap();
    }
    let stored = vec![report.ciphertext.as_bytes().to_vec(), message];
    (report.id, stored)
}

/// Three 32-byte windows of each ciphertext: any of them found means the bytes survived.
fn windows(ciphertexts: &[Vec<u8>]) -> Vec<Vec<u8>> {
    ciphertexts
        .iter()
        .flat_map(|c| [100, c.len() / 2, c.len() - 40].map(|at| c[at..at + 32].to_vec()))
        .collect()
}

fn files_under(dir: &Path) -> Vec<PathBuf> {
    let mut found = vec![];
    for entry in std::fs::read_dir(dir).unwrap().flatten() {
        let path = entry.path();
        if path.is_dir() {
            found.extend(files_under(&path));
        } else {
            found.push(path);
        }
    }
    found
}

/// How many of `needles` occur in any of `files`.
fn hits(files: &[PathBuf], needles: &[Vec<u8>]) -> usize {
    let contents: Vec<Vec<u8>> = files.iter().filter_map(|f| std::fs::read(f).ok()).collect();
    needles
        .iter()
        .filter(|n| {
            contents
                .iter()
                .any(|c| c.windows(n.len()).any(|w| w == &n[..]))
        })
        .count()
}

/// The files that hold the server's database.
async fn database_files(server: &TestServer) -> Vec<PathBuf> {
    match server.backend {
        Backend::Sqlite => files_under(&server.data_dir())
            .into_iter()
            .filter(|f| f.to_string_lossy().contains("resguardo.db"))
            .collect(),
        Backend::Postgres => {
            use sqlx::Connection;
            let mut conn = sqlx::PgConnection::connect(&crate::harness::pg_admin_url())
                .await
                .unwrap();
            // Dirty pages reach the files at a checkpoint; without one, "kept" could be missed.
            sqlx::query("CHECKPOINT").execute(&mut conn).await.unwrap();
            let database = server.db_url.rsplit('/').next().unwrap();
            let (data, oid): (String, sqlx::postgres::types::Oid) = sqlx::query_as(
                "SELECT current_setting('data_directory'), oid FROM pg_database WHERE datname = $1",
            )
            .bind(database)
            .fetch_one(&mut conn)
            .await
            .unwrap();
            let dir = Path::new(&data).join("base").join(oid.0.to_string());
            assert!(
                dir.is_dir(),
                "{} must be readable by the tests (run them on the database host)",
                dir.display()
            );
            files_under(&dir)
        }
    }
}

fn purge(server: &TestServer, dry_run: bool) -> Value {
    let mut cmd = server.command();
    cmd.args(["admin", "purge", "--json"]);
    if dry_run {
        cmd.arg("--dry-run");
    }
    let out = cmd.output().unwrap();
    assert!(
        out.status.success(),
        "admin purge: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let report = serde_json::from_slice(&out.stdout).unwrap();
    crate::docs::assert_cli_shape("admin purge", &report);
    report
}

fn desk<'a>(report: &'a Value, slug: &str) -> &'a Value {
    report["desks"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["desk"] == slug)
        .unwrap()
}

async fn purge_deletes_due_cases_and_their_bytes(backend: Backend) {
    // The server's own timer is pushed out of the way: this test drives `admin purge`.
    let Some(server) = TestServer::start_with(
        backend,
        &[
            ("RESGUARDO__RETENTION__INTERVAL_SECS", "86400"),
            ("RESGUARDO__RETENTION__DESKS__SV__CLOSED_DAYS", "5"),
            ("RESGUARDO__RETENTION__DESKS__SV__SPAM_DAYS", "5"),
            ("RESGUARDO__RETENTION__DESKS__SV__UNTRIAGED_DAYS", "5"),
        ],
    )
    .await
    else {
        return;
    };
    // The server purges once at start; its purge must be over before old cases go in, or on a
    // loaded machine it can delete them before `admin purge --dry-run` counts them. It takes the
    // lease first, then purges an empty database in milliseconds.
    for _ in 0..300 {
        if server.count("SELECT COUNT(*) FROM leases").await > 0 {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    tokio::time::sleep(std::time::Duration::from_secs(2)).await;
    let gt = server.create_desk("gt").to_public();
    let hn = server.create_desk("hn").to_public();
    let sv = server.create_desk("sv").to_public();
    let store = server.store().await;
    let store = &store;
    // Defaults: closed 90 days, spam 7, never triaged 365.
    let closed_old = old_case(store, "gt", &gt, Status::Closed, 100).await;
    let mut spam_old = old_case(store, "gt", &gt, Status::Spam, 8).await;
    // A message today does not keep a spam case alive: it ages from when it was marked.
    let today = resguardo::crypto::seal::seal(&[&gt], &[3u8; 700]).unwrap();
    let added = NewMessage {
        report: spam_old.0,
        desk: DeskSlug::parse("gt").unwrap(),
        author: Author::Reporter,
        ciphertext: AgeCiphertext::from_stored(today.clone()),
        created_at: resguardo::time::now_bucket(),
        max_messages: 100,
    };
    assert_eq!(commit_message(store, added).await, MessageOutcome::Added);
    spam_old.1.push(today);
    let new_old = old_case(store, "gt", &gt, Status::New, 400).await;
    let closed_recent = old_case(store, "gt", &gt, Status::Closed, 10).await;
    let in_review_old = old_case(store, "gt", &gt, Status::InReview, 400).await;
    // hn's supervisors chose to keep never-triaged reports; sv's configuration table says 5 days.
    let keep = Days::parse(0).unwrap();
    let policy = RetentionPolicy {
        closed_days: Days::parse(90).unwrap(),
        spam_days: Days::parse(7).unwrap(),
        untriaged_days: keep,
    };
    store
        .desk(&DeskSlug::parse("hn").unwrap())
        .set_retention(&policy, 0)
        .await
        .unwrap();
    let hn_new_old = old_case(store, "hn", &hn, Status::New, 400).await;
    let sv_closed = old_case(store, "sv", &sv, Status::Closed, 6).await;

    let dry = purge(&server, true);
    assert_eq!(dry["dry_run"], true);
    let counts = |d: &Value| {
        (
            d["closed"].clone(),
            d["spam"].clone(),
            d["untriaged"].clone(),
        )
    };
    let expect = |c, s, u| (Value::from(c), Value::from(s), Value::from(u));
    assert_eq!(counts(desk(&dry, "gt")), expect(1, 1, 1), "{dry}");
    assert_eq!(counts(desk(&dry, "hn")), expect(0, 0, 0), "{dry}");
    assert_eq!(desk(&dry, "hn")["source"], "desk");
    assert_eq!(counts(desk(&dry, "sv")), expect(1, 0, 0), "{dry}");
    assert_eq!(desk(&dry, "sv")["policy"]["closed_days"], 5);
    assert!(
        crate::harness::find_report(store, &closed_old.0)
            .await
            .is_some(),
        "a dry run deletes nothing"
    );

    let done = purge(&server, false);
    assert_eq!(counts(desk(&done, "gt")), expect(1, 1, 1), "{done}");
    assert_eq!(counts(desk(&done, "sv")), expect(1, 0, 0), "{done}");
    let gone = [&closed_old, &spam_old, &new_old, &sv_closed];
    let kept = [&closed_recent, &in_review_old, &hn_new_old];
    for (id, _) in gone {
        assert!(
            crate::harness::find_report(store, id).await.is_none(),
            "{id} survived"
        );
        assert!(
            crate::harness::find_thread(store, id).await.is_empty(),
            "{id}'s thread survived"
        );
    }
    for (id, _) in kept {
        assert!(
            crate::harness::find_report(store, id).await.is_some(),
            "{id} was deleted"
        );
    }
    let audit = store.maintenance().audit_rows().await.unwrap();
    assert!(audit.iter().any(|row| row.entry.action == "retention.purge"
        && row.entry.desk == "gt"
        && row.entry.subject == "closed=1 spam=1 untriaged=1"));
    assert_eq!(
        purge(&server, false)["desks"][0]["closed"],
        0,
        "nothing left"
    );

    // Byte level: the deleted ciphertexts appear nowhere in the database's files.
    let files = database_files(&server).await;
    let deleted: Vec<Vec<u8>> = gone.iter().flat_map(|(_, c)| windows(c)).collect();
    let survived: Vec<Vec<u8>> = kept.iter().flat_map(|(_, c)| windows(c)).collect();
    assert_eq!(
        hits(&files, &deleted),
        0,
        "deleted bytes remain in {files:?}"
    );
    // The control: the same search finds every window of what was kept.
    assert_eq!(
        hits(&files, &survived),
        survived.len(),
        "the search is blind"
    );
    eprintln!(
        "{backend:?}: {} windows of deleted ciphertext, 0 found in {} files; {} of kept, all found",
        deleted.len(),
        files.len(),
        survived.len()
    );
}

async fn the_server_purges_on_its_own(backend: Backend) {
    let Some(server) =
        TestServer::start_with(backend, &[("RESGUARDO__RETENTION__INTERVAL_SECS", "1")]).await
    else {
        return;
    };
    let key = server.create_desk("gt").to_public();
    let store = server.store().await;
    let (id, _) = old_case(&store, "gt", &key, Status::Spam, 30).await;
    let mut purged = false;
    for _ in 0..100 {
        if crate::harness::find_report(&store, &id).await.is_none() {
            purged = true;
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    assert!(purged, "the server did not purge within 10 s");
    // The purge is counted once it has also scrubbed (VACUUM FULL on PostgreSQL takes a moment).
    let mut metrics = String::new();
    for _ in 0..100 {
        metrics = reqwest::get(format!("{}/metrics", server.metrics_url))
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        if metrics.contains("resguardo_retention_purged_cases_total 1\n") {
            return;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    panic!("the purge was not counted within 10 s:\n{metrics}");
}

/// Supervisors set their desk's policy (audited); other vetted accounts only read it.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn supervisors_set_the_desk_policy() {
    let Some(server) = TestServer::start(Backend::Sqlite).await else {
        return;
    };
    let client = server.client();
    let (boss, ana) = crate::triage::staffed_desk(&server, &client, "gt").await;
    let shown = client.retention(&ana.session.token).await.unwrap();
    assert_eq!(shown.policy.closed_days.get(), 90);
    assert_eq!(shown.source, resguardo::domain::PolicySource::Configuration);
    let policy = RetentionPolicy {
        closed_days: Days::parse(30).unwrap(),
        spam_days: Days::parse(1).unwrap(),
        untriaged_days: Days::parse(0).unwrap(),
    };
    let refused = client.set_retention(&ana.session.token, &policy).await;
    assert!(
        matches!(
            refused,
            Err(resguardo::client::ClientError::Refused { status: 403, .. })
        ),
        "a worker who is not a supervisor cannot set it"
    );
    let set = client
        .set_retention(&boss.session.token, &policy)
        .await
        .unwrap();
    assert_eq!(set.policy, policy);
    let shown = client.retention(&ana.session.token).await.unwrap();
    assert_eq!(shown.policy, policy);
    assert_eq!(shown.source, resguardo::domain::PolicySource::Desk);
    let audit = server.audit_rows().await;
    assert!(audit.iter().any(|row| row.entry.action == "retention.set"
        && row.entry.actor == "sofia"
        && row.entry.subject == "closed=30 spam=1 untriaged=0"));
    // Out of range: a problem, nothing stored.
    let http = reqwest::Client::new();
    let bad = http
        .post(format!("{}/api/v1/desk/retention", server.url))
        .bearer_auth(&boss.session.token)
        .json(&serde_json::json!({"closed_days": 4000, "spam_days": 1, "untriaged_days": 1}))
        .send()
        .await
        .unwrap();
    assert_eq!(bad.status(), 400);
    assert_eq!(bad.headers()["content-type"], "application/problem+json");
    assert_eq!(
        client.retention(&ana.session.token).await.unwrap().policy,
        policy
    );

    // The same from the supervisor's terminal: only the rules given change.
    let terminal = server.terminal_of("gt", "sofia", &boss, &boss.identity);
    let as_sofia = |args: &[&str]| terminal(args).output().unwrap();
    let out = as_sofia(&["desk", "retention", "set", "--closed-days", "20", "--json"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let set: Value = serde_json::from_slice(&out.stdout).unwrap();
    crate::docs::assert_cli_shape("desk retention set", &set);
    assert_eq!(set["policy"]["closed_days"], 20);
    assert_eq!(
        set["policy"]["spam_days"], 1,
        "rules not given keep their value"
    );
    assert_eq!(set["source"], "desk");
    let shown = as_sofia(&["desk", "retention", "show", "--json"]);
    let policy: Value = serde_json::from_slice(&shown.stdout).unwrap();
    crate::docs::assert_cli_shape("desk retention show", &policy);
    assert_eq!(policy["policy"]["closed_days"], 20);
    let shown = as_sofia(&["desk", "retention", "show"]);
    let text = String::from_utf8_lossy(&shown.stdout);
    assert!(
        text.contains("closed cases           deleted after 20 days"),
        "{text}"
    );
    assert!(text.contains("kept forever"), "{text}");
    for (args, says) in [
        (&["desk", "retention", "set"][..], "nothing to set"),
        (
            &["desk", "retention", "set", "--spam-days", "9999"][..],
            "--spam-days",
        ),
    ] {
        let out = as_sofia(args);
        assert!(!out.status.success(), "{args:?}");
        assert!(
            String::from_utf8_lossy(&out.stderr).contains(says),
            "{args:?}"
        );
    }
}
