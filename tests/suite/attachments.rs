//! Attachments (docs/protocol.md §12) through the real server, on both backends: a reporter
//! uploads an encrypted file in parts with the receipt, resumes after a connection dropped
//! half-way through a part and after the server was killed (SIGKILL) in the middle of one; a
//! desk lists and downloads it, byte for byte, and opens it with the `age` crate and Debian's
//! `age`; the limits, the quota and a wrong first part are refused with problems; abandoned
//! uploads and the attachments of purged cases leave the blob store.

use std::io::Write;
use std::path::PathBuf;

use resguardo::client::reporter;
use resguardo::crypto::padding::file_bucket;
use resguardo::crypto::receipt::{Language, ReceiptKeys};
use resguardo::domain::b64_encode;
use serde_json::{json, Value};

use crate::harness::{Backend, TestServer};
use crate::triage::staffed_desk;

crate::on_both_backends!(
    an_attachment_goes_up_in_parts_and_comes_down_whole,
    reservations_at_once_keep_to_the_limit,
    uploads_survive_a_killed_server,
    purges_and_abandoned_uploads_empty_the_blob_store,
);

/// An attachment as a device makes it: the file padded with zeros to its bucket, encrypted to a
/// key of its own.
pub struct Sealed {
    pub identity: age::x25519::Identity,
    pub bucket: u64,
    pub ciphertext: Vec<u8>,
}

pub fn seal(file: &[u8]) -> Sealed {
    let identity = age::x25519::Identity::generate();
    let recipient = identity.to_public();
    let bucket = file_bucket(file.len() as u64);
    let mut plaintext = file.to_vec();
    plaintext.resize(bucket as usize, 0);
    let encryptor =
        age::Encryptor::with_recipients(std::iter::once(&recipient as &dyn age::Recipient))
            .unwrap();
    let mut ciphertext = vec![];
    let mut writer = encryptor.wrap_output(&mut ciphertext).unwrap();
    writer.write_all(&plaintext).unwrap();
    writer.finish().unwrap();
    Sealed {
        identity,
        bucket,
        ciphertext,
    }
}

/// A file of `len` bytes that does not compress to nothing.
pub(crate) fn file_of(len: usize, seed: u8) -> Vec<u8> {
    (0..len)
        .map(|i| (i as u8).wrapping_mul(31).wrapping_add(seed))
        .collect()
}

/// An upload's id and token.
pub struct Upload {
    pub id: String,
    pub token: String,
}

impl Upload {
    /// The upload an answer to `POST /api/v1/followup/attachments` began.
    pub(crate) fn of(created: &Value) -> Self {
        Upload {
            id: created["id"].as_str().unwrap().to_owned(),
            token: created["token"].as_str().unwrap().to_owned(),
        }
    }
}

/// The problem type of an error answer: the last segment of its `type`.
fn problem(body: &Value) -> String {
    let kind = body["type"].as_str().unwrap_or_default();
    kind.rsplit('/').next().unwrap_or_default().to_owned()
}

async fn answer(response: reqwest::Response) -> (u16, Value) {
    let status = response.status().as_u16();
    let body = response.bytes().await.unwrap();
    (status, serde_json::from_slice(&body).unwrap_or(Value::Null))
}

/// `POST /api/v1/followup/attachments`: the status and the answer.
pub async fn begin(
    server: &TestServer,
    keys: &ReceiptKeys,
    bucket: u64,
    size: u64,
) -> (u16, Value) {
    let id = resguardo::domain::AttachmentId::random().to_string();
    begin_as(server, keys, &id, bucket, size).await
}

/// `POST /api/v1/followup/attachments` for the attachment id `id`.
async fn begin_as(
    server: &TestServer,
    keys: &ReceiptKeys,
    id: &str,
    bucket: u64,
    size: u64,
) -> (u16, Value) {
    let body = json!({"id": id, "lookup": b64_encode(&keys.lookup.0),
                      "auth": b64_encode(keys.auth.expose()), "bucket": bucket, "size": size});
    let url = format!("{}/api/v1/followup/attachments", server.url);
    answer(
        reqwest::Client::new()
            .post(url)
            .json(&body)
            .send()
            .await
            .unwrap(),
    )
    .await
}

