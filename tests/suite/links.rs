//! Linked cases inside a desk (docs/protocol.md §11), on both backends: three cases naming one
//! phone number in three writings are linked, a case of another desk with the same number is not;
//! the server refuses tokens it should not keep; a supervisor exports the shared indicators,
//! decrypted on the device, as a CSV a spreadsheet shows as text; a key rotation links every case
//! again under the new key; and no indicator, typed or normalised, is in anything the server wrote.

use std::collections::BTreeSet;

use resguardo::client::{reporter, ApiClient};
use resguardo::crypto::receipt::Language;
use resguardo::protocol::report::ReportForm;
use serde_json::{json, Value};

use crate::harness::{run_with_input, Backend, TestServer};
use crate::triage::staffed_desk;
use crate::workers::PASSWORD;

crate::on_both_backends!(linked_cases_within_a_desk);

fn with_indicators(country: Option<&str>, indicators: &[(&str, &str)]) -> ReportForm {
    let indicators: Vec<Value> = indicators
        .iter()
        .map(|(kind, value)| json!({"type": kind, "value": value}))
        .collect();
    let mut form = json!({"kind": "sextortion", "narrative": "me piden dinero",
                          "indicators": indicators});
    if let Some(country) = country {
        form["country"] = json!(country);
    }
    serde_json::from_value(form).unwrap()
}

async fn submit(client: &ApiClient, desk: &str, form: ReportForm) -> String {
    let submitted = reporter::submit(client, desk, &form, Language::Es, None, |_| {});
    submitted.await.unwrap().id
}

/// Runs a command that reads the password from stdin; its stdout as JSON.
fn json_of(cmd: std::process::Command) -> Value {
    let out = run_with_input(cmd, &format!("{PASSWORD}\n"));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{stderr}");
    serde_json::from_slice(&out.stdout).unwrap_or_else(|e| panic!("{e}: {stderr}"))
}

/// The other cases `worker show --json` says name `indicator`.
fn linked(shown: &Value, indicator: &str) -> BTreeSet<String> {
    let links = shown["links"].as_array().unwrap();
    let link = links.iter().find(|l| l["indicator"] == indicator);
    let cases = link.unwrap_or_else(|| panic!("{indicator} not in {shown}"))["cases"].clone();
    serde_json::from_value(cases).unwrap()
}

/// `POST /api/v1/desk/reports/{id}/links` as `token`: the status and the body.
async fn post_tokens(server: &TestServer, token: &str, id: &str, body: &Value) -> (u16, Value) {
    let url = format!("{}/api/v1/desk/reports/{id}/links", server.url);
    let response = reqwest::Client::new()
        .post(url)
        .bearer_auth(token)
        .json(body)
        .send()
        .await
        .unwrap();
    let status = response.status().as_u16();
    (status, response.json().await.unwrap_or(Value::Null))
}

