//! Desk bootstrap and vetting on each backend: the first supervisor's device makes the desk key;
//! a worker is vetted only after the supervisor types the safety number from the worker's screen;
//! then, and only then, the worker can read reports.

use resguardo::client::{desk_keys, reporter};
use resguardo::crypto::receipt::Language;
use resguardo::crypto::seal;
use resguardo::domain::{AccountStatus, ReportId};
use serde_json::Value;

use crate::harness::{form, Backend, TestServer};
use crate::workers::{enrolled_account as account, invite, totp_code, PASSWORD};

crate::on_both_backends!(bootstrap_vet_and_read);

async fn bootstrap_vet_and_read(backend: Backend) {
    let Some(server) = TestServer::start(backend).await else {
        return;
    };
    let client = server.client();

    // A desk without a key: its first supervisor's code is printed; it takes no reports yet.
    let out = server
        .command()
        .args([
            "admin", "desk", "create", "--slug", "gt", "--name", "Mesa GT", "--json",
        ])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let created: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(created["role"], "supervisor");
    assert_eq!(
        client.desk("gt").await.err().unwrap().problem_slug(),
        Some("desk-not-found")
    );

    let (sofia, _) = account(&client, "gt", created["code"].as_str().unwrap(), "sofia").await;
    let sofia_token = sofia.session.token.clone();
    assert_eq!(sofia.session.account.status, AccountStatus::Pending);
    let key = desk_keys::init_desk_key(&client, &sofia_token, &sofia.identity)
        .await
        .unwrap()
        .key;
    assert_eq!(key.key_version, 1);
    assert_eq!(client.desk("gt").await.unwrap().recipient, key.recipient);
    assert_eq!(
        client.whoami(&sofia_token).await.unwrap().status,
        AccountStatus::Vetted
    );
    let again = desk_keys::init_desk_key(&client, &sofia_token, &sofia.identity)
        .await
        .err()
        .unwrap();
    assert_eq!(again.problem_slug(), Some("key-conflict"));

    // A new worker: pending, holding no grant, and not allowed to list accounts.
    let (ana, ana_fingerprint) =
        account(&client, "gt", &invite(&server, "gt", "worker"), "ana").await;
    let ana_token = ana.session.token.clone();
    assert!(
        crate::workers::desk_identities(&client, &ana_token, &ana.identity)
            .await
            .unwrap()
            .is_empty()
    );
    assert_eq!(
        client
            .accounts(&ana_token)
            .await
            .err()
            .unwrap()
            .problem_slug(),
        Some("forbidden")
    );
    let sneaky = desk_keys::init_desk_key(&client, &ana_token, &ana.identity)
        .await
        .err()
        .unwrap();
    assert_eq!(sneaky.problem_slug(), Some("forbidden"));

    // The supervisor sees the safety number; a wrong one stops the vetting on her device.
    let listed = client.accounts(&sofia_token).await.unwrap();
    let listed_ana = listed.iter().find(|a| a.username == "ana").unwrap();
    assert_eq!(
        (listed_ana.status, listed_ana.fingerprint.as_str()),
        (AccountStatus::Pending, ana_fingerprint.as_str())
    );
    let wrong = "0000 0000 0000 0000 0000 0000 0000 0000";
    let refused = crate::workers::vet(&client, &sofia, "ana", wrong)
        .await
        .err()
        .unwrap();
    assert!(refused.to_string().contains("does not match"), "{refused}");
    assert_eq!(
        client.whoami(&ana_token).await.unwrap().status,
        AccountStatus::Pending
    );

    let typed = ana_fingerprint.replace(' ', "").to_uppercase();
    crate::workers::vet(&client, &sofia, "ana", &typed)
        .await
        .unwrap();
    assert_eq!(
        client.whoami(&ana_token).await.unwrap().status,
        AccountStatus::Vetted
    );
    let twice = crate::workers::vet(&client, &sofia, "ana", &typed)
        .await
        .err()
        .unwrap();
    assert_eq!(twice.problem_slug(), Some("key-conflict"));
    let nobody = crate::workers::vet(&client, &sofia, "nadie", &typed)
        .await
        .err()
        .unwrap();
    assert!(nobody.to_string().contains("no account"));

    // A vetted worker is still not a supervisor.
    assert_eq!(
        client
            .accounts(&ana_token)
            .await
            .err()
            .unwrap()
            .problem_slug(),
        Some("forbidden")
    );

    // A report to the desk: the vetted worker's grant opens it.
    let submitted = reporter::submit(
        &client,
        "gt",
        &form("me extorsionan"),
        Language::Es,
        None,
        |_| {},
    )
    .await
    .unwrap();
    let identities = crate::workers::desk_identities(&client, &ana_token, &ana.identity)
        .await
        .unwrap();
    assert_eq!(identities.len(), 1);
    let id = ReportId::parse(&submitted.id).unwrap();
    let stored = crate::harness::find_report(&server.store().await, &id)
        .await
        .unwrap();
    let plain = seal::open(&identities[0].1, stored.ciphertext.as_bytes()).unwrap();
    assert!(String::from_utf8_lossy(&plain).contains("me extorsionan"));

    // Grants are ciphertext on the server: the desk's private key appears nowhere in its files.
    let desk_secret =
        age::secrecy::ExposeSecret::expose_secret(&identities[0].1.to_string()).to_owned();
    for (path, bytes) in crate::harness::files_under(server.dir.path()) {
        assert!(
            !crate::harness::contains(&bytes, desk_secret.as_bytes()),
            "{}",
            path.display()
        );
    }
    assert!(!server.logs().contains(&desk_secret));
}

