//! The deployment files in deploy/, checked by the validators Debian ships: `systemd-analyze
//! verify` and `security` for the unit, `tor --verify-config` for both torrc files, `nginx -t` for
//! the reverse proxy, `docker-compose config` for the compose file. No container engine runs here,
//! so the container files are checked by reading them: non-root final stages, nothing fetched by
//! ADD, the image's paths matching the unit's. The production configuration must load.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use crate::harness::{strict, BIN};

fn repo(path: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join(path)
}

fn read(path: &str) -> String {
    std::fs::read_to_string(repo(path)).unwrap()
}

/// The validator's path, or `None` (skip, outside CI) when it is not installed.
fn tool(name: &str, package: &str) -> Option<String> {
    let found = Command::new("sh")
        .args(["-c", &format!("command -v {name}")])
        .output()
        .is_ok_and(|o| o.status.success());
    if found {
        return Some(name.to_owned());
    }
    assert!(
        !strict(),
        "{name} is required in CI (apt-get install {package})"
    );
    crate::harness::skipped(&format!("{name} is not installed"));
    None
}

fn succeeded(what: &str, out: &Output) -> String {
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(out.status.success(), "{what} failed:\n{text}");
    text
}

#[test]
fn systemd_unit_verifies_and_is_hardened() {
    let Some(analyze) = tool("systemd-analyze", "systemd") else {
        return;
    };
    // `verify` checks that ExecStart exists: point it at the binary just built.
    let dir = tempfile::tempdir().unwrap();
    let unit = dir.path().join("resguardo.service");
    let text = read("deploy/systemd/resguardo.service");
    assert!(text.contains("ExecStart=/usr/local/bin/resguardo serve"));
    std::fs::write(&unit, text.replace("/usr/local/bin/resguardo", BIN)).unwrap();
    let verify = Command::new(&analyze)
        .arg("verify")
        .arg(&unit)
        .output()
        .unwrap();
    succeeded("systemd-analyze verify", &verify);
    // What the issue asks for, and what keeps a compromised process in its box.
    for line in [
        "User=resguardo",
        "ProtectSystem=strict",
        "NoNewPrivileges=yes",
        "PrivateTmp=yes",
        "StateDirectory=resguardo",
        "SystemCallFilter=@system-service",
        "UMask=0077",
        "LimitCORE=0",
    ] {
        assert!(text.lines().any(|l| l == line), "the unit lacks {line}");
    }
    // systemd's own exposure score: 0 is fully locked down, 10 is not at all; 2 or less is "OK".
    let security = Command::new(&analyze)
        .args(["security", "--offline=true", "--threshold=20"])
        .arg(&unit)
        .output()
        .unwrap();
    let report = succeeded("systemd-analyze security", &security);
    let score: f64 = report
        .lines()
        .find_map(|l| l.split("exposure level for resguardo.service: ").nth(1))
        .and_then(|rest| rest.split_whitespace().next())
        .and_then(|n| n.parse().ok())
        .unwrap_or_else(|| panic!("no exposure level in:\n{report}"));
    eprintln!("systemd exposure level: {score}");
    assert!(score <= 2.0, "exposure {score}:\n{report}");
}

#[test]
fn tor_configurations_verify() {
    let Some(tor) = tool("tor", "tor") else {
        return;
    };
    for file in ["deploy/tor/torrc", "deploy/tor/torrc.compose"] {
        let text = read(file);
        for line in [
            "SafeLogging 1",
            "HiddenServiceVersion 3",
            "HiddenServicePoWDefensesEnabled 1",
        ] {
            assert!(text.lines().any(|l| l == line), "{file} lacks {line}");
        }
        // Tor's own directories are moved into a scratch directory; every other line is as shipped.
        let dir = tempfile::tempdir().unwrap();
        let copy = dir.path().join("torrc");
        let scratch = dir.path().to_str().unwrap();
        std::fs::write(&copy, text.replace("/var/lib/tor", scratch)).unwrap();
        let out = Command::new(&tor)
            .args(["--verify-config", "-f"])
            .arg(&copy)
            .output()
            .unwrap();
        succeeded(&format!("tor --verify-config {file}"), &out);
    }
}

