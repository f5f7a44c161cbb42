//! Case-worker accounts end to end: invitation, enrolment, TOTP, login, sessions, logout, and the
//! ways logins fail — all alike, slowed down, never locked for good.

use std::io::{BufRead, BufReader, Write};
use std::process::Stdio;
use std::time::Duration;

use resguardo::client::worker;
use resguardo::crypto::totp::TotpSecret;
use resguardo::domain::base32_decode;
use serde_json::Value;

use crate::harness::{run_with_input, Backend, TestServer};

crate::on_both_backends!(enrol_confirm_login_logout);

pub const PASSWORD: &str = "caballo correcto batería grapa";

/// A login request for desk `gt` with the auth key of `keys`.
fn login_body(keys: &resguardo::crypto::password::PasswordKeys, user: &str, totp: &str) -> Value {
    serde_json::json!({
        "desk": "gt", "username": user, "totp": totp,
        "auth_key": resguardo::domain::b64_encode(keys.auth_key.expose()),
    })
}

/// A one-time code from `resguardo admin invite`.
pub fn invite(server: &TestServer, desk: &str, role: &str) -> String {
    let out = server
        .command()
        .args(["admin", "invite", "--desk", desk, "--role", role, "--json"])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let answer: Value = serde_json::from_slice(&out.stdout).unwrap();
    crate::docs::assert_cli_shape("admin invite", &answer);
    answer["code"].as_str().unwrap().to_owned()
}

/// The code an authenticator app would show for `uri`, `ahead` steps from now.
pub fn totp_code(uri: &str, ahead: i64) -> String {
    let secret = uri
        .split("secret=")
        .nth(1)
        .unwrap()
        .split('&')
        .next()
        .unwrap();
    let bytes: [u8; 20] = base32_decode(secret).unwrap().try_into().unwrap();
    let step = resguardo::time::now_secs() / 30 + ahead;
    let code = TotpSecret::from_bytes(bytes).code_at(u64::try_from(step).unwrap());
    code.as_str().to_owned()
}

