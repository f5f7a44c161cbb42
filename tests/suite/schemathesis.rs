//! Schemathesis against the served OpenAPI document: every operation, every check, no 5xx, no
//! answer the document does not describe, and no schema-valid request refused as malformed
//! (`positive_data_acceptance`): the document's patterns say what the server checks (canonical
//! base64 of the right length, desk slugs, user names, six-digit codes). Three operations are
//! checked with everything but that one check, because no schema can describe what they need: a
//! real, padded age file to the desk (reports, reporter messages), a solved challenge (reports)
//! and a code an administrator issued, with a valid bech32 recipient (enrolments).

use std::process::Command;

use crate::harness::{strict, Backend, TestServer};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn api_conforms_to_its_openapi_document() {
    let found = Command::new("schemathesis")
        .arg("--version")
        .output()
        .is_ok();
    assert!(
        found || !strict(),
        "schemathesis is required in CI (pip install schemathesis)"
    );
    if !found {
        crate::harness::skipped("schemathesis is not installed");
        return;
    }
    let Some(server) = TestServer::start(Backend::Sqlite).await else {
        return;
    };
    server.create_desk("gt");
    let schema = format!("{}/api/v1/openapi.json", server.url);
    let undescribable = [
        "/api/v1/desks/{slug}/reports",
        "/api/v1/followup/messages",
        "/api/v1/enrolments",
    ];
    let mut everything = vec!["--checks", "all"];
    let mut the_rest = vec![
        "--checks",
        "all",
        "--exclude-checks",
        "positive_data_acceptance",
    ];
    for path in undescribable {
        everything.extend(["--exclude-path", path]);
        the_rest.extend(["--include-path", path]);
    }
    for checks in [everything, the_rest] {
        let schema = schema.clone();
        let checks: Vec<String> = checks.into_iter().map(String::from).collect();
        let out = tokio::task::spawn_blocking(move || {
            Command::new("schemathesis")
                // Its cache (.schemathesis/) goes under the target directory, not the checkout.
                .current_dir(env!("CARGO_TARGET_TMPDIR"))
                .args(["run", &schema])
                .args(&checks)
                .args(["--max-examples", "40", "--seed", "20261123", "--no-color"])
                .args(["--workers", "2"])
                .output()
                .unwrap()
        })
        .await
        .unwrap();
        let report = String::from_utf8_lossy(&out.stdout);
        assert!(
            out.status.success(),
            "schemathesis found problems:\n{report}"
        );
    }
    assert!(
        !server.logs().contains("\"status\":5"),
        "a request ended in a 5xx"
    );
}
