//! Attachments through the reporter pages in Debian's Chromium (web/tools/evidence.ts,
//! docs/protocol.md §12). A photo carrying GPS coordinates, an author and a device, and a HEIC
//! file, chosen on the intake page: the photo is cleaned on the device, the HEIC fails closed —
//! left unticked, it is not sent; ticked, it goes as it is, with the photo's original when the
//! reporter keeps originals. A follow-up message adds one more, signed. The case worker's command
//! line lists and saves them: the clean copy tells nothing (exiftool and a byte search) and keeps
//! the JPEG's scan data byte for byte, the originals are byte-identical, no name left the device.
//! And a 50 MiB file through the page, with a part cut before the server got it and an answer
//! lost after it did: it arrives whole, the page's JS heap and the server's memory stay bounded
//! (figures printed), and the desk opens it with the command line and with Debian's `age`.

use std::path::Path;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

use image::ImageFormat;
use serde_json::Value;

use crate::attach_cli::{age_opens_with_the_manifest_key, heic_like, json_of};
use crate::browser::{chromium_and_web, screenshots, web_tool};
use crate::evidence::{exiftool_available, jpeg_scans, picture, tags, told, with_metadata};
use crate::harness::{contains, run_with_input, Backend, TestServer};
use crate::triage::staffed_desk;
use crate::workers::PASSWORD;

crate::on_both_backends!(the_page_cleans_photos_and_fails_closed_on_the_rest);

fn evidence(web: &Path, args: &[&str]) -> Value {
    let out = web_tool(web, "evidence", args, &[]);
    assert_eq!(out["foreign"], 0, "requests to other origins: {out}");
    assert_eq!(out["violations"], serde_json::json!([]), "{out}");
    out
}

/// What the case worker's `worker attachments ID --json` lists: (type, cleaned, original, name).
fn listed(out: &Value) -> Vec<(String, bool, bool, Value)> {
    let all = out.as_array().unwrap();
    all.iter()
        .map(|f| {
            assert_eq!(f["received"], "received", "{f}");
            let flag = |k: &str| f[k].as_bool().unwrap();
            let kind = f["type"].as_str().unwrap().to_owned();
            (kind, flag("cleaned"), flag("original"), f["name"].clone())
        })
        .collect()
}

