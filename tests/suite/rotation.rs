//! After a worker is removed and the desk key rotated, `--reencrypt-open` moves every open case
//! (report, thread, notes) to the new key: the removed worker's old desk key opens none of it, the
//! remaining workers and the reporter still read everything, closed cases are left alone. Desk
//! clients also refuse to encrypt to a reply key the server swapped.

use resguardo::client::reencrypt::{reencrypt_open, Outcome};
use resguardo::client::{desk_keys, reporter, triage, ApiClient, ClientError};
use resguardo::crypto::receipt::Language;
use resguardo::crypto::seal;
use resguardo::domain::{Author, ReportId, Status};
use resguardo::protocol::case::Authenticity;
use resguardo::protocol::cases::{PartRef, Reencryption};
use serde_json::Value;

use crate::harness::{form, run_with_input, Backend, TestServer};
use crate::triage::staffed_desk;
use crate::workers::{enrolled_account, invite, PASSWORD};

crate::on_both_backends!(reencryption_closes_open_cases_to_the_removed);

/// Every ciphertext of a case as stored: the report, then thread messages, then notes.
async fn stored_ciphertexts(server: &TestServer, id: &str) -> Vec<Vec<u8>> {
    let store = server.store().await;
    let id = ReportId::parse(id).unwrap();
    let mut all = vec![crate::harness::find_report(&store, &id)
        .await
        .unwrap()
        .ciphertext
        .into_bytes()];
    for m in crate::harness::find_thread(&store, &id).await {
        all.push(m.ciphertext.into_bytes());
    }
    let desk = crate::harness::find_report(&store, &id).await.unwrap().desk;
    for n in store.desk(&desk).notes(&id).await.unwrap() {
        all.push(n.ciphertext.into_bytes());
    }
    all
}

fn opens_with(keys: &[(i64, age::x25519::Identity)], ciphertext: &[u8]) -> bool {
    keys.iter().any(|(_, k)| seal::open(k, ciphertext).is_ok())
}