async fn enrol_confirm_login_logout(backend: Backend) {
    let Some(server) = TestServer::start(backend).await else {
        return;
    };
    server.create_keyless_desk("gt");
    let client = server.client();
    let code = invite(&server, "gt", "worker");

    // The password policy is checked on the device, before anything is sent.
    let weak = worker::enrol(&client, "gt", &code, "ana", "corto")
        .await
        .err()
        .unwrap();
    assert!(weak.to_string().contains("too short"), "{weak}");

    let account = worker::enrol(&client, "gt", &code, "ana", PASSWORD)
        .await
        .unwrap();
    assert_eq!(account.enrolled.desk, "gt");
    let uri = account.enrolled.totp_uri.clone();
    assert!(uri.starts_with("otpauth://totp/Resguardo%20gt:ana?secret="));

    // The code works once; a code for another desk does not work here.
    let reused = worker::enrol(&client, "gt", &code, "beto", PASSWORD)
        .await
        .err()
        .unwrap();
    assert_eq!(reused.problem_slug(), Some("invalid-enrolment-code"));
    server.create_keyless_desk("hn");
    let hn_code = invite(&server, "hn", "worker");
    let elsewhere = worker::enrol(&client, "gt", &hn_code, "beto", PASSWORD)
        .await
        .err()
        .unwrap();
    assert_eq!(elsewhere.problem_slug(), Some("invalid-enrolment-code"));

    // No login before the authenticator is confirmed.
    let early = worker::login(&client, "gt", "ana", PASSWORD, &totp_code(&uri, 0))
        .await
        .err()
        .unwrap();
    assert_eq!(early.problem_slug(), Some("login-failed"));
    worker::confirm_totp(&client, "gt", "ana", PASSWORD, &totp_code(&uri, 0))
        .await
        .unwrap();

    // Wrong password, unknown user, wrong code: one and the same answer.
    let http = reqwest::Client::new();
    let url = format!("{}/api/v1/sessions", server.url);
    let mut answers = vec![];
    for (user, password, totp) in [
        ("ana", "otra contraseña larga", totp_code(&uri, 0)),
        ("nadie", PASSWORD, totp_code(&uri, 0)),
        ("ana", PASSWORD, "000000".to_owned()),
    ] {
        let keys = worker::derive(password, &"gt".parse_slug(), &user.parse_user())
            .await
            .unwrap();
        let body = login_body(&keys, user, &totp);
        let response = http.post(&url).json(&body).send().await.unwrap();
        answers.push((response.status().as_u16(), response.text().await.unwrap()));
    }
    assert!(answers.iter().all(|a| a == &answers[0]), "{answers:?}");
    assert_eq!(answers[0].0, 401);

    // The right credentials: a session, and the worker's identity unlocked on the device.
    let used_code = totp_code(&uri, 1);
    let login = worker::login(&client, "gt", "ana", PASSWORD, &used_code)
        .await
        .unwrap();
    assert_eq!(
        login.identity.to_public().to_string(),
        account.recipient.as_str()
    );
    let token = login.session.token.clone();
    let me = client.whoami(&token).await.unwrap();
    assert_eq!((me.desk.as_str(), me.username.as_str()), ("gt", "ana"));

    // A TOTP code works once (the very same code, whatever the clock did meanwhile).
    let replay = worker::login(&client, "gt", "ana", PASSWORD, &used_code)
        .await
        .err()
        .unwrap();
    assert_eq!(replay.problem_slug(), Some("login-failed"));

    // Logout ends the session at once; a made-up token never worked.
    client.logout(&token).await.unwrap();
    assert_eq!(
        client.whoami(&token).await.err().unwrap().problem_slug(),
        Some("unauthorized")
    );
    let forged = resguardo::domain::Secret32::random().to_text();
    assert_eq!(
        client.whoami(&forged).await.err().unwrap().problem_slug(),
        Some("unauthorized")
    );

    // The server stored an Argon2id PHC of the auth key, not the key, and a sealed TOTP secret.
    let stored = server.store().await;
    let ana = stored
        .desk(&"gt".parse_slug())
        .account(&"ana".parse_user())
        .await
        .unwrap()
        .unwrap();
    assert!(ana.auth_hash.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"));
    assert!(!uri.contains(&resguardo::domain::base32_encode(&ana.totp_sealed)));
    // Neither appears where an account is printed for debugging (a log line, a panic).
    let printed = format!("{ana:?}");
    assert!(printed.contains("ana"), "{printed}");
    assert!(!printed.contains(&ana.auth_hash), "{printed}");
    assert!(!printed.contains("argon2"), "{printed}");
    assert!(
        !printed.contains(&format!("{:?}", ana.totp_sealed)),
        "{printed}"
    );
}

trait ParseHelpers {
    fn parse_slug(&self) -> resguardo::domain::DeskSlug;
    fn parse_user(&self) -> resguardo::domain::Username;
}

impl ParseHelpers for str {
    fn parse_slug(&self) -> resguardo::domain::DeskSlug {
        resguardo::domain::DeskSlug::parse(self).unwrap()
    }
    fn parse_user(&self) -> resguardo::domain::Username {
        resguardo::domain::Username::parse(self).unwrap()
    }
}

/// Failed logins slow the name down — the same for names that do not exist — and the owner gets
/// in after the wait.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn failures_back_off_without_locking_out() {
    let config = [
        ("RESGUARDO__ACCOUNTS__FREE_FAILURES", "2"),
        ("RESGUARDO__ACCOUNTS__MAX_BACKOFF_SECS", "4"),
    ];
    let Some(server) = TestServer::start_with(Backend::Sqlite, &config).await else {
        return;
    };
    server.create_keyless_desk("gt");
    let client = server.client();
    let code = invite(&server, "gt", "worker");
    let account = worker::enrol(&client, "gt", &code, "ana", PASSWORD)
        .await
        .unwrap();
    let uri = account.enrolled.totp_uri;
    worker::confirm_totp(&client, "gt", "ana", PASSWORD, &totp_code(&uri, 0))
        .await
        .unwrap();

    // Keys derived once, so the attempts follow each other quickly.
    let keys = worker::derive(
        "una contraseña equivocada",
        &"gt".parse_slug(),
        &"ana".parse_user(),
    )
    .await
    .unwrap();
    let http = reqwest::Client::new();
    for user in ["ana", "nadie"] {
        let body = login_body(&keys, user, "123456");
        let mut statuses = vec![];
        for _ in 0..4 {
            let response = http
                .post(format!("{}/api/v1/sessions", server.url))
                .json(&body)
                .send()
                .await
                .unwrap();
            statuses.push(response.status().as_u16());
            if response.status() == 429 {
                assert!(response.headers().contains_key("retry-after"));
            }
        }
        assert_eq!(
            statuses,
            [401, 401, 429, 429],
            "{user}: the same for a name that does not exist"
        );
    }
    tokio::time::sleep(Duration::from_millis(2100)).await;
    worker::login(&client, "gt", "ana", PASSWORD, &totp_code(&uri, 1))
        .await
        .unwrap();
}

