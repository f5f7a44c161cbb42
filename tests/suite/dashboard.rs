//! The desk dashboard, first slice (docs/decisions/0008 §5.1): its own listener and origin, a
//! page that may run only its pinned script with Trusted Types enforced, and signing in in
//! Debian's Chromium (web/tools/desk.ts): Argon2id, TOTP, the desk's statements verified from the
//! root typed once, the grants opened, and nothing secret kept in any storage; half an hour idle
//! locks the page and ends the server's session, a used code is refused in words, and a reload
//! asks for the password again.

use resguardo::client::worker;
use serde_json::Value;

use crate::browser::{chromium_and_web, screenshots, web_tool};
use crate::harness::{Backend, TestServer};
use crate::triage::staffed_desk;
use crate::workers::{invite, root_pins, totp_code, vet, PASSWORD};

crate::on_both_backends!(case_workers_sign_in_on_the_dashboard);

/// `desk.mjs ARGS` against the dashboard.
fn desk_tool(web: &std::path::Path, args: &[&str]) -> Value {
    web_tool(web, "desk", args, &[])
}

/// A vetted worker enrolled here, whose authenticator this test holds: its TOTP URI, with one
/// code (the confirmation's) used.
async fn worker_with_codes(
    server: &TestServer,
    client: &resguardo::client::ApiClient,
    boss: &worker::Login,
    name: &str,
) -> String {
    let code = invite(server, "gt", "worker");
    let enrolled = worker::enrol(client, "gt", &code, name, PASSWORD)
        .await
        .unwrap();
    let uri = enrolled.enrolled.totp_uri.clone();
    worker::confirm_totp(client, "gt", name, PASSWORD, &totp_code(&uri, 0))
        .await
        .unwrap();
    let number = enrolled.safety_number().to_string();
    vet(client, boss, name, &number).await.unwrap();
    uri
}

/// What the browser keeps, as text, for the searches below.
fn kept(storage: &Value) -> String {
    storage.to_string()
}

