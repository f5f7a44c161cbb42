//! The receipt derivation against `tests/vectors/receipt.json`, which every implementation (this
//! crate, the browser client, anyone's) must pass byte for byte (docs/protocol.md §3).

use resguardo::crypto::receipt::{normalize, ReceiptPhrase};
use serde_json::Value;

const VECTORS: &str = "tests/vectors/receipt.json";

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

pub fn unhex(text: &str) -> Vec<u8> {
    (0..text.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&text[i..i + 2], 16).unwrap())
        .collect()
}

fn compute(typed: &str) -> Value {
    let phrase = ReceiptPhrase::parse(typed).unwrap();
    let keys = phrase.derive();
    let identity =
        age::secrecy::ExposeSecret::expose_secret(&keys.reply_identity.to_string()).to_owned();
    serde_json::json!({
        "typed": typed,
        "normalized": normalize(typed).as_str(),
        "lookup_hex": hex(&keys.lookup.0),
        "auth_hex": hex(keys.auth.expose()),
        "verifier_hex": hex(&keys.auth.verifier().0),
        "reply_identity": identity,
        "reply_recipient": keys.reply_recipient().to_string(),
        "reporter_key_hex": hex(&keys.reporter_public().to_bytes()),
        "reply_mac_key_hex": hex(keys.reply_mac_key.expose()),
    })
}

#[test]
fn receipt_vectors_match() {
    let text = std::fs::read_to_string(VECTORS).unwrap();
    let file: Value = serde_json::from_str(&text).unwrap();
    let vectors = file["vectors"].as_array().unwrap();
    assert!(vectors.len() >= 5);
    for v in vectors {
        let typed = v["typed"].as_str().unwrap();
        assert_eq!(&compute(typed), v, "vector for {typed:?}");
    }
}

/// Writes the vector file from the phrases in it: `cargo test -- --ignored regenerate_receipt_vectors`.
/// Only for adding vectors: a changed output means the protocol changed.
#[test]
#[ignore]
fn regenerate_receipt_vectors() {
    let phrases = [
        "ábaco acción ácido abono ágil ancla árbol atún",
        "ABACO accion acido abono agil ancla arbol atun",
        "  ábaco\tacción   ácido abono ágil ancla árbol atún \n",
        "abandon ability able about above absent absorb abstract",
        "élève abaisser écharpe échelle abandon capable décembre océan",
        "ELEVE abaisser echarpe echelle abandon capable decembre ocean",
        "e\u{301}le\u{300}ve abaisser e\u{301}charpe e\u{301}chelle abandon capable de\u{301}cembre oce\u{301}an",
    ];
    let vectors: Vec<Value> = phrases.iter().map(|p| compute(p)).collect();
    let file = serde_json::json!({
        "description": "Receipt phrase derivation (docs/protocol.md §3). `typed` is what a person typed; every other field must be reproduced exactly. Hex is lower case.",
        "argon2id": {"salt": "resguardo/receipt/v1", "m_kib": 19456, "t": 2, "p": 1, "len": 32},
        "vectors": vectors,
    });
    std::fs::create_dir_all("tests/vectors").unwrap();
    std::fs::write(VECTORS, serde_json::to_string_pretty(&file).unwrap() + "\n").unwrap();
}

const WORKER_VECTORS: &str = "tests/vectors/worker_password.json";

fn compute_worker(password: &str, desk: &str, username: &str) -> Value {
    use sha2::Digest;
    let desk_slug = resguardo::domain::DeskSlug::parse(desk).unwrap();
    let user = resguardo::domain::Username::parse(username).unwrap();
    let keys = resguardo::crypto::password::derive(password, &desk_slug, &user);
    let secret_text = |identity: &age::x25519::Identity| {
        age::secrecy::ExposeSecret::expose_secret(&identity.to_string()).to_owned()
    };
    let v1 = keys.unlock_identity(None);
    // A fixed share per vector: its bytes are the SHA-256 of the user name.
    let share_bytes: [u8; 32] = sha2::Sha256::digest(username.as_bytes()).into();
    let share = resguardo::crypto::password::UnlockShare::from_bytes(share_bytes);
    let v2 = keys.unlock_identity(Some(&share));
    serde_json::json!({
        "password": password, "desk": desk, "username": username,
        "auth_key_hex": hex(keys.auth_key.expose()),
        "unlock_identity": secret_text(&v1),
        "unlock_recipient": v1.to_public().to_string(),
        "v2": {
            "unlock_share_hex": hex(&share_bytes),
            "unlock_identity": secret_text(&v2),
            "unlock_recipient": v2.to_public().to_string(),
        },
    })
}

