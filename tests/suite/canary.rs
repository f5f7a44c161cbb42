//! The zero-knowledge promise, tested: a canary typed into a report and a message through the CLI,
//! a canary in an attached file, and canary request metadata, never appear in anything the server
//! writes — its data directory (database, WAL, shared memory, keys, the attachments' blob store),
//! every PostgreSQL row, and its log output; nor do the upload's token or the file's key.

use rand::RngCore;

use crate::harness::{contains, files_under, run_with_input, Backend, TestServer};

crate::on_both_backends!(canary_never_reaches_the_server);

pub fn forms_of(canary: &str) -> Vec<Vec<u8>> {
    use base64::Engine as _;
    let b64 = base64::engine::general_purpose::STANDARD;
    let hex: String = canary.bytes().map(|b| format!("{b:02x}")).collect();
    vec![
        canary.as_bytes().to_vec(),
        b64.encode(canary).into_bytes(),
        b64.encode(&canary[1..]).into_bytes(), // other base64 alignments
        b64.encode(&canary[2..]).into_bytes(),
        hex.clone().into_bytes(),
        hex.to_uppercase().into_bytes(),
        canary
            .encode_utf16()
            .flat_map(|u| u.to_le_bytes())
            .collect(),
    ]
}

/// A secret byte string as raw bytes, base64 and hex (both cases).
pub fn binary_forms(bytes: &[u8]) -> Vec<Vec<u8>> {
    use base64::Engine as _;
    let hex: String = bytes.iter().map(|b| format!("{b:02x}")).collect();
    vec![
        bytes.to_vec(),
        base64::engine::general_purpose::STANDARD
            .encode(bytes)
            .into_bytes(),
        hex.clone().into_bytes(),
        hex.to_uppercase().into_bytes(),
    ]
}

pub fn new_canary() -> String {
    let mut bytes = [0u8; 32];
    rand::rngs::OsRng.fill_bytes(&mut bytes);
    format!(
        "CANARY{}",
        bytes.iter().map(|b| format!("{b:02x}")).collect::<String>()
    )
}

pub async fn all_pg_rows(db_url: &str) -> String {
    use sqlx::{Connection, Row};
    let mut conn = sqlx::PgConnection::connect(db_url).await.unwrap();
    let tables: Vec<String> = sqlx::query(
        "SELECT table_name::text FROM information_schema.tables WHERE table_schema = 'public'",
    )
    .fetch_all(&mut conn)
    .await
    .unwrap()
    .iter()
    .map(|r| r.get(0))
    .collect();
    assert!(tables.len() >= 5, "tables: {tables:?}");
    let mut all = String::new();
    for table in tables {
        for row in sqlx::query(&format!("SELECT t::text FROM \"{table}\" t"))
            .fetch_all(&mut conn)
            .await
            .unwrap()
        {
            all.push_str(&row.get::<String, _>(0));
            all.push('\n');
        }
    }
    all
}