/// The whole path through the command line, with a session file in a private directory.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn worker_cli_enrol_login_whoami_logout() {
    let Some(server) = TestServer::start(Backend::Sqlite).await else {
        return;
    };
    server.create_keyless_desk("gt");
    let code = invite(&server, "gt", "supervisor");
    let home = server.dir.path().join("home");

    let (uri, enrolled) = cli_enrol(&server, &home, "gt", &code, "sofia");
    assert_eq!(
        (enrolled["role"].as_str(), enrolled["status"].as_str()),
        (Some("supervisor"), Some("pending"))
    );
    assert_eq!(enrolled["fingerprint"].as_str().unwrap().len(), 39);

    assert_eq!(
        enrolled["first_supervisor"], true,
        "a new desk: she makes its key"
    );

    // `--code` still works for scripts; a used code is refused whichever way it came.
    let mut cmd = server.command();
    cmd.env("RESGUARDO_HOME", server.dir.path().join("other"));
    cmd.args(["worker", "enrol", "--server", &server.url, "--desk", "gt"]);
    cmd.args(["--code", &code]);
    let out = run_with_input(cmd, &format!("otra\n{PASSWORD}\n{PASSWORD}\n"));
    assert_eq!(out.status.code(), Some(1));
    let said = String::from_utf8_lossy(&out.stderr);
    assert!(said.contains("unknown, used or expired"), "{said}");

    // The code that confirmed the app is spent: the CLI says so before sending anything.
    // Retype the very code enrolment used (recomputing it could cross a 30-second step).
    let used: Value =
        serde_json::from_slice(&std::fs::read(home.join("used-code.json")).unwrap()).unwrap();
    let used = used["code"].as_str().unwrap().to_owned();
    let mut cmd = server.command();
    cmd.env("RESGUARDO_HOME", &home);
    cmd.args(["worker", "login", "--server", &server.url, "--desk", "gt"]);
    cmd.args(["--username", "sofia"]);
    let out = run_with_input(cmd, &format!("{PASSWORD}\n{used}\n"));
    assert_eq!(out.status.code(), Some(1));
    let said = String::from_utf8_lossy(&out.stderr);
    assert!(
        said.contains("works only once") && said.contains("next one"),
        "{said}"
    );

    // Login saves a private session; whoami uses it; logout forgets it.
    let mut cmd = server.command();
    cmd.env("RESGUARDO_HOME", &home);
    cmd.args([
        "worker",
        "login",
        "--server",
        &server.url,
        "--desk",
        "gt",
        "--username",
        "sofia",
        "--json",
    ]);
    let out = run_with_input(cmd, &format!("{PASSWORD}\n{}\n", totp_code(&uri, 1)));
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let logged_in: Value = serde_json::from_slice(&out.stdout).unwrap();
    crate::docs::assert_cli_shape("worker login", &logged_in);
    let session = home.join("session.json");
    use std::os::unix::fs::PermissionsExt;
    assert_eq!(
        std::fs::metadata(&session).unwrap().permissions().mode() & 0o777,
        0o600
    );
    assert!(!std::fs::read_to_string(&session)
        .unwrap()
        .contains(PASSWORD));

    let whoami = server
        .command()
        .env("RESGUARDO_HOME", &home)
        .args(["worker", "whoami", "--json"])
        .output()
        .unwrap();
    let me: Value = serde_json::from_slice(&whoami.stdout).unwrap();
    crate::docs::assert_cli_shape("worker whoami", &me);
    assert_eq!(
        (me["username"].as_str(), me["role"].as_str()),
        (Some("sofia"), Some("supervisor"))
    );

    let out = server
        .command()
        .env("RESGUARDO_HOME", &home)
        .args(["worker", "logout"])
        .output()
        .unwrap();
    assert!(out.status.success());
    assert!(!session.exists());
    let out = server
        .command()
        .env("RESGUARDO_HOME", &home)
        .args(["worker", "whoami"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("not logged in"));
    // The password never reached the server: not its output, not a byte of its data directory.
    assert!(!server.logs().contains(PASSWORD));
    for (path, bytes) in crate::harness::files_under(&server.data_dir()) {
        assert!(
            !crate::harness::contains(&bytes, PASSWORD.as_bytes()),
            "{}",
            path.display()
        );
    }
}

