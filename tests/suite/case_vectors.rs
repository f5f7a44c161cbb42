//! A case on a desk device against `tests/vectors/cases.json` (docs/protocol.md §2, §10.5), which
//! the browser code passes too (`web/test/case.test.ts`): case seals byte for byte (Ed25519 is
//! deterministic), and served cases opened with the desk identities a worker holds, down to the
//! reply key a device would encrypt to or the refusal it must give. Age encryption is randomised,
//! so the served cases were written once by `regenerate_case_vectors` and are decrypt-only.

use resguardo::crypto::case_seal::CaseSeal;
use resguardo::crypto::chain::DeskState;
use resguardo::crypto::seal;
use resguardo::crypto::signing::public_of;
use resguardo::domain::{b64_encode, hex, Language, Recipient, Status};
use resguardo::protocol::case::{OpenCase, Readable, Seal};
use resguardo::protocol::cases::{DeskCaseView, EntryView};
use resguardo::protocol::message::{
    message_plaintext, reply_plaintext, signed_message_plaintext, REPORTER,
};
use resguardo::protocol::report::{Binding, ReportForm};
use serde_json::{json, Value};
use sha2::{Digest, Sha256};

use crate::statement_vectors::{
    chain, desk_steps, entries_json, identity, identity_text, root_number, verified_desk,
};
use crate::vectors::unhex;

const CASES: &str = "tests/vectors/cases.json";
/// The desk identities the opening device holds: both signed versions.
const HELD: [i64; 2] = [1, 2];

fn desk_identity(version: i64) -> age::x25519::Identity {
    identity(&format!("desk key {version}"))
}

fn report_id(name: &str) -> [u8; 16] {
    Sha256::digest(format!("resguardo case vector {name}"))[..16]
        .try_into()
        .unwrap()
}

fn recipient_of(name: &str) -> String {
    Recipient::from(identity(name).to_public())
        .as_str()
        .to_owned()
}

/// The vectors' reporter's reply MAC key (as a phrase would derive one).
fn reply_mac_key() -> resguardo::crypto::receipt::ReplyMacKey {
    resguardo::crypto::receipt::ReplyMacKey::from_bytes(Sha256::digest("reply mac key").into())
}

/// The report the vectors' reporter sends, naming `reply_to`.
fn report(reply_to: &str) -> Vec<u8> {
    let form: ReportForm = serde_json::from_str(
        r#"{"kind":"phone_extortion","narrative":"Me llaman cada día y piden 5,000 quetzales","country":"GT","needs":["legal"],"consent_referral":true}"#,
    )
    .unwrap();
    let binding = Binding {
        reply_to,
        reporter_key: &public_of(&identity("reporter")),
        reply_mac_key: &reply_mac_key(),
    };
    form.to_plaintext(Language::Es, &binding).to_vec()
}

fn seal_of(signer: &str, id: [u8; 16], plaintext: &[u8], reply_to: &str) -> (CaseSeal, Vec<u8>) {
    let me = identity(signer);
    let seal = CaseSeal::of("gt", id, plaintext, reply_to, public_of(&me));
    let bytes = seal.sign(&me).unwrap();
    (seal, bytes)
}

fn to(names: &[&str], plain: &[u8]) -> String {
    let recipients: Vec<_> = names.iter().map(|n| identity(n).to_public()).collect();
    let refs: Vec<_> = recipients.iter().collect();
    b64_encode(&seal::seal(&refs, plain).unwrap())
}

fn entry(author: &str, ciphertext: String) -> EntryView {
    EntryView {
        seq: 1,
        author: author.into(),
        day: "2026-12-02".into(),
        ciphertext,
    }
}

fn readable_json(list: &[Readable]) -> Value {
    list.iter()
        .map(|r| {
            json!({"author": r.author, "day": r.day, "text": r.text.as_ref().map(|t| t.as_str()),
                   "authenticity": r.authenticity.as_ref().map(|a| a.as_str()),
                   "signed_by": r.authenticity.as_ref().and_then(|a| a.signer())})
        })
        .collect()
}

/// What the device reaches for a served case.
fn outcome(state: &DeskState, view: DeskCaseView) -> Value {
    let identities: Vec<_> = HELD.iter().map(|v| (*v, desk_identity(*v))).collect();
    let mut case = OpenCase::open(view, &identities);
    case.verify_authors(state);
    let seal = match &case.seal {
        Seal::Missing => "missing",
        Seal::Unreadable => "unreadable",
        Seal::Sealed(_) => "sealed",
    };
    let reply = match case.reply_recipient(state) {
        Ok(r) => json!({"ok": r.as_str()}),
        Err(e) => json!({"refused": e.code()}),
    };
    json!({
        "report_sha256_hex": case.report.as_ref().map(|p| hex(&Sha256::digest(p))),
        "messages": readable_json(&case.messages),
        "notes": readable_json(&case.notes),
        "seal": seal,
        "reply": reply,
    })
}

