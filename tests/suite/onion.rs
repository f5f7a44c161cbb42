//! The desk dashboard's onion service admits only authorized devices, end to end: a private Tor
//! network on this machine (`tests/tor/network.sh`: three directory authorities and four relays,
//! no internet), the dashboard's service configured by the lines `deploy/tor/torrc` ships, its
//! device authorized by `deploy/tor/add-desk-device`, and two Tor clients. The one holding the
//! printed key reaches the real dashboard listener; the one without it is refused by Tor with
//! SOCKS reply 0xF4, "onion service missing client authorization".

use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use crate::harness::{Backend, TestServer};

fn repo(path: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join(path)
}

/// Every Tor started under `base` is stopped when the test ends, passed or failed.
struct Network {
    base: PathBuf,
}

impl Drop for Network {
    fn drop(&mut self) {
        let Ok(entries) = std::fs::read_dir(&self.base) else {
            return;
        };
        for entry in entries.flatten() {
            if let Ok(pid) = std::fs::read_to_string(entry.path().join("pid")) {
                let _ = Command::new("kill").args(["-9", pid.trim()]).status();
            }
        }
    }
}

/// A base port with 120 free ports above it, as the network script numbers them.
fn free_ports() -> u16 {
    let taken = |port: u16| TcpListener::bind(("127.0.0.1", port)).is_err();
    // Below Linux's ephemeral range (32768 up), where outgoing connections take their ports.
    let start = (std::process::id() % 80) as u16 * 150;
    (0..40)
        .map(|step| (start + step * 211) % 12_000 + 20_000)
        .find(|&base| !(0..120).any(|offset| taken(base + offset)))
        .expect("no free ports for the Tor network")
}

/// The end of every Tor's log under `base`, for a failure's message.
fn tor_logs(base: &Path) -> String {
    let mut logs = String::new();
    for entry in std::fs::read_dir(base).into_iter().flatten().flatten() {
        for file in ["start.log", "notice.log"] {
            if let Ok(text) = std::fs::read_to_string(entry.path().join(file)) {
                let lines: Vec<&str> = text.lines().collect();
                let tail = lines[lines.len().saturating_sub(8)..].join("\n");
                logs += &format!("--- {}/{file}\n{tail}\n", entry.path().display());
            }
        }
    }
    logs
}

/// A Tor of the test, joined to the network: `extra` is its own configuration.
fn start_tor(base: &Path, name: &str, extra: &str) {
    let dir = base.join(name);
    std::fs::create_dir_all(&dir).unwrap();
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(&dir, std::fs::Permissions::from_mode(0o700)).unwrap();
    let network = std::fs::read_to_string(base.join("network.torrc")).unwrap();
    let own = format!(
        "DataDirectory {d}\nPidFile {d}/pid\nRunAsDaemon 1\nLog notice file {d}/notice.log\n",
        d = dir.display()
    );
    let torrc = dir.join("torrc");
    std::fs::write(&torrc, format!("{network}{own}{extra}\n")).unwrap();
    let out = Command::new("tor").arg("-f").arg(&torrc).output().unwrap();
    assert!(
        out.status.success(),
        "tor {name}: {}\n{}",
        String::from_utf8_lossy(&out.stdout),
        tor_logs(base)
    );
}

/// `GET /` of `onion` through Tor's SOCKS port: the HTTP answer, or the SOCKS reply code Tor
/// refused the connection with.
fn get_through_tor(socks: u16, onion: &str) -> Result<String, u8> {
    let mut conn = TcpStream::connect(("127.0.0.1", socks)).map_err(|_| 0xff)?;
    conn.set_read_timeout(Some(Duration::from_secs(30)))
        .unwrap();
    let mut reply = [0u8; 4];
    conn.write_all(&[5, 1, 0]).map_err(|_| 0xff)?;
    conn.read_exact(&mut reply[..2]).map_err(|_| 0xff)?;
    if reply[..2] != [5, 0] {
        return Err(0xfd);
    }
    // CONNECT to the name, resolved by Tor, never here.
    let mut request = vec![5, 1, 0, 3, onion.len() as u8];
    request.extend_from_slice(onion.as_bytes());
    request.extend_from_slice(&80u16.to_be_bytes());
    conn.write_all(&request).map_err(|_| 0xff)?;
    conn.read_exact(&mut reply).map_err(|_| 0xff)?;
    if reply[1] != 0 {
        return Err(reply[1]);
    }
    let bound = match reply[3] {
        1 => 4 + 2,
        4 => 16 + 2,
        3 => {
            let mut len = [0u8; 1];
            conn.read_exact(&mut len).map_err(|_| 0xff)?;
            usize::from(len[0]) + 2
        }
        _ => return Err(0xfe),
    };
    let mut skip = vec![0u8; bound];
    conn.read_exact(&mut skip).map_err(|_| 0xff)?;
    let http = format!("GET /es/ HTTP/1.1\r\nHost: {onion}\r\nConnection: close\r\n\r\n");
    conn.write_all(http.as_bytes()).map_err(|_| 0xff)?;
    let mut answer = String::new();
    conn.read_to_string(&mut answer).map_err(|_| 0xff)?;
    Ok(answer)
}

