//! The audit log records every privileged action, including each opening of a case, and
//! `resguardo admin audit verify` catches an entry changed, deleted or reordered in the database.

use resguardo::client::{reporter, triage, worker};
use resguardo::crypto::receipt::Language;
use resguardo::domain::Status;

use crate::harness::{form, Backend, TestServer};
use crate::triage::staffed_desk;
use crate::workers::PASSWORD;

crate::on_both_backends!(audit_records_and_detects_tampering);

fn verify(server: &TestServer) -> (bool, String) {
    let out = server
        .command()
        .args(["admin", "audit", "verify"])
        .output()
        .unwrap();
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    (out.status.success(), text)
}

async fn audit_records_and_detects_tampering(backend: Backend) {
    let Some(server) = TestServer::start(backend).await else {
        return;
    };
    let client = server.client();
    let (_boss, ana) = staffed_desk(&server, &client, "gt").await;
    let token = ana.session.token.clone();
    let desk_ids = crate::workers::desk_identities(&client, &token, &ana.identity)
        .await
        .unwrap();
    let id = reporter::submit(&client, "gt", &form("x"), Language::Es, None, |_| {})
        .await
        .unwrap()
        .id;
    let case = triage::open_case(&client, &token, &desk_ids, &id)
        .await
        .unwrap();
    client
        .set_status(&token, &id, Status::Closed)
        .await
        .unwrap();
    crate::workers::note(&client, &ana, &id, "nota secreta")
        .await
        .unwrap();
    crate::workers::reply(&client, &ana, &case.view.id, "respuesta secreta")
        .await
        .unwrap();
    let _ = worker::login(&client, "gt", "ana", "una contraseña equivocada", "000000").await;

    let log = server.audit_rows().await;
    let has = |actor: &str, action: &str, subject: &str| {
        log.iter().any(|r| {
            r.entry.actor == actor
                && r.entry.action == action
                && r.entry.subject.starts_with(subject)
        })
    };
    assert!(has("sofia", "desk.key_init", "1"));
    assert!(has("sofia", "account.vet", "ana"));
    assert!(has("ana", "login.ok", ""));
    assert!(
        has("ana", "case.open", &id),
        "who opened which case is on record"
    );
    assert!(has("ana", "case.status", &format!("{id} closed")));
    assert!(has("ana", "case.note", &id) && has("ana", "case.reply", &id));
    assert!(has("ana", "login.failed", ""));
    for row in &log {
        let text = format!("{:?}", row.entry);
        assert!(
            !text.contains("secreta") && !text.contains(PASSWORD),
            "no secrets in the audit log"
        );
    }
    let (ok, text) = verify(&server);
    assert!(ok, "{text}");
    assert!(text.contains(&format!("{} entries", log.len())), "{text}");

    let json = |server: &TestServer| {
        let out = server
            .command()
            .args(["admin", "audit", "verify", "--json"])
            .output()
            .unwrap();
        let printed: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        crate::docs::assert_cli_shape("admin audit verify", &printed);
        (out.status.code(), printed)
    };
    let (code, printed) = json(&server);
    assert_eq!((code, printed["ok"].as_bool()), (Some(0), Some(true)));

    // Changed.
    server
        .tamper("UPDATE audit_log SET actor = 'mallory' WHERE seq = 3")
        .await;
    let (ok, text) = verify(&server);
    assert!(!ok && text.contains("entry 3 was changed"), "{text}");
    let (code, printed) = json(&server);
    assert_eq!((code, printed["ok"].as_bool()), (Some(1), Some(false)));
    server
        .tamper(&format!(
            "UPDATE audit_log SET actor = '{}' WHERE seq = 3",
            log[2].entry.actor
        ))
        .await;
    assert!(verify(&server).0);

    // Deleted.
    server.tamper("DELETE FROM audit_log WHERE seq = 2").await;
    let (ok, text) = verify(&server);
    assert!(!ok && text.contains("before entry 3"), "{text}");

    // Reordered: two entries swap their contents (their sequence numbers stay).
    let fresh = TestServer::start(backend).await.unwrap();
    let (_b, _a) = staffed_desk(&fresh, &fresh.client(), "gt").await;
    let rows = fresh.audit_rows().await;
    let (r4, r5) = (&rows[3], &rows[4]);
    let hex = |b: &[u8]| b.iter().map(|x| format!("{x:02x}")).collect::<String>();
    let blob = |b: &[u8]| match backend {
        Backend::Sqlite => format!("X'{}'", hex(b)),
        Backend::Postgres => format!("'\\x{}'::bytea", hex(b)),
    };
    let set = |seq: i64, r: &resguardo::store::AuditRow| {
        format!(
            "UPDATE audit_log SET at = {}, desk_slug = '{}', actor = '{}', action = '{}', subject = '{}', prev_hash = {}, hash = {} WHERE seq = {seq}",
            r.at, r.entry.desk, r.entry.actor, r.entry.action, r.entry.subject, blob(&r.prev_hash), blob(&r.hash)
        )
    };
    fresh.tamper(&set(4, r5)).await;
    fresh.tamper(&set(5, r4)).await;
    let (ok, text) = verify(&fresh);
    assert!(!ok && text.contains("before entry 4"), "{text}");
}