#[test]
fn worker_password_vectors_match() {
    let file: Value =
        serde_json::from_str(&std::fs::read_to_string(WORKER_VECTORS).unwrap()).unwrap();
    let vectors = file["vectors"].as_array().unwrap();
    assert!(vectors.len() >= 3);
    for v in vectors {
        let got = compute_worker(
            v["password"].as_str().unwrap(),
            v["desk"].as_str().unwrap(),
            v["username"].as_str().unwrap(),
        );
        assert_eq!(&got, v);
    }
}

/// `cargo test -- --ignored regenerate_worker_vectors`; only for adding vectors.
#[test]
#[ignore]
fn regenerate_worker_vectors() {
    let cases = [
        ("caballo correcto batería grapa", "gt", "ana"),
        ("caballo correcto batería grapa", "hn", "ana"),
        (
            "contraseña de más de setenta y dos bytes: ñññññññññññññññññññññññññññññññññ",
            "sv",
            "beto.m",
        ),
    ];
    let vectors: Vec<Value> = cases
        .iter()
        .map(|(p, d, u)| compute_worker(p, d, u))
        .collect();
    let file = serde_json::json!({
        "description": "Worker password derivation (docs/protocol.md §6). Every other field must be reproduced exactly from password, desk and username. unlock_identity is version 1 (accounts made before unlock shares: the second half of the derivation itself); v2 is HKDF-SHA256(second half || unlock share, no salt, \"resguardo/worker/v2/unlock\", 32 bytes) with the share given. Hex is lower case.",
        "argon2id": {"salt": "resguardo/worker/v1/<desk>/<username>", "m_kib": 65536, "t": 3, "p": 1, "len": 64},
        "vectors": vectors,
    });
    std::fs::write(
        WORKER_VECTORS,
        serde_json::to_string_pretty(&file).unwrap() + "\n",
    )
    .unwrap();
}

const WORKER_IDENTITY: &str = "tests/vectors/worker_identity.json";

/// What a device reaches unwrapping `wrapped` with the keys of `password` and `share` (base64).
fn unwrap_worker(
    password: &str,
    desk: &str,
    username: &str,
    share: Option<&str>,
    wrapped: &str,
) -> Value {
    let keys = resguardo::crypto::password::derive(
        password,
        &resguardo::domain::DeskSlug::parse(desk).unwrap(),
        &resguardo::domain::Username::parse(username).unwrap(),
    );
    let share = share.map(|text| resguardo::protocol::identity::parse_share(text).unwrap());
    match resguardo::protocol::identity::open_identity(&keys, share.as_ref(), wrapped) {
        Ok(identity) => serde_json::json!({"recipient": identity.to_public().to_string()}),
        Err(_) => serde_json::json!("wrong-password"),
    }
}

/// Unwrapping a worker's identity against `tests/vectors/worker_identity.json` (docs/protocol.md
/// §6), which the browser code passes too (`web/test/worker.test.ts`).
#[test]
fn worker_identity_vectors_match() {
    let file: Value =
        serde_json::from_str(&std::fs::read_to_string(WORKER_IDENTITY).unwrap()).unwrap();
    let vectors = file["vectors"].as_array().unwrap();
    assert!(vectors.len() >= 5);
    for v in vectors {
        let got = unwrap_worker(
            v["password"].as_str().unwrap(),
            v["desk"].as_str().unwrap(),
            v["username"].as_str().unwrap(),
            v["unlock_share"].as_str(),
            v["wrapped_identity"].as_str().unwrap(),
        );
        assert_eq!(
            got, v["expect"],
            "{} / {}",
            v["password"], v["unlock_share"]
        );
    }
}

