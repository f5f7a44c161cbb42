//! Faults under load: a flood from one address leaves other reporters served; PostgreSQL going
//! away mid-load gives 503s and no hang, then recovery with nothing acknowledged lost; a full disk
//! gives 507 problems, the server stays up, the database stays intact, and intake resumes when
//! space returns. Everything runs on loopback and is bounded in time.

use std::collections::HashMap;
use std::path::Path;
use std::process::Command;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use resguardo::domain::ReportId;
use serde_json::Value;

use crate::crash::envelope;
use crate::harness::{pg_admin_url, strict, Backend, TestServer};

/// POSTs `body` as a report, from `address` when given (through the trusted-proxy header).
async fn post(
    http: &reqwest::Client,
    server: &TestServer,
    body: &Value,
    address: Option<&str>,
) -> Option<(u16, Value)> {
    let mut request = http
        .post(format!("{}/api/v1/desks/gt/reports", server.url))
        .json(body);
    if let Some(address) = address {
        request = request.header("X-Forwarded-For", address);
    }
    let response = request.send().await.ok()?;
    let status = response.status().as_u16();
    if status == 429 {
        assert!(response.headers().contains_key("retry-after"));
    }
    let body = response.json().await.unwrap_or(Value::Null);
    Some((status, body))
}

/// One address sends ten times its per-minute limit while ten others send a few reports each.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_flood_from_one_address_leaves_others_served() {
    let Some(server) = TestServer::start_with(
        Backend::Sqlite,
        &[
            ("RESGUARDO__LIMITS__PER_ADDRESS", "true"),
            ("RESGUARDO__LIMITS__TRUSTED_PROXIES", "[\"127.0.0.1\"]"),
            ("RESGUARDO__LIMITS__INTAKE_PER_ADDRESS_PER_MINUTE", "10"),
            ("RESGUARDO__LIMITS__READ_PER_ADDRESS_PER_MINUTE", "100000"),
            (
                "RESGUARDO__LIMITS__CHALLENGE_PER_ADDRESS_PER_MINUTE",
                "100000",
            ),
        ],
    )
    .await
    else {
        return;
    };
    let desk = server.create_desk("gt").to_public();
    let mut flood = vec![];
    for _ in 0..100 {
        flood.push(envelope(&server, &desk).await.1);
    }
    let mut honest = vec![];
    for client in 0..10 {
        for _ in 0..3 {
            honest.push((
                format!("198.51.100.{}", client + 1),
                envelope(&server, &desk).await.1,
            ));
        }
    }
    let http = reqwest::Client::new();
    let flooder = {
        let (http, url, env) = (http.clone(), server.url.clone(), flood);
        tokio::spawn(async move {
            let mut statuses = vec![];
            for body in env {
                let r = http
                    .post(format!("{url}/api/v1/desks/gt/reports"))
                    .header("X-Forwarded-For", "203.0.113.66")
                    .json(&body)
                    .send()
                    .await
                    .unwrap();
                statuses.push(r.status().as_u16());
            }
            statuses
        })
    };
    let mut honest_ok = 0;
    for (address, body) in &honest {
        if let Some((201, _)) = post(&http, &server, body, Some(address)).await {
            honest_ok += 1;
        }
    }
    let flooded = flooder.await.unwrap();
    let refused = flooded.iter().filter(|&&s| s == 429).count();
    let accepted = flooded.iter().filter(|&&s| s == 201).count();
    eprintln!(
        "flood: {accepted} of 100 accepted, {refused} refused with 429; others: {honest_ok} of 30 accepted"
    );
    assert!(
        honest_ok * 100 >= 30 * 95,
        "only {honest_ok} of 30 honest reports went through"
    );
    assert!(accepted <= 10, "the flooder got {accepted} reports in");
    assert_eq!(accepted + refused, 100, "{flooded:?}");
}

/// Makes this test's PostgreSQL database refuse connections (others running alongside are not
/// touched), or accept them again.
async fn database_reachable(server: &TestServer, reachable: bool) {
    use sqlx::Connection;
    let database = server.db_url.rsplit('/').next().unwrap();
    let mut conn = sqlx::PgConnection::connect(&pg_admin_url()).await.unwrap();
    sqlx::query(&format!(
        "ALTER DATABASE {database} ALLOW_CONNECTIONS {reachable}"
    ))
    .execute(&mut conn)
    .await
    .unwrap();
    if !reachable {
        sqlx::query(&format!(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '{database}'"
        ))
        .execute(&mut conn)
        .await
        .unwrap();
    }
}

