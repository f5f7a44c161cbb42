//! Attachments from end to end through the command line (docs/protocol.md §12, docs/cli.md), on
//! both backends: a reporter attaches a photo carrying GPS coordinates, an author and a device,
//! and a file that cannot be cleaned; without a choice nothing is sent, in the reporter's
//! language; with `--send-as-is --keep-original` the report names four files and they go up in
//! parts; a follow-up message announces one more, signed. A case worker lists them and saves
//! them: the cleaned photo has none of the metadata (exiftool and a byte search), the original
//! and the file sent as it was are byte-identical to the input, each file is 0600, an existing
//! file is never overwritten; Debian's `age` opens a download with the identity from the
//! manifest. The limits are refused in the reporter's words before anything is sent.

use std::os::unix::fs::PermissionsExt;
use std::path::Path;

use image::ImageFormat;
use resguardo::protocol::case::OpenCase;
use serde_json::{json, Value};

use crate::evidence::{exiftool_available, picture, tags, told, with_metadata};
use crate::harness::{contains, run_with_input, Backend, TestServer};
use crate::triage::staffed_desk;
use crate::workers::PASSWORD;

crate::on_both_backends!(reporters_attach_files_and_the_desk_opens_them,);

/// A file that starts as a HEIC picture does and cannot be cleaned here: three parts' worth.
pub(crate) fn heic_like() -> Vec<u8> {
    let mut bytes = b"\0\0\0\x18ftypheic\0\0\0\0mif1heic".to_vec();
    bytes.extend((0..2_300_000u32).map(|i| (i.wrapping_mul(2_654_435_761) >> 13) as u8));
    bytes.extend_from_slice(b"HEIC-GPS-CANARY");
    bytes
}

pub(crate) fn json_of(out: &std::process::Output) -> Value {
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap()
}

