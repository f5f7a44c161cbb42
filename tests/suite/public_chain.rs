//! Reporters verify the desk's chain (docs/protocol.md §10.8): `GET /api/v1/desks/{slug}/statements`
//! serves it to anyone with every name sealed, and a reporter's device that holds the desk root's
//! number encrypts only to the newest key the chain signs, across rotations. A server that lies
//! (played by editing its database) is refused, and nothing is encrypted to the attacker's key.

use resguardo::client::reporter::{self, DeskPin};
use resguardo::client::{desk_keys, desk_statements, trust, ClientError};
use resguardo::crypto::receipt::Language;
use resguardo::crypto::signing;
use resguardo::crypto::statement::{append_as, Body, Format};
use resguardo::domain::{DeskSlug, Recipient};
use serde_json::Value;

use crate::harness::{form, Backend, TestServer};
use crate::lying_keys::{attacker_opens, forge_desk_key, untrusted};
use crate::triage::staffed_desk;
use crate::workers::{enrolled_account, invite, root_pins, vet, view};

crate::on_both_backends!(
    reporters_verify_the_desk_chain,
    a_server_that_lies_to_reporters_is_refused,
    a_second_approval_must_seal_the_name_alike
);

/// The public chain as raw JSON text, for what it must not say.
async fn public_text(server: &TestServer) -> (u16, String) {
    let response = reqwest::get(format!("{}/api/v1/desks/gt/statements", server.url))
        .await
        .unwrap();
    (response.status().as_u16(), response.text().await.unwrap())
}

