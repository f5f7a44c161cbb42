//! What the benchmarks share (`mod support;` in each): the release server on loopback with one
//! desk, and what its process uses.
#![allow(dead_code)]

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use serde_json::Value;

pub const BIN: &str = env!("CARGO_BIN_EXE_resguardo");

pub struct Server {
    child: Child,
    pub url: String,
    pub dir: tempfile::TempDir,
}

impl Server {
    /// The release server on SQLite in a directory of its own, with desk `gt`, and `extra`
    /// settings in its environment.
    pub fn start(extra: &[(&str, &str)]) -> Server {
        let dir = tempfile::tempdir().unwrap();
        let db = format!("sqlite://{}", dir.path().join("abuse.db").display());
        let env = |cmd: &mut Command| {
            cmd.current_dir(dir.path())
                .env("RESGUARDO__DATABASE__URL", &db)
                .env(
                    "RESGUARDO__SECRETS__SERVER_KEY_FILE",
                    dir.path().join("server.key"),
                );
        };
        let mut create = Command::new(BIN);
        env(&mut create);
        let recipient = age::x25519::Identity::generate().to_public().to_string();
        let created = create
            .args(["admin", "desk", "create", "--slug", "gt", "--name", "Bench"])
            .args(["--recipient", &recipient])
            .output()
            .unwrap();
        assert!(created.status.success());
        let mut cmd = Command::new(BIN);
        env(&mut cmd);
        cmd.arg("serve")
            .env("RESGUARDO__SERVER__BIND", "127.0.0.1:0")
            .env("RESGUARDO__METRICS__BIND", "")
            .env("RESGUARDO_LOG", "warn,resguardo::cli::serve=info");
        for (k, v) in extra {
            cmd.env(k, v);
        }
        let mut child = cmd
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let stderr = child.stderr.take().unwrap();
        let (tx, rx) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            for line in BufReader::new(stderr).lines().map_while(Result::ok) {
                if let Ok(v) = serde_json::from_str::<Value>(&line) {
                    if v["fields"]["message"] == "listening" {
                        let _ = tx.send(v["fields"]["port"].as_u64().unwrap());
                    }
                }
            }
        });
        let port = rx.recv_timeout(Duration::from_secs(60)).unwrap();
        Server {
            child,
            url: format!("http://127.0.0.1:{port}"),
            dir,
        }
    }

    /// CPU time the server has used so far (user + system, clock ticks of 10 ms).
    pub fn cpu(&self) -> Duration {
        let stat = std::fs::read_to_string(format!("/proc/{}/stat", self.child.id())).unwrap();
        let rest = stat.rsplit_once(')').unwrap().1;
        let ticks: u64 = rest
            .split_whitespace()
            .skip(11)
            .take(2)
            .map(|f| f.parse::<u64>().unwrap())
            .sum();
        Duration::from_millis(ticks * 10)
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Server {
    /// Forgets the peak resident set size, so the next reading covers only what follows.
    pub fn reset_peak(&self) {
        let _ = std::fs::write(format!("/proc/{}/clear_refs", self.child.id()), "5");
    }

    /// Peak resident set size since the last reset, in MiB.
    pub fn peak_rss_mib(&self) -> f64 {
        let status = std::fs::read_to_string(format!("/proc/{}/status", self.child.id())).unwrap();
        let kib: f64 = status
            .lines()
            .find_map(|l| l.strip_prefix("VmHWM:"))
            .and_then(|v| v.split_whitespace().next())
            .and_then(|v| v.parse().ok())
            .unwrap();
        kib / 1024.0
    }
}
