//! A server that lies about keys, played by editing its database directly (as an operator, an
//! intruder or a corrupt official with database access could): devices must notice and refuse,
//! and nothing may end up encrypted to a key the attacker holds (docs/decisions/0003).

use resguardo::client::worker;
use resguardo::crypto::signing;
use resguardo::domain::{b64_encode, AccountStatus};
use resguardo::protocol::accounts::SigningKeyUpload;

use crate::access::desk_with_supervisor;
use crate::harness::{Backend, TestServer};
use crate::workers::{enrolled_account, invite, totp_code, PASSWORD};

crate::on_both_backends!(
    a_swapped_account_key_is_refused_at_vetting,
    a_legacy_account_records_its_signing_key_once
);

async fn grants_of(server: &TestServer, username: &str) -> i64 {
    server
        .count(&format!(
            "SELECT COUNT(*) FROM grants g JOIN accounts a ON a.id = g.account_id \
             WHERE a.username = '{username}'"
        ))
        .await
}

/// The supervisor types the number read from ana's own screen; the server lists keys of its
/// own for her. The account safety number covers both keys, so either swap is refused.
async fn a_swapped_account_key_is_refused_at_vetting(backend: Backend) {
    let Some(server) = TestServer::start(backend).await else {
        return;
    };
    let client = server.client();
    let boss = desk_with_supervisor(&server, &client, "gt").await;
    let (ana, ana_number) =
        enrolled_account(&client, "gt", &invite(&server, "gt", "worker"), "ana").await;
    let attacker = age::x25519::Identity::generate();
    let pins = crate::workers::root_pins(&boss.identity);
    let vet = |number: String| {
        let (client, boss, pins) = (&client, &boss, &pins);
        async move { crate::workers::vet_pinned(client, boss, pins, "ana", &number).await }
    };

    let swapped_signing = signing::public_of(&attacker).to_bytes();
    server
        .tamper_with(
            "UPDATE accounts SET signing_key = $1 WHERE username = 'ana'",
            &[&swapped_signing],
        )
        .await;
    let refused = vet(ana_number.clone()).await.err().unwrap();
    assert!(refused.to_string().contains("does not match"), "{refused}");

    let own_signing = signing::public_of(&ana.identity).to_bytes();
    server
        .tamper_with(
            &format!(
                "UPDATE accounts SET signing_key = $1, recipient = '{}' WHERE username = 'ana'",
                attacker.to_public()
            ),
            &[&own_signing],
        )
        .await;
    let refused = vet(ana_number.clone()).await.err().unwrap();
    assert!(refused.to_string().contains("does not match"), "{refused}");
    assert_eq!(grants_of(&server, "ana").await, 0);

    // With the truth restored, the same typed number vets her.
    server
        .tamper(&format!(
            "UPDATE accounts SET recipient = '{}' WHERE username = 'ana'",
            ana.identity.to_public()
        ))
        .await;
    vet(ana_number).await.unwrap();
    assert_eq!(grants_of(&server, "ana").await, 1);
}

/// Enrols `username` and, before the first login, lets the server set its recorded signing key
/// to `recorded` (NULL: an account enrolled before signing keys); then confirms and logs in.
async fn enrol_with_recorded_key(
    server: &TestServer,
    username: &str,
    recorded: Option<[u8; 32]>,
) -> Result<worker::Login, resguardo::client::ClientError> {
    let client = server.client();
    let code = invite(server, "gt", "worker");
    let enrolled = worker::enrol(&client, "gt", &code, username, PASSWORD)
        .await
        .unwrap();
    let sql = format!("UPDATE accounts SET signing_key = $1 WHERE username = '{username}'");
    match recorded {
        Some(key) => server.tamper_with(&sql, &[&key]).await,
        None => server.tamper(&sql.replace("$1", "NULL")).await,
    }
    let uri = &enrolled.enrolled.totp_uri;
    worker::confirm_totp(&client, "gt", username, PASSWORD, &totp_code(uri, 0))
        .await
        .unwrap();
    worker::login(&client, "gt", username, PASSWORD, &totp_code(uri, 1)).await
}