/// `PUT /api/v1/uploads/{id}/parts/{part}`: the status and the answer.
pub async fn put(server: &TestServer, upload: &Upload, part: u64, body: &[u8]) -> (u16, Value) {
    let url = format!("{}/api/v1/uploads/{}/parts/{part}", server.url, upload.id);
    let response = reqwest::Client::new()
        .put(url)
        .bearer_auth(&upload.token)
        .header("Content-Type", "application/octet-stream")
        .body(body.to_vec())
        .send()
        .await
        .unwrap();
    answer(response).await
}

/// `put`, sent again while the server answers `upload-busy`, as a device does after a dropped
/// connection: the dropped request holds the upload until the server notices it is gone.
async fn put_when_free(server: &TestServer, upload: &Upload, n: u64, body: &[u8]) -> (u16, Value) {
    for _ in 0..50 {
        let (status, answer) = put(server, upload, n, body).await;
        if problem(&answer) != "upload-busy" {
            return (status, answer);
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    panic!("part {n} stayed busy for 5 seconds");
}

/// `GET /api/v1/uploads/{id}` with `token`.
pub(crate) async fn progress(server: &TestServer, id: &str, token: &str) -> (u16, Value) {
    let url = format!("{}/api/v1/uploads/{id}", server.url);
    answer(
        reqwest::Client::new()
            .get(url)
            .bearer_auth(token)
            .send()
            .await
            .unwrap(),
    )
    .await
}

/// Part `part` of `ciphertext` (parts of 1 MiB).
pub(crate) fn part(ciphertext: &[u8], part: usize) -> &[u8] {
    let start = part * (1 << 20);
    &ciphertext[start..(start + (1 << 20)).min(ciphertext.len())]
}

/// Begins an upload of `sealed` and sends every part; the upload.
pub async fn upload(server: &TestServer, keys: &ReceiptKeys, sealed: &Sealed) -> Upload {
    let size = sealed.ciphertext.len() as u64;
    let (status, created) = begin(server, keys, sealed.bucket, size).await;
    assert_eq!(status, 201, "{created}");
    let upload = Upload::of(&created);
    let parts = created["parts"].as_u64().unwrap() as usize;
    for n in 0..parts {
        let (status, body) = put(server, &upload, n as u64, part(&sealed.ciphertext, n)).await;
        assert_eq!(status, 200, "{body}");
        assert_eq!(body["received"], n as u64 + 1);
        assert_eq!(body["complete"], n + 1 == parts);
    }
    upload
}

/// A GET of the desk's API as `token`: the status and the body's bytes.
pub(crate) async fn desk_get(server: &TestServer, token: &str, path: &str) -> (u16, Vec<u8>) {
    let response = reqwest::Client::new()
        .get(format!("{}{path}", server.url))
        .bearer_auth(token)
        .send()
        .await
        .unwrap();
    let status = response.status().as_u16();
    (status, response.bytes().await.unwrap().to_vec())
}

/// Sends the head of a part and half its body on a raw connection, and leaves it open: a
/// reporter whose connection drops (or whose server dies) half-way through a part.
pub(crate) fn half_a_part(
    server: &TestServer,
    upload: &Upload,
    n: u64,
    body: &[u8],
) -> std::net::TcpStream {
    let address = server.url.trim_start_matches("http://");
    let mut stream = std::net::TcpStream::connect(address).unwrap();
    let head = format!(
        "PUT /api/v1/uploads/{}/parts/{n} HTTP/1.1\r\nHost: {address}\r\nAuthorization: Bearer {}\r\n\
         Content-Type: application/octet-stream\r\nContent-Length: {}\r\n\r\n",
        upload.id,
        upload.token,
        body.len()
    );
    stream.write_all(head.as_bytes()).unwrap();
    stream.write_all(&body[..body.len() / 2]).unwrap();
    stream.flush().unwrap();
    stream
}

pub(crate) fn opened(sealed: &Sealed, ciphertext: &[u8]) -> Vec<u8> {
    let decryptor = age::Decryptor::new_buffered(ciphertext).unwrap();
    let mut reader = decryptor
        .decrypt(std::iter::once(&sealed.identity as &dyn age::Identity))
        .unwrap();
    let mut plaintext = vec![];
    std::io::Read::read_to_end(&mut reader, &mut plaintext).unwrap();
    plaintext
}

pub(crate) async fn reporter_of(server: &TestServer, desk: &str) -> (String, ReceiptKeys) {
    let form = crate::harness::form("me piden dinero por unas fotos");
    let client = server.client();
    let submitted = reporter::submit(&client, desk, &form, Language::Es, None, |_| {});
    let submitted = submitted.await.unwrap();
    let keys = reporter::derive(&submitted.phrase).await;
    (submitted.id, keys)
}

fn blob_dir(server: &TestServer) -> PathBuf {
    server.dir.path().join("data/blobs")
}

/// The attachments the blob store holds (their directories' names).
fn stored(server: &TestServer) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(blob_dir(server))
        .map(|entries| {
            entries
                .map(|e| e.unwrap().file_name().into_string().unwrap())
                .collect()
        })
        .unwrap_or_default();
    names.sort();
    names
}

async fn an_attachment_goes_up_in_parts_and_comes_down_whole(backend: Backend) {
    let Some(server) = TestServer::start(backend).await else {
        return;
    };
    let client = server.client();
    let (_, ana) = staffed_desk(&server, &client, "gt").await;
    let (_, hn_ana) = staffed_desk(&server, &client, "hn").await;
    let (case, keys) = reporter_of(&server, "gt").await;

    // A file of 2.4 MB: its bucket is 2.5 MiB, sent in three parts.
    let file = file_of(2_400_000, 7);
    let sealed = seal(&file);
    assert_eq!(sealed.bucket, 2_621_440);
    let size = sealed.ciphertext.len() as u64;
    let (status, created) = begin(&server, &keys, sealed.bucket, size).await;
    assert_eq!(status, 201, "{created}");
    assert_eq!(
        (
            created["size"].as_u64(),
            created["part_bytes"].as_u64(),
            created["parts"].as_u64()
        ),
        (Some(size), Some(1 << 20), Some(3))
    );
    assert_eq!(
        (created["received"].as_u64(), created["complete"].as_bool()),
        (Some(0), Some(false))
    );
    let upload = Upload::of(&created);

    // Out of order, the wrong type, the wrong length: refused, nothing stored.
    let (status, body) = put(&server, &upload, 1, part(&sealed.ciphertext, 1)).await;
    assert_eq!(
        (status, problem(&body).as_str()),
        (409, "part-out-of-order"),
        "{body}"
    );
    let url = format!("{}/api/v1/uploads/{}/parts/0", server.url, upload.id);
    let response = reqwest::Client::new()
        .put(&url)
        .bearer_auth(&upload.token)
        .header("Content-Type", "application/json")
        .body(part(&sealed.ciphertext, 0).to_vec())
        .send()
        .await
        .unwrap();
    assert_eq!(response.status().as_u16(), 415);
    let (status, body) = put(&server, &upload, 0, &part(&sealed.ciphertext, 0)[1..]).await;
    assert_eq!(
        (status, problem(&body).as_str()),
        (400, "invalid-part"),
        "{body}"
    );
    let wrong = Upload {
        id: upload.id.clone(),
        token: resguardo::domain::Secret32::random().to_text().to_string(),
    };
    let (status, body) = put(&server, &wrong, 0, part(&sealed.ciphertext, 0)).await;
    assert_eq!(
        (status, problem(&body).as_str()),
        (404, "upload-not-found"),
        "{body}"
    );
    // The token of another upload (of the same report) opens only that one.
    let other = seal(b"otra");
    let (status, created) =
        begin(&server, &keys, other.bucket, other.ciphertext.len() as u64).await;
    assert_eq!(status, 201);
    let theirs = Upload {
        id: upload.id.clone(),
        token: Upload::of(&created).token,
    };
    let (status, body) = put(&server, &theirs, 0, part(&sealed.ciphertext, 0)).await;
    assert_eq!(
        (status, problem(&body).as_str()),
        (404, "upload-not-found"),
        "{body}"
    );
    assert!(stored(&server).is_empty(), "{:?}", stored(&server));

    // Part 0, twice (a retry after a lost answer changes nothing); the desk cannot fetch yet.
    for _ in 0..2 {
        let (status, body) = put(&server, &upload, 0, part(&sealed.ciphertext, 0)).await;
        assert_eq!(
            (status, body["received"].as_u64()),
            (200, Some(1)),
            "{body}"
        );
    }
    let token = &ana.session.token;
    let path = format!("/api/v1/desk/attachments/{}", upload.id);
    let (status, _) = desk_get(&server, token, &path).await;
    assert_eq!(status, 409, "an incomplete attachment is not served");

    // While half of part 1 is in, the part cannot be sent beside it (upload-busy); then that
    // connection drops: the progress still says part 1 comes next.
    let half = half_a_part(&server, &upload, 1, part(&sealed.ciphertext, 1));
    // Time for the server to take that part in hand (it then waits for the rest of its body).
    tokio::time::sleep(std::time::Duration::from_secs(1)).await;
    let (status, body) = put(&server, &upload, 1, part(&sealed.ciphertext, 1)).await;
    assert_eq!(
        (status, problem(&body).as_str()),
        (409, "upload-busy"),
        "{body}"
    );
    drop(half);
    let (status, now) = progress(&server, &upload.id, &upload.token).await;
    assert_eq!((status, now["received"].as_u64()), (200, Some(1)), "{now}");
    let (status, _) = progress(&server, &upload.id, &wrong.token).await;
    assert_eq!(status, 404);
    for n in 1..3 {
        let (status, body) =
            put_when_free(&server, &upload, n, part(&sealed.ciphertext, n as usize)).await;
        assert_eq!(status, 200, "{body}");
    }
    let (_, now) = progress(&server, &upload.id, &upload.token).await;
    assert_eq!(
        (now["received"].as_u64(), now["complete"].as_bool()),
        (Some(3), Some(true))
    );

    // The desk lists it and downloads it whole; the file is the first bytes of the plaintext.
    let (status, listed) = desk_get(
        &server,
        token,
        &format!("/api/v1/desk/reports/{case}/attachments"),
    )
    .await;
    assert_eq!(status, 200);
    let listed: Value = serde_json::from_slice(&listed).unwrap();
    assert_eq!(listed.as_array().unwrap().len(), 2, "{listed}");
    let listed = listed.as_array().unwrap();
    let ours = listed
        .iter()
        .find(|a| a["id"] == upload.id.as_str())
        .unwrap();
    assert_eq!(
        (
            ours["id"].as_str(),
            ours["size"].as_u64(),
            ours["complete"].as_bool()
        ),
        (Some(upload.id.as_str()), Some(size), Some(true))
    );
    let (status, body) = desk_get(&server, token, &path).await;
    assert_eq!(status, 200);
    assert!(
        body == sealed.ciphertext,
        "the download is the upload, byte for byte"
    );
    let plaintext = opened(&sealed, &body);
    assert_eq!(&plaintext[..file.len()], &file[..]);
    assert!(plaintext[file.len()..].iter().all(|b| *b == 0));
    if crate::harness::tool_available("age", "--version", "age") {
        let dir = tempfile::tempdir().unwrap();
        let key = dir.path().join("key.txt");
        let secret =
            age::secrecy::ExposeSecret::expose_secret(&sealed.identity.to_string()).to_owned();
        std::fs::write(&key, secret).unwrap();
        std::fs::write(dir.path().join("file.age"), &body).unwrap();
        let out = std::process::Command::new("age")
            .args(["-d", "-i"])
            .arg(&key)
            .arg(dir.path().join("file.age"))
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        assert_eq!(
            &out.stdout[..file.len()],
            &file[..],
            "Debian's age opens it too"
        );
    }
    let trail = server.audit_rows().await;
    assert!(trail.iter().any(|r| r.entry.action == "attachment.read"
        && r.entry.subject == format!("{case} {}", upload.id)
        && r.entry.actor == "ana"));

    // A HEAD sends no byte, and so is not a read.
    let reads = |rows: &[resguardo::store::AuditRow]| {
        rows.iter()
            .filter(|r| r.entry.action == "attachment.read")
            .count()
    };
    let before = reads(&server.audit_rows().await);
    let head = reqwest::Client::new()
        .head(format!("{}{path}", server.url))
        .bearer_auth(token)
        .send()
        .await
        .unwrap();
    assert_eq!(head.status().as_u16(), 200);
    let length = head
        .headers()
        .get("content-length")
        .map(|v| v.to_str().unwrap().to_owned());
    assert_eq!(length, Some(size.to_string()));
    assert_eq!(reads(&server.audit_rows().await), before);

    // Another desk's worker finds neither the list nor the file.
    let (status, _) = desk_get(&server, &hn_ana.session.token, &path).await;
    assert_eq!(status, 404);
    let (status, _) = desk_get(
        &server,
        &hn_ana.session.token,
        &format!("/api/v1/desk/reports/{case}/attachments"),
    )
    .await;
    assert_eq!(status, 404);
    let (status, _) = desk_get(&server, "not-a-token", &path).await;
    assert_eq!(status, 401);
}

/// The limits of one report and the server's quota, and a first part that is not what was
/// declared: refused with problems, and a refused upload frees its place.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn limits_quota_and_wrong_first_parts_are_refused() {
    let limits = [
        ("RESGUARDO__ATTACHMENTS__MAX_FILES_PER_REPORT", "2"),
        ("RESGUARDO__ATTACHMENTS__MAX_REPORT_BYTES", "1048576"),
        // 1.1 MiB: a 1 MiB bucket fits alone, not beside two small files.
        ("RESGUARDO__ATTACHMENTS__MAX_TOTAL_BYTES", "1153434"),
    ];
    let server = TestServer::start_with(Backend::Sqlite, &limits)
        .await
        .unwrap();
    server.create_desk("gt");
    let (_, keys) = reporter_of(&server, "gt").await;
    let small = seal(b"una captura");
    let small_size = small.ciphertext.len() as u64;

    // Declared values that cannot belong to one attachment.
    for (bucket, size) in [
        (70_000, small_size),
        (65_536, 65_536),
        (65_536, small_size + 400),
    ] {
        let (status, body) = begin(&server, &keys, bucket, size).await;
        assert_eq!(
            (status, problem(&body).as_str()),
            (400, "invalid-field"),
            "{bucket} {size}: {body}"
        );
    }
    // A wrong receipt finds nothing.
    let mut stranger = reporter::derive(&resguardo::crypto::receipt::ReceiptPhrase::generate(
        Language::Es,
    ))
    .await;
    let (status, body) = begin(&server, &stranger, small.bucket, small_size).await;
    assert_eq!(
        (status, problem(&body).as_str()),
        (404, "receipt-not-found"),
        "{body}"
    );
    stranger.lookup = keys.lookup;
    let (status, _) = begin(&server, &stranger, small.bucket, small_size).await;
    assert_eq!(status, 404, "the lookup without its auth key");

    // A first part whose recipient is not X25519, or a length one byte past the declared file's:
    // refused, and the upload is gone, so its place in the report is free again.
    let mut foreign = small.ciphertext.clone();
    let at = foreign.windows(6).position(|w| w == b"X25519").unwrap();
    foreign[at + 5] = b'8';
    let mut longer = small.ciphertext.clone();
    longer.push(0);
    for body in [foreign, longer] {
        let (status, created) = begin(&server, &keys, small.bucket, body.len() as u64).await;
        assert_eq!(status, 201, "{created}");
        let upload = Upload::of(&created);
        let (status, answer) = put(&server, &upload, 0, &body).await;
        assert_eq!(
            (status, problem(&answer).as_str()),
            (400, "invalid-ciphertext"),
            "{answer}"
        );
        let (status, _) = progress(&server, &upload.id, &upload.token).await;
        assert_eq!(status, 404, "a refused upload is deleted");
    }
    assert!(stored(&server).is_empty());

    // The device names each attachment: an id that is not one, or one another report took, is
    // refused.
    let (status, body) = begin_as(&server, &keys, "not-an-id", small.bucket, small_size).await;
    assert_eq!(
        (status, problem(&body).as_str()),
        (400, "invalid-field"),
        "{body}"
    );
    let id = resguardo::domain::AttachmentId::random().to_string();
    let (status, created) = begin_as(&server, &keys, &id, small.bucket, small_size).await;
    assert_eq!(
        (status, created["id"].as_str()),
        (201, Some(id.as_str())),
        "{created}"
    );
    let (_, another) = reporter_of(&server, "gt").await;
    let (status, body) = begin_as(&server, &another, &id, small.bucket, small_size).await;
    assert_eq!(
        (status, problem(&body).as_str()),
        (409, "attachment-exists"),
        "{body}"
    );
    let (status, _) = put(&server, &Upload::of(&created), 0, &small.ciphertext).await;
    assert_eq!(status, 200);

    // Two files fit (the one above and another); a third does not.
    upload(&server, &keys, &seal(b"otra captura")).await;
    let (status, body) = begin(&server, &keys, small.bucket, small_size).await;
    assert_eq!(
        (status, problem(&body).as_str()),
        (409, "attachment-limit"),
        "{body}"
    );

    // Another report: 1 MiB of files may be padded by an eighth, no more.
    let (_, other) = reporter_of(&server, "gt").await;
    let too_big = file_bucket(1_200_000);
    let size = resguardo::crypto::ciphertext::stream_len(200, too_big);
    let (status, body) = begin(&server, &other, too_big, size).await;
    assert_eq!(
        (status, problem(&body).as_str()),
        (409, "attachment-limit"),
        "{body}"
    );
    // A 1 MiB bucket fits the report, but not the server's quota, which two files use already.
    let size = resguardo::crypto::ciphertext::stream_len(200, 1 << 20);
    let (status, body) = begin(&server, &other, 1 << 20, size).await;
    assert_eq!(
        (status, problem(&body).as_str()),
        (507, "storage-full"),
        "{body}"
    );
}