/// A desk made from the terminal: its first supervisor, sofia, enrolled and logged in with the CLI
/// in her own home directory, where `desk init-key` made the desk key. Returns that directory.
pub async fn cli_supervisor(server: &TestServer, desk: &str) -> std::path::PathBuf {
    let out = server
        .command()
        .args([
            "admin", "desk", "create", "--slug", desk, "--name", "Mesa", "--json",
        ])
        .output()
        .unwrap();
    let created: Value = serde_json::from_slice(&out.stdout).unwrap();
    let home = server.dir.path().join("sofia");
    let (uri, enrolled) = crate::workers::cli_enrol(
        server,
        &home,
        desk,
        created["code"].as_str().unwrap(),
        "sofia",
    );
    assert_eq!(enrolled["first_supervisor"], true);
    let as_sofia = |args: &[&str]| {
        let mut cmd = server.command();
        cmd.env("RESGUARDO_HOME", &home).args(args);
        cmd
    };
    let login = as_sofia(&[
        "worker",
        "login",
        "--server",
        &server.url,
        "--desk",
        desk,
        "--username",
        "sofia",
    ]);
    let out =
        crate::harness::run_with_input(login, &format!("{PASSWORD}\n{}\n", totp_code(&uri, 1)));
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    // Before the desk has a key, whoami says what its first supervisor does next.
    let whoami = as_sofia(&["worker", "whoami"]).output().unwrap();
    assert!(
        String::from_utf8_lossy(&whoami.stdout).contains("resguardo desk init-key"),
        "{}",
        String::from_utf8_lossy(&whoami.stdout)
    );
    let out = crate::harness::run_with_input(
        as_sofia(&["desk", "init-key", "--json"]),
        &format!("{PASSWORD}\n"),
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let key: Value = serde_json::from_slice(&out.stdout).unwrap();
    crate::docs::assert_cli_shape("desk init-key", &key);
    assert_eq!(
        server.client().desk(desk).await.unwrap().fingerprint,
        key["fingerprint"].as_str().unwrap()
    );
    home
}

/// The same through the command line: `desk init-key`, `worker pending`, `worker vet`.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn cli_bootstrap_and_vet() {
    let Some(server) = TestServer::start(Backend::Sqlite).await else {
        return;
    };
    let home = cli_supervisor(&server, "sv").await;
    let as_sofia = |args: &[&str]| {
        let mut cmd = server.command();
        cmd.env("RESGUARDO_HOME", &home).args(args);
        cmd
    };

    // A new worker enrols on their own device; the supervisor sees them pending.
    let client = server.client();
    let code = invite(&server, "sv", "worker");
    let (ana, fingerprint) = account(&client, "sv", &code, "ana").await;
    let out = as_sofia(&["worker", "pending", "--json"]).output().unwrap();
    let pending: Value = serde_json::from_slice(&out.stdout).unwrap();
    crate::docs::assert_cli_shape("worker pending", &pending);
    assert_eq!(pending[0]["username"], "ana");
    assert_eq!(pending[0]["fingerprint"], fingerprint.as_str());

    // A wrong safety number: refused, nothing granted. The right one: vetted.
    let out = crate::harness::run_with_input(
        as_sofia(&["worker", "vet", "ana"]),
        &format!("1234\n{PASSWORD}\n"),
    );
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("does not match"));
    let out = crate::harness::run_with_input(
        as_sofia(&["worker", "vet", "ana"]),
        &format!("{fingerprint}\n{PASSWORD}\n"),
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(
        client.whoami(&ana.session.token).await.unwrap().status,
        AccountStatus::Vetted
    );

    // The desk's statements, verified on the supervisor's device from the root it made.
    let out = as_sofia(&["desk", "statements", "--json"])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let chain: Value = serde_json::from_slice(&out.stdout).unwrap();
    crate::docs::assert_cli_shape("desk statements", &chain);
    let kinds: Vec<&str> = chain["statements"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["kind"].as_str().unwrap())
        .collect();
    assert_eq!(kinds, ["genesis", "desk_key", "approval"]);
    assert_eq!(
        (
            chain["head_seq"].as_u64(),
            chain["current_key_version"].as_u64()
        ),
        (Some(3), Some(1))
    );
    assert_eq!(chain["statements"][2]["by"], "sofia");

    // A wrong password cannot unlock the key on the device.
    let out = crate::harness::run_with_input(
        as_sofia(&["desk", "init-key"]),
        "not the password at all\n",
    );
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("does not unlock"));
}

