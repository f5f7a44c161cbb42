//! What an outside review broke, held shut: floods that cannot starve intake, a header that cannot
//! cost the server quadratic time, refused work that still raises difficulty, write transactions
//! that do not fail under contention, and the per-author thread cap. Everything runs on loopback,
//! bounded in count and time.

use std::time::Duration;

use resguardo::client::reporter;
use resguardo::crypto::receipt::Language;
use resguardo::domain::{b64_decode, b64_encode};
use serde_json::{json, Value};

use crate::crash::envelope;
use crate::harness::{form, Backend, TestServer};

/// POSTs `body` to `path`, optionally as `address` (through the trusted proxy header).
async fn post(
    http: &reqwest::Client,
    url: &str,
    body: &Value,
    address: Option<&str>,
) -> (u16, Value) {
    let mut request = http.post(url).json(body);
    if let Some(address) = address {
        request = request.header("X-Forwarded-For", address);
    }
    let response = request.send().await.unwrap();
    let status = response.status().as_u16();
    (status, response.json().await.unwrap_or(Value::Null))
}

/// A SQLite server with desk `gt` (and `extra` settings), its public key and its reports URL;
/// `None` when the test is skipped.
async fn intake_server(
    extra: &[(&str, &str)],
) -> Option<(TestServer, age::x25519::Recipient, String)> {
    let server = TestServer::start_with(Backend::Sqlite, extra).await?;
    let desk = server.create_desk("gt").to_public();
    let url = format!("{}/api/v1/desks/gt/reports", server.url);
    Some((server, desk, url))
}

/// A body that passes JSON parsing but shows no solved challenge: forged, unsolved or junk.
fn garbage(i: usize, solved: &Value) -> Value {
    match i % 4 {
        0 => json!({}),
        1 => {
            let mut forged = solved.clone();
            let mut bytes = b64_decode(forged["pow"]["challenge"].as_str().unwrap()).unwrap();
            bytes[10] ^= 1;
            forged["pow"]["challenge"] = Value::from(b64_encode(&bytes));
            forged
        }
        2 => {
            let mut unsolved = solved.clone();
            unsolved["pow"]["nonce"] = Value::from(u64::MAX - i as u64);
            unsolved
        }
        // The solved body itself, over and over: a replay.
        _ => solved.clone(),
    }
}

/// While one flood sends intake garbage at ten times the global intake quota and another hammers
/// `/readyz` and follow-up, a reporter solving real challenges gets every report in, and can
/// always fetch a challenge and the desk's key.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn floods_of_garbage_do_not_starve_reporters() {
    let Some((server, desk, url)) = intake_server(&[
        ("RESGUARDO__LIMITS__INTAKE_GLOBAL_PER_MINUTE", "60"),
        ("RESGUARDO__LIMITS__FOLLOWUP_GLOBAL_PER_MINUTE", "60"),
        ("RESGUARDO__LIMITS__HEALTH_GLOBAL_PER_MINUTE", "60"),
        // The reporter's 20 reports must not raise the difficulty under it mid-test.
        ("RESGUARDO__POW__LOAD_THRESHOLD_PER_MINUTE", "1000"),
    ])
    .await
    else {
        return;
    };
    let (_, solved) = envelope(&server, &desk).await;
    let http = reqwest::Client::new();
    let reports = url;

    let mut floods = vec![];
    for worker in 0..4 {
        let (http, url, solved) = (http.clone(), reports.clone(), solved.clone());
        floods.push(tokio::spawn(async move {
            let mut statuses = vec![];
            for i in (worker..600).step_by(4) {
                statuses.push(post(&http, &url, &garbage(i, &solved), None).await.0);
            }
            statuses
        }));
    }
    let probe = {
        let (http, base) = (http.clone(), server.url.clone());
        tokio::spawn(async move {
            let mut statuses = vec![];
            for i in 0..300 {
                let r = http.get(format!("{base}/readyz")).send().await.unwrap();
                statuses.push(r.status().as_u16());
                let lookup = b64_encode(&(i as u128).to_be_bytes());
                let body = json!({"lookup": lookup, "auth": b64_encode(&[7; 32])});
                let url = format!("{base}/api/v1/followup");
                statuses.push(post(&http, &url, &body, None).await.0);
            }
            statuses
        })
    };

    let client = server.client();
    let mut accepted = 0;
    let mut refusals = vec![];
    for _ in 0..20 {
        let submitted = reporter::submit(
            &client,
            "gt",
            &form("sigo aquí"),
            Language::Es,
            None,
            |_| {},
        )
        .await;
        match submitted {
            Ok(_) => accepted += 1,
            Err(e) => refusals.push(e.to_string()),
        }
    }
    let mut flooded = vec![];
    for flood in floods {
        flooded.extend(flood.await.unwrap());
    }
    let probed = probe.await.unwrap();
    let count = |all: &[u16], status: u16| all.iter().filter(|&&s| s == status).count();
    eprintln!(
        "garbage: {} refused with 400/401/409, {} with 429, {} accepted; probes: {} with 429; \
         reporter: {accepted} of 20 accepted",
        flooded.len() - count(&flooded, 429) - count(&flooded, 201),
        count(&flooded, 429),
        count(&flooded, 201),
        count(&probed, 429),
    );
    assert_eq!(accepted, 20, "the reporter was refused: {refusals:?}");
    assert!(
        count(&flooded, 201) <= 1,
        "only the one solved body may get in"
    );
    assert!(
        count(&probed, 429) > 0,
        "the probe flood went past its own quota"
    );
}

