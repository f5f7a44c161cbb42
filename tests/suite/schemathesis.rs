//! Schemathesis against the served OpenAPI document: every operation, every check, no 5xx, no
//! answer the document does not describe, and no schema-valid request refused as malformed
//! (`positive_data_acceptance`): the document's patterns say what the server checks (canonical
//! base64 of the right length, desk slugs, user names, six-digit codes). Three operations are
//! checked with everything but that one check, because no schema can describe what they need: a
//! real, padded age file to the desk (reports, reporter messages), a solved challenge (reports),
//! a code an administrator issued, with a valid bech32 recipient (enrolments), a length that is a
//! file bucket in age's chunks (beginning an upload) and the exact bytes of a part of a real
//! upload (its parts). A run that stops on an error inside schemathesis itself, with no failed
//! check, is run once more: that is the tool's failure, not the API's.

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
        "/api/v1/followup/attachments",
        "/api/v1/uploads/{id}/parts/{part}",
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
        let mut out = run(&schema, &checks).await;
        let report = String::from_utf8_lossy(&out.stdout).into_owned();
        if !out.status.success() && tool_failed_alone(&report) {
            eprintln!(
                "schemathesis failed inside itself, with no failed check; running it again. \
                 Its report:\n{report}"
            );
            out = run(&schema, &checks).await;
        }
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

async fn run(schema: &str, checks: &[String]) -> std::process::Output {
    let (schema, checks) = (schema.to_owned(), checks.to_vec());
    tokio::task::spawn_blocking(move || {
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
    .unwrap()
}

/// Whether a failed run's report shows only errors schemathesis ran into itself ("Runtime
/// Error", as hypothesis failing to describe one of its own lambdas), and no check that failed.
fn tool_failed_alone(report: &str) -> bool {
    report.contains("Runtime Error") && !report.contains("FAILURES")
}
