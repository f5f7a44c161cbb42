//! A server that lies about desk keys, grants and approvals, played by editing its database
//! directly: devices verify the desk's signed statements before they encrypt, grant or
//! re-encrypt, so each lie is refused, and nothing ends up encrypted to a key the attacker
//! holds (docs/decisions/0003 §7, commit 3). The oracle [`attacker_opens`] tries the attacker's
//! identity on every ciphertext the server stores.

use age::secrecy::ExposeSecret;
use resguardo::client::reporter::DeskPin;
use resguardo::client::{
    desk_keys, desk_statements, init_chain, referrals, reporter, triage, ClientError,
};
use resguardo::crypto::receipt::Language;
use resguardo::crypto::{seal, signing};
use resguardo::domain::{b64_encode, Recipient, ReferralField};
use resguardo::protocol::keys::{NewDeskKey, Vetting};
use resguardo::protocol::referral::{self, ConsentDecision, ReferralOrder};
use resguardo::protocol::referrals::NewPartner;
use serde_json::Value;

use crate::harness::{form, run_with_input, Backend, TestServer};
use crate::triage::staffed_desk;
use crate::workers::{
    desk_view, enrolled_account, invite, root_pins, vet, vet_pinned, view, PASSWORD,
};

crate::on_both_backends!(
    a_forged_desk_key_version_is_refused,
    an_omitted_newest_version_is_detected,
    a_swapped_account_key_gets_no_grant,
    a_kept_first_approval_gives_nothing,
    a_desk_older_than_statements_starts_its_chain,
    a_swapped_partner_key_is_refused,
    a_revoked_account_gets_no_grant,
    a_fabricated_report_cannot_take_replies,
    a_forged_reporter_message_is_flagged,
    a_forged_desk_reply_is_flagged_to_the_reporter
);

/// How many of the ciphertexts the server stores open with `attacker`.
pub(crate) async fn attacker_opens(server: &TestServer, attacker: &age::x25519::Identity) -> usize {
    let all = server
        .blobs(
            "SELECT ciphertext FROM reports UNION ALL SELECT ciphertext FROM messages \
             UNION ALL SELECT ciphertext FROM notes UNION ALL SELECT wrapped_key FROM grants \
             UNION ALL SELECT ciphertext FROM referrals WHERE ciphertext IS NOT NULL \
             UNION ALL SELECT override_reason FROM referrals WHERE override_reason IS NOT NULL \
             UNION ALL SELECT ciphertext FROM referral_updates WHERE ciphertext IS NOT NULL",
        )
        .await;
    assert!(!all.is_empty(), "the oracle saw no ciphertext at all");
    all.iter()
        .filter(|c| seal::open(attacker, c).is_ok())
        .count()
}

/// The lie: desk key version 2 is M.
pub(crate) async fn forge_desk_key(server: &TestServer, m: &age::x25519::Identity) {
    server
        .tamper(&format!(
            "INSERT INTO desk_keys (desk_slug, version, recipient, created_at) \
             VALUES ('gt', 2, '{}', 0)",
            m.to_public()
        ))
        .await;
}

fn secret(identity: &age::x25519::Identity) -> String {
    identity.to_string().expose_secret().to_owned()
}

pub(crate) fn untrusted(result: Result<impl Sized, ClientError>, says: &str) {
    match result {
        Err(ClientError::Untrusted(why)) => assert!(why.contains(says), "{why}"),
        Err(other) => panic!("expected Untrusted ({says}), got {other}"),
        Ok(_) => panic!("expected Untrusted ({says}), the lie was accepted"),
    }
}

