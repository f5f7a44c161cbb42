//! The supervisors' screen (docs/decisions/0008 §5.5), in Debian's Chromium on both databases: a
//! supervisor makes an enrolment code; a new worker enrols with it (command-line code); another
//! supervisor types a wrong safety number (refused, the expected number shown nowhere), then the
//! right one, and the approval signed in the browser vets the worker with the desk key granted;
//! then disables a worker, which the browser revokes in the desk's statements. The worker's own
//! device verifies the chain from the desk root and opens its grant.

use resguardo::client::worker;
use serde_json::{json, Value};

use crate::browser::web_tool;
use crate::dashboard::{browser_account, dashboard_desk, Desk};
use crate::harness::Backend;
use crate::workers::{desk_view, root_pins, totp_code, PASSWORD};

crate::on_both_backends!(
    supervisors_invite_vet_and_disable_in_the_browser,
    supervisors_manage_partners_in_the_browser
);

fn digits(text: &str) -> String {
    text.chars().filter(char::is_ascii_alphanumeric).collect()
}

async fn supervisors_invite_vet_and_disable_in_the_browser(backend: Backend) {
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
    let shots = format!("desk-team-{backend:?}");
    let marta = browser_account(&server, &client, &boss, "marta", "supervisor", &shots).await;
    let pablo = browser_account(&server, &client, &boss, "pablo", "supervisor", &shots).await;

    // Marta makes a code for a worker.
    let args = [
        "invite",
        &marta.url,
        &marta.shots,
        "gt",
        "marta",
        PASSWORD,
        &marta.code,
        &root,
        "worker",
    ];
    let made: Value = web_tool(&web, "desk", &args, &[]);
    assert_eq!(made["violations"], json!([]), "{made}");
    assert_eq!(made["foreign"], json!([]), "{made}");
    assert!(
        made["shown"]
            .as_str()
            .unwrap()
            .contains("Sirve una sola vez"),
        "{made}"
    );
    let code = made["code"].as_str().unwrap();

    // Nina enrols with it on her own device.
    let nina = worker::enrol(&client, "gt", code, "nina", PASSWORD)
        .await
        .unwrap();
    let uri = nina.enrolled.totp_uri.clone();
    worker::confirm_totp(&client, "gt", "nina", PASSWORD, &totp_code(&uri, 0))
        .await
        .unwrap();
    let number = nina.safety_number().to_string();

    // Omar, vetted, is disabled in the browser below. Ana is disabled on the server host, which
    // signs nothing: her revocation is the supervisors' to sign, and the team screen offers it.
    crate::dashboard::worker_with_codes(&server, &client, &boss, "omar").await;
    let out = server
        .command()
        .args(["admin", "disable", "--desk", "gt", "--username", "ana"])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );

    // Pablo compares her number: a wrong one is refused without showing the right one.
    let wrong = "1111 2222 3333 4444 5555 6666 7777 8888";
    let args = [
        "vet",
        &pablo.url,
        &pablo.shots,
        "gt",
        "pablo",
        PASSWORD,
        &pablo.code,
        &root,
        "nina",
        wrong,
        &number,
        "omar,ana",
    ];
    let seen: Value = web_tool(&web, "desk", &args, &[]);
    assert_eq!(seen["violations"], json!([]), "{seen}");
    assert_eq!(seen["foreign"], json!([]), "{seen}");
    assert!(
        seen["mismatch"]
            .as_str()
            .unwrap()
            .starts_with("El número no coincide"),
        "{seen}"
    );
    let page = digits(seen["teamText"].as_str().unwrap());
    assert!(
        !page.contains(&digits(&number)),
        "the expected number is shown: {seen}"
    );
    assert_eq!(
        seen["vetted"], "Aprobada: ya puede entrar y trabajar.",
        "{seen}"
    );
    assert!(
        seen["disabled"]
            .as_str()
            .unwrap()
            .starts_with("Cuenta desactivada y revocada"),
        "{seen}"
    );
    // Retention set, and the desk's history filtered to pablo, in Spanish.
    assert_eq!(seen["retention"], "Hecho.", "{seen}");
    let kept = "SELECT closed_days FROM retention WHERE desk_slug = 'gt'";
    assert_eq!(server.count(kept).await, 30);
    let audit = seen["audit"].to_string();
    assert!(audit.contains("pablo · verificó una cuenta"), "{seen}");
    assert!(
        audit.contains("pablo · firmó declaraciones de la mesa"),
        "{seen}"
    );
    assert!(!audit.contains("marta ·"), "filtered to pablo: {seen}");
    // Who worked when, to the day: pablo is signed in now; nina never has.
    let accounts = seen["accounts"].to_string();
    assert!(accounts.contains("pablo (usted)"), "{seen}");
    assert!(accounts.contains("| Última entrada: "), "{seen}");
    assert!(
        accounts
            .contains("nina · Trabajadora o trabajador de casos · aprobada | Aún no ha entrado."),
        "{seen}"
    );

    // Nina's device: the chain verifies from the desk root, names her vetted by pablo and ana
    // revoked, and her grant opens the signed desk key.
    let login = worker::login(&client, "gt", "nina", PASSWORD, &totp_code(&uri, 1))
        .await
        .unwrap();
    let token = &login.session.token;
    let (state, keys) = desk_view(&client, token, &login.identity, &root_pins(&boss.identity))
        .await
        .unwrap();
    assert_eq!(keys.current.0, 1);
    assert!(state.account_by_name("nina").is_some_and(|a| !a.revoked));
    assert!(state.account_by_name("ana").is_some_and(|a| a.revoked));
    assert!(state.account_by_name("omar").is_some_and(|a| a.revoked));
    // Ana's sessions ended with her account.
    assert!(client.whoami(&ana.session.token).await.is_err());
    let actions: Vec<(String, String)> = (server.audit_rows().await.into_iter())
        .map(|r| (r.entry.actor, r.entry.action))
        .collect();
    for (actor, action) in [
        ("marta", "account.invite"),
        ("pablo", "account.vet"),
        ("admin", "account.disable"),
        ("pablo", "account.disable"),
        ("pablo", "desk.statements_sign"),
        ("pablo", "retention.set"),
    ] {
        let found = actions.iter().any(|(a, b)| a == actor && b == action);
        assert!(found, "{actor} {action} not in {actions:?}");
    }
}