async fn uploads_survive_a_killed_server(backend: Backend) {
    let Some(mut server) = TestServer::start(backend).await else {
        return;
    };
    let client = server.client();
    let (_, ana) = staffed_desk(&server, &client, "gt").await;
    let (_, keys) = reporter_of(&server, "gt").await;
    let file = file_of(2_100_000, 3);
    let sealed = seal(&file);
    let (status, created) = begin(
        &server,
        &keys,
        sealed.bucket,
        sealed.ciphertext.len() as u64,
    )
    .await;
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
    let (status, _) = desk_get(
        &server,
        &ana.session.token,
        &format!("/api/v1/desk/attachments/{}", upload.id),
    )
    .await;
    assert_eq!(status, 409);
    // What a crash between writing a part and recording it leaves: the part in place and a
    // temporary file, neither acknowledged. The part is sent again and replaces the part; the
    // temporary file is never read, and goes with the attachment.
    let dir = blob_dir(&server).join(&upload.id);
    std::fs::write(dir.join("1"), b"torn").unwrap();
    std::fs::write(dir.join("1.00000000deadbeef.tmp"), b"torn").unwrap();
    for n in 1..3 {
        let (status, body) = put(&server, &upload, n, part(&sealed.ciphertext, n as usize)).await;
        assert_eq!(status, 200, "{body}");
    }
    let (status, body) = desk_get(
        &server,
        &ana.session.token,
        &format!("/api/v1/desk/attachments/{}", upload.id),
    )
    .await;
    assert_eq!(status, 200);
    assert!(
        body == sealed.ciphertext,
        "after the crash, the download is the upload"
    );
    assert_eq!(&opened(&sealed, &body)[..file.len()], &file[..]);
}