/// With per-address limits on, the solved submissions one address's own limit refuses are not
/// charged to the quota everyone shares.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn one_address_cannot_drain_the_global_quota() {
    let Some((server, desk, url)) = intake_server(&[
        ("RESGUARDO__LIMITS__PER_ADDRESS", "true"),
        ("RESGUARDO__LIMITS__TRUSTED_PROXIES", "[\"127.0.0.1\"]"),
        ("RESGUARDO__LIMITS__INTAKE_PER_ADDRESS_PER_MINUTE", "10"),
        ("RESGUARDO__LIMITS__INTAKE_GLOBAL_PER_MINUTE", "25"),
        (
            "RESGUARDO__LIMITS__CHALLENGE_PER_ADDRESS_PER_MINUTE",
            "1000",
        ),
        ("RESGUARDO__POW__LOAD_THRESHOLD_PER_MINUTE", "1000"),
    ])
    .await
    else {
        return;
    };
    let http = reqwest::Client::new();
    let mut flooder = [0usize; 2];
    for _ in 0..30 {
        let (_, body) = envelope(&server, &desk).await;
        match post(&http, &url, &body, Some("203.0.113.66")).await.0 {
            201 => flooder[0] += 1,
            429 => flooder[1] += 1,
            other => panic!("flooder got {other}"),
        }
    }
    let mut others = 0;
    for i in 0..10 {
        let (_, body) = envelope(&server, &desk).await;
        let address = format!("198.51.100.{}", i + 1);
        if post(&http, &url, &body, Some(&address)).await.0 == 201 {
            others += 1;
        }
    }
    eprintln!(
        "flooder: {} accepted, {} refused; others: {others} of 10",
        flooder[0], flooder[1]
    );
    assert_eq!(flooder, [10, 20]);
    assert_eq!(others, 10);
}

/// Submissions that carried a solved challenge but were refused (here: a ciphertext that is not
/// age) still count as load, so a flood of them raises the difficulty like accepted ones do.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn refused_but_solved_submissions_raise_difficulty() {
    let Some((server, desk, url)) =
        intake_server(&[("RESGUARDO__POW__LOAD_THRESHOLD_PER_MINUTE", "5")]).await
    else {
        return;
    };
    let client = server.client();
    let base = client.pow().await.unwrap().difficulty;
    let http = reqwest::Client::new();
    for _ in 0..12 {
        let (_, mut body) = envelope(&server, &desk).await;
        body["ciphertext"] = Value::from(b64_encode(&[b'x'; 300]));
        let (status, problem) = post(&http, &url, &body, None).await;
        assert_eq!(status, 400, "{problem}");
        assert!(
            problem["type"]
                .as_str()
                .unwrap()
                .ends_with("/invalid-ciphertext"),
            "{problem}"
        );
    }
    let raised = client.pow().await.unwrap().difficulty;
    assert!(
        raised > base,
        "difficulty stayed at {raised} after 12 solved submissions"
    );
}