async fn reencryption_closes_open_cases_to_the_removed(backend: Backend) {
    let Some(server) = TestServer::start(backend).await else {
        return;
    };
    let client = server.client();
    let (boss, ana) = staffed_desk(&server, &client, "gt").await;
    let (beto, beto_fp) =
        enrolled_account(&client, "gt", &invite(&server, "gt", "worker"), "beto").await;
    let boss_token = &boss.session.token;
    crate::workers::vet(&client, &boss, "beto", &beto_fp)
        .await
        .unwrap();

    // An open case with a thread and a note, and a closed one.
    let open = reporter::submit(&client, "gt", &form("abierto"), Language::Es, None, |_| {})
        .await
        .unwrap();
    let reporter_keys = reporter::derive(&open.phrase).await;
    reporter::send_message(&client, &reporter_keys, "gt", None, "me siguen llamando")
        .await
        .unwrap();
    let ana_token = &ana.session.token;
    let ana_keys = crate::workers::desk_identities(&client, ana_token, &ana.identity)
        .await
        .unwrap();
    let case = triage::open_case(&client, ana_token, &ana_keys, &open.id)
        .await
        .unwrap();
    crate::workers::reply(&client, &ana, &case.view.id, "estamos con usted")
        .await
        .unwrap();
    crate::workers::note(&client, &ana, &open.id, "nota interna")
        .await
        .unwrap();
    let closed = reporter::submit(&client, "gt", &form("cerrado"), Language::Es, None, |_| {})
        .await
        .unwrap();
    client
        .set_status(boss_token, &closed.id, Status::Closed)
        .await
        .unwrap();

    // Ana leaves; the key is rotated; open cases are re-encrypted on the supervisor's device.
    client.disable(boss_token, "ana").await.unwrap();
    let (state, _) = crate::workers::view(&client, &boss).await;
    desk_keys::rotate(&client, boss_token, &boss.identity, &state)
        .await
        .unwrap();
    let (boss_state, boss_keys) = crate::workers::view(&client, &boss).await;
    let mut seen = vec![];
    let outcome = reencrypt_open(
        &client,
        boss_token,
        &boss.identity,
        &boss_keys,
        &boss_state,
        |done, total| seen.push((done, total)),
    )
    .await
    .unwrap();
    assert_eq!(
        outcome,
        Outcome {
            cases: 1,
            replaced: 5,
            current: 0,
            unreadable: 0,
            partner_unsigned: 0,
        }
    );
    assert_eq!(seen, [(0, 1), (1, 1)], "progress is reported per case");

    // Ana's old desk key opens nothing of the open case any more; Beto's keys open all of it.
    let beto_keys = crate::workers::desk_identities(&client, &beto.session.token, &beto.identity)
        .await
        .unwrap();
    let now_stored = stored_ciphertexts(&server, &open.id).await;
    assert_eq!(now_stored.len(), 4);
    // The case seal ana's reply made is moved too.
    let seal = server
        .blobs("SELECT case_seal FROM reports WHERE case_seal IS NOT NULL")
        .await;
    assert_eq!(seal.len(), 1);
    for ciphertext in now_stored.iter().chain(&seal) {
        assert!(!opens_with(&ana_keys, ciphertext), "closed to the removed");
        assert!(opens_with(&beto_keys, ciphertext), "open to the remaining");
    }
    let store = server.store().await;
    let report = |id: &str| {
        let store = store.clone();
        let id = ReportId::parse(id).unwrap();
        async move { crate::harness::find_report(&store, &id).await.unwrap() }
    };
    assert_eq!(report(&open.id).await.key_version, 2);
    // The closed case was left alone.
    let closed_report = report(&closed.id).await;
    assert_eq!(closed_report.key_version, 1);
    assert!(opens_with(&ana_keys, closed_report.ciphertext.as_bytes()));

    // The reporter still reads the whole thread with the receipt phrase.
    let thread = reporter::followup(&client, &reporter_keys).await.unwrap();
    let texts: Vec<(Author, String)> = thread
        .messages
        .iter()
        .map(|m| (m.author, m.text.as_ref().unwrap().to_string()))
        .collect();
    assert_eq!(
        texts,
        [
            (Author::Reporter, "me siguen llamando".to_string()),
            (Author::Desk, "estamos con usted".to_string()),
        ]
    );

    // A second run finds everything on the current key and changes nothing.
    let again = reencrypt_open(
        &client,
        boss_token,
        &boss.identity,
        &boss_keys,
        &boss_state,
        |_, _| {},
    )
    .await
    .unwrap();
    assert_eq!((again.replaced, again.current), (0, 5));
    assert_eq!(stored_ciphertexts(&server, &open.id).await, now_stored);
    // A report sent after the rotation is recorded under the new version (read in the insert).
    let after = reporter::submit(&client, "gt", &form("después"), Language::Es, None, |_| {})
        .await
        .unwrap();
    let after = report(&after.id).await;
    assert_eq!(after.key_version, 2);
    assert!(opens_with(&beto_keys, after.ciphertext.as_bytes()));

    // Each replacement is on the audit record.
    let log = store.maintenance().audit_rows().await.unwrap();
    let reencrypted: Vec<&str> = log
        .iter()
        .filter(|r| r.entry.action == "case.reencrypt")
        .map(|r| r.entry.subject.as_str())
        .collect();
    assert_eq!(reencrypted.len(), 5, "{reencrypted:?}");
    assert!(reencrypted.iter().all(|s| s.starts_with(&open.id)));

    refusals(
        &client,
        boss_token,
        &beto.session.token,
        &open.id,
        &now_stored[0],
    )
    .await;
}

