//! HTTP behaviour every client relies on: health checks, the OpenAPI document, problem documents for
//! unknown routes and methods, security headers on every answer, rate limits with Retry-After, and
//! the same answer for an unknown receipt and a wrong one.

use std::time::{Duration, Instant};

use resguardo::client::reporter;
use resguardo::crypto::receipt::Language;
use resguardo::domain::b64_encode;
use serde_json::{json, Value};

use crate::harness::{form, Backend, TestServer};

crate::on_both_backends!(
    unknown_and_wrong_receipts_look_alike,
    spent_challenges_are_shared_by_instances
);

#[tokio::test]
async fn health_openapi_and_problems() {
    let Some(server) = TestServer::start(Backend::Sqlite).await else {
        return;
    };
    let http = reqwest::Client::new();
    for (path, status) in [
        ("/healthz", 200),
        ("/readyz", 200),
        ("/api/v1/openapi.json", 200),
        ("/nope", 404),
    ] {
        let response = http
            .get(format!("{}{path}", server.url))
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), status, "{path}");
        let headers = response.headers();
        assert_eq!(
            headers["content-security-policy"],
            "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'"
        );
        assert_eq!(headers["x-content-type-options"], "nosniff");
        assert_eq!(headers["referrer-policy"], "no-referrer");
        assert_eq!(headers["cache-control"], "no-store");
        assert!(
            headers.get("set-cookie").is_none() && headers.get("server").is_none(),
            "{path}"
        );
    }
    for method in [
        reqwest::Method::PUT,
        reqwest::Method::DELETE,
        reqwest::Method::OPTIONS,
        reqwest::Method::PATCH,
    ] {
        let response = http
            .request(method.clone(), format!("{}/api/v1/pow", server.url))
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 405, "{method}");
        assert_eq!(response.headers()["allow"], "GET, HEAD");
    }
    let response = http
        .post(format!("{}/api/v1/pow", server.url))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 405, "POST on a GET route");
    let response = http
        .get(format!("{}/api/v1/followup", server.url))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 405, "GET on a POST route");
    assert_eq!(response.headers()["allow"], "POST");

    // The document names every route and the request schemas, generated from the code.
    let doc: Value = http
        .get(format!("{}/api/v1/openapi.json", server.url))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let paths: Vec<&str> = doc["paths"]
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    for path in [
        "/healthz",
        "/readyz",
        "/api/v1/pow",
        "/api/v1/desks/{slug}",
        "/api/v1/desks/{slug}/reports",
        "/api/v1/followup",
        "/api/v1/followup/messages",
    ] {
        assert!(paths.contains(&path), "{path} missing from {paths:?}");
    }
    let envelope = &doc["components"]["schemas"]["ReportEnvelope"];
    assert_eq!(
        envelope["required"],
        json!(["ciphertext", "receipt", "reply_recipient", "pow"])
    );
}

#[tokio::test]
async fn rate_limits_answer_429_with_retry_after() {
    let limits = [
        ("RESGUARDO__LIMITS__PER_ADDRESS", "true"),
        ("RESGUARDO__LIMITS__FOLLOWUP_PER_ADDRESS_PER_MINUTE", "3"),
        ("RESGUARDO__LIMITS__INTAKE_GLOBAL_PER_MINUTE", "2"),
    ];
    let Some(server) = TestServer::start_with(Backend::Sqlite, &limits).await else {
        return;
    };
    let http = reqwest::Client::new();
    let body = json!({"lookup": b64_encode(&[1; 16]), "auth": b64_encode(&[2; 32])});
    let mut statuses = vec![];
    for _ in 0..5 {
        let response = http
            .post(format!("{}/api/v1/followup", server.url))
            .json(&body)
            .send()
            .await
            .unwrap();
        statuses.push(response.status().as_u16());
        if response.status() == 429 {
            let retry: u64 = response.headers()["retry-after"]
                .to_str()
                .unwrap()
                .parse()
                .unwrap();
            assert!((1..=60).contains(&retry), "Retry-After {retry}");
            let problem: Value = response.json().await.unwrap();
            assert_eq!(
                problem["type"],
                "https://resguardo.invalid/problems/rate-limited"
            );
        }
    }
    assert_eq!(statuses, [404, 404, 404, 429, 429]);

    // Garbage never touches the global intake quota (2 a minute here): only submissions with a
    // solved challenge are charged, and the third of those is refused.
    let mut statuses = vec![];
    for _ in 0..5 {
        let response = http
            .post(format!("{}/api/v1/desks/gt/reports", server.url))
            .header("content-type", "application/json")
            .body("{}")
            .send()
            .await
            .unwrap();
        statuses.push(response.status().as_u16());
    }
    assert_eq!(statuses, [400; 5]);
    let desk = server.create_desk("gt").to_public();
    let mut statuses = vec![];
    for _ in 0..3 {
        let (_, body) = crate::crash::envelope(&server, &desk).await;
        let url = format!("{}/api/v1/desks/gt/reports", server.url);
        let response = http.post(url).json(&body).send().await.unwrap();
        statuses.push(response.status().as_u16());
    }
    assert_eq!(statuses, [201, 201, 429]);
}

