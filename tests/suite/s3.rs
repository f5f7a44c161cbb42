//! Attachments in an S3-compatible store (`[attachments.s3]`, docs/operations.md), against a
//! real S3 server on loopback: moto's server (`pip install 'moto[server]'`, which `.ci/run`
//! installs), started per test on a random port, on both databases. Parts go up and come down
//! whole through the real routes; the objects hold no plaintext (a canary); an abandoned upload
//! and a purged case leave the bucket, the other case's objects stay; a server killed while a
//! part is half-way in keeps what it acknowledged, and an object the store took but the database
//! never recorded is replaced by the part sent again. moto does not check signatures: SigV4 is
//! checked against AWS's own example (src/blobs/sigv4.rs).

use std::process::{Child, Command, Stdio};

use resguardo::blobs::{BlobError, BlobStore, S3Blobs, S3Config};
use resguardo::domain::AttachmentId;

use crate::attachments::{
    begin, close_and_purge, desk_get, file_of, half_a_part, opened, part, progress, put,
    reporter_of, seal, upload, Upload,
};
use crate::harness::{contains, strict, Backend, TestServer};
use crate::triage::staffed_desk;

const BUCKET: &str = "resguardo-test";
const ACCESS_KEY: &str = "resguardo";
const SECRET_KEY: &str = "not-a-secret-of-anything";

/// moto's S3 server on a port of its own, stopped when dropped.
struct S3Server {
    child: Child,
    url: String,
}

impl Drop for S3Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl S3Server {
    /// Starts it with the bucket made; `None` (the test skips) where moto is not installed,
    /// which CI does not allow.
    async fn start() -> Option<Self> {
        let installed = Command::new("moto_server")
            .arg("--help")
            .output()
            .is_ok_and(|o| o.status.success());
        if !installed {
            assert!(
                !strict(),
                "moto's S3 server is required in CI (pip install 'moto[server]')"
            );
            crate::harness::skipped("moto_server is not installed");
            return None;
        }
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let child = Command::new("moto_server")
            .args(["-H", "127.0.0.1", "-p", &port.to_string()])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let server = S3Server {
            child,
            url: format!("http://127.0.0.1:{port}"),
        };
        let http = reqwest::Client::new();
        for _ in 0..200 {
            // moto makes a bucket on an unsigned PUT; a real store would be set up by its operator.
            if let Ok(r) = http.put(format!("{}/{BUCKET}", server.url)).send().await {
                if r.status().is_success() {
                    return Some(server);
                }
            }
            tokio::time::sleep(std::time::Duration::from_millis(100)).await;
        }
        panic!("moto's S3 server did not start on port {port}");
    }

    fn env(&self) -> Vec<(String, String)> {
        vec![
            (
                "RESGUARDO__ATTACHMENTS__S3__URL".into(),
                format!("{}/{BUCKET}", self.url),
            ),
            (
                "RESGUARDO__ATTACHMENTS__S3__ACCESS_KEY".into(),
                ACCESS_KEY.into(),
            ),
            (
                "RESGUARDO__ATTACHMENTS__S3__SECRET_KEY".into(),
                SECRET_KEY.into(),
            ),
        ]
    }

    /// The same bucket, as the server's store sees it.
    fn store(&self) -> S3Blobs {
        S3Blobs::open(S3Config {
            url: format!("{}/{BUCKET}", self.url),
            region: "us-east-1".into(),
            access_key: ACCESS_KEY.into(),
            secret_key: zeroize::Zeroizing::new(SECRET_KEY.into()),
        })
        .unwrap()
    }
}

/// The attachments the bucket holds, by id.
async fn listed(store: &S3Blobs) -> Vec<String> {
    let mut ids: Vec<String> = store
        .list()
        .await
        .unwrap()
        .iter()
        .map(|id| id.to_string())
        .collect();
    ids.sort();
    ids
}

crate::on_both_backends!(
    attachments_live_in_an_s3_store,
    an_upload_to_s3_survives_a_killed_server
);