/// An account enrolled before signing keys sends its key at its next login; the server records
/// it once and never replaces it; a device whose recorded key is not its own refuses to go on.
async fn a_legacy_account_records_its_signing_key_once(backend: Backend) {
    let Some(server) = TestServer::start(backend).await else {
        return;
    };
    let client = server.client();
    let boss = desk_with_supervisor(&server, &client, "gt").await;

    let ana = enrol_with_recorded_key(&server, "ana", None).await.unwrap();
    let own = signing::public_of(&ana.identity);
    assert_eq!(
        ana.session.account.signing_key,
        Some(b64_encode(&own.to_bytes()))
    );
    let stored = server
        .count("SELECT COUNT(*) FROM accounts WHERE username = 'ana' AND signing_key IS NOT NULL")
        .await;
    assert_eq!(stored, 1);

    // Sending the same key again is harmless; another one, or a malformed one, is refused.
    let token = &ana.session.token;
    let upload = |key: String| SigningKeyUpload { signing_key: key };
    let again = client
        .set_signing_key(token, &upload(b64_encode(&own.to_bytes())))
        .await
        .unwrap();
    assert_eq!(again.status, AccountStatus::Pending);
    let other = signing::public_of(&age::x25519::Identity::generate());
    let conflict = client
        .set_signing_key(token, &upload(b64_encode(&other.to_bytes())))
        .await
        .err()
        .unwrap();
    assert_eq!(conflict.problem_slug(), Some("key-conflict"));
    let mut small_order = [0u8; 32];
    small_order[0] = 1;
    let malformed = client
        .set_signing_key(token, &upload(b64_encode(&small_order)))
        .await
        .err()
        .unwrap();
    assert_eq!(malformed.problem_slug(), Some("invalid-field"));

    // Her number, as her device computes it, now vets her.
    let number = resguardo::domain::Fingerprint::of_account(&ana.identity.to_public().into(), &own);
    crate::workers::vet(&client, &boss, "ana", number.as_str())
        .await
        .unwrap();

    // A server that recorded a key of its own for beto: his device refuses the login.
    let attacker = signing::public_of(&age::x25519::Identity::generate()).to_bytes();
    let refused = enrol_with_recorded_key(&server, "beto", Some(attacker))
        .await
        .err()
        .unwrap();
    assert!(
        refused.to_string().contains("not this account's own"),
        "{refused}"
    );
}

/// A legacy account cannot be vetted until it has sent its signing key: the supervisor's device
/// has no number over both keys to compare.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_legacy_account_without_a_key_cannot_be_vetted() {
    let Some(server) = TestServer::start(Backend::Sqlite).await else {
        return;
    };
    let client = server.client();
    let boss = desk_with_supervisor(&server, &client, "gt").await;
    let (ana, _) = enrolled_account(&client, "gt", &invite(&server, "gt", "worker"), "ana").await;
    server
        .tamper("UPDATE accounts SET signing_key = NULL WHERE username = 'ana'")
        .await;
    let listed = client.accounts(&boss.session.token).await.unwrap();
    let listed = listed.iter().find(|a| a.username == "ana").unwrap();
    assert_eq!(listed.signing_key, None);
    let recipient_number = ana.identity.to_public().to_string();
    let recipient_number = resguardo::domain::Recipient::parse(&recipient_number)
        .unwrap()
        .fingerprint();
    let refused = crate::workers::vet(&client, &boss, "ana", recipient_number.as_str())
        .await
        .err()
        .unwrap();
    assert!(
        refused.to_string().contains("no signing key yet"),
        "{refused}"
    );
    assert_eq!(grants_of(&server, "ana").await, 0);
}

crate::on_both_backends!(a_forged_statement_is_detected);