#[tokio::test]
async fn per_address_limits_can_be_off() {
    // Onion deployments: every client is 127.0.0.1, so per-address limits would be global ones.
    let limits = [
        ("RESGUARDO__LIMITS__PER_ADDRESS", "false"),
        ("RESGUARDO__LIMITS__FOLLOWUP_PER_ADDRESS_PER_MINUTE", "1"),
    ];
    let Some(server) = TestServer::start_with(Backend::Sqlite, &limits).await else {
        return;
    };
    let http = reqwest::Client::new();
    let body = json!({"lookup": b64_encode(&[1; 16]), "auth": b64_encode(&[2; 32])});
    for _ in 0..5 {
        let response = http
            .post(format!("{}/api/v1/followup", server.url))
            .json(&body)
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 404);
    }
}

async fn unknown_and_wrong_receipts_look_alike(backend: Backend) {
    let Some(server) = TestServer::start(backend).await else {
        return;
    };
    server.create_desk("gt");
    let client = server.client();
    let submitted = reporter::submit(&client, "gt", &form("x"), Language::Es, None, |_| {})
        .await
        .unwrap();
    let keys = reporter::derive(&submitted.phrase).await;
    let http = reqwest::Client::new();
    let url = format!("{}/api/v1/followup", server.url);
    let wrong = json!({"lookup": b64_encode(&keys.lookup.0), "auth": b64_encode(&[0; 32])});
    let unknown = json!({"lookup": b64_encode(&[0xee; 16]), "auth": b64_encode(&[0; 32])});

    let answer = |body: Value| {
        let (http, url) = (http.clone(), url.clone());
        async move {
            let started = Instant::now();
            let response = http.post(url).json(&body).send().await.unwrap();
            let status = response.status();
            let text = response.text().await.unwrap();
            (status, text, started.elapsed())
        }
    };
    let (s1, b1, _) = answer(wrong.clone()).await;
    let (s2, b2, _) = answer(unknown.clone()).await;
    assert_eq!((s1, &b1), (s2, &b2), "same status and body");

    // Interleaved timings: the medians differ by well under a millisecond-scale threshold.
    let (mut t_wrong, mut t_unknown) = (vec![], vec![]);
    for _ in 0..200 {
        t_wrong.push(answer(wrong.clone()).await.2);
        t_unknown.push(answer(unknown.clone()).await.2);
    }
    t_wrong.sort();
    t_unknown.sort();
    let (a, b) = (t_wrong[100], t_unknown[100]);
    let gap = a.abs_diff(b);
    eprintln!("{backend:?}: median wrong {a:?}, unknown {b:?}");
    assert!(gap < Duration::from_millis(5), "median gap {gap:?}");
}