/// An age header of thousands of X25519 stanzas (with a solved challenge) is refused as quickly
/// as any other bad ciphertext, and the server keeps answering meanwhile.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_header_of_thousands_of_stanzas_is_refused() {
    let Some((server, desk, url)) =
        intake_server(&[("RESGUARDO__INTAKE__MAX_BODY_BYTES", "1048576")]).await
    else {
        return;
    };
    let http = reqwest::Client::new();
    let mut sent = vec![];
    for _ in 0..4 {
        let (_, mut body) = envelope(&server, &desk).await;
        body["ciphertext"] = Value::from(b64_encode(&hostile_header(2000)));
        let (http, url) = (http.clone(), url.clone());
        sent.push(tokio::spawn(
            async move { post(&http, &url, &body, None).await },
        ));
    }
    let started = std::time::Instant::now();
    for _ in 0..20 {
        let r = http
            .get(format!("{}/healthz", server.url))
            .timeout(Duration::from_secs(5))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 200);
    }
    eprintln!("20 health checks alongside: {:?}", started.elapsed());
    for answer in sent {
        let (status, problem) = answer.await.unwrap();
        assert_eq!(status, 400, "{problem}");
        let detail = problem["detail"].as_str().unwrap_or_default();
        assert!(detail.contains("more than 8"), "{problem}");
    }
}

/// An age file to a fresh key whose header repeats its X25519 stanza `n` times.
fn hostile_header(n: usize) -> Vec<u8> {
    let key = age::x25519::Identity::generate().to_public();
    let file = resguardo::crypto::seal::seal(&[&key], &crate::harness::document("x")).unwrap();
    let text = String::from_utf8_lossy(&file).into_owned();
    let start = text.find("-> X25519 ").unwrap();
    let line = start + text[start..].find('\n').unwrap() + 1;
    let end = line + text[line..].find('\n').unwrap() + 1;
    let mut out = file[..start].to_vec();
    for _ in 0..n {
        out.extend_from_slice(&file[start..end]);
    }
    out.extend_from_slice(&file[start..]);
    out
}

crate::on_both_backends!(contention_gives_no_server_errors);

/// Ninety failed logins from thirty tasks (each appends to the audit chain) while a worker opens
/// a case forty times (each also audited): every answer is a login failure or a case, never a
/// server error. On SQLite, write transactions take the write lock up front, so none fails with
/// `database is locked` when another commits between its read and its write.
async fn contention_gives_no_server_errors(backend: Backend) {
    let Some(server) = TestServer::start(backend).await else {
        return;
    };
    let client = server.client();
    let (_, ana) = crate::triage::staffed_desk(&server, &client, "gt").await;
    let submitted = reporter::submit(&client, "gt", &form("abierto"), Language::Es, None, |_| {})
        .await
        .unwrap();
    let keys = crate::workers::desk_identities(&client, &ana.session.token, &ana.identity)
        .await
        .unwrap();
    let http = reqwest::Client::new();
    let mut guessers = vec![];
    for task in 0..30 {
        let (http, url) = (http.clone(), format!("{}/api/v1/sessions", server.url));
        guessers.push(tokio::spawn(async move {
            let mut statuses = vec![];
            for attempt in 0..3 {
                let body = json!({
                    "desk": "gt", "username": format!("nadie{task}x{attempt}"), "totp": "000000",
                    "auth_key": b64_encode(&[task as u8; 32]),
                });
                statuses.push(post(&http, &url, &body, None).await.0);
            }
            statuses
        }));
    }
    let mut opened = 0;
    for _ in 0..40 {
        let case =
            resguardo::client::triage::open_case(&client, &ana.session.token, &keys, &submitted.id)
                .await;
        match case {
            Ok(_) => opened += 1,
            Err(e) => panic!("opening the case failed: {e}"),
        }
    }
    let mut statuses = vec![];
    for guesser in guessers {
        statuses.extend(guesser.await.unwrap());
    }
    assert_eq!(opened, 40);
    assert_eq!(statuses.len(), 90);
    assert!(statuses.iter().all(|&s| s == 401), "{statuses:?}");
}

