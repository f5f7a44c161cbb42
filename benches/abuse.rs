//! Intake under attack: `cargo bench --bench abuse` (BENCHMARKS.md shows the figures).
//!
//! Against the release binary on loopback (SQLite), in one run:
//! 1. Server CPU per submission for a normal report and for a maximal hostile one: an age header
//!    of 2,000 X25519 stanzas (about 196 KB, within the default 256 KiB body), each with a solved
//!    challenge, sent one after another. The ratio is what matters; the header check must not
//!    make a hostile submission cost much more than an honest one.
//! 2. A genuine reporter solving real challenges (difficulty 8) while one flood sends intake
//!    garbage (empty bodies, forged, unsolved and replayed challenges) as fast as it can — far
//!    beyond ten times the global intake quota's rate — and another hammers `/readyz` and
//!    follow-up, both running until the reporter is done: the share of the reporter's
//!    submissions accepted.
//!
//! Environment: RESGUARDO_BENCH_REQUESTS (submissions per kind in part 1, default 200).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use rand::RngCore;
use resguardo::crypto::pow::Challenge;
use resguardo::domain::{b64_decode, b64_encode};
use serde_json::{json, Value};

mod support;

use support::Server;

/// The global intake quota the flood is measured against.
const INTAKE_QUOTA: usize = 120;
/// The most requests one flood task sends.
const MAX_FLOOD: usize = 200_000;

/// An envelope with `ciphertext` and a freshly solved challenge.
async fn envelope(client: &resguardo::client::ApiClient, ciphertext: &[u8]) -> Value {
    let challenge = client.pow().await.unwrap().challenge;
    let nonce = Challenge::parse_unverified(&b64_decode(&challenge).unwrap())
        .unwrap()
        .solve(|_| {});
    let mut lookup = [0u8; 16];
    rand::rngs::OsRng.fill_bytes(&mut lookup);
    let recipient = age::x25519::Identity::generate().to_public().to_string();
    json!({
        "ciphertext": b64_encode(ciphertext),
        "receipt": {"lookup": b64_encode(&lookup), "verifier": b64_encode(&[1; 32])},
        "reply_recipient": recipient,
        "pow": {"challenge": challenge, "nonce": nonce},
    })
}

/// A padded 2 KiB report sealed to `desk`.
fn report_to(desk: &age::x25519::Recipient) -> Vec<u8> {
    let doc = json!({"schema": "resguardo.report.v1", "narrative": "x".repeat(1500)});
    let Value::Object(doc) = doc else {
        unreachable!()
    };
    resguardo::crypto::seal::seal(&[desk], &resguardo::crypto::padding::pad(doc)).unwrap()
}

/// An age file whose header repeats one X25519 stanza `n` times.
fn hostile(desk: &age::x25519::Recipient, n: usize) -> Vec<u8> {
    let file = resguardo::crypto::seal::seal(&[desk], &[b' '; 1024]).unwrap();
    let text = String::from_utf8_lossy(&file).into_owned();
    let start = text.find("-> X25519 ").unwrap();
    let line = start + text[start..].find('\n').unwrap() + 1;
    let end = line + text[line..].find('\n').unwrap() + 1;
    let mut out = file[..start].to_vec();
    for _ in 0..n {
        out.extend_from_slice(&file[start..end]);
    }
    out.extend_from_slice(&file[start..]);
    out
}

/// Sends `bodies` one after another; returns the server CPU per request and the statuses.
async fn cpu_per_submission(server: &Server, bodies: Vec<Value>) -> (Duration, Vec<u16>) {
    let http = reqwest::Client::new();
    let url = format!("{}/api/v1/desks/gt/reports", server.url);
    let before = server.cpu();
    let mut statuses = vec![];
    let count = bodies.len() as u32;
    for body in bodies {
        statuses.push(
            http.post(&url)
                .json(&body)
                .send()
                .await
                .unwrap()
                .status()
                .as_u16(),
        );
    }
    ((server.cpu() - before) / count, statuses)
}

async fn hostile_header_cost(requests: usize) {
    let server = Server::start(&[
        ("RESGUARDO__POW__DIFFICULTY", "1"),
        ("RESGUARDO__POW__LOAD_THRESHOLD_PER_MINUTE", "100000000"),
        ("RESGUARDO__LIMITS__INTAKE_GLOBAL_PER_MINUTE", "100000000"),
        (
            "RESGUARDO__LIMITS__CHALLENGE_GLOBAL_PER_MINUTE",
            "100000000",
        ),
    ]);
    let client = resguardo::client::ApiClient::new(&server.url).unwrap();
    let desk: age::x25519::Recipient = client.desk("gt").await.unwrap().recipient.parse().unwrap();
    let (normal, bad) = (report_to(&desk), hostile(&desk, 2000));
    let mut honest = vec![];
    let mut attack = vec![];
    for _ in 0..requests {
        honest.push(envelope(&client, &normal).await);
        attack.push(envelope(&client, &bad).await);
    }
    let (honest_cpu, honest_statuses) = cpu_per_submission(&server, honest).await;
    let (attack_cpu, attack_statuses) = cpu_per_submission(&server, attack).await;
    assert!(honest_statuses.iter().all(|&s| s == 201));
    assert!(attack_statuses.iter().all(|&s| s == 400));
    println!();
    println!("### A maximal hostile header ({requests} submissions each, one at a time)");
    println!();
    println!("| submission | body bytes | answer | server CPU µs each |");
    println!("|---|---|---|---|");
    let b64 = |n: usize| n.div_ceil(3) * 4;
    println!(
        "| padded 2 KiB report | {} | 201 | {} |",
        b64(normal.len()),
        honest_cpu.as_micros()
    );
    println!(
        "| 2,000 X25519 stanzas | {} | 400 invalid-ciphertext | {} |",
        b64(bad.len()),
        attack_cpu.as_micros()
    );
    println!();
    println!(
        "Hostile ÷ normal: {:.2}",
        attack_cpu.as_secs_f64() / honest_cpu.as_secs_f64()
    );
}

