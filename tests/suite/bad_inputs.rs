//! Bad input, case by case: each gets its status and problem type, none a 500, and nothing is stored.

use std::io::Write;

use rand::RngCore;
use reqwest::StatusCode;
use serde_json::{json, Value};

use resguardo::crypto::pow::{Challenge, PowKey};
use resguardo::domain::{b64_decode, b64_encode};

use crate::harness::{Backend, TestServer};

crate::on_both_backends!(
    bad_reports_are_refused_and_not_stored,
    bad_followups_are_refused
);

fn seal_to(n: usize) -> Vec<u8> {
    let keys: Vec<_> = (0..n)
        .map(|_| age::x25519::Identity::generate().to_public())
        .collect();
    let refs: Vec<_> = keys.iter().collect();
    resguardo::crypto::seal::seal(&refs, &crate::harness::document("x")).unwrap()
}

fn scrypt_file() -> Vec<u8> {
    let mut recipient = age::scrypt::Recipient::new("clave".to_owned().into());
    recipient.set_work_factor(2);
    let enc = age::Encryptor::with_recipients(std::iter::once(&recipient as &dyn age::Recipient))
        .unwrap();
    let mut out = vec![];
    let mut w = enc.wrap_output(&mut out).unwrap();
    w.write_all(b"x").unwrap();
    w.finish().unwrap();
    out
}

fn ct(bytes: Vec<u8>) -> Value {
    json!(b64_encode(&bytes))
}

fn random<const N: usize>() -> [u8; N] {
    let mut bytes = [0u8; N];
    rand::rngs::OsRng.fill_bytes(&mut bytes);
    bytes
}

/// A valid envelope with a fresh lookup and a freshly solved challenge.
async fn valid(server: &TestServer, desk_recipient: &str) -> Value {
    let recipient: age::x25519::Recipient = desk_recipient.parse().unwrap();
    let ciphertext =
        resguardo::crypto::seal::seal(&[&recipient], &crate::harness::document("x")).unwrap();
    let issued = server.client().pow().await.unwrap();
    let challenge = Challenge::parse_unverified(&b64_decode(&issued.challenge).unwrap()).unwrap();
    json!({
        "ciphertext": b64_encode(&ciphertext),
        "receipt": {"lookup": b64_encode(&random::<16>()), "verifier": b64_encode(&random::<32>())},
        "reply_recipient": age::x25519::Identity::generate().to_public().to_string(),
        "pow": {"challenge": issued.challenge, "nonce": challenge.solve(|_| {})},
    })
}

/// The PoW key the server derived from its key file, to mint challenges it will believe.
fn server_pow_key(server: &TestServer) -> PowKey {
    let text = std::fs::read_to_string(server.data_dir().join("server.key")).unwrap();
    let secret: [u8; 32] = b64_decode(text.trim()).unwrap().try_into().unwrap();
    PowKey::from_server_secret(&secret)
}

