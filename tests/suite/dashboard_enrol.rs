//! Enrolling in the browser (docs/decisions/0008 §5), in Debian's Chromium on both databases: the
//! password policy said as it is typed, the key pair and unlock share made in the page, the
//! authenticator set up from a QR code drawn in the page, the safety number shown to read out. A
//! supervisor vets the account with that number; the worker then signs in on the dashboard and
//! opens a case, and the command line's code opens the identity the browser wrapped.

use resguardo::client::{reporter, worker};
use resguardo::crypto::receipt::Language;
use serde_json::{json, Value};

use crate::browser::{screenshots, web_tool};
use crate::dashboard::{dashboard_desk, Desk};
use crate::harness::{form, Backend};
use crate::workers::{desk_view, invite, root_pins, totp_code, vet, PASSWORD};

crate::on_both_backends!(
    a_worker_enrols_in_the_browser,
    a_new_desk_gets_its_first_key_in_the_browser
);

async fn a_worker_enrols_in_the_browser(backend: Backend) {
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
    let story = form("Me amenazan por WhatsApp.");
    let sent = reporter::submit(&client, "gt", &story, Language::Es, None, |_| {})
        .await
        .unwrap();
    let code = invite(&server, "gt", "worker");
    let shots = screenshots().join(format!("desk-enrol-{backend:?}"));
    std::fs::create_dir_all(&shots).unwrap();
    let shots = shots.to_str().unwrap().to_owned();
    let url = format!("{}/es/enrol", server.desk_url);
    let args = [
        "enrol",
        &url,
        &shots,
        "gt",
        "nina",
        PASSWORD,
        &code,
        "password12345",
    ];
    let seen: Value = web_tool(&web, "desk", &args, &[]);
    assert_eq!(seen["violations"], json!([]), "{seen}");
    assert_eq!(seen["foreign"], json!([]), "{seen}");
    assert_eq!(
        seen["weak"], "Se adivinaría con facilidad: agregue palabras sin relación entre sí.",
        "{seen}"
    );
    assert_eq!(seen["strong"], "Contraseña aceptada.", "{seen}");
    assert!(seen["qrCells"].as_u64().unwrap() > 100, "{seen}");
    assert_eq!(
        seen["qrLabel"],
        "Código QR para la aplicación de autenticación"
    );
    assert_eq!(
        seen["qrAfter"], 0,
        "the QR code is gone once confirmed: {seen}"
    );
    let secret = seen["secret"].as_str().unwrap();
    let kept = seen["storage"].to_string();
    assert!(!kept.contains(PASSWORD) && !kept.contains(secret), "{kept}");

    // The supervisor compares the number the page showed, and vets.
    let number = seen["safety"].as_str().unwrap();
    vet(&client, &boss, "nina", number).await.unwrap();

    // Nina signs in on the dashboard and opens the case.
    let uri = format!("otpauth://totp/gt:nina?secret={secret}");
    let page = format!("{}/es/", server.desk_url);
    let now = totp_code(&uri, 0);
    let args = [
        "read", &page, &shots, "gt", "nina", PASSWORD, &now, &root, &sent.id,
    ];
    let read: Value = web_tool(&web, "desk", &args, &[]);
    assert_eq!(read["violations"], json!([]), "{read}");
    let told = read["fields"]["Lo que pasó, en sus palabras"].as_str();
    assert_eq!(told, Some("Me amenazan por WhatsApp."), "{read}");

    // And the command line opens the identity the browser made and wrapped.
    let login = worker::login(&client, "gt", "nina", PASSWORD, &totp_code(&uri, 1))
        .await
        .unwrap();
    let token = &login.session.token;
    let (_, keys) = desk_view(&client, token, &login.identity, &root_pins(&boss.identity))
        .await
        .unwrap();
    assert_eq!(keys.current.0, 1);
}

/// A desk made on the server host without keys: its first supervisor enrols in the browser, then
/// signs in ticking "new desk", and the browser makes the desk's key and first statements and
/// shows the root safety number. A reporter's device that pins that number verifies the desk's
/// public chain and encrypts its report to the key the browser made.
async fn a_new_desk_gets_its_first_key_in_the_browser(backend: Backend) {
    let Some(Desk { web, server, .. }) = dashboard_desk(backend).await else {
        return;
    };
    let client = server.client();
    let code = server.create_keyless_desk("hn");
    let shots = screenshots().join(format!("desk-first-key-{backend:?}"));
    std::fs::create_dir_all(&shots).unwrap();
    let shots = shots.to_str().unwrap().to_owned();
    let enrol = format!("{}/es/enrol", server.desk_url);
    let args = [
        "enrol", &enrol, &shots, "hn", "carla", PASSWORD, &code, "corto",
    ];
    let enrolled: Value = web_tool(&web, "desk", &args, &[]);
    assert_eq!(enrolled["violations"], json!([]), "{enrolled}");
    let uri = format!(
        "otpauth://totp/hn:carla?secret={}",
        enrolled["secret"].as_str().unwrap()
    );

    let page = format!("{}/es/", server.desk_url);
    let now = totp_code(&uri, 0);
    let args = ["first-key", &page, &shots, "hn", "carla", PASSWORD, &now];
    let seen: Value = web_tool(&web, "desk", &args, &[]);
    assert_eq!(seen["violations"], json!([]), "{seen}");
    assert_eq!(seen["foreign"], json!([]), "{seen}");
    assert_eq!(seen["keyVersion"], "1", "{seen}");
    // The root is carla's own safety number, the one her enrolment showed.
    let root = seen["root"].as_str().unwrap();
    assert_eq!(root, enrolled["safety"].as_str().unwrap(), "{seen}");
    let pin = &seen["storage"]["local"]["resguardo/desk-pin/hn"];
    assert!(
        pin.as_str().unwrap().contains(root),
        "the browser pinned it: {seen}"
    );

    // A reporter pinning that root reaches the key the browser made.
    let pinned = Some(reporter::DeskPin::Root(root));
    let sent = reporter::submit(
        &client,
        "hn",
        &form("Piden una cuota."),
        Language::Es,
        pinned,
        |_| {},
    )
    .await
    .unwrap();
    assert_eq!(sent.id.len(), 32);
}