/// `cargo test -- --ignored regenerate_worker_identity_vectors`; only for adding vectors (age
/// encryption is randomised: every wrapped_identity changes).
#[test]
#[ignore]
fn regenerate_worker_identity_vectors() {
    use resguardo::crypto::password::UnlockShare;
    use resguardo::domain::b64_encode;
    let (password, desk, username) = ("caballo correcto batería grapa", "gt", "ana");
    let keys = resguardo::crypto::password::derive(
        password,
        &resguardo::domain::DeskSlug::parse(desk).unwrap(),
        &resguardo::domain::Username::parse(username).unwrap(),
    );
    let own = resguardo::crypto::receipt::identity_from_secret(&[7; 32]);
    let own_text = age::secrecy::ExposeSecret::expose_secret(&own.to_string()).to_owned();
    // Version 1: wrapped to the password's key alone (accounts made before unlock shares).
    let v1 = resguardo::crypto::seal::seal(
        &[&keys.unlock_identity(None).to_public()],
        own_text.as_bytes(),
    )
    .unwrap();
    let v1 = b64_encode(&v1);
    let share = UnlockShare::from_bytes([0x5a; 32]);
    let v2 = resguardo::protocol::identity::wrap_identity(&keys, &share, &own).unwrap();
    let (right, wrong_share) = (b64_encode(share.expose()), b64_encode(&[0x5b; 32]));
    let cases: [(&str, Option<&str>, &str); 5] = [
        (password, None, &v1),
        ("caballo correcto bateria grapa", None, &v1),
        (password, Some(&right), &v2),
        (password, Some(&wrong_share), &v2),
        (password, None, &v2),
    ];
    let vectors: Vec<Value> = cases
        .iter()
        .map(|(p, share, wrapped)| {
            serde_json::json!({
                "password": p, "desk": desk, "username": username,
                "unlock_share": share, "wrapped_identity": wrapped,
                "expect": unwrap_worker(p, desk, username, *share, wrapped),
            })
        })
        .collect();
    let file = serde_json::json!({
        "description": "Unwrapping a worker's identity (docs/protocol.md §6). wrapped_identity is what the server stores: a binary age file, base64, to the unlock identity derived from password, desk, username and unlock_share (base64 of 32 bytes; null for an account made before shares) as worker_password.json shows, whose plaintext is the worker's identity. expect: the identity's recipient, or \"wrong-password\" when that unlock identity does not open it. Decrypt-only: age encryption is randomised.",
        "vectors": vectors,
    });
    std::fs::write(
        WORKER_IDENTITY,
        serde_json::to_string_pretty(&file).unwrap() + "\n",
    )
    .unwrap();
}

/// Safety numbers against `tests/vectors/safety_number.json` (docs/protocol.md §9), which the
/// browser code passes too (`web/test/safety.test.ts`).
#[test]
fn safety_number_vectors_match() {
    let text = std::fs::read_to_string("tests/vectors/safety_number.json").unwrap();
    let file: Value = serde_json::from_str(&text).unwrap();
    let vectors = file["vectors"].as_array().unwrap();
    assert!(vectors.len() >= 3);
    for v in vectors {
        let expected = v["safety_number"].as_str().unwrap();
        for field in ["recipient", "recipient_as_sent"] {
            let recipient =
                resguardo::domain::Recipient::parse(v[field].as_str().unwrap()).unwrap();
            let number = recipient.fingerprint();
            assert_eq!(number.as_str(), expected, "{field} of {v}");
            for typed in v["typed_alike"].as_array().unwrap() {
                assert!(number.matches_typed(typed.as_str().unwrap()), "{typed}");
            }
            for typed in v["typed_unlike"].as_array().unwrap() {
                assert!(!number.matches_typed(typed.as_str().unwrap()), "{typed}");
            }
        }
    }
}

const ACCOUNT_VECTORS: &str = "tests/vectors/account_keys.json";

