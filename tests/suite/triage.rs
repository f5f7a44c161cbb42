//! Triage end to end on each backend: a report comes in, a vetted worker lists it, decrypts it on
//! the device, assigns it, changes its status, writes a note and replies; the reporter's follow-up
//! shows the reply and the status, never the note; nobody outside the desk reaches the case.

use resguardo::client::{desk_keys, reporter, triage, ApiClient};
use resguardo::crypto::receipt::Language;
use resguardo::domain::Status;
use serde_json::Value;

use crate::harness::{form, Backend, TestServer};
use crate::workers::{invite, PASSWORD};

crate::on_both_backends!(triage_reply_and_followup, two_desks_two_workers_each);

/// A desk made by its first supervisor, with a vetted worker; returns (supervisor, worker) logins.
pub async fn staffed_desk(
    server: &TestServer,
    client: &ApiClient,
    desk: &str,
) -> (
    resguardo::client::worker::Login,
    resguardo::client::worker::Login,
) {
    let out = server
        .command()
        .args([
            "admin", "desk", "create", "--slug", desk, "--name", "Mesa", "--json",
        ])
        .output()
        .unwrap();
    let created: Value = serde_json::from_slice(&out.stdout).unwrap();
    let boss =
        crate::workers::enrolled_account(client, desk, created["code"].as_str().unwrap(), "sofia")
            .await;
    desk_keys::init_desk_key(client, &boss.0.session.token, &boss.0.identity)
        .await
        .unwrap();
    let ana =
        crate::workers::enrolled_account(client, desk, &invite(server, desk, "worker"), "ana")
            .await;
    crate::workers::vet(client, &boss.0, "ana", &ana.1)
        .await
        .unwrap();
    (boss.0, ana.0)
}