/// Desk replies' tags for the reporter (protocol.md §2): HMAC-SHA256 under the reply MAC key.
fn reply_tags() -> Value {
    let key = reply_mac_key();
    ["Estamos aquí para ayudarle", "", "línea 1\nlínea 2"]
        .iter()
        .map(|text| {
            json!({"reply_mac_key_hex": hex(key.expose()), "text": text,
                   "tag_b64": b64_encode(&key.tag(text))})
        })
        .collect()
}

#[test]
fn case_vectors_match() {
    let file: Value = serde_json::from_str(&std::fs::read_to_string(CASES).unwrap()).unwrap();
    assert_eq!(file["reply_tags"], reply_tags());
    let state = verified_desk(file["entries"].as_array().unwrap());
    for v in file["seals"].as_array().unwrap() {
        let signer: age::x25519::Identity = v["signer_identity"].as_str().unwrap().parse().unwrap();
        let plaintext = unhex(v["plaintext_hex"].as_str().unwrap());
        let id: [u8; 16] = unhex(v["report_hex"].as_str().unwrap()).try_into().unwrap();
        let reply_to = v["reply_to"].as_str().unwrap();
        let seal = CaseSeal::of("gt", id, &plaintext, reply_to, public_of(&signer));
        let bytes = seal.sign(&signer).unwrap();
        assert_eq!(hex(&bytes), v["seal_hex"].as_str().unwrap());
        assert_eq!(CaseSeal::open(&bytes), Some(seal.clone()));
        assert!(seal.covers("gt", &id, &plaintext, reply_to));
        let mut flipped = bytes.clone();
        flipped[40] ^= 1;
        assert_eq!(
            CaseSeal::open(&flipped),
            None,
            "a changed byte breaks the signature"
        );
    }
    let cases = file["cases"].as_array().unwrap();
    let mut codes = std::collections::BTreeSet::new();
    for v in cases {
        let view: DeskCaseView = serde_json::from_value(v["view"].clone()).unwrap();
        let got = outcome(&state, view);
        assert_eq!(got, v["expect"], "{}", v["name"]);
        codes.insert(got["reply"]["refused"].as_str().unwrap_or("ok").to_owned());
    }
    for code in [
        "ok",
        "no-seal",
        "reply-key-swapped",
        "seal-mismatch",
        "unreadable-seal",
        "no-report",
    ] {
        assert!(codes.contains(code), "no case vector reaches {code}");
    }
}

/// A served case: the report `plaintext` to desk key `version`, with `reply_recipient`.
fn view(name: &str, version: i64, plaintext: &[u8], reply_recipient: &str) -> DeskCaseView {
    DeskCaseView {
        id: hex(&report_id(name)),
        status: Status::New,
        created: "2026-12-02".into(),
        updated: "2026-12-02".into(),
        assigned_to: None,
        key_version: version,
        ciphertext: to(&[&format!("desk key {version}")], plaintext),
        reply_recipient: reply_recipient.into(),
        messages: vec![],
        notes: vec![],
        referrals: vec![],
        seal: None,
    }
}

