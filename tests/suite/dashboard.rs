//! The desk dashboard, first slice (docs/decisions/0008 §5.1): its own listener and origin, a
//! page that may run only its pinned script with Trusted Types enforced, and signing in in
//! Debian's Chromium (web/tools/desk.ts): Argon2id, TOTP, the desk's statements verified from the
//! root typed once, the grants opened, and nothing secret kept in any storage; half an hour idle
//! locks the page and ends the server's session, a used code is refused in words, and a reload
//! asks for the password again. And the inbox (§5.2): every report decrypted in the browser,
//! labelled in Spanish, sorted by what needs attention, searched and filtered on the device.

use resguardo::client::{reporter, worker};
use resguardo::crypto::receipt::Language;
use resguardo::domain::Status;
use resguardo::protocol::report::ReportForm;
use serde_json::Value;

use crate::browser::{chromium_and_web, screenshots, web_tool};
use crate::harness::{Backend, TestServer};
use crate::triage::staffed_desk;
use crate::workers::{invite, root_pins, totp_code, vet, PASSWORD};

crate::on_both_backends!(
    case_workers_sign_in_on_the_dashboard,
    the_inbox_decrypts_and_searches_in_the_browser
);

/// As the reporter pages: on every screen (signing in, the inbox, a case, the team), every control
/// has a name, in the page and in Chromium's accessibility tree, there is one level-1 heading,
/// nothing scrolls sideways at 320 px and every text meets WCAG AA contrast; and a supervisor
/// signs in and opens a case with the keyboard alone.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_dashboard_is_accessible() {
    let Some(Desk {
        web,
        server,
        client,
        boss,
        root,
        ..
    }) = dashboard_desk(Backend::Sqlite).await
    else {
        return;
    };
    let form = crate::harness::form("Me piden dinero.");
    let sent = reporter::submit(&client, "gt", &form, Language::Es, None, |_| {})
        .await
        .unwrap();
    let marta = browser_account(&server, &client, &boss, "marta", "supervisor", "desk-a11y").await;
    let args = [
        "a11y",
        &marta.url,
        &marta.shots,
        "gt",
        "marta",
        PASSWORD,
        &marta.code,
        &root,
        &sent.id,
    ];
    let seen = desk_tool(&web, &args);
    assert_eq!(seen["violations"], serde_json::json!([]), "{seen}");
    assert_eq!(seen["keyboardOpened"], true, "{seen}");
    for screen in ["signIn", "inbox", "case", "team", "enrol"] {
        let page = &seen[screen];
        assert_eq!(page["unnamed"], serde_json::json!([]), "{screen}: {page}");
        assert_eq!(page["axUnnamed"], serde_json::json!([]), "{screen}: {page}");
        assert_eq!(page["h1"], 1, "{screen}: one level-1 heading");
        assert!(
            page["narrow"].as_u64().unwrap() <= 320,
            "{screen}: scrolls sideways at 320 px"
        );
        assert_eq!(
            page["lowContrast"],
            serde_json::json!([]),
            "{screen}: contrast below 4.5:1"
        );
        assert!(
            page["contrastChecked"].as_u64().unwrap() > 5,
            "{screen}: {page}"
        );
    }
}

/// `desk.mjs ARGS` against the dashboard.
fn desk_tool(web: &std::path::Path, args: &[&str]) -> Value {
    web_tool(web, "desk", args, &[])
}

/// A vetted worker enrolled here, whose authenticator this test holds: its TOTP URI, with one
/// code (the confirmation's) used.
pub async fn worker_with_codes(
    server: &TestServer,
    client: &resguardo::client::ApiClient,
    boss: &worker::Login,
    name: &str,
) -> String {
    account_with_codes(server, client, boss, name, "worker").await
}