/// The server adds desk key version 2 = M with a grant of M to ana, as if a rotation happened.
async fn a_forged_desk_key_version_is_refused(backend: Backend) {
    let Some(server) = TestServer::start(backend).await else {
        return;
    };
    let client = server.client();
    let (boss, ana) = staffed_desk(&server, &client, "gt").await;
    let published = Recipient::parse(&client.desk("gt").await.unwrap().recipient)
        .unwrap()
        .fingerprint()
        .to_string();
    // A report the oracle will try M on.
    reporter::submit(&client, "gt", &form("antes"), Language::Es, None, |_| {})
        .await
        .unwrap();
    let m = age::x25519::Identity::generate();
    forge_desk_key(&server, &m).await;
    let grant = seal::seal(&[&ana.identity.to_public()], secret(&m).as_bytes()).unwrap();
    server
        .tamper_with(
            "INSERT INTO grants (desk_slug, key_version, account_id, wrapped_key, granted_by, \
             created_at) SELECT 'gt', 2, id, $1, NULL, 0 FROM accounts WHERE username = 'ana'",
            &[&grant],
        )
        .await;
    let pins = root_pins(&boss.identity);

    // Ana holds a grant no statement signs; the supervisor sees a public key the desk never
    // signed; so neither device encrypts, grants or re-encrypts anything.
    let ana_view = desk_view(&client, &ana.session.token, &ana.identity, &pins).await;
    untrusted(ana_view, "no statement signs");
    let boss_view = desk_view(&client, &boss.session.token, &boss.identity, &pins).await;
    untrusted(boss_view, "never signed");
    // A reporter who checks the published number is refused as well.
    let pinned = reporter::submit(
        &client,
        "gt",
        &form("después"),
        Language::Es,
        Some(DeskPin::Key(published.as_str())),
        |_| {},
    )
    .await;
    assert!(pinned.is_err(), "a pinned reporter encrypted to M");

    // The grant of the real version 1 swapped for M: it opens, but it is not the signed key.
    server
        .tamper("DELETE FROM grants WHERE key_version = 2")
        .await;
    server
        .tamper("DELETE FROM desk_keys WHERE version = 2")
        .await;
    server
        .tamper_with(
            "UPDATE grants SET wrapped_key = $1 WHERE key_version = 1 AND account_id = \
             (SELECT id FROM accounts WHERE username = 'ana')",
            &[&grant],
        )
        .await;
    let ana_view = desk_view(&client, &ana.session.token, &ana.identity, &pins).await;
    untrusted(ana_view, "never signed");
    assert_eq!(attacker_opens(&server, &m).await, 0);

    // The oracle does see what it should: a reporter who checks nothing is the known limit
    // (SECURITY.md), and a forged public key reaches them.
    forge_desk_key(&server, &m).await;
    reporter::submit(
        &client,
        "gt",
        &form("sin fijar"),
        Language::Es,
        None,
        |_| {},
    )
    .await
    .unwrap();
    assert_eq!(attacker_opens(&server, &m).await, 1);
}

/// A rotation that ana's device has seen; then the server takes the newest statement away.
async fn an_omitted_newest_version_is_detected(backend: Backend) {
    let Some(server) = TestServer::start(backend).await else {
        return;
    };
    let client = server.client();
    let (boss, ana) = staffed_desk(&server, &client, "gt").await;
    let (state, _) = view(&client, &boss).await;
    desk_keys::rotate(&client, &boss.session.token, &boss.identity, &state)
        .await
        .unwrap();
    let mut seen = root_pins(&boss.identity);
    let (after, keys) = desk_view(&client, &ana.session.token, &ana.identity, &seen)
        .await
        .unwrap();
    assert_eq!(keys.current.0, 2);
    seen.head = Some(after.head());
    let newest = "DELETE FROM key_statements WHERE desk_slug = 'gt' AND seq = \
                  (SELECT MAX(seq) FROM key_statements WHERE desk_slug = 'gt')";
    server.tamper(newest).await;

    // (a) The device that saw version 2 finds the chain shorter.
    let again = desk_view(&client, &ana.session.token, &ana.identity, &seen).await;
    untrusted(again, "(rollback)");
    // (b) A new device, with only the root typed, holds a grant no statement signs.
    let fresh = root_pins(&boss.identity);
    let new_device = desk_view(&client, &ana.session.token, &ana.identity, &fresh).await;
    untrusted(new_device, "version 2 that no statement signs");
    // ... and so does the supervisor's new device, granted version 2 at the rotation.
    let boss_device = desk_view(&client, &boss.session.token, &boss.identity, &fresh).await;
    untrusted(boss_device, "version 2 that no statement signs");
    // (c) With the grants and the key taken away too, a new device sees a consistent older
    // desk: the documented residual (SECURITY.md), caught by comparing heads out of band.
    server
        .tamper("DELETE FROM grants WHERE desk_slug = 'gt' AND key_version = 2")
        .await;
    server
        .tamper("DELETE FROM desk_keys WHERE desk_slug = 'gt' AND version = 2")
        .await;
    let (older, _) = desk_view(&client, &ana.session.token, &ana.identity, &fresh)
        .await
        .unwrap();
    assert!(older.head().0 < after.head().0);
    assert_ne!(older.head().1, after.head().1);
}

