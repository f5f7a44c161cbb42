//! A desk that keeps its key outside Resguardo (`admin desk create --recipient`), as air-gapped
//! newsrooms do: no device can grant its key, so invites are refused; its ciphertext leaves the
//! server through `admin export`, with the age file of a reporter's attachment, which Debian's
//! `age` opens with the key from the decrypted message.

use std::os::unix::fs::PermissionsExt;
use std::process::Command;

use crate::harness::{Backend, TestServer};

crate::on_both_backends!(a_desk_with_its_key_outside_exports_ciphertext);

fn mode(path: &std::path::Path) -> u32 {
    std::fs::metadata(path).unwrap().permissions().mode() & 0o777
}

/// A desk created with `--recipient` (the key stays with whoever ran `keygen`) cannot vet anyone,
/// so invites are refused with the reason; its reports leave through `admin export` as `.age`
/// files that the Debian `age` CLI decrypts with the key file.
async fn a_desk_with_its_key_outside_exports_ciphertext(backend: Backend) {
    use resguardo::client::{attachments, reporter};
    use resguardo::crypto::receipt::Language;
    use resguardo::protocol::attachments::Described;
    let Some(server) = TestServer::start(backend).await else {
        return;
    };
    let key_file = server.dir.path().join("desk.key");
    let keygen = server.keygen(&key_file);
    let out = server
        .command()
        .args([
            "safety-number",
            keygen["recipient"].as_str().unwrap(),
            "--json",
        ])
        .output()
        .unwrap();
    let number: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    crate::docs::assert_cli_shape("safety-number RECIPIENT", &number);
    assert_eq!(number["safety_number"], keygen["fingerprint"]);
    let out = server.admin_desk_create("gt", keygen["recipient"].as_str().unwrap());
    assert!(out.status.success());

    let out = server
        .command()
        .args(["admin", "invite", "--desk", "gt", "--role", "worker"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let said = String::from_utf8_lossy(&out.stderr);
    assert!(
        said.contains("outside Resguardo") && said.contains("admin export"),
        "{said}"
    );

    let client = server.client();
    let form = crate::harness::form("me piden dinero cada viernes");
    let submitted = reporter::submit(&client, "gt", &form, Language::Es, None, |_| {})
        .await
        .unwrap();
    let keys = reporter::derive(&submitted.phrase).await;
    // The message carries a file: its age file leaves with the export, its key inside the message.
    let slip = b"%PDF-1.4 boleta de deposito ".repeat(3_000);
    let described = Described {
        media_type: "application/pdf".into(),
        name: Some("boleta.pdf".into()),
        orientation: None,
        cleaned: false,
        original: false,
    };
    let prepared = attachments::prepare(&slip[..], described).unwrap();
    let entry = prepared.entry.clone();
    let reserved = attachments::reserve(&client, &keys, prepared)
        .await
        .unwrap();
    let files = [entry.clone()];
    reporter::send_message_with(&client, &keys, "gt", None, "tengo capturas", &files)
        .await
        .unwrap();
    attachments::send(&client, reserved, &|_, _| {})
        .await
        .unwrap();

    let out_dir = server.dir.path().join("export");
    let export = |extra: &[&str]| {
        server
            .command()
            .args(["admin", "export", "--desk", "gt", "--out"])
            .arg(&out_dir)
            .args(extra)
            .output()
            .unwrap()
    };
    let out = export(&["--json"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let summary: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    crate::docs::assert_cli_shape("admin export", &summary);
    assert_eq!(
        (summary["reports"].as_u64(), summary["messages"].as_u64()),
        (Some(1), Some(1))
    );
    assert_eq!(summary["attachments"], 1);
    assert_eq!(mode(&out_dir), 0o700);
    let index: serde_json::Value =
        serde_json::from_slice(&std::fs::read(out_dir.join("index.json")).unwrap()).unwrap();
    assert_eq!(index[0]["id"], submitted.id.as_str());
    assert_eq!(index[0]["status"], "new");
    let case_dir = out_dir.join(&submitted.id);
    let message = case_dir.join(index[0]["messages"][0]["file"].as_str().unwrap());
    assert_eq!(mode(&case_dir.join("report.age")), 0o600);

    // Nothing in the export is readable without the key; `age -d` with it reads both.
    let report_bytes = std::fs::read(case_dir.join("report.age")).unwrap();
    assert!(!crate::harness::contains(&report_bytes, b"viernes"));
    if Command::new("age").arg("--version").output().is_ok() {
        let decrypt = |file: &std::path::Path| {
            String::from_utf8(crate::harness::age_decrypt(&key_file, file)).unwrap()
        };
        assert!(decrypt(&case_dir.join("report.age")).contains("me piden dinero cada viernes"));
        let message: serde_json::Value = serde_json::from_str(&decrypt(&message)).unwrap();
        assert_eq!(message["text"], "tengo capturas");
        // The file, with the key from the decrypted message: the slip, then zeros to its bucket.
        let file_key = server.dir.path().join("file.key");
        let key = message["attachments"][0]["key"].as_str().unwrap();
        resguardo::os::files::write_private(&file_key, key.as_bytes()).unwrap();
        let exported = case_dir.join(index[0]["attachments"][0]["file"].as_str().unwrap());
        assert_eq!(mode(&exported), 0o600);
        let opened = crate::harness::age_decrypt(&file_key, &exported);
        assert_eq!(&opened[..slip.len()], &slip[..]);
        assert!(opened[slip.len()..].iter().all(|&b| b == 0));
        assert_eq!(message["attachments"][0]["id"], entry.id.as_str());
    } else {
        assert!(!crate::harness::strict(), "the age CLI is required in CI");
        crate::harness::skipped("the age CLI is not installed: export not decrypted");
    }

    // An export never overwrites another, and it is audited.
    let out = export(&[]);
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("not empty"));
    let out = server
        .command()
        .args(["admin", "desk", "list", "--json"])
        .output()
        .unwrap();
    let desks: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(desks[0]["key_outside"], true);
    let log = server.audit_rows().await;
    let exports: Vec<_> = log
        .iter()
        .filter(|row| row.entry.action == "desk.export")
        .collect();
    assert_eq!(exports.len(), 1);
    assert_eq!(
        exports[0].entry.subject,
        "reports=1 messages=1 attachments=1"
    );
}