/// Statements the server writes itself, or edits, or takes away: the supervisor's device, which
/// pinned the desk root when it made the desk key, refuses the chain with the code that says why.
async fn a_forged_statement_is_detected(backend: Backend) {
    use resguardo::crypto::statement::{append, Body};
    use resguardo::domain::{DeskSlug, Recipient};

    let Some(server) = TestServer::start(backend).await else {
        return;
    };
    let home = crate::vetting::cli_supervisor(&server, "gt").await;
    let statements = |home: &std::path::Path| {
        let mut cmd = server.command();
        cmd.env("RESGUARDO_HOME", home)
            .args(["desk", "statements", "--json"]);
        cmd.output().unwrap()
    };
    // Ana is vetted through the command line, so that the chain holds her approval.
    let client = server.client();
    let (ana, number) =
        enrolled_account(&client, "gt", &invite(&server, "gt", "worker"), "ana").await;
    let mut vet = server.command();
    vet.env("RESGUARDO_HOME", &home)
        .args(["worker", "vet", "ana"]);
    let out = crate::harness::run_with_input(vet, &format!("{number}\n{PASSWORD}\n"));
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(statements(&home).status.success());

    let gt = DeskSlug::parse("gt").unwrap();
    let stored = server.store().await.desk(&gt).statements().await.unwrap();
    assert_eq!(stored.len(), 3);
    let head = stored[2].signed().unwrap();
    let attacker = age::x25519::Identity::generate();
    let attacker_key = Body::DeskKey {
        version: 2,
        recipient: Recipient::from(attacker.to_public()),
    };
    let insert = "INSERT INTO key_statements \
         (desk_slug, seq, kind, subject, statement, signature, link, created_at) \
         VALUES ('gt', 4, 3, NULL, $1, $2, $3, 0)";
    let refused_with = |code: &'static str| refused_with_home(&statements(&home), code);

    // A desk key signed by a key the desk never vetted; then by a worker's own key.
    for (signer, code) in [(&attacker, "signer"), (&ana.identity, "not-supervisor")] {
        let forged = append(&gt, Some((3, head.link())), signer, attacker_key.clone()).unwrap();
        server
            .tamper_with(
                insert,
                &[&forged.statement, &forged.signature, &forged.link()],
            )
            .await;
        refused_with(code);
        server
            .tamper("DELETE FROM key_statements WHERE desk_slug = 'gt' AND seq = 4")
            .await;
    }

    // The first desk key swapped for the attacker's under its kept signature.
    // A desk key statement ends with its recipient's 62 characters.
    let original = stored[1].statement.clone();
    let mut edited = original.clone();
    let at = edited.len() - 62;
    let attacker_text = Recipient::from(attacker.to_public());
    edited[at..].copy_from_slice(attacker_text.as_str().as_bytes());
    server
        .tamper_with(
            "UPDATE key_statements SET statement = $1 WHERE desk_slug = 'gt' AND seq = 2",
            &[&edited],
        )
        .await;
    refused_with("signature");
    server
        .tamper_with(
            "UPDATE key_statements SET statement = $1 WHERE desk_slug = 'gt' AND seq = 2",
            &[&original],
        )
        .await;
    assert!(statements(&home).status.success());

    // The newest statement taken away: shorter than what this device saw.
    server
        .tamper("DELETE FROM key_statements WHERE desk_slug = 'gt' AND seq = 3")
        .await;
    refused_with("rollback");

    // A device whose root is another (a forged genesis, or the wrong number typed) trusts none of it.
    let elsewhere = server.dir.path().join("elsewhere");
    std::fs::create_dir_all(&elsewhere).unwrap();
    std::fs::copy(home.join("session.json"), elsewhere.join("session.json")).unwrap();
    let wrong_root = number; // ana's number is not the desk's root
    let trust = serde_json::json!({"v": 1, "desks": {
        format!("{}|gt", server.url): {"root": wrong_root, "head": null}}});
    resguardo::os::files::write_private(
        &elsewhere.join("trust.json"),
        trust.to_string().as_bytes(),
    )
    .unwrap();
    refused_with_home(&statements(&elsewhere), "root");
}

fn refused_with_home(out: &std::process::Output, code: &str) {
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{code}: {stderr}");
    assert!(stderr.contains(&format!("({code})")), "{code}: {stderr}");
}

