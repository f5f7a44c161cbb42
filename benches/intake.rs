//! The intake load benchmark: `cargo bench --bench intake` (BENCHMARKS.md shows the figures).
//!
//! It starts the release binary on loopback, on SQLite and on PostgreSQL, and for concurrency 1,
//! 16 and 64 measures, in one run on one machine:
//! - intake: POST /api/v1/desks/{slug}/reports with real envelopes (age ciphertext of a padded
//!   2 KiB report, a solved challenge, a fresh random receipt), with group commit off and on;
//!   then, with those receipts, follow-up reads (POST /api/v1/followup) and reporter messages
//!   (POST /api/v1/followup/messages, 1 KiB of ciphertext each), which commit one by one;
//! - the framework ceiling: GET /healthz on the same server;
//! - the durable-write ceiling: single-row commits per second from one connection, SQLite with
//!   WAL and synchronous=FULL, PostgreSQL with fsync and synchronous_commit on;
//!
//! and reports throughput, p50/p99/max latency and the server's peak RSS per run, with intake as
//! a ratio of both ceilings.
//!
//! Simplifications, so that preparing envelopes does not dominate: difficulty 1 bit (the server's
//! own check is the same whatever the difficulty), no rise of difficulty with load, and receipts
//! that are random bytes rather than Argon2id outputs (the server cannot tell the difference).
//! Environment: RESGUARDO_BENCH_PG (default postgres://postgres@127.0.0.1:5432/postgres; "off"
//! skips PostgreSQL), RESGUARDO_BENCH_REQUESTS (per run, default 1000),
//! RESGUARDO_BENCH_ONLY=instances (only the table of one instance against two) or =intake (only
//! /healthz and intake with group commit, on SQLite and PostgreSQL, for profiling),
//! RESGUARDO_BENCH_CONCURRENCY (a comma-separated list, default 1,16,64: fewer rows for a quick
//! look while profiling), RESGUARDO_BENCH_BASELINE (the path of an older build of the binary:
//! only that build's intake against this one's, see `compare`), and
//! RESGUARDO_BENCH_FSYNC_DELAY_US: a slow disk, simulated by delaying every fsync and fdatasync
//! of the server (and of the ceiling's own process) by that many microseconds with strace's fault
//! injection (SQLite only: PostgreSQL's fsyncs happen in its own server).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use rand::RngCore;
use resguardo::crypto::pow::Challenge;
use resguardo::domain::{b64_decode, b64_encode};
use serde_json::{json, Value};
use sqlx::Connection;

const BIN: &str = env!("CARGO_BIN_EXE_resguardo");
const CONCURRENCY: [usize; 3] = [1, 16, 64];
/// `/healthz` requests per intake request in a run. A health check is about ten times as fast as
/// a report: with twice as many it ran for a fifth of a second at concurrency 64, and a noisy
/// neighbour's burst in that moment moved the ratio by a quarter; five times as many run about
/// as long as the intake run they are divided into.
const HEALTHZ_PER_INTAKE: usize = 5;

/// The concurrency levels to run: RESGUARDO_BENCH_CONCURRENCY, else all of `CONCURRENCY`.
fn concurrency_levels() -> Vec<usize> {
    std::env::var("RESGUARDO_BENCH_CONCURRENCY")
        .ok()
        .map(|v| v.split(',').filter_map(|c| c.trim().parse().ok()).collect())
        .unwrap_or_else(|| CONCURRENCY.to_vec())
}

/// A command, run under strace with delayed fsyncs when a slow disk is asked for.
fn command(program: &Path) -> Command {
    match fsync_delay_us() {
        None => Command::new(program),
        Some(us) => {
            let mut cmd = Command::new("strace");
            cmd.args(["--seccomp-bpf", "-f", "-qq", "-o", "/dev/null"])
                .args(["-e", "trace=fsync,fdatasync"])
                .arg("-e")
                .arg(format!("inject=fsync,fdatasync:delay_exit={us}"))
                .arg(program);
            cmd
        }
    }
}

fn fsync_delay_us() -> Option<u64> {
    std::env::var("RESGUARDO_BENCH_FSYNC_DELAY_US")
        .ok()
        .and_then(|v| v.parse().ok())
}

struct Server {
    child: Child,
    bin: std::path::PathBuf,
    url: String,
    _dir: tempfile::TempDir,
}