async fn triage_reply_and_followup(backend: Backend) {
    let Some(server) = TestServer::start(backend).await else {
        return;
    };
    let client = server.client();
    let (boss, ana) = staffed_desk(&server, &client, "gt").await;
    let token = ana.session.token.clone();
    let desk_ids = crate::workers::desk_identities(&client, &token, &ana.identity)
        .await
        .unwrap();

    let submitted = reporter::submit(
        &client,
        "gt",
        &form("piden 500 dólares"),
        Language::Es,
        None,
        |_| {},
    )
    .await
    .unwrap();

    // The inbox: metadata only.
    let inbox = client.inbox(&token, None, false).await.unwrap();
    assert_eq!(inbox.len(), 1);
    assert_eq!(
        (inbox[0].id.as_str(), inbox[0].status),
        (submitted.id.as_str(), Status::New)
    );
    assert!(
        client.inbox(&token, None, true).await.unwrap().is_empty(),
        "nothing assigned yet"
    );

    // Decrypted on the device.
    let case = triage::open_case(&client, &token, &desk_ids, &submitted.id)
        .await
        .unwrap();
    let report: Value = serde_json::from_slice(case.report.as_ref().unwrap()).unwrap();
    assert_eq!(report["narrative"], "piden 500 dólares");

    client
        .assign(&token, &submitted.id, Some("ana"))
        .await
        .unwrap();
    client
        .set_status(&token, &submitted.id, Status::InReview)
        .await
        .unwrap();
    let mine = client
        .inbox(&token, Some(Status::InReview), true)
        .await
        .unwrap();
    assert_eq!(mine.len(), 1);
    assert_eq!(mine[0].assigned_to.as_deref(), Some("ana"));
    assert!(client
        .inbox(&token, Some(Status::Closed), false)
        .await
        .unwrap()
        .is_empty());

    crate::workers::note(&client, &ana, &submitted.id, "posible red de extorsión")
        .await
        .unwrap();
    crate::workers::reply(
        &client,
        &ana,
        &case.view.id,
        "Recibimos su reporte. Estamos con usted.",
    )
    .await
    .unwrap();

    let case = triage::open_case(&client, &token, &desk_ids, &submitted.id)
        .await
        .unwrap();
    assert_eq!(case.notes.len(), 1);
    assert_eq!(case.notes[0].author, "ana");
    assert_eq!(
        case.notes[0].text.as_ref().unwrap().as_str(),
        "posible red de extorsión"
    );
    assert_eq!(
        case.messages[0].text.as_ref().unwrap().as_str(),
        "Recibimos su reporte. Estamos con usted."
    );

    // The reporter sees the reply and the status, and not the note.
    let keys = reporter::derive(&submitted.phrase).await;
    let followup = reporter::followup(&client, &keys).await.unwrap();
    assert_eq!(followup.status, Status::InReview);
    assert_eq!(followup.messages.len(), 1);
    assert_eq!(
        followup.messages[0].text.as_ref().unwrap().as_str(),
        "Recibimos su reporte. Estamos con usted."
    );

    // Bad input and other people.
    let unknown = client
        .assign(&token, &submitted.id, Some("nadie"))
        .await
        .err()
        .unwrap();
    assert_eq!(unknown.problem_slug(), Some("account-not-found"));
    let bogus = client
        .case(&token, "0123456789abcdef0123456789abcdef")
        .await
        .err()
        .unwrap();
    assert_eq!(bogus.problem_slug(), Some("case-not-found"));
    let (_, other) = staffed_desk(&server, &client, "hn").await;
    for err in [
        client
            .case(&other.session.token, &submitted.id)
            .await
            .err()
            .unwrap(),
        client
            .set_status(&other.session.token, &submitted.id, Status::Spam)
            .await
            .err()
            .unwrap(),
        client
            .assign(&other.session.token, &submitted.id, None)
            .await
            .err()
            .unwrap(),
    ] {
        assert_eq!(
            err.problem_slug(),
            Some("case-not-found"),
            "another desk's worker"
        );
    }
    assert!(client
        .inbox(&other.session.token, None, false)
        .await
        .unwrap()
        .is_empty());
    let http = reqwest::Client::new();
    let anonymous = http
        .get(format!("{}/api/v1/desk/reports", server.url))
        .send()
        .await
        .unwrap();
    assert_eq!(anonymous.status(), 401);
    let bad_query = http
        .get(format!("{}/api/v1/desk/reports?status=lost", server.url))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap();
    assert_eq!(bad_query.status(), 400);
    assert_eq!(
        bad_query.headers()["content-type"],
        "application/problem+json"
    );
    assert_eq!(
        client.inbox(&token, None, false).await.unwrap()[0].status,
        Status::InReview
    );

    // Disabling: only by a supervisor, never oneself; the account's sessions end at once.
    let slug = |r: Result<(), resguardo::client::ClientError>| {
        r.err().unwrap().problem_slug().map(str::to_owned)
    };
    let boss_token = boss.session.token.clone();
    assert_eq!(
        slug(client.disable(&token, "sofia").await).as_deref(),
        Some("forbidden")
    );
    assert_eq!(
        slug(client.disable(&boss_token, "sofia").await).as_deref(),
        Some("key-conflict")
    );
    assert_eq!(
        slug(client.disable(&boss_token, "nadie").await).as_deref(),
        Some("account-not-found")
    );
    client.disable(&boss_token, "ana").await.unwrap();
    let after = client.inbox(&token, None, false).await.err().unwrap();
    assert_eq!(after.problem_slug(), Some("unauthorized"));
    let again = resguardo::client::worker::login(&client, "gt", "ana", PASSWORD, "000000")
        .await
        .err()
        .unwrap();
    assert_eq!(again.problem_slug(), Some("login-failed"));
}