async fn spent_challenges_are_shared_by_instances(backend: Backend) {
    let Some(first) = TestServer::start(backend).await else {
        return;
    };
    first.create_desk("gt");
    let key_file = first.data_dir().join("server.key");
    let key_file = key_file.to_str().unwrap();
    let Some(second) = TestServer::start_with(
        backend,
        &[
            ("RESGUARDO__DATABASE__URL", &first.db_url),
            ("RESGUARDO__SECRETS__SERVER_KEY_FILE", key_file),
        ],
    )
    .await
    else {
        return;
    };
    let recipient = first.client().desk("gt").await.unwrap().recipient;
    let recipient: age::x25519::Recipient = recipient.parse().unwrap();
    let ciphertext =
        resguardo::crypto::seal::seal(&[&recipient], &crate::harness::document("x")).unwrap();
    let pow = reporter::solve_pow(&first.client(), |_| {}).await.unwrap();
    let envelope = |lookup: u8| {
        json!({
            "ciphertext": b64_encode(&ciphertext),
            "receipt": {"lookup": b64_encode(&[lookup; 16]), "verifier": b64_encode(&[0; 32])},
            "reply_recipient": recipient.to_string(),
            "pow": pow,
        })
    };
    let http = reqwest::Client::new();
    let on = |server: &TestServer, body: Value| {
        http.post(format!("{}/api/v1/desks/gt/reports", server.url))
            .json(&body)
            .send()
    };
    assert_eq!(on(&first, envelope(1)).await.unwrap().status(), 201);
    let replay = on(&second, envelope(2)).await.unwrap();
    assert_eq!(replay.status(), 400);
    let problem: Value = replay.json().await.unwrap();
    assert_eq!(
        problem["type"],
        "https://resguardo.invalid/problems/pow-reused"
    );
}

/// Sends raw bytes and reads what comes back within `wait`.
fn raw_exchange(url: &str, request: &[u8], pause: Duration, wait: Duration) -> String {
    use std::io::{Read, Write};
    let address = url.trim_start_matches("http://");
    let mut stream = std::net::TcpStream::connect(address).unwrap();
    stream.write_all(request).unwrap();
    std::thread::sleep(pause);
    stream.set_read_timeout(Some(wait)).unwrap();
    let mut buffer = vec![0u8; 4096];
    let n = stream.read(&mut buffer).unwrap_or(0);
    String::from_utf8_lossy(&buffer[..n]).into_owned()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn slow_and_oversized_bodies_are_cut_off() {
    let config = [("RESGUARDO__SERVER__REQUEST_TIMEOUT_SECS", "1")];
    let Some(server) = TestServer::start_with(Backend::Sqlite, &config).await else {
        return;
    };
    let url = server.url.clone();

    // A declared length over the limit is refused before any of the body is sent.
    let big = b"POST /api/v1/followup HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 10000000\r\n\r\n";
    let answer = tokio::task::spawn_blocking({
        let url = url.clone();
        move || raw_exchange(&url, big, Duration::ZERO, Duration::from_secs(5))
    })
    .await
    .unwrap();
    assert!(answer.starts_with("HTTP/1.1 413"), "{answer}");
    assert!(answer.contains("payload-too-large"), "{answer}");

    // A body that trickles in is cut off by the request time limit, while others are served.
    let slow = b"POST /api/v1/followup HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{\"lookup\"";
    let pending = tokio::task::spawn_blocking({
        let url = url.clone();
        move || {
            raw_exchange(
                &url,
                slow,
                Duration::from_millis(1500),
                Duration::from_secs(5),
            )
        }
    });
    let started = Instant::now();
    let health = reqwest::get(format!("{url}/healthz")).await.unwrap();
    assert_eq!(health.status(), 200);
    assert!(started.elapsed() < Duration::from_secs(1));
    let answer = pending.await.unwrap();
    assert!(answer.starts_with("HTTP/1.1 408"), "{answer}");
    assert!(answer.contains("content-security-policy"), "{answer}");
}

/// Follow-up statuses for requests carrying each of `headers` (name, value) lists.
async fn followups_with(server: &TestServer, requests: &[Vec<(&str, &str)>]) -> Vec<u16> {
    let body = json!({"lookup": b64_encode(&[1; 16]), "auth": b64_encode(&[2; 32])});
    let http = reqwest::Client::new();
    let mut out = vec![];
    for headers in requests {
        let mut request = http
            .post(format!("{}/api/v1/followup", server.url))
            .json(&body);
        for (name, value) in headers {
            request = request.header(*name, *value);
        }
        out.push(request.send().await.unwrap().status().as_u16());
    }
    out
}

/// The forwarded-for header counts only when the peer is a configured proxy, and then only the
/// entry the nearest proxy wrote; anything unparsable falls back on the peer.
#[tokio::test]
async fn proxy_header_is_trusted_only_from_configured_proxies() {
    let xff = "X-Forwarded-For";
    let three_clients: Vec<Vec<(&str, &str)>> = vec![
        vec![(xff, "203.0.113.9, 198.51.100.1")],
        vec![(xff, "203.0.113.9, 198.51.100.2")],
        vec![(xff, "203.0.113.9, 198.51.100.3")],
    ];
    let one_per_address = ("RESGUARDO__LIMITS__FOLLOWUP_PER_ADDRESS_PER_MINUTE", "1");
    let on = ("RESGUARDO__LIMITS__PER_ADDRESS", "true");
    let trusted = ("RESGUARDO__LIMITS__TRUSTED_PROXIES", "[\"127.0.0.1\"]");
    let config = [on, one_per_address, trusted];

    let Some(proxied) = TestServer::start_with(Backend::Sqlite, &config).await else {
        return;
    };
    assert_eq!(
        followups_with(&proxied, &three_clients).await,
        [404, 404, 404],
        "one bucket per client"
    );

    // A client that writes its own header line first cannot choose: the proxy's line is last.
    let Some(proxied) = TestServer::start_with(Backend::Sqlite, &config).await else {
        return;
    };
    let spoofing: Vec<Vec<(&str, &str)>> = ["198.51.100.7", "198.51.100.8"]
        .iter()
        .map(|fake| vec![(xff, *fake), (xff, "198.51.100.50")])
        .collect();
    assert_eq!(followups_with(&proxied, &spoofing).await, [404, 429]);

    // Garbage or a port in the last entry: the proxy's own address is the bucket, never none.
    let Some(proxied) = TestServer::start_with(Backend::Sqlite, &config).await else {
        return;
    };
    let garbage: Vec<Vec<(&str, &str)>> =
        vec![vec![(xff, "nonsense")], vec![(xff, "198.51.100.9:4444")]];
    assert_eq!(followups_with(&proxied, &garbage).await, [404, 429]);

    // Without a trusted proxy, the header is ignored.
    let Some(direct) = TestServer::start_with(Backend::Sqlite, &[on, one_per_address]).await else {
        return;
    };
    assert_eq!(
        followups_with(&direct, &three_clients).await,
        [404, 429, 429],
        "the peer cannot pick"
    );
}

/// HEAD works wherever GET does, as the Allow header says.
#[tokio::test]
async fn head_is_allowed_on_get_routes() {
    let Some(server) = TestServer::start(Backend::Sqlite).await else {
        return;
    };
    let http = reqwest::Client::new();
    for path in [
        "/healthz",
        "/readyz",
        "/api/v1/pow",
        "/api/v1/openapi.json",
        "/",
        "/es/",
        "/en/followup",
        "/assets/app.js",
        "/assets/style.css",
    ] {
        let response = http
            .head(format!("{}{path}", server.url))
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 200, "{path}");
        assert_eq!(response.headers()["cache-control"], "no-store");
    }
    // The pages refuse other methods as the API does.
    for path in ["/es/", "/assets/app.js", "/"] {
        let response = http
            .post(format!("{}{path}", server.url))
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 405, "{path}");
        assert_eq!(response.headers()["allow"], "GET, HEAD", "{path}");
    }
}

