//! The reporter pages in a real browser: Debian's Chromium, driven by playwright-core
//! (web/tools/browser.ts), at 360×740 against the real server. The Spanish form is filled and
//! sent, the phrase read off the page; a case worker (the Rust client) decrypts and replies; the
//! follow-up page shows the reply and sends an answer the worker reads. No request ever goes to
//! another origin; with JavaScript off the page explains itself. Screenshots of each step are kept
//! under the test target directory (`browser-screenshots/`).

use std::path::{Path, PathBuf};
use std::process::Command;

use resguardo::client::triage;
use serde_json::Value;

use crate::harness::{strict, Backend, TestServer};

const CHROMIUM: &str = "/usr/bin/chromium";

pub(crate) fn browser(web: &Path, args: &[&str]) -> Value {
    browser_with(web, args, &[])
}

fn browser_with(web: &Path, args: &[&str], env: &[(&str, &str)]) -> Value {
    web_tool(web, "browser", args, env)
}

/// Runs the built test tool `web/tools/TOOL.ts` with `args`; what it printed, as JSON.
pub(crate) fn web_tool(web: &Path, tool: &str, args: &[&str], env: &[(&str, &str)]) -> Value {
    let out = Command::new("node")
        .arg(web.join(format!(".test-build/tools/{tool}.mjs")))
        .args(args)
        .envs(env.iter().copied())
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{tool} {args:?}:\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap()
}

/// The web directory with its test tools built, when Chromium is there to drive (it must be in
/// CI); `None` skips the test.
pub(crate) fn chromium_and_web() -> Option<PathBuf> {
    if !Path::new(CHROMIUM).exists() {
        assert!(
            !strict(),
            "Chromium is required in CI (apt-get install chromium)"
        );
        crate::harness::skipped(&format!("{CHROMIUM} is not installed"));
        return None;
    }
    Some(crate::web::installed_web())
}

pub(crate) fn screenshots() -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("browser-screenshots");
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

crate::on_both_backends!(report_and_follow_up_in_chromium);

