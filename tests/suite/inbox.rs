//! The inbox a desk device builds (docs/api.md): what each account has not been shown yet, since
//! when a reporter waits, and the report ciphertexts in pages for the device to decrypt and search
//! (audited as `cases.read`, scoped to the desk); and `worker search`, which finds a word of a
//! report on the device, whatever its accents and case.

use resguardo::client::partner as partner_side;
use resguardo::client::{reporter, ApiClient};
use resguardo::crypto::receipt::Language;
use resguardo::domain::Status;
use resguardo::protocol::cases::{CaseSummaryView, ContentsPage};
use serde_json::Value;

use crate::harness::{form, Backend, TestServer};
use crate::triage::staffed_desk;
use crate::workers::PASSWORD;

crate::on_both_backends!(unread_waiting_and_contents);

async fn summary(client: &ApiClient, token: &str, id: &str) -> CaseSummaryView {
    let inbox = client.inbox(token, None, false).await.unwrap();
    inbox.into_iter().find(|c| c.id == id).unwrap()
}

/// `GET /api/v1/desk/contents` with `query`: the status and the body.
async fn contents(server: &TestServer, token: &str, query: &str) -> (u16, Value) {
    let url = format!("{}/api/v1/desk/contents{query}", server.url);
    let response = reqwest::Client::new()
        .get(url)
        .bearer_auth(token)
        .send()
        .await
        .unwrap();
    let status = response.status().as_u16();
    (status, response.json().await.unwrap())
}

async fn unread_waiting_and_contents(backend: Backend) {
    let Some(server) = TestServer::start(backend).await else {
        return;
    };
    let client = server.client();
    let (boss, ana) = staffed_desk(&server, &client, "gt").await;
    let (token, boss_token) = (&ana.session.token, &boss.session.token);
    let mut ids = vec![];
    let mut phrases = vec![];
    for story in ["uno", "dos", "tres"] {
        let submitted = reporter::submit(&client, "gt", &form(story), Language::Es, None, |_| {})
            .await
            .unwrap();
        ids.push(submitted.id);
        phrases.push(submitted.phrase);
    }
    let (a, b, c) = (&ids[0], &ids[1], &ids[2]);

    // A new case nobody answered waits from its arrival; nothing is unread.
    let first = summary(&client, token, a).await;
    assert_eq!(first.waiting_since.as_deref(), Some(first.created.as_str()));
    let counts = |s: &CaseSummaryView| {
        (
            s.reporter_messages,
            s.unread_messages,
            s.partner_answers,
            s.unread_answers,
        )
    };
    assert_eq!(counts(&first), (0, 0, 0, 0));

    // Answered, it waits for no one; the reporter writes again: it waits, and is unread for
    // every account of the desk until each opens it.
    crate::workers::reply(&client, &ana, a, "Le escuchamos.")
        .await
        .unwrap();
    assert_eq!(summary(&client, token, a).await.waiting_since, None);
    let keys = reporter::derive(&phrases[0]).await;
    reporter::send_message(&client, &keys, "gt", None, "Gracias, hay más.")
        .await
        .unwrap();
    for t in [token, boss_token] {
        let s = summary(&client, t, a).await;
        assert_eq!(counts(&s), (1, 1, 0, 0));
        assert!(s.waiting_since.is_some());
    }
    client.case(token, a).await.unwrap();
    assert_eq!(counts(&summary(&client, token, a).await), (1, 0, 0, 0));
    assert_eq!(counts(&summary(&client, boss_token, a).await), (1, 1, 0, 0));

    // A partner's answer on a referral is unread until the case is opened again.
    let (bufete, added) = crate::partner_answers::add_bufete(&client, &boss).await;
    let referral = crate::partner_answers::refer(&client, &ana, b, &added.partner).await;
    let partner_state = crate::partners::partner_desk(&client, &added.token, &bufete).await;
    let answer = Some(("Recibido, la llamamos.", &partner_state));
    partner_side::answer(&client, &added.token, &bufete, &referral, None, answer)
        .await
        .unwrap();
    assert_eq!(counts(&summary(&client, token, b).await), (0, 0, 1, 1));
    client.case(token, b).await.unwrap();
    assert_eq!(counts(&summary(&client, token, b).await), (0, 0, 1, 0));

    // Closed and spam cases wait for no one.
    client.set_status(token, c, Status::Closed).await.unwrap();
    assert_eq!(summary(&client, token, c).await.waiting_since, None);

    // The contents, in pages of two: every case once, in id order, each a report the desk opens.
    let (status, page) = contents(&server, token, "?limit=2").await;
    assert_eq!(status, 200, "{page}");
    let page: ContentsPage = serde_json::from_value(page).unwrap();
    assert_eq!(page.cases.len(), 2);
    let after = page.next.clone().unwrap();
    assert_eq!(after, page.cases[1].id);
    let (_, rest) = contents(&server, token, &format!("?limit=2&after={after}")).await;
    let rest: ContentsPage = serde_json::from_value(rest).unwrap();
    assert_eq!((rest.cases.len(), rest.next), (1, None));
    let mut served: Vec<String> = page
        .cases
        .iter()
        .chain(&rest.cases)
        .map(|c| c.id.clone())
        .collect();
    assert!(served.windows(2).all(|w| w[0] < w[1]), "in id order");
    served.sort();
    let mut listed = ids.clone();
    listed.sort();
    assert_eq!(served, listed);
    let desk_ids = crate::workers::desk_identities(&client, token, &ana.identity)
        .await
        .unwrap();
    for case in page.cases.iter().chain(&rest.cases) {
        let plain = resguardo::protocol::case::open_any(&desk_ids, &case.ciphertext).unwrap();
        let report: Value = serde_json::from_slice(&plain).unwrap();
        let story = ["uno", "dos", "tres"][ids.iter().position(|i| *i == case.id).unwrap()];
        assert_eq!(report["narrative"], story);
    }

    // Each page is on the record: who fetched how many.
    let reads: Vec<(String, String)> = (server.audit_rows().await.into_iter())
        .filter(|r| r.entry.action == "cases.read")
        .map(|r| (r.entry.actor, r.entry.subject))
        .collect();
    assert_eq!(
        reads,
        [
            ("ana".to_owned(), "count=2".to_owned()),
            ("ana".to_owned(), "count=1".to_owned())
        ]
    );

    // Bad queries are problems, not 500s; another desk's devices see none of these cases; no
    // token, no contents.
    for bad in [
        "?limit=0",
        "?limit=501",
        "?after=zz",
        "?after=",
        "?limit=x",
        "?page=2",
    ] {
        let (status, problem) = contents(&server, token, bad).await;
        assert_eq!(status, 400, "{bad}: {problem}");
    }
    let (_, other) = staffed_desk(&server, &client, "hn").await;
    let (status, theirs) = contents(&server, &other.session.token, "").await;
    assert_eq!(
        (status, theirs["cases"].as_array().unwrap().len()),
        (200, 0)
    );
    let anonymous = reqwest::get(format!("{}/api/v1/desk/contents", server.url))
        .await
        .unwrap();
    assert_eq!(anonymous.status().as_u16(), 401);
}

