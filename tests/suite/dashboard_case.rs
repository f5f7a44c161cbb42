//! A case in the desk dashboard (docs/decisions/0008 §5.3), in Debian's Chromium on both
//! databases: opened from the inbox, every field labelled in Spanish, the reporter's messages
//! with their line breaks, a partner's answer with who signed it, the case's history; then
//! assigned, noted and answered in the browser. The command line's code reads what the browser
//! wrote as signed by the worker, and the reporter reads the reply with the phrase (interop both
//! ways: the browser reads what the command line and the partner wrote).

use resguardo::client::partner as partner_side;
use resguardo::client::reporter;
use resguardo::crypto::receipt::Language;
use resguardo::domain::{ReferralStatus, Status};
use resguardo::protocol::case::Authenticity;
use resguardo::protocol::report::ReportForm;
use serde_json::{json, Value};

use crate::browser::web_tool;
use crate::dashboard::{browser_worker, dashboard_desk, BrowserSignIn, Desk};
use crate::harness::Backend;
use crate::partner_answers::{add_bufete, checked_case, refer};
use crate::workers::PASSWORD;

crate::on_both_backends!(
    a_case_is_read_and_answered_in_the_browser,
    a_case_is_referred_from_the_browser
);

async fn a_case_is_read_and_answered_in_the_browser(backend: Backend) {
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
    let form: ReportForm = serde_json::from_value(json!({
        "kind": "sextortion", "country": "GT", "when": "this_week", "needs": ["legal"],
        "narrative": format!(
            "Me escribió un perfil falso.\nPide 300 dólares. {canary} \
             <img src=x onerror=alert(1)><script>alert(2)</script>\u{202E}gpj.exe"
        ),
        "safe_contact": "Solo por la tarde", "consent_referral": true,
        "indicators": [{"type": "phone", "value": "+502 5555 1234"}],
    }))
    .unwrap();
    let sent = reporter::submit(&client, "gt", &form, Language::Es, None, |_| {})
        .await
        .unwrap();
    let id = sent.id.clone();
    let keys = reporter::derive(&sent.phrase).await;
    reporter::send_message(&client, &keys, "gt", None, "Hola.\nTengo más capturas.")
        .await
        .unwrap();
    // Ana (command line) refers it; the partner accepts and answers.
    let (bufete, added) = add_bufete(&client, &boss).await;
    let referral = refer(&client, &ana, &id, &added.partner).await;
    let partner_state = crate::partners::partner_desk(&client, &added.token, &bufete).await;
    let answer = Some(("Recibido, la llamamos.", &partner_state));
    let accepted = Some(ReferralStatus::Accepted);
    partner_side::answer(&client, &added.token, &bufete, &referral, accepted, answer)
        .await
        .unwrap();
    client
        .set_status(&ana.session.token, &id, Status::New)
        .await
        .unwrap();

    let BrowserSignIn { code, shots, url } = browser_worker(
        &server,
        &client,
        &boss,
        "rosa",
        format!("desk-case-{backend:?}"),
    )
    .await;
    let (note, reply) = (
        "Revisar el número con el banco.",
        "Gracias por escribir.\nLe llamaremos mañana.",
    );
    let args = [
        "case", &url, &shots, "gt", "rosa", PASSWORD, &code, &root, &id, note, reply,
    ];
    let seen: Value = web_tool(&web, "desk", &args, &[]);
    assert_eq!(seen["violations"], json!([]), "{seen}");
    assert_eq!(seen["foreign"], json!([]), "{seen}");

    // Every field labelled in Spanish; the stranger's text with its line breaks.
    let fields = &seen["fields"];
    assert_eq!(
        fields["Tipo"], "Sextorsión (fotos o videos íntimos)",
        "{seen}"
    );
    assert_eq!(fields["País"], "Guatemala");
    assert_eq!(fields["Cuándo pasó"], "Esta semana");
    assert_eq!(fields["Ayuda pedida"], "Asesoría legal");
    assert_eq!(fields["Cómo contactar sin riesgo"], "Solo por la tarde");
    assert_eq!(
        fields["Lo que usó quien extorsiona"],
        "Teléfono: +502 5555 1234"
    );
    assert_eq!(
        fields["Acepta que se derive a una organización de apoyo"], "Sí",
        "{seen}"
    );
    let narrative = fields["Lo que pasó, en sus palabras"].as_str().unwrap();
    assert!(
        narrative.starts_with("Me escribió un perfil falso.\nPide 300"),
        "{seen}"
    );
    // Markup a stranger wrote is text, and a direction override is shown, not obeyed.
    assert!(
        narrative.ends_with("<img src=x onerror=alert(1)><script>alert(2)</script>⟨U+202E⟩gpj.exe"),
        "{seen}"
    );
    let thread = seen["thread"].as_array().unwrap();
    assert!(
        thread[0]["author"]
            .as_str()
            .unwrap()
            .starts_with("Quien reporta · "),
        "{seen}"
    );
    assert_eq!(thread[0]["text"], "Hola.\nTengo más capturas.");
    assert_eq!(thread[0]["warning"], false);
    let referral_seen = &seen["referrals"][0];
    assert!(
        referral_seen["title"]
            .as_str()
            .unwrap()
            .starts_with("Bufete Popular · Aceptada"),
        "{seen}"
    );
    let answered = &referral_seen["answers"][0];
    assert!(
        answered["author"]
            .as_str()
            .unwrap()
            .starts_with("Organización: Bufete Popular · Aceptada"),
        "{seen}"
    );
    assert_eq!(
        (&answered["text"], &answered["warning"]),
        (&json!("Recibido, la llamamos."), &json!(false))
    );
    let trail = seen["trail"].to_string();
    assert!(
        trail.contains("ana · derivó el caso") && trail.contains("rosa · abrió el caso"),
        "{seen}"
    );
    assert!(
        trail.contains("Bufete Popular · la organización respondió"),
        "{seen}"
    );
    assert_eq!(seen["notes"], json!([]), "{seen}");

    // Assigned, noted and answered in the browser; the reply moved the new case to review.
    let after = &seen["after"];
    let meta = after["meta"].as_str().unwrap();
    assert!(
        meta.starts_with("En revisión") && meta.ends_with("Asignado a rosa"),
        "{seen}"
    );
    let mine = &after["notes"][0];
    assert!(
        mine["author"]
            .as_str()
            .unwrap()
            .starts_with("Mesa: rosa · "),
        "{seen}"
    );
    assert_eq!(
        (&mine["text"], &mine["warning"]),
        (&json!(note), &json!(false))
    );
    let last = after["thread"].as_array().unwrap().last().unwrap();
    assert!(
        last["author"]
            .as_str()
            .unwrap()
            .starts_with("Mesa: rosa · "),
        "{seen}"
    );
    assert_eq!(last["text"], reply);
    assert_eq!(
        seen["card"],
        json!({"status": "En revisión", "assignee": "Asignado a rosa", "unread": null}),
        "{seen}"
    );
    let kept = seen["storage"].to_string();
    for secret in [canary.as_str(), note, "Tengo más capturas", PASSWORD] {
        assert!(
            !kept.contains(secret),
            "the browser keeps {secret:?}: {kept}"
        );
    }

    // The command line's code reads the browser's note and reply as rosa's.
    let case = checked_case(&client, &ana, &id).await;
    assert_eq!(case.view.status, Status::InReview);
    assert_eq!(case.view.assigned_to.as_deref(), Some("rosa"));
    let by_rosa = Some(Authenticity::SignedBy(
        resguardo::domain::Username::parse("rosa").unwrap(),
    ));
    assert_eq!(case.notes[0].text.as_ref().unwrap().as_str(), note);
    assert_eq!(case.notes[0].authenticity, by_rosa);
    let answer = case.messages.last().unwrap();
    assert_eq!(
        (answer.text.as_ref().unwrap().as_str(), &answer.authenticity),
        (reply, &by_rosa)
    );

    // And the reporter reads it with the phrase, tagged as the desk's.
    let followup = reporter::followup(&client, &keys).await.unwrap();
    let read = followup.messages.last().unwrap();
    assert_eq!(read.text.as_ref().unwrap().as_str(), reply);
    assert_eq!(read.from_desk_verified, Some(true));
}