async fn reporters_attach_files_and_the_desk_opens_them(backend: Backend) {
    if !exiftool_available() {
        return;
    }
    let limit = [("RESGUARDO__ATTACHMENTS__MAX_FILES_PER_REPORT", "4")];
    let Some(server) = TestServer::start_with(backend, &limit).await else {
        return;
    };
    let client = server.client();
    let (boss, ana) = staffed_desk(&server, &client, "gt").await;
    let dir = server.dir.path();
    let photo = with_metadata(dir, "photo.jpg", &picture(ImageFormat::Jpeg));
    std::fs::write(dir.join("foto.jpg"), &photo).unwrap();
    let clip = heic_like();
    std::fs::write(dir.join("clip.heic"), &clip).unwrap();
    let screenshot = with_metadata(dir, "screenshot.png", &picture(ImageFormat::Png));
    std::fs::write(dir.join("captura.png"), &screenshot).unwrap();
    let form = dir.join("report.json");
    std::fs::write(
        &form,
        r#"{"kind":"sextortion","narrative":"Me amenazan.","consent_referral":true}"#,
    )
    .unwrap();
    let submit = |extra: &[&str]| {
        let mut cmd = server.command();
        cmd.args(["report", "submit", "--server", &server.url, "--desk", "gt"])
            .args(["--lang", "en", "--json", "--file"])
            .arg(&form)
            .args(extra);
        run_with_input(cmd, "")
    };

    // A file that cannot be cleaned, with no one to ask and no choice given: nothing is sent.
    let out = submit(&["--attach", "foto.jpg", "--attach", "clip.heic"]);
    let said = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{said}");
    assert!(
        said.contains("clip.heic: this kind of file cannot be cleaned"),
        "{said}"
    );
    assert!(
        said.contains("run the command again with --send-as-is"),
        "{said}"
    );
    // More files than the desk takes: refused before anything is encrypted or sent.
    let six = ["--attach", "foto.jpg"].repeat(3);
    let out = submit(&[&six[..], &["--keep-original", "--attach", "captura.png"]].concat());
    let said = String::from_utf8_lossy(&out.stderr);
    assert!(
        said.contains("A report can carry at most 4 files."),
        "{said}"
    );
    // A file larger than a report's allowance: refused before it is read (a sparse 60 MiB file).
    let huge = std::fs::File::create(dir.join("video.mp4")).unwrap();
    huge.set_len(60 << 20).unwrap();
    let out = submit(&["--attach", "video.mp4", "--send-as-is"]);
    let said = String::from_utf8_lossy(&out.stderr);
    assert!(
        said.contains("These files are too large together: a report can carry at most 50 MB."),
        "{said}"
    );
    assert_eq!(server.count("SELECT COUNT(*) FROM reports").await, 0);

    // The reporter's choice: the HEIC as it is, and the photo's original beside its clean copy.
    let args = ["--attach", "foto.jpg", "--attach", "clip.heic"];
    let chosen = ["--send-as-is", "--keep-original", "--keep-names"];
    let sent = json_of(&submit(&[&args[..], &chosen[..]].concat()));
    crate::docs::assert_cli_shape("report submit", &sent);
    let case = sent["id"].as_str().unwrap().to_owned();
    let phrase = sent["receipt_phrase"].as_str().unwrap();

    // One more with a message: signed over its manifest; its name stays on the device.
    let followup = |lang: &str, extra: &[&str], message: &str| {
        let mut cmd = server.command();
        let to = [
            "report",
            "followup",
            "--server",
            &server.url,
            "--lang",
            lang,
        ];
        cmd.args(to).args(["--attach", "captura.png"]).args(extra);
        run_with_input(cmd, &format!("{phrase}\n{message}\n"))
    };
    let followed = json_of(&followup("en", &["--json"], "Otra captura."));
    assert_eq!(followed["message_sent"], true, "{followed}");
    crate::docs::assert_cli_shape("report followup", &followed);
    // The case has room for no fifth file: said in the reporter's words, and no message goes.
    let out = followup("es", &[], "Y otra.");
    let said = String::from_utf8_lossy(&out.stderr);
    assert!(
        said.contains("Este caso no puede recibir más archivos."),
        "{said}"
    );
    let messages = "SELECT COUNT(*) FROM messages WHERE author = 'reporter'";
    assert_eq!(server.count(messages).await, 1);

    // The case worker's list: what the manifest says, and that every upload arrived.
    let as_ana = server.terminal_of("gt", "ana", &ana, &boss.identity);
    let worker = |args: &[&str]| run_with_input(as_ana(args), &format!("{PASSWORD}\n"));
    let listed = json_of(&worker(&["worker", "attachments", &case, "--json"]));
    crate::docs::assert_cli_shape("worker attachments ID", &listed);
    let listed = listed.as_array().unwrap();
    let facts: Vec<(&str, &str, bool, bool, &str)> = (listed.iter())
        .map(|f| {
            let text = |k: &str| f[k].as_str().unwrap_or("-");
            let flag = |k: &str| f[k].as_bool().unwrap();
            (
                text("name"),
                text("type"),
                flag("cleaned"),
                flag("original"),
                text("received"),
            )
        })
        .collect();
    assert_eq!(
        facts,
        vec![
            ("foto.jpg", "image/jpeg", true, false, "received"),
            ("foto.jpg", "image/jpeg", false, true, "received"),
            ("clip.heic", "image/heic", false, false, "received"),
            ("-", "image/png", true, false, "received"),
        ]
    );
    assert_eq!(listed[3]["authenticity"], "signed");
    assert_eq!(listed[1]["orientation"], Value::Null);
    assert_eq!(listed[0]["orientation"], 6, "kept from the EXIF it lost");

    // Saved, decrypted and checked: the clean copy tells nothing, the rest is byte-identical.
    let out_dir = dir.join("evidence");
    let saved = json_of(&worker(&[
        "worker",
        "attachments",
        &case,
        "--out",
        "evidence",
        "--json",
    ]));
    let file = |n: usize| dir.join(saved[n]["saved"].as_str().unwrap());
    let clean = std::fs::read(file(0)).unwrap();
    assert!(told(&tags(dir, "clean.jpg", &clean)).is_empty());
    for canary in crate::evidence::CANARIES {
        assert!(!contains(&clean, canary.as_bytes()), "{canary}");
    }
    assert_eq!(
        std::fs::read(file(1)).unwrap(),
        photo,
        "the original, untouched"
    );
    assert_eq!(std::fs::read(file(2)).unwrap(), clip, "sent as it was");
    assert!(told(&tags(dir, "clean.png", &std::fs::read(file(3)).unwrap())).is_empty());
    for n in 0..4 {
        let mode = std::fs::metadata(file(n)).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o600, "{}", file(n).display());
    }
    let leftovers = std::fs::read_dir(&out_dir).unwrap().count();
    assert_eq!(leftovers, 4, "no partial file is left behind");
    // Saving again never overwrites.
    let again = worker(&["worker", "attachments", &case, "--out", "evidence"]);
    let said = String::from_utf8_lossy(&again.stdout);
    assert!(
        !again.status.success() && said.contains("exists already"),
        "{said}"
    );
    let trail = server.audit_rows().await;
    let reads = trail.iter().filter(|r| r.entry.action == "attachment.read");
    assert_eq!(reads.count(), 4, "each download audited");

    age_opens_with_the_manifest_key(&server, &ana, &case, 2, &clip).await;

    // A partner gets the clean photo and the clip, and nothing else of the case's files.
    let org = crate::partners::register(&client, &boss, "Bufete", json!(["legal"]), json!(["GT"]));
    let org = org.await;
    let refer = [
        "worker",
        "refer",
        &case,
        "--partner",
        "Bufete",
        "--fields",
        "kind",
    ];
    let wrong = worker(&[&refer[..], &["--attach", "9", "--yes"]].concat());
    let said = String::from_utf8_lossy(&wrong.stderr);
    assert!(
        !wrong.status.success() && said.contains("the case names 4 file(s)"),
        "{said}"
    );
    let sent = json_of(&worker(
        &[&refer[..], &["--attach", "1,3", "--yes", "--json"]].concat(),
    ));
    let referral = sent["referral"].as_str().unwrap().to_owned();
    let shown = worker(&["worker", "show", &case, "--json"]);
    assert!(
        !String::from_utf8_lossy(&shown.stdout).contains("AGE-SECRET-KEY-"),
        "keys stay out"
    );
    let partner_files = partner_takes_what_was_shared(&server, &org, &referral, dir);
    assert_eq!(
        partner_files[0], clean,
        "the clean photo, as the desk has it"
    );
    assert_eq!(partner_files[1], clip);
    // The original was not shared: the partner's token does not fetch it.
    let original = listed[1]["id"].as_str().unwrap();
    let route = format!("/api/v1/partner/referrals/{referral}/attachments/{original}");
    let refused = client.download(&org.token, &route, &mut Vec::new()).await;
    assert_eq!(
        refused.unwrap_err().problem_slug(),
        Some("attachment-not-found")
    );
    let trail = server.audit_rows().await;
    let fetched = trail
        .iter()
        .filter(|r| r.entry.action == "referral.attachment");
    assert_eq!(
        fetched.count(),
        2,
        "each of the partner's downloads audited"
    );
    let logs = server.logs();
    for secret in ["foto.jpg", "clip.heic", "Otra captura", "HEIC-GPS-CANARY"] {
        assert!(!logs.contains(secret), "{secret} in the server's logs");
    }
}

