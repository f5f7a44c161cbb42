//! Attachment upload throughput: `cargo bench --bench uploads` (BENCHMARKS.md shows the figures).
//!
//! Against the release binary on loopback (SQLite), once with the filesystem blob store and once
//! with an S3-compatible one (moto's server, `pip install 'moto[server]'`, started here), 1, 8 and
//! 32 reporters each send one 50 MiB file at once through the real client code
//! (`client::attachments`: reserved with the receipt, then sent in 1 MiB parts, each acknowledged
//! once the store holds it). Each file is encrypted beforehand, outside the timing. Reported:
//! MiB/s of ciphertext stored and the server's peak resident memory. Beside them, in the same
//! run, the ceilings: Debian's `age` encrypting 50 MiB, the disk writing 1 MiB chunks each
//! followed by fdatasync, and each store taking 1 MiB parts directly (8 at once, no server).
//!
//! Environment: RESGUARDO_BENCH_CONCURRENCY (a comma-separated list, default 1,8,32) and
//! RESGUARDO_BENCH_S3=off (the filesystem only).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod support;

use std::io::Write;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::time::{Duration, Instant};

use rand::RngCore;
use resguardo::blobs::{BlobStore, FsBlobs, S3Blobs, S3Config};
use resguardo::client::attachments::{prepare, reserve, send};
use resguardo::client::{reporter, ApiClient};
use resguardo::crypto::receipt::Language;
use resguardo::domain::AttachmentId;
use resguardo::protocol::attachments::Described;
use support::Server;

const MIB: f64 = 1_048_576.0;
const FILE_BYTES: usize = 50 << 20;
const BUCKET: &str = "bench";

/// moto's S3 server on a port of its own, with the bucket made; stopped when dropped.
struct Moto {
    child: Child,
    url: String,
}