/// The server lists M's keys for ana at rotation: the grant still goes to the keys the chain
/// signs for her.
async fn a_swapped_account_key_gets_no_grant(backend: Backend) {
    let Some(server) = TestServer::start(backend).await else {
        return;
    };
    let client = server.client();
    let (boss, ana) = staffed_desk(&server, &client, "gt").await;
    let m = age::x25519::Identity::generate();
    let m_signing = signing::public_of(&m).to_bytes();
    server
        .tamper_with(
            &format!(
                "UPDATE accounts SET recipient = '{}', signing_key = $1 WHERE username = 'ana'",
                m.to_public()
            ),
            &[&m_signing],
        )
        .await;
    let pins = root_pins(&boss.identity);
    let (state, _) = desk_view(&client, &boss.session.token, &boss.identity, &pins)
        .await
        .unwrap();
    let rotated = desk_keys::rotate(&client, &boss.session.token, &boss.identity, &state)
        .await
        .unwrap();
    let ana_number = rotated
        .receivers
        .iter()
        .find(|r| r.username == "ana")
        .unwrap()
        .safety_number
        .clone();
    let real = signing::public_of(&ana.identity);
    let real_number =
        resguardo::domain::Fingerprint::of_account(&ana.identity.to_public().into(), &real);
    assert_eq!(ana_number, real_number, "printed from the signed keys");
    let grant = server
        .blobs(
            "SELECT g.wrapped_key FROM grants g JOIN accounts a ON a.id = g.account_id \
             WHERE a.username = 'ana' AND g.key_version = 2",
        )
        .await;
    assert_eq!(grant.len(), 1);
    assert!(seal::open(&ana.identity, &grant[0]).is_ok());
    assert_eq!(attacker_opens(&server, &m).await, 0);
}

/// Two approvals needed: the first carries no key, so a server that keeps it and marks eve
/// vetted gets her nothing; the second approval carries the grant.
async fn a_kept_first_approval_gives_nothing(backend: Backend) {
    let extra = [("RESGUARDO__VETTING__APPROVALS_REQUIRED", "2")];
    let Some(server) = TestServer::start_with(backend, &extra).await else {
        return;
    };
    let client = server.client();
    let (boss, _ana) = staffed_desk(&server, &client, "gt").await;
    let pins = root_pins(&boss.identity);
    let code = invite(&server, "gt", "supervisor");
    let (sv2, sv2_number) = enrolled_account(&client, "gt", &code, "sv2").await;
    vet_pinned(&client, &boss, &pins, "sv2", &sv2_number)
        .await
        .unwrap();
    let code = invite(&server, "gt", "worker");
    let (eve, eve_number) = enrolled_account(&client, "gt", &code, "eve").await;
    let first = vet_pinned(&client, &boss, &pins, "eve", &eve_number)
        .await
        .unwrap();
    assert_eq!((first.outcome.approvals, first.outcome.required), (1, 2));
    let eve_grants = "SELECT COUNT(*) FROM grants g JOIN accounts a ON a.id = g.account_id \
                      WHERE a.username = 'eve'";
    assert_eq!(server.count(eve_grants).await, 0);
    let approvals = "SELECT COUNT(*) FROM key_statements WHERE kind = 2 AND subject = \
                     (SELECT id FROM accounts WHERE username = 'eve')";
    assert_eq!(server.count(approvals).await, 1);

    // The lie: eve vetted, as if sv2 had approved.
    server
        .tamper("UPDATE accounts SET status = 'vetted' WHERE username = 'eve'")
        .await;
    server
        .tamper(
            "INSERT INTO vetting_approvals (account_id, approver_id, created_at) \
             SELECT e.id, s.id, 0 FROM accounts e, accounts s \
             WHERE e.username = 'eve' AND s.username = 'sv2'",
        )
        .await;
    let (state, _) = desk_view(&client, &boss.session.token, &boss.identity, &pins)
        .await
        .unwrap();
    let rotated = desk_keys::rotate(&client, &boss.session.token, &boss.identity, &state)
        .await
        .unwrap();
    assert!(rotated.receivers.iter().all(|r| r.username != "eve"));
    assert_eq!(
        rotated.unsigned,
        ["eve"],
        "named as vetted by the server alone"
    );
    assert_eq!(server.count(eve_grants).await, 0);
    assert_eq!(attacker_opens(&server, &eve.identity).await, 0);

    // The truth restored, sv2's approval completes vetting and carries the grant.
    server
        .tamper("UPDATE accounts SET status = 'pending' WHERE username = 'eve'")
        .await;
    server
        .tamper(
            "DELETE FROM vetting_approvals WHERE approver_id = \
             (SELECT id FROM accounts WHERE username = 'sv2')",
        )
        .await;
    let second = vet_pinned(&client, &sv2, &pins, "eve", &eve_number)
        .await
        .unwrap();
    assert_eq!(second.outcome.approvals, 2);
    let (_, keys) = desk_view(&client, &eve.session.token, &eve.identity, &pins)
        .await
        .unwrap();
    assert_eq!(keys.current.0, 2);
    assert!(
        keys.current_identity().is_some(),
        "eve holds the current key"
    );
}