/// Sends `bodies` round and round until `stop` is set (at most `MAX_FLOOD` requests).
async fn flood(url: String, bodies: Vec<Value>, stop: Arc<AtomicBool>) -> Vec<u16> {
    let http = reqwest::Client::new();
    let mut out = vec![];
    for body in bodies.iter().cycle().take(MAX_FLOOD) {
        if stop.load(Ordering::Relaxed) {
            break;
        }
        if let Ok(r) = http.post(&url).json(body).send().await {
            out.push(r.status().as_u16());
        }
    }
    out
}

async fn reporter_under_flood() {
    let quota = INTAKE_QUOTA.to_string();
    let server = Server::start(&[
        ("RESGUARDO__POW__DIFFICULTY", "8"),
        ("RESGUARDO__LIMITS__INTAKE_GLOBAL_PER_MINUTE", &quota),
        ("RESGUARDO__LIMITS__HEALTH_GLOBAL_PER_MINUTE", "60"),
        ("RESGUARDO__LIMITS__FOLLOWUP_GLOBAL_PER_MINUTE", "60"),
    ]);
    let client = resguardo::client::ApiClient::new(&server.url).unwrap();
    let desk: age::x25519::Recipient = client.desk("gt").await.unwrap().recipient.parse().unwrap();
    let solved = envelope(&client, &report_to(&desk)).await;
    let garbage: Vec<Value> = (0..INTAKE_QUOTA * 10)
        .map(|i| match i % 4 {
            0 => json!({}),
            1 => {
                let mut forged = solved.clone();
                forged["pow"]["nonce"] = Value::from(i as u64 * 7919);
                forged["pow"]["challenge"] = Value::from(b64_encode(&[b'A'; 58]));
                forged
            }
            2 => {
                let mut unsolved = solved.clone();
                unsolved["pow"]["nonce"] = Value::from(u64::MAX - i as u64);
                unsolved
            }
            _ => solved.clone(),
        })
        .collect();
    let reports = format!("{}/api/v1/desks/gt/reports", server.url);
    let stop = Arc::new(AtomicBool::new(false));
    let started = Instant::now();
    let mut floods = vec![];
    for part in garbage.chunks(garbage.len() / 4) {
        floods.push(tokio::spawn(flood(
            reports.clone(),
            part.to_vec(),
            stop.clone(),
        )));
    }
    let probes = {
        let (base, stop) = (server.url.clone(), stop.clone());
        tokio::spawn(async move {
            let http = reqwest::Client::new();
            let mut out = vec![];
            for i in 0..MAX_FLOOD as u128 {
                if stop.load(Ordering::Relaxed) {
                    break;
                }
                if let Ok(r) = http.get(format!("{base}/readyz")).send().await {
                    out.push(r.status().as_u16());
                }
                let body =
                    json!({"lookup": b64_encode(&i.to_be_bytes()), "auth": b64_encode(&[7; 32])});
                if let Ok(r) = http
                    .post(format!("{base}/api/v1/followup"))
                    .json(&body)
                    .send()
                    .await
                {
                    out.push(r.status().as_u16());
                }
            }
            out
        })
    };
    // The reporter starts once the floods are under way and they run until it is done.
    tokio::time::sleep(Duration::from_millis(200)).await;
    let (mut accepted, mut sent) = (0, 0);
    let http = reqwest::Client::new();
    while sent < 50 {
        let body = envelope(&client, &report_to(&desk)).await;
        sent += 1;
        if http
            .post(&reports)
            .json(&body)
            .send()
            .await
            .unwrap()
            .status()
            == 201
        {
            accepted += 1;
        }
    }
    stop.store(true, Ordering::Relaxed);
    let mut flooded = vec![];
    for f in floods {
        flooded.extend(f.await.unwrap());
    }
    let probed = probes.await.unwrap();
    let secs = started.elapsed().as_secs_f64();
    let count = |all: &[u16], s: u16| all.iter().filter(|&&x| x == s).count();
    println!();
    println!("### A reporter under a flood (global intake quota {INTAKE_QUOTA}/min, difficulty 8)");
    println!();
    println!("| traffic | sent | accepted (2xx) | refused 4xx other than 429 | 429 |");
    println!("|---|---|---|---|---|");
    println!(
        "| intake garbage (empty, forged, unsolved, replayed) | {} | {} | {} | {} |",
        flooded.len(),
        count(&flooded, 201),
        flooded.len() - count(&flooded, 201) - count(&flooded, 429),
        count(&flooded, 429)
    );
    println!(
        "| /readyz and follow-up probes | {} | {} | {} | {} |",
        probed.len(),
        count(&probed, 200),
        probed.len() - count(&probed, 200) - count(&probed, 429),
        count(&probed, 429)
    );
    println!(
        "| genuine reporter | {sent} | {accepted} | {} | |",
        sent - accepted
    );
    println!();
    println!(
        "Reporter acceptance: {:.1} % while the floods ran, {secs:.1} s (intake garbage at {:.0} requests/s, {:.0}× the intake quota's rate).",
        100.0 * f64::from(accepted) / f64::from(sent),
        flooded.len() as f64 / secs,
        (flooded.len() as f64 / secs) / (INTAKE_QUOTA as f64 / 60.0),
    );
}

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() {
    let requests: usize = std::env::var("RESGUARDO_BENCH_REQUESTS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(200);
    println!("## Intake under attack (`cargo bench --bench abuse`)");
    hostile_header_cost(requests).await;
    reporter_under_flood().await;
}
