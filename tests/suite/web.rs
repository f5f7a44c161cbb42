//! The web client's own checks, run from the one test command: its TypeScript type-checks and its
//! unit tests pass — among them the receipt vectors of `tests/vectors/receipt.json`, so the
//! browser and the Rust code derive the same keys from the same phrase — and its API code, run in
//! Node.js against the real server, interoperates with the Rust client and the age CLI.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::Mutex;

use resguardo::client::triage;
use resguardo::crypto::seal;
use resguardo::domain::ReportId;
use serde_json::Value;

use crate::harness::{strict, Backend, TestServer};

fn npm(web: &Path, args: &[&str]) -> std::process::Output {
    Command::new("npm")
        .args(args)
        .current_dir(web)
        .output()
        .unwrap_or_else(|e| panic!("npm {args:?}: {e}"))
}

fn succeeded(what: &str, out: &std::process::Output) {
    assert!(
        out.status.success(),
        "{what}:\n{}\n{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}

/// One build of the test tools at a time: tests run in parallel and share web/.test-build.
static BUILD: Mutex<()> = Mutex::new(());

/// The web directory with its test tools built. Its packages are already installed: building the
/// crate needs them (build.rs runs `npm ci` from package-lock.json).
pub fn installed_web() -> PathBuf {
    let web = Path::new(env!("CARGO_MANIFEST_DIR")).join("web");
    let _guard = BUILD.lock().unwrap_or_else(|e| e.into_inner());
    succeeded(
        "build",
        &npm(&web, &["exec", "--", "node", "build.mjs", "--tests"]),
    );
    web
}

#[test]
fn web_client_typechecks_and_passes_the_shared_vectors() {
    let web = installed_web();
    for script in ["typecheck", "test"] {
        succeeded(&format!("npm run {script}"), &npm(&web, &["run", script]));
    }
}

/// Runs the web client's API code in Node.js (web/tools/flow.ts) against the server.
fn flow(web: &Path, args: &[&str]) -> Value {
    let out = Command::new("node")
        .arg(web.join(".test-build/tools/flow.mjs"))
        .args(args)
        .output()
        .unwrap();
    succeeded(&format!("flow {args:?}"), &out);
    serde_json::from_slice(&out.stdout).unwrap()
}

crate::on_both_backends!(web_client_reports_interoperate);

/// A report made by the web client's code decrypts with the Rust crate and the age CLI; a reply
/// made by the Rust client decrypts in the web client's code; its answer reaches the worker.
async fn web_client_reports_interoperate(backend: Backend) {
    let web = installed_web();
    let Some(server) = TestServer::start(backend).await else {
        return;
    };
    let client = server.client();
    let (_, ana) = crate::triage::staffed_desk(&server, &client, "gt").await;
    let url = server.url.clone();
    let submitted = flow(&web, &["submit", &url, "gt"]);
    let (id, phrase) = (
        submitted["id"].as_str().unwrap().to_owned(),
        submitted["phrase"].as_str().unwrap().to_owned(),
    );
    assert_eq!(phrase.split(' ').count(), 8);

    // The Rust crate opens it with the desk key.
    let token = &ana.session.token;
    let keys = crate::workers::desk_identities(&client, token, &ana.identity)
        .await
        .unwrap();
    let report_id = ReportId::parse(&id).unwrap();
    let stored = crate::harness::find_report(&server.store().await, &report_id)
        .await
        .unwrap();
    let plain = seal::open(&keys[0].1, stored.ciphertext.as_bytes()).unwrap();
    assert_eq!(plain.len(), 1024, "padded to the first bucket");
    let report: Value = serde_json::from_slice(&plain).unwrap();
    assert_eq!(report["schema"], "resguardo.report.v2");
    assert_eq!(report["lang"], "es");
    assert!(report["narrative"]
        .as_str()
        .unwrap()
        .contains("+502 5555 1234"));

    // So does Debian's age CLI.
    if Command::new("age").arg("--version").output().is_ok() {
        let key_file = server.dir.path().join("desk.key");
        let secret = age::secrecy::ExposeSecret::expose_secret(&keys[0].1.to_string()).to_owned();
        resguardo::os::files::write_private(&key_file, secret.as_bytes()).unwrap();
        let file = server.dir.path().join("report.age");
        std::fs::write(&file, stored.ciphertext.as_bytes()).unwrap();
        let out = Command::new("age")
            .args(["-d", "-i"])
            .arg(&key_file)
            .arg(&file)
            .output()
            .unwrap();
        succeeded("age -d", &out);
        assert_eq!(out.stdout, plain.to_vec());
    } else {
        assert!(!strict(), "the age CLI is required in CI");
        crate::harness::skipped(
            "the age CLI is not installed: its decryption of the page's report",
        );
    }

    // A reply from the Rust client (which checks the reply key against the sealed `reply_to`) …
    let case = triage::open_case(&client, token, &keys, &id).await.unwrap();
    crate::workers::reply(
        &client,
        &ana,
        &case.view.id,
        "Le acompañamos. ¿Está a salvo?",
    )
    .await
    .unwrap();
    // … decrypts in the web client's code with the phrase alone.
    let seen = flow(&web, &["followup", &url, &phrase]);
    assert_eq!(seen["status"], "new");
    assert_eq!(seen["messages"][0]["author"], "desk");
    assert_eq!(
        seen["messages"][0]["text"],
        "Le acompañamos. ¿Está a salvo?"
    );

    // The reporter's answer from the web client reaches the worker.
    flow(&web, &["send", &url, "gt", &phrase, "Sí, gracias."]);
    let case = triage::open_case(&client, token, &keys, &id).await.unwrap();
    assert_eq!(case.view.messages[1].author, "reporter");
    assert_eq!(
        case.messages[1].text.as_ref().unwrap().as_str(),
        "Sí, gracias."
    );
    // Signed in the page with the reporter key the phrase derives, checked by the Rust code
    // against the key the page sealed in the report (protocol.md §2).
    assert!(report["reporter_key"].is_string());
    assert_eq!(
        case.messages[1].authenticity,
        Some(resguardo::protocol::case::Authenticity::Signed)
    );
}

/// The assets the server embeds are exactly what a fresh build of the same sources gives: the
/// bundle is reproducible, so anyone can check the digest the pages show.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_embedded_bundle_is_reproducible() {
    let web = installed_web();
    let desk = [("RESGUARDO__DESK__BIND", "127.0.0.1:0")];
    let Some(server) = TestServer::start_with(Backend::Sqlite, &desk).await else {
        return;
    };
    let out = tempfile::tempdir().unwrap();
    let build = Command::new("node")
        .args(["build.mjs", "--out"])
        .arg(out.path())
        .current_dir(&web)
        .output()
        .unwrap();
    succeeded("node build.mjs", &build);
    let assets = [
        (&server.url, "app.js"),
        (&server.url, "style.css"),
        (&server.desk_url, "desk.js"),
        (&server.desk_url, "desk.css"),
        (&server.desk_url, "enrol.js"),
    ];
    for (base, name) in assets {
        let served = reqwest::get(format!("{base}/assets/{name}"))
            .await
            .unwrap()
            .bytes()
            .await
            .unwrap();
        let fresh = std::fs::read(out.path().join(name)).unwrap();
        assert!(
            served.to_vec() == fresh,
            "{name} differs from a fresh build"
        );
    }
}