/// A desk whose key and vetting were made by a client older than statements: devices refuse to
/// use it until its supervisor runs `desk init-chain`; after that, the chain verifies from the
/// supervisor's account number, and unsigned changes are refused.
async fn a_desk_older_than_statements_starts_its_chain(backend: Backend) {
    let Some(server) = TestServer::start(backend).await else {
        return;
    };
    let client = server.client();
    let code = server.create_keyless_desk("gt");
    let (boss, _) = enrolled_account(&client, "gt", &code, "sofia").await;
    let desk = age::x25519::Identity::generate();
    let legacy_grant = |to: &age::x25519::Identity| {
        b64_encode(&seal::seal(&[&to.to_public()], secret(&desk).as_bytes()).unwrap())
    };
    let token = &boss.session.token;
    let first = NewDeskKey {
        recipient: desk.to_public().to_string(),
        grant: legacy_grant(&boss.identity),
        statements: vec![],
    };
    client.init_desk_key(token, &first).await.unwrap();
    let (ana, ana_number) =
        enrolled_account(&client, "gt", &invite(&server, "gt", "worker"), "ana").await;
    let unsigned = Vetting {
        key_version: 1,
        grant: Some(legacy_grant(&ana.identity)),
        statement: None,
    };
    client.vet(token, "ana", &unsigned).await.unwrap();
    let pins = root_pins(&boss.identity);
    let before = desk_view(&client, &ana.session.token, &ana.identity, &pins).await;
    untrusted(before, "desk init-chain");

    // A number that does not match stops the run before anything is signed.
    let wrong = init_chain::start(&client, token, &boss.identity, None, |_| Ok(false)).await;
    assert!(wrong.is_err());
    assert_eq!(server.count("SELECT COUNT(*) FROM key_statements").await, 0);
    // A partner added before statements is signed too, its key's number typed.
    let bufete = Recipient::from(age::x25519::Identity::generate().to_public());
    let request: NewPartner = serde_json::from_value(serde_json::json!({
        "name": "Bufete", "services": ["legal"], "countries": ["GT"], "languages": ["es"],
        "recipient": bufete.as_str(), "contact": "+502 5555 0000",
    }))
    .unwrap();
    let added = client.add_partner(token, &request).await.unwrap();
    let started = init_chain::start(&client, token, &boss.identity, None, |c| {
        Ok(match c.role {
            Some(_) => c.name == "ana" && c.safety_number.matches_typed(&ana_number),
            None => c.safety_number == bufete.fingerprint(),
        })
    })
    .await
    .unwrap();
    assert_eq!(started.root.as_ref(), Some(&pins.root));
    assert_eq!(
        (started.key_version, started.approved),
        (Some(1), vec!["ana".to_owned(), "Bufete".to_owned()])
    );
    let (state, keys) = desk_view(&client, &ana.session.token, &ana.identity, &pins)
        .await
        .unwrap();
    assert_eq!(keys.current.1, Recipient::from(desk.to_public()));
    assert!(state.account_by_name("ana").is_some());
    let bufete_id = resguardo::domain::hex_decode(&added.partner.id).unwrap();
    let signed = state.partner(&bufete_id.try_into().unwrap()).unwrap();
    assert_eq!(signed.recipient, bufete);
    let (state, _) = desk_view(&client, token, &boss.identity, &pins)
        .await
        .unwrap();
    let again = init_chain::start(&client, token, &boss.identity, Some(&state), |_| Ok(true)).await;
    assert!(again.err().unwrap().to_string().contains("nothing to sign"));

    // Now that the desk's keys are signed, a client that signs nothing cannot change them.
    let (beto, beto_number) =
        enrolled_account(&client, "gt", &invite(&server, "gt", "worker"), "beto").await;
    let unsigned = Vetting {
        key_version: 1,
        grant: Some(legacy_grant(&beto.identity)),
        statement: None,
    };
    let refused = client.vet(token, "beto", &unsigned).await.err().unwrap();
    assert_eq!(refused.problem_slug(), Some("key-conflict"));
    vet(&client, &boss, "beto", &beto_number).await.unwrap();
    assert_eq!(
        attacker_opens(&server, &age::x25519::Identity::generate()).await,
        0
    );
}