async fn the_page_cleans_photos_and_fails_closed_on_the_rest(backend: Backend) {
    let Some(web) = chromium_and_web() else {
        return;
    };
    if !exiftool_available() {
        return;
    }
    let Some(server) = TestServer::start(backend).await else {
        return;
    };
    let client = server.client();
    let (boss, ana) = staffed_desk(&server, &client, "gt").await;
    let dir = server.dir.path();
    let photo = with_metadata(dir, "photo.jpg", &picture(ImageFormat::Jpeg));
    let clip = heic_like();
    let screenshot = with_metadata(dir, "screenshot.png", &picture(ImageFormat::Png));
    for (name, bytes) in [
        ("foto.jpg", &photo),
        ("clip.heic", &clip),
        ("captura.png", &screenshot),
    ] {
        std::fs::write(dir.join(name), bytes).unwrap();
    }
    let path = |name: &str| dir.join(name).display().to_string();
    let shots = screenshots().join(format!("evidence-{backend:?}").to_lowercase());
    std::fs::create_dir_all(&shots).unwrap();
    let (url, shots) = (server.url.as_str(), shots.to_str().unwrap());

    // Left unticked, the HEIC stays on the device; the photo goes cleaned.
    let (foto, heic) = (path("foto.jpg"), path("clip.heic"));
    let closed = evidence(&web, &["pick", url, shots, "closed", &foto, &heic]);
    let items = closed["items"].as_array().unwrap();
    assert!(
        items[0]["text"]
            .as_str()
            .unwrap()
            .starts_with("foto.jpg: se quitaron"),
        "{closed}"
    );
    assert_eq!(items[0]["asIs"], false);
    let heic_said = items[1]["text"].as_str().unwrap();
    assert!(heic_said.contains("no se puede limpiar"), "{closed}");
    assert_eq!(items[1]["asIs"], true, "the page asks about the HEIC");
    assert_eq!(
        closed["uploads"],
        "Archivos enviados, cifrados para la mesa: 1"
    );

    let as_ana = server.terminal_of("gt", "ana", &ana, &boss.identity);
    let worker = |args: &[&str]| json_of(&run_with_input(as_ana(args), &format!("{PASSWORD}\n")));
    let inbox = client.inbox(&ana.session.token, None, false).await.unwrap();
    let first = inbox[0].id.clone();
    let files = worker(&["worker", "attachments", &first, "--json"]);
    let jpeg = ("image/jpeg".to_owned(), true, false, Value::Null);
    assert_eq!(
        listed(&files),
        vec![jpeg.clone()],
        "no name leaves the page"
    );
    let saved = worker(&["worker", "attachments", &first, "--out", "first", "--json"]);
    let clean = std::fs::read(dir.join(saved[0]["saved"].as_str().unwrap())).unwrap();
    assert!(told(&tags(dir, "clean.jpg", &clean)).is_empty());
    for canary in crate::evidence::CANARIES {
        assert!(!contains(&clean, canary.as_bytes()), "{canary}");
    }
    assert_eq!(
        jpeg_scans(&clean),
        jpeg_scans(&photo),
        "scan data untouched"
    );

    // Ticked, it goes as it is, and the photo's original beside its clean copy.
    let sent = evidence(&web, &["pick", url, shots, "as-is+originals", &foto, &heic]);
    assert_eq!(
        sent["uploads"],
        "Archivos enviados, cifrados para la mesa: 3"
    );
    let phrase = sent["phrase"].as_str().unwrap().to_owned();
    let inbox = client.inbox(&ana.session.token, None, false).await.unwrap();
    let second = inbox.iter().find(|c| c.id != first).unwrap().id.clone();

    // A follow-up message brings one more, signed with the reporter's key.
    let more = evidence(
        &web,
        &["followup", url, shots, &phrase, &path("captura.png")],
    );
    assert_eq!(
        more["uploads"],
        "Archivos enviados, cifrados para la mesa: 1"
    );
    let files = worker(&["worker", "attachments", &second, "--json"]);
    let png = ("image/png".to_owned(), true, false, Value::Null);
    let original = ("image/jpeg".to_owned(), false, true, Value::Null);
    let as_is = ("image/heic".to_owned(), false, false, Value::Null);
    assert_eq!(listed(&files), vec![jpeg, original, as_is, png]);
    assert_eq!(files[3]["authenticity"], "signed", "{files}");
    let saved = worker(&[
        "worker",
        "attachments",
        &second,
        "--out",
        "second",
        "--json",
    ]);
    let file = |n: usize| std::fs::read(dir.join(saved[n]["saved"].as_str().unwrap())).unwrap();
    assert_eq!(file(1), photo, "the original, untouched");
    assert_eq!(file(2), clip, "sent as it was");
    assert!(told(&tags(dir, "clean.png", &file(3))).is_empty());
}

/// The resident set of `pid` when the watch began and the largest it reaches while `running`,
/// in MiB, read from /proc each 100 ms.
pub(crate) fn watch_memory(
    pid: u32,
    running: Arc<AtomicBool>,
) -> std::thread::JoinHandle<(f64, f64)> {
    std::thread::spawn(move || {
        let mut most = 0.0f64;
        let mut first = None;
        loop {
            let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap_or_default();
            let kib = status
                .lines()
                .find_map(|l| l.strip_prefix("VmRSS:"))
                .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<f64>().ok());
            let mib = kib.unwrap_or(0.0) / 1024.0;
            most = most.max(mib);
            let first = *first.get_or_insert(mib);
            if !running.load(Ordering::Relaxed) {
                return (first, most);
            }
            std::thread::sleep(std::time::Duration::from_millis(100));
        }
    })
}

