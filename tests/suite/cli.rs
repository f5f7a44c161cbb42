//! The command line as a person uses it: keys, desks, configuration errors, and a reporter who
//! answers the interactive questions.

use std::os::unix::fs::PermissionsExt;
use std::process::Command;

use crate::harness::{run_in_terminal, run_with_input, Backend, TestServer, BIN};

crate::on_both_backends!(interactive_report_and_followup, admin_desks_and_migrate);

fn mode(path: &std::path::Path) -> u32 {
    std::fs::metadata(path).unwrap().permissions().mode() & 0o777
}

async fn interactive_report_and_followup(backend: Backend) {
    let Some(server) = TestServer::start(backend).await else {
        return;
    };
    let client = server.client();
    let (_, ana) = crate::triage::staffed_desk(&server, &client, "gt").await;

    // At a terminal, in Spanish (the default): the page's questions one by one, each answer
    // checked as it is given. A wrong answer is explained and asked again, nothing typed before
    // is lost; options are taken by number, by label without accents, or by a word of it.
    let answers = [
        "9",                      // what happened: not an option
        "extorsion por telefono", // … by its label, without accents
        "ayer",                   // when: not an option
        "esta semana",
        "Guatemala",
        "Me llaman desde un número de Honduras.",
        "Piden 5000 lempiras.",
        "",  // the story ends
        "1", // what the extortionist used: a phone
        "+504 9999 0000",
        "", // no other
        "seguridad, Asesoría legal",
        "",       // no safe contact
        "si",     // consent to referral
        "quizás", // statistics: neither yes nor no
        "no",
        "2",      // the codebook's questions: contacted by messages,
        "Dinero", // asked for money,
        "sí",     // paid,
        "",       // how: not said,
        "no",     // no gang named
    ];
    let submit = ["report", "submit", "--server", &server.url, "--desk", "gt"];
    let (ok, shown) = run_in_terminal(&server, &submit, &(answers.join("\n") + "\n"));
    assert!(ok, "{shown}");
    for asked in [
        "¿Qué pasó?",
        "¿Cuándo pasó?",
        "¿En qué país?",
        "Cuéntenos qué pasó",
    ] {
        assert!(shown.contains(asked), "asks {asked:?}: {shown}");
    }
    for refused in ["No entendí «9»", "No entendí «ayer»", "No entendí «quizás»"] {
        assert!(shown.contains(refused), "{refused}: {shown}");
    }
    assert!(shown.contains("Recibimos su reporte"), "{shown}");
    assert!(
        !shown.contains("What "),
        "no English at a Spanish terminal: {shown}"
    );
    // The phrase: the line of eight words of the Spanish list (shown normalised: no accents).
    let spanish: Vec<String> = (bip39::Language::Spanish.word_list().iter())
        .map(|w| resguardo::crypto::receipt::normalize(w).to_string())
        .collect();
    let is_spanish = |line: &str| {
        line.split(' ').count() == 8 && line.split(' ').all(|w| spanish.iter().any(|s| s == w))
    };
    let phrase = (shown.lines().map(str::trim))
        .find(|l| is_spanish(l))
        .unwrap_or_else(|| panic!("no phrase printed: {shown}"))
        .to_owned();

    // The desk reads exactly what was answered.
    let token = &ana.session.token;
    let keys = crate::workers::desk_identities(&client, token, &ana.identity)
        .await
        .unwrap();
    let inbox = client.inbox(token, None, false).await.unwrap();
    let case = resguardo::client::triage::open_case(&client, token, &keys, &inbox[0].id)
        .await
        .unwrap();
    let report: serde_json::Value = serde_json::from_slice(case.report.as_ref().unwrap()).unwrap();
    assert_eq!(report["kind"], "phone_extortion");
    assert_eq!(report["when"], "this_week");
    assert_eq!(report["country"], "GT");
    assert_eq!(
        report["narrative"],
        "Me llaman desde un número de Honduras.\nPiden 5000 lempiras."
    );
    assert_eq!(
        report["indicators"],
        serde_json::json!([{"type": "phone", "value": "+504 9999 0000"}])
    );
    assert_eq!(
        report["needs"],
        serde_json::json!(["digital_security", "legal"])
    );
    assert_eq!(report["consent_referral"], true);
    assert_eq!(report["consent_statistics"], false);
    assert_eq!(report["schema"], "resguardo.report.v2");
    assert_eq!(
        (&report["channel"], &report["demanded"], &report["paid"]),
        (
            &json_of("messaging"),
            &serde_json::json!(["money"]),
            &json_of("yes")
        )
    );
    assert!(report.get("payment_channel").is_none(), "{report}");
    assert_eq!(report["gang_claimed"], "no");

    // In English from a script (a pipe): the same questions, answered line by line.
    let mut cmd = server.command();
    cmd.args(submit).args(["--lang", "en"]);
    let answers =
        "1\n\ngt\nThey wrote on WhatsApp.\n\n\nlegal, digital_security\n\nyes\n\n\n\n\n\n\n";
    let out = run_with_input(cmd, answers);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("Security check: 100%"),
        "progress is shown, in the reporter's language"
    );
    assert!(stdout.contains("We received your report"), "{stdout}");
    let english = stdout
        .lines()
        .map(str::trim)
        .find(|l| l.split(' ').count() == 8)
        .expect("the phrase is printed")
        .to_owned();
    let words = bip39::Language::English.word_list();
    assert!(
        english.split(' ').all(|w| words.contains(&w)),
        "--lang en gives English words"
    );

    // Follow-up, at a terminal: the status in words and the desk's reply are shown first, then
    // the reporter is asked for a message, which is sent.
    let reply = "Gracias por escribir. ¿Está a salvo ahora?";
    crate::workers::reply(&client, &ana, &inbox[0].id, reply)
        .await
        .unwrap();
    let followup = ["report", "followup", "--server", &server.url, "--write"];
    let typed = format!("{}\nSí, gracias.\n\n", phrase.to_uppercase());
    let (ok, shown) = run_in_terminal(&server, &followup, &typed);
    assert!(ok, "{shown}");
    let status = shown.find("Estado: Recibido").expect(&shown);
    let replied = shown.find(reply).expect(&shown);
    let asked = shown.find("Escribir a la mesa").expect(&shown);
    assert!(status < replied && replied < asked, "{shown}");
    assert!(shown.contains("Su mensaje fue enviado"), "{shown}");
    let case = resguardo::client::triage::open_case(&client, token, &keys, &inbox[0].id)
        .await
        .unwrap();
    assert_eq!(case.view.messages.len(), 2);

    // Follow-up in English with the phrase on stdin: status in words, no messages.
    let mut cmd = server.command();
    cmd.args([
        "report",
        "followup",
        "--server",
        &server.url,
        "--lang",
        "en",
    ]);
    let out = run_with_input(cmd, &format!("{english}\n"));
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(stdout.contains("Status: Received"), "{stdout}");
    assert!(stdout.contains("No messages yet."), "{stdout}");
    let phrase = english;

    // A mistyped word is named, and nothing is sent.
    let mut cmd = server.command();
    cmd.args(["report", "followup", "--server", &server.url]);
    let wrong = phrase.replacen(phrase.split(' ').next().unwrap(), "zzzz", 1);
    let out = run_with_input(cmd, &format!("{wrong}\n"));
    assert!(!out.status.success());
    assert!(
        String::from_utf8_lossy(&out.stderr)
            .contains("La palabra 1 no está en la lista: revísela."),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );

    // A bad answer to a question is explained, not a crash.
    let mut cmd = server.command();
    cmd.args(["report", "submit", "--server", &server.url, "--desk", "gt"]);
    let out = run_with_input(cmd, "9\n");
    assert_eq!(out.status.code(), Some(1));
    let said = String::from_utf8_lossy(&out.stderr);
    assert!(said.contains("No entendí «9»"), "{said}");
    assert!(
        said.contains("La entrada terminó antes de responder todo"),
        "{said}"
    );

    // An unknown desk is named as such.
    let file = server.dir.path().join("r.json");
    std::fs::write(&file, r#"{"kind":"other","narrative":"x"}"#).unwrap();
    let out = server
        .command()
        .args([
            "report",
            "submit",
            "--server",
            &server.url,
            "--desk",
            "nope",
            "--file",
        ])
        .arg(&file)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let said = String::from_utf8_lossy(&out.stderr);
    assert!(said.contains("Esta mesa ya no recibe reportes."), "{said}");
    assert!(
        !said.contains("no desk with this name"),
        "the server's English: {said}"
    );

    // A phrase of no case is said in the reporter's language, as the page says it; a language
    // without a catalogue is refused, naming those there are.
    let mut cmd = server.command();
    cmd.args([
        "report",
        "followup",
        "--server",
        &server.url,
        "--lang",
        "fr",
    ]);
    let other =
        resguardo::crypto::receipt::ReceiptPhrase::generate(resguardo::domain::Language::Fr);
    let out = run_with_input(cmd, &format!("{}\n", other.expose()));
    assert_eq!(out.status.code(), Some(1));
    let said = String::from_utf8_lossy(&out.stderr);
    assert!(
        said.contains("Aucun signalement ne correspond à cette phrase."),
        "{said}"
    );
    let mut cmd = server.command();
    cmd.args([
        "report",
        "followup",
        "--server",
        &server.url,
        "--lang",
        "de",
    ]);
    let out = run_with_input(cmd, "");
    let said = String::from_utf8_lossy(&out.stderr);
    assert!(said.contains("choose one of es, en, fr"), "{said}");

    // The README's example of a --file report, with `when` and `indicators`, is accepted as written.
    let readme =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/README.md")).unwrap();
    let example = readme
        .split("```json\n")
        .nth(1)
        .and_then(|rest| rest.split("```").next())
        .expect("README shows a --file example");
    std::fs::write(&file, example).unwrap();
    let out = server
        .command()
        .args(["report", "submit", "--server", &server.url, "--desk", "gt"])
        .arg("--file")
        .arg(&file)
        .arg("--json")
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let receipt = serde_json::from_slice(&out.stdout).unwrap();
    crate::docs::assert_cli_shape("report submit", &receipt);

    // Options spell values as the schema does; the hyphenated spelling is refused with the right one.
    let out = server
        .command()
        .args(["report", "submit", "--server", &server.url, "--desk", "gt"])
        .args(["--kind", "phone-extortion"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("phone_extortion"),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

async fn admin_desks_and_migrate(backend: Backend) {
    let Some(server) = TestServer::start(backend).await else {
        return;
    };
    let out = server.command().arg("migrate").output().unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );

    let out = server
        .command()
        .args(["admin", "desk", "list"])
        .output()
        .unwrap();
    assert!(String::from_utf8_lossy(&out.stdout).contains("No desks yet"));
    let identity = server.create_desk("sv");
    let out = server
        .command()
        .args(["admin", "desk", "list", "--json"])
        .output()
        .unwrap();
    let list: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    crate::docs::assert_cli_shape("admin desk list", &list);
    assert_eq!(list[0]["slug"], "sv");
    assert_eq!(list[0]["recipient"], identity.to_public().to_string());
    assert_eq!(list[0]["key_version"], 1);
    // The desk's own page, for its leaflets, is served and is that desk's.
    assert_eq!(list[0]["page"], "/es/d/sv/");
    let page = server.page("/es/d/sv/").await;
    assert!(page.contains(r#"name="desk" value="sv""#));

    // The API shows the same desk.
    let desk = server.client().desk("sv").await.unwrap();
    assert_eq!(desk.fingerprint, list[0]["fingerprint"].as_str().unwrap());

    // Bad arguments are named.
    for (args, expected) in [
        (
            vec!["--slug", "SV", "--name", "x", "--recipient", "age1x"],
            "--slug",
        ),
        (
            vec!["--slug", "hn", "--name", "", "--recipient", "age1x"],
            "--name",
        ),
        (
            vec!["--slug", "hn", "--name", "x", "--recipient", "age1x"],
            "--recipient",
        ),
    ] {
        let out = server
            .command()
            .args(["admin", "desk", "create"])
            .args(&args)
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(1));
        assert!(
            String::from_utf8_lossy(&out.stderr).contains(expected),
            "{args:?}"
        );
    }
    let out = server.admin_desk_create("sv", &identity.to_public().to_string());
    assert!(String::from_utf8_lossy(&out.stderr).contains("already exists"));
}

#[test]
fn keygen_writes_a_private_key_once() {
    let dir = tempfile::tempdir().unwrap();
    let key = dir.path().join("keys/desk.key");
    let out = Command::new(BIN)
        .args(["keygen", "--output"])
        .arg(&key)
        .output()
        .unwrap();
    assert!(out.status.success());
    // Two lines on standard output: the recipient, then its safety number.
    let printed = String::from_utf8_lossy(&out.stdout).into_owned();
    let lines: Vec<&str> = printed.lines().collect();
    let recipient = lines[0].to_owned();
    assert!(recipient.starts_with("age1"));
    let parsed_key = resguardo::domain::Recipient::parse(&recipient).unwrap();
    assert_eq!(
        lines[1],
        format!("Safety number: {}", parsed_key.fingerprint())
    );
    assert_eq!(mode(&key), 0o600);
    let text = std::fs::read_to_string(&key).unwrap();
    assert!(text.contains(&recipient) && text.contains("AGE-SECRET-KEY-1"));
    assert!(
        !String::from_utf8_lossy(&out.stdout).contains("AGE-SECRET-KEY"),
        "the secret is not printed"
    );
    let again = Command::new(BIN)
        .args(["keygen", "--output"])
        .arg(&key)
        .output()
        .unwrap();
    assert_eq!(again.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&again.stderr).contains("refusing to overwrite"));

    // The safety number of that recipient, and of a key made with the age CLI's own keygen.
    let number = Command::new(BIN)
        .args(["safety-number", &recipient])
        .output()
        .unwrap();
    assert!(number.status.success());
    let parsed = resguardo::domain::Recipient::parse(&recipient).unwrap();
    assert_eq!(
        String::from_utf8_lossy(&number.stdout).trim(),
        parsed.fingerprint().as_str()
    );
    let bad = Command::new(BIN)
        .args(["safety-number", "age1nope"])
        .output()
        .unwrap();
    assert_eq!(bad.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&bad.stderr).contains("not an age X25519 recipient"));
}

/// Start-up with bad configuration stops with a message that names the key.
#[test]
fn bad_configuration_names_the_key() {
    let dir = tempfile::tempdir().unwrap();
    let cases = [
        ("RESGUARDO__POW__DIFFICULTY", "40", "pow.difficulty"),
        // 21 + the default 4 extra bits: above what clients will work for.
        ("RESGUARDO__POW__DIFFICULTY", "21", "at most 24"),
        ("RESGUARDO__SERVER__BIND", "not an address", "server.bind"),
        ("RESGUARDO__DESK__BIND", "not an address", "desk.bind"),
        ("RESGUARDO__DATABASE__URL", "mysql://x", "database.url"),
        (
            "RESGUARDO__INTAKE__MAX_RECIPIENTS",
            "0",
            "intake.max_recipients",
        ),
        (
            "RESGUARDO__LIMITS__INTAKE_GLOBAL_PER_MINUTE",
            "0",
            "limits.intake_global_per_minute",
        ),
        (
            "RESGUARDO__SECRETS__SERVER_KEY",
            "c2hvcnQ=",
            "secrets.server_key",
        ),
        ("RESGUARDO__SERVER__NO_SUCH_KEY", "1", "no_such_key"),
        (
            "RESGUARDO__INTAKE__MAX_BODY_BYTES",
            "lots",
            "intake.max_body_bytes",
        ),
        (
            "RESGUARDO__VETTING__APPROVALS_REQUIRED",
            "3",
            "vetting.approvals_required",
        ),
        ("RESGUARDO_CONFIG", "/nonexistent.toml", "RESGUARDO_CONFIG"),
    ];
    for (var, value, named) in cases {
        let out = Command::new(BIN)
            .arg("serve")
            .current_dir(dir.path())
            .env(var, value)
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(1), "{var}={value}");
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(stderr.contains(named), "{var}={value}: {stderr}");
        assert!(!stderr.contains("panicked"), "{stderr}");
    }
}

