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

crate::on_both_backends!(desks_read_their_own_audit_log);

/// A desk reads its own audit log (docs/api.md): a case's trail for any vetted account, with the
/// partner's entries on its referrals; the whole log, filtered, for supervisors; nothing of
/// another desk; only ids, names and hours.
async fn desks_read_their_own_audit_log(backend: Backend) {
    use resguardo::protocol::audit::AuditQuery;
    let Some(server) = TestServer::start(backend).await else {
        return;
    };
    let client = server.client();
    let (boss, ana) = staffed_desk(&server, &client, "gt").await;
    let (_, hn_worker) = staffed_desk(&server, &client, "hn").await;
    let story = crate::canary::new_canary();
    let mut ids = vec![];
    for text in [story.as_str(), "otro"] {
        let submitted = reporter::submit(&client, "gt", &form(text), Language::Es, None, |_| {})
            .await
            .unwrap();
        client
            .case(&ana.session.token, &submitted.id)
            .await
            .unwrap();
        ids.push(submitted.id);
    }
    client
        .set_status(&ana.session.token, &ids[0], Status::InReview)
        .await
        .unwrap();

    let trail = client
        .case_trail(&ana.session.token, &ids[0])
        .await
        .unwrap();
    let actions: Vec<(&str, &str)> = trail
        .iter()
        .map(|e| (e.actor.as_str(), e.action.as_str()))
        .collect();
    assert_eq!(actions, [("ana", "case.open"), ("ana", "case.status")]);
    assert!(
        trail.iter().all(|e| e.subject.starts_with(&ids[0])),
        "{trail:?}"
    );
    assert!(
        trail.windows(2).all(|w| w[0].seq < w[1].seq),
        "oldest first"
    );
    assert!(
        trail[0].at.ends_with(":00Z") && trail[0].at.len() == 17,
        "{}",
        trail[0].at
    );
    let foreign = client
        .case_trail(&hn_worker.session.token, &ids[0])
        .await
        .err()
        .unwrap();
    assert_eq!(foreign.problem_slug(), Some("case-not-found"));

    // The whole log: supervisors only, newest first, filtered, in pages.
    let query = |actor: Option<&str>, action: Option<&str>, before, limit| AuditQuery {
        actor: actor.map(str::to_owned),
        action: action.map(str::to_owned),
        before,
        limit,
    };
    let refused = client
        .desk_audit(&ana.session.token, &query(None, None, None, None))
        .await
        .err()
        .unwrap();
    assert_eq!(refused.problem_slug(), Some("forbidden"));
    let token = &boss.session.token;
    let all = client
        .desk_audit(token, &query(None, None, None, None))
        .await
        .unwrap();
    assert!(all.windows(2).all(|w| w[0].seq > w[1].seq), "newest first");
    assert!(all.iter().any(|e| e.action == "account.enrol"));
    let opens = client
        .desk_audit(token, &query(Some("ana"), Some("case.open"), None, None))
        .await
        .unwrap();
    assert_eq!(opens.len(), 2);
    let page = client
        .desk_audit(token, &query(None, None, Some(opens[0].seq), Some(1)))
        .await
        .unwrap();
    assert_eq!(page.len(), 1);
    assert!(page[0].seq < opens[0].seq);
    let bad = client
        .desk_audit(token, &query(None, None, None, Some(0)))
        .await
        .err()
        .unwrap();
    assert_eq!(bad.problem_slug(), Some("invalid-field"));
    // Another desk's entries never appear, and nothing a reporter wrote does.
    let hn = client
        .desk_audit(token, &query(Some("admin"), None, None, Some(1000)))
        .await
        .unwrap();
    assert!(hn.iter().all(|e| !e.subject.contains("hn")), "{hn:?}");
    assert!(all.iter().all(|e| !e.subject.contains(&story)));
}
