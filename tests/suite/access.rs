//! The access-control matrix: every case-worker route (16) against anonymous, pending, vetted,
//! supervisor, disabled and other-desk callers. Each cell expects its documented status, and no
//! answer to an outsider carries this desk's data.

use resguardo::client::{desk_keys, reporter, worker};
use resguardo::crypto::receipt::Language;
use resguardo::domain::b64_encode;
use serde_json::{json, Value};

use crate::harness::{form, Backend, TestServer};
use crate::workers::{enrolled_account as login, invite};

crate::on_both_backends!(access_matrix);

pub async fn desk_with_supervisor(
    server: &TestServer,
    client: &resguardo::client::ApiClient,
    desk: &str,
) -> worker::Login {
    let out = server
        .command()
        .args([
            "admin", "desk", "create", "--slug", desk, "--name", "Mesa", "--json",
        ])
        .output()
        .unwrap();
    let created: Value = serde_json::from_slice(&out.stdout).unwrap();
    crate::docs::assert_cli_shape("admin desk create", &created);
    let (boss, _) = login(client, desk, created["code"].as_str().unwrap(), "sofia").await;
    desk_keys::init_desk_key(client, &boss.session.token, &boss.identity)
        .await
        .unwrap();
    boss
}

async fn access_matrix(backend: Backend) {
    let Some(server) = TestServer::start(backend).await else {
        return;
    };
    let client = server.client();
    let boss = desk_with_supervisor(&server, &client, "gt").await;
    let (vetted, vetted_fp) = login(&client, "gt", &invite(&server, "gt", "worker"), "ana").await;
    crate::workers::vet(&client, &boss, "ana", &vetted_fp)
        .await
        .unwrap();
    let (pending, _) = login(&client, "gt", &invite(&server, "gt", "worker"), "pedro").await;
    let (disabled, disabled_fp) =
        login(&client, "gt", &invite(&server, "gt", "worker"), "dora").await;
    crate::workers::vet(&client, &boss, "dora", &disabled_fp)
        .await
        .unwrap();
    client.disable(&boss.session.token, "dora").await.unwrap();
    let hn_boss = desk_with_supervisor(&server, &client, "hn").await;
    let (outsider, outsider_fp) =
        login(&client, "hn", &invite(&server, "hn", "worker"), "omar").await;
    crate::workers::vet(&client, &hn_boss, "omar", &outsider_fp)
        .await
        .unwrap();

    let case = reporter::submit(&client, "gt", &form("x"), Language::Es, None, |_| {})
        .await
        .unwrap()
        .id;
    let recipient = age::x25519::Identity::generate().to_public();
    let entry = json!({"ciphertext": b64_encode(&resguardo::crypto::seal::seal(&[&recipient], &crate::harness::document("x")).unwrap())});
    let grant = entry["ciphertext"].clone();

    // (method, path, body)
    let routes: Vec<(&str, String, Option<Value>)> = vec![
        ("GET", "/api/v1/session".into(), None),
        ("GET", "/api/v1/desk/grants".into(), None),
        (
            "POST",
            "/api/v1/desk/key".into(),
            Some(json!({"recipient": recipient.to_string(), "grant": grant})),
        ),
        ("GET", "/api/v1/desk/accounts".into(), None),
        (
            "POST",
            "/api/v1/desk/accounts/ana/vet".into(),
            Some(json!({"key_version": 1, "grant": grant})),
        ),
        (
            "POST",
            "/api/v1/desk/accounts/nadie/disable".into(),
            Some(json!({})),
        ),
        ("GET", "/api/v1/desk/reports".into(), None),
        ("GET", format!("/api/v1/desk/reports/{case}"), None),
        (
            "POST",
            format!("/api/v1/desk/reports/{case}/status"),
            Some(json!({"status": "in_review"})),
        ),
        (
            "POST",
            format!("/api/v1/desk/reports/{case}/assign"),
            Some(json!({"username": null})),
        ),
        (
            "POST",
            format!("/api/v1/desk/reports/{case}/notes"),
            Some(entry.clone()),
        ),
        (
            "POST",
            format!("/api/v1/desk/reports/{case}/replies"),
            Some(entry.clone()),
        ),
        (
            "POST",
            "/api/v1/desk/key/rotate".into(),
            Some(json!({"recipient": recipient.to_string(),
                        "grants": [{"username": "nadie", "grant": grant}]})),
        ),
        (
            "POST",
            format!("/api/v1/desk/reports/{case}/reencrypt"),
            Some(
                json!({"key_version": 1, "part": {"kind": "note", "seq": 99}, "ciphertext": grant}),
            ),
        ),
        ("GET", "/api/v1/desk/retention".into(), None),
        (
            "POST",
            "/api/v1/desk/retention".into(),
            Some(json!({"closed_days": 90, "spam_days": 7, "untriaged_days": 365})),
        ),
    ];
    // Expected status per caller, in the order of `routes`.
    let callers: Vec<(&str, Option<String>, [u16; 16])> = vec![
        ("anonymous", None, [401; 16]),
        ("disabled", Some(disabled.session.token.clone()), [401; 16]),
        (
            "pending",
            Some(pending.session.token.clone()),
            [
                200, 200, 403, 403, 403, 403, 403, 403, 403, 403, 403, 403, 403, 403, 403, 403,
            ],
        ),
        (
            "vetted worker",
            Some(vetted.session.token.clone()),
            [
                200, 200, 403, 403, 403, 403, 200, 200, 204, 204, 201, 201, 403, 403, 200, 403,
            ],
        ),
        (
            "supervisor",
            Some(boss.session.token.clone()),
            [
                200, 200, 409, 200, 409, 404, 200, 200, 204, 204, 201, 201, 404, 404, 200, 200,
            ],
        ),
        (
            "other desk",
            Some(outsider.session.token.clone()),
            [
                200, 200, 403, 403, 403, 403, 200, 404, 404, 404, 404, 404, 403, 403, 200, 403,
            ],
        ),
    ];
    let http = reqwest::Client::new();
    let mut cells = 0;
    for (caller, token, expected) in &callers {
        for ((method, path, body), want) in routes.iter().zip(expected) {
            let mut request = match *method {
                "GET" => http.get(format!("{}{path}", server.url)),
                _ => http.post(format!("{}{path}", server.url)),
            };
            if let Some(token) = token {
                request = request.bearer_auth(token);
            }
            if let Some(body) = body {
                request = request.json(body);
            }
            let response = request.send().await.unwrap();
            let status = response.status().as_u16();
            let text = response.text().await.unwrap();
            assert_eq!(status, *want, "{caller} {method} {path}: {text}");
            if *caller == "other desk" || *caller == "anonymous" || *caller == "disabled" {
                assert!(
                    !text.contains(&case),
                    "{caller} {method} {path} saw the case id"
                );
                assert!(
                    !text.contains("\"ana\""),
                    "{caller} {method} {path} saw an account of gt"
                );
            }
            cells += 1;
        }
    }
    assert_eq!(cells, 96);
}