async fn linked_cases_within_a_desk(backend: Backend) {
    let countries = [("RESGUARDO__LINKING__COUNTRIES__GT", "GT")];
    let Some(mut server) = TestServer::start_with(backend, &countries).await else {
        return;
    };
    let client = server.client();
    let (boss, ana) = staffed_desk(&server, &client, "gt").await;
    let (hn_boss, hn_ana) = staffed_desk(&server, &client, "hn").await;
    assert_eq!(
        client.desk("gt").await.unwrap().country.as_deref(),
        Some("GT")
    );
    assert_eq!(client.desk("hn").await.unwrap().country, None);

    // One number in three writings: national (read as the desk's country), international, with
    // the international prefix; a second reporter's case names it too. Another number, and the
    // same number in another desk.
    let first = with_indicators(
        None,
        &[("phone", "5555-1234"), ("handle", "IG @Cobrador.Rapido")],
    );
    let c1 = submit(&client, "gt", first).await;
    let c2 = submit(
        &client,
        "gt",
        with_indicators(Some("GT"), &[("phone", "+502 5555 1234")]),
    )
    .await;
    let c3 = submit(
        &client,
        "gt",
        with_indicators(None, &[("phone", "00502 5555-1234")]),
    )
    .await;
    let other = submit(
        &client,
        "gt",
        with_indicators(Some("GT"), &[("phone", "4444-1234")]),
    )
    .await;
    let elsewhere = with_indicators(Some("GT"), &[("phone", "+502 5555 1234")]);
    let hn_case = submit(&client, "hn", elsewhere).await;

    let as_ana = server.terminal_of("gt", "ana", &ana, &boss.identity);
    let as_boss = server.terminal_of("gt", "sofia", &boss, &boss.identity);
    let as_hn_ana = server.terminal_of("hn", "ana", &hn_ana, &hn_boss.identity);

    // The first case opened links nothing yet; its tokens are stored.
    let shown = json_of(as_ana(&["worker", "show", &c1, "--json"]));
    crate::docs::assert_cli_shape("worker show ID", &shown);
    assert!(linked(&shown, "phone:+50255551234").is_empty(), "{shown}");

    // Every case, once (after an upgrade), on each desk.
    let done = json_of(as_ana(&["desk", "link-cases", "--json"]));
    crate::docs::assert_cli_shape("desk link-cases", &done);
    assert_eq!(done, json!({"linked": 4, "unreadable": 0}));
    let done = json_of(as_hn_ana(&["desk", "link-cases", "--json"]));
    assert_eq!(done["linked"], 1);

    let shown = json_of(as_ana(&["worker", "show", &c1, "--json"]));
    let expected: BTreeSet<String> = [c2.clone(), c3.clone()].into();
    assert_eq!(linked(&shown, "phone:+50255551234"), expected, "{shown}");
    assert!(linked(&shown, "handle:instagram:cobrador.rapido").is_empty());
    let shown = json_of(as_ana(&["worker", "show", &other, "--json"]));
    assert!(linked(&shown, "phone:+50244441234").is_empty(), "{shown}");
    let shown = json_of(as_hn_ana(&["worker", "show", &hn_case, "--json"]));
    assert!(
        linked(&shown, "phone:+50255551234").is_empty(),
        "another desk's cases: {shown}"
    );

    // In a terminal, the line a worker reads.
    let out = run_with_input(as_ana(&["worker", "show", &c2]), &format!("{PASSWORD}\n"));
    let printed = String::from_utf8_lossy(&out.stdout);
    assert!(
        printed.contains("phone:+50255551234 appears in 2 other cases")
            && printed.contains(&c1)
            && printed.contains(&c3),
        "{printed}"
    );

    refuses_what_it_should_not_keep(&server, &ana.session.token, &c1, &hn_case).await;

    // The export: supervisors only, decrypted on the device, text to a spreadsheet, audited.
    let out = run_with_input(
        as_ana(&["desk", "export-indicators"]),
        &format!("{PASSWORD}\n"),
    );
    assert!(!out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("supervisor"), "{stderr}");
    let exported = json_of(as_boss(&["desk", "export-indicators", "--json"]));
    crate::docs::assert_cli_shape("desk export-indicators", &exported);
    assert_eq!(
        exported["indicators"].as_array().unwrap().len(),
        1,
        "{exported}"
    );
    assert_eq!(exported["indicators"][0]["indicator"], "phone:+50255551234");
    let outside = tempfile::tempdir().unwrap();
    let csv_path = outside.path().join("indicadores.csv");
    let csv_arg = csv_path.display().to_string();
    let out = run_with_input(
        as_boss(&[
            "desk",
            "export-indicators",
            "--min-cases",
            "3",
            "--out",
            &csv_arg,
        ]),
        &format!("{PASSWORD}\n"),
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let csv = std::fs::read_to_string(&csv_path).unwrap();
    let mut ids = [c1.clone(), c2.clone(), c3.clone()];
    ids.sort();
    let row = format!("phone,'+50255551234,3,{}\r\n", ids.join(" "));
    assert_eq!(csv, format!("type,value,cases,case_ids\r\n{row}"));
    use std::os::unix::fs::PermissionsExt;
    let mode = std::fs::metadata(&csv_path).unwrap().permissions().mode();
    assert_eq!(mode & 0o777, 0o600);
    let log = json_of(as_boss(&[
        "desk",
        "audit",
        "--action",
        "links.export",
        "--json",
    ]));
    let subjects: Vec<&str> = log
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["subject"].as_str().unwrap())
        .collect();
    assert_eq!(subjects, ["3", "2"], "{log}");

    // A rotation links every case again under the new key: the links hold.
    let rotated = json_of(as_boss(&["desk", "rotate-key", "--json"]));
    assert_eq!(
        rotated["relinked"],
        json!({"linked": 4, "unreadable": 0}),
        "{rotated}"
    );
    let shown = json_of(as_ana(&["worker", "show", &c3, "--json"]));
    let expected: BTreeSet<String> = [c1.clone(), c2.clone()].into();
    assert_eq!(linked(&shown, "phone:+50255551234"), expected, "{shown}");

    drop((as_ana, as_boss, as_hn_ana));
    crate::canary::assert_never_written(
        &mut server,
        &[
            ("normalised phone", "+50255551234".into()),
            ("typed phone", "5555-1234".into()),
            ("typed phone", "+502 5555 1234".into()),
            ("normalised handle", "cobrador.rapido".into()),
            ("typed handle", "Cobrador.Rapido".into()),
        ],
    )
    .await;
}

/// Tokens the server must refuse: an old key version, malformed, too many, repeated, another
/// desk's case, no session.
async fn refuses_what_it_should_not_keep(
    server: &TestServer,
    token: &str,
    own: &str,
    foreign: &str,
) {
    let good = resguardo::domain::b64_encode(&[7u8; 32]);
    let (status, problem) = post_tokens(
        server,
        token,
        own,
        &json!({"key_version": 99, "tokens": [good]}),
    )
    .await;
    assert_eq!(status, 409, "{problem}");
    assert!(problem["detail"]
        .as_str()
        .unwrap()
        .contains("current key version"));
    let (status, problem) = post_tokens(
        server,
        token,
        own,
        &json!({"key_version": 1, "tokens": ["abc"]}),
    )
    .await;
    assert_eq!(
        (status, problem["type"].is_string()),
        (400, true),
        "{problem}"
    );
    let many: Vec<String> = (0..21u8)
        .map(|i| resguardo::domain::b64_encode(&[i; 32]))
        .collect();
    let (status, _) = post_tokens(
        server,
        token,
        own,
        &json!({"key_version": 1, "tokens": many}),
    )
    .await;
    assert_eq!(status, 400);
    let twice = json!({"key_version": 1, "tokens": [good, good]});
    assert_eq!(post_tokens(server, token, own, &twice).await.0, 400);
    let one = json!({"key_version": 1, "tokens": [good]});
    assert_eq!(post_tokens(server, token, foreign, &one).await.0, 404);
    assert_eq!(post_tokens(server, "not-a-session", own, &one).await.0, 401);
    let url = format!("{}/api/v1/desk/links?min_cases=1", server.url);
    let response = reqwest::Client::new()
        .get(url)
        .bearer_auth(token)
        .send()
        .await
        .unwrap();
    assert_eq!(
        response.status().as_u16(),
        403,
        "a worker is not a supervisor"
    );
}