crate::on_both_backends!(rotation_closes_new_reports_to_the_disabled);

/// After `disable` and `rotate-key`, a new report opens for the remaining workers only; old
/// reports stay readable with the old key.
async fn rotation_closes_new_reports_to_the_disabled(backend: Backend) {
    let Some(server) = TestServer::start(backend).await else {
        return;
    };
    let client = server.client();
    let (boss, ana) = crate::triage::staffed_desk(&server, &client, "gt").await;
    let (beto, beto_fp) = account(&client, "gt", &invite(&server, "gt", "worker"), "beto").await;
    crate::workers::vet(&client, &boss, "beto", &beto_fp)
        .await
        .unwrap();
    let before = reporter::submit(&client, "gt", &form("antes"), Language::Es, None, |_| {})
        .await
        .unwrap();

    client.disable(&boss.session.token, "ana").await.unwrap();
    // A rotation that tries to keep the disabled account in is refused by the server.
    use resguardo::protocol::keys::{AccountGrant, Rotation};
    let some_grant =
        resguardo::domain::b64_encode(&seal::seal(&[&ana.identity.to_public()], b"k").unwrap());
    let keep_ana = Rotation {
        recipient: age::x25519::Identity::generate().to_public().to_string(),
        grants: ["sofia", "ana"]
            .iter()
            .map(|u| AccountGrant {
                username: u.to_string(),
                grant: some_grant.clone(),
            })
            .collect(),
        statements: vec![],
    };
    let refused = client
        .rotate_desk_key(&boss.session.token, &keep_ana)
        .await
        .err()
        .unwrap();
    assert_eq!(refused.problem_slug(), Some("key-conflict"));
    let (state, _) = crate::workers::view(&client, &boss).await;
    let rotated = desk_keys::rotate(&client, &boss.session.token, &boss.identity, &state)
        .await
        .unwrap();
    assert_eq!(rotated.key.key_version, 2);
    let receivers: Vec<&str> = rotated
        .receivers
        .iter()
        .map(|r| r.username.as_str())
        .collect();
    assert_eq!(
        receivers,
        ["beto", "sofia"],
        "granted to the vetted, not to the disabled"
    );
    assert_eq!(client.desk("gt").await.unwrap().key_version, 2);
    let after = reporter::submit(&client, "gt", &form("después"), Language::Es, None, |_| {})
        .await
        .unwrap();

    let store = server.store().await;
    let ciphertext = |id: &str| {
        let store = store.clone();
        let id = ReportId::parse(id).unwrap();
        async move {
            crate::harness::find_report(&store, &id)
                .await
                .unwrap()
                .ciphertext
        }
    };
    let (old, new) = (ciphertext(&before.id).await, ciphertext(&after.id).await);

    // The disabled worker's key opens the old grant only: not the new report.
    let ana_account = store
        .desk(&"gt".parse_slug_for_test())
        .account(&resguardo::domain::Username::parse("ana").unwrap())
        .await
        .unwrap()
        .unwrap();
    let ana_v1 = store.sign_in().proven(&ana_account).grants().await.unwrap();
    assert_eq!(
        ana_v1.len(),
        1,
        "no grant of the new key for the disabled account"
    );
    let ana_desk_v1 = seal::open(&ana.identity, ana_v1[0].wrapped_key.as_bytes()).unwrap();
    let ana_desk_v1: age::x25519::Identity = std::str::from_utf8(&ana_desk_v1)
        .unwrap()
        .trim()
        .parse()
        .unwrap();
    assert!(seal::open(&ana_desk_v1, old.as_bytes()).is_ok());
    assert!(
        seal::open(&ana_desk_v1, new.as_bytes()).is_err(),
        "the new report is closed to her"
    );

    // The remaining worker reads both.
    let beto_keys = crate::workers::desk_identities(&client, &beto.session.token, &beto.identity)
        .await
        .unwrap();
    assert_eq!(
        beto_keys.iter().map(|(v, _)| *v).collect::<Vec<_>>(),
        [1, 2]
    );
    assert!(beto_keys
        .iter()
        .any(|(_, k)| seal::open(k, old.as_bytes()).is_ok()));
    assert!(beto_keys
        .iter()
        .any(|(_, k)| seal::open(k, new.as_bytes()).is_ok()));
    assert_eq!(
        crate::harness::find_report(&store, &ReportId::parse(&after.id).unwrap())
            .await
            .unwrap()
            .key_version,
        2
    );
}

