//! A 50 MiB file through the command line (docs/cli.md, `report submit --attach`), with the
//! connection cut twice half-way through by a proxy between the reporter and the server: the
//! upload resumes from the server's progress and arrives whole; the reporter's process and the
//! server stay within a bounded memory (figures printed); the desk's command line opens it, and
//! so does Debian's `age` with the identity from the manifest. The browser's twin is in
//! attach_browser.rs.

use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::Arc;

use tokio::io::{AsyncReadExt, AsyncWriteExt};

use crate::attach_browser::{voice_note, watch_memory};
use crate::attach_cli::{age_opens_with_the_manifest_key, json_of};
use crate::harness::{run_with_input, Backend, TestServer};
use crate::triage::staffed_desk;
use crate::workers::PASSWORD;

/// A TCP proxy to `target` that, each time `cut` more bytes have gone from clients to the server
/// in all, drops the connection carrying them (at most `cuts` times). Its address, and the cuts
/// made so far.
async fn cutting_proxy(target: String, cut: u64, cuts: u64) -> (String, Arc<AtomicU64>) {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = format!("http://{}", listener.local_addr().unwrap());
    let (sent, made) = (Arc::new(AtomicU64::new(0)), Arc::new(AtomicU64::new(0)));
    let made_out = made.clone();
    tokio::spawn(async move {
        while let Ok((mut client, _)) = listener.accept().await {
            let target = target.clone();
            let (sent, made) = (sent.clone(), made.clone());
            tokio::spawn(async move {
                let Ok(mut server) = tokio::net::TcpStream::connect(&target).await else {
                    return;
                };
                let (mut client_in, mut client_out) = client.split();
                let (mut server_in, mut server_out) = server.split();
                let up = async {
                    let mut buf = vec![0u8; 64 * 1024];
                    loop {
                        let n = client_in.read(&mut buf).await.unwrap_or(0);
                        if n == 0 || server_out.write_all(&buf[..n]).await.is_err() {
                            return;
                        }
                        let total = sent.fetch_add(n as u64, Ordering::SeqCst) + n as u64;
                        let due = made.load(Ordering::SeqCst) + 1;
                        if due <= cuts && total >= cut * due {
                            made.fetch_add(1, Ordering::SeqCst);
                            return;
                        }
                    }
                };
                let down = tokio::io::copy(&mut server_in, &mut client_out);
                // Whichever side ends first ends both: a cut drops the connection mid-part.
                tokio::select! {
                    _ = up => {}
                    _ = down => {}
                }
            });
        }
    });
    (address, made_out)
}

crate::on_both_backends!(fifty_mib_through_the_command_line_survive_cuts);

async fn fifty_mib_through_the_command_line_survive_cuts(backend: Backend) {
    let Some(server) = TestServer::start(backend).await else {
        return;
    };
    let client = server.client();
    let (boss, ana) = staffed_desk(&server, &client, "gt").await;
    let dir = server.dir.path();
    let big = voice_note(dir);
    let form = dir.join("report.json");
    std::fs::write(
        &form,
        r#"{"kind":"sextortion","narrative":"Audio.","consent_referral":true}"#,
    )
    .unwrap();
    // Cut at about 15 and 30 MiB of the upload, wherever a part then is.
    let target = server.url.trim_start_matches("http://").to_owned();
    let (proxy, cuts) = cutting_proxy(target, 15 << 20, 2).await;

    let running = Arc::new(AtomicBool::new(true));
    let server_memory = watch_memory(server.pid(), running.clone());
    let mut cmd = server.command();
    cmd.args([
        "report", "submit", "--server", &proxy, "--desk", "gt", "--json", "--file",
    ])
    .arg(&form)
    .args(["--attach", "nota.ogg", "--send-as-is"])
    .stdin(std::process::Stdio::null())
    .stdout(std::process::Stdio::piped())
    .stderr(std::process::Stdio::piped());
    let child = cmd.spawn().unwrap();
    let reporter_memory = watch_memory(child.id(), running.clone());
    let out = tokio::task::spawn_blocking(move || child.wait_with_output())
        .await
        .unwrap()
        .unwrap();
    running.store(false, Ordering::Relaxed);
    let (server_before, server_rss) = server_memory.join().unwrap();
    let (_, reporter_rss) = reporter_memory.join().unwrap();
    let sent = json_of(&out);
    assert_eq!(cuts.load(Ordering::SeqCst), 2, "both cuts were made");
    println!(
        "50 MiB through the command line ({backend:?}), cut twice: reporter RSS at most \
         {reporter_rss:.1} MiB, server RSS at most {server_rss:.1} MiB (before: {server_before:.1} MiB)"
    );
    let grown = server_rss - server_before;
    assert!(
        grown < 25.0,
        "the server's memory grew with the file: {grown} MiB"
    );
    assert!(
        reporter_rss < 100.0,
        "the reporter's memory grew with the file: {reporter_rss} MiB"
    );
    // json_of checked the status: 0, every file sent.
    let case = sent["id"].as_str().unwrap().to_owned();

    let as_ana = server.terminal_of("gt", "ana", &ana, &boss.identity);
    let worker = |args: &[&str]| json_of(&run_with_input(as_ana(args), &format!("{PASSWORD}\n")));
    let saved = worker(&["worker", "attachments", &case, "--out", "big", "--json"]);
    let opened = std::fs::read(dir.join(saved[0]["saved"].as_str().unwrap())).unwrap();
    assert!(opened == big, "the file arrived whole");
    age_opens_with_the_manifest_key(&server, &ana, &case, 0, &big).await;
}
