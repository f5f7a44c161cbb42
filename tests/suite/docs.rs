//! The documentation is a contract: a third party builds clients from docs/api.md and scripts from
//! docs/cli.md. These tests fail when a documented route, answer or header is missing from the
//! running server or the server has one the markdown does not name (the problem types are checked
//! in `server::problem`), and when a `--json` command prints a shape docs/cli.md does not show.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

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
    ["/", "/exit", "/metrics"].contains(&path)
        || path.starts_with("/{lang}")
        || path.starts_with("/assets/")
}

/// A concrete path for a documented pattern.
fn concrete(path: &str) -> String {
    path.replace("{slug}", "zz")
        .replace("{id}", &"0".repeat(32))
        .replace("{username}", "nobody")
        .replace("{lang}", "es")
        .replace("{part}", "0")
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
            "PUT" => http
                .put(&url)
                .header("content-type", "application/octet-stream")
                .body(vec![0u8; 16]),
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
        let response = http.delete(&url).send().await.unwrap();
        assert_eq!(response.status(), 405, "DELETE {path}");
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

const CLI_MD: &str = include_str!("../../docs/cli.md");

/// One documented `--json` shape: an example and the table of its keys' types by path.
struct Shape {
    example: Value,
    types: BTreeMap<String, String>,
}

/// The shapes documented for `resguardo <command> --json`.
fn cli_shapes(command: &str) -> Vec<Shape> {
    let heading = format!("### `resguardo {command} --json`\n");
    let start = CLI_MD
        .find(&heading)
        .unwrap_or_else(|| panic!("docs/cli.md documents `resguardo {command} --json`"));
    let body = &CLI_MD[start + heading.len()..];
    let body = body.find("\n#").map_or(body, |end| &body[..end]);
    body.split("```json\n")
        .skip(1)
        .map(|block| {
            let (example, after) = block.split_once("\n```").unwrap();
            let types = rows(after.split("\n\n\n").next().unwrap())
                .into_iter()
                .map(|(path, cells)| (path, cells[0].clone()))
                .collect();
            Shape {
                example: serde_json::from_str(example).expect("the example is JSON"),
                types,
            }
        })
        .collect()
}

fn child(path: &str, key: &str) -> String {
    if path.is_empty() {
        key.to_owned()
    } else {
        format!("{path}.{key}")
    }
}

/// Whether `value` has the documented shape at `path`; the reason when not.
fn fits(
    value: &Value,
    example: &Value,
    path: &str,
    types: &BTreeMap<String, String>,
) -> Result<(), String> {
    let kind = types.get(path).map(String::as_str).unwrap_or("");
    if value.is_null() {
        return match kind.ends_with(" or null") {
            true => Ok(()),
            false => Err(format!(
                "`{path}` is null, which docs/cli.md does not allow"
            )),
        };
    }
    if kind.starts_with("open object") {
        return match value.is_object() {
            true => Ok(()),
            false => Err(format!("`{path}` is not an object")),
        };
    }
    match (example, value) {
        (Value::Object(ex), Value::Object(v)) => {
            let (documented, printed): (BTreeSet<_>, BTreeSet<_>) =
                (ex.keys().collect(), v.keys().collect());
            if documented != printed {
                return Err(format!(
                    "keys at `{path}`: documented {documented:?}, printed {printed:?}"
                ));
            }
            ex.iter()
                .try_for_each(|(k, e)| fits(&v[k], e, &child(path, k), types))
        }
        (Value::Array(ex), Value::Array(v)) => match ex.first() {
            Some(first) => v
                .iter()
                .try_for_each(|e| fits(e, first, &format!("{path}[]"), types)),
            None => Ok(()),
        },
        (Value::String(_), Value::String(_)) | (Value::Bool(_), Value::Bool(_)) => Ok(()),
        (Value::Number(_), Value::Number(n)) if n.is_i64() || n.is_u64() => Ok(()),
        _ => Err(format!("`{path}` is {value}, documented like {example}")),
    }
}

/// Asserts that what `resguardo <command> --json` printed has one of its documented shapes.
/// Every command of docs/cli.md must be checked by some test through this function.
pub fn assert_cli_shape(command: &str, printed: &Value) {
    let reasons: Vec<String> = cli_shapes(command)
        .iter()
        .filter_map(|shape| fits(printed, &shape.example, "", &shape.types).err())
        .collect();
    let shapes = cli_shapes(command).len();
    assert!(
        reasons.len() < shapes,
        "`resguardo {command} --json` printed a shape docs/cli.md does not show: {reasons:?}\n{printed:#}"
    );
}

/// The paths of an example's keys, as the tables write them, not entering open objects.
fn example_paths(
    value: &Value,
    path: &str,
    types: &BTreeMap<String, String>,
    out: &mut BTreeSet<String>,
) {
    if types
        .get(path)
        .is_some_and(|t| t.starts_with("open object"))
    {
        return;
    }
    match value {
        Value::Object(map) => {
            for (k, v) in map {
                let p = child(path, k);
                out.insert(p.clone());
                example_paths(v, &p, types, out);
            }
        }
        Value::Array(items) => {
            if let Some(first) = items.first() {
                example_paths(first, &format!("{path}[]"), types, out);
            }
        }
        _ => {}
    }
}

/// Every command with `--json` has a section in docs/cli.md, and every section a command; each
/// section's tables name exactly its example's keys; and some test checks each command's real
/// output against its section with `assert_cli_shape`.
#[test]
fn every_json_command_is_documented_and_checked() {
    use clap::CommandFactory;
    fn walk(cmd: &clap::Command, words: &mut Vec<String>, out: &mut BTreeSet<String>) {
        if cmd.get_arguments().any(|a| a.get_id() == "json") {
            let positionals = cmd
                .get_positionals()
                .map(|a| a.get_id().as_str().to_uppercase());
            out.insert(
                words
                    .iter()
                    .cloned()
                    .chain(positionals)
                    .collect::<Vec<_>>()
                    .join(" "),
            );
        }
        for sub in cmd.get_subcommands() {
            words.push(sub.get_name().to_owned());
            walk(sub, words, out);
            words.pop();
        }
    }
    let mut commands = BTreeSet::new();
    walk(&resguardo::cli::Cli::command(), &mut vec![], &mut commands);
    let documented: BTreeSet<String> = CLI_MD
        .lines()
        .filter_map(|l| l.strip_prefix("### `resguardo "))
        .map(|l| l.trim_end_matches(" --json`").to_owned())
        .collect();
    assert_eq!(commands, documented, "commands with --json vs docs/cli.md");

    let tests = suite_text(Path::new(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/suite"
    )));
    for command in &documented {
        for shape in cli_shapes(command) {
            let mut paths = BTreeSet::new();
            example_paths(&shape.example, "", &shape.types, &mut paths);
            let listed: BTreeSet<String> = shape
                .types
                .keys()
                .filter(|p| !p.is_empty())
                .cloned()
                .collect();
            assert_eq!(paths, listed, "`{command}`: example keys vs table");
            fits(&shape.example, &shape.example, "", &shape.types).unwrap();
        }
        assert!(
            tests.contains(&format!("assert_cli_shape(\"{command}\"")),
            "no test checks `resguardo {command} --json` against docs/cli.md"
        );
    }
}

/// Every audit action the code can record is listed in protocol.md §7, and nothing else is.
#[test]
fn every_audit_action_is_documented() {
    let md = std::fs::read_to_string("docs/protocol.md").unwrap();
    let audit = section(&md, "## 7. Audit log");
    let listed = audit
        .split("Actions (")
        .nth(1)
        .and_then(|t| t.split("`resguardo admin audit verify`").next())
        .expect("protocol.md §7 lists the actions");
    let code: BTreeSet<&str> = resguardo::domain::AuditAction::ALL
        .iter()
        .map(|a| a.as_str())
        .collect();
    let documented: BTreeSet<&str> = listed
        .split('`')
        .skip(1)
        .step_by(2)
        .filter(|t| t.contains('.') && !t.contains('/') && !t.contains(' ') || *t == "logout")
        .collect();
    assert_eq!(code, documented);
}

/// Every test source under `dir`, subdirectories included, as one text.
fn suite_text(dir: &Path) -> String {
    let mut text = String::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            text.push_str(&suite_text(&path));
        } else {
            text.push_str(&std::fs::read_to_string(&path).unwrap());
        }
    }
    text
}