/// The re-encryption endpoint takes only the current key version, existing parts, valid age files
/// and supervisors.
async fn refusals(client: &ApiClient, boss: &str, worker: &str, id: &str, valid: &[u8]) {
    let request = |key_version, part, ciphertext: &[u8]| Reencryption {
        key_version,
        part,
        ciphertext: resguardo::domain::b64_encode(ciphertext),
    };
    let slug =
        |result: Result<(), ClientError>| result.err().unwrap().problem_slug().map(str::to_owned);
    let cases = [
        (boss, request(1, PartRef::Report, valid), "key-conflict"),
        (
            boss,
            request(2, PartRef::Note { seq: 9 }, valid),
            "case-not-found",
        ),
        (
            boss,
            request(2, PartRef::Message { seq: 0 }, valid),
            "case-not-found",
        ),
        (
            boss,
            request(2, PartRef::Report, b"not an age file"),
            "invalid-ciphertext",
        ),
        (worker, request(2, PartRef::Report, valid), "forbidden"),
    ];
    for (token, request, expected) in cases {
        let got = slug(client.reencrypt(token, id, &request).await);
        assert_eq!(got.as_deref(), Some(expected), "{request:?}");
    }
    let other_case = "0".repeat(32);
    let got = slug(
        client
            .reencrypt(boss, &other_case, &request(2, PartRef::Report, valid))
            .await,
    );
    assert_eq!(got.as_deref(), Some("case-not-found"));
}

crate::on_both_backends!(a_swapped_reply_key_is_refused);

/// A dishonest server that swaps a case's reply recipient for its own gets no reply encrypted to
/// it, and no thread re-encrypted to it: the desk client compares it with the report's `reply_to`.
async fn a_swapped_reply_key_is_refused(backend: Backend) {
    let Some(server) = TestServer::start(backend).await else {
        return;
    };
    let client = server.client();
    let (boss, _ana) = staffed_desk(&server, &client, "gt").await;
    let submitted = reporter::submit(&client, "gt", &form("x"), Language::Es, None, |_| {})
        .await
        .unwrap();
    let keys = reporter::derive(&submitted.phrase).await;
    reporter::send_message(&client, &keys, "gt", None, "hola")
        .await
        .unwrap();
    let mallory = age::x25519::Identity::generate().to_public().to_string();
    server
        .tamper(&format!("UPDATE reports SET reply_recipient = '{mallory}'"))
        .await;

    let token = &boss.session.token;
    let identities = crate::workers::desk_identities(&client, token, &boss.identity)
        .await
        .unwrap();
    let case = triage::open_case(&client, token, &identities, &submitted.id)
        .await
        .unwrap();
    let refused = crate::workers::reply(&client, &boss, &case.view.id, "respuesta")
        .await
        .err()
        .unwrap();
    assert!(matches!(refused, ClientError::Untrusted(_)), "{refused}");
    let (state, _) = crate::workers::view(&client, &boss).await;
    desk_keys::rotate(&client, token, &boss.identity, &state)
        .await
        .unwrap();
    let (state, keys) = crate::workers::view(&client, &boss).await;
    let identities = keys.identities.clone();
    let refused = reencrypt_open(&client, token, &boss.identity, &keys, &state, |_, _| {})
        .await
        .err()
        .unwrap();
    assert!(matches!(refused, ClientError::Untrusted(_)), "{refused}");
    let id = ReportId::parse(&submitted.id).unwrap();
    let messages = crate::harness::find_thread(&server.store().await, &id).await;
    assert_eq!(messages.len(), 1, "no reply was stored");
    assert!(
        opens_with(&identities[..1], messages[0].ciphertext.as_bytes()),
        "the thread was not re-encrypted"
    );
}

/// `desk rotate-key --reencrypt-open` from the terminal: the password unlocks the supervisor's
/// key, progress goes to stderr, the counts to stdout as JSON.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn rotate_and_reencrypt_from_the_cli() {
    let Some(server) = TestServer::start(Backend::Sqlite).await else {
        return;
    };
    let home = crate::vetting::cli_supervisor(&server, "sv").await;
    let client = server.client();
    reporter::submit(&client, "sv", &form("uno"), Language::Es, None, |_| {})
        .await
        .unwrap();
    let mut cmd = server.command();
    cmd.env("RESGUARDO_HOME", &home)
        .args(["desk", "rotate-key", "--reencrypt-open", "--json"]);
    let out = run_with_input(cmd, &format!("{PASSWORD}\n"));
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let done: Value = serde_json::from_slice(&out.stdout).unwrap();
    crate::docs::assert_cli_shape("desk rotate-key", &done);
    assert_eq!(done["key_version"], 2);
    assert_eq!(done["reencrypted"]["cases"], 1);
    assert_eq!(done["reencrypted"]["replaced"], 1);
    assert!(String::from_utf8_lossy(&out.stderr).contains("Re-encrypting open cases: 1/1"));

    // A wrong password stops the command before anything changes.
    let mut cmd = server.command();
    cmd.env("RESGUARDO_HOME", &home)
        .args(["desk", "rotate-key", "--reencrypt-open"]);
    let out = run_with_input(cmd, "not the password at all\n");
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(client.desk("sv").await.unwrap().key_version, 2);

    // Run again, re-encryption finds nothing left to move.
    let mut cmd = server.command();
    cmd.env("RESGUARDO_HOME", &home)
        .args(["desk", "reencrypt-open", "--json"]);
    let out = run_with_input(cmd, &format!("{PASSWORD}\n"));
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let again: Value = serde_json::from_slice(&out.stdout).unwrap();
    crate::docs::assert_cli_shape("desk reencrypt-open", &again);
    assert_eq!(again["replaced"], 0);
}