crate::on_both_backends!(a_full_thread_does_not_silence_the_desk);

/// The thread cap counts each side apart: a phrase holder who sent as many messages as one side
/// may gets `thread-full`, and the desk still replies.
async fn a_full_thread_does_not_silence_the_desk(backend: Backend) {
    let Some(server) = TestServer::start_with(
        backend,
        &[("RESGUARDO__INTAKE__MAX_MESSAGES_PER_REPORT", "3")],
    )
    .await
    else {
        return;
    };
    let client = server.client();
    let (_, ana) = crate::triage::staffed_desk(&server, &client, "gt").await;
    let submitted = reporter::submit(&client, "gt", &form("lleno"), Language::Es, None, |_| {})
        .await
        .unwrap();
    let receipt = reporter::derive(&submitted.phrase).await;
    for i in 0..3 {
        reporter::send_message(&client, &receipt, "gt", None, &format!("mensaje {i}"))
            .await
            .unwrap();
    }
    let full = reporter::send_message(&client, &receipt, "gt", None, "uno más")
        .await
        .err()
        .unwrap();
    assert_eq!(full.problem_slug(), Some("thread-full"), "{full}");

    let token = &ana.session.token;
    let keys = crate::workers::desk_identities(&client, token, &ana.identity)
        .await
        .unwrap();
    let case = resguardo::client::triage::open_case(&client, token, &keys, &submitted.id)
        .await
        .unwrap();
    crate::workers::reply(&client, &ana, &case.view.id, "te leemos")
        .await
        .unwrap();
    let thread = reporter::followup(&client, &receipt).await.unwrap();
    let last = thread.messages.last().unwrap();
    assert_eq!(last.text.as_deref().map(String::as_str), Some("te leemos"));
}

crate::on_both_backends!(an_enrolment_code_cannot_probe_user_names);

/// A code that meets a taken user name is used up: it cannot try the next name.
async fn an_enrolment_code_cannot_probe_user_names(backend: Backend) {
    let Some(server) = TestServer::start(backend).await else {
        return;
    };
    server.create_keyless_desk("gt");
    let client = server.client();
    let first = crate::workers::invite(&server, "gt", "worker");
    resguardo::client::worker::enrol(&client, "gt", &first, "ana", crate::workers::PASSWORD)
        .await
        .unwrap();
    let probe = crate::workers::invite(&server, "gt", "worker");
    let taken =
        resguardo::client::worker::enrol(&client, "gt", &probe, "ana", crate::workers::PASSWORD)
            .await
            .err()
            .unwrap();
    assert_eq!(taken.problem_slug(), Some("username-taken"));
    assert!(taken.to_string().contains("new code"), "{taken}");
    let next =
        resguardo::client::worker::enrol(&client, "gt", &probe, "beto", crate::workers::PASSWORD)
            .await
            .err()
            .unwrap();
    assert_eq!(next.problem_slug(), Some("invalid-enrolment-code"));
}