async fn purges_and_abandoned_uploads_empty_the_blob_store(backend: Backend) {
    let Some(server) = TestServer::start(backend).await else {
        return;
    };
    let client = server.client();
    let (_, ana) = staffed_desk(&server, &client, "gt").await;
    let (closed, keys) = reporter_of(&server, "gt").await;
    let (open_case, other_keys) = reporter_of(&server, "gt").await;
    let done = upload(&server, &keys, &seal(&file_of(100_000, 1))).await;
    let kept = upload(&server, &other_keys, &seal(&file_of(100_000, 2))).await;
    // Begun and never finished: one part of two.
    let big = seal(&file_of(1_500_000, 4));
    let (_, created) = begin(&server, &keys, big.bucket, big.ciphertext.len() as u64).await;
    let abandoned = Upload::of(&created);
    let (status, _) = put(&server, &abandoned, 0, part(&big.ciphertext, 0)).await;
    assert_eq!(status, 200);
    let mut all = vec![done.id.clone(), kept.id.clone(), abandoned.id.clone()];
    all.sort();
    assert_eq!(stored(&server), all);

    let store = server.store().await.maintenance();
    let blobs = resguardo::blobs::open(&blob_dir(&server)).unwrap();
    let now = resguardo::time::now_secs();
    // Its start is kept to the hour, rounded down: with an hour's window it is not deleted at
    // once, and with a day's not 23 hours on; 26 hours on, it is.
    let day = 24 * 3600;
    for (later, window) in [(now, 3600), (now + 23 * 3600, day)] {
        resguardo::retention::forget_abandoned(&store, &*blobs, later, window)
            .await
            .unwrap();
        assert_eq!(stored(&server).len(), 3, "never deleted early");
    }
    let later = now + 26 * 3600;
    let deleted = resguardo::retention::forget_abandoned(&store, &*blobs, later, day).await;
    assert_eq!(deleted.unwrap(), 1);
    let (status, _) = progress(&server, &abandoned.id, &abandoned.token).await;
    assert_eq!(status, 404);
    let mut left = vec![done.id.clone(), kept.id.clone()];
    left.sort();
    assert_eq!(stored(&server), left);

    // The case is closed, and purged 91 days on: its attachment goes with it, the other stays.
    let token = &ana.session.token;
    let report = close_and_purge(&server, token, &closed, &store, &*blobs, now).await;
    assert_eq!((report.cases(), report.attachments), (1, 1));
    assert_eq!(stored(&server), vec![kept.id.clone()]);
    let (status, _) = desk_get(
        &server,
        token,
        &format!("/api/v1/desk/attachments/{}", kept.id),
    )
    .await;
    assert_eq!(status, 200);
    let (status, _) = desk_get(
        &server,
        token,
        &format!("/api/v1/desk/reports/{open_case}/attachments"),
    )
    .await;
    assert_eq!(status, 200);
}