impl Server {
    fn start(bin: &Path, db_url: &str, group_commit: bool, dir: tempfile::TempDir) -> Server {
        let key_file = dir.path().join("server.key");
        let mut child = command(bin)
            .arg("serve")
            .current_dir(dir.path())
            .env("RESGUARDO__DATABASE__URL", db_url)
            .env("RESGUARDO__SECRETS__SERVER_KEY_FILE", &key_file)
            .env("RESGUARDO__SERVER__BIND", "127.0.0.1:0")
            .env("RESGUARDO__METRICS__BIND", "")
            .env("RESGUARDO__DATABASE__MAX_CONNECTIONS", "16")
            .env("RESGUARDO__INTAKE__GROUP_COMMIT", group_commit.to_string())
            .env("RESGUARDO__POW__DIFFICULTY", "1")
            .env("RESGUARDO__POW__MAX_EXTRA_BITS", "0")
            .env("RESGUARDO__POW__LOAD_THRESHOLD_PER_MINUTE", "100000000")
            .env("RESGUARDO__LIMITS__INTAKE_GLOBAL_PER_MINUTE", "100000000")
            .env("RESGUARDO__LIMITS__READ_GLOBAL_PER_MINUTE", "100000000")
            .env("RESGUARDO__LIMITS__FOLLOWUP_GLOBAL_PER_MINUTE", "100000000")
            .env("RESGUARDO_LOG", "warn,resguardo::cli::serve=info")
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let stderr = child.stderr.take().unwrap();
        let (tx, rx) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            for line in BufReader::new(stderr).lines().map_while(Result::ok) {
                if let Ok(v) = serde_json::from_str::<Value>(&line) {
                    if v["fields"]["message"] == "listening" {
                        let _ = tx.send(v["fields"]["port"].as_u64().unwrap());
                    }
                }
            }
        });
        let port = rx
            .recv_timeout(Duration::from_secs(60))
            .expect("the server did not start");
        Server {
            child,
            bin: bin.to_path_buf(),
            url: format!("http://127.0.0.1:{port}"),
            _dir: dir,
        }
    }

    /// A second instance on the same database and server key, as behind a load balancer.
    fn another(&self, db_url: &str, group_commit: bool) -> Server {
        let dir = tempfile::tempdir().unwrap();
        std::fs::copy(
            self._dir.path().join("server.key"),
            dir.path().join("server.key"),
        )
        .unwrap();
        Server::start(&self.bin, db_url, group_commit, dir)
    }

    /// The server's process id: under strace, the traced child of the strace process.
    fn pid(&self) -> u32 {
        let own = self.child.id();
        if fsync_delay_us().is_none() {
            return own;
        }
        std::fs::read_to_string(format!("/proc/{own}/task/{own}/children"))
            .ok()
            .and_then(|c| c.split_whitespace().next()?.parse().ok())
            .unwrap_or(own)
    }

    /// Forgets the peak resident set size, so the next reading covers only what follows.
    fn reset_peak(&self) {
        let _ = std::fs::write(format!("/proc/{}/clear_refs", self.pid()), "5");
    }

    /// CPU time the server has used so far (user + system), from /proc (clock ticks of 10 ms).
    fn cpu(&self) -> Duration {
        let stat = std::fs::read_to_string(format!("/proc/{}/stat", self.pid())).unwrap();
        // Fields after the command name, which is in parentheses: utime is the 12th, stime 13th.
        let rest = stat.rsplit_once(')').unwrap().1;
        let fields: Vec<u64> = rest
            .split_whitespace()
            .skip(11)
            .take(2)
            .map(|f| f.parse().unwrap())
            .collect();
        Duration::from_millis((fields[0] + fields[1]) * 10)
    }

    /// Peak resident set size since the last reset, in MiB.
    fn peak_rss_mib(&self) -> f64 {
        let status = std::fs::read_to_string(format!("/proc/{}/status", self.pid())).unwrap();
        let kib: f64 = status
            .lines()
            .find_map(|l| l.strip_prefix("VmHWM:"))
            .and_then(|v| v.split_whitespace().next())
            .and_then(|v| v.parse().ok())
            .unwrap();
        kib / 1024.0
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn admin(bin: &Path, db_url: &str, dir: &Path, args: &[&str]) -> Value {
    let out = Command::new(bin)
        .args(args)
        .current_dir(dir)
        .env("RESGUARDO__DATABASE__URL", db_url)
        .env(
            "RESGUARDO__SECRETS__SERVER_KEY_FILE",
            dir.join("server.key"),
        )
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap()
}

/// A report's receipt as its reporter's client holds it: lookup and auth key, base64.
struct Receipt {
    lookup: String,
    auth: String,
}

/// Envelopes ready to send, each with its own solved challenge, and the receipts they carry.
async fn envelopes(url: &str, count: usize) -> Vec<(Value, Receipt)> {
    let client = resguardo::client::ApiClient::new(url).unwrap();
    let desk = client.desk("bench").await.unwrap();
    let desk_key: age::x25519::Recipient = desk.recipient.parse().unwrap();
    let mut out = Vec::with_capacity(count);
    for _ in 0..count {
        let mut narrative = [0u8; 900];
        rand::rngs::OsRng.fill_bytes(&mut narrative);
        let doc = json!({"schema": "resguardo.report.v1", "narrative": b64_encode(&narrative)});
        let Value::Object(doc) = doc else {
            unreachable!()
        };
        let plaintext = resguardo::crypto::padding::pad(doc);
        let ciphertext = resguardo::crypto::seal::seal(&[&desk_key], &plaintext).unwrap();
        let challenge = client.pow().await.unwrap().challenge;
        let nonce = Challenge::parse_unverified(&b64_decode(&challenge).unwrap())
            .unwrap()
            .solve(|_| {});
        let (mut lookup, mut auth) = ([0u8; 16], [0u8; 32]);
        rand::rngs::OsRng.fill_bytes(&mut lookup);
        rand::rngs::OsRng.fill_bytes(&mut auth);
        let verifier = <sha2::Sha256 as sha2::Digest>::digest(auth);
        let envelope = json!({
            "ciphertext": b64_encode(&ciphertext),
            "receipt": {"lookup": b64_encode(&lookup), "verifier": b64_encode(&verifier)},
            "reply_recipient": desk_key.to_string(),
            "pow": {"challenge": challenge, "nonce": nonce},
        });
        let receipt = Receipt {
            lookup: b64_encode(&lookup),
            auth: b64_encode(&auth),
        };
        out.push((envelope, receipt));
    }
    out
}

struct Run {
    requests: usize,
    failures: usize,
    per_sec: f64,
    p50: Duration,
    p99: Duration,
    max: Duration,
    rss_mib: f64,
    /// Server CPU time per request.
    cpu_per_request: Duration,
}

/// Sends every request of `work` with `concurrency` requests in flight, spread evenly over
/// `servers` (instances of one service); CPU is the instances' sum, RSS the largest.
async fn drive(
    servers: &[&Server],
    concurrency: usize,
    work: Vec<Option<Value>>,
    path: &str,
    expect: u16,
) -> Run {
    let http = reqwest::Client::builder()
        .pool_max_idle_per_host(concurrency)
        .build()
        .unwrap();
    let requests = work.len();
    // Bodies are serialised before the clock starts, as a load generator sends prepared bytes:
    // the driver shares the machine's two cores with the server.
    let work: Vec<Option<Vec<u8>>> = work
        .into_iter()
        .map(|body| body.map(|b| serde_json::to_vec(&b).unwrap()))
        .collect();
    let queue = Arc::new(Mutex::new(work));
    let latencies = Arc::new(Mutex::new(Vec::with_capacity(requests)));
    let failures = Arc::new(Mutex::new(0usize));
    servers.iter().for_each(|s| s.reset_peak());
    let cpu = || servers.iter().map(|s| s.cpu()).sum::<Duration>();
    let cpu_before = cpu();
    let started = Instant::now();
    let workers: Vec<_> = (0..concurrency)
        .map(|worker| {
            let (http, queue, latencies, failures) = (
                http.clone(),
                queue.clone(),
                latencies.clone(),
                failures.clone(),
            );
            let url = format!("{}{path}", servers[worker % servers.len()].url);
            tokio::spawn(async move {
                loop {
                    let Some(body) = queue.lock().unwrap().pop() else {
                        break;
                    };
                    let sent = Instant::now();
                    let request = match body {
                        Some(body) => http
                            .post(&url)
                            .header("content-type", "application/json")
                            .body(body),
                        None => http.get(&url),
                    };
                    let ok = match request.send().await {
                        Ok(r) => r.status().as_u16() == expect && r.bytes().await.is_ok(),
                        Err(_) => false,
                    };
                    latencies.lock().unwrap().push(sent.elapsed());
                    if !ok {
                        *failures.lock().unwrap() += 1;
                    }
                }
            })
        })
        .collect();
    for w in workers {
        w.await.unwrap();
    }
    let elapsed = started.elapsed();
    let cpu = cpu().saturating_sub(cpu_before);
    let mut latencies = latencies.lock().unwrap().clone();
    latencies.sort();
    let at = |q: f64| latencies[((latencies.len() as f64 * q) as usize).min(latencies.len() - 1)];
    let failures = *failures.lock().unwrap();
    Run {
        requests,
        failures,
        per_sec: requests as f64 / elapsed.as_secs_f64(),
        p50: at(0.50),
        p99: at(0.99),
        max: *latencies.last().unwrap(),
        rss_mib: servers.iter().map(|s| s.peak_rss_mib()).fold(0.0, f64::max),
        cpu_per_request: cpu / requests as u32,
    }
}

/// The ceiling measured in a child process of this benchmark, so that a slow disk applies to it
/// exactly as to the server.
fn commit_ceiling_apart(db_url: &str) -> f64 {
    let out = command(&std::env::current_exe().unwrap())
        .args(["--ceiling", db_url])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).trim().parse().unwrap()
}

