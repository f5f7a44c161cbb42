//! What strangers and a lying server put in front of the dashboard (docs/decisions/0008 §2, §5.6),
//! in Debian's Chromium on both databases. An XSS corpus in every field of a report, in the
//! reporter's messages and in a partner's answer (script tags, event handlers, `javascript:`
//! links, SVG, direction overrides, a megabyte of text, an invalid UTF-16 escape) renders as inert
//! text: no element from it, no policy violation, no request to any other origin. And a server
//! that swaps partners' names or a case's reply key cannot steer a worker.

use resguardo::client::partner as partner_side;
use resguardo::client::reporter;
use resguardo::crypto::receipt::Language;
use resguardo::crypto::{seal, AgeCiphertext, CiphertextLimits};
use resguardo::domain::{DeskSlug, Lookup, ReceiptAuth, Recipient, ReportId};
use resguardo::store::NewReport;
use serde_json::{json, Value};

use crate::browser::web_tool;
use crate::dashboard::{browser_worker, dashboard_desk, Desk};
use crate::harness::{commit_report, form, Backend, TestServer};
use crate::partner_answers::{add_bufete, refer};
use crate::workers::PASSWORD;

crate::on_both_backends!(
    a_stranger_s_markup_stays_text,
    a_lying_server_cannot_steer_the_dashboard
);

/// What a gang might write, one attempt a line.
const CORPUS: &[&str] = &[
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(2)>",
    "<a href=\"javascript:alert(3)\">pulse aquí</a>",
    "<svg onload=alert(4)><use href=\"data:,x\"/></svg>",
    "<iframe srcdoc=\"<script>alert(5)</script>\"></iframe>",
    "\u{202E}gpj.exe",
    "\u{200B}\u{0007}{{constructor.constructor('alert(6)')()}}",
];

/// A report document as only a hostile device (or the server) would write it, stored as intake
/// stores reports.
async fn store_crafted(server: &TestServer, plaintext: &[u8]) -> String {
    let client = server.client();
    let desk_key = reporter::desk_key(&client, "gt", None).await.unwrap();
    let sealed = seal::seal(&[desk_key.age()], plaintext).unwrap();
    let limits = CiphertextLimits {
        max_bytes: 4 << 20,
        max_recipients: 8,
    };
    let id = ReportId::random();
    let reply = age::x25519::Identity::generate().to_public().to_string();
    let report = NewReport {
        id,
        desk: DeskSlug::parse("gt").unwrap(),
        ciphertext: AgeCiphertext::parse(sealed, limits).unwrap(),
        lookup: Lookup(rand::random()),
        verifier: ReceiptAuth::from_bytes(rand::random()).verifier(),
        reply_recipient: Recipient::parse(&reply).unwrap(),
        created_at: time::OffsetDateTime::now_utc().unix_timestamp(),
    };
    commit_report(&server.store().await, &report).await;
    id.to_string()
}

fn inert(seen: &Value) {
    assert_eq!(seen["violations"], json!([]), "{seen}");
    assert_eq!(seen["foreign"], json!([]), "{seen}");
    assert_eq!(
        seen["sinks"], 0,
        "an element came from a stranger's text: {seen}"
    );
}