/// The partner directory in the browser: a partner added once its safety number (over both its
/// keys, from its own device) is typed, a wrong one adding nothing; its keys signed into the
/// desk's statements, which its own device then verifies; its token shown once and working;
/// another partner disabled and revoked, its token refused.
async fn supervisors_manage_partners_in_the_browser(backend: Backend) {
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
    let casa = crate::partners::register(
        &client,
        &boss,
        "Casa Segura",
        json!(["shelter"]),
        json!(["GT"]),
    )
    .await;
    // The new partner's keys, made on its own machine (`resguardo partner keys`).
    let bufete = age::x25519::Identity::generate();
    let recipient = bufete.to_public().to_string();
    let signing = resguardo::crypto::signing::public_of(&bufete);
    let number = resguardo::domain::Fingerprint::of_account(
        &resguardo::domain::Recipient::parse(&recipient).unwrap(),
        &signing,
    )
    .to_string();
    let key = resguardo::domain::b64_encode(&signing.to_bytes());
    let marta = browser_account(
        &server,
        &client,
        &boss,
        "marta",
        "supervisor",
        "desk-partners",
    )
    .await;
    let args = [
        "partner",
        &marta.url,
        &marta.shots,
        "gt",
        "marta",
        PASSWORD,
        &marta.code,
        &root,
        "Bufete Nuevo",
        &recipient,
        &key,
        &number,
        &casa.view.id,
    ];
    let seen: Value = web_tool(&web, "desk", &args, &[]);
    assert_eq!(seen["violations"], json!([]), "{seen}");
    assert_eq!(seen["foreign"], json!([]), "{seen}");
    assert!(
        seen["mismatch"]
            .as_str()
            .unwrap()
            .starts_with("El número no coincide"),
        "{seen}"
    );
    assert!(
        seen["disabled"].as_str().unwrap().ends_with("desactivada"),
        "{seen}"
    );
    let token = seen["token"].as_str().unwrap();
    assert!(
        !seen["storage"].to_string().contains(token),
        "the token is kept nowhere"
    );

    // The new partner's device: its token works, and the desk's chain signs its keys.
    let state = crate::partners::partner_desk(&client, token, &bufete).await;
    let listed = client.partners(&boss.session.token).await.unwrap();
    let added = listed.iter().find(|p| p.name == "Bufete Nuevo").unwrap();
    let id: [u8; 16] = resguardo::domain::hex_decode_array(&added.id).unwrap();
    let signed = state.partner(&id).unwrap();
    assert_eq!(signed.signing_key, Some(signing));
    // Casa's token is refused, and the chain revokes it.
    assert!(client.partner_referrals(&casa.token).await.is_err());
    let casa_id: [u8; 16] = resguardo::domain::hex_decode_array(&casa.view.id).unwrap();
    assert!(state.partner(&casa_id).is_none(), "revoked");
    assert_eq!(
        listed.iter().filter(|p| p.name == "Bufete Nuevo").count(),
        1
    );
}