impl Drop for Moto {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Moto {
    async fn start() -> Moto {
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let child = Command::new("moto_server")
            .args(["-H", "127.0.0.1", "-p", &port.to_string()])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("moto_server (pip install 'moto[server]'), or RESGUARDO_BENCH_S3=off");
        let moto = Moto {
            child,
            url: format!("http://127.0.0.1:{port}"),
        };
        for _ in 0..200 {
            let made = reqwest::Client::new()
                .put(format!("{}/{BUCKET}", moto.url))
                .send()
                .await;
            if made.is_ok_and(|r| r.status().is_success()) {
                return moto;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        panic!("moto did not start");
    }

    fn env(&self) -> Vec<(&'static str, String)> {
        vec![
            (
                "RESGUARDO__ATTACHMENTS__S3__URL",
                format!("{}/{BUCKET}", self.url),
            ),
            ("RESGUARDO__ATTACHMENTS__S3__ACCESS_KEY", "bench".into()),
            (
                "RESGUARDO__ATTACHMENTS__S3__SECRET_KEY",
                "bench-secret".into(),
            ),
        ]
    }

    fn store(&self) -> S3Blobs {
        S3Blobs::open(S3Config {
            url: format!("{}/{BUCKET}", self.url),
            region: "us-east-1".into(),
            access_key: "bench".into(),
            secret_key: zeroize::Zeroizing::new("bench-secret".into()),
        })
        .unwrap()
    }
}

/// Settings that keep quotas and proof of work out of the measurement.
fn unthrottled() -> Vec<(&'static str, String)> {
    [
        ("RESGUARDO__POW__DIFFICULTY", "1"),
        ("RESGUARDO__POW__MAX_EXTRA_BITS", "0"),
        ("RESGUARDO__LIMITS__INTAKE_GLOBAL_PER_MINUTE", "100000000"),
        (
            "RESGUARDO__LIMITS__INTAKE_PER_ADDRESS_PER_MINUTE",
            "100000000",
        ),
        ("RESGUARDO__LIMITS__FOLLOWUP_GLOBAL_PER_MINUTE", "100000000"),
        (
            "RESGUARDO__LIMITS__FOLLOWUP_PER_ADDRESS_PER_MINUTE",
            "100000000",
        ),
        ("RESGUARDO__LIMITS__UPLOAD_GLOBAL_PER_MINUTE", "100000000"),
        (
            "RESGUARDO__LIMITS__UPLOAD_PER_ADDRESS_PER_MINUTE",
            "100000000",
        ),
        ("RESGUARDO__ATTACHMENTS__MAX_TOTAL_BYTES", "107374182400"),
    ]
    .into_iter()
    .map(|(k, v)| (k, v.to_owned()))
    .collect()
}

/// `n` reporters of desk `gt`, each with a report stored and its receipt's keys.
async fn reporters(client: &ApiClient, n: usize) -> Vec<resguardo::crypto::receipt::ReceiptKeys> {
    let form = serde_json::from_value(serde_json::json!({
        "kind": "sextortion", "narrative": "Adjunto la nota de voz.", "consent_referral": true,
    }))
    .unwrap();
    let mut keys = Vec::with_capacity(n);
    for _ in 0..n {
        let sent = reporter::submit(client, "gt", &form, Language::Es, None, |_| {})
            .await
            .unwrap();
        keys.push(reporter::derive(&sent.phrase).await);
    }
    keys
}

/// `n` uploads of `file` at once: MiB/s of ciphertext stored, and the server's peak RSS (MiB).
async fn run(server: &Server, n: usize, file: &Path) -> (f64, f64) {
    let client = Arc::new(ApiClient::new(&server.url).unwrap());
    let keys = reporters(&client, n).await;
    let described = || Described {
        media_type: "audio/ogg".into(),
        name: None,
        orientation: None,
        cleaned: false,
        original: false,
    };
    let prepared: Vec<_> = (0..n)
        .map(|_| prepare(std::fs::File::open(file).unwrap(), described()).unwrap())
        .collect();
    let ciphertext_bytes: u64 = prepared.iter().map(|p| p.ciphertext_len()).sum();
    server.reset_peak();
    let started = Instant::now();
    let tasks: Vec<_> = prepared
        .into_iter()
        .zip(keys)
        .map(|(p, k)| {
            let client = client.clone();
            tokio::spawn(async move {
                let upload = reserve(&client, &k, p).await?;
                send(&client, upload, &|_, _| {}).await
            })
        })
        .collect();
    for task in tasks {
        task.await.unwrap().unwrap();
    }
    let secs = started.elapsed().as_secs_f64();
    (ciphertext_bytes as f64 / MIB / secs, server.peak_rss_mib())
}

/// Debian's `age` encrypting `file` to a fresh recipient, in MiB/s (None without `age`).
fn age_ceiling(file: &Path) -> Option<f64> {
    let recipient = age::x25519::Identity::generate().to_public().to_string();
    let started = Instant::now();
    let out = Command::new("age")
        .args(["-r", &recipient, "-o", "/dev/null"])
        .arg(file)
        .output()
        .ok()?;
    out.status
        .success()
        .then(|| FILE_BYTES as f64 / MIB / started.elapsed().as_secs_f64())
}

/// The disk under `dir` writing 256 MiB in 1 MiB chunks, each followed by fdatasync, in MiB/s.
fn disk_ceiling(dir: &Path) -> f64 {
    let path = dir.join("ceiling");
    let mut f = std::fs::File::create(&path).unwrap();
    let chunk = vec![0x5au8; 1 << 20];
    let started = Instant::now();
    for _ in 0..256 {
        f.write_all(&chunk).unwrap();
        f.sync_data().unwrap();
    }
    let rate = 256.0 / started.elapsed().as_secs_f64();
    std::fs::remove_file(path).unwrap();
    rate
}

/// A store taking 416 parts of 1 MiB (8 files' worth), 8 at once, without the server, in MiB/s.
async fn store_ceiling(store: Arc<dyn BlobStore>) -> f64 {
    let mut part = vec![0u8; 1 << 20];
    rand::rngs::OsRng.fill_bytes(&mut part);
    let started = Instant::now();
    let tasks: Vec<_> = (0..8)
        .map(|_| {
            let (store, part) = (store.clone(), part.clone());
            tokio::spawn(async move {
                let id = AttachmentId::random();
                for n in 0..52 {
                    store.put_part(&id, n, part.clone()).await.unwrap();
                }
                id
            })
        })
        .collect();
    let mut ids = vec![];
    for task in tasks {
        ids.push(task.await.unwrap());
    }
    let rate = 416.0 / started.elapsed().as_secs_f64();
    for id in ids {
        store.delete(&id).await.unwrap();
    }
    rate
}

fn concurrency() -> Vec<usize> {
    std::env::var("RESGUARDO_BENCH_CONCURRENCY")
        .ok()
        .map(|v| v.split(',').filter_map(|c| c.trim().parse().ok()).collect())
        .unwrap_or_else(|| vec![1, 8, 32])
}

async fn rows(label: &str, server: &Server, file: &Path, ceiling: f64) {
    for n in concurrency() {
        let (rate, rss) = run(server, n, file).await;
        println!(
            "| {label} | {n} | {rate:.1} MiB/s | {:.2} of the store's own | {rss:.1} MiB |",
            rate / ceiling
        );
    }
}

#[tokio::main]
async fn main() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("nota.ogg");
    let mut bytes = vec![0u8; FILE_BYTES];
    rand::rngs::OsRng.fill_bytes(&mut bytes);
    std::fs::write(&file, &bytes).unwrap();
    drop(bytes);

    let age = age_ceiling(&file).map_or("no age CLI".to_owned(), |r| format!("{r:.1} MiB/s"));
    println!("ceilings: age CLI encrypting 50 MiB: {age}; disk, 1 MiB writes each fdatasync'd: {:.1} MiB/s", disk_ceiling(dir.path()));
    println!();
    println!("| store | uploads at once | ciphertext stored | ratio | server peak RSS |");
    println!("|---|---|---|---|---|");

    let env = unthrottled();
    let env_ref: Vec<(&str, &str)> = env.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let server = Server::start(&env_ref);
    let fs_store = Arc::new(FsBlobs::open(&dir.path().join("ceiling-blobs")).unwrap());
    let fs_ceiling = store_ceiling(fs_store).await;
    rows("filesystem", &server, &file, fs_ceiling).await;
    println!("| filesystem, the store alone (8 at once) | 8 | {fs_ceiling:.1} MiB/s | 1.00 | — |");
    drop(server);

    if std::env::var("RESGUARDO_BENCH_S3").as_deref() == Ok("off") {
        return;
    }
    let moto = Moto::start().await;
    let mut env = unthrottled();
    env.extend(moto.env());
    let env_ref: Vec<(&str, &str)> = env.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let server = Server::start(&env_ref);
    let s3_ceiling = store_ceiling(Arc::new(moto.store())).await;
    rows("S3 (moto)", &server, &file, s3_ceiling).await;
    println!("| S3 (moto), the store alone (8 at once) | 8 | {s3_ceiling:.1} MiB/s | 1.00 | — |");
}