/// `worker search` decrypts every report on the device and lists those with every word.
#[tokio::test]
async fn worker_search_finds_a_word_on_the_device() {
    let Some(server) = TestServer::start(Backend::Sqlite).await else {
        return;
    };
    let client = server.client();
    let (boss, ana) = staffed_desk(&server, &client, "gt").await;
    let mut ids = vec![];
    for story in [
        "Me piden dinero por WhatsApp",
        "Amenazan con publicar mis fotos",
        "Otro caso",
    ] {
        let submitted = reporter::submit(&client, "gt", &form(story), Language::Es, None, |_| {})
            .await
            .unwrap();
        ids.push(submitted.id);
    }
    let as_ana = server.terminal_of("gt", "ana", &ana, &boss.identity);
    let search = |query: &str| -> Value {
        let out = crate::harness::run_with_input(
            as_ana(&["worker", "search", query, "--json"]),
            &format!("{PASSWORD}\n"),
        );
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        serde_json::from_slice(&out.stdout).unwrap()
    };
    let found = search("FOTOS publicár");
    crate::docs::assert_cli_shape("worker search QUERY", &found);
    assert_eq!(found.as_array().unwrap().len(), 1, "{found}");
    assert_eq!(found[0]["id"], ids[1].as_str());
    assert_eq!(found[0]["opened"], true);
    assert_eq!(found[0]["status"], "new");
    assert_eq!(search("whatsapp")[0]["id"], ids[0].as_str());
    assert_eq!(search("banco").as_array().unwrap().len(), 0);
    assert_eq!(
        search("").as_array().unwrap().len(),
        3,
        "an empty query lists every case"
    );

    // In a terminal: a table, the query never printed back as anything but the matches.
    let out = crate::harness::run_with_input(
        as_ana(&["worker", "search", "dinero"]),
        &format!("{PASSWORD}\n"),
    );
    let printed = String::from_utf8_lossy(&out.stdout);
    assert!(
        printed.contains(ids[0].as_str()) && !printed.contains(ids[1].as_str()),
        "{printed}"
    );
}