async fn attachments_live_in_an_s3_store(backend: Backend) {
    let Some(s3) = S3Server::start().await else {
        return;
    };
    let env = s3.env();
    let env: Vec<(&str, &str)> = env.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    let Some(server) = TestServer::start_with(backend, &env).await else {
        return;
    };
    let client = server.client();
    let (_, ana) = staffed_desk(&server, &client, "gt").await;
    let (closed, keys) = reporter_of(&server, "gt").await;
    let (_, other_keys) = reporter_of(&server, "gt").await;
    let canary = crate::canary::new_canary();
    let file = [canary.as_bytes(), &file_of(1_200_000, 1)].concat();
    let done_sealed = seal(&file);
    let done = upload(&server, &keys, &done_sealed).await;
    let kept = upload(&server, &other_keys, &seal(&file_of(100_000, 2))).await;
    // Begun and never finished: one part of two.
    let big = seal(&file_of(1_500_000, 4));
    let (_, created) = begin(&server, &keys, big.bucket, big.ciphertext.len() as u64).await;
    let abandoned = Upload::of(&created);
    let (status, _) = put(&server, &abandoned, 0, part(&big.ciphertext, 0)).await;
    assert_eq!(status, 200);

    let store = s3.store();
    let mut all = vec![done.id.clone(), kept.id.clone(), abandoned.id.clone()];
    all.sort();
    assert_eq!(listed(&store).await, all);
    // The objects are age ciphertext: the canary the file carries is in none of them.
    for id in &all {
        let id = AttachmentId::parse(id).unwrap();
        for n in 0.. {
            match store.part(&id, n).await {
                Ok(bytes) => assert!(
                    !contains(&bytes, canary.as_bytes()),
                    "plaintext in the store"
                ),
                Err(BlobError::Missing) => break,
                Err(e) => panic!("{e}"),
            }
        }
    }
    // Down whole through the desk's route, from the objects.
    let token = &ana.session.token;
    let (status, ciphertext) = desk_get(
        &server,
        token,
        &format!("/api/v1/desk/attachments/{}", done.id),
    )
    .await;
    assert_eq!(status, 200);
    let plaintext = opened(&done_sealed, &ciphertext);
    assert!(plaintext.starts_with(&file) && plaintext[file.len()..].iter().all(|&b| b == 0));

    // The abandoned upload leaves the bucket; then the closed case's file with the case.
    let maintenance = server.store().await.maintenance();
    let now = resguardo::time::now_secs();
    let deleted =
        resguardo::retention::forget_abandoned(&maintenance, &store, now + 26 * 3600, 24 * 3600)
            .await;
    assert_eq!(deleted.unwrap(), 1);
    let (status, _) = progress(&server, &abandoned.id, &abandoned.token).await;
    assert_eq!(status, 404);
    let purged = close_and_purge(&server, token, &closed, &maintenance, &store, now).await;
    assert_eq!(purged.attachments, 1);
    assert_eq!(listed(&store).await, vec![kept.id.clone()]);
    let gone = AttachmentId::parse(&done.id).unwrap();
    assert!(
        matches!(store.part(&gone, 0).await, Err(BlobError::Missing)),
        "its objects are deleted"
    );
    let (status, _) = desk_get(
        &server,
        token,
        &format!("/api/v1/desk/attachments/{}", kept.id),
    )
    .await;
    assert_eq!(status, 200, "the other case's file is still served");
}

async fn an_upload_to_s3_survives_a_killed_server(backend: Backend) {
    let Some(s3) = S3Server::start().await else {
        return;
    };
    let env = s3.env();
    let env: Vec<(&str, &str)> = env.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    let Some(mut server) = TestServer::start_with(backend, &env).await else {
        return;
    };
    let client = server.client();
    let (_, ana) = staffed_desk(&server, &client, "gt").await;
    let (_, keys) = reporter_of(&server, "gt").await;
    let file = file_of(2_100_000, 3);
    let sealed = seal(&file);
    let size = sealed.ciphertext.len() as u64;
    let (status, created) = begin(&server, &keys, sealed.bucket, size).await;
    assert_eq!(status, 201);
    let upload = Upload::of(&created);
    let (status, _) = put(&server, &upload, 0, part(&sealed.ciphertext, 0)).await;
    assert_eq!(status, 200);

    // SIGKILL while part 1 is half-way in: part 0, acknowledged, survives; part 1 is not served.
    let open = half_a_part(&server, &upload, 1, part(&sealed.ciphertext, 1));
    std::thread::sleep(std::time::Duration::from_millis(300));
    server.kill9();
    drop(open);
    server.restart();
    let (status, now) = progress(&server, &upload.id, &upload.token).await;
    assert_eq!((status, now["received"].as_u64()), (200, Some(1)), "{now}");
    let route = format!("/api/v1/desk/attachments/{}", upload.id);
    let (status, _) = desk_get(&server, &ana.session.token, &route).await;
    assert_eq!(status, 409);
    // A crash after the store took a part and before the database recorded it leaves an object
    // never acknowledged: the part sent again replaces it.
    let id = AttachmentId::parse(&upload.id).unwrap();
    s3.store().put_part(&id, 1, b"torn".to_vec()).await.unwrap();
    for n in 1..3 {
        let (status, body) = put(&server, &upload, n, part(&sealed.ciphertext, n as usize)).await;
        assert_eq!(status, 200, "{body}");
    }
    let (status, body) = desk_get(&server, &ana.session.token, &route).await;
    assert_eq!(status, 200);
    assert!(
        body == sealed.ciphertext,
        "after the crash, the download is the upload"
    );
}