#[test]
fn desk_onion_service_admits_only_authorized_devices() {
    for (tool, package) in [
        ("tor", "tor"),
        ("tor-gencert", "tor"),
        ("openssl", "openssl"),
    ] {
        if !crate::harness::tool_available(tool, "--version", package) {
            return;
        }
    }
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let desk_bind = [("RESGUARDO__DESK__BIND", "127.0.0.1:0")];
    let Some(server) = runtime.block_on(TestServer::start_with(Backend::Sqlite, &desk_bind)) else {
        return;
    };
    let dashboard = server.desk_url.trim_start_matches("http://").to_owned();
    assert!(!dashboard.is_empty(), "{}", server.logs());

    let dir = tempfile::tempdir().unwrap();
    let base = dir.path().join("tor");
    let network = Network { base: base.clone() };
    let ports = free_ports();
    let started = Instant::now();
    let out = Command::new(repo("tests/tor/network.sh"))
        .arg(&base)
        .arg(ports.to_string())
        .arg(std::process::id().to_string())
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "network.sh: {}\n{}",
        String::from_utf8_lossy(&out.stderr),
        tor_logs(&base)
    );

    // The device is authorized as an operator does it, before the service ever runs.
    let service = base.join("resguardo-desk");
    let added = Command::new(repo("deploy/tor/add-desk-device"))
        .arg("ana-phone")
        .arg(&service)
        .output()
        .unwrap();
    assert!(added.status.success(), "{added:?}");
    let printed = String::from_utf8(added.stdout).unwrap();
    let key = printed
        .lines()
        .find_map(|l| l.trim().strip_prefix("key:"))
        .unwrap()
        .trim()
        .to_owned();
    // The dashboard's service as deploy/tor/torrc ships it (commented out), enabled, with its
    // folder and the listener's address moved to this test's.
    let shipped = std::fs::read_to_string(repo("deploy/tor/torrc")).unwrap();
    let desk_lines: Vec<&str> = shipped
        .lines()
        .filter_map(|l| l.strip_prefix('#'))
        .filter(|l| l.starts_with("HiddenService"))
        .collect();
    assert!(
        desk_lines.contains(&"HiddenServicePort 80 127.0.0.1:8081"),
        "{desk_lines:?}"
    );
    let desk_service = desk_lines
        .join("\n")
        .replace(
            "/var/lib/tor/resguardo-desk/",
            &format!("{}/", service.display()),
        )
        .replace("127.0.0.1:8081", &dashboard);
    assert!(
        !desk_service.contains("/var/lib/tor") && desk_service.contains(&dashboard),
        "the shipped lines were not all moved to this test's:\n{desk_service}"
    );
    start_tor(&base, "service", &format!("SocksPort 0\n{desk_service}"));
    let hostname = service.join("hostname");
    while !hostname.exists() && started.elapsed() < Duration::from_secs(60) {
        std::thread::sleep(Duration::from_millis(200));
    }
    let onion = std::fs::read_to_string(&hostname)
        .unwrap()
        .trim()
        .to_owned();

    // Two clients: one with the printed key in its ClientOnionAuthDir, as Tor Browser keeps it,
    // one without. ExtendedErrors makes Tor say why it refused.
    let keys = base.join("keys");
    std::fs::create_dir_all(&keys).unwrap();
    let address = onion.trim_end_matches(".onion");
    std::fs::write(
        keys.join("ana-phone.auth_private"),
        format!("{address}:descriptor:x25519:{key}\n"),
    )
    .unwrap();
    let (with_key, without_key) = (ports + 110, ports + 111);
    start_tor(
        &base,
        "client-with-key",
        &format!(
            "SocksPort 127.0.0.1:{with_key} ExtendedErrors\nClientOnionAuthDir {}",
            keys.display()
        ),
    );
    start_tor(
        &base,
        "client-without-key",
        &format!("SocksPort 127.0.0.1:{without_key} ExtendedErrors"),
    );

    // The network votes, the service publishes its descriptor: until then the client with the
    // key is told the host is unreachable, and tries again.
    let page = loop {
        match get_through_tor(with_key, &onion) {
            Ok(answer) => break answer,
            Err(code) => assert!(
                started.elapsed() < Duration::from_secs(180),
                "the authorized device never reached the dashboard (last SOCKS reply {code:#x})\n{}",
                tor_logs(&base)
            ),
        }
        std::thread::sleep(Duration::from_secs(2));
    };
    assert!(page.starts_with("HTTP/1.1 200"), "{page}");
    assert!(
        page.contains("require-trusted-types-for 'script'"),
        "the dashboard's own policy:\n{page}"
    );
    eprintln!(
        "the authorized device reached the dashboard {:.1} s after the network started",
        started.elapsed().as_secs_f64()
    );
    // The descriptor is published now: without the key, Tor cannot decrypt it (0xF4). A client
    // still finding its way (unreachable, a failed fetch of the descriptor) tries again.
    let refused = loop {
        match get_through_tor(without_key, &onion) {
            Err(0xf4) => break true,
            Ok(_) | Err(0xf5) => break false,
            Err(code) => assert!(
                started.elapsed() < Duration::from_secs(240),
                "the device without the key got no answer (last SOCKS reply {code:#x})\n{}",
                tor_logs(&base)
            ),
        }
        std::thread::sleep(Duration::from_secs(2));
    };
    assert!(refused, "a device without the key reached the dashboard");
    drop(network);
}