/// The same from a terminal: inbox, show, assign, status, note, reply.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn triage_through_the_cli() {
    use crate::harness::run_with_input;
    let Some(server) = TestServer::start(Backend::Sqlite).await else {
        return;
    };
    let client = server.client();
    let (boss, ana) = staffed_desk(&server, &client, "gt").await;
    let submitted = reporter::submit(
        &client,
        "gt",
        &form("me amenazan por teléfono"),
        Language::Es,
        None,
        |_| {},
    )
    .await
    .unwrap();

    // A session as `worker login` would have saved it.
    let as_ana = server.terminal_of("gt", "ana", &ana, &boss.identity);
    let json = |out: std::process::Output| -> Value {
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        serde_json::from_slice(&out.stdout).unwrap()
    };

    let inbox = json(as_ana(&["worker", "inbox", "--json"]).output().unwrap());
    crate::docs::assert_cli_shape("worker inbox", &inbox);
    assert_eq!(inbox[0]["id"], submitted.id.as_str());
    let id = submitted.id.as_str();
    assert!(as_ana(&["worker", "assign", id, "ana"])
        .output()
        .unwrap()
        .status
        .success());
    assert!(as_ana(&["worker", "status", id, "in_review"])
        .output()
        .unwrap()
        .status
        .success());
    let bad = as_ana(&["worker", "status", id, "lost"]).output().unwrap();
    assert_eq!(bad.status.code(), Some(2), "clap refuses an unknown status");

    let out = run_with_input(
        as_ana(&["worker", "note", id]),
        &format!("{PASSWORD}\nlo llaman desde un número de HN\n"),
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let out = run_with_input(
        as_ana(&["worker", "reply", id]),
        &format!("{PASSWORD}\nGracias. Le llamaremos.\n"),
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );

    let shown = json(run_with_input(
        as_ana(&["worker", "show", id, "--json"]),
        &format!("{PASSWORD}\n"),
    ));
    crate::docs::assert_cli_shape("worker show ID", &shown);
    assert_eq!(shown["report"]["narrative"], "me amenazan por teléfono");
    assert!(shown["report"].get("pad").is_none());
    assert_eq!(shown["status"], "in_review");
    assert_eq!(shown["assigned_to"], "ana");
    assert_eq!(shown["notes"][0]["text"], "lo llaman desde un número de HN");
    assert_eq!(shown["messages"][0]["text"], "Gracias. Le llamaremos.");

    // A stranger's escape sequences (write the clipboard, clear the screen, move the cursor) are
    // shown, never run, in the worker's terminal.
    let keys = reporter::derive(&submitted.phrase).await;
    let hostile = "hola\u{1b}]52;c;SGk=\u{7}\u{1b}[2J\rfalso\u{202E}";
    reporter::send_message(&client, &keys, "gt", None, hostile)
        .await
        .unwrap();
    let human = run_with_input(as_ana(&["worker", "show", id]), &format!("{PASSWORD}\n"));
    let text = String::from_utf8_lossy(&human.stdout);
    assert!(
        text.contains("me amenazan por teléfono") && text.contains("Notes (desk only)"),
        "{text}"
    );
    assert!(
        text.contains("hola\u{241b}]52;c;SGk=\u{2407}\u{241b}[2J\u{240d}falso\u{FFFD}"),
        "{text}"
    );
    assert!(
        !text
            .chars()
            .any(|c| (c.is_control() && c != '\n' && c != '\t') || c == '\u{202E}'),
        "{text:?}"
    );

    let followup = reporter::followup(&client, &keys).await.unwrap();
    assert_eq!(
        followup.messages[0].text.as_ref().unwrap().as_str(),
        "Gracias. Le llamaremos."
    );
}

crate::on_both_backends!(notes_replies_and_keys_never_reach_the_server);

/// The canary test for the desk side: canaries in a note and a reply, the worker's password, the
/// worker's and the desk's private keys — none of it in any server file, row or log line.
async fn notes_replies_and_keys_never_reach_the_server(backend: Backend) {
    use crate::canary::{assert_never_written, new_canary};
    let Some(mut server) = TestServer::start(backend).await else {
        return;
    };
    let client = server.client();
    let (_boss, ana) = staffed_desk(&server, &client, "gt").await;
    let token = ana.session.token.clone();
    let desk_ids = crate::workers::desk_identities(&client, &token, &ana.identity)
        .await
        .unwrap();
    let submitted = reporter::submit(&client, "gt", &form("x"), Language::Es, None, |_| {})
        .await
        .unwrap();
    let case = triage::open_case(&client, &token, &desk_ids, &submitted.id)
        .await
        .unwrap();
    let (note_canary, reply_canary) = (new_canary(), new_canary());
    crate::workers::note(&client, &ana, &submitted.id, &note_canary)
        .await
        .unwrap();
    crate::workers::reply(&client, &ana, &case.view.id, &reply_canary)
        .await
        .unwrap();

    let secret = |id: &age::x25519::Identity| {
        age::secrecy::ExposeSecret::expose_secret(&id.to_string()).to_owned()
    };
    let secrets = [
        ("note", note_canary),
        ("reply", reply_canary),
        ("password", PASSWORD.to_owned()),
        ("worker key", secret(&ana.identity)),
        ("desk key", secret(&desk_ids[0].1)),
    ];
    assert_never_written(&mut server, &secrets).await;
}