/// Forty parallel wrong logins for one name: each attempt is reserved before it is checked, so
/// only the free ones (and the one that starts the wait) run the full check, and the rest wait;
/// meanwhile the owner, with the right password and one-time code, still gets in.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn parallel_guesses_are_held_back_and_the_owner_gets_in() {
    use resguardo::client::worker;
    let config = [
        ("RESGUARDO__ACCOUNTS__FREE_FAILURES", "5"),
        ("RESGUARDO__ACCOUNTS__MAX_BACKOFF_SECS", "60"),
    ];
    let Some(server) = TestServer::start_with(Backend::Sqlite, &config).await else {
        return;
    };
    server.create_keyless_desk("gt");
    let client = server.client();
    let code = crate::workers::invite(&server, "gt", "worker");
    let password = crate::workers::PASSWORD;
    let enrolled = worker::enrol(&client, "gt", &code, "ana", password)
        .await
        .unwrap();
    let uri = enrolled.enrolled.totp_uri;
    worker::confirm_totp(
        &client,
        "gt",
        "ana",
        password,
        &crate::workers::totp_code(&uri, 0),
    )
    .await
    .unwrap();

    let desk = resguardo::domain::DeskSlug::parse("gt").unwrap();
    let user = resguardo::domain::Username::parse("ana").unwrap();
    let wrong = worker::derive("una contraseña equivocada", &desk, &user)
        .await
        .unwrap();
    let body = json!({
        "desk": "gt", "username": "ana", "totp": "000000",
        "auth_key": b64_encode(wrong.auth_key.expose()),
    });
    let http = reqwest::Client::new();
    let url = format!("{}/api/v1/sessions", server.url);
    let mut guesses = vec![];
    for _ in 0..40 {
        let (http, url, body) = (http.clone(), url.clone(), body.clone());
        guesses.push(tokio::spawn(async move {
            post(&http, &url, &body, None).await.0
        }));
    }
    let mut statuses = vec![];
    for guess in guesses {
        statuses.push(guess.await.unwrap());
    }
    let checked = statuses.iter().filter(|&&s| s == 401).count();
    let held = statuses.iter().filter(|&&s| s == 429).count();
    eprintln!("40 parallel guesses: {checked} checked, {held} held back");
    assert_eq!(checked + held, 40, "{statuses:?}");
    assert!(checked <= 6, "{checked} guesses ran the full check");

    // The name is held back now; its owner is not.
    let login = worker::login(
        &client,
        "gt",
        "ana",
        password,
        &crate::workers::totp_code(&uri, 1),
    )
    .await
    .unwrap();
    assert!(client.whoami(&login.session.token).await.is_ok());
}

crate::on_both_backends!(what_would_date_logins_is_forgotten);