/// 50 MiB that compress to nothing less, starting as a voice note does, written to
/// `dir/nota.ogg`.
pub(crate) fn voice_note(dir: &Path) -> Vec<u8> {
    let mut state = 0x9E37_79B9_7F4A_7C15u64;
    let mut big: Vec<u8> = (0..50 << 20)
        .map(|_| {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            (state >> 24) as u8
        })
        .collect();
    big[..6].copy_from_slice(b"OggS\0\x02");
    std::fs::write(dir.join("nota.ogg"), &big).unwrap();
    big
}

crate::on_both_backends!(fifty_mib_through_the_page_survive_cut_connections);

async fn fifty_mib_through_the_page_survive_cut_connections(backend: Backend) {
    let Some(web) = chromium_and_web() else {
        return;
    };
    let Some(server) = TestServer::start(backend).await else {
        return;
    };
    let client = server.client();
    let (boss, ana) = staffed_desk(&server, &client, "gt").await;
    let dir = server.dir.path();
    let big = voice_note(dir);
    let shots = screenshots();

    let running = Arc::new(AtomicBool::new(true));
    let watcher = watch_memory(server.pid(), running.clone());
    let file = dir.join("nota.ogg").display().to_string();
    let args = ["big", &server.url, shots.to_str().unwrap(), &file, "20"];
    let sent = evidence(&web, &args);
    running.store(false, Ordering::Relaxed);
    let (rss_before, rss) = watcher.join().unwrap();
    assert_eq!(
        sent["uploads"], "Archivos enviados, cifrados para la mesa: 1",
        "{sent}"
    );
    // The part cut on its way is sent again; the one whose answer was lost is not.
    assert_eq!(
        sent["cuts"],
        serde_json::json!({"before": 2, "after": 1}),
        "{sent}"
    );
    let samples = |k: &str| -> Vec<f64> { serde_json::from_value(sent[k].clone()).unwrap() };
    let (heap, buffers) = (samples("heap"), samples("buffers"));
    let renderers = samples("renderers");
    // The upload alone: from the receipt on (the receipt's Argon2id and proof of work are done).
    let at = sent["receiptAt"].as_u64().unwrap() as usize;
    let most = |v: &[f64]| v[at..].iter().cloned().fold(0.0, f64::max);
    println!(
        "50 MiB through Chromium ({backend:?}): {} s; during the upload, JS heap at most {} MiB \
         (at the receipt: {} MiB), ArrayBuffers at most {} MiB (at the receipt: {} MiB), \
         renderer RSS at most {} MiB (at the receipt: {} MiB); server RSS at most {rss:.1} MiB \
         (before: {rss_before:.1} MiB)",
        sent["seconds"],
        most(&heap),
        heap[at],
        most(&buffers),
        buffers[at],
        most(&renderers),
        renderers[at],
    );
    // Bounded: a few parts in flight, never the file (50 MiB, 52 MiB padded).
    assert!(
        most(&heap) < 25.0,
        "the page's heap grew with the file: {heap:?}"
    );
    assert!(
        most(&buffers) < 20.0,
        "the page's buffers grew with the file: {buffers:?}"
    );
    assert!(
        rss - rss_before < 25.0,
        "the server's memory grew with the file: {rss} MiB"
    );

    // The desk's command line opens it whole; so does Debian's age with the manifest's key.
    let as_ana = server.terminal_of("gt", "ana", &ana, &boss.identity);
    let worker = |args: &[&str]| json_of(&run_with_input(as_ana(args), &format!("{PASSWORD}\n")));
    let case = client.inbox(&ana.session.token, None, false).await.unwrap()[0]
        .id
        .clone();
    let saved = worker(&["worker", "attachments", &case, "--out", "big", "--json"]);
    let opened = std::fs::read(dir.join(saved[0]["saved"].as_str().unwrap())).unwrap();
    assert!(opened == big, "the file arrived whole");
    assert_eq!(saved[0]["type"], "audio/ogg");
    age_opens_with_the_manifest_key(&server, &ana, &case, 0, &big).await;
}