/// An account of `role` enrolled here and vetted by `boss`, whose authenticator this test holds:
/// its TOTP URI, with one code (the confirmation's) used.
pub async fn account_with_codes(
    server: &TestServer,
    client: &resguardo::client::ApiClient,
    boss: &worker::Login,
    name: &str,
    role: &str,
) -> String {
    let code = invite(server, "gt", role);
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

/// A server with the dashboard on its own listener, desk `gt` made by its supervisor (`boss`)
/// with a vetted worker (`ana`), the desk's root safety number, and the web tools.
pub struct Desk {
    pub web: std::path::PathBuf,
    pub server: TestServer,
    pub client: resguardo::client::ApiClient,
    pub boss: worker::Login,
    pub ana: worker::Login,
    pub root: String,
}

/// `None` (the test skips) without Chromium or without the database.
pub async fn dashboard_desk(backend: Backend) -> Option<Desk> {
    let web = chromium_and_web()?;
    let server =
        TestServer::start_with(backend, &[("RESGUARDO__DESK__BIND", "127.0.0.1:0")]).await?;
    assert!(!server.desk_url.is_empty(), "{}", server.logs());
    let client = server.client();
    let (boss, ana) = staffed_desk(&server, &client, "gt").await;
    let root = root_pins(&boss.identity).root.as_str().to_owned();
    Some(Desk {
        web,
        server,
        client,
        boss,
        ana,
        root,
    })
}

/// What the browser tool needs to sign a new worker in: a code not used yet, the folder for its
/// screenshots (under the tests' screenshots, named `shots`), the dashboard's Spanish page.
pub struct BrowserSignIn {
    pub code: String,
    pub shots: String,
    pub url: String,
}

/// Worker `name`, enrolled and vetted by `boss`, ready to sign in in the browser.
pub async fn browser_worker(
    server: &TestServer,
    client: &resguardo::client::ApiClient,
    boss: &worker::Login,
    name: &str,
    shots: impl AsRef<std::path::Path>,
) -> BrowserSignIn {
    browser_account(server, client, boss, name, "worker", shots).await
}

/// An account of `role`, enrolled and vetted by `boss`, ready to sign in in the browser.
pub async fn browser_account(
    server: &TestServer,
    client: &resguardo::client::ApiClient,
    boss: &worker::Login,
    name: &str,
    role: &str,
    shots: impl AsRef<std::path::Path>,
) -> BrowserSignIn {
    let uri = account_with_codes(server, client, boss, name, role).await;
    let shots = screenshots().join(shots);
    std::fs::create_dir_all(&shots).unwrap();
    BrowserSignIn {
        code: totp_code(&uri, 1),
        shots: shots.to_str().unwrap().to_owned(),
        url: format!("{}/es/", server.desk_url),
    }
}

/// What the browser keeps, as text, for the searches below.
fn kept(storage: &Value) -> String {
    storage.to_string()
}

async fn case_workers_sign_in_on_the_dashboard(backend: Backend) {
    let Some(Desk {
        web,
        server,
        client,
        boss,
        ana: _,
        root,
    }) = dashboard_desk(backend).await
    else {
        return;
    };

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
    let BrowserSignIn { code, shots, url } =
        browser_worker(&server, &client, &boss, "rosa", format!("desk-{backend:?}")).await;
    let args = [
        "sign-in", &url, &shots, "gt", "rosa", PASSWORD, &code, &root,
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
        &shots,
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

/// A report of `kind` from `country` needing `need`, as the reporter pages write one.
fn report(kind: &str, country: &str, need: &str, narrative: &str) -> ReportForm {
    serde_json::from_value(serde_json::json!({
        "kind": kind, "narrative": narrative, "country": country, "needs": [need],
        "consent_referral": true,
    }))
    .unwrap()
}

async fn the_inbox_decrypts_and_searches_in_the_browser(backend: Backend) {
    let Some(Desk {
        web,
        server,
        client,
        boss,
        ana,
        root,
    }) = dashboard_desk(backend).await
    else {
        return;
    };
    let canary = crate::canary::new_canary();
    let reports = [
        report(
            "phone_extortion",
            "HN",
            "legal",
            &format!("Me piden dinero por WhatsApp desde Honduras. {canary}"),
        ),
        report(
            "sextortion",
            "GT",
            "psychosocial",
            "Amenazan con PUBLICAR mis fotos íntimas",
        ),
        report("other", "SV", "shelter", "Otro caso, ya resuelto"),
    ];
    let mut ids = vec![];
    let mut phrases = vec![];
    for form in &reports {
        let sent = reporter::submit(&client, "gt", form, Language::Es, None, |_| {})
            .await
            .unwrap();
        ids.push(sent.id);
        phrases.push(sent.phrase);
    }
    // The second reporter writes again (unread: first); the third case is closed (last).
    let keys = reporter::derive(&phrases[1]).await;
    reporter::send_message(&client, &keys, "gt", None, "Me volvieron a escribir.")
        .await
        .unwrap();
    let closed = client.set_status(&ana.session.token, &ids[2], Status::Closed);
    closed.await.unwrap();

    let BrowserSignIn { code, shots, url } =
        browser_worker(&server, &client, &boss, "rosa", format!("desk-{backend:?}")).await;
    let args = [
        "inbox",
        &url,
        &shots,
        "gt",
        "rosa",
        PASSWORD,
        &code,
        &root,
        "fotos publicar",
        "phone_extortion",
    ];
    let seen = desk_tool(&web, &args);
    assert_eq!(seen["violations"], serde_json::json!([]), "{seen}");
    assert_eq!(seen["foreign"], serde_json::json!([]), "{seen}");
    assert_eq!(
        seen["count"], "3 de 3 casos, primero los que necesitan atención.",
        "{seen}"
    );

    // Most urgent first: the reporter who wrote again, then the one waiting, the closed one last.
    let cards = seen["cards"].as_array().unwrap();
    let order: Vec<&str> = cards.iter().map(|c| c["id"].as_str().unwrap()).collect();
    assert_eq!(order, [&ids[1], &ids[0], &ids[2]], "{seen}");
    let first = &cards[0];
    assert_eq!(first["short"], &ids[1][..8]);
    assert_eq!(
        first["kind"], "Sextorsión (fotos o videos íntimos)",
        "{seen}"
    );
    assert_eq!(first["status"], "Nuevo");
    assert_eq!(
        first["unread"], "Mensajes nuevos de quien reporta: 1",
        "{seen}"
    );
    assert_eq!(first["waiting"], true);
    assert_eq!(first["assignee"], "Sin asignar");
    let second = &cards[1];
    assert_eq!(second["kind"], "Extorsión por teléfono");
    assert!(
        second["facts"].as_str().unwrap().starts_with("Honduras"),
        "{seen}"
    );
    assert_eq!(
        (&cards[2]["status"], &cards[2]["waiting"]),
        (&"Cerrado".into(), &false.into())
    );

    // Search and filters on the device: accents and case aside, and without a request.
    assert_eq!(seen["searched"], serde_json::json!([ids[1]]), "{seen}");
    assert_eq!(seen["searchRequests"], serde_json::json!([]), "{seen}");
    assert_eq!(seen["kindFiltered"], serde_json::json!([ids[0]]), "{seen}");

    // Nothing of the reports in any storage; the lock drops the list.
    let kept = kept(&seen["storage"]);
    for secret in [
        canary.as_str(),
        "WhatsApp",
        "fotos",
        PASSWORD,
        "AGE-SECRET-KEY",
    ] {
        assert!(
            !kept.contains(secret),
            "the browser keeps {secret:?}: {kept}"
        );
    }
    assert_eq!(
        seen["afterLock"],
        serde_json::json!({"cards": 0, "inboxShown": false, "searchValue": ""}),
        "{seen}"
    );

    // The pages the browser fetched are on the record, as rosa's.
    let reads = (server.audit_rows().await.into_iter())
        .filter(|r| r.entry.action == "cases.read" && r.entry.actor == "rosa")
        .count();
    assert_eq!(reads, 1);
}