/// A reporter's follow-up message as it travels: age ciphertext of 1 KiB, base64.
fn message_ciphertext() -> String {
    let key = age::x25519::Identity::generate().to_public();
    b64_encode(&resguardo::crypto::seal::seal(&[&key], &[0u8; 1024]).unwrap())
}

/// Single-row durable commits per second from one connection, for `secs` seconds.
async fn commit_ceiling(db_url: &str, secs: u64) -> f64 {
    macro_rules! measure {
        ($conn:expr) => {{
            sqlx::query("CREATE TABLE ceiling (id BIGINT PRIMARY KEY, payload BYTEA NOT NULL)")
                .execute(&mut $conn)
                .await
                .ok();
            let started = Instant::now();
            let mut commits = 0i64;
            while started.elapsed() < Duration::from_secs(secs) {
                sqlx::query("INSERT INTO ceiling (id, payload) VALUES ($1, $2)")
                    .bind(commits)
                    .bind(&[7u8; 2048][..])
                    .execute(&mut $conn)
                    .await
                    .unwrap();
                commits += 1;
            }
            commits as f64 / started.elapsed().as_secs_f64()
        }};
    }
    if db_url.starts_with("sqlite:") {
        use std::str::FromStr;
        let options = sqlx::sqlite::SqliteConnectOptions::from_str(db_url)
            .unwrap()
            .create_if_missing(true)
            .journal_mode(sqlx::sqlite::SqliteJournalMode::Wal)
            .synchronous(sqlx::sqlite::SqliteSynchronous::Full);
        let mut conn = sqlx::SqliteConnection::connect_with(&options)
            .await
            .unwrap();
        measure!(conn)
    } else {
        let mut conn = sqlx::PgConnection::connect(db_url).await.unwrap();
        measure!(conn)
    }
}