/// Failed logins are audited only for existing accounts, and only the 1st, 2nd, 4th … of a streak;
/// ended sessions and long-quiet login throttles are deleted (here: at the next start).
async fn what_would_date_logins_is_forgotten(backend: Backend) {
    let Some(mut server) = TestServer::start(backend).await else {
        return;
    };
    server.create_keyless_desk("gt");
    let client = server.client();
    let code = crate::workers::invite(&server, "gt", "worker");
    let (login, _) = crate::workers::enrolled_account(&client, "gt", &code, "ana").await;
    assert!(client.whoami(&login.session.token).await.is_ok());
    let http = reqwest::Client::new();
    let url = format!("{}/api/v1/sessions", server.url);
    for user in ["ana", "nadie"] {
        for _ in 0..5 {
            let body = json!({
                "desk": "gt", "username": user, "totp": "000000",
                "auth_key": b64_encode(&[9; 32]),
            });
            assert_eq!(post(&http, &url, &body, None).await.0, 401);
        }
    }
    let log = server.audit_rows().await;
    let failed: Vec<(&str, &str)> = log
        .iter()
        .filter(|r| r.entry.action == "login.failed")
        .map(|r| (r.entry.actor.as_str(), r.entry.subject.as_str()))
        .collect();
    assert_eq!(
        failed,
        [
            ("ana", "failures=1"),
            ("ana", "failures=2"),
            ("ana", "failures=4")
        ]
    );
    assert_eq!(server.count("SELECT COUNT(*) FROM login_throttle").await, 2);
    assert_eq!(server.count("SELECT COUNT(*) FROM sessions").await, 1);

    // A day later (as far as the rows can tell), a restart's first sweep forgets them.
    server.tamper("UPDATE sessions SET last_seen = 0").await;
    server
        .tamper("UPDATE login_throttle SET not_before = 0")
        .await;
    server.restart();
    let mut left = (1, 1);
    for _ in 0..50 {
        left = (
            server.count("SELECT COUNT(*) FROM sessions").await,
            server.count("SELECT COUNT(*) FROM login_throttle").await,
        );
        if left == (0, 0) {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert_eq!(
        left,
        (0, 0),
        "ended sessions and quiet throttles are forgotten"
    );
    let client = server.client();
    assert!(client.whoami(&login.session.token).await.is_err());
}

/// On PostgreSQL, each row carries the id of the transaction that wrote it and sits where it was
/// appended, so audit entries (times to the second) written between two reports would date them.
/// The retention run (here `admin purge`) rewrites the case tables: afterwards every report has
/// the same transaction id and their physical order is not their order of arrival.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn postgres_forgets_the_order_reports_arrived_in() {
    let Some(server) = TestServer::start(Backend::Postgres).await else {
        return;
    };
    let desk = server.create_desk("gt").to_public();
    let http = reqwest::Client::new();
    let url = format!("{}/api/v1/desks/gt/reports", server.url);
    let store = server.store().await;
    let mut arrived = vec![];
    for i in 0..10 {
        let (_, body) = envelope(&server, &desk).await;
        let (status, created) = post(&http, &url, &body, None).await;
        assert_eq!(status, 201);
        arrived.push(created["id"].as_str().unwrap().to_owned());
        let entry = resguardo::store::AuditEntry {
            desk: "gt".into(),
            actor: "ana".into(),
            action: "login.ok".into(),
            subject: String::new(),
        };
        store.audit_log().append(&entry, 1_000 + i).await.unwrap();
    }
    let db_url = server.db_url.clone();
    let order = |sql: &'static str| {
        let db_url = db_url.clone();
        async move {
            use sqlx::Connection;
            let mut conn = sqlx::PgConnection::connect(&db_url).await.unwrap();
            let rows: Vec<(Vec<u8>, i64)> = sqlx::query_as(sql).fetch_all(&mut conn).await.unwrap();
            rows
        }
    };
    let by_position = "SELECT id, xmin::text::bigint FROM reports ORDER BY ctid";
    let audit_xmins: Vec<i64> = order("SELECT ''::bytea, xmin::text::bigint FROM audit_log")
        .await
        .into_iter()
        .map(|r| r.1)
        .collect();
    let hex = |id: &[u8]| resguardo::domain::hex(id);
    // Before: transaction ids follow arrival (physical positions mostly do too, though inserts
    // from two pooled connections may fill two pages at once), and each report's transaction id
    // sits between the audit entries written before and after it.
    let before = order("SELECT id, xmin::text::bigint FROM reports ORDER BY 2").await;
    let ids: Vec<String> = before.iter().map(|r| hex(&r.0)).collect();
    assert_eq!(ids, arrived, "transaction ids follow arrival");
    for (i, (_, xmin)) in before.iter().enumerate() {
        assert!(audit_xmins[i] > *xmin && (i == 0 || audit_xmins[i - 1] < *xmin));
    }

    let out = server.command().args(["admin", "purge"]).output().unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );

    let after = order(by_position).await;
    let ids: Vec<String> = after.iter().map(|r| hex(&r.0)).collect();
    let mut sorted = ids.clone();
    sorted.sort();
    assert_eq!(ids, sorted, "rewritten in the order of their random ids");
    assert_ne!(ids, arrived, "no longer in arrival order");
    let xmins: std::collections::BTreeSet<i64> = after.iter().map(|r| r.1).collect();
    assert_eq!(xmins.len(), 1, "one transaction id for every report");
    assert!(xmins.iter().all(|x| audit_xmins.iter().all(|a| x > a)));
}

/// A solved challenge buys one attempt, even when the rest of the envelope is malformed: the same
/// solution sent again with a good envelope is `pow-reused`.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_malformed_envelope_spends_its_challenge() {
    let Some((server, desk, url)) = intake_server(&[]).await else {
        return;
    };
    let http = reqwest::Client::new();
    let (_, good) = envelope(&server, &desk).await;
    let mut extra = good.clone();
    extra["note"] = Value::from("an unknown field");
    let (status, problem) = post(&http, &url, &extra, None).await;
    assert_eq!(status, 400, "{problem}");
    assert!(problem["type"]
        .as_str()
        .unwrap()
        .ends_with("/malformed-request"));
    let (status, problem) = post(&http, &url, &good, None).await;
    assert_eq!(status, 400, "{problem}");
    assert!(problem["type"].as_str().unwrap().ends_with("/pow-reused"));
}
