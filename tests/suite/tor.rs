//! The command line reaches onion services only through Tor.

use std::process::Command;

use crate::harness::BIN;

/// An onion address is reached only through Tor's SOCKS proxy, with the name handed to the proxy
/// (socks5h), never looked up here. A stand-in proxy records what it was asked to connect to; a
/// closed proxy port is named in the error.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn onion_addresses_go_through_the_tor_proxy() {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let proxy = format!("socks5h://{}", listener.local_addr().unwrap());
    let asked = tokio::spawn(async move {
        let (mut conn, _) = listener.accept().await.unwrap();
        let mut greeting = [0u8; 2];
        conn.read_exact(&mut greeting).await.unwrap();
        let mut methods = vec![0u8; usize::from(greeting[1])];
        conn.read_exact(&mut methods).await.unwrap();
        conn.write_all(&[5, 0]).await.unwrap();
        let mut request = [0u8; 4];
        conn.read_exact(&mut request).await.unwrap();
        assert_eq!(request[3], 3, "a domain name, not an address resolved here");
        let mut len = [0u8; 1];
        conn.read_exact(&mut len).await.unwrap();
        let mut name = vec![0u8; usize::from(len[0]) + 2];
        conn.read_exact(&mut name).await.unwrap();
        // "Host unreachable": this stand-in goes no further.
        conn.write_all(&[5, 4, 0, 1, 0, 0, 0, 0, 0, 0])
            .await
            .unwrap();
        String::from_utf8(name[..name.len() - 2].to_vec()).unwrap()
    });
    let onion = "resguardo2x3d4kq7vyzoxuqmlhqbwfkdxqlzhj3tb3wdvfhvqrqzgrad.onion";
    let dir = tempfile::tempdir().unwrap();
    let report = dir.path().join("report.json");
    std::fs::write(&report, r#"{"kind": "other", "narrative": "por Tor"}"#).unwrap();
    let submit = |proxy: &str| {
        let (proxy, report) = (proxy.to_owned(), report.clone());
        let server = format!("http://{onion}");
        tokio::task::spawn_blocking(move || {
            Command::new(BIN)
                .env("RESGUARDO_TOR_PROXY", proxy)
                .args(["report", "submit", "--server", &server, "--desk", "gt"])
                .arg("--file")
                .arg(report)
                .stdin(std::process::Stdio::null())
                .output()
                .unwrap()
        })
    };
    let out = submit(&proxy).await.unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(asked.await.unwrap(), onion);

    let closed = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = closed.local_addr().unwrap().port();
    drop(closed);
    let out = submit(&format!("socks5h://127.0.0.1:{port}"))
        .await
        .unwrap();
    let said = String::from_utf8_lossy(&out.stderr);
    assert!(said.contains("is Tor running?"), "{said}");
    let out = submit("socks5://127.0.0.1:9050").await.unwrap();
    let said = String::from_utf8_lossy(&out.stderr);
    assert!(said.contains("must be a socks5h://"), "{said}");
}