/// Enrols through `resguardo worker enrol`, answering its prompts as a person would: the
/// enrolment code (never on the command line), user name, password twice, then the code of the
/// TOTP URI it shows. Returns the URI and the JSON answer.
pub fn cli_enrol(
    server: &TestServer,
    home: &std::path::Path,
    desk: &str,
    code: &str,
    username: &str,
) -> (String, Value) {
    let mut child = server
        .command()
        .env("RESGUARDO_HOME", home)
        .args([
            "worker",
            "enrol",
            "--server",
            &server.url,
            "--desk",
            desk,
            "--json",
        ])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdin = child.stdin.take().unwrap();
    writeln!(stdin, "{code}\n{username}\n{PASSWORD}\n{PASSWORD}").unwrap();
    let mut stderr = BufReader::new(child.stderr.take().unwrap());
    let mut seen = String::new();
    let mut uri = None;
    let mut line = String::new();
    while uri.is_none() && stderr.read_line(&mut line).unwrap() > 0 {
        if let Some(found) = line.trim().strip_prefix("otpauth://") {
            uri = Some(format!("otpauth://{found}"));
        }
        seen.push_str(&line);
        line.clear();
    }
    let uri = uri.unwrap_or_else(|| panic!("the TOTP URI is shown; got:\n{seen}"));
    writeln!(stdin, "{}", totp_code(&uri, 0)).unwrap();
    drop(stdin);
    let mut rest = String::new();
    std::io::Read::read_to_string(&mut stderr, &mut rest).unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(out.status.success(), "{seen}{rest}");
    let enrolled: Value = serde_json::from_slice(&out.stdout).unwrap();
    crate::docs::assert_cli_shape("worker enrol", &enrolled);
    (uri, enrolled)
}

/// A wrong password for a real account and any password for an unknown one cost the same server
/// time (the unknown one is checked against a dummy Argon2 hash): median gap under 5 ms.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn unknown_and_known_users_take_the_same_time() {
    use std::time::Instant;
    let config = [("RESGUARDO__ACCOUNTS__FREE_FAILURES", "100000")];
    let Some(server) = TestServer::start_with(Backend::Sqlite, &config).await else {
        return;
    };
    server.create_keyless_desk("gt");
    let client = server.client();
    worker::enrol(
        &client,
        "gt",
        &invite(&server, "gt", "worker"),
        "ana",
        PASSWORD,
    )
    .await
    .unwrap();
    let keys = worker::derive(
        "una contraseña equivocada",
        &"gt".parse_slug(),
        &"ana".parse_user(),
    )
    .await
    .unwrap();
    let http = reqwest::Client::new();
    let attempt = |user: &'static str| {
        let body = login_body(&keys, user, "123456");
        let (http, url) = (http.clone(), format!("{}/api/v1/sessions", server.url));
        async move {
            let started = Instant::now();
            let response = http.post(url).json(&body).send().await.unwrap();
            assert_eq!(response.status(), 401);
            started.elapsed()
        }
    };
    let (mut known, mut unknown) = (vec![], vec![]);
    for _ in 0..60 {
        known.push(attempt("ana").await);
        unknown.push(attempt("nadie").await);
    }
    known.sort();
    unknown.sort();
    let (a, b) = (known[30], unknown[30]);
    eprintln!("median login failure: known user {a:?}, unknown user {b:?}");
    assert!(
        a.abs_diff(b) < Duration::from_millis(5),
        "median gap {:?}",
        a.abs_diff(b)
    );
}