async fn fresh_pg(admin_url: &str) -> Option<String> {
    let mut conn = sqlx::PgConnection::connect(admin_url).await.ok()?;
    let name = format!("resguardo_bench_{}", resguardo::domain::ReportId::random());
    sqlx::query(&format!("CREATE DATABASE {name}"))
        .execute(&mut conn)
        .await
        .unwrap();
    Some(format!("{}/{name}", admin_url.rsplit_once('/').unwrap().0))
}

fn ms(d: Duration) -> String {
    format!("{:.1}", d.as_secs_f64() * 1000.0)
}

async fn backend(name: &str, db_urls: impl Fn() -> String, requests: usize) {
    let ceiling = commit_ceiling_apart(&db_urls());
    println!();
    println!("### {name}");
    println!();
    println!("Durable-write ceiling: {ceiling:.0} single-row commits/s (one connection).");
    println!();
    println!("| what | concurrency | requests | failed | req/s | p50 ms | p99 ms | max ms | peak RSS MiB | server CPU µs/req | ÷ healthz | ÷ commit ceiling |");
    println!("|---|---|---|---|---|---|---|---|---|---|---|---|");
    // RESGUARDO_BENCH_ONLY=intake: only healthz and intake with group commit (for profiling).
    let only_intake = std::env::var("RESGUARDO_BENCH_ONLY").is_ok_and(|v| v == "intake");
    let passes: &[bool] = if only_intake { &[true] } else { &[false, true] };
    for &group_commit in passes {
        let dir = tempfile::tempdir().unwrap();
        let db_url = db_urls();
        bench_desk(Path::new(BIN), &db_url, dir.path());
        let server = Server::start(Path::new(BIN), &db_url, group_commit, dir);
        for concurrency in concurrency_levels() {
            let health = drive(
                &[&server],
                concurrency,
                vec![None; requests * HEALTHZ_PER_INTAKE],
                "/healthz",
                200,
            )
            .await;
            let (work, receipts): (Vec<Value>, Vec<Receipt>) =
                envelopes(&server.url, requests).await.into_iter().unzip();
            let run = drive(
                &[&server],
                concurrency,
                work.into_iter().map(Some).collect(),
                "/api/v1/desks/bench/reports",
                201,
            )
            .await;
            if only_intake {
                print_row("GET /healthz", concurrency, &health, None, ceiling);
                print_row(
                    "intake, group commit",
                    concurrency,
                    &run,
                    Some(&health),
                    ceiling,
                );
                continue;
            }
            let reads = receipts
                .iter()
                .map(|r| Some(json!({"lookup": r.lookup, "auth": r.auth})))
                .collect();
            let read = drive(&[&server], concurrency, reads, "/api/v1/followup", 200).await;
            let message = message_ciphertext();
            let messages = receipts
                .iter()
                .map(|r| Some(json!({"lookup": r.lookup, "auth": r.auth, "ciphertext": message})))
                .collect();
            let wrote = drive(
                &[&server],
                concurrency,
                messages,
                "/api/v1/followup/messages",
                201,
            )
            .await;
            let label = if group_commit {
                "intake, group commit"
            } else {
                "intake, one commit each"
            };
            if !group_commit {
                print_row("GET /healthz", concurrency, &health, None, ceiling);
            }
            for (label, run) in [
                (label, &run),
                ("follow-up read", &read),
                ("reporter message", &wrote),
            ] {
                print_row(label, concurrency, run, Some(&health), ceiling);
            }
        }
    }
}