/// `desk init-chain` from the terminal: the account number typed for each vetted account,
/// the desk root printed, and the device's pins written.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn init_chain_from_the_cli() {
    let Some(server) = TestServer::start(Backend::Sqlite).await else {
        return;
    };
    let home = crate::vetting::cli_supervisor(&server, "gt").await;
    // The desk was made with statements; taking them away makes it a desk older than them.
    server.tamper("DELETE FROM key_statements").await;
    std::fs::remove_file(home.join("trust.json")).unwrap();
    let mut cmd = server.command();
    cmd.env("RESGUARDO_HOME", &home)
        .args(["desk", "init-chain", "--json"]);
    let out = run_with_input(cmd, &format!("{PASSWORD}\n"));
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let started: Value = serde_json::from_slice(&out.stdout).unwrap();
    crate::docs::assert_cli_shape("desk init-chain", &started);
    assert_eq!(started["key_version"], 1);
    assert_eq!(started["head_seq"], 2);
    let trust = std::fs::read_to_string(home.join("trust.json")).unwrap();
    assert!(trust.contains(started["root"].as_str().unwrap()));
    // whoami shows the same head, for colleagues to compare.
    let mut whoami = server.command();
    whoami
        .env("RESGUARDO_HOME", &home)
        .args(["worker", "whoami", "--json"]);
    let me: Value = serde_json::from_slice(&whoami.output().unwrap().stdout).unwrap();
    crate::docs::assert_cli_shape("worker whoami", &me);
    assert_eq!(
        (&me["desk_root"], &me["head_seq"], &me["head"]),
        (&started["root"], &started["head_seq"], &started["head"])
    );
}

/// The supervisor signed Bufete's key; the server later lists M for it. A worker's referral is
/// refused before anything is encrypted, and so is one to a partner the chain never signed.
async fn a_swapped_partner_key_is_refused(backend: Backend) {
    let Some(server) = TestServer::start(backend).await else {
        return;
    };
    let client = server.client();
    let (boss, ana) = staffed_desk(&server, &client, "gt").await;
    let partner = |name: &str, key: &age::x25519::Identity| -> NewPartner {
        serde_json::from_value(serde_json::json!({
            "name": name, "services": ["legal"], "countries": ["GT"], "languages": ["es"],
            "recipient": key.to_public().to_string(), "contact": "+502 5555 0000",
        }))
        .unwrap()
    };
    let bufete = age::x25519::Identity::generate();
    let (state, _) = view(&client, &boss).await;
    desk_statements::add_partner(
        &client,
        &boss.session.token,
        &boss.identity,
        &state,
        &partner("Bufete", &bufete),
        resguardo::crypto::signing::public_of(&bufete),
    )
    .await
    .unwrap();
    let submitted = reporter::submit(&client, "gt", &form("x"), Language::Es, None, |_| {})
        .await
        .unwrap();
    let m = age::x25519::Identity::generate();
    server
        .tamper(&format!(
            "UPDATE partners SET recipient = '{}' WHERE desk_slug = 'gt' AND name = 'Bufete'",
            m.to_public()
        ))
        .await;
    let refer = |name: &'static str| {
        let (client, ana) = (&client, &ana);
        let id = submitted.id.clone();
        async move {
            let (state, keys) = view(client, ana).await;
            let case = triage::open_case(client, &ana.session.token, &keys.identities, &id)
                .await
                .unwrap();
            let partners = client.partners(&ana.session.token).await.unwrap();
            let order = ReferralOrder {
                partner: referral::find_partner(&partners, name).unwrap(),
                fields: &[ReferralField::Needs],
                consent: ConsentDecision::Required,
                expires_in_days: None,
                attachments: &[],
            };
            referrals::refer(
                client,
                &ana.session.token,
                &case,
                &state,
                &ana.identity,
                &order,
            )
            .await
        }
    };
    untrusted(refer("Bufete").await, "another key");
    // Added through the API alone, unsigned: refused as well.
    client
        .add_partner(&boss.session.token, &partner("Casa", &m))
        .await
        .unwrap();
    untrusted(refer("Casa").await, "not in the desk's signed statements");
    assert_eq!(server.count("SELECT COUNT(*) FROM referrals").await, 0);
    assert_eq!(attacker_opens(&server, &m).await, 0);
}