/// A hundred wrong passwords in a row are all refused, with the wait growing to its cap; the
/// owner still gets in once the wait is over.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_hundred_wrong_passwords_never_lock_the_owner_out() {
    let config = [
        ("RESGUARDO__ACCOUNTS__FREE_FAILURES", "3"),
        ("RESGUARDO__ACCOUNTS__MAX_BACKOFF_SECS", "2"),
    ];
    let Some(server) = TestServer::start_with(Backend::Sqlite, &config).await else {
        return;
    };
    server.create_keyless_desk("gt");
    let client = server.client();
    let account = worker::enrol(
        &client,
        "gt",
        &invite(&server, "gt", "worker"),
        "ana",
        PASSWORD,
    )
    .await
    .unwrap();
    let uri = account.enrolled.totp_uri;
    worker::confirm_totp(&client, "gt", "ana", PASSWORD, &totp_code(&uri, 0))
        .await
        .unwrap();
    let keys = worker::derive(
        "una contraseña equivocada",
        &"gt".parse_slug(),
        &"ana".parse_user(),
    )
    .await
    .unwrap();
    let body = login_body(&keys, "ana", "123456");
    let http = reqwest::Client::new();
    let (mut refused, mut waits) = (0, vec![]);
    for _ in 0..100 {
        let response = http
            .post(format!("{}/api/v1/sessions", server.url))
            .json(&body)
            .send()
            .await
            .unwrap();
        match response.status().as_u16() {
            401 => refused += 1,
            429 => waits.push(
                response.headers()["retry-after"]
                    .to_str()
                    .unwrap()
                    .parse::<u64>()
                    .unwrap(),
            ),
            other => panic!("unexpected {other}"),
        }
    }
    assert_eq!(refused + waits.len(), 100, "every wrong attempt is refused");
    assert!(
        waits.len() >= 90,
        "after the free failures the account is slowed down ({} waits)",
        waits.len()
    );
    assert!(
        waits.iter().all(|w| (1..=2).contains(w)),
        "waits stay within the cap: {waits:?}"
    );
    tokio::time::sleep(Duration::from_millis(2100)).await;
    worker::login(&client, "gt", "ana", PASSWORD, &totp_code(&uri, 1))
        .await
        .unwrap();
}