async fn canary_never_reaches_the_server(backend: Backend) {
    let Some(mut server) = TestServer::start(backend).await else {
        return;
    };
    server.create_desk("gt");
    let report_canary = new_canary();
    let message_canary = new_canary();
    let header_canary = new_canary();

    // A report through the CLI, from a file.
    let report = server.dir.path().join("report.json");
    std::fs::write(
        &report,
        serde_json::json!({"kind": "sextortion", "narrative": format!("texto {report_canary} fin"), "safe_contact": report_canary}).to_string(),
    )
    .unwrap();
    let out = server
        .command()
        .args([
            "report",
            "submit",
            "--server",
            &server.url,
            "--desk",
            "gt",
            "--json",
            "--file",
        ])
        .arg(&report)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let receipt: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let phrase = receipt["receipt_phrase"].as_str().unwrap().to_owned();
    std::fs::remove_file(&report).unwrap();

    // A follow-up message through the CLI: the phrase, then the message, on standard input.
    let mut cmd = server.command();
    cmd.args([
        "report",
        "followup",
        "--server",
        &server.url,
        "--json",
        "--write",
    ]);
    let out = run_with_input(cmd, &format!("{phrase}\n{message_canary}\n"));
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let case: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    crate::docs::assert_cli_shape("report followup", &case);
    assert_eq!(case["messages"][0]["text"], message_canary.as_str());

    // An attachment through the API, the file carrying a canary: only its ciphertext is stored.
    let attachment_canary = new_canary();
    let keys = resguardo::crypto::receipt::ReceiptPhrase::parse(&phrase)
        .unwrap()
        .derive();
    let sealed = crate::attachments::seal(format!("foto {attachment_canary} fin").as_bytes());
    let upload = crate::attachments::upload(&server, &keys, &sealed).await;
    let file_key =
        age::secrecy::ExposeSecret::expose_secret(&sealed.identity.to_string()).to_owned();

    // Request metadata a careless server would log.
    let http = reqwest::Client::new();
    for path in ["/api/v1/pow", "/api/v1/desks/gt", "/nowhere"] {
        http.get(format!("{}{path}", server.url))
            .header("User-Agent", &header_canary)
            .header("Accept-Language", &header_canary)
            .header("Referer", format!("https://{header_canary}.example/"))
            .header("X-Forwarded-For", "203.0.113.77")
            .send()
            .await
            .unwrap();
    }

    server.stop();
    let mut written: Vec<(String, Vec<u8>)> = files_under(server.dir.path())
        .into_iter()
        .map(|(p, b)| (p.display().to_string(), b))
        .collect();
    written.push(("server output".into(), server.logs().into_bytes()));
    if backend == Backend::Postgres {
        written.push((
            "postgres rows".into(),
            all_pg_rows(&server.db_url).await.into_bytes(),
        ));
    }
    assert!(
        written.iter().any(|(p, _)| p.ends_with("resguardo.db")) || backend == Backend::Postgres
    );
    assert!(
        written
            .iter()
            .any(|(p, _)| p.contains(&format!("/blobs/{}/", upload.id))),
        "the attachment's parts are among the files searched"
    );

    let mut secrets = vec![
        ("report canary", report_canary),
        ("message canary", message_canary),
    ];
    secrets.push(("header canary", header_canary));
    secrets.push(("receipt phrase", phrase));
    secrets.push(("attachment canary", attachment_canary));
    secrets.push(("upload token", upload.token.clone()));
    secrets.push(("upload token", upload.token.replace('-', "")));
    secrets.push(("attachment key", file_key));
    for (what, secret) in &secrets {
        for form in forms_of(secret) {
            for (path, bytes) in &written {
                assert!(!contains(bytes, &form), "the {what} appears in {path}");
            }
        }
    }

    // What the phrase derives: the auth key and the reply secret are nowhere; the lookup and the
    // verifier are stored (as bytes) but never logged.
    let keys = resguardo::crypto::receipt::ReceiptPhrase::parse(&secrets[3].1)
        .unwrap()
        .derive();
    let reply_secret =
        age::secrecy::ExposeSecret::expose_secret(&keys.reply_identity.to_string()).to_owned();
    let mut never = binary_forms(keys.auth.expose());
    never.push(reply_secret.into_bytes());
    for form in &never {
        for (path, bytes) in &written {
            assert!(!contains(bytes, form), "a receipt secret appears in {path}");
        }
    }
    let logs = server.logs().into_bytes();
    for form in binary_forms(&keys.lookup.0)
        .iter()
        .chain(&binary_forms(&keys.auth.verifier().0))
    {
        assert!(
            !contains(&logs, form),
            "a receipt lookup or verifier appears in the logs"
        );
    }
    for address in ["127.0.0.1", "203.0.113.77"] {
        assert!(
            !server.logs().contains(address),
            "an address appears in the server output"
        );
    }
    // Every log line is JSON.
    for line in server.logs().lines() {
        assert!(
            serde_json::from_str::<serde_json::Value>(line).is_ok(),
            "not a JSON log line: {line}"
        );
    }
}

/// Stops the server, then checks that none of `secrets` (in any of its encodings) is in any file
/// it wrote, in its output, or (on PostgreSQL) in any row of its database.
pub async fn assert_never_written(server: &mut TestServer, secrets: &[(&str, String)]) {
    server.stop();
    let mut written: Vec<(String, Vec<u8>)> = files_under(server.dir.path())
        .into_iter()
        .map(|(p, b)| (p.display().to_string(), b))
        .collect();
    written.push(("server output".into(), server.logs().into_bytes()));
    if server.backend == Backend::Postgres {
        written.push((
            "postgres rows".into(),
            all_pg_rows(&server.db_url).await.into_bytes(),
        ));
    }
    for (what, value) in secrets {
        for form in forms_of(value) {
            for (path, bytes) in &written {
                assert!(!contains(bytes, &form), "the {what} appears in {path}");
            }
        }
    }
}
