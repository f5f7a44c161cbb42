//! A server that lies about keys, played by editing its database directly (as an operator, an
//! intruder or a corrupt official with database access could): devices must notice and refuse,
//! and nothing may end up encrypted to a key the attacker holds (docs/decisions/0003).

use resguardo::client::{desk_keys, worker};
use resguardo::crypto::signing;
use resguardo::domain::{b64_encode, AccountStatus};
use resguardo::server::routes::accounts::SigningKeyUpload;

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
    let vet = |number: String| {
        let (client, token, identity) = (&client, &boss.session.token, &boss.identity);
        async move { desk_keys::vet(client, token, identity, "ana", &number).await }
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
    desk_keys::vet(
        &client,
        &boss.session.token,
        &boss.identity,
        "ana",
        number.as_str(),
    )
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
    let refused = desk_keys::vet(
        &client,
        &boss.session.token,
        &boss.identity,
        "ana",
        recipient_number.as_str(),
    )
    .await
    .err()
    .unwrap();
    assert!(
        refused.to_string().contains("no signing key yet"),
        "{refused}"
    );
    assert_eq!(grants_of(&server, "ana").await, 0);
}