/// Referring in the browser (§5.4): partners ranked, exactly the fields chosen, a preview, the
/// reporter's missing consent overridden with a reason; a message to the partner; the case
/// printed (recorded first). The partner's command-line code reads exactly those fields and the
/// message as rosa's, answers, and a colleague reads the answer in the browser.
async fn a_case_is_referred_from_the_browser(backend: Backend) {
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
    let (bufete, added) = add_bufete(&client, &boss).await;
    let canary = crate::canary::new_canary();
    let form: ReportForm = serde_json::from_value(json!({
        "kind": "phone_extortion", "country": "GT", "needs": ["legal"],
        "narrative": "Me llaman desde la cárcel y piden una cuota.",
        "safe_contact": format!("Llamar al 5555 0000 {canary}"), "consent_referral": false,
    }))
    .unwrap();
    let sent = reporter::submit(&client, "gt", &form, Language::Es, None, |_| {})
        .await
        .unwrap();
    let shots_dir = format!("desk-refer-{backend:?}");
    let rosa = browser_worker(&server, &client, &boss, "rosa", &shots_dir).await;
    let (reason, message) = (
        "Riesgo para su vida: la amenazan hoy.",
        "¿Pueden llamarla hoy?",
    );
    let args = [
        "refer",
        &rosa.url,
        &rosa.shots,
        "gt",
        "rosa",
        PASSWORD,
        &rosa.code,
        &root,
        &sent.id,
        "needs,narrative",
        reason,
        message,
    ];
    let seen: Value = web_tool(&web, "desk", &args, &[]);
    assert_eq!(seen["violations"], json!([]), "{seen}");
    assert_eq!(seen["foreign"], json!([]), "{seen}");
    let offered = seen["partners"][0].as_str().unwrap();
    assert!(
        offered.starts_with("Bufete Popular — atiende Asesoría legal"),
        "{seen}"
    );
    assert!(
        seen["consent"].as_str().unwrap().contains("no aceptó"),
        "{seen}"
    );
    assert_eq!(
        seen["preview"],
        json!({"Ayuda pedida": "Asesoría legal",
               "Lo que pasó, en sus palabras": "Me llaman desde la cárcel y piden una cuota."}),
        "{seen}"
    );
    let referral_seen = &seen["after"]["referrals"][0];
    assert!(
        referral_seen["title"]
            .as_str()
            .unwrap()
            .starts_with("Bufete Popular · Enviada"),
        "{seen}"
    );
    assert!(
        referral_seen["reason"].as_str().unwrap().ends_with(reason),
        "{seen}"
    );
    let written = &referral_seen["answers"][0];
    assert!(
        written["author"]
            .as_str()
            .unwrap()
            .starts_with("Mesa: rosa · "),
        "{seen}"
    );
    assert_eq!(
        (&written["text"], &written["warning"]),
        (&json!(message), &json!(false))
    );
    assert_eq!(seen["printed"], 1);
    let kept = seen["storage"].to_string();
    assert!(!kept.contains(&canary) && !kept.contains(reason), "{kept}");

    // On the record: the override (with its reason as ciphertext), the message, the export.
    let actions: Vec<String> = (server.audit_rows().await.into_iter())
        .filter(|r| r.entry.actor == "rosa")
        .map(|r| r.entry.action)
        .collect();
    for action in [
        "referral.create",
        "referral.consent_override",
        "referral.message",
        "case.export",
    ] {
        assert!(
            actions.iter().any(|a| a == action),
            "{action} not in {actions:?}"
        );
    }

    // The partner's device: exactly the two fields, the message signed by rosa; it answers.
    let (referral, fields, opened, partner_state) =
        partner_opens(&client, &added.token, &bufete).await;
    assert_eq!(fields, ["narrative", "needs", "schema"]);
    let from_desk = &opened.updates[0];
    assert!(from_desk.from_desk);
    assert_eq!(from_desk.text.as_ref().unwrap().as_str(), message);
    assert_eq!(
        from_desk.authenticity,
        Some(Authenticity::SignedBy(
            resguardo::domain::Username::parse("rosa").unwrap()
        ))
    );
    let answer = ("Sí, la llamamos hoy.", &partner_state);
    partner_accepts(&client, &added.token, &bufete, &referral, answer).await;

    // A colleague sees the answer in the browser, signed by the partner.
    let lucia = browser_worker(&server, &client, &boss, "lucia", &shots_dir).await;
    let args = [
        "read",
        &lucia.url,
        &lucia.shots,
        "gt",
        "lucia",
        PASSWORD,
        &lucia.code,
        &root,
        &sent.id,
    ];
    let read: Value = web_tool(&web, "desk", &args, &[]);
    assert_eq!(read["violations"], json!([]), "{read}");
    let answers = read["referrals"][0]["answers"].as_array().unwrap();
    let last = answers.last().unwrap();
    assert!(
        last["author"]
            .as_str()
            .unwrap()
            .starts_with("Organización: Bufete Popular · Aceptada"),
        "{read}"
    );
    assert_eq!(
        (&last["text"], &last["warning"]),
        (&json!("Sí, la llamamos hoy."), &json!(false))
    );
}