trait SlugForTest {
    fn parse_slug_for_test(&self) -> resguardo::domain::DeskSlug;
}

impl SlugForTest for str {
    fn parse_slug_for_test(&self) -> resguardo::domain::DeskSlug {
        resguardo::domain::DeskSlug::parse(self).unwrap()
    }
}

crate::on_both_backends!(two_supervisors_must_approve);

/// `supervisor` vets `user` after typing `number`: the account's status, approvals and approvals needed.
async fn vet_as(
    client: &resguardo::client::ApiClient,
    supervisor: &resguardo::client::worker::Login,
    user: &str,
    number: &str,
) -> Result<(AccountStatus, i64, i64), resguardo::client::ClientError> {
    let vetted = crate::workers::vet(client, supervisor, user, number).await?;
    let outcome = vetted.outcome;
    Ok((outcome.status, outcome.approvals, outcome.required))
}

/// With `vetting.approvals_required = 2`, a desk's single supervisor still vets alone (someone must
/// vet the second supervisor); from then on a new worker gets the desk key only after a second,
/// distinct supervisor approves; the first approval stores no key material.
async fn two_supervisors_must_approve(backend: Backend) {
    let Some(server) =
        TestServer::start_with(backend, &[("RESGUARDO__VETTING__APPROVALS_REQUIRED", "2")]).await
    else {
        return;
    };
    let client = server.client();
    // The single supervisor vets Ana alone.
    let (sofia, ana) = crate::triage::staffed_desk(&server, &client, "gt").await;
    assert_eq!(
        client.whoami(&ana.session.token).await.unwrap().status,
        AccountStatus::Vetted
    );
    let (rosa, rosa_fp) =
        account(&client, "gt", &invite(&server, "gt", "supervisor"), "rosa").await;
    let vetted = vet_as(&client, &sofia, "rosa", &rosa_fp).await.unwrap();
    assert_eq!(vetted, (AccountStatus::Vetted, 1, 1));

    // Two supervisors now: Sofia's approval of Beto is recorded, nothing is granted.
    let (beto, beto_fp) = account(&client, "gt", &invite(&server, "gt", "worker"), "beto").await;
    let first = vet_as(&client, &sofia, "beto", &beto_fp).await.unwrap();
    assert_eq!(first, (AccountStatus::Pending, 1, 2));
    assert_eq!(
        client.whoami(&beto.session.token).await.unwrap().status,
        AccountStatus::Pending
    );
    assert!(client.grants(&beto.session.token).await.unwrap().is_empty());
    let listed = client.accounts(&rosa.session.token).await.unwrap();
    let listed_beto = listed.iter().find(|a| a.username == "beto").unwrap();
    assert_eq!(listed_beto.approved_by, ["sofia"]);

    // The same supervisor cannot count twice.
    let again = vet_as(&client, &sofia, "beto", &beto_fp)
        .await
        .err()
        .unwrap();
    assert_eq!(again.problem_slug(), Some("key-conflict"), "{again}");
    assert!(again.to_string().contains("another supervisor"), "{again}");

    // Rosa, checking the safety number herself, completes the vetting; Beto reads reports.
    let wrong = vet_as(&client, &rosa, "beto", "1234").await.err().unwrap();
    assert!(wrong.to_string().contains("does not match"), "{wrong}");
    let second = vet_as(&client, &rosa, "beto", &beto_fp).await.unwrap();
    assert_eq!(second, (AccountStatus::Vetted, 2, 2));
    let submitted = reporter::submit(
        &client,
        "gt",
        &form("dos firmas"),
        Language::Es,
        None,
        |_| {},
    )
    .await
    .unwrap();
    let keys = crate::workers::desk_identities(&client, &beto.session.token, &beto.identity)
        .await
        .unwrap();
    let case =
        resguardo::client::triage::open_case(&client, &beto.session.token, &keys, &submitted.id)
            .await
            .unwrap();
    assert!(
        case.report.is_some(),
        "the vetted worker decrypts the report"
    );

    let log = server.audit_rows().await;
    let actions: Vec<(&str, &str)> = log
        .iter()
        .filter(|r| r.entry.subject == "beto" && r.entry.action.starts_with("account."))
        .filter(|r| r.entry.action != "account.enrol" && r.entry.action != "account.totp_confirm")
        .map(|r| (r.entry.actor.as_str(), r.entry.action.as_str()))
        .collect();
    assert_eq!(
        actions,
        [("sofia", "account.approve"), ("rosa", "account.vet")]
    );

    // Sofia cannot disable Rosa to vet alone: that takes the server host's admin command, and
    // afterwards the bar stays at two approvals.
    let alone = client
        .disable(&sofia.session.token, "rosa")
        .await
        .err()
        .unwrap();
    assert_eq!(alone.problem_slug(), Some("forbidden"), "{alone}");
    assert!(alone.to_string().contains("admin disable"), "{alone}");
    let out = server
        .command()
        .args([
            "admin",
            "disable",
            "--desk",
            "gt",
            "--username",
            "rosa",
            "--json",
        ])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let disabled: Value = serde_json::from_slice(&out.stdout).unwrap();
    crate::docs::assert_cli_shape("admin disable", &disabled);
    assert_eq!(disabled["status"], "disabled");
    assert!(client.whoami(&rosa.session.token).await.is_err());
    let (_, carla_fp) = account(&client, "gt", &invite(&server, "gt", "worker"), "carla").await;
    let only_one = vet_as(&client, &sofia, "carla", &carla_fp).await.unwrap();
    assert_eq!(only_one, (AccountStatus::Pending, 1, 2));
    let nobody = server
        .command()
        .args(["admin", "disable", "--desk", "gt", "--username", "nadie"])
        .output()
        .unwrap();
    assert!(!nobody.status.success());
    assert!(String::from_utf8_lossy(&nobody.stderr).contains("no account nadie"));
    let log = server.audit_rows().await;
    assert!(log.iter().any(|r| (
        r.entry.actor.as_str(),
        r.entry.action.as_str(),
        r.entry.subject.as_str()
    ) == ("admin", "account.disable", "rosa")));
}

