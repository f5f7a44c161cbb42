//! The Debian `age` CLI is a third implementation: what it encrypts to a desk is accepted, and what
//! the server stores decrypts with `age -d` and a key file written by `resguardo keygen`.

use std::io::Write;
use std::process::{Command, Stdio};

use resguardo::domain::{b64_encode, ReportId};
use serde_json::json;

use crate::harness::{Backend, TestServer};

crate::on_both_backends!(age_cli_interoperates);

fn age_available() -> bool {
    crate::harness::tool_available("age", "--version", "age")
}

async fn age_cli_interoperates(backend: Backend) {
    if !age_available() {
        return;
    }
    let Some(server) = TestServer::start(backend).await else {
        return;
    };

    // The desk key comes from `resguardo keygen`.
    let key_file = server.dir.path().join("desk.key");
    let keygen = server.keygen(&key_file);
    let recipient = keygen["recipient"].as_str().unwrap();
    let out = server.admin_desk_create("sv", recipient);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );

    // `age -r` encrypts; the server accepts.
    // Padded to a bucket, as every client pads (docs/protocol.md §2).
    let plaintext = format!(
        "{:<1024}",
        r#"{"schema":"resguardo.report.v1","narrative":"cifrado con age"}"#
    );
    let plaintext = plaintext.as_bytes();
    let mut age = Command::new("age")
        .args(["-r", recipient])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    age.stdin.take().unwrap().write_all(plaintext).unwrap();
    let ciphertext = age.wait_with_output().unwrap().stdout;
    let pow = resguardo::client::reporter::solve_pow(&server.client(), |_| {})
        .await
        .unwrap();
    let envelope = json!({
        "ciphertext": b64_encode(&ciphertext),
        "receipt": {"lookup": b64_encode(&[7; 16]), "verifier": b64_encode(&[8; 32])},
        "reply_recipient": age::x25519::Identity::generate().to_public().to_string(),
        "pow": pow,
    });
    let response = reqwest::Client::new()
        .post(format!("{}/api/v1/desks/sv/reports", server.url))
        .json(&envelope)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 201);
    let id: serde_json::Value = response.json().await.unwrap();

    // What was stored decrypts with `age -d -i`.
    let id = ReportId::parse(id["id"].as_str().unwrap()).unwrap();
    let stored = crate::harness::find_report(&server.store().await, &id)
        .await
        .unwrap();
    assert_eq!(
        stored.ciphertext.as_bytes(),
        &ciphertext[..],
        "stored byte for byte"
    );
    let stored_file = server.dir.path().join("stored.age");
    std::fs::write(&stored_file, stored.ciphertext.as_bytes()).unwrap();
    let out = Command::new("age")
        .args(["-d", "-i"])
        .arg(&key_file)
        .arg(&stored_file)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(out.stdout, plaintext);

    // And a report encrypted by this crate decrypts with `age -d` too.
    let desk: age::x25519::Recipient = recipient.parse().unwrap();
    let ours = resguardo::crypto::seal::seal(&[&desk], b"de rust").unwrap(); // any length decrypts
    std::fs::write(&stored_file, ours).unwrap();
    let out = Command::new("age")
        .args(["-d", "-i"])
        .arg(&key_file)
        .arg(&stored_file)
        .output()
        .unwrap();
    assert_eq!(out.stdout, b"de rust");
}

/// A skipped check says so in the output a person reads, not only as a silent `ok`: the suite's
/// own binary, run for the interop test with no `age` on its PATH and outside CI, prints a
/// `SKIPPED in …` line although its output is captured.
#[test]
fn a_skip_is_visible_in_the_output() {
    if std::env::var_os("RESGUARDO_SKIP_PROBE").is_some() {
        return;
    }
    let out = Command::new(std::env::current_exe().unwrap())
        .args(["interop::age_cli_interoperates::sqlite", "--exact"])
        .env_remove("CI")
        .env_remove("RESGUARDO_STRICT")
        .env("RESGUARDO_SKIP_PROBE", "1")
        .env("PATH", "/nonexistent")
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout) + String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{text}");
    assert!(
        text.contains("SKIPPED in interop::age_cli_interoperates::sqlite: age is not installed"),
        "{text}"
    );
}
