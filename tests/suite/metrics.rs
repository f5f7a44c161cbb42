//! `/metrics` on its own listener: after real traffic (a report, a follow-up, a failed login, a
//! bad token, unknown paths carrying ids), it counts requests by route pattern, and no value or
//! label holds an address, a desk, an id, a receipt, a user name or a token. Every request's log
//! line carries a random request id.

use resguardo::client::reporter;
use resguardo::crypto::receipt::Language;
use resguardo::domain::b64_encode;

use crate::harness::{form, Backend, TestServer};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn metrics_count_routes_and_name_nobody() {
    let Some(server) = TestServer::start(Backend::Sqlite).await else {
        return;
    };
    server.create_desk("canarydesk");
    let client = server.client();
    let sent = reporter::submit(
        &client,
        "canarydesk",
        &form("x"),
        Language::Es,
        None,
        |_| {},
    )
    .await
    .unwrap();
    let keys = reporter::derive(&sent.phrase).await;
    reporter::followup(&client, &keys).await.unwrap();
    let http = reqwest::Client::new();
    let token = "canarytokencanarytokencanarytoken";
    let id = sent.id.clone();
    for (method, path) in [
        ("GET", format!("/api/v1/desk/reports/{id}")),
        ("GET", format!("/nowhere/{id}")),
        ("POST", "/api/v1/sessions".to_owned()),
        ("GET", "/metrics".to_owned()),
    ] {
        let request = match method {
            "GET" => http.get(format!("{}{path}", server.url)),
            _ => http
                .post(format!("{}{path}", server.url))
                .json(&serde_json::json!({
                    "desk": "canarydesk", "username": "canaryuser",
                    "auth_key": b64_encode(&[9; 32]), "totp": "123456"
                })),
        };
        let response = request.bearer_auth(token).send().await.unwrap();
        assert!(response.status().is_client_error(), "{path}");
    }
    let public = http
        .get(format!("{}/metrics", server.url))
        .send()
        .await
        .unwrap();
    assert_eq!(
        public.status(),
        404,
        "metrics are not on the public listener"
    );

    let scraped = http
        .get(format!("{}/metrics", server.metrics_url))
        .send()
        .await
        .unwrap();
    assert_eq!(scraped.status(), 200);
    assert!(scraped.headers()["content-type"]
        .to_str()
        .unwrap()
        .starts_with("application/openmetrics-text; version=1.0.0"));
    let text = scraped.text().await.unwrap();
    // A reporter's requests are not counted: a counter moving between two scrapes would date
    // the report to the scrape interval.
    for route in [
        "/api/v1/desks/{slug}/reports",
        "/api/v1/followup",
        "/api/v1/pow",
        "/api/v1/desks/{slug}",
    ] {
        assert!(
            !text.contains(&format!("route=\"{route}\"")),
            "{route} is counted:\n{text}"
        );
    }
    for line in [
        r#"resguardo_http_requests_total{method="GET",route="/api/v1/desk/reports/{id}",status="401"} 1"#,
        r#"resguardo_http_requests_total{method="GET",route="(unmatched)",status="404"} 3"#,
    ] {
        assert!(
            text.lines().any(|l| l == line),
            "missing {line} in:\n{text}"
        );
    }
    let lookup_hex: String = keys.lookup.0.iter().map(|b| format!("{b:02x}")).collect();
    for secret in [
        "127.0.0.1",
        "canarydesk",
        "canaryuser",
        "canarytoken",
        id.as_str(),
        b64_encode(&keys.lookup.0).as_str(),
        lookup_hex.as_str(),
    ] {
        assert!(!text.contains(secret), "{secret} in the metrics:\n{text}");
    }
    // Only the route patterns the router knows, and a fixed set of methods, appear as labels.
    for line in text.lines().filter(|l| !l.starts_with('#')) {
        if let Some(labels) = line.split('{').nth(1) {
            let route = labels
                .split("route=\"")
                .nth(1)
                .unwrap()
                .split('"')
                .next()
                .unwrap();
            assert!(
                route == "(unmatched)" || route.starts_with('/'),
                "label {route} in {line}"
            );
        }
    }
    let other = http
        .get(format!("{}/anything-else", server.metrics_url))
        .send()
        .await
        .unwrap();
    assert_eq!(other.status(), 404);

    // Request ids: on every request line, 64 random bits, never repeated (health checks are
    // logged; a reporter's requests are not, see below).
    for _ in 0..8 {
        http.get(format!("{}/healthz", server.url))
            .send()
            .await
            .unwrap();
    }
    // The server writes its line after answering, and the harness reads it from a pipe: wait.
    let request_ids = || -> Vec<String> {
        server
            .logs()
            .lines()
            .filter_map(|l| serde_json::from_str::<serde_json::Value>(l).ok())
            .filter(|v| v["fields"]["message"] == "request")
            .map(|v| v["fields"]["request_id"].as_str().unwrap().to_owned())
            .collect()
    };
    let mut ids = request_ids();
    for _ in 0..50 {
        if ids.len() >= 8 {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
        ids = request_ids();
    }
    assert!(ids.len() >= 8, "{ids:?}");
    assert!(ids
        .iter()
        .all(|id| id.len() == 16 && id.bytes().all(|b| b.is_ascii_hexdigit())));
    let mut unique = ids.clone();
    unique.sort();
    unique.dedup();
    assert_eq!(unique.len(), ids.len(), "a request id repeated");
}

/// A metrics address already taken stops start-up with a message that names the setting.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_taken_metrics_address_is_named() {
    let Some(server) = TestServer::start(Backend::Sqlite).await else {
        return;
    };
    let taken = server.metrics_url.trim_start_matches("http://").to_owned();
    let out = server
        .command()
        .arg("serve")
        .env("RESGUARDO__METRICS__BIND", &taken)
        .output()
        .unwrap();
    assert!(!out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains(&format!("metrics.bind {taken}")),
        "{stderr}"
    );
}

/// A reporter's requests leave no log line (the journal would timestamp it); the desks' do.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn reporters_requests_are_not_logged() {
    let Some(server) = TestServer::start(Backend::Sqlite).await else {
        return;
    };
    server.create_desk("gt");
    let client = server.client();
    reporter::submit(&client, "gt", &form("x"), Language::Es, None, |_| {})
        .await
        .unwrap();
    let _ = reqwest::get(format!("{}/es/", server.url)).await.unwrap();
    let _ = reqwest::get(format!("{}/api/v1/desk/reports", server.url))
        .await
        .unwrap();
    let logged_routes = || -> Vec<String> {
        server
            .logs()
            .lines()
            .filter_map(|l| serde_json::from_str::<serde_json::Value>(l).ok())
            .filter(|v| v["fields"]["message"] == "request")
            .map(|v| v["fields"]["route"].as_str().unwrap_or_default().to_owned())
            .collect()
    };
    // The desk request was the last: once its line is read, every earlier line is too.
    let mut routes = logged_routes();
    for _ in 0..50 {
        if routes.iter().any(|r| r == "/api/v1/desk/reports") {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
        routes = logged_routes();
    }
    assert!(
        routes.contains(&"/api/v1/desk/reports".to_owned()),
        "{routes:?}"
    );
    for reporter_route in [
        "/api/v1/desks/{slug}/reports",
        "/api/v1/pow",
        "/api/v1/desks/{slug}",
        "/{lang}/",
    ] {
        assert!(
            !routes.iter().any(|r| r == reporter_route),
            "{reporter_route} logged: {routes:?}"
        );
    }
}