async fn report_and_follow_up_in_chromium(backend: Backend) {
    let Some(web) = chromium_and_web() else {
        return;
    };
    let Some(server) = TestServer::start(backend).await else {
        return;
    };
    let client = server.client();
    let (_, ana) = crate::triage::staffed_desk(&server, &client, "gt").await;
    let shots = screenshots().join(format!("{backend:?}").to_lowercase());
    std::fs::create_dir_all(&shots).unwrap();
    let shots = shots.to_str().unwrap();

    let sent = browser(&web, &["intake", &server.url, shots]);
    assert_eq!(sent["foreign"], 0, "requests to other origins");
    assert_eq!(
        sent["stored"], 0,
        "cookies, web storage, caches or databases left behind"
    );
    assert_eq!(sent["lang"], "es");
    // The policy refused nothing, so Argon2id ran in WebAssembly, not in the fallback.
    assert_eq!(sent["violations"], serde_json::json!([]), "{sent}");
    assert_eq!(sent["wasm"], true);
    let phrase = sent["phrase"].as_str().unwrap().to_owned();
    assert_eq!(phrase.split(' ').count(), 8);
    // The receipt says first that the report arrived, then gives the phrase.
    assert_eq!(sent["receiptTitle"], "Recibimos su reporte");
    // Back from the next page brings neither the story nor the phrase back.
    assert_eq!(
        sent["afterBack"],
        serde_json::json!({"narrative": "", "receipt": false, "phrase": ""}),
        "{sent}"
    );
    // The receipt shows the safety number of the key the page encrypted to, computed in the page,
    // and offers no Copy (keyboards keep clipboard history).
    let recipient = client.desk("gt").await.unwrap().recipient;
    let expected = resguardo::domain::Recipient::parse(&recipient)
        .unwrap()
        .fingerprint()
        .to_string();
    assert_eq!(sent["deskNumber"], expected.as_str(), "{sent}");
    assert_eq!(sent["copyButton"], false);
    // At 360 px nothing is cut: choices are radio buttons whose labels wrap, and no option of a
    // drop-down list is wider than the list.
    assert_eq!(sent["cut"], serde_json::json!([]), "{sent}");

    // The case worker decrypts what the browser encrypted, and replies.
    let token = &ana.session.token;
    let keys = crate::workers::desk_identities(&client, token, &ana.identity)
        .await
        .unwrap();
    let inbox = client.inbox(token, None, false).await.unwrap();
    assert_eq!(inbox.len(), 1);
    let case = triage::open_case(&client, token, &keys, &inbox[0].id)
        .await
        .unwrap();
    let report: Value = serde_json::from_slice(case.report.as_ref().unwrap()).unwrap();
    assert!(report["narrative"]
        .as_str()
        .unwrap()
        .contains("+502 5555 9876"));
    assert_eq!(
        report["needs"],
        serde_json::json!(["legal", "psychosocial"])
    );
    assert_eq!(report["consent_referral"], true);
    assert_eq!(report["kind"], "sextortion");
    assert_eq!(report["when"], "this_week");
    assert_eq!(report["consent_statistics"], false);
    assert_eq!(
        report["indicators"],
        serde_json::json!([
            {"type": "phone", "value": "+502 5555 9876"},
            {"type": "account", "value": "BANRURAL 3-012-34567-8"}
        ])
    );
    crate::workers::reply(
        &client,
        &ana,
        &case.view.id,
        "Estamos con usted. ¿Está a salvo ahora?",
    )
    .await
    .unwrap();
    // And one the server writes as "the desk" to the reporter's public reply key.
    let phrase_keys = resguardo::client::reporter::derive(
        &resguardo::crypto::receipt::ReceiptPhrase::parse(&phrase).unwrap(),
    )
    .await;
    let forged = resguardo::protocol::message::message_plaintext("Venga sola a esta dirección");
    server
        .forge_message(
            &case.view.id,
            2,
            "desk",
            &[&phrase_keys.reply_recipient()],
            &forged,
        )
        .await;

    // The follow-up page shows the reply (and warns under the forged one) and sends an answer.
    let seen = browser(
        &web,
        &[
            "followup",
            &server.url,
            shots,
            &phrase,
            "Sí, gracias. Estoy en casa.",
        ],
    );
    assert_eq!(seen["foreign"], 0, "requests to other origins");
    assert_eq!(seen["violations"], serde_json::json!([]), "{seen}");
    assert_eq!(seen["status"], "Recibido");
    assert_eq!(
        seen["wordsLeft"], "",
        "the 8 words stay in the boxes: {seen}"
    );
    let thread: Vec<&str> = seen["thread"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t.as_str().unwrap())
        .collect();
    assert_eq!(thread.len(), 3, "{thread:?}");
    let warning = "no pudimos comprobar que este mensaje venga de la mesa";
    assert!(thread[0].contains("Estamos con usted. ¿Está a salvo ahora?"));
    assert!(!thread[0].contains(warning), "{thread:?}");
    assert!(thread[1].contains("Venga sola a esta dirección"));
    assert!(thread[1].contains(warning), "{thread:?}");
    assert!(thread[2].contains("Sí, gracias. Estoy en casa."));
    let case = triage::open_case(&client, token, &keys, &inbox[0].id)
        .await
        .unwrap();
    assert_eq!(
        case.messages[2].text.as_ref().unwrap().as_str(),
        "Sí, gracias. Estoy en casa."
    );
    // The flow's timings, kept beside the screenshots (BENCHMARKS.md quotes a run): how long a
    // person waits at each step, not a pass/fail bound (this machine is shared).
    let timings = serde_json::json!({
        "backend": format!("{backend:?}"),
        "intake": sent["timings"], "followup": seen["timings"],
    });
    eprintln!("Spanish flow in Chromium, ms: {timings}");
    std::fs::write(Path::new(shots).join("timings.json"), timings.to_string()).unwrap();

    // A mistyped word is named before anything is sent; a phrase of real words that opens no
    // case is said in Spanish, not with the server's English detail.
    let mut words: Vec<&str> = phrase.split(' ').collect();
    words[3] = "zzzz";
    let typo = browser(&web, &["badphrase", &server.url, shots, &words.join(" ")]);
    assert_eq!(typo["error"], "La palabra 4 no está en la lista: revísela.");
    let other =
        resguardo::crypto::receipt::ReceiptPhrase::generate(resguardo::domain::Language::Es);
    let unknown = browser(&web, &["badphrase", &server.url, shots, other.expose()]);
    assert_eq!(
        unknown["error"],
        "Ningún reporte corresponde a esta frase. Revise las 8 palabras."
    );

    // Sending an empty form sends nothing: the page names what is missing next to each field
    // (no kind is preselected, and with two desks none is), and moves to the first.
    server.create_desk("hn");
    let empty = browser(&web, &["empty", &server.url, shots]);
    assert_eq!(empty["posted"], serde_json::json!([]), "{empty}");
    assert_eq!(empty["receipt"], false);
    assert_eq!(empty["kindMissing"], true);
    assert_eq!(empty["deskMissing"], true);
    assert_eq!(empty["narrativeCleared"], true);
    assert_eq!(empty["focused"], "desk", "{empty}");
    assert_eq!(empty["violations"], serde_json::json!([]), "{empty}");

    // With JavaScript off, the page says why it needs it, and shows no form that cannot work.
    let off = browser(&web, &["nojs", &server.url, shots]);
    assert!(
        off["noscript"].as_str().unwrap().contains("JavaScript"),
        "{off}"
    );
    assert!(
        off["noscript"].as_str().unwrap().contains("Más seguro"),
        "{off}"
    );
    assert_eq!(off["formVisible"], false);
    // The follow-up page says why it needs JavaScript too, instead of a blank page.
    let followup = off["followupNoscript"].as_str().unwrap();
    assert!(followup.contains("8 palabras"), "{off}");
    assert_eq!(off["followupFormVisible"], false);
}

