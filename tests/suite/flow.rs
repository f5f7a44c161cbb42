//! A reporter's whole path on each backend: submit → follow-up → message → follow-up.

use resguardo::client::reporter::{self, DeskPin};
use resguardo::crypto::receipt::{Language, ReceiptPhrase};
use resguardo::crypto::seal;
use resguardo::domain::{Author, Recipient, ReportId, Status};

use crate::harness::{form, Backend, TestServer};

crate::on_both_backends!(submit_followup_message);

async fn submit_followup_message(backend: Backend) {
    let Some(server) = TestServer::start(backend).await else {
        return;
    };
    let desk = server.create_desk("gt");
    let client = server.client();
    let fingerprint = Recipient::from(desk.to_public()).fingerprint();

    // A reporter who knows the desk's fingerprint refuses any other key.
    let wrong = "0000 0000 0000 0000 0000 0000 0000 0000";
    let refused = reporter::submit(
        &client,
        "gt",
        &form("x"),
        Language::Es,
        Some(DeskPin::Key(wrong)),
        |_| {},
    )
    .await;
    assert!(refused
        .err()
        .unwrap()
        .to_string()
        .contains("refusing to encrypt"));

    let pin = fingerprint.as_str().replace(' ', "").to_uppercase();
    let submitted = reporter::submit(
        &client,
        "gt",
        &form("me piden dinero"),
        Language::Es,
        Some(DeskPin::Key(&pin)),
        |_| {},
    )
    .await
    .unwrap();
    assert_eq!(submitted.phrase.expose().split(' ').count(), 8);
    assert_eq!(submitted.desk_fingerprint, fingerprint);

    // The desk, and only the desk, can read what was stored.
    let store = server.store().await;
    let stored = crate::harness::find_report(&store, &ReportId::parse(&submitted.id).unwrap())
        .await
        .unwrap();
    assert_eq!(stored.status, Status::New);
    assert_eq!(
        stored.created_at % 3600,
        0,
        "stored times are rounded to the hour"
    );
    let plain = seal::open(&desk, stored.ciphertext.as_bytes()).unwrap();
    let doc: serde_json::Value = serde_json::from_slice(&plain).unwrap();
    assert_eq!(doc["narrative"], "me piden dinero");
    assert_eq!(doc["schema"], "resguardo.report.v2");
    assert!(
        plain.len().is_power_of_two() && plain.len() >= 1024,
        "padded to a bucket"
    );

    // The reporter comes back, typing the phrase in capitals.
    let typed = ReceiptPhrase::parse(&submitted.phrase.expose().to_uppercase()).unwrap();
    let keys = reporter::derive(&typed).await;
    let case = reporter::followup(&client, &keys).await.unwrap();
    assert_eq!(case.status, Status::New);
    assert_eq!(case.desk, "gt");
    assert!(case.messages.is_empty());

    reporter::send_message(&client, &keys, &case.desk, None, "tengo capturas")
        .await
        .unwrap();
    let case = reporter::followup(&client, &keys).await.unwrap();
    assert_eq!(case.messages.len(), 1);
    assert_eq!(case.messages[0].author, Author::Reporter);
    assert_eq!(
        case.messages[0].text.as_ref().unwrap().as_str(),
        "tengo capturas"
    );

    // The desk can read the reporter's message too.
    let thread = crate::harness::find_thread(&store, &stored.id).await;
    let plain = seal::open(&desk, thread[0].ciphertext.as_bytes()).unwrap();
    assert!(String::from_utf8_lossy(&plain).contains("tengo capturas"));

    // Another phrase finds nothing.
    let other = reporter::derive(&ReceiptPhrase::generate(Language::Es)).await;
    let err = reporter::followup(&client, &other).await.err().unwrap();
    assert_eq!(err.problem_slug(), Some("receipt-not-found"));
}
