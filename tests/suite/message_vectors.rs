//! Signed message documents against `tests/vectors/messages.json` (docs/protocol.md §2, §8), which
//! the browser code passes too (`web/test/message.test.ts`): a note, desk replies with and
//! without the reporter's tag, a desk message to a partner and a partner's answer, each as the Rust
//! code writes it. Ed25519 is deterministic, so the signature and tag must be reproduced exactly;
//! key order inside the JSON may differ between implementations, the padded length may not.

use resguardo::crypto::receipt::ReplyMacKey;
use resguardo::crypto::signing;
use resguardo::domain::hex;
use resguardo::protocol::attachments::ManifestEntry;
use resguardo::protocol::message::{
    desk_to_partner_author, message_with_attachments, partner_author, reply_plaintext,
    signed_message_plaintext, REPORTER,
};
use serde_json::{json, Value};
use sha2::Digest;

use crate::statement_vectors::{entries_json, id, identity, identity_text, root_number};

const MESSAGES: &str = "tests/vectors/messages.json";
const TEXT: &str = "Línea 1\nlínea 2: «comillas», \"citas\", \\ y 5,000 Q.";

fn mac_key() -> ReplyMacKey {
    ReplyMacKey::from_bytes([9; 32])
}

/// Two files a reporter's message announces, with keys of their own (docs/protocol.md §12).
fn files() -> Vec<ManifestEntry> {
    let entry = |name: &str, size: u64, media_type: &str| ManifestEntry {
        id: hex(&id(name)),
        key: identity_text(name),
        media_type: media_type.into(),
        size,
        sha256: hex(&sha2::Sha256::digest(format!("file {name}"))),
        name: Some(format!("{name}.bin")),
        orientation: None,
        cleaned: false,
        original: false,
    };
    vec![
        entry("captura", 48_213, "image/jpeg"),
        entry("audio", 1_048_577, "audio/ogg"),
    ]
}

fn vector_file() -> Value {
    let referral = hex(&id("referral a"));
    let account = |name: &str| hex(&id(name));
    let key = |name: &str| signing::signing_key(&identity(name));
    let cases = [
        ("note", "sofia", account("sofia"), None),
        ("reply", "ana", account("ana"), Some(mac_key())),
        ("reply", "ana", account("ana"), None),
        (
            "to_partner",
            "ana",
            desk_to_partner_author(&account("ana"), &referral),
            None,
        ),
        ("partner_answer", "bufete", partner_author(&referral), None),
        ("reporter_files", "lucia", REPORTER.to_owned(), None),
    ];
    let messages: Vec<Value> = cases
        .into_iter()
        .map(|(kind, signer, author, mac)| {
            let plain = match kind {
                "reply" => reply_plaintext(TEXT, &author, &key(signer), mac.as_ref()),
                "reporter_files" => message_with_attachments(TEXT, &author, &key(signer), &files()),
                _ => signed_message_plaintext(TEXT, &author, &key(signer)),
            };
            json!({
                "kind": kind, "signer_identity": identity_text(signer), "author": author,
                "text": TEXT, "reply_mac_key_hex": mac.map(|k| hex(k.expose())),
                "plaintext": String::from_utf8(plain.to_vec()).unwrap(),
            })
        })
        .collect();
    json!({
        "description": "Signed message documents (docs/protocol.md §2, §8) as the Rust code writes them: kind (note, reply, to_partner, partner_answer, reporter_files: a reporter's resguardo.message.v3 announcing two attachments, signed over their manifest digest), the signer's identity, author and text, the reporter's reply MAC key for a tagged reply, and the padded plaintext. A twin must produce a document with the same schema, text, author, sig and mac (Ed25519 and HMAC are deterministic) padded to the same length. entries: statements.json's desk, verified from pinned_root, whose account ana signs the to_partner message for referral_hex.",
        "desk": "gt",
        "pinned_root": root_number("sofia").as_str(),
        "entries": entries_json(&crate::statement_vectors::chain(
            "gt",
            crate::statement_vectors::desk_steps()
        )),
        "referral_hex": referral,
        "messages": messages,
        "manifest_digest_hex": hex(&resguardo::protocol::attachments::manifest_digest(&files()).unwrap()),
    })
}

#[test]
fn message_vectors_match() {
    let file: Value = serde_json::from_str(&std::fs::read_to_string(MESSAGES).unwrap()).unwrap();
    assert_eq!(file, vector_file());
    // Each reads back as signed by its author, as the desk's devices check it.
    for v in file["messages"].as_array().unwrap() {
        let message =
            resguardo::protocol::message::open_message(v["plaintext"].as_str().unwrap().as_bytes())
                .unwrap();
        let signer: age::x25519::Identity = v["signer_identity"].as_str().unwrap().parse().unwrap();
        let author = v["author"].as_str().unwrap();
        assert!(
            message.signed_by(author, &signing::public_of(&signer)),
            "{v}"
        );
        assert_eq!(
            message.tagged_for(&mac_key()),
            !v["reply_mac_key_hex"].is_null()
        );
    }
}

/// `cargo test -- --ignored regenerate_message_vectors`; only for adding vectors.
#[test]
#[ignore]
fn regenerate_message_vectors() {
    let text = serde_json::to_string_pretty(&vector_file()).unwrap() + "\n";
    std::fs::write(MESSAGES, text).unwrap();
}