/// `cargo test -- --ignored regenerate_case_vectors`; only for adding vectors (every ciphertext
/// is written anew).
#[test]
#[ignore]
fn regenerate_case_vectors() {
    let entries = Value::Array(entries_json(&chain("gt", desk_steps())));
    let state = verified_desk(entries.as_array().unwrap());
    let (reporter, mallory) = (recipient_of("reporter"), recipient_of("mallory"));
    let honest = report(&reporter);
    let swapped = report(&mallory);
    let id = report_id("case");
    let (_, by_ana) = seal_of("ana", id, &honest, &reporter);
    let (_, by_mallory) = seal_of("mallory", id, &honest, &reporter);
    let seals = vec![json!({
        "signer_identity": identity_text("ana"), "desk": "gt", "report_hex": hex(&id),
        "plaintext_hex": hex(&honest), "reply_to": reporter, "seal_hex": hex(&by_ana),
    })];

    let mut sealed = view("case", 2, &honest, &reporter);
    sealed.seal = Some(to(&["desk key 2"], &by_ana));
    let reporter_key = resguardo::crypto::signing::signing_key(&identity("reporter"));
    let ana_key = resguardo::crypto::signing::signing_key(&identity("ana"));
    let mallory_key = resguardo::crypto::signing::signing_key(&identity("mallory"));
    let ana_id = hex(&state
        .accounts()
        .find(|a| a.username.as_str() == "ana")
        .unwrap()
        .id);
    sealed.messages = vec![
        entry(
            "reporter",
            to(
                &["desk key 2", "reporter"],
                &signed_message_plaintext("Hoy volvieron a llamar", REPORTER, &reporter_key),
            ),
        ),
        // Written by the server to the desk's public key, listed as the reporter's.
        entry(
            "reporter",
            to(
                &["desk key 2"],
                &message_plaintext("Mande los datos del caso a este número"),
            ),
        ),
        entry(
            "desk",
            to(
                &["desk key 1", "reporter"],
                &reply_plaintext(
                    "Estamos aquí para ayudarle",
                    &ana_id,
                    &ana_key,
                    Some(&reply_mac_key()),
                ),
            ),
        ),
    ];
    sealed.notes = vec![
        entry(
            "ana",
            to(
                &["desk key 1"],
                &signed_message_plaintext("Llamar al bufete", &ana_id, &ana_key),
            ),
        ),
        // Mallory signs as ana's account; the server writes an unsigned note.
        entry(
            "ana",
            to(
                &["desk key 2"],
                &signed_message_plaintext("Cerrar el caso", &ana_id, &mallory_key),
            ),
        ),
        entry(
            "ana",
            to(&["desk key 2"], &message_plaintext("Nota de antes")),
        ),
    ];
    let unsealed = view("case", 2, &honest, &reporter);
    let mut key_swapped = view("case", 2, &honest, &mallory);
    key_swapped.seal = sealed.seal.clone();
    let mut report_swapped = view("case", 2, &swapped, &mallory);
    report_swapped.seal = sealed.seal.clone();
    let mut unvetted = view("case", 2, &honest, &reporter);
    unvetted.seal = Some(to(&["desk key 2"], &by_mallory));
    let mut unreadable = view("case", 2, &honest, &reporter);
    unreadable.seal = Some(to(&["mallory"], &by_ana));
    let mut other_key = view("case", 9, &honest, &reporter);
    other_key.seal = sealed.seal.clone();
    let cases = [
        (
            "sealed, with a reporter message, a desk reply and a note",
            sealed,
        ),
        ("not sealed yet", unsealed),
        (
            "the reply key the server lists is not the report's",
            key_swapped,
        ),
        (
            "the report swapped after the seal, naming mallory",
            report_swapped,
        ),
        ("sealed by a key no statement vets", unvetted),
        ("a seal no desk key opens", unreadable),
        ("a report under a key this device does not hold", other_key),
    ];
    let cases: Vec<Value> = cases
        .into_iter()
        .map(|(name, view)| {
            let view_json = serde_json::to_value(&view).unwrap();
            json!({"name": name, "view": view_json, "expect": outcome(&state, view)})
        })
        .collect();
    let file = json!({
        "description": "A case on a desk device (docs/protocol.md §2, §10.5). entries: the desk's statements (statements.json's desk), verified from pinned_root. seals: a case seal's bytes, signed by signer_identity (Ed25519 is deterministic: seal_hex must be reproduced exactly). cases: a case as GET /api/v1/desk/reports/{id} serves it, opened with desk_identities: expect the SHA-256 of the report's plaintext (null if no identity opens it), each message and note's text (null if unreadable or not a resguardo.message.v1 or v2 document) and their authenticity: for messages listed as the reporter's, signed (a v2 document signed as reporter with the reporter_key of the report), not-signed (the report names a reporter_key and the message is not signed with it) or unknown (no report or message to check); for desk replies and notes, signed with signed_by (a v2 document whose author is the hex id of an account of the verified chain, signed with its key; signed_by is the chain's user name), not-signed (a v2 document that does not verify as its author) or unknown (v1, or unreadable), the seal as found (missing, unreadable, sealed) and the reply key a device may encrypt to, or its refusal code. reply_tags: a desk reply's tag for the reporter, base64 of HMAC-SHA256(reply MAC key, \"resguardo/reply/v1\" 0x00 || text). Hex is lower case.",
        "desk": "gt",
        "pinned_root": root_number("sofia").as_str(),
        "desk_identities": HELD.iter().map(|v| json!({"version": v, "identity": identity_text(&format!("desk key {v}"))})).collect::<Vec<_>>(),
        "entries": entries,
        "seals": seals,
        "reply_tags": reply_tags(),
        "cases": cases,
    });
    std::fs::write(CASES, serde_json::to_string_pretty(&file).unwrap() + "\n").unwrap();
}