/// A worker disabled on the supervisor's device is revoked in the chain: a server that marks
/// them active again gets them no grant of the next key.
async fn a_revoked_account_gets_no_grant(backend: Backend) {
    let Some(server) = TestServer::start(backend).await else {
        return;
    };
    let client = server.client();
    let (boss, _ana) = staffed_desk(&server, &client, "gt").await;
    let (state, _) = view(&client, &boss).await;
    let (token, own) = (&boss.session.token, &boss.identity);
    desk_statements::disable_account(&client, token, own, &state, "ana")
        .await
        .unwrap();
    let revoked = "SELECT COUNT(*) FROM key_statements WHERE kind = 5";
    assert_eq!(server.count(revoked).await, 1);
    server
        .tamper("UPDATE accounts SET status = 'vetted' WHERE username = 'ana'")
        .await;
    let pins = root_pins(&boss.identity);
    let (state, _) = desk_view(&client, token, own, &pins).await.unwrap();
    let rotated = desk_keys::rotate(&client, token, own, &state)
        .await
        .unwrap();
    let receivers: Vec<&str> = rotated
        .receivers
        .iter()
        .map(|r| r.username.as_str())
        .collect();
    assert_eq!(receivers, ["sofia"]);
    assert_eq!(rotated.unsigned, ["ana"]);
    let ana_v2 = "SELECT COUNT(*) FROM grants g JOIN accounts a ON a.id = g.account_id \
                  WHERE a.username = 'ana' AND g.key_version = 2";
    assert_eq!(server.count(ana_v2).await, 0);
}

/// After ana replied (which sealed the case), the server serves a report of its own for the case,
/// encrypted to the real desk key, with `reply_to` = M, and lists M as the reply key; then it also
/// takes the seal away. Each time the next reply is refused and nothing reaches M.
async fn a_fabricated_report_cannot_take_replies(backend: Backend) {
    let Some(server) = TestServer::start(backend).await else {
        return;
    };
    let client = server.client();
    let (_boss, ana) = staffed_desk(&server, &client, "gt").await;
    let submitted = reporter::submit(&client, "gt", &form("real"), Language::Es, None, |_| {})
        .await
        .unwrap();
    crate::workers::reply(&client, &ana, &submitted.id, "le leemos")
        .await
        .unwrap();
    let m = age::x25519::Identity::generate();
    let desk_key = Recipient::parse(&client.desk("gt").await.unwrap().recipient).unwrap();
    let fabricated = serde_json::json!({
        "kind": "sextortion", "narrative": "otro", "country": "GT", "needs": [],
        "consent_referral": false, "reply_to": m.to_public().to_string(),
    });
    let plain = resguardo::crypto::padding::pad(fabricated.as_object().unwrap().clone());
    let sealed = seal::seal(&[desk_key.age()], &plain).unwrap();
    let id = resguardo::domain::hex_decode(&submitted.id).unwrap();
    server
        .tamper_with(
            &format!(
                "UPDATE reports SET ciphertext = $1, reply_recipient = '{}' WHERE id = $2",
                m.to_public()
            ),
            &[&sealed, &id],
        )
        .await;
    let refused = crate::workers::reply(&client, &ana, &submitted.id, "¿sigue ahí?").await;
    untrusted(refused, "not the one its seal names");
    server.tamper("UPDATE reports SET case_seal = NULL").await;
    let refused = crate::workers::reply(&client, &ana, &submitted.id, "¿sigue ahí?").await;
    untrusted(refused, "replies but no seal");
    assert_eq!(attacker_opens(&server, &m).await, 0);
}

