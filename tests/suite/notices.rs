//! Knowing there is work without leaking it (`[notifications]`): a desk's address gets how many
//! of its cases wait for an answer, and nothing else, at most once an interval (an hour at least):
//! once when the server starts with work waiting, and not again when more arrives within it.

use std::time::Duration;

use resguardo::client::reporter;
use resguardo::crypto::receipt::Language;
use serde_json::Value;

use crate::harness::{form, Backend, TestServer};
use crate::partners::receiver_answering;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_desk_learns_how_many_cases_wait_and_nothing_else() {
    let (url, mut received) = receiver_answering(false).await;
    let settings = [
        ("RESGUARDO__NOTIFICATIONS__DESKS__GT__URL", url.as_str()),
        ("RESGUARDO__WEBHOOKS__ALLOW_HTTP", "true"),
        ("RESGUARDO__WEBHOOKS__ALLOW_PRIVATE", "true"),
    ];
    let Some(mut server) = TestServer::start_with(Backend::Sqlite, &settings).await else {
        return;
    };
    let client = server.client();
    let (_boss, _ana) = crate::triage::staffed_desk(&server, &client, "gt").await;
    let canary = crate::canary::new_canary();
    reporter::submit(&client, "gt", &form(&canary), Language::Es, None, |_| {})
        .await
        .unwrap();
    // Started with nothing waiting: no notice.
    assert!(received.try_recv().is_err());

    // Restarted with one case waiting: one notice, the number only.
    server.restart();
    let (_, body) = tokio::time::timeout(Duration::from_secs(30), received.recv())
        .await
        .expect("a notice")
        .unwrap();
    let notice: Value = serde_json::from_str(&body).unwrap();
    assert_eq!(
        notice,
        serde_json::json!({"waiting": 1, "text": "Resguardo: casos que esperan respuesta en la mesa: 1."})
    );
    assert!(!body.contains(&canary));

    // More work within the hour: no second notice.
    let client = server.client();
    reporter::submit(&client, "gt", &form("otro"), Language::Es, None, |_| {})
        .await
        .unwrap();
    tokio::time::sleep(Duration::from_secs(3)).await;
    assert!(
        received.try_recv().is_err(),
        "at most one notice an interval"
    );
}