/// One row of the table: a run, as a ratio of the health check's rate in the same pass (none for
/// the health check itself) and of the durable-write ceiling.
fn print_row(label: &str, concurrency: usize, run: &Run, health: Option<&Run>, ceiling: f64) {
    let (vs_health, vs_ceiling) = match health {
        Some(health) => (
            format!("{:.3}", run.per_sec / health.per_sec),
            format!("{:.2}", run.per_sec / ceiling),
        ),
        None => ("1".to_string(), String::new()),
    };
    println!(
        "| {label} | {concurrency} | {} | {} | {:.0} | {} | {} | {} | {:.1} | {} | {vs_health} | {vs_ceiling} |",
        run.requests, run.failures, run.per_sec, ms(run.p50), ms(run.p99), ms(run.max),
        run.rss_mib, run.cpu_per_request.as_micros()
    );
}

/// A desk named `bench` in a fresh database, made from `dir` (where the server key then lives).
fn bench_desk(bin: &Path, db_url: &str, dir: &Path) {
    let recipient = age::x25519::Identity::generate().to_public().to_string();
    admin(
        bin,
        db_url,
        dir,
        &[
            "admin",
            "desk",
            "create",
            "--slug",
            "bench",
            "--name",
            "Bench",
            "--recipient",
            &recipient,
            "--json",
        ],
    );
}