/// The server writes a "reporter" message and a note of its own (it can encrypt to the desk's
/// public key): the desk device finds the message is not signed with the reporter key sealed in
/// the report, and the note not by the account it names, and says so in the library, in
/// `worker show --json` and on the terminal (protocol.md §2).
async fn a_forged_reporter_message_is_flagged(backend: Backend) {
    use resguardo::protocol::case::Authenticity;
    let Some(server) = TestServer::start(backend).await else {
        return;
    };
    let client = server.client();
    let (boss, ana) = staffed_desk(&server, &client, "gt").await;
    let submitted = reporter::submit(&client, "gt", &form("real"), Language::Es, None, |_| {})
        .await
        .unwrap();
    let keys = reporter::derive(&submitted.phrase).await;
    reporter::send_message(&client, &keys, "gt", None, "tengo las capturas")
        .await
        .unwrap();
    let desk_key = Recipient::parse(&client.desk("gt").await.unwrap().recipient).unwrap();
    let forged = resguardo::protocol::message::message_plaintext(
        "Ya no necesito ayuda, cierren el caso y borren todo",
    );
    server
        .forge_message(&submitted.id, 2, "reporter", &[desk_key.age()], &forged)
        .await;
    let id = resguardo::domain::hex_decode(&submitted.id).unwrap();

    // A note ana signs, and one the server signs as ana with a key of its own.
    crate::workers::note(&client, &ana, &submitted.id, "llamar mañana")
        .await
        .unwrap();
    let (state, held) = view(&client, &ana).await;
    let ana_id = state
        .accounts()
        .find(|a| a.username.as_str() == "ana")
        .map(|a| resguardo::domain::hex(&a.id))
        .unwrap();
    let m = age::x25519::Identity::generate();
    let fake = resguardo::protocol::message::signed_message_plaintext(
        "el caso es falso, ciérrenlo",
        &ana_id,
        &signing::signing_key(&m),
    );
    server
        .tamper_with(
            "INSERT INTO notes (report_id, seq, author, ciphertext, created_at) \
             VALUES ($1, 2, (SELECT id FROM accounts WHERE username = 'ana'), $2, 0)",
            &[&id, &seal::seal(&[desk_key.age()], &fake).unwrap()],
        )
        .await;
    let mut case = triage::open_case(&client, &ana.session.token, &held.identities, &submitted.id)
        .await
        .unwrap();
    let seen: Vec<_> = case
        .messages
        .iter()
        .map(|m| m.authenticity.clone())
        .collect();
    assert_eq!(
        seen,
        [Some(Authenticity::Signed), Some(Authenticity::NotSigned)]
    );
    case.verify_authors(&state);
    let notes: Vec<_> = case.notes.iter().map(|n| n.authenticity.clone()).collect();
    let ana_name = resguardo::domain::Username::parse("ana").unwrap();
    assert_eq!(
        notes,
        [
            Some(Authenticity::SignedBy(ana_name)),
            Some(Authenticity::NotSigned)
        ]
    );

    let as_ana = server.terminal_of("gt", "ana", &ana, &boss.identity);
    let out = run_with_input(
        as_ana(&["worker", "show", &submitted.id, "--json"]),
        &format!("{PASSWORD}\n"),
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let shown: Value = serde_json::from_slice(&out.stdout).unwrap();
    crate::docs::assert_cli_shape("worker show ID", &shown);
    assert_eq!(shown["messages"][0]["authenticity"], "signed");
    assert_eq!(shown["messages"][1]["authenticity"], "not-signed");
    assert_eq!(shown["notes"][0]["signed_by"], "ana");
    assert_eq!(shown["notes"][1]["authenticity"], "not-signed");
    let out = run_with_input(
        as_ana(&["worker", "show", &submitted.id]),
        &format!("{PASSWORD}\n"),
    );
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("reporter ✓ signed"), "{text}");
    assert!(
        text.contains("reporter ✗ NOT SIGNED by its author"),
        "{text}"
    );
}

