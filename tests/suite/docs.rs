//! The documentation is a contract: a third party builds clients from docs/api.md and scripts from
//! docs/cli.md. These tests fail when a documented route, answer or header is missing from the
//! running server or the server has one the markdown does not name (the problem types are checked
//! in `server::problem`), and when a `--json` command prints a shape docs/cli.md does not show.

use std::collections::{BTreeMap, BTreeSet};

use serde_json::Value;

use crate::harness::{Backend, TestServer};

const API_MD: &str = include_str!("../../docs/api.md");

/// The text of a `## ` section, up to the next one.
fn section<'a>(md: &'a str, heading: &str) -> &'a str {
    let start = md
        .find(&format!("\n{heading}\n"))
        .unwrap_or_else(|| panic!("docs have a {heading} section"));
    let rest = &md[start + heading.len() + 2..];
    rest.find("\n## ").map_or(rest, |end| &rest[..end])
}

/// Table rows whose first cell is one backticked token: (token, the other cells).
fn rows(text: &str) -> Vec<(String, Vec<String>)> {
    text.lines()
        .filter_map(|line| line.strip_prefix("| `"))
        .map(|row| {
            let cells: Vec<&str> = row.trim_end_matches(" |").split(" | ").collect();
            let first = cells[0].trim_end_matches('`').to_owned();
            (first, cells[1..].iter().map(|c| c.to_string()).collect())
        })
        .collect()
}

/// Documented routes: (method, path) → the statuses the route may answer.
fn documented_routes() -> BTreeMap<(String, String), BTreeSet<u16>> {
    rows(section(API_MD, "## Routes"))
        .into_iter()
        .map(|(route, cells)| {
            let (method, path) = route.split_once(' ').expect("METHOD /path");
            let answers = cells
                .last()
                .unwrap()
                .split(", ")
                .map(|s| s.trim().parse().expect("a status"))
                .collect();
            ((method.to_owned(), path.to_owned()), answers)
        })
        .collect()
}

/// The reporter pages and their assets, and `/metrics` on its own listener, are not API routes.
fn not_in_openapi(path: &str) -> bool {
    path == "/" || path == "/metrics" || path.starts_with("/{lang}") || path.starts_with("/assets/")
}

/// A concrete path for a documented pattern.
fn concrete(path: &str) -> String {
    path.replace("{slug}", "zz")
        .replace("{id}", &"0".repeat(32))
        .replace("{username}", "nobody")
        .replace("{lang}", "es")
}

/// Every route of the OpenAPI document the server serves is in docs/api.md with the same answers,
/// and every documented API route is in it.
#[tokio::test]
async fn the_documented_routes_are_the_served_ones() {
    let Some(server) = TestServer::start(Backend::Sqlite).await else {
        return;
    };
    let http = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let openapi: Value = http
        .get(format!("{}/api/v1/openapi.json", server.url))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let mut served = BTreeMap::new();
    for (path, operations) in openapi["paths"].as_object().unwrap() {
        for (method, operation) in operations.as_object().unwrap() {
            let answers: BTreeSet<u16> = operation["responses"]
                .as_object()
                .unwrap()
                .keys()
                .map(|s| s.parse().unwrap())
                .collect();
            served.insert((method.to_uppercase(), path.clone()), answers);
        }
    }
    let documented = documented_routes();
    let api: BTreeMap<_, _> = documented
        .iter()
        .filter(|((_, path), _)| !not_in_openapi(path))
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect();
    assert_eq!(
        served.keys().collect::<Vec<_>>(),
        api.keys().collect::<Vec<_>>(),
        "OpenAPI operations vs docs/api.md"
    );
    for (route, answers) in &served {
        assert_eq!(answers, &api[route], "answers of {route:?}");
    }

    // Each documented route is really served: no generic not-found, no 405 for its method; any
    // other method gets 405 with the documented methods in `Allow`.
    let mut methods: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
    for (method, path) in documented.keys() {
        methods.entry(path).or_default().push(method);
    }
    for (method, path) in documented.keys() {
        let base = if path == "/metrics" {
            &server.metrics_url
        } else {
            &server.url
        };
        let url = format!("{base}{}", concrete(path));
        let request = match method.as_str() {
            "GET" => http.get(&url),
            "POST" => http
                .post(&url)
                .header("content-type", "application/json")
                .body("{}"),
            other => panic!("unexpected method {other}"),
        };
        let response = request.send().await.unwrap();
        let status = response.status().as_u16();
        let body = response.text().await.unwrap_or_default();
        assert_ne!(status, 405, "{method} {path}");
        assert!(
            !body.contains("/problems/not-found\""),
            "{method} {path} is not served: {body}"
        );
        if path == "/metrics" {
            continue;
        }
        let response = http.put(&url).send().await.unwrap();
        assert_eq!(response.status(), 405, "PUT {path}");
        let mut allowed: Vec<&str> = response.headers()["allow"]
            .to_str()
            .unwrap()
            .split(", ")
            .filter(|m| *m != "HEAD")
            .collect();
        allowed.sort();
        let mut expected = methods[path.as_str()].clone();
        expected.sort();
        assert_eq!(allowed, expected, "Allow of {path}");
    }
}