/// `deploy/tor/add-desk-device` authorizes a device for the dashboard's onion service: a
/// `descriptor:x25519:` line with the public key in the service's `authorized_clients/` (0600), and
/// the private key printed once, base32 as Tor Browser takes it, whose public key is that line's.
#[test]
fn desk_onion_devices_are_authorized() {
    let Some(tor) = tool("tor", "tor") else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let service = dir.path().join("resguardo-desk");
    std::fs::create_dir(&service).unwrap();
    // As Tor makes it: private to Tor, or Tor refuses to start.
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(&service, std::fs::Permissions::from_mode(0o700)).unwrap();
    let onion = "a".repeat(56);
    std::fs::write(service.join("hostname"), format!("{onion}.onion\n")).unwrap();
    let add = |name: &str| {
        Command::new(repo("deploy/tor/add-desk-device"))
            .arg(name)
            .arg(&service)
            .output()
            .unwrap()
    };
    let out = add("ana-phone");
    let printed = succeeded("add-desk-device", &out);
    let auth_path = service.join("authorized_clients/ana-phone.auth");
    let auth = std::fs::read_to_string(&auth_path).unwrap();
    let public = auth.trim().strip_prefix("descriptor:x25519:").unwrap();
    let base32 = |s: &str| {
        s.len() == 52
            && s.bytes()
                .all(|b| b.is_ascii_uppercase() || (b'2'..=b'7').contains(&b))
    };
    assert!(base32(public), "{auth}");
    let mode = std::fs::metadata(&auth_path).unwrap().permissions().mode();
    assert_eq!(mode & 0o077, 0, "the .auth file is private to Tor");
    let private = printed
        .lines()
        .find_map(|l| l.trim().strip_prefix("key:"))
        .unwrap()
        .trim()
        .to_owned();
    assert!(base32(&private), "{printed}");
    assert!(
        printed.contains(&format!("http://{onion}.onion/")),
        "{printed}"
    );
    // The printed private key's public half, as openssl computes it, is the authorized one.
    let raw = resguardo::domain::base32_decode(&private).unwrap();
    let pkcs8_prefix = [
        0x30, 0x2e, 0x02, 0x01, 0x00, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x6e, 0x04, 0x22, 0x04,
        0x20,
    ];
    let der = dir.path().join("private.der");
    std::fs::write(&der, [&pkcs8_prefix[..], &raw].concat()).unwrap();
    let derived = Command::new("openssl")
        .args([
            "pkey", "-inform", "DER", "-pubout", "-outform", "DER", "-in",
        ])
        .arg(&der)
        .output()
        .unwrap();
    assert!(derived.status.success(), "openssl pkey");
    let derived = &derived.stdout[derived.stdout.len() - 32..];
    assert_eq!(
        Some(derived.to_vec()),
        resguardo::domain::base32_decode(public)
    );
    // A second device gets its own file; a name used already, one with odd characters, or a
    // planted link, none.
    assert!(add("ana-phone").status.code() != Some(0));
    assert!(add("../x").status.code() != Some(0));
    std::os::unix::fs::symlink(
        "/tmp/elsewhere",
        service.join("authorized_clients/eve.auth"),
    )
    .unwrap();
    assert!(add("eve").status.code() != Some(0));
    assert!(!std::path::Path::new("/tmp/elsewhere").exists());
    std::fs::remove_file(service.join("authorized_clients/eve.auth")).unwrap();
    assert!(add("beto-laptop").status.success());
    // Before Tor ever ran the service: the folder is made (0700) and the first device added.
    let fresh = dir.path().join("fresh");
    let first = Command::new(repo("deploy/tor/add-desk-device"))
        .arg("carla-phone")
        .arg(&fresh)
        .output()
        .unwrap();
    let said = succeeded("add-desk-device before Tor", &first);
    assert!(said.contains("hostname"), "{said}");
    assert!(fresh.join("authorized_clients/carla-phone.auth").is_file());
    let mode = std::fs::metadata(&fresh).unwrap().permissions().mode();
    assert_eq!(mode & 0o077, 0);
    // Shipped disabled (Tor would publish it open until a device is authorized); enabled, as
    // the operator does after the first device, Tor accepts both services and their clients.
    let shipped = read("deploy/tor/torrc");
    assert!(shipped.contains("#HiddenServiceDir /var/lib/tor/resguardo-desk/"));
    let enabled = shipped.replace("#HiddenService", "HiddenService");
    let torrc = enabled.replace("/var/lib/tor", dir.path().to_str().unwrap());
    std::fs::write(dir.path().join("torrc"), torrc).unwrap();
    let out = Command::new(&tor)
        .args(["--verify-config", "-f"])
        .arg(dir.path().join("torrc"))
        .output()
        .unwrap();
    succeeded("tor --verify-config with the desk service", &out);
}