enum Body {
    Json(Value),
    Raw(&'static str, Vec<u8>),
}

async fn post(
    server: &TestServer,
    path: &str,
    body: Body,
) -> (StatusCode, Value, reqwest::header::HeaderMap) {
    let http = reqwest::Client::new();
    let request = http.post(format!("{}{path}", server.url));
    let request = match body {
        Body::Json(v) => request.json(&v),
        Body::Raw(ct, bytes) => request.header("content-type", ct).body(bytes),
    };
    let response = request.send().await.unwrap();
    let status = response.status();
    let headers = response.headers().clone();
    let text = response.text().await.unwrap();
    (
        status,
        serde_json::from_str(&text).unwrap_or(Value::Null),
        headers,
    )
}

/// Sets (or adds) the field at a JSON pointer.
fn set(mut v: Value, pointer: &str, new: Value) -> Value {
    let (parent, key) = pointer.rsplit_once('/').unwrap();
    v.pointer_mut(parent)
        .unwrap()
        .as_object_mut()
        .unwrap()
        .insert(key.to_owned(), new);
    v
}

fn remove(mut v: Value, parent: &str, key: &str) -> Value {
    v.pointer_mut(parent)
        .unwrap()
        .as_object_mut()
        .unwrap()
        .remove(key);
    v
}

fn assert_problem(
    name: &str,
    status: StatusCode,
    body: &Value,
    headers: &reqwest::header::HeaderMap,
    want: (u16, &str),
) {
    assert_eq!(status.as_u16(), want.0, "{name}: status; body {body}");
    assert_eq!(
        body["type"],
        format!("https://resguardo.invalid/problems/{}", want.1),
        "{name}: problem type"
    );
    assert_eq!(body["status"], want.0, "{name}: status in body");
    assert_eq!(
        headers["content-type"], "application/problem+json",
        "{name}"
    );
    assert!(
        headers["content-security-policy"]
            .to_str()
            .unwrap()
            .starts_with("default-src 'none'"),
        "{name}"
    );
    assert_eq!(headers["cache-control"], "no-store", "{name}");
}

async fn bad_reports_are_refused_and_not_stored(backend: Backend) {
    let Some(server) = TestServer::start(backend).await else {
        return;
    };
    let desk = server.create_desk("gt").to_public().to_string();
    let path = "/api/v1/desks/gt/reports";
    let key = server_pow_key(&server);

    let mut header_swapped = seal_to(1);
    let at = header_swapped
        .windows(6)
        .position(|w| w == b"X25519")
        .unwrap();
    header_swapped[at..at + 6].copy_from_slice(b"ssh-rs");
    let good = seal_to(1);
    let header_end = good.windows(4).position(|w| w == b"\n---").unwrap();
    let mut forged = b64_decode(
        valid(&server, &desk).await["pow"]["challenge"]
            .as_str()
            .unwrap(),
    )
    .unwrap();
    *forged.last_mut().unwrap() ^= 1;
    let expired = Challenge::mint(&key, resguardo::time::now_secs() - 1, 0);

    type Case = (
        &'static str,
        Box<dyn Fn(Value) -> Body>,
        (u16, &'static str),
    );
    let cases: Vec<Case> = vec![
        (
            "not JSON",
            Box::new(|_| Body::Raw("application/json", b"{not json".to_vec())),
            (400, "malformed-request"),
        ),
        (
            "empty body",
            Box::new(|_| Body::Raw("application/json", vec![])),
            (400, "malformed-request"),
        ),
        (
            "wrong content type",
            Box::new(|v| Body::Raw("text/plain", v.to_string().into_bytes())),
            (415, "unsupported-media-type"),
        ),
        (
            "form content type",
            Box::new(|_| Body::Raw("application/x-www-form-urlencoded", b"a=b".to_vec())),
            (415, "unsupported-media-type"),
        ),
        (
            "unknown field",
            Box::new(|v| Body::Json(set(v, "/extra", json!(1)))),
            (400, "malformed-request"),
        ),
        (
            "unknown receipt field",
            Box::new(|v| Body::Json(set(v, "/receipt/phrase", json!("x")))),
            (400, "malformed-request"),
        ),
        (
            "missing ciphertext",
            Box::new(|v| Body::Json(remove(v, "", "ciphertext"))),
            (400, "malformed-request"),
        ),
        (
            "missing pow",
            Box::new(|v| Body::Json(remove(v, "", "pow"))),
            (400, "malformed-request"),
        ),
        (
            "ciphertext a number",
            Box::new(|v| Body::Json(set(v, "/ciphertext", json!(5)))),
            (400, "malformed-request"),
        ),
        (
            "ciphertext not base64",
            Box::new(|v| Body::Json(set(v, "/ciphertext", json!("%%%")))),
            (400, "invalid-encoding"),
        ),
        (
            "ciphertext empty",
            Box::new(|v| Body::Json(set(v, "/ciphertext", json!("")))),
            (400, "invalid-ciphertext"),
        ),
        (
            "ciphertext not age",
            Box::new(|v| Body::Json(set(v, "/ciphertext", ct(random::<64>().to_vec())))),
            (400, "invalid-ciphertext"),
        ),
        (
            "ciphertext armored",
            Box::new(|v| {
                Body::Json(set(v, "/ciphertext", ct(b"-----BEGIN AGE ENCRYPTED FILE-----\nYWdl\n-----END AGE ENCRYPTED FILE-----\n".to_vec())))
            }),
            (400, "invalid-ciphertext"),
        ),
        (
            "passphrase (scrypt) stanza",
            {
                let f = scrypt_file();
                Box::new(move |v| Body::Json(set(v, "/ciphertext", ct(f.clone()))))
            },
            (400, "invalid-ciphertext"),
        ),
        (
            "9 recipients",
            {
                let f = seal_to(9);
                Box::new(move |v| Body::Json(set(v, "/ciphertext", ct(f.clone()))))
            },
            (400, "invalid-ciphertext"),
        ),
        (
            "non-X25519 stanza",
            Box::new(move |v| Body::Json(set(v, "/ciphertext", ct(header_swapped.clone())))),
            (400, "invalid-ciphertext"),
        ),
        (
            "truncated header",
            {
                let f = good[..header_end / 2].to_vec();
                Box::new(move |v| Body::Json(set(v, "/ciphertext", ct(f.clone()))))
            },
            (400, "invalid-ciphertext"),
        ),
        (
            "header without payload",
            {
                // The whole header, MAC line included, then less than nonce + one tag.
                let mac_end = header_end
                    + 1
                    + good[header_end + 1..]
                        .iter()
                        .position(|b| *b == b'\n')
                        .unwrap();
                let f = good[..mac_end + 1 + 20].to_vec();
                Box::new(move |v| Body::Json(set(v, "/ciphertext", ct(f.clone()))))
            },
            (400, "invalid-ciphertext"),
        ),
        (
            "oversized body",
            Box::new(|v| Body::Json(set(v, "/ciphertext", json!("A".repeat(300 * 1024))))),
            (413, "payload-too-large"),
        ),
        (
            "lookup 15 bytes",
            Box::new(|v| Body::Json(set(v, "/receipt/lookup", json!(b64_encode(&[1; 15]))))),
            (400, "invalid-length"),
        ),
        (
            "lookup 17 bytes",
            Box::new(|v| Body::Json(set(v, "/receipt/lookup", json!(b64_encode(&[1; 17]))))),
            (400, "invalid-length"),
        ),
        (
            "lookup not base64",
            Box::new(|v| Body::Json(set(v, "/receipt/lookup", json!("not base64!")))),
            (400, "invalid-encoding"),
        ),
        (
            "verifier 31 bytes",
            Box::new(|v| Body::Json(set(v, "/receipt/verifier", json!(b64_encode(&[1; 31]))))),
            (400, "invalid-length"),
        ),
        (
            "bad reply recipient",
            Box::new(|v| Body::Json(set(v, "/reply_recipient", json!("age1nope")))),
            (400, "invalid-recipient"),
        ),
        (
            "secret key as recipient",
            Box::new(|v| {
                Body::Json(set(
                    v,
                    "/reply_recipient",
                    json!("AGE-SECRET-KEY-1QQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQ"),
                ))
            }),
            (400, "invalid-recipient"),
        ),
        (
            "pow challenge not base64",
            Box::new(|v| Body::Json(set(v, "/pow/challenge", json!("***")))),
            (400, "invalid-encoding"),
        ),
        (
            "pow challenge short",
            Box::new(|v| Body::Json(set(v, "/pow/challenge", json!(b64_encode(&[1; 20]))))),
            (400, "pow-malformed"),
        ),
        (
            "pow forged",
            Box::new(move |v| Body::Json(set(v, "/pow/challenge", json!(b64_encode(&forged))))),
            (400, "pow-forged"),
        ),
        (
            "pow expired",
            Box::new(move |v| {
                Body::Json(set(
                    set(v, "/pow/challenge", json!(b64_encode(expired.as_bytes()))),
                    "/pow/nonce",
                    json!(0),
                ))
            }),
            (400, "pow-expired"),
        ),
        (
            "pow unsolved",
            Box::new(|v| {
                let n = v["pow"]["nonce"].as_u64().unwrap();
                Body::Json(set(v, "/pow/nonce", json!(n + 1)))
            }),
            (400, "pow-unsolved"),
        ),
        (
            "pow nonce negative",
            Box::new(|v| Body::Json(set(v, "/pow/nonce", json!(-1)))),
            (400, "malformed-request"),
        ),
        (
            "pow nonce string",
            Box::new(|v| Body::Json(set(v, "/pow/nonce", json!("7")))),
            (400, "malformed-request"),
        ),
    ];
    // "pow unsolved" can collide with a nonce that also solves the 4-bit challenge; retry with a
    // fresh envelope until the next nonce does not solve it.
    for (name, make, want) in &cases {
        let mut envelope = valid(&server, &desk).await;
        if *name == "pow unsolved" {
            loop {
                let bytes = b64_decode(envelope["pow"]["challenge"].as_str().unwrap()).unwrap();
                let c = Challenge::parse_unverified(&bytes).unwrap();
                let next = envelope["pow"]["nonce"].as_u64().unwrap() + 1;
                if c.verify(next, resguardo::time::now_secs()).is_err() {
                    break;
                }
                envelope = valid(&server, &desk).await;
            }
        }
        let (status, body, headers) = post(&server, path, make(envelope)).await;
        assert_problem(name, status, &body, &headers, *want);
        let stored = crate::harness::count_reports(&server.store().await).await;
        assert_eq!(stored, 0, "{name}: a refused report was stored");
    }

    // Unknown desks, malformed slugs and other methods.
    for p in ["/api/v1/desks/hn/reports", "/api/v1/desks/GT!/reports"] {
        let envelope = valid(&server, &desk).await;
        let (status, body, headers) = post(&server, p, Body::Json(envelope)).await;
        assert_problem(p, status, &body, &headers, (404, "desk-not-found"));
    }
    let response = reqwest::Client::new()
        .put(format!("{}{path}", server.url))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 405);
    assert_eq!(
        response.headers()["content-type"],
        "application/problem+json"
    );

    // A challenge is accepted once; a receipt lookup is unique.
    let first = valid(&server, &desk).await;
    let (status, ..) = post(&server, path, Body::Json(first.clone())).await;
    assert_eq!(status, 201);
    let replay = set(
        first.clone(),
        "/receipt/lookup",
        json!(b64_encode(&random::<16>())),
    );
    let (status, body, headers) = post(&server, path, Body::Json(replay)).await;
    assert_problem("pow reused", status, &body, &headers, (400, "pow-reused"));
    let same_lookup = set(
        valid(&server, &desk).await,
        "/receipt/lookup",
        first["receipt"]["lookup"].clone(),
    );
    let (status, body, headers) = post(&server, path, Body::Json(same_lookup)).await;
    assert_problem(
        "receipt conflict",
        status,
        &body,
        &headers,
        (409, "receipt-conflict"),
    );

    assert!(
        !server.logs().contains("\"status\":500"),
        "no request ended in a 500"
    );
}

async fn bad_followups_are_refused(backend: Backend) {
    let Some(server) = TestServer::start(backend).await else {
        return;
    };
    let cases: Vec<(&str, Value, (u16, &str))> = vec![
        (
            "lookup short",
            json!({"lookup": b64_encode(&[0; 8]), "auth": b64_encode(&[0; 32])}),
            (400, "invalid-length"),
        ),
        (
            "auth not base64",
            json!({"lookup": b64_encode(&[0; 16]), "auth": "@@"}),
            (400, "invalid-encoding"),
        ),
        (
            "unknown field",
            json!({"lookup": b64_encode(&[0; 16]), "auth": b64_encode(&[0; 32]), "x": 1}),
            (400, "malformed-request"),
        ),
        (
            "missing auth",
            json!({"lookup": b64_encode(&[0; 16])}),
            (400, "malformed-request"),
        ),
        (
            "unknown receipt",
            json!({"lookup": b64_encode(&random::<16>()), "auth": b64_encode(&random::<32>())}),
            (404, "receipt-not-found"),
        ),
    ];
    for (name, body, want) in cases {
        let (status, problem, headers) = post(&server, "/api/v1/followup", Body::Json(body)).await;
        assert_problem(name, status, &problem, &headers, want);
    }
    let message = json!({"lookup": b64_encode(&random::<16>()), "auth": b64_encode(&random::<32>()), "ciphertext": "AAAA"});
    let (status, problem, headers) =
        post(&server, "/api/v1/followup/messages", Body::Json(message)).await;
    assert_problem(
        "message not age",
        status,
        &problem,
        &headers,
        (400, "invalid-ciphertext"),
    );
}