crate::on_both_backends!(supervisors_invite_to_their_own_desk);

/// A vetted supervisor makes an enrolment code for their own desk through the API (and the
/// terminal): a new account enrols with it, once; a worker cannot make one; the audit log holds
/// the role, never the code.
async fn supervisors_invite_to_their_own_desk(backend: Backend) {
    use resguardo::domain::Role;
    let Some(server) = TestServer::start(backend).await else {
        return;
    };
    let client = server.client();
    let (boss, ana) = crate::triage::staffed_desk(&server, &client, "gt").await;
    let made = client
        .invite(&boss.session.token, Role::Worker)
        .await
        .unwrap();
    assert_eq!((made.desk.as_str(), made.role), ("gt", Role::Worker));
    let (beto, _) = account(&client, "gt", &made.code, "beto").await;
    assert_eq!(beto.session.account.status, AccountStatus::Pending);
    let again = resguardo::client::worker::enrol(&client, "gt", &made.code, "carla", PASSWORD)
        .await
        .err()
        .unwrap();
    assert_eq!(again.problem_slug(), Some("invalid-enrolment-code"));
    let refused = client.invite(&ana.session.token, Role::Worker).await;
    assert_eq!(refused.err().unwrap().problem_slug(), Some("forbidden"));

    // From the terminal too, in the documented shape.
    let as_boss = server.terminal_of("gt", "sofia", &boss, &boss.identity);
    let out = crate::harness::run_with_input(
        as_boss(&["worker", "invite", "--role", "supervisor", "--json"]),
        "",
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let shown: Value = serde_json::from_slice(&out.stdout).unwrap();
    crate::docs::assert_cli_shape("worker invite", &shown);
    assert_eq!(shown["role"], "supervisor");

    let log = server.audit_rows().await;
    let invites: Vec<_> = (log.iter())
        .filter(|r| r.entry.action == "account.invite")
        .map(|r| (r.entry.actor.as_str(), r.entry.subject.as_str()))
        .collect();
    // staffed_desk's own invites come from the server host (`admin`).
    assert!(invites.contains(&("sofia", "worker")), "{invites:?}");
    assert!(invites.contains(&("sofia", "supervisor")), "{invites:?}");
    assert!(invites.contains(&("admin", "worker")), "{invites:?}");
    let code = shown["code"].as_str().unwrap();
    assert!(log.iter().all(|r| !r.entry.subject.contains(code)));
    assert!(log.iter().all(|r| !r.entry.subject.contains(&made.code)));
}
