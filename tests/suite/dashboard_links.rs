//! Linked cases in the dashboard (docs/protocol.md §11): opening a case in Chromium stores its
//! match tokens, made in the browser, and shows which other cases name the same phone number,
//! with buttons that open them; the browser's tokens and the command line's are the same, so a
//! case linked by one is found by the other.

use serde_json::{json, Value};

use resguardo::client::reporter;
use resguardo::crypto::receipt::Language;
use resguardo::protocol::report::ReportForm;

use crate::browser::web_tool;
use crate::dashboard::{browser_worker, dashboard_desk, Desk};
use crate::harness::{run_with_input, Backend};
use crate::workers::PASSWORD;

crate::on_both_backends!(linked_cases_show_in_the_browser);

fn naming(phone: &str) -> ReportForm {
    serde_json::from_value(json!({
        "kind": "phone_extortion", "narrative": "llaman cada noche", "country": "GT",
        "indicators": [{"type": "phone", "value": phone}],
    }))
    .unwrap()
}

async fn linked_cases_show_in_the_browser(backend: Backend) {
    let Some(Desk {
        web,
        server,
        client,
        boss,
        ana,
        root,
    }) = dashboard_desk(backend).await
    else {
        return;
    };
    let mut ids = vec![];
    for phone in ["5555-1234", "+502 5555 1234", "4444-1234"] {
        let form = naming(phone);
        let sent = reporter::submit(&client, "gt", &form, Language::Es, None, |_| {});
        ids.push(sent.await.unwrap().id);
    }
    // The command line links the older case; the browser links the newer one when it opens it.
    let as_ana = server.terminal_of("gt", "ana", &ana, &boss.identity);
    let out = run_with_input(
        as_ana(&["worker", "show", &ids[0], "--json"]),
        &format!("{PASSWORD}\n"),
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );

    let lucia = browser_worker(&server, &client, &boss, "lucia", "links").await;
    let args = [
        "linked",
        &lucia.url,
        &lucia.shots,
        "gt",
        "lucia",
        PASSWORD,
        &lucia.code,
        &root,
        &ids[1],
    ];
    let seen: Value = web_tool(&web, "desk", &args, &[]);
    assert_eq!(seen["violations"], json!([]), "{seen}");
    assert_eq!(seen["foreign"], json!([]), "{seen}");
    let link = &seen["links"][0];
    assert_eq!(link["indicator"], "phone:+50255551234", "{seen}");
    assert_eq!(link["cases"], json!([ids[0]]), "{seen}");
    let text = link["text"].as_str().unwrap();
    assert!(
        text.starts_with("Teléfono: +50255551234 · también en 1 caso(s):"),
        "{text}"
    );
    assert_eq!(
        seen["links"].as_array().unwrap().len(),
        1,
        "the third number is not shared: {seen}"
    );
    // Followed: the older case, and its link back to the newer one.
    assert_eq!(seen["followed"][0]["cases"], json!([ids[1]]), "{seen}");

    // The command line sees the browser's tokens: the same key, the same normalisation.
    let out = run_with_input(
        as_ana(&["worker", "show", &ids[0], "--json"]),
        &format!("{PASSWORD}\n"),
    );
    let shown: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(
        shown["links"],
        json!([{"indicator": "phone:+50255551234", "cases": [ids[1]]}]),
        "{shown}"
    );
}
