//! The pages speak only their catalogue (locales/*.ftl, docs/translating.md): Chromium walks every
//! page state of each language — the form, what is missing, sending, every problem type the page
//! has words for, one it has none for, a lost connection, the receipt, the follow-up page and its
//! three mistakes, the case with a message, both pages without JavaScript — and every text a
//! person can read there must come from that language's catalogue. A language added beside a
//! running server (`web.languages_dir`) is served the same way, and a catalogue that lacks a
//! message stops the server at start, naming it.

use std::collections::BTreeMap;
use std::process::Command;

use resguardo::texts::{Catalogues, Texts, PROBLEMS};
use serde_json::Value;

use crate::browser::{browser, chromium_and_web, screenshots};
use crate::harness::{Backend, TestServer, BIN};

/// The states the walk must have reached: every one, in every language.
fn expected_states() -> Vec<String> {
    let mut states: Vec<String> = [
        "intake",
        "intake-missing",
        "sending",
        "receipt",
        "followup",
        "followup-word-count",
        "followup-unknown-word",
        "followup-not-found",
        "case",
        "nojs-intake",
        "nojs-followup",
        "problem-internal",
        "problem-(network)",
    ]
    .map(String::from)
    .to_vec();
    states.extend(PROBLEMS.iter().map(|p| format!("problem-{p}")));
    states.sort();
    states
}

/// Whether `shown` is one of the catalogue's texts, whole: a message; a message whose slot holds
/// a number ("La palabra 4 no está…"); a label followed by a number or a colon ("Palabra 3",
/// "Estado:"); or punctuation alone (" (", "—"). Pieces of messages put together are not.
fn in_catalogue(t: &Texts, shown: &str) -> bool {
    let shown = shown.trim();
    let bare =
        shown.trim_end_matches(|c: char| c.is_ascii_digit() || c == ':' || c.is_whitespace());
    if !bare.chars().any(char::is_alphabetic) {
        return true;
    }
    let filled = |text: &str| match text.split_once("{n}") {
        Some((before, after)) => (shown.strip_prefix(before))
            .and_then(|rest| rest.strip_suffix(after))
            .is_some_and(|n| !n.is_empty() && n.chars().all(|c| c.is_ascii_digit())),
        None => false,
    };
    (t.every_text.iter()).any(|text| text == shown || text == bare || filled(text))
}

