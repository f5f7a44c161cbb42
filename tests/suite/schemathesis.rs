//! Schemathesis against the served OpenAPI document: every operation, every check, no 5xx, no
//! answer the document does not describe. `positive_data_acceptance` is left out: a schema-valid
//! string is almost never a real age file or a solved challenge, and refusing it is correct.

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
    let out = tokio::task::spawn_blocking(move || {
        Command::new("schemathesis")
            // Its cache (.schemathesis/) goes under the target directory, not into the checkout.
            .current_dir(env!("CARGO_TARGET_TMPDIR"))
            .args([
                "run",
                &schema,
                "--checks",
                "all",
                "--exclude-checks",
                "positive_data_acceptance",
            ])
            .args([
                "--max-examples",
                "40",
                "--seed",
                "20261123",
                "--no-color",
                "--workers",
                "2",
            ])
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
    assert!(
        !server.logs().contains("\"status\":5"),
        "a request ended in a 5xx"
    );
}