#[test]
fn nginx_configuration_tests() {
    let Some(nginx) = tool("nginx", "nginx-light") else {
        return;
    };
    let text = read("deploy/nginx/resguardo.conf");
    assert!(
        text.contains("access_log off;"),
        "an access log lists reporters"
    );
    assert!(text.contains("Strict-Transport-Security"));
    // A throw-away certificate and a minimal main file around the shipped server blocks.
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path().to_str().unwrap();
    let cert = Command::new("openssl")
        .args(["req", "-x509", "-newkey", "ec", "-pkeyopt"])
        .args([
            "ec_paramgen_curve:P-256",
            "-nodes",
            "-days",
            "1",
            "-subj",
            "/CN=test",
        ])
        .args([
            "-keyout",
            &format!("{d}/key.pem"),
            "-out",
            &format!("{d}/cert.pem"),
        ])
        .output()
        .unwrap();
    succeeded("openssl req", &cert);
    // The reporters' host and the dashboard's own host (mesa.…), each with its certificate.
    let mut site = text.replace("/var/log/nginx/", &format!("{d}/"));
    for host in ["mesa.reportes.example.org", "reportes.example.org"] {
        site = site
            .replace(
                &format!("/etc/letsencrypt/live/{host}/fullchain.pem"),
                &format!("{d}/cert.pem"),
            )
            .replace(
                &format!("/etc/letsencrypt/live/{host}/privkey.pem"),
                &format!("{d}/key.pem"),
            );
    }
    assert!(
        site.contains("proxy_pass http://127.0.0.1:8081;"),
        "the dashboard has a host of its own"
    );
    std::fs::write(format!("{d}/site.conf"), site).unwrap();
    std::fs::write(
        format!("{d}/nginx.conf"),
        format!("pid {d}/nginx.pid;\nerror_log {d}/main.log;\nevents {{}}\nhttp {{\n  include {d}/site.conf;\n}}\n"),
    )
    .unwrap();
    let out = Command::new(&nginx)
        .args(["-t", "-p", d, "-c", &format!("{d}/nginx.conf")])
        .output()
        .unwrap();
    succeeded("nginx -t", &out);
}

#[test]
fn compose_file_is_valid_and_publishes_nothing() {
    let Some(compose) = tool("docker-compose", "docker-compose") else {
        return;
    };
    let out = Command::new(&compose)
        .args(["-f"])
        .arg(repo("deploy/compose.yaml"))
        .args(["config"])
        .output()
        .unwrap();
    let resolved = succeeded("docker-compose config", &out);
    // Only the onion service reaches the outside: no published ports, an internal database network.
    assert!(!resolved.contains("ports:"), "{resolved}");
    assert!(resolved.contains("internal: true"), "{resolved}");
    assert!(resolved.contains("read_only: true"), "{resolved}");
}

/// The final stage of each container file runs as a non-root user; nothing is downloaded by ADD.
#[test]
fn container_files_run_unprivileged() {
    for file in ["deploy/Containerfile", "deploy/tor/Containerfile"] {
        let text = read(file);
        assert!(
            !text.lines().any(|l| l.trim_start().starts_with("ADD ")),
            "{file}: use COPY, and fetch nothing at build time by ADD"
        );
        let last_stage = text.rsplit("\nFROM ").next().unwrap();
        let user = last_stage
            .lines()
            .filter_map(|l| l.strip_prefix("USER "))
            .next_back()
            .unwrap_or_else(|| panic!("{file}: the final stage sets no USER"));
        assert!(
            !["root", "0", "0:0"].contains(&user.trim()),
            "{file}: runs as {user}"
        );
    }
    let image = read("deploy/Containerfile");
    assert!(image.contains("cargo build --release --locked"));
    assert!(image.contains("RESGUARDO__DATABASE__URL=sqlite:///var/lib/resguardo/resguardo.db"));
    assert!(image.contains("COPY config/production.toml /etc/resguardo/resguardo.toml"));
}

/// config/production.toml loads and the server migrates with it (on SQLite in a scratch directory).
#[test]
fn production_configuration_loads() {
    let dir = tempfile::tempdir().unwrap();
    let db = format!("sqlite://{}/resguardo.db", dir.path().display());
    let out = Command::new(BIN)
        .arg("migrate")
        .env("RESGUARDO_CONFIG", repo("config/production.toml"))
        .env("RESGUARDO__DATABASE__URL", &db)
        .env(
            "RESGUARDO__SECRETS__SERVER_KEY_FILE",
            dir.path().join("server.key"),
        )
        .output()
        .unwrap();
    succeeded("resguardo migrate with config/production.toml", &out);
}