crate::on_both_backends!(reencryption_covers_referrals_and_answers);

/// A referred case, made without the reporter's consent (so it carries an override reason) and
/// answered by the partner: after ana leaves and the key is rotated, re-encryption moves the
/// referral's copy, its reason and the answer too. Ana's old desk key opens none of them; the
/// partner still reads its copy and answer; only the reason's copy in the hash-chained audit log
/// stays under the old key, as SECURITY.md says.
async fn reencryption_covers_referrals_and_answers(backend: Backend) {
    use resguardo::client::desk_statements;
    use resguardo::client::referrals;
    use resguardo::domain::ReferralField;
    use resguardo::domain::{b64_decode, ReferralStatus};
    use resguardo::protocol::referral::{ConsentDecision, ReferralOrder};
    use resguardo::protocol::referrals::NewPartner;

    let Some(server) = TestServer::start(backend).await else {
        return;
    };
    let client = server.client();
    let (boss, ana) = staffed_desk(&server, &client, "gt").await;
    let (state, _) = crate::workers::view(&client, &boss).await;
    let bufete = age::x25519::Identity::generate();
    let request: NewPartner = serde_json::from_value(serde_json::json!({
        "name": "Bufete", "services": ["legal"], "countries": ["GT"], "languages": ["es"],
        "recipient": bufete.to_public().to_string(), "contact": "+502 5555 0000",
    }))
    .unwrap();
    let (boss_token, own) = (&boss.session.token, &boss.identity);
    let bufete_key = resguardo::crypto::signing::public_of(&bufete);
    let added =
        desk_statements::add_partner(&client, boss_token, own, &state, &request, bufete_key)
            .await
            .unwrap();
    let without_consent: resguardo::protocol::report::ReportForm =
        serde_json::from_value(serde_json::json!({
            "kind": "sextortion", "narrative": "sin consentimiento", "country": "GT",
            "needs": ["legal"], "consent_referral": false,
        }))
        .unwrap();
    let submitted = reporter::submit(&client, "gt", &without_consent, Language::Es, None, |_| {})
        .await
        .unwrap();
    let (ana_state, ana_keys) = crate::workers::view(&client, &ana).await;
    let case = triage::open_case(
        &client,
        &ana.session.token,
        &ana_keys.identities,
        &submitted.id,
    )
    .await
    .unwrap();
    let order = ReferralOrder {
        partner: &added.partner,
        fields: &[ReferralField::Needs],
        consent: ConsentDecision::Override {
            reason: "riesgo inminente",
        },
        expires_in_days: None,
        attachments: &[],
    };
    let referral = referrals::refer(
        &client,
        &ana.session.token,
        &case,
        &ana_state,
        &ana.identity,
        &order,
    )
    .await
    .unwrap();
    let desk_of_bufete = crate::partners::partner_desk(&client, &added.token, &bufete).await;
    let (status, text) = (Some(ReferralStatus::Accepted), "lo tomamos");
    resguardo::client::partner::answer(
        &client,
        &added.token,
        &bufete,
        &referral.id,
        status,
        Some((text, &desk_of_bufete)),
    )
    .await
    .unwrap();

    // Ana leaves; the key is rotated and open cases re-encrypted on the supervisor's device.
    let (state, _) = crate::workers::view(&client, &boss).await;
    desk_statements::disable_account(&client, boss_token, own, &state, "ana")
        .await
        .unwrap();
    let (state, _) = crate::workers::view(&client, &boss).await;
    desk_keys::rotate(&client, boss_token, own, &state)
        .await
        .unwrap();
    let (state, keys) = crate::workers::view(&client, &boss).await;
    let outcome = reencrypt_open(&client, boss_token, own, &keys, &state, |_, _| {})
        .await
        .unwrap();
    assert_eq!(
        (
            outcome.replaced,
            outcome.unreadable,
            outcome.partner_unsigned
        ),
        (4, 0, 0),
        "the report, the referral's copy, its reason and the answer"
    );

    let referral_parts = server
        .blobs(
            "SELECT ciphertext FROM referrals UNION ALL SELECT override_reason FROM referrals \
             UNION ALL SELECT ciphertext FROM referral_updates WHERE ciphertext IS NOT NULL",
        )
        .await;
    assert_eq!(referral_parts.len(), 3);
    for part in &referral_parts {
        assert!(
            !opens_with(&ana_keys.identities, part),
            "closed to the removed"
        );
        assert!(opens_with(&keys.identities, part), "open to the desk");
    }
    let partner_copy = server.blobs("SELECT ciphertext FROM referrals").await;
    let answer = server
        .blobs("SELECT ciphertext FROM referral_updates WHERE ciphertext IS NOT NULL")
        .await;
    assert!(seal::open(&bufete, &partner_copy[0]).is_ok());
    assert!(seal::open(&bufete, &answer[0]).is_ok());

    // The audit log's copy of the reason cannot be rewritten: the old key still opens it.
    let log = server.audit_rows().await;
    let overridden = log
        .iter()
        .find(|r| r.entry.action == "referral.consent_override")
        .unwrap();
    let reason = overridden.entry.subject.rsplit("reason=").next().unwrap();
    assert!(opens_with(
        &ana_keys.identities,
        &b64_decode(reason).unwrap()
    ));

    // The reason is signed by ana, who referred, and re-encryption kept her signature; one the
    // server writes in her name with a key of its own is flagged (protocol.md §2).
    let override_of = |state: resguardo::crypto::chain::DeskState| {
        let (client, token, keys) = (&client, boss_token, &keys);
        let id = submitted.id.clone();
        async move {
            let mut case = triage::open_case(client, token, &keys.identities, &id)
                .await
                .unwrap();
            case.verify_authors(&state);
            let referral = &case.referrals[0];
            let text = referral.override_reason.as_ref().map(|t| t.to_string());
            let answer = referral.updates.iter().find_map(|u| u.authenticity.clone());
            (text, referral.override_authenticity.clone(), answer)
        }
    };
    let ana_name = resguardo::domain::Username::parse("ana").unwrap();
    assert_eq!(
        override_of(state.clone()).await,
        (
            Some("riesgo inminente".to_owned()),
            Some(Authenticity::SignedBy(ana_name)),
            // The partner's answer kept its signature through re-encryption too.
            Some(Authenticity::SignedByPartner("Bufete".into())),
        )
    );
    let ana_id = (state.accounts())
        .find(|a| a.username.as_str() == "ana")
        .map(|a| resguardo::domain::hex(&a.id))
        .unwrap();
    let m = age::x25519::Identity::generate();
    let forged = resguardo::protocol::message::signed_message_plaintext(
        "la persona lo pidió",
        &ana_id,
        &resguardo::crypto::signing::signing_key(&m),
    );
    let (_, desk_now) = state.current_key().unwrap();
    let sealed = seal::seal(&[desk_now.age()], &forged).unwrap();
    server
        .tamper_with("UPDATE referrals SET override_reason = $1", &[&sealed])
        .await;
    let (text, checked, _) = override_of(state).await;
    assert_eq!(text.as_deref(), Some("la persona lo pidió"));
    assert_eq!(checked, Some(Authenticity::NotSigned));
}