/// PostgreSQL goes away for three seconds while reports keep coming.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn postgres_outage_under_load_loses_nothing() {
    let Some(server) = TestServer::start_with(
        Backend::Postgres,
        &[
            ("RESGUARDO__SERVER__REQUEST_TIMEOUT_SECS", "15"),
            // The envelopes are prepared ahead: difficulty must not rise under this load.
            ("RESGUARDO__POW__MAX_EXTRA_BITS", "0"),
        ],
    )
    .await
    else {
        return;
    };
    let desk = server.create_desk("gt").to_public();
    let mut prepared = vec![];
    for _ in 0..400 {
        prepared.push(envelope(&server, &desk).await);
    }
    let server = Arc::new(server);
    let queue = Arc::new(Mutex::new(prepared));
    let acknowledged = Arc::new(Mutex::new(HashMap::new()));
    let statuses = Arc::new(Mutex::new(HashMap::<u16, usize>::new()));
    let slowest = Arc::new(Mutex::new(Duration::ZERO));
    let http = reqwest::Client::new();
    // Eight clients, each sending one report after another, about every 20 ms.
    let clients: Vec<_> = (0..8)
        .map(|_| {
            let (server, queue, acknowledged, statuses, slowest, http) = (
                server.clone(),
                queue.clone(),
                acknowledged.clone(),
                statuses.clone(),
                slowest.clone(),
                http.clone(),
            );
            tokio::spawn(async move {
                loop {
                    let Some((ciphertext, body)) = queue.lock().unwrap().pop() else {
                        break;
                    };
                    let sent = Instant::now();
                    let answer = post(&http, &server, &body, None).await;
                    let took = sent.elapsed();
                    {
                        let mut slowest = slowest.lock().unwrap();
                        *slowest = (*slowest).max(took);
                    }
                    let Some((status, answer)) = answer else {
                        continue;
                    };
                    *statuses.lock().unwrap().entry(status).or_default() += 1;
                    if status == 201 {
                        let id = answer["id"].as_str().unwrap().to_owned();
                        acknowledged.lock().unwrap().insert(id, ciphertext);
                    } else {
                        assert_eq!(status, 503, "{answer}");
                        assert_eq!(
                            answer["type"],
                            "https://resguardo.invalid/problems/service-unavailable"
                        );
                    }
                    tokio::time::sleep(Duration::from_millis(20)).await;
                }
            })
        })
        .collect();
    tokio::time::sleep(Duration::from_millis(500)).await;
    database_reachable(&server, false).await;
    let ready = http
        .get(format!("{}/readyz", server.url))
        .send()
        .await
        .unwrap();
    assert_eq!(ready.status(), 503, "readyz while the database is gone");
    tokio::time::sleep(Duration::from_secs(3)).await;
    database_reachable(&server, true).await;
    let back = Instant::now();
    let mut recovered = None;
    while back.elapsed() < Duration::from_secs(10) {
        let ready = http
            .get(format!("{}/readyz", server.url))
            .send()
            .await
            .unwrap();
        if ready.status() == 200 {
            recovered = Some(back.elapsed());
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    for client in clients {
        client.await.unwrap();
    }
    let recovered = recovered.expect("the server did not recover");
    let statuses = statuses.lock().unwrap().clone();
    let slowest = *slowest.lock().unwrap();
    eprintln!("outage: answers {statuses:?}, slowest {slowest:?}, ready again {recovered:?} after the database");
    assert!(
        recovered < Duration::from_secs(5),
        "recovery took {recovered:?}"
    );
    assert!(
        statuses.get(&503).copied().unwrap_or(0) > 0,
        "the outage was not seen"
    );
    assert!(statuses.get(&201).copied().unwrap_or(0) > 0);
    assert!(
        slowest < Duration::from_secs(15),
        "a request hung for {slowest:?}"
    );
    let store = server.store().await;
    let acknowledged = acknowledged.lock().unwrap().clone();
    for (id, ciphertext) in &acknowledged {
        let stored = crate::harness::find_report(&store, &ReportId::parse(id).unwrap()).await;
        let stored = stored.unwrap_or_else(|| panic!("acknowledged report {id} was lost"));
        assert_eq!(stored.ciphertext.as_bytes(), &ciphertext[..]);
    }
}

/// Mounts a tmpfs of `size` on `dir` (root only); false when mounting is not possible here.
fn mount_tmpfs(dir: &Path, size: &str) -> bool {
    let ok = Command::new("mount")
        .args([
            "-t",
            "tmpfs",
            "-o",
            &format!("size={size},mode=0700"),
            "tmpfs",
        ])
        .arg(dir)
        .status()
        .is_ok_and(|s| s.success());
    assert!(
        ok || !strict(),
        "the disk-full test needs to mount a tmpfs (run as root)"
    );
    ok
}

fn remount(dir: &Path, size: &str) {
    let ok = Command::new("mount")
        .args(["-o", &format!("remount,size={size}")])
        .arg(dir)
        .status()
        .unwrap();
    assert!(ok.success());
}

struct Unmount<'a>(&'a Path);