async fn reporters_verify_the_desk_chain(backend: Backend) {
    let Some(server) = TestServer::start(backend).await else {
        return;
    };
    let client = server.client();
    let (boss, ana) = staffed_desk(&server, &client, "gt").await;
    let root = root_pins(&boss.identity).root;
    let bufete = age::x25519::Identity::generate();
    let (state, _) = view(&client, &boss).await;
    let request = serde_json::from_value(serde_json::json!({
        "name": "Bufete Popular", "services": ["legal"], "countries": ["GT"],
        "languages": ["es"], "recipient": bufete.to_public().to_string(),
        "contact": "+502 5555 0000",
    }))
    .unwrap();
    let (token, own) = (&boss.session.token, &boss.identity);
    desk_statements::add_partner(
        &client,
        token,
        own,
        &state,
        &request,
        signing::public_of(&bufete),
    )
    .await
    .unwrap();
    let (state, _) = view(&client, &boss).await;
    trust::witness(&client, token, own, &state).await.unwrap();

    // Anyone may read the chain; it names no account and no partner.
    let (status, text) = public_text(&server).await;
    assert_eq!(status, 200, "{text}");
    for name in ["sofia", "ana", "Bufete Popular", "opening"] {
        assert!(
            !text.contains(name),
            "the public chain says {name:?}: {text}"
        );
    }
    let served: Value = serde_json::from_str(&text).unwrap();
    assert_eq!(served["statements"].as_array().unwrap().len(), 4);
    assert_eq!(served["checkpoints"].as_array().unwrap().len(), 1);

    // A reporter with the root's number encrypts to the key the chain signs, and the desk reads it.
    let typed = root.as_str().replace(' ', "").to_lowercase();
    let pin = Some(DeskPin::Root(&typed));
    let (_, signed_v1) = state.current_key().unwrap();
    assert_eq!(
        &reporter::desk_key(&client, "gt", pin).await.unwrap(),
        signed_v1
    );
    let submitted = reporter::submit(
        &client,
        "gt",
        &form("me extorsionan"),
        Language::Es,
        pin,
        |_| {},
    )
    .await
    .unwrap();
    let (_, keys) = view(&client, &ana).await;
    let case = resguardo::client::triage::open_case(
        &client,
        &ana.session.token,
        &keys.identities,
        &submitted.id,
    )
    .await
    .unwrap();
    let report = String::from_utf8(case.report.unwrap().to_vec()).unwrap();
    assert!(report.contains("me extorsionan"), "{report}");

    // After a rotation the same pin follows the chain to version 2: no new number to publish.
    desk_keys::rotate(&client, token, own, &state)
        .await
        .unwrap();
    let (state, _) = view(&client, &boss).await;
    let (version, signed_v2) = state.current_key().unwrap();
    assert_eq!(version, 2);
    let followed = reporter::desk_key(&client, "gt", pin).await.unwrap();
    assert_eq!(&followed, signed_v2);
    assert_ne!(&followed, signed_v1);

    // A number that is not the root's, or not a number, is refused before anything is sent.
    let other = root_pins(&age::x25519::Identity::generate()).root;
    untrusted(
        reporter::desk_key(&client, "gt", Some(DeskPin::Root(other.as_str()))).await,
        "do not verify from the root",
    );
    let mistyped = reporter::desk_key(&client, "gt", Some(DeskPin::Root("1234"))).await;
    assert!(matches!(mistyped, Err(ClientError::Usage(why)) if why.contains("not a desk root")));

    // The CLI: `report submit --desk-root`, and the key's number printed is the signed key's.
    let file = server.dir.path().join("r.json");
    std::fs::write(&file, r#"{"kind":"other","narrative":"por la terminal"}"#).unwrap();
    let out = server
        .command()
        .args(["report", "submit", "--server", &server.url, "--desk", "gt"])
        .args(["--desk-root", root.as_str(), "--json", "--file"])
        .arg(&file)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let said: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(said["desk_fingerprint"], signed_v2.fingerprint().as_str());
    let out = server
        .command()
        .args(["report", "submit", "--server", &server.url, "--desk", "gt"])
        .args(["--desk-root", other.as_str(), "--file"])
        .arg(&file)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let refused = String::from_utf8_lossy(&out.stderr);
    assert!(refused.contains("do not verify from the root"), "{refused}");
}

async fn a_server_that_lies_to_reporters_is_refused(backend: Backend) {
    let Some(server) = TestServer::start(backend).await else {
        return;
    };
    let client = server.client();
    let (boss, _ana) = staffed_desk(&server, &client, "gt").await;
    let typed = root_pins(&boss.identity).root.as_str().to_owned();
    let pin = Some(DeskPin::Root(&typed));
    // A report the oracle will try the attacker's key on.
    reporter::submit(&client, "gt", &form("antes"), Language::Es, pin, |_| {})
        .await
        .unwrap();
    let m = age::x25519::Identity::generate();
    let gt = DeskSlug::parse("gt").unwrap();
    let (state, _) = view(&client, &boss).await;
    trust::witness(&client, &boss.session.token, &boss.identity, &state)
        .await
        .unwrap();

    // The server hands reporters M as version 2, with a statement M signed itself.
    server.append_own_desk_key("gt", state.head(), &m, 2).await;
    forge_desk_key(&server, &m).await;
    let sent = reporter::submit(&client, "gt", &form("después"), Language::Es, pin, |_| {}).await;
    untrusted(sent, "this device trusts (signer)");

    // Without the statement: the key handed out is not the newest the chain signs.
    server
        .tamper(&format!(
            "DELETE FROM key_statements WHERE seq = {}",
            state.head().0 + 1
        ))
        .await;
    let sent = reporter::submit(&client, "gt", &form("después"), Language::Es, pin, |_| {}).await;
    untrusted(sent, "other than the newest one the desk's statements sign");

    // The chain cut back below what an account saw: its checkpoint gives it away.
    server
        .tamper("DELETE FROM desk_keys WHERE version = 2")
        .await;
    server
        .tamper(&format!(
            "DELETE FROM key_statements WHERE seq = {}",
            state.head().0
        ))
        .await;
    let sent = reporter::submit(&client, "gt", &form("después"), Language::Es, pin, |_| {}).await;
    untrusted(sent, "checkpoint");
    assert_eq!(attacker_opens(&server, &m).await, 0);

    // A desk whose statements name someone in the clear (signed by a client older than sealed
    // names) is not served publicly, and a reporter with a root is told why.
    let fresh = TestServer::start(backend).await.unwrap();
    let client = fresh.client();
    let (boss, _) = staffed_desk(&fresh, &client, "gt").await;
    let (state, _) = view(&client, &boss).await;
    let partner = age::x25519::Identity::generate();
    let request = serde_json::from_value(serde_json::json!({
        "name": "Casa Refugio", "services": ["shelter"], "countries": ["GT"],
        "languages": ["es"], "recipient": partner.to_public().to_string(),
        "contact": "+502 5555 0001",
    }))
    .unwrap();
    let added = client
        .add_partner(&boss.session.token, &request)
        .await
        .unwrap();
    let in_clear = append_as(
        &gt,
        Some(state.head()),
        &boss.identity,
        Body::PartnerKeys {
            partner: resguardo::domain::hex_decode_array(&added.partner.id).unwrap(),
            name: "Casa Refugio".into(),
            recipient: Recipient::from(partner.to_public()),
            signing_key: signing::public_of(&partner),
        },
        Format::V1,
    )
    .unwrap();
    let request = resguardo::protocol::statements::ExistingStatements {
        statements: vec![resguardo::protocol::statements::SignedStatement {
            statement: resguardo::domain::b64_encode(&in_clear.statement),
            signature: resguardo::domain::b64_encode(&in_clear.signature),
            opening: None,
        }],
    };
    client
        .sign_existing(&boss.session.token, &request)
        .await
        .unwrap();
    let (status, text) = public_text(&fresh).await;
    assert_eq!(status, 409, "{text}");
    assert!(
        text.contains("key-conflict") && !text.contains("Casa Refugio"),
        "{text}"
    );
    let typed = root_pins(&boss.identity).root.as_str().to_owned();
    let refused = reporter::desk_key(&client, "gt", Some(DeskPin::Root(&typed))).await;
    assert!(
        matches!(&refused, Err(e) if e.to_string().contains("name people in the clear")),
        "{:?}",
        refused.err().map(|e| e.to_string())
    );
}

/// With two approvals required, a second approval that seals the account's name with another
/// salt than the first would make the chain refuse (`conflict`) on every device, for good: the
/// server refuses to store it, and the right approval still completes the vetting.
async fn a_second_approval_must_seal_the_name_alike(backend: Backend) {
    let Some(server) =
        TestServer::start_with(backend, &[("RESGUARDO__VETTING__APPROVALS_REQUIRED", "2")]).await
    else {
        return;
    };
    let client = server.client();
    let (sofia, _) = staffed_desk(&server, &client, "gt").await;
    let (rosa, rosa_number) =
        enrolled_account(&client, "gt", &invite(&server, "gt", "supervisor"), "rosa").await;
    vet(&client, &sofia, "rosa", &rosa_number).await.unwrap();
    let (beto, beto_number) =
        enrolled_account(&client, "gt", &invite(&server, "gt", "worker"), "beto").await;
    vet(&client, &sofia, "beto", &beto_number).await.unwrap();

    let (state, _) = view(&client, &rosa).await;
    let listed = client.accounts(&rosa.session.token).await.unwrap();
    let listed_beto = listed.iter().find(|a| a.username == "beto").unwrap();
    let approval = Body::Approval {
        account: resguardo::domain::hex_decode_array(&listed_beto.id).unwrap(),
        username: resguardo::domain::Username::parse("beto").unwrap(),
        role: resguardo::domain::Role::Worker,
        recipient: Recipient::from(beto.identity.to_public()),
        signing_key: signing::public_of(&beto.identity),
    };
    assert!(matches!(
        state.kept_format(&approval),
        Some(Format::V2 { .. })
    ));
    let other_salt = Format::V2 { salt: [7; 16] };
    let gt = DeskSlug::parse("gt").unwrap();
    let wrong = append_as(
        &gt,
        Some(state.head()),
        &rosa.identity,
        approval,
        other_salt,
    )
    .unwrap();
    let grant = resguardo::crypto::seal::seal(&[&beto.identity.to_public()], b"a grant").unwrap();
    let vetting = resguardo::protocol::keys::Vetting {
        key_version: 1,
        grant: Some(resguardo::domain::b64_encode(&grant)),
        statement: Some(resguardo::protocol::statements::SignedStatement {
            statement: resguardo::domain::b64_encode(&wrong.statement),
            signature: resguardo::domain::b64_encode(&wrong.signature),
            opening: wrong
                .opening
                .map(|o| resguardo::domain::b64_encode(&o.to_bytes())),
        }),
    };
    let refused = client
        .vet(&rosa.session.token, "beto", &vetting)
        .await
        .err()
        .unwrap();
    assert_eq!(refused.problem_slug(), Some("invalid-field"), "{refused}");
    assert!(refused.to_string().contains("contradicts"), "{refused}");

    // Nothing was stored: Rosa's device, keeping the first approval's salt, completes it.
    vet(&client, &rosa, "beto", &beto_number).await.unwrap();
    let (state, _) = view(&client, &beto).await;
    assert!(state.account_by_name("beto").is_some());
}