/// What the worker's client sends, captured between it and the server: the password is in none of
/// it, in any encoding — only the auth key derived from it.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_password_never_leaves_the_device() {
    use std::io::{Read, Write};
    use std::sync::{Arc, Mutex};
    let Some(server) = TestServer::start(Backend::Sqlite).await else {
        return;
    };
    server.create_keyless_desk("gt");
    let code = invite(&server, "gt", "worker");

    // A recording proxy on a free port, one thread per direction per connection.
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let proxy = format!("http://{}", listener.local_addr().unwrap());
    let upstream = server.url.trim_start_matches("http://").to_owned();
    let captured = Arc::new(Mutex::new(Vec::<u8>::new()));
    let sink = captured.clone();
    std::thread::spawn(move || {
        for client in listener.incoming().flatten() {
            let server = std::net::TcpStream::connect(&upstream).unwrap();
            for (mut from, mut to, record) in [
                (
                    client.try_clone().unwrap(),
                    server.try_clone().unwrap(),
                    true,
                ),
                (server, client, false),
            ] {
                let sink = sink.clone();
                std::thread::spawn(move || {
                    let mut buffer = [0u8; 8192];
                    while let Ok(n) = from.read(&mut buffer) {
                        if n == 0 || to.write_all(&buffer[..n]).is_err() {
                            break;
                        }
                        if record {
                            sink.lock().unwrap().extend_from_slice(&buffer[..n]);
                        }
                    }
                    let _ = to.shutdown(std::net::Shutdown::Both);
                });
            }
        }
    });

    let client = resguardo::client::ApiClient::new(&proxy).unwrap();
    let account = worker::enrol(&client, "gt", &code, "ana", PASSWORD)
        .await
        .unwrap();
    let uri = account.enrolled.totp_uri;
    worker::confirm_totp(&client, "gt", "ana", PASSWORD, &totp_code(&uri, 0))
        .await
        .unwrap();
    worker::login(&client, "gt", "ana", PASSWORD, &totp_code(&uri, 1))
        .await
        .unwrap();

    let sent = captured.lock().unwrap().clone();
    assert!(
        crate::harness::contains(&sent, b"auth_key"),
        "the capture saw the requests"
    );
    for form in crate::canary::forms_of(PASSWORD) {
        assert!(
            !crate::harness::contains(&sent, &form),
            "the password left the device"
        );
    }
}

/// Enrols, confirms and logs in `username` with `code`; returns the login and the safety number.
pub async fn enrolled_account(
    client: &resguardo::client::ApiClient,
    desk: &str,
    code: &str,
    username: &str,
) -> (worker::Login, String) {
    let enrolled = worker::enrol(client, desk, code, username, PASSWORD)
        .await
        .unwrap();
    let uri = enrolled.enrolled.totp_uri.clone();
    let code = totp_code(&uri, 0);
    worker::confirm_totp(client, desk, username, PASSWORD, &code)
        .await
        .unwrap();
    eprintln!(
        "{username} confirmed with {code} at {}",
        resguardo::time::now_secs()
    );
    let code = totp_code(&uri, 1);
    let login = worker::login(client, desk, username, PASSWORD, &code)
        .await
        .unwrap_or_else(|e| {
            panic!(
                "{username} login with {code} at {}: {e}",
                resguardo::time::now_secs()
            )
        });
    (login, enrolled.safety_number().to_string())
}

/// The pins of a device that trusts the desk root `root`: the identity of the desk's first
/// supervisor, whose account number the desk gives everyone who enrols.
pub fn root_pins(root: &age::x25519::Identity) -> resguardo::crypto::chain::Pins {
    let recipient = resguardo::domain::Recipient::from(root.to_public());
    resguardo::crypto::chain::Pins {
        root: resguardo::domain::Fingerprint::of_account(
            &recipient,
            &resguardo::crypto::signing::public_of(root),
        ),
        head: None,
    }
}

/// Pins that trust whatever genesis the server serves now. Only for tests about something else
/// than trust, which need a device's keys: tests of a lying server pin the real root.
pub async fn served_root_pins(
    client: &resguardo::client::ApiClient,
    token: &str,
) -> resguardo::crypto::chain::Pins {
    let served = resguardo::client::trust::served(client, token)
        .await
        .unwrap();
    genesis_pins(&served)
}

/// Pins for the root of a served chain: its genesis's account number, as a person would type it.
pub fn genesis_pins(
    served: &[resguardo::crypto::statement::Signed],
) -> resguardo::crypto::chain::Pins {
    use resguardo::crypto::statement::{Body, Statement};
    let genesis = Statement::decode(&served[0].statement, served[0].opening.as_ref()).unwrap();
    let Body::Genesis { recipient, .. } = &genesis.body else {
        panic!("the chain does not start with a genesis");
    };
    resguardo::crypto::chain::Pins {
        root: resguardo::domain::Fingerprint::of_account(recipient, &genesis.signer),
        head: None,
    }
}

/// How the device of `own`, with `pins`, sees its desk: the verified chain and the desk keys it
/// holds, checked against it (what every CLI command starts with).
pub async fn desk_view(
    client: &resguardo::client::ApiClient,
    token: &str,
    own: &age::x25519::Identity,
    pins: &resguardo::crypto::chain::Pins,
) -> Result<
    (
        resguardo::crypto::chain::DeskState,
        resguardo::protocol::grants::DeskKeys,
    ),
    resguardo::client::ClientError,