impl Drop for Unmount<'_> {
    fn drop(&mut self) {
        let _ = Command::new("umount").arg("-l").arg(self.0).status();
    }
}

/// The data directory on a 2 MiB tmpfs, filled with reports until it is full.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_full_disk_refuses_reports_and_recovers() {
    let scratch = tempfile::tempdir().unwrap();
    let data = scratch.path().join("data");
    std::fs::create_dir(&data).unwrap();
    if !mount_tmpfs(&data, "2m") {
        crate::harness::skipped("cannot mount a tmpfs here (not root?)");
        return;
    }
    let _unmount = Unmount(&data);
    let db = data.join("resguardo.db");
    let url = format!("sqlite://{}", db.display());
    let key = data.join("server.key").display().to_string();
    let Some(mut server) = TestServer::start_with(
        Backend::Sqlite,
        &[
            ("RESGUARDO__DATABASE__URL", url.as_str()),
            ("RESGUARDO__SECRETS__SERVER_KEY_FILE", key.as_str()),
        ],
    )
    .await
    else {
        return;
    };
    server.db_url = url.clone();
    let desk = server.create_desk("gt").to_public();
    let http = reqwest::Client::new();
    let mut acknowledged = vec![];
    let mut full = None;
    // Each report is about 4 KiB of ciphertext: 2 MiB fills up within a few hundred.
    for _ in 0..2000 {
        let (ciphertext, body) = envelope_of(&server, &desk, 4096).await;
        let (status, answer) = post(&http, &server, &body, None).await.unwrap();
        match status {
            201 => acknowledged.push((answer["id"].as_str().unwrap().to_owned(), ciphertext)),
            _ => {
                full = Some((status, answer));
                break;
            }
        }
    }
    let (status, problem) = full.expect("the disk never filled up");
    eprintln!(
        "disk full after {} reports: {status} {problem}",
        acknowledged.len()
    );
    assert!(
        status == 507 || status == 503,
        "a full disk answered {status}: {problem}"
    );
    if status == 507 {
        assert_eq!(
            problem["type"],
            "https://resguardo.invalid/problems/storage-full"
        );
    }
    assert!(
        !problem.to_string().contains(data.to_str().unwrap()),
        "a path leaked"
    );
    let health = http
        .get(format!("{}/healthz", server.url))
        .send()
        .await
        .unwrap();
    assert_eq!(health.status(), 200, "the server stays up");

    // Space comes back: intake resumes without a restart, and nothing acknowledged is missing.
    remount(&data, "64m");
    let mut resumed = false;
    for _ in 0..50 {
        let (ciphertext, body) = envelope_of(&server, &desk, 4096).await;
        if let Some((201, answer)) = post(&http, &server, &body, None).await {
            acknowledged.push((answer["id"].as_str().unwrap().to_owned(), ciphertext));
            resumed = true;
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert!(resumed, "intake did not resume once space was back");
    let store = server.store().await;
    for (id, ciphertext) in &acknowledged {
        let stored = crate::harness::find_report(&store, &ReportId::parse(id).unwrap()).await;
        assert_eq!(
            stored
                .expect("acknowledged report lost")
                .ciphertext
                .as_bytes(),
            &ciphertext[..]
        );
    }
    server.stop();
    use sqlx::Connection;
    let mut conn = sqlx::SqliteConnection::connect(&url).await.unwrap();
    let (check,): (String,) = sqlx::query_as("PRAGMA integrity_check")
        .fetch_one(&mut conn)
        .await
        .unwrap();
    assert_eq!(check, "ok");
}

/// An envelope whose ciphertext carries `size` random bytes.
async fn envelope_of(
    server: &TestServer,
    desk: &age::x25519::Recipient,
    size: usize,
) -> (Vec<u8>, Value) {
    let (_, mut body) = envelope(server, desk).await;
    let mut text = vec![0u8; size];
    rand::RngCore::fill_bytes(&mut rand::rngs::OsRng, &mut text);
    let ciphertext = resguardo::crypto::seal::seal(&[desk], &text).unwrap();
    body["ciphertext"] = Value::from(resguardo::domain::b64_encode(&ciphertext));
    (ciphertext, body)
}