/// The partner's device opens its newest referral, checking it against its desk's chain: the
/// referral's id, the fields it carries (sorted), what it read, and the chain.
pub async fn partner_opens(
    client: &resguardo::client::ApiClient,
    token: &str,
    identity: &age::x25519::Identity,
) -> (
    String,
    Vec<String>,
    resguardo::client::partner::OpenReferral,
    resguardo::crypto::chain::DeskState,
) {
    let state = crate::partners::partner_desk(client, token, identity).await;
    let referral = client.partner_referrals(token).await.unwrap()[0].id.clone();
    let opened = partner_side::open_referral(client, token, identity, &referral, Some(&state))
        .await
        .unwrap();
    let document = opened.document.clone().unwrap();
    let mut fields: Vec<String> = document.as_object().unwrap().keys().cloned().collect();
    fields.sort();
    (referral, fields, opened, state)
}

/// The partner accepts the referral and answers `text`, signed, to the desk of `state`.
pub async fn partner_accepts(
    client: &resguardo::client::ApiClient,
    token: &str,
    identity: &age::x25519::Identity,
    referral: &str,
    (text, state): (&str, &resguardo::crypto::chain::DeskState),
) {
    let accepted = Some(ReferralStatus::Accepted);
    partner_side::answer(
        client,
        token,
        identity,
        referral,
        accepted,
        Some((text, state)),
    )
    .await
    .unwrap();
}