async fn a_stranger_s_markup_stays_text(backend: Backend) {
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
    let corpus = CORPUS.join("\n");
    // A megabyte of text, then the corpus again: the page must neither choke nor interpret it.
    let narrative = format!("{corpus}\n{}\n{corpus}", "extorsión ".repeat(100_000));
    let crafted = json!({
        "schema": "resguardo.report.v1", "kind": CORPUS[1], "country": CORPUS[0],
        "when": CORPUS[5], "needs": [CORPUS[3], "legal"], "narrative": narrative,
        "safe_contact": corpus, "lang": CORPUS[2],
        "indicators": [{"type": CORPUS[4], "value": corpus}],
        "consent_referral": true,
    });
    let crafted_id = store_crafted(&server, &serde_json::to_vec(&crafted).unwrap()).await;
    // Invalid UTF-16: a lone surrogate escape, which no reader takes as a report.
    let broken = br#"{"kind":"other","narrative":"\ud800 roto"}"#;
    let broken_id = store_crafted(&server, broken).await;
    // A real reporter whose message, and a partner whose answer, carry the corpus.
    let sent = reporter::submit(&client, "gt", &form(&corpus), Language::Es, None, |_| {})
        .await
        .unwrap();
    let keys = reporter::derive(&sent.phrase).await;
    reporter::send_message(&client, &keys, "gt", None, &corpus)
        .await
        .unwrap();
    let (bufete, added) = add_bufete(&client, &boss).await;
    let referral = refer(&client, &ana, &sent.id, &added.partner).await;
    let partner_state = crate::partners::partner_desk(&client, &added.token, &bufete).await;
    let answer = Some((corpus.as_str(), &partner_state));
    partner_side::answer(&client, &added.token, &bufete, &referral, None, answer)
        .await
        .unwrap();

    let shots = format!("desk-hostile-{backend:?}");
    for (name, id) in [
        ("rosa", &crafted_id),
        ("lucia", &sent.id),
        ("beto", &broken_id),
    ] {
        let w = browser_worker(&server, &client, &boss, name, &shots).await;
        let args = [
            "read", &w.url, &w.shots, "gt", name, PASSWORD, &w.code, &root, id,
        ];
        let seen: Value = web_tool(&web, "desk", &args, &[]);
        inert(&seen);
        if id == &crafted_id {
            let fields = &seen["fields"];
            assert_eq!(fields["Tipo"], CORPUS[1], "shown as the text it is: {seen}");
            assert_eq!(fields["País"], CORPUS[0]);
            assert_eq!(fields["Cuándo pasó"], "⟨U+202E⟩gpj.exe");
            let told = fields["Lo que pasó, en sus palabras"].as_str().unwrap();
            assert!(
                told.len() > 1_000_000 && told.starts_with(CORPUS[0]),
                "{}",
                told.len()
            );
            assert!(
                told.contains("⟨U+200B⟩⟨U+0007⟩{{constructor"),
                "controls made visible"
            );
        } else if id == &sent.id {
            let message = seen["thread"][0]["text"].as_str().unwrap();
            assert!(
                message.starts_with(CORPUS[0]) && message.contains(CORPUS[3]),
                "{seen}"
            );
            let answered = &seen["referrals"][0]["answers"][0]["text"];
            assert!(answered.as_str().unwrap().contains(CORPUS[2]), "{seen}");
        } else {
            // The broken report opens as nothing: no facts, no crash.
            assert_eq!(seen["fields"], json!({}), "{seen}");
        }
    }
}

/// A server that lies in its rows: it swaps two partners' names in the directory and the reply
/// key of a case. The dashboard offers each partner by the name the desk's statements sign, and
/// warns not to answer a case whose reply key is not the report's.
async fn a_lying_server_cannot_steer_the_dashboard(backend: Backend) {
    let Some(Desk {
        web,
        server,
        client,
        boss,
        root,
        ..
    }) = dashboard_desk(backend).await
    else {
        return;
    };
    let register = crate::partners::register;
    let bufete = register(
        &client,
        &boss,
        "Bufete Popular",
        json!(["legal"]),
        json!(["GT"]),
    )
    .await;
    let casa = register(
        &client,
        &boss,
        "Casa Segura",
        json!(["shelter"]),
        json!(["GT"]),
    )
    .await;
    let sent = reporter::submit(
        &client,
        "gt",
        &form("Necesito un abogado."),
        Language::Es,
        None,
        |_| {},
    )
    .await
    .unwrap();
    for swap in [
        "UPDATE partners SET name = 'x' WHERE name = 'Bufete Popular'",
        "UPDATE partners SET name = 'Bufete Popular' WHERE name = 'Casa Segura'",
        "UPDATE partners SET name = 'Casa Segura' WHERE name = 'x'",
    ] {
        server.tamper(swap).await;
    }
    let attacker = age::x25519::Identity::generate().to_public();
    server
        .tamper(&format!(
            "UPDATE reports SET reply_recipient = '{attacker}'"
        ))
        .await;

    let rosa = browser_worker(
        &server,
        &client,
        &boss,
        "rosa",
        format!("desk-lying-{backend:?}"),
    )
    .await;
    let args = [
        "read",
        &rosa.url,
        &rosa.shots,
        "gt",
        "rosa",
        PASSWORD,
        &rosa.code,
        &root,
        &sent.id,
    ];
    let read: Value = web_tool(&web, "desk", &args, &[]);
    assert_eq!(read["violations"], json!([]), "{read}");
    assert!(
        read["sealWarning"]
            .as_str()
            .unwrap()
            .contains("no pudo sellar"),
        "{read}"
    );
    let options: Vec<(String, String)> =
        serde_json::from_value(read["partnerOptions"].clone()).unwrap();
    let name_of = |id: &str| options.iter().find(|(v, _)| v == id).unwrap().1.clone();
    assert!(
        name_of(&bufete.view.id).starts_with("Bufete Popular"),
        "{read}"
    );
    assert!(name_of(&casa.view.id).starts_with("Casa Segura"), "{read}");
    // Nothing was sealed to the attacker's key.
    assert_eq!(
        server
            .count("SELECT COUNT(*) FROM reports WHERE case_seal IS NOT NULL")
            .await,
        0
    );
}
