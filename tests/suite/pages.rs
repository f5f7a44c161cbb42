//! The reporter pages as the server hands them out: every page and asset carries the strict
//! headers, the script is pinned by Subresource Integrity and its digest is printed in the footer
//! and by `serve`, the pages explain themselves with JavaScript off, in each language.

use base64::Engine as _;
use sha2::{Digest, Sha256};

use crate::harness::{Backend, TestServer};

const PAGES: [&str; 6] = [
    "/es/",
    "/en/",
    "/fr/",
    "/es/followup",
    "/en/followup",
    "/fr/followup",
];
const ASSETS: [&str; 3] = ["/assets/app.js", "/assets/style.css", "/assets/icon.svg"];

fn hex(bytes: &[u8]) -> String {
    Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn pages_and_assets_are_locked_down() {
    let Some(server) = TestServer::start(Backend::Sqlite).await else {
        return;
    };
    server.create_desk("gt");
    let http = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    for path in PAGES.iter().chain(ASSETS.iter()) {
        let response = http
            .get(format!("{}{path}", server.url))
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 200, "{path}");
        let headers = response.headers();
        let header = |name: &str| {
            headers
                .get(name)
                .unwrap_or_else(|| panic!("{path} lacks {name}"))
                .to_str()
                .unwrap()
                .to_owned()
        };
        let csp = header("content-security-policy");
        for part in [
            "default-src 'none'",
            "frame-ancestors 'none'",
            "base-uri 'none'",
        ] {
            assert!(csp.contains(part), "{path}: {csp}");
        }
        if PAGES.contains(path) {
            // WebAssembly compilation (Argon2id) is the one exception: no eval, no inline code.
            assert!(
                csp.contains("script-src 'self' 'wasm-unsafe-eval';"),
                "{path}: {csp}"
            );
            assert!(csp.contains("worker-src blob:;"), "{path}: {csp}");
        }
        for loose in [
            "'unsafe-inline'",
            "'unsafe-eval'",
            "'unsafe-hashes'",
            "*",
            "data:",
        ] {
            assert!(!csp.contains(loose), "{path}: {loose} in {csp}");
        }
        assert_eq!(header("x-content-type-options"), "nosniff");
        assert_eq!(header("referrer-policy"), "no-referrer");
        assert_eq!(header("cross-origin-opener-policy"), "same-origin");
        assert!(header("permissions-policy").contains("camera=()"));
        assert_eq!(header("cache-control"), "no-store");
        assert!(headers.get("set-cookie").is_none(), "{path} sets a cookie");
    }

    // The page pins the script it loads; its footer and `serve` name the same digest.
    let app = http
        .get(format!("{}/assets/app.js", server.url))
        .send()
        .await
        .unwrap()
        .bytes()
        .await
        .unwrap();
    let sri = format!(
        "sha256-{}",
        base64::engine::general_purpose::STANDARD.encode(Sha256::digest(&app))
    );
    for path in PAGES {
        let html = http
            .get(format!("{}{path}", server.url))
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        assert!(
            html.contains(&format!(r#"src="/assets/app.js" integrity="{sri}""#)),
            "{path}"
        );
        assert!(html.contains(&hex(&app)), "{path}: footer digest");
        assert!(!html.contains("<script>"), "{path}: no inline script");
        let noscript = html.split("<noscript>").nth(1).unwrap_or_default();
        assert!(noscript.contains("JavaScript"), "{path}: {noscript}");
    }
    assert!(
        server.logs().contains(&hex(&app)),
        "serve prints the digest"
    );
    // The pages name their icon, and it is served (browsers asked for /favicon.ico and got 404).
    let es_page = http
        .get(format!("{}/es/", server.url))
        .send()
        .await
        .unwrap();
    let html = es_page.text().await.unwrap();
    assert!(html.contains(r#"<link rel="icon" href="/assets/icon.svg" type="image/svg+xml">"#));
    assert!(
        html.contains("<summary>Para personas expertas</summary>"),
        "{html}"
    );
    let icon = http
        .get(format!("{}/assets/icon.svg", server.url))
        .send()
        .await
        .unwrap();
    assert_eq!(icon.status(), 200);
    assert_eq!(icon.headers()["content-type"], "image/svg+xml");
    // And where reporters go (the test server listens on 127.0.0.1; logs carry no IP address).
    let port = server.url.rsplit(':').next().unwrap();
    let address = format!("http://localhost:{port}/es/");
    assert!(
        server.logs().contains(&address),
        "serve names the pages' address {address}:\n{}",
        server.logs()
    );
    let es = http
        .get(format!("{}/es/", server.url))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(es.contains("«Más seguro»") && es.contains(r#"lang="es""#));
    assert!(es.contains(r#"id="exit""#) && es.contains("Salir rápido"));

    // The way out passes through this origin once, to tell the browser to forget it, then goes
    // on to the neutral site (docs/api.md); with or without JavaScript.
    assert!(es.contains(r#"<a id="exit" href="/exit""#), "{es}");
    let no_redirects = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let out = no_redirects
        .get(format!("{}/exit", server.url))
        .send()
        .await
        .unwrap();
    assert_eq!(out.status(), 303);
    assert!(out.headers()["location"]
        .to_str()
        .unwrap()
        .starts_with("https://"));
    assert_eq!(
        out.headers()["clear-site-data"],
        r#""cache", "cookies", "storage""#
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_root_follows_the_readers_language() {
    let Some(server) = TestServer::start(Backend::Sqlite).await else {
        return;
    };
    let http = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    for (accepted, target) in [
        ("fr-FR,fr;q=0.9", "/fr/"),
        ("en-US", "/en/"),
        ("de-DE", "/es/"),
        ("", "/es/"),
    ] {
        let response = http
            .get(format!("{}/", server.url))
            .header("accept-language", accepted)
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 303);
        assert_eq!(response.headers()["location"], target, "{accepted}");
    }
    let unknown = http
        .get(format!("{}/de/", server.url))
        .send()
        .await
        .unwrap();
    assert_eq!(unknown.status(), 404);
    assert_eq!(
        unknown.headers()["content-type"],
        "application/problem+json"
    );
}

/// The scripts a reporter downloads stay under 200 KiB compressed (measured with gzip -9).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn scripts_stay_under_200_kib_compressed() {
    let Some(server) = TestServer::start(Backend::Sqlite).await else {
        return;
    };
    let mut total = 0;
    for path in ["/assets/app.js"] {
        let body = reqwest::get(format!("{}{path}", server.url))
            .await
            .unwrap()
            .bytes()
            .await
            .unwrap();
        let mut gzip = std::process::Command::new("gzip")
            .arg("-9c")
            .stdin(std::process::Stdio::piped())
            .stdout(std::process::Stdio::piped())
            .spawn()
            .unwrap();
        std::io::Write::write_all(&mut gzip.stdin.take().unwrap(), &body).unwrap();
        let compressed = gzip.wait_with_output().unwrap().stdout.len();
        eprintln!("{path}: {} bytes, {compressed} gzip -9", body.len());
        total += compressed;
    }
    assert!(total < 200 * 1024, "{total} bytes of compressed script");
}