/// RESGUARDO_BENCH_BASELINE=/path/to/an/older/resguardo: that build against this one, on SQLite
/// with group commit, in one run and on fresh databases, alternating for
/// RESGUARDO_BENCH_ROUNDS rounds (default 3) so that a noisy neighbour hits both alike. Each
/// build's intake is a ratio of the `/healthz` rate its own server answered just before.
async fn compare(baseline: &Path, db_urls: impl Fn() -> String, requests: usize) {
    let rounds: usize = std::env::var("RESGUARDO_BENCH_ROUNDS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(3);
    let ceiling = commit_ceiling_apart(&db_urls());
    println!();
    println!(
        "### SQLite, {} against this build (group commit)",
        baseline.display()
    );
    println!();
    println!("| what | concurrency | requests | failed | req/s | p50 ms | p99 ms | max ms | peak RSS MiB | server CPU µs/req | ÷ healthz | ÷ commit ceiling |");
    println!("|---|---|---|---|---|---|---|---|---|---|---|---|");
    for _ in 0..rounds {
        for (name, bin) in [("baseline", baseline), ("this build", Path::new(BIN))] {
            for concurrency in concurrency_levels() {
                let dir = tempfile::tempdir().unwrap();
                let db_url = db_urls();
                bench_desk(bin, &db_url, dir.path());
                let server = Server::start(bin, &db_url, true, dir);
                let health = drive(
                    &[&server],
                    concurrency,
                    vec![None; requests * HEALTHZ_PER_INTAKE],
                    "/healthz",
                    200,
                )
                .await;
                let work = envelopes(&server.url, requests).await;
                let work = work.into_iter().map(|(e, _)| Some(e)).collect();
                let run = drive(
                    &[&server],
                    concurrency,
                    work,
                    "/api/v1/desks/bench/reports",
                    201,
                )
                .await;
                print_row(
                    &format!("GET /healthz, {name}"),
                    concurrency,
                    &health,
                    None,
                    ceiling,
                );
                print_row(
                    &format!("intake, {name}"),
                    concurrency,
                    &run,
                    Some(&health),
                    ceiling,
                );
            }
        }
    }
}

/// One instance against two on one PostgreSQL database (group commit, 64 in flight): what a
/// second `serve` behind a load balancer buys. On a 2-core machine the instances share the cores
/// with each other, PostgreSQL and this driver, so the figure is a floor, not a promise.
async fn instances(db_urls: impl Fn() -> String, requests: usize) {
    println!();
    println!("### One instance or two on one PostgreSQL (intake, group commit, 64 in flight)");
    println!();
    println!("| instances | requests | failed | req/s | p50 ms | p99 ms | server CPU µs/req | ÷ one instance |");
    println!("|---|---|---|---|---|---|---|---|");
    let mut one = 0.0;
    for n in [1, 2] {
        let dir = tempfile::tempdir().unwrap();
        let db_url = db_urls();
        bench_desk(Path::new(BIN), &db_url, dir.path());
        let first = Server::start(Path::new(BIN), &db_url, true, dir);
        let second = (n == 2).then(|| first.another(&db_url, true));
        let servers: Vec<&Server> = std::iter::once(&first).chain(second.as_ref()).collect();
        let work = envelopes(&first.url, requests).await;
        let work = work
            .into_iter()
            .map(|(envelope, _)| Some(envelope))
            .collect();
        let run = drive(&servers, 64, work, "/api/v1/desks/bench/reports", 201).await;
        if n == 1 {
            one = run.per_sec;
        }
        println!(
            "| {n} | {} | {} | {:.0} | {} | {} | {} | {:.2} |",
            run.requests,
            run.failures,
            run.per_sec,
            ms(run.p50),
            ms(run.p99),
            run.cpu_per_request.as_micros(),
            run.per_sec / one
        );
    }
}

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() {
    let args: Vec<String> = std::env::args().collect();
    if let Some(at) = args.iter().position(|a| a == "--ceiling") {
        println!("{}", commit_ceiling(&args[at + 1], 3).await);
        return;
    }
    let requests: usize = std::env::var("RESGUARDO_BENCH_REQUESTS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(1000);
    println!("## Intake benchmark ({requests} requests per run; `cargo bench --bench intake`)");
    if let Some(us) = fsync_delay_us() {
        println!(
            "\nSlow disk: every fsync and fdatasync delayed by {us} µs (strace fault injection)."
        );
    }
    // RESGUARDO_BENCH_ONLY=instances runs only the one-or-two-instances table.
    let only_instances = std::env::var("RESGUARDO_BENCH_ONLY").is_ok_and(|v| v == "instances");
    let scratch = tempfile::tempdir().unwrap();
    let counter = std::sync::atomic::AtomicUsize::new(0);
    let sqlite_url = || {
        let n = counter.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
        format!(
            "sqlite://{}",
            scratch.path().join(format!("bench-{n}.db")).display()
        )
    };
    if let Ok(baseline) = std::env::var("RESGUARDO_BENCH_BASELINE") {
        compare(Path::new(&baseline), sqlite_url, requests).await;
        return;
    }
    if !only_instances {
        backend("SQLite", sqlite_url, requests).await;
    }
    let pg = std::env::var("RESGUARDO_BENCH_PG")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/postgres".into());
    if pg == "off" || fsync_delay_us().is_some() {
        return;
    }
    let mut urls = vec![];
    for _ in 0..5 {
        match fresh_pg(&pg).await {
            Some(url) => urls.push(url),
            None => {
                println!("\nPostgreSQL at {pg} is unreachable: skipped.");
                return;
            }
        }
    }
    let urls = Mutex::new(urls);
    let next = || urls.lock().unwrap().pop().unwrap();
    if !only_instances {
        backend("PostgreSQL", next, requests).await;
    }
    instances(next, requests).await;
}