/// `partner attachments REF --out DIR`, as the partner's machine runs it: the files saved, in
/// order, and their bytes.
fn partner_takes_what_was_shared(
    server: &TestServer,
    org: &crate::partners::Org,
    referral: &str,
    dir: &Path,
) -> Vec<Vec<u8>> {
    let (token_file, key_file) = (dir.join("bufete.token"), dir.join("bufete.key"));
    resguardo::os::files::write_private(&token_file, org.token.as_bytes()).unwrap();
    let key = age::secrecy::ExposeSecret::expose_secret(&org.identity.to_string()).to_owned();
    resguardo::os::files::write_private(&key_file, key.as_bytes()).unwrap();
    let as_partner = |args: &[&str]| {
        let mut cmd = server.command();
        cmd.args(["partner", "--server", &server.url, "--token-file"])
            .arg(&token_file)
            .arg("--identity")
            .arg(&key_file)
            .args(args);
        run_with_input(cmd, "")
    };
    let shown = as_partner(&["show", referral, "--json"]);
    let shown = String::from_utf8_lossy(&shown.stdout);
    assert!(
        shown.contains("captura") || shown.contains("foto.jpg"),
        "{shown}"
    );
    assert!(!shown.contains("AGE-SECRET-KEY-"), "keys stay out: {shown}");
    let listed = json_of(&as_partner(&[
        "attachments",
        referral,
        "--out",
        "shared",
        "--json",
    ]));
    crate::docs::assert_cli_shape("partner attachments ID", &listed);
    let listed = listed.as_array().unwrap();
    assert_eq!(listed.len(), 2, "{listed:?}");
    (listed.iter())
        .map(|f| std::fs::read(dir.join(f["saved"].as_str().unwrap())).unwrap())
        .collect()
}

/// Debian's `age` opens the case's attachment `index` with the identity its manifest entry
/// holds: `file`, then zeros to the bucket.
pub(crate) async fn age_opens_with_the_manifest_key(
    server: &TestServer,
    ana: &resguardo::client::worker::Login,
    case: &str,
    index: usize,
    file: &[u8],
) {
    if !crate::harness::tool_available("age", "--version", "age") {
        return;
    }
    let client = server.client();
    let token = &ana.session.token;
    let ids = crate::workers::desk_identities(&client, token, &ana.identity)
        .await
        .unwrap();
    let opened = OpenCase::open(client.case(token, case).await.unwrap(), &ids);
    let named = opened.attachments().unwrap();
    let entry = &named[index].entry;
    let dir = server.dir.path();
    let key_file = dir.join("attachment.key");
    resguardo::os::files::write_private(&key_file, entry.key.as_bytes()).unwrap();
    let mut ciphertext = Vec::new();
    let route = format!("/api/v1/desk/attachments/{}", entry.id);
    client
        .download(token, &route, &mut ciphertext)
        .await
        .unwrap();
    std::fs::write(dir.join("attachment.age"), &ciphertext).unwrap();
    let opened = crate::harness::age_decrypt(&key_file, &dir.join("attachment.age"));
    assert!(opened.len() >= file.len() && &opened[..file.len()] == file);
    assert!(
        opened[file.len()..].iter().all(|&b| b == 0),
        "zeros to the bucket"
    );
    assert!(Path::new(&key_file).exists());
}