/// A worker's device unlocks its desk keys and decrypts case `id`.
async fn open_as(
    client: &ApiClient,
    worker: &resguardo::client::worker::Login,
    id: &str,
) -> (
    Vec<(i64, age::x25519::Identity)>,
    resguardo::protocol::case::OpenCase,
) {
    let token = &worker.session.token;
    let keys = crate::workers::desk_identities(client, token, &worker.identity)
        .await
        .unwrap();
    let case = triage::open_case(client, token, &keys, id).await.unwrap();
    (keys, case)
}

/// The end-to-end scene: two desks, each with a supervisor and two workers (enrolled, vetted
/// after comparing safety numbers, logged in with TOTP). In each desk a report comes in, one worker
/// triages it and leaves a note, the other reads the note and replies; the reporter reads the reply
/// through follow-up; nobody reaches the other desk's case.
async fn two_desks_two_workers_each(backend: Backend) {
    let Some(server) = TestServer::start(backend).await else {
        return;
    };
    let client = server.client();
    let mut desks = vec![];
    for slug in ["gt", "hn"] {
        let (boss, first) = staffed_desk(&server, &client, slug).await;
        let (second, fingerprint) = crate::workers::enrolled_account(
            &client,
            slug,
            &invite(&server, slug, "worker"),
            "beto",
        )
        .await;
        crate::workers::vet(&client, &boss, "beto", &fingerprint)
            .await
            .unwrap();
        let narrative = format!("extorsión en {slug}");
        let submitted =
            reporter::submit(&client, slug, &form(&narrative), Language::Es, None, |_| {})
                .await
                .unwrap();
        desks.push((slug, first, second, submitted, narrative));
    }
    for (slug, first, second, submitted, narrative) in &desks {
        let id = &submitted.id;
        let (_, case) = open_as(&client, first, id).await;
        let report: Value = serde_json::from_slice(case.report.as_ref().unwrap()).unwrap();
        assert_eq!(report["narrative"], narrative.as_str());
        client
            .assign(&first.session.token, id, Some("beto"))
            .await
            .unwrap();
        client
            .set_status(&first.session.token, id, Status::InReview)
            .await
            .unwrap();
        crate::workers::note(&client, first, id, "para Beto")
            .await
            .unwrap();

        let (_, case) = open_as(&client, second, id).await;
        assert_eq!(case.notes[0].text.as_ref().unwrap().as_str(), "para Beto");
        let reply = format!("La mesa {slug} le acompaña.");
        crate::workers::reply(&client, second, &case.view.id, &reply)
            .await
            .unwrap();

        let followup = reporter::followup(&client, &reporter::derive(&submitted.phrase).await)
            .await
            .unwrap();
        assert_eq!(followup.status, Status::InReview);
        let texts: Vec<&str> = followup
            .messages
            .iter()
            .map(|m| m.text.as_ref().unwrap().as_str())
            .collect();
        assert_eq!(texts, [reply.as_str()]);

        // The other desk's workers find nothing of this case.
        for (other_slug, a, b, _, _) in &desks {
            if other_slug == slug {
                continue;
            }
            for outsider in [a, b] {
                let refused = client
                    .case(&outsider.session.token, id)
                    .await
                    .err()
                    .unwrap();
                assert_eq!(refused.problem_slug(), Some("case-not-found"));
                let inbox = client
                    .inbox(&outsider.session.token, None, false)
                    .await
                    .unwrap();
                assert!(inbox.iter().all(|c| c.id != *id));
            }
        }
    }
}