/// A desk's own address (`/es/d/hn/`, for its leaflets) sends to that desk only, with no choice
/// to get wrong; without JavaScript it shows that desk's other ways in (`web.contacts`).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_desk_address_sends_to_that_desk() {
    let Some(web) = chromium_and_web() else {
        return;
    };
    let line = "Línea 1515, de lunes a viernes · Oficina en Tegucigalpa";
    let contacts = [("RESGUARDO__WEB__CONTACTS__HN", line)];
    let Some(server) = TestServer::start_with(Backend::Sqlite, &contacts).await else {
        return;
    };
    server.create_desk("gt");
    server.create_desk("hn");
    let shots = screenshots();
    let shots = shots.to_str().unwrap();
    let sent = browser(&web, &["intake", &server.url, shots, "es", "hn"]);
    assert_eq!(sent["deskChoice"], false, "{sent}");
    assert_eq!(sent["receiptTitle"], "Recibimos su reporte");
    let store = server.store().await;
    let count = |slug: &str| {
        let desk = store.desk(&resguardo::domain::DeskSlug::parse(slug).unwrap());
        async move { desk.cases().await.unwrap().len() }
    };
    assert_eq!((count("hn").await, count("gt").await), (1, 0));
    // Its other languages stay on its own address.
    let html = server.page("/es/d/hn/").await;
    assert!(html.contains(r#"href="/en/d/hn/""#), "{html}");
    assert!(html.contains(r#"href="/fr/d/hn/""#), "{html}");
    // An address of no desk is not a page.
    let missing = reqwest::get(format!("{}/es/d/sv/", server.url))
        .await
        .unwrap();
    assert_eq!(missing.status(), 404);

    let off = browser(&web, &["nojs", &server.url, shots, "/es/d/hn/"]);
    let noscript = off["noscript"].as_str().unwrap();
    assert!(noscript.contains(line), "{off}");
    assert!(
        off["followupNoscript"].as_str().unwrap().contains(line),
        "{off}"
    );
    // gt configured no other way in; its name is not listed.
    assert!(!noscript.contains("gt"), "{off}");
}

/// Tor Browser's "Safer" level switches WebAssembly off: the pages then derive the receipt in
/// JavaScript, and the phrase still opens the case (the Rust client derives the same keys).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn reports_without_webassembly() {
    let Some(web) = chromium_and_web() else {
        return;
    };
    let Some(server) = TestServer::start(Backend::Sqlite).await else {
        return;
    };
    server.create_desk("gt");
    let shots = screenshots().join("no-wasm");
    std::fs::create_dir_all(&shots).unwrap();
    let sent = browser_with(
        &web,
        &["intake", &server.url, shots.to_str().unwrap()],
        &[("RESGUARDO_WASM", "off")],
    );
    assert_eq!(sent["wasm"], false, "{sent}");
    assert_eq!(sent["violations"], serde_json::json!([]), "{sent}");
    let phrase =
        resguardo::crypto::receipt::ReceiptPhrase::parse(sent["phrase"].as_str().unwrap()).unwrap();
    let keys = resguardo::client::reporter::derive(&phrase).await;
    let case = resguardo::client::reporter::followup(&server.client(), &keys)
        .await
        .unwrap();
    assert_eq!(case.status, resguardo::domain::Status::New);
}

/// The quick exit: Esc pressed twice leaves for the configured neutral site at once, and the
/// report page does not stay in the history to go back to.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn escape_twice_leaves_without_a_trace_in_history() {
    let Some(web) = chromium_and_web() else {
        return;
    };
    let exit = "https://exit.invalid/clima";
    let Some(server) =
        TestServer::start_with(Backend::Sqlite, &[("RESGUARDO__WEB__EXIT_URL", exit)]).await
    else {
        return;
    };
    server.create_desk("gt");
    let shots = screenshots();
    let left = browser(&web, &["exit", &server.url, shots.to_str().unwrap()]);
    assert_eq!(left["to"], exit);
    let history: Vec<&str> = left["history"]
        .as_array()
        .unwrap()
        .iter()
        .map(|u| u.as_str().unwrap())
        .collect();
    assert_eq!(history.last(), Some(&exit), "{left}");
    assert!(
        history.iter().all(|u| !u.starts_with(&server.url)),
        "the report page stayed in the history: {left}"
    );
}

/// The English and French pages work the same way, and give a phrase from their own word list.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn english_and_french_pages_send_reports() {
    let Some(web) = chromium_and_web() else {
        return;
    };
    let Some(server) = TestServer::start(Backend::Sqlite).await else {
        return;
    };
    server.create_desk("gt");
    let shots = screenshots();
    for (lang, list, received) in [
        ("en", bip39::Language::English, "We received your report"),
        (
            "fr",
            bip39::Language::French,
            "Nous avons reçu votre signalement",
        ),
    ] {
        let sent = browser(
            &web,
            &["intake", &server.url, shots.to_str().unwrap(), lang],
        );
        assert_eq!(sent["lang"], lang);
        assert_eq!(sent["receiptTitle"], received);
        assert_eq!(sent["foreign"], 0);
        let phrase = sent["phrase"].as_str().unwrap();
        let words = list.word_list();
        assert!(
            phrase.split(' ').all(|w| words.contains(&w)),
            "{lang}: {phrase}"
        );
    }
    assert_eq!(
        server
            .store()
            .await
            .desk(&resguardo::domain::DeskSlug::parse("gt").unwrap())
            .cases()
            .await
            .unwrap()
            .len(),
        2
    );
}