/// The headers "every response" carries are exactly the documented ones, with their values, on
/// both listeners and on errors; the others appear where the table says.
#[tokio::test]
async fn the_documented_headers_are_the_sent_ones() {
    let Some(server) = TestServer::start_with(
        Backend::Sqlite,
        &[("RESGUARDO__LIMITS__CHALLENGE_GLOBAL_PER_MINUTE", "1")],
    )
    .await
    else {
        return;
    };
    let table = rows(section(API_MD, "## Headers"));
    let value = |cells: &[String]| cells[0].trim_matches('`').to_owned();
    let everywhere: BTreeMap<String, String> = table
        .iter()
        .filter(|(_, cells)| cells[1].starts_with("every response"))
        .map(|(name, cells)| (name.to_ascii_lowercase(), value(cells)))
        .collect();
    assert_eq!(everywhere.len(), 8, "{everywhere:?}");
    let http = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    // Headers every HTTP answer has, which the table leaves to HTTP itself.
    let generic = ["content-type", "content-length", "date"];
    for url in [
        format!("{}/healthz", server.url),
        format!("{}/nope", server.url),
        format!("{}/assets/app.js", server.url),
        format!("{}/metrics", server.metrics_url),
    ] {
        let response = http.get(&url).send().await.unwrap();
        let headers = response.headers();
        let names: BTreeSet<&str> = headers
            .keys()
            .map(|k| k.as_str())
            .filter(|k| !generic.contains(k))
            .collect();
        assert_eq!(
            names,
            everywhere.keys().map(String::as_str).collect(),
            "{url}"
        );
        for (name, value) in &everywhere {
            assert_eq!(headers[name.as_str()], value.as_str(), "{name} on {url}");
        }
    }
    // The pages have their own policy and otherwise the same headers.
    let page = http
        .get(format!("{}/es/", server.url))
        .send()
        .await
        .unwrap();
    assert_ne!(
        page.headers()["content-security-policy"],
        everywhere["content-security-policy"].as_str()
    );

    let documented = |name: &str| table.iter().any(|(n, _)| n.eq_ignore_ascii_case(name));
    let root = http.get(format!("{}/", server.url)).send().await.unwrap();
    assert_eq!(root.status(), 303);
    assert!(root.headers().contains_key("location") && documented("Location"));
    let session = http
        .get(format!("{}/api/v1/session", server.url))
        .send()
        .await
        .unwrap();
    assert_eq!(session.headers()["www-authenticate"], "Bearer");
    assert!(documented("WWW-Authenticate"));
    let put = http
        .put(format!("{}/api/v1/pow", server.url))
        .send()
        .await
        .unwrap();
    assert_eq!(put.headers()["allow"], "GET, HEAD");
    assert!(documented("Allow"));
    let mut limited = None;
    for _ in 0..3 {
        let response = http
            .get(format!("{}/api/v1/pow", server.url))
            .send()
            .await
            .unwrap();
        if response.status() == 429 {
            limited = Some(response);
            break;
        }
    }
    let limited = limited.expect("the challenge quota of 1 a minute runs out");
    assert!(limited.headers().contains_key("retry-after") && documented("Retry-After"));
}