/// Sends a report from `lang`'s page, then walks its pages and returns what the first sending
/// printed, and per state the texts shown that are not in its catalogue (or, in another
/// language's element, not that language's name).
fn walk(
    server: &TestServer,
    languages: &Catalogues,
    lang: &str,
) -> (Value, BTreeMap<String, Vec<String>>) {
    let web = crate::web::installed_web();
    let shots = screenshots();
    let shots = shots.to_str().unwrap();
    let t = languages.get(lang).unwrap();
    let sent = browser(&web, &["intake", &server.url, shots, lang]);
    let phrase = sent["phrase"].as_str().unwrap();
    let other = resguardo::crypto::receipt::ReceiptPhrase::generate(t.words);
    let walked = browser(
        &web,
        &["walk", &server.url, shots, lang, phrase, other.expose()],
    );
    let states = walked["states"].as_object().unwrap();
    let names: Vec<&String> = states.keys().collect();
    assert_eq!(
        names,
        expected_states().iter().collect::<Vec<_>>(),
        "{lang}"
    );
    let mut wrong = BTreeMap::new();
    for (state, shown) in states {
        let mut bad = vec![];
        for item in shown.as_array().unwrap() {
            let text = item["text"].as_str().unwrap();
            let in_lang = item["lang"].as_str().unwrap();
            let fine = match languages.get(in_lang) {
                Some(other) if other.code != lang => other.name == text,
                _ => in_catalogue(t, text),
            };
            if !fine {
                bad.push(format!("{text:?} ({in_lang})"));
            }
        }
        if !bad.is_empty() {
            wrong.insert(state.clone(), bad);
        }
    }
    // Each problem is said in the language's own words, never with the server's English.
    for (slug, said) in &t.problems {
        let shown = states[&format!("problem-{slug}")].to_string();
        assert!(
            shown.contains(&serde_json::to_string(said).unwrap()),
            "{lang} {slug}: {shown}"
        );
        assert!(!shown.contains("English detail"), "{shown}");
        assert!(!shown.contains("English title"), "{shown}");
    }
    let fallback = states["problem-internal"].to_string();
    assert!(fallback.contains(&serde_json::to_string(&t.error_server).unwrap()));
    let offline = states["problem-(network)"].to_string();
    assert!(offline.contains(&serde_json::to_string(&t.error_network).unwrap()));
    (sent, wrong)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_text_the_pages_show_is_in_their_catalogue() {
    if chromium_and_web().is_none() {
        return;
    }
    let Some(server) = TestServer::start(Backend::Sqlite).await else {
        return;
    };
    server.create_desk("gt");
    let languages = Catalogues::shipped().unwrap();
    for t in languages.all() {
        let (_, wrong) = walk(&server, &languages, &t.code);
        assert!(
            wrong.is_empty(),
            "{}: not in its catalogue: {wrong:#?}",
            t.code
        );
    }
}

/// es.ftl as a network would start a K'iche' catalogue: its own name and titles, Spanish words
/// for the phrase, and every other text marked ⟨quc⟩, so that a Spanish text shown on its pages
/// (taken from es.ftl instead of this file) is not in its catalogue.
fn kiche() -> String {
    include_str!("../../locales/es.ftl")
        .lines()
        .map(|line| match line.split_once(" = ") {
            Some(("language-name", _)) => "language-name = K'iche'".to_owned(),
            Some(("intake-title", _)) => "intake-title = Kqaj jun tzijonem".to_owned(),
            Some(("receipt-title", _)) => "receipt-title = Xqak'ul ri a tzijonem".to_owned(),
            Some(("language-words", _)) | None => line.to_owned(),
            Some((key, text)) if !key.starts_with('#') => format!("{key} = ⟨quc⟩ {text}"),
            Some(_) => line.to_owned(),
        })
        .collect::<Vec<_>>()
        .join("\n")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_language_added_beside_the_server_is_served() {
    if chromium_and_web().is_none() {
        return;
    }
    let locales = tempfile::tempdir().unwrap();
    std::fs::write(locales.path().join("quc.ftl"), kiche()).unwrap();
    let dir = locales.path().to_str().unwrap();
    let setting = [("RESGUARDO__WEB__LANGUAGES_DIR", dir)];
    let Some(server) = TestServer::start_with(Backend::Sqlite, &setting).await else {
        return;
    };
    let desk = server.create_desk("gt");
    let languages = Catalogues::with_added(locales.path()).unwrap();

    // Listed on every page, in its own name, after the built-in languages.
    let html = server.page("/es/").await;
    assert!(
        html.contains(r#"<a href="/quc/" hreflang="quc" lang="quc">K'iche'</a>"#),
        "{html}"
    );
    // A browser that prefers it is sent there.
    let root = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap()
        .get(format!("{}/", server.url))
        .header("accept-language", "quc, es;q=0.8")
        .send()
        .await
        .unwrap();
    assert_eq!(root.headers()["location"], "/quc/");

    let (sent, wrong) = walk(&server, &languages, "quc");
    assert!(wrong.is_empty(), "quc: not in its catalogue: {wrong:#?}");
    assert_eq!(sent["lang"], "quc");
    assert_eq!(sent["receiptTitle"], "Xqak'ul ri a tzijonem");
    let spanish = bip39::Language::Spanish.word_list();
    let phrase = sent["phrase"].as_str().unwrap();
    assert!(phrase.split(' ').all(|w| spanish.contains(&w)), "{phrase}");

    // The report says which language the reporter wrote in, for the desk to answer in it.
    let slug = resguardo::domain::DeskSlug::parse("gt").unwrap();
    let store = server.store().await;
    let mut langs = vec![];
    for summary in store.desk(&slug).cases().await.unwrap() {
        let case = store.desk(&slug).case(&summary.id).await.unwrap().unwrap();
        let plain =
            resguardo::crypto::seal::open(&desk, case.report.ciphertext.as_bytes()).unwrap();
        let report: Value = serde_json::from_slice(&plain).unwrap();
        langs.push(report["lang"].as_str().unwrap().to_owned());
    }
    assert_eq!(langs, ["quc", "quc"], "the walk's two reports");
}

#[test]
fn a_catalogue_that_lacks_a_message_stops_the_server_naming_it() {
    let dir = tempfile::tempdir().unwrap();
    let locales = dir.path().join("locales");
    std::fs::create_dir(&locales).unwrap();
    let without = kiche().replace("receipt-title =", "# receipt-title =");
    std::fs::write(locales.join("quc.ftl"), without).unwrap();
    let out = Command::new(BIN)
        .arg("serve")
        .current_dir(dir.path())
        .env("RESGUARDO__SERVER__BIND", "127.0.0.1:0")
        .env("RESGUARDO__WEB__LANGUAGES_DIR", &locales)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("web.languages_dir"), "{stderr}");
    assert!(stderr.contains("quc.ftl lacks receipt-title"), "{stderr}");
    assert!(!stderr.contains("panicked"), "{stderr}");
}

#[test]
fn the_check_finds_a_text_that_is_not_in_the_catalogue() {
    let languages = Catalogues::shipped().unwrap();
    let es = languages.get("es").unwrap();
    let fine = [
        "Palabra 3",
        "La palabra 4 no está en la lista: revísela.",
        "Estado:",
        "—",
        " (",
    ];
    for text in fine {
        assert!(in_catalogue(es, text), "{text}");
    }
    let wrong = [
        "Loading…",
        "Palabra 3 of 8",
        "Report extortion",
        "Enviar now",
        "Sí No",
        "es",
        "La palabra x no está en la lista: revísela.",
    ];
    for text in wrong {
        assert!(!in_catalogue(es, text), "{text}");
    }
}