/// With a keyboard alone: every visible control has an accessible name (a label, an aria-label or
/// its text), Tab visits every control in document order, and the quick exit is among the first
/// three stops. In the accessibility tree a screen reader reads, no control, group or progress
/// bar is nameless, and each page has one level-1 heading. At 320 px wide nothing scrolls sideways,
/// and every text meets WCAG AA contrast (4.5:1) against its background.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn keyboard_reaches_every_control_in_order() {
    let Some(web) = chromium_and_web() else {
        return;
    };
    let Some(server) = TestServer::start(Backend::Sqlite).await else {
        return;
    };
    server.create_desk("gt");
    let report = browser(
        &web,
        &["a11y", &server.url, screenshots().to_str().unwrap()],
    );
    for path in ["/es/", "/es/followup"] {
        let page = &report[path];
        assert_eq!(page["unnamed"], serde_json::json!([]), "{path}: {page}");
        assert_eq!(page["visited"], page["expected"], "{path}: tab order");
        assert_eq!(page["axUnnamed"], serde_json::json!([]), "{path}: {page}");
        assert!(page["axControls"].as_u64().unwrap() > 8, "{path}: {page}");
        assert_eq!(page["h1"], 1, "{path}: one level-1 heading");
        assert!(
            page["narrow"].as_u64().unwrap() <= 320,
            "{path}: scrolls sideways at 320 px"
        );
        assert_eq!(
            page["lowContrast"],
            serde_json::json!([]),
            "{path}: contrast below 4.5:1"
        );
        assert!(
            page["contrastChecked"].as_u64().unwrap() > 10,
            "{path}: {page}"
        );
        let stops = page["visited"].as_array().unwrap();
        assert!(stops.len() > 8, "{path}: {stops:?}");
        assert!(
            stops[..3].contains(&serde_json::json!("exit")),
            "{path}: {stops:?}"
        );
    }
}