/// A case thread holds a bounded number of messages; past it the reporter gets a clear 409.
#[tokio::test]
async fn threads_are_capped() {
    let config = [("RESGUARDO__INTAKE__MAX_MESSAGES_PER_REPORT", "2")];
    let Some(server) = TestServer::start_with(Backend::Sqlite, &config).await else {
        return;
    };
    server.create_desk("gt");
    let client = server.client();
    let submitted = reporter::submit(&client, "gt", &form("x"), Language::Es, None, |_| {})
        .await
        .unwrap();
    let keys = reporter::derive(&submitted.phrase).await;
    reporter::send_message(&client, &keys, "gt", None, "uno")
        .await
        .unwrap();
    reporter::send_message(&client, &keys, "gt", None, "dos")
        .await
        .unwrap();
    let err = reporter::send_message(&client, &keys, "gt", None, "tres")
        .await
        .err()
        .unwrap();
    assert_eq!(err.problem_slug(), Some("thread-full"));

    // A message larger than intake.max_message_bytes is refused before it is stored.
    let big = "x".repeat(40_000);
    let err = reporter::send_message(&client, &keys, "gt", None, &big)
        .await
        .err()
        .unwrap();
    assert!(
        matches!(
            err.problem_slug(),
            Some("payload-too-large" | "invalid-ciphertext")
        ),
        "{err}"
    );
    assert_eq!(
        reporter::followup(&client, &keys)
            .await
            .unwrap()
            .messages
            .len(),
        2
    );
}