async fn case_workers_sign_in_on_the_dashboard(backend: Backend) {
    let Some(web) = chromium_and_web() else {
        return;
    };
    let Some(server) =
        TestServer::start_with(backend, &[("RESGUARDO__DESK__BIND", "127.0.0.1:0")]).await
    else {
        return;
    };
    assert!(!server.desk_url.is_empty(), "{}", server.logs());
    let client = server.client();
    let (boss, _) = staffed_desk(&server, &client, "gt").await;
    let root = root_pins(&boss.identity).root.as_str().to_owned();

    // Two origins: the dashboard is not on the reporters' listener, the reporter pages are not on
    // the dashboard's; the dashboard's page enforces Trusted Types.
    let http = reqwest::Client::new();
    let get = |url: String| http.get(url).send();
    for missing in [
        format!("{}/assets/desk.js", server.url),
        format!("{}/es/followup", server.desk_url),
        format!("{}/assets/app.js", server.desk_url),
    ] {
        assert_eq!(
            get(missing.clone()).await.unwrap().status(),
            404,
            "{missing}"
        );
    }
    let page = get(format!("{}/es/", server.desk_url)).await.unwrap();
    let policy = page.headers()["content-security-policy"]
        .to_str()
        .unwrap()
        .to_owned();
    assert!(policy.contains("require-trusted-types-for 'script'; trusted-types 'none'"));
    assert!(page.text().await.unwrap().contains("Panel de la mesa"));

    // Signing in, locking, a used code, a reload.
    let uri = worker_with_codes(&server, &client, &boss, "rosa").await;
    let code = totp_code(&uri, 1);
    let shots = screenshots().join(format!("desk-{backend:?}"));
    std::fs::create_dir_all(&shots).unwrap();
    let url = format!("{}/es/", server.desk_url);
    let args = [
        "sign-in",
        &url,
        shots.to_str().unwrap(),
        "gt",
        "rosa",
        PASSWORD,
        &code,
        &root,
    ];
    let seen = desk_tool(&web, &args);
    assert_eq!(seen["who"], "rosa · gt", "{seen}");
    assert_eq!(seen["keyVersion"], "1", "{seen}");
    assert_eq!(seen["violations"], serde_json::json!([]), "{seen}");
    assert_eq!(seen["foreign"], serde_json::json!([]), "{seen}");
    // The probe proves the violations above are counted: its HTML sink threw and was reported.
    assert_eq!(seen["probe"], "TypeError", "{seen}");
    assert!(
        seen["afterProbe"]
            .to_string()
            .contains("require-trusted-types-for"),
        "{seen}"
    );
    assert_eq!(seen["locked"], true, "{seen}");
    // The code the first sign-in used is refused (401) and the page says why in words.
    assert_eq!(seen["reusedStatus"], 401, "{seen}");
    let reused = seen["reused"].as_str().unwrap();
    assert!(
        reused.contains("Cada código sirve una sola vez"),
        "{reused}"
    );
    assert_eq!(
        seen["reloaded"],
        serde_json::json!({"signIn": true, "signedIn": false, "rootAsked": false}),
        "a reload signs out; the desk typed again, its root is pinned: {seen}"
    );
    // Nothing secret in any storage, signed in, locked or reloaded: only the pin, public values.
    let token = seen["token"].as_str().unwrap();
    assert!(token.len() >= 32, "{seen}");
    for (when, storage) in seen["storage"].as_object().unwrap() {
        let text = kept(storage);
        for secret in [token, PASSWORD, "AGE-SECRET-KEY", &code] {
            assert!(
                !text.contains(secret),
                "{when}: the browser keeps {secret:?}: {text}"
            );
        }
        assert_eq!(storage["session"], serde_json::json!({}), "{when}");
        assert_eq!(storage["databases"], serde_json::json!([]), "{when}");
        assert_eq!(storage["caches"], serde_json::json!([]), "{when}");
        assert_eq!(
            (&storage["workers"], &storage["cookieJar"]),
            (&0.into(), &0.into()),
            "{when}"
        );
        let local = storage["local"].as_object().unwrap();
        assert_eq!(
            local.keys().collect::<Vec<_>>(),
            ["resguardo/desk-pin/gt"],
            "{when}"
        );
        let pin: Value =
            serde_json::from_str(local["resguardo/desk-pin/gt"].as_str().unwrap()).unwrap();
        assert_eq!(pin["root"], root.as_str(), "{when}");
    }

    // A root that is not the desk's: refused in words, nothing pinned, and the server's session
    // ended (the device refuses to use it).
    let other = root_pins(&age::x25519::Identity::generate())
        .root
        .as_str()
        .to_owned();
    let uri = worker_with_codes(&server, &client, &boss, "beto").await;
    let code = totp_code(&uri, 1);
    let args = [
        "wrong-root",
        &url,
        shots.to_str().unwrap(),
        "gt",
        "beto",
        PASSWORD,
        &code,
        &other,
    ];
    let refused = desk_tool(&web, &args);
    let error = refused["error"].as_str().unwrap();
    assert!(
        error.contains("no se pudieron verificar con el número raíz"),
        "{refused}"
    );
    assert_eq!(refused["signedIn"], false);
    assert_eq!(
        refused["storage"]["local"],
        serde_json::json!({}),
        "{refused}"
    );
    assert_eq!(refused["violations"], serde_json::json!([]), "{refused}");
    assert_eq!(refused["foreign"], serde_json::json!([]), "{refused}");

    // The device ended the server's sessions it dropped: after the idle lock, and after refusing
    // the chain.
    for token in [
        seen["token"].as_str().unwrap(),
        refused["token"].as_str().unwrap(),
    ] {
        let session = http
            .get(format!("{}/api/v1/session", server.desk_url))
            .bearer_auth(token)
            .send()
            .await
            .unwrap();
        assert_eq!(session.status(), 401);
    }
}