/// A config file overlays the defaults, and the server key is generated once with mode 0600.
#[tokio::test]
async fn config_file_and_generated_key() {
    let Some(server) = TestServer::start_with(Backend::Sqlite, &[]).await else {
        return;
    };
    let key = server.data_dir().join("server.key");
    assert_eq!(mode(&key), 0o600);
    assert_eq!(mode(&server.data_dir()), 0o700);
    assert_eq!(mode(&server.data_dir().join("resguardo.db")), 0o600);
    let first = std::fs::read(&key).unwrap();

    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("resguardo.toml");
    std::fs::write(&file, "[pow]\ndifficulty = 7\n").unwrap();
    let Some(mut other) = TestServer::start_with(
        Backend::Sqlite,
        &[
            ("RESGUARDO_CONFIG", file.to_str().unwrap()),
            ("RESGUARDO__SECRETS__SERVER_KEY_FILE", key.to_str().unwrap()),
        ],
    )
    .await
    else {
        return;
    };
    // The env var overlay set by the harness (difficulty 4) wins over the file, as documented.
    assert_eq!(other.client().pow().await.unwrap().difficulty, 4);
    other.stop();
    assert_eq!(
        std::fs::read(&key).unwrap(),
        first,
        "an existing key is reused, not replaced"
    );

    // Loose permissions on an existing key or database stop start-up with the fix to apply.
    for file in [key.clone(), server.data_dir().join("resguardo.db")] {
        std::fs::set_permissions(&file, std::fs::Permissions::from_mode(0o644)).unwrap();
        let out = server.command().arg("serve").output().unwrap();
        assert_eq!(out.status.code(), Some(1));
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(stderr.contains("chmod go-rwx"), "{stderr}");
        std::fs::set_permissions(&file, std::fs::Permissions::from_mode(0o600)).unwrap();
    }
}

fn json_of(text: &str) -> serde_json::Value {
    serde_json::Value::from(text)
}