/// The server stores statements only with the change they record, from the caller's own key,
/// saying what the request does, right after the desk's last one (it checks order, not trust).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_server_keeps_only_the_callers_statements_in_order() {
    use resguardo::crypto::statement::{append, Body};
    use resguardo::domain::{DeskSlug, Recipient, Role, Username};
    use resguardo::protocol::keys::Vetting;
    use resguardo::protocol::statements::SignedStatement;

    let Some(server) = TestServer::start(Backend::Sqlite).await else {
        return;
    };
    let client = server.client();
    let boss = desk_with_supervisor(&server, &client, "gt").await;
    let (ana, _) = enrolled_account(&client, "gt", &invite(&server, "gt", "worker"), "ana").await;
    let gt = DeskSlug::parse("gt").unwrap();
    let stored = server.store().await.desk(&gt).statements().await.unwrap();
    assert_eq!(
        stored.len(),
        2,
        "init-key wrote the genesis and the first desk key"
    );
    let head = stored[1].signed().unwrap().link();
    let listed = client.accounts(&boss.session.token).await.unwrap();
    let ana_id = listed
        .iter()
        .find(|a| a.username == "ana")
        .unwrap()
        .id
        .clone();
    let approval_of = |recipient: Recipient| Body::Approval {
        account: resguardo::domain::hex_decode(&ana_id)
            .unwrap()
            .try_into()
            .unwrap(),
        username: Username::parse("ana").unwrap(),
        role: Role::Worker,
        recipient,
        signing_key: signing::public_of(&ana.identity),
    };
    let ana_recipient = Recipient::from(ana.identity.to_public());
    let grant = b64_encode(
        &resguardo::crypto::seal::seal(&[&ana.identity.to_public()], b"not a real grant").unwrap(),
    );
    let vet = |signed: resguardo::crypto::statement::Signed| {
        let vetting = Vetting {
            key_version: 1,
            grant: Some(grant.clone()),
            statement: Some(SignedStatement {
                statement: b64_encode(&signed.statement),
                signature: b64_encode(&signed.signature),
                opening: signed.opening.as_ref().map(|o| b64_encode(&o.to_bytes())),
            }),
        };
        let (client, token) = (&client, boss.session.token.clone());
        async move { client.vet(&token, "ana", &vetting).await }
    };
    let attacker = age::x25519::Identity::generate();
    let refusals = [
        // Keys other than the account's.
        (
            append(
                &gt,
                Some((2, head)),
                &boss.identity,
                approval_of(attacker.to_public().into()),
            ),
            "invalid-field",
        ),
        // Signed by a key other than the caller's.
        (
            append(
                &gt,
                Some((2, head)),
                &attacker,
                approval_of(ana_recipient.clone()),
            ),
            "invalid-field",
        ),
        // About another desk.
        (
            append(
                &DeskSlug::parse("hn").unwrap(),
                Some((2, head)),
                &boss.identity,
                approval_of(ana_recipient.clone()),
            ),
            "invalid-field",
        ),
        // Not after the desk's last statement.
        (
            append(
                &gt,
                Some((1, head)),
                &boss.identity,
                approval_of(ana_recipient.clone()),
            ),
            "key-conflict",
        ),
        (
            append(
                &gt,
                Some((2, [7; 32])),
                &boss.identity,
                approval_of(ana_recipient.clone()),
            ),
            "key-conflict",
        ),
    ];
    for (signed, slug) in refusals {
        let refused = vet(signed.unwrap()).await.err().unwrap();
        assert_eq!(refused.problem_slug(), Some(slug), "{refused}");
    }
    assert_eq!(
        server
            .store()
            .await
            .desk(&gt)
            .statements()
            .await
            .unwrap()
            .len(),
        2
    );
    assert_eq!(grants_of(&server, "ana").await, 0);
    // The right one is kept with the approval.
    let right = append(
        &gt,
        Some((2, head)),
        &boss.identity,
        approval_of(ana_recipient),
    );
    vet(right.unwrap()).await.unwrap();
    assert_eq!(
        server
            .store()
            .await
            .desk(&gt)
            .statements()
            .await
            .unwrap()
            .len(),
        3
    );
}