> {
    let me = client.whoami(token).await?;
    let desk = resguardo::domain::DeskSlug::parse(&me.desk).unwrap();
    let state = resguardo::client::trust::checked(client, token, &desk, pins).await?;
    let keys = resguardo::client::desk_keys::unlock(client, token, own, &state).await?;
    Ok((state, keys))
}

/// The desk identities `own` holds, unlocked on a device that trusts the served root.
pub async fn desk_identities(
    client: &resguardo::client::ApiClient,
    token: &str,
    own: &age::x25519::Identity,
) -> Result<Vec<(i64, age::x25519::Identity)>, resguardo::client::ClientError> {
    let pins = served_root_pins(client, token).await;
    Ok(desk_view(client, token, own, &pins).await?.1.identities)
}

/// `supervisor` vets `username` with the number typed, from a device that trusts the served
/// root (tests of a lying server use [`vet_pinned`]).
pub async fn vet(
    client: &resguardo::client::ApiClient,
    supervisor: &worker::Login,
    username: &str,
    typed: &str,
) -> Result<resguardo::client::desk_keys::Vetted, resguardo::client::ClientError> {
    let pins = served_root_pins(client, &supervisor.session.token).await;
    vet_pinned(client, supervisor, &pins, username, typed).await
}

/// `supervisor` vets `username` from a device with `pins`.
pub async fn vet_pinned(
    client: &resguardo::client::ApiClient,
    supervisor: &worker::Login,
    pins: &resguardo::crypto::chain::Pins,
    username: &str,
    typed: &str,
) -> Result<resguardo::client::desk_keys::Vetted, resguardo::client::ClientError> {
    let (token, own) = (&supervisor.session.token, &supervisor.identity);
    let (state, keys) = desk_view(client, token, own, pins).await?;
    resguardo::client::desk_keys::vet(client, token, own, &keys, &state, username, typed).await
}

/// [`desk_view`] of `login`'s device, trusting the served root, unwrapped.
pub async fn view(
    client: &resguardo::client::ApiClient,
    login: &worker::Login,
) -> (
    resguardo::crypto::chain::DeskState,
    resguardo::protocol::grants::DeskKeys,
) {
    let token = &login.session.token;
    let pins = served_root_pins(client, token).await;
    desk_view(client, token, &login.identity, &pins)
        .await
        .unwrap()
}

/// `login` writes a note on case `id`, signed, from a device that trusts the served root, as
/// `worker note` does.
pub async fn note(
    client: &resguardo::client::ApiClient,
    login: &worker::Login,
    id: &str,
    text: &str,
) -> Result<(), resguardo::client::ClientError> {
    let (state, _) = view(client, login).await;
    let token = &login.session.token;
    resguardo::client::triage::note(client, token, id, &login.identity, &state, text).await
}

/// `login` replies to case `id` from a device that trusts the served root, as `worker reply`
/// does: the case is opened, sealed if it has no seal and no reply yet, and the reply encrypted
/// to the reply key the seal vouches for.
pub async fn reply(
    client: &resguardo::client::ApiClient,
    login: &worker::Login,
    id: &str,
    text: &str,
) -> Result<(), resguardo::client::ClientError> {
    let (state, keys) = view(client, login).await;
    let token = &login.session.token;
    let mut case =
        resguardo::client::triage::open_case(client, token, &keys.identities, id).await?;
    resguardo::client::triage::reply(client, token, &login.identity, &state, &mut case, text).await
}

crate::on_both_backends!(a_password_change_rewraps_the_key_and_ends_sessions);

