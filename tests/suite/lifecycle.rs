//! Stopping: `serve` ends on SIGTERM whatever has happened to the pipe its logs go to, and
//! whenever the signal comes. A server that ignores SIGTERM is killed by its service manager
//! after a timeout, losing the requests in flight that a graceful stop would have finished.

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use crate::harness::{Backend, TestServer};

/// Starts `serve` with this server's configuration, stderr piped; returns once it is listening,
/// with the reader of its stderr.
fn serve(config: &TestServer) -> (Child, BufReader<std::process::ChildStderr>) {
    let mut child = config
        .command()
        .arg("serve")
        .env("RESGUARDO__SERVER__BIND", "127.0.0.1:0")
        .env("RESGUARDO__METRICS__BIND", "")
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stderr = BufReader::new(child.stderr.take().unwrap());
    let mut line = String::new();
    while !line.contains("\"listening\"") {
        line.clear();
        assert!(
            stderr.read_line(&mut line).unwrap() > 0,
            "serve ended before listening"
        );
    }
    (child, stderr)
}

fn sigterm(child: &Child) {
    let status = Command::new("kill")
        .arg(child.id().to_string())
        .status()
        .unwrap();
    assert!(status.success());
}

/// Waits up to `limit` for the process to end; kills it and fails if it does not.
fn ends_within(child: &mut Child, limit: Duration) -> std::process::ExitStatus {
    let start = Instant::now();
    loop {
        if let Some(status) = child.try_wait().unwrap() {
            return status;
        }
        if start.elapsed() > limit {
            let _ = child.kill();
            let _ = child.wait();
            panic!("serve was still running {limit:?} after SIGTERM");
        }
        std::thread::sleep(Duration::from_millis(50));
    }
}

/// The log reader went away (a journald restart, a `serve 2>&1 | head`): writing a log line
/// fails, and that must neither stop the shutdown nor end in a panic.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sigterm_stops_the_server_after_its_log_reader_is_gone() {
    let Some(mut config) = TestServer::start(Backend::Sqlite).await else {
        return;
    };
    config.stop(); // only its configuration and data directory are wanted
    let (mut child, stderr) = serve(&config);
    drop(stderr);
    sigterm(&child);
    let status = ends_within(&mut child, Duration::from_secs(15));
    assert!(
        status.success(),
        "serve ended with {status} after SIGTERM with its stderr closed"
    );
}

/// SIGTERM as soon as the server says it listens (a service manager stopping a unit that has
/// just started) is a graceful stop too, not death by the signal's default action.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sigterm_right_after_listening_is_a_graceful_stop() {
    let Some(mut config) = TestServer::start(Backend::Sqlite).await else {
        return;
    };
    config.stop();
    let (mut child, mut stderr) = serve(&config);
    sigterm(&child);
    let status = ends_within(&mut child, Duration::from_secs(15));
    let mut rest = String::new();
    let _ = std::io::Read::read_to_string(&mut stderr, &mut rest);
    assert!(
        status.success(),
        "serve ended with {status} on a SIGTERM just after listening; stderr:\n{rest}"
    );
    assert!(rest.contains("shutting down"), "stderr:\n{rest}");
}