crate::on_both_backends!(the_dashboard_shows_pictures_and_saves_files);

/// The desk dashboard (web/src/desk/files.ts): a case's files listed once its seal vouches for
/// the report, a picture shown from an object URL revoked once it loaded, another file saved as
/// bytes, each download audited and decrypted in the browser, the saved bytes the reporter's.
async fn the_dashboard_shows_pictures_and_saves_files(backend: Backend) {
    let Some(crate::dashboard::Desk {
        web,
        server,
        client,
        boss,
        root,
        ..
    }) = crate::dashboard::dashboard_desk(backend).await
    else {
        return;
    };
    let dir = server.dir.path();
    std::fs::write(dir.join("foto.png"), picture(ImageFormat::Png)).unwrap();
    let clip = heic_like();
    std::fs::write(dir.join("clip.heic"), &clip).unwrap();
    let form = dir.join("report.json");
    std::fs::write(
        &form,
        r#"{"kind":"sextortion","narrative":"Me amenazan.","consent_referral":true}"#,
    )
    .unwrap();
    let mut cmd = server.command();
    cmd.args([
        "report",
        "submit",
        "--server",
        &server.url,
        "--desk",
        "gt",
        "--json",
    ])
    .arg("--file")
    .arg(&form)
    .args([
        "--attach",
        "foto.png",
        "--attach",
        "clip.heic",
        "--send-as-is",
    ]);
    let sent = json_of(&run_with_input(cmd, ""));
    let case = sent["id"].as_str().unwrap().to_owned();

    let shots = format!("desk-files-{backend:?}").to_lowercase();
    let signed_in = crate::dashboard::browser_worker(&server, &client, &boss, "rosa", shots).await;
    let crate::dashboard::BrowserSignIn { code, shots, url } = signed_in;
    let args = [
        "files", &url, &shots, "gt", "rosa", PASSWORD, &code, &root, &case,
    ];
    let seen = web_tool(&web, "desk", &args, &[]);
    assert_eq!(seen["violations"], serde_json::json!([]), "{seen}");
    assert_eq!(seen["foreign"], serde_json::json!([]), "{seen}");
    let files = seen["files"].as_array().unwrap();
    assert_eq!(files.len(), 2, "{seen}");
    let facts = |n: usize| files[n]["facts"].as_str().unwrap().to_owned();
    assert!(facts(0).starts_with("image/png · "), "{seen}");
    assert!(
        facts(0).ends_with("limpiado en el aparato de quien reporta"),
        "{seen}"
    );
    assert!(facts(1).starts_with("image/heic · 2,2 MB · "), "{seen}");
    assert!(
        facts(1).ends_with("enviado tal como estaba, sin limpiar"),
        "{seen}"
    );
    assert_eq!(files[0]["show"], true, "a picture is shown");
    assert_eq!(
        files[1]["show"], false,
        "a HEIC is only saved, never rendered"
    );
    assert!(seen["picture"]["width"].as_u64().unwrap() > 0, "{seen}");
    assert_eq!(seen["picture"]["scheme"], "blob:");
    assert_eq!(seen["revoked"], true, "the object URL is gone once shown");
    let heic_id = files[1]["id"].as_str().unwrap();
    assert_eq!(
        seen["saved"],
        format!("{}.heic", &heic_id[..8]),
        "no name left the device"
    );
    let saved = std::fs::read(Path::new(&shots).join("saved-file")).unwrap();
    assert!(saved == clip, "the reporter's bytes");
    assert!(
        !seen["storage"].to_string().contains("AGE-SECRET-KEY-"),
        "{seen}"
    );
    let trail = server.audit_rows().await;
    let reads = trail.iter().filter(|r| r.entry.action == "attachment.read");
    assert_eq!(
        reads.count(),
        2,
        "the picture shown and the file saved, each audited"
    );
}