/// An account's keys from its identity (docs/protocol.md §9.1).
fn compute_account(identity: &str, message: &str) -> Value {
    use std::str::FromStr;
    let identity = age::x25519::Identity::from_str(identity).unwrap();
    let signing = resguardo::crypto::signing::signing_key(&identity);
    let public = resguardo::crypto::signing::public_of(&identity);
    let recipient = resguardo::domain::Recipient::from(identity.to_public());
    serde_json::json!({
        "identity": age::secrecy::ExposeSecret::expose_secret(&identity.to_string()),
        "recipient": recipient.as_str(),
        "seed_hex": hex(signing.as_bytes()),
        "signing_public_hex": hex(&public.to_bytes()),
        "message": message,
        "signature_hex": hex(&resguardo::crypto::signing::sign(&identity, message.as_bytes())),
        "safety_number": resguardo::domain::Fingerprint::of_account(&recipient, &public).as_str(),
    })
}

#[test]
fn account_key_vectors_match() {
    let file: Value =
        serde_json::from_str(&std::fs::read_to_string(ACCOUNT_VECTORS).unwrap()).unwrap();
    let vectors = file["vectors"].as_array().unwrap();
    assert!(vectors.len() >= 3);
    for v in vectors {
        let got = compute_account(
            v["identity"].as_str().unwrap(),
            v["message"].as_str().unwrap(),
        );
        assert_eq!(&got, v);
        let public = unhex(v["signing_public_hex"].as_str().unwrap());
        let public = resguardo::domain::SigningPublic::from_bytes(&public).unwrap();
        let signature: [u8; 64] = unhex(v["signature_hex"].as_str().unwrap())
            .try_into()
            .unwrap();
        assert!(public.verifies(v["message"].as_str().unwrap().as_bytes(), &signature));
    }
}

/// `cargo test -- --ignored regenerate_account_vectors`; only for adding vectors.
#[test]
#[ignore]
fn regenerate_account_vectors() {
    use sha2::Digest;
    let vectors: Vec<Value> = (1..=3u8)
        .map(|n| {
            let secret: [u8; 32] =
                sha2::Sha256::digest(format!("resguardo account vector {n}")).into();
            let identity = resguardo::crypto::receipt::identity_from_secret(&secret);
            let text = age::secrecy::ExposeSecret::expose_secret(&identity.to_string()).to_owned();
            compute_account(&text, &format!("message {n}"))
        })
        .collect();
    let file = serde_json::json!({
        "description": "Account keys (docs/protocol.md §9.1). From identity (an age X25519 secret key): recipient, the HKDF seed, the Ed25519 public key, a pure Ed25519 signature of message (UTF-8) and the account safety number must be reproduced exactly. Hex is lower case.",
        "vectors": vectors,
    });
    std::fs::write(
        ACCOUNT_VECTORS,
        serde_json::to_string_pretty(&file).unwrap() + "\n",
    )
    .unwrap();
}

/// The password policy against `tests/vectors/password_policy.json`, which the dashboard's
/// enrolment passes too (`web/test/policy.test.ts`): the same refusals, for the same reasons.
#[test]
fn password_policy_vectors() {
    use resguardo::crypto::password::{check_policy, WeakPassword};
    use resguardo::domain::Username;
    let text = std::fs::read_to_string("tests/vectors/password_policy.json").unwrap();
    let file: serde_json::Value = serde_json::from_str(&text).unwrap();
    for case in file["cases"].as_array().unwrap() {
        let password = case["password"].as_str().unwrap();
        let username = Username::parse(case["username"].as_str().unwrap()).unwrap();
        let got = match check_policy(password, &username) {
            Ok(()) => None,
            Err(WeakPassword::TooShort) => Some("too-short"),
            Err(WeakPassword::TooLong) => Some("too-long"),
            Err(WeakPassword::Common) => Some("common"),
            Err(WeakPassword::ContainsUsername) => Some("contains-username"),
            Err(WeakPassword::Guessable(_)) => Some("guessable"),
        };
        assert_eq!(got, case["weakness"].as_str(), "{password}");
    }
}