/// Closes case `id` as a case worker (`token`) would, then runs the retention purge 91 days
/// after `now`, when closed cases are 90 days past: what it purged.
pub(crate) async fn close_and_purge(
    server: &TestServer,
    token: &str,
    id: &str,
    store: &resguardo::store::Maintenance,
    blobs: &dyn resguardo::blobs::BlobStore,
    now: i64,
) -> resguardo::retention::PurgeReport {
    let url = format!("{}/api/v1/desk/reports/{id}/status", server.url);
    let response = reqwest::Client::new()
        .post(url)
        .bearer_auth(token)
        .json(&json!({"status": "closed"}))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status().as_u16(), 204);
    let days = |n| resguardo::domain::Days::parse(n).unwrap();
    let settings = resguardo::config::RetentionSettings {
        closed_days: days(90),
        spam_days: days(7),
        untriaged_days: days(0),
        interval_secs: 3600,
        desks: Default::default(),
    };
    let later = now + 91 * 86_400;
    resguardo::retention::purge(store, blobs, &settings, later, false)
        .await
        .unwrap()
}

/// Reservations that arrive together, for one report: exactly as many as the report may hold
/// are made (the reservation waits for the others, on PostgreSQL as on SQLite); and an id begun
/// again is renewed for its own report's unfinished upload, refused otherwise.
async fn reservations_at_once_keep_to_the_limit(backend: Backend) {
    let files = [("RESGUARDO__ATTACHMENTS__MAX_FILES_PER_REPORT", "3")];
    let Some(server) = TestServer::start_with(backend, &files).await else {
        return;
    };
    server.create_desk("gt");
    let (_, keys) = reporter_of(&server, "gt").await;
    let sealed = seal(b"una captura");
    let size = sealed.ciphertext.len() as u64;
    let begins = (0..12).map(|_| begin(&server, &keys, sealed.bucket, size));
    let answers = futures_util::future::join_all(begins).await;
    let made = answers.iter().filter(|(status, _)| *status == 201).count();
    let refused = answers
        .iter()
        .filter(|(status, body)| *status == 409 && problem(body) == "attachment-limit")
        .count();
    assert_eq!((made, refused), (3, 9), "{answers:?}");

    // An id is the device's: begun again by the same report, with the same bucket and length (its
    // answer was lost), an unfinished upload gets a new token and keeps its parts; any other
    // begin of a taken id is refused.
    let (_, keys) = reporter_of(&server, "gt").await;
    let (_, stranger) = reporter_of(&server, "gt").await;
    let file = seal(&file_of(1_500_000, 9));
    let size = file.ciphertext.len() as u64;
    let id = resguardo::domain::AttachmentId::random().to_string();
    let (status, first) = begin_as(&server, &keys, &id, file.bucket, size).await;
    assert_eq!(status, 201, "{first}");
    let first = Upload::of(&first);
    let (status, _) = put(&server, &first, 0, part(&file.ciphertext, 0)).await;
    assert_eq!(status, 200);
    let (status, again) = begin_as(&server, &keys, &id, file.bucket, size).await;
    assert_eq!(
        (status, again["received"].as_u64()),
        (200, Some(1)),
        "{again}"
    );
    let again = Upload::of(&again);
    assert_ne!(again.token, first.token);
    let (status, _) = progress(&server, &id, &first.token).await;
    assert_eq!(status, 404, "the old token no longer works");
    for (who, length) in [(&stranger, size), (&keys, size + 1)] {
        let (status, body) = begin_as(&server, who, &id, file.bucket, length).await;
        assert_eq!(
            (status, problem(&body).as_str()),
            (409, "attachment-exists"),
            "{body}"
        );
    }
    let (status, done) = put(&server, &again, 1, part(&file.ciphertext, 1)).await;
    assert_eq!(
        (status, done["complete"].as_bool()),
        (200, Some(true)),
        "{done}"
    );
    let (status, body) = begin_as(&server, &keys, &id, file.bucket, size).await;
    assert_eq!(
        (status, problem(&body).as_str()),
        (409, "attachment-exists"),
        "a finished one: {body}"
    );
}