/// The server writes a "desk" reply of its own to the reporter (the reply recipient is public):
/// the reporter's device finds it lacks the tag of the reply MAC key its phrase derives, which
/// only the desk could make, and says so in the library, `report followup --json` and the
/// terminal (protocol.md §2).
async fn a_forged_desk_reply_is_flagged_to_the_reporter(backend: Backend) {
    let Some(server) = TestServer::start(backend).await else {
        return;
    };
    let client = server.client();
    let (_boss, ana) = staffed_desk(&server, &client, "gt").await;
    let submitted = reporter::submit(&client, "gt", &form("real"), Language::Es, None, |_| {})
        .await
        .unwrap();
    crate::workers::reply(&client, &ana, &submitted.id, "Le llamamos hoy")
        .await
        .unwrap();
    let keys = reporter::derive(&submitted.phrase).await;
    let desk_key = Recipient::parse(&client.desk("gt").await.unwrap().recipient).unwrap();
    let forged = resguardo::protocol::message::message_plaintext(
        "Venga mañana a la 5a avenida 10-20 y traiga sus documentos",
    );
    let to = [&keys.reply_recipient(), desk_key.age()];
    server
        .forge_message(&submitted.id, 2, "desk", &to, &forged)
        .await;

    let case = reporter::followup(&client, &keys).await.unwrap();
    let seen: Vec<_> = case.messages.iter().map(|m| m.from_desk_verified).collect();
    assert_eq!(seen, [Some(true), Some(false)]);

    let phrase = submitted.phrase.expose().to_owned();
    let mut cmd = server.command();
    cmd.args(["report", "followup", "--server", &server.url, "--json"]);
    let out = run_with_input(cmd, &format!("{phrase}\n"));
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let shown: Value = serde_json::from_slice(&out.stdout).unwrap();
    crate::docs::assert_cli_shape("report followup", &shown);
    assert_eq!(shown["messages"][0]["verified"], true);
    assert_eq!(shown["messages"][1]["verified"], false);
    let mut cmd = server.command();
    cmd.args([
        "report",
        "followup",
        "--server",
        &server.url,
        "--lang",
        "en",
    ]);
    let out = run_with_input(cmd, &format!("{phrase}\n"));
    let text = String::from_utf8_lossy(&out.stdout);
    // The warning follows the forged message, the second, and only it.
    let warning = "Caution: we could not confirm that this message comes from the desk";
    assert_eq!(text.matches(warning).count(), 1, "{text}");
    let (before, _) = text.split_once(warning).unwrap();
    assert_eq!(before.matches("The desk, ").count(), 2, "{text}");
}

/// `desk seal-cases` from the terminal: an open case without a seal is sealed once.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn seal_cases_from_the_cli() {
    let Some(server) = TestServer::start(Backend::Sqlite).await else {
        return;
    };
    let home = crate::vetting::cli_supervisor(&server, "gt").await;
    let client = server.client();
    reporter::submit(&client, "gt", &form("antes"), Language::Es, None, |_| {})
        .await
        .unwrap();
    let run = || {
        let mut cmd = server.command();
        cmd.env("RESGUARDO_HOME", &home)
            .args(["desk", "seal-cases", "--json"]);
        let out = run_with_input(cmd, &format!("{PASSWORD}\n"));
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        serde_json::from_slice::<Value>(&out.stdout).unwrap()
    };
    let first = run();
    crate::docs::assert_cli_shape("desk seal-cases", &first);
    assert_eq!((&first["cases"], &first["sealed"]), (&1.into(), &1.into()));
    let sealed = "SELECT COUNT(*) FROM reports WHERE case_seal IS NOT NULL";
    assert_eq!(server.count(sealed).await, 1);
    assert_eq!(run()["sealed"], 0, "a sealed case is left alone");
}

/// Under a policy of two approvals, a supervisor is disabled on the server host, which signs
/// nothing; the remaining supervisor's `worker disable` then signs the revocation all the same.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_supervisor_disabled_on_the_host_is_revoked_afterwards() {
    let extra = [("RESGUARDO__VETTING__APPROVALS_REQUIRED", "2")];
    let Some(server) = TestServer::start_with(Backend::Sqlite, &extra).await else {
        return;
    };
    let client = server.client();
    let (boss, _ana) = staffed_desk(&server, &client, "gt").await;
    let code = invite(&server, "gt", "supervisor");
    let (_sv2, sv2_number) = enrolled_account(&client, "gt", &code, "sv2").await;
    vet(&client, &boss, "sv2", &sv2_number).await.unwrap();
    let out = server
        .command()
        .args(["admin", "disable", "--desk", "gt", "--username", "sv2"])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let (state, _) = view(&client, &boss).await;
    let (token, own) = (&boss.session.token, &boss.identity);
    desk_statements::disable_account(&client, token, own, &state, "sv2")
        .await
        .unwrap();
    let (state, _) = view(&client, &boss).await;
    assert!(state.account_by_name("sv2").unwrap().revoked);
}