/// `worker password`, through the library: the same identity re-wrapped to the new password, the
/// server's verifier replaced, every session ended; a weak new password or a wrong current one
/// stops on the device.
async fn a_password_change_rewraps_the_key_and_ends_sessions(backend: Backend) {
    use resguardo::client::ClientError;
    let Some(server) = TestServer::start(backend).await else {
        return;
    };
    let client = server.client();
    let code = server.create_keyless_desk("gt");
    let enrolled = worker::enrol(&client, "gt", &code, "sofia", PASSWORD)
        .await
        .unwrap();
    let uri = enrolled.enrolled.totp_uri.clone();
    worker::confirm_totp(&client, "gt", "sofia", PASSWORD, &totp_code(&uri, 0))
        .await
        .unwrap();
    let login_step = resguardo::time::now_secs() / 30 + 1;
    let login = worker::login(&client, "gt", "sofia", PASSWORD, &totp_code(&uri, 1))
        .await
        .unwrap();
    // Each code works once, and the next one the server accepts is newer than the login's: wait
    // for the clock to reach the login's step, so that the code one step ahead is in the window
    // however long the password derivations take here.
    while resguardo::time::now_secs() / 30 < login_step {
        tokio::time::sleep(std::time::Duration::from_millis(500)).await;
    }
    let (wrapped, share) = (
        login.session.wrapped_identity.clone(),
        login.session.unlock_share.clone(),
    );
    let new = "otra frase larga para la mesa";
    let change = |current: &'static str, new: &'static str| {
        let (client, uri) = (&client, uri.clone());
        let (wrapped, share) = (wrapped.clone(), share.clone());
        async move {
            let totp = totp_code(&uri, 1);
            let wrapped = worker::Wrapped {
                identity_b64: &wrapped,
                share_b64: share.as_deref(),
            };
            worker::change_password(client, "gt", "sofia", current, &totp, new, &wrapped).await
        }
    };
    let weak = change(PASSWORD, "corta").await;
    assert!(matches!(weak, Err(ClientError::Usage(_))), "weak");
    let wrong = change("no es la contraseña de sofia", new).await;
    assert!(matches!(wrong, Err(ClientError::Usage(_))), "wrong current");
    change(PASSWORD, new).await.unwrap();

    let ended = client.whoami(&login.session.token).await.err().unwrap();
    assert_eq!(ended.problem_slug(), Some("unauthorized"));
    let stored = server
        .blobs("SELECT wrapped_identity FROM accounts WHERE username = 'sofia'")
        .await;
    let stored = resguardo::domain::b64_encode(&stored[0]);
    // The share stays the account's: the login answer's share opens the new wrapping.
    let reopen = |password| {
        let (stored, share) = (stored.clone(), share.clone());
        async move {
            let wrapped = worker::Wrapped {
                identity_b64: &stored,
                share_b64: share.as_deref(),
            };
            worker::unlock("gt", "sofia", password, &wrapped).await
        }
    };
    let reopened = reopen(new).await.unwrap();
    assert_eq!(
        reopened.to_public().to_string(),
        login.identity.to_public().to_string()
    );
    assert!(reopen(PASSWORD).await.is_err());
    let hash_sql = match server.backend {
        Backend::Sqlite => "SELECT CAST(auth_hash AS BLOB) FROM accounts WHERE username = 'sofia'",
        Backend::Postgres => {
            "SELECT convert_to(auth_hash, 'UTF8') FROM accounts WHERE username = 'sofia'"
        }
    };
    let hash = String::from_utf8(server.blobs(hash_sql).await.remove(0)).unwrap();
    let (desk, user) = (
        resguardo::domain::DeskSlug::parse("gt").unwrap(),
        resguardo::domain::Username::parse("sofia").unwrap(),
    );
    // The verifier is of the auth key under the server's pepper (docs/protocol.md §6).
    let pepper = resguardo::crypto::keys::server_key(
        &server.server_secret(),
        "resguardo/server/v1/auth-pepper",
    );
    let auth = |password| {
        resguardo::crypto::password::derive(password, &desk, &user)
            .auth_key
            .peppered(&pepper)
    };
    assert!(resguardo::server::auth::verify_auth_key(&hash, &auth(new)));
    assert!(!resguardo::server::auth::verify_auth_key(
        &hash,
        &auth(PASSWORD)
    ));
}
