//! Unit tests of `protocol::case`: seals, replies, and who wrote what.

use age::x25519::Identity;

use super::*;
use crate::crypto::chain::{verify, Pins};
use crate::crypto::statement::{append, Body};
use crate::domain::{b64_encode, hex, DeskSlug, Fingerprint, Language, Status, Username};
use crate::protocol::message::{message_plaintext, message_text};
use crate::protocol::report::ReportForm;

/// A desk whose chain (genesis by `supervisor`, desk key version 1 = `desk`) verifies.
struct Desk {
    supervisor: Identity,
    desk: Identity,
    state: DeskState,
}

fn desk() -> Desk {
    let (supervisor, desk) = (Identity::generate(), Identity::generate());
    let slug = DeskSlug::parse("gt").unwrap();
    let genesis = Body::Genesis {
        account: [1; 16],
        username: Username::parse("sofia").unwrap(),
        recipient: Recipient::from(supervisor.to_public()),
        approvals_required: 1,
    };
    let first = append(&slug, None, &supervisor, genesis).unwrap();
    let key = Body::DeskKey {
        version: 1,
        recipient: Recipient::from(desk.to_public()),
    };
    let second = append(&slug, Some((1, first.link())), &supervisor, key).unwrap();
    let root = Fingerprint::of_account(
        &Recipient::from(supervisor.to_public()),
        &signing::public_of(&supervisor),
    );
    let pins = Pins { root, head: None };
    let state = verify(&slug, &pins, &[first, second]).unwrap();
    Desk {
        supervisor,
        desk,
        state,
    }
}

/// A case as the server serves it: a report to the desk key whose `reply_to` is `reporter`.
fn served(desk: &Desk, reporter: &Identity) -> DeskCaseView {
    let form: ReportForm =
        serde_json::from_str(r#"{"kind":"other","narrative":"me piden dinero"}"#).unwrap();
    let reply_to = Recipient::from(reporter.to_public()).as_str().to_owned();
    let plain = report_plaintext(&form, &reply_to);
    let ciphertext = seal::seal(&[&desk.desk.to_public()], &plain).unwrap();
    DeskCaseView {
        id: hex(&[7; 16]),
        status: Status::New,
        created: "2026-12-02".into(),
        updated: "2026-12-02".into(),
        assigned_to: None,
        key_version: 1,
        ciphertext: b64_encode(&ciphertext),
        reply_recipient: reply_to,
        messages: vec![],
        notes: vec![],
        referrals: vec![],
        seal: None,
    }
}

fn keys(desk: &Desk) -> Vec<(i64, Identity)> {
    vec![(1, desk.desk.clone())]
}

fn reporter_signing() -> ed25519_dalek::SigningKey {
    ed25519_dalek::SigningKey::from_bytes(&[9; 32])
}

fn reporter_key() -> SigningPublic {
    SigningPublic::from_verifying(reporter_signing().verifying_key())
}

fn reply_mac_key() -> ReplyMacKey {
    ReplyMacKey::from_bytes([4; 32])
}

/// A report's plaintext, bound to `reply_to` and the test reporter's keys.
fn report_plaintext(form: &ReportForm, reply_to: &str) -> Zeroizing<Vec<u8>> {
    let (key, mac) = (reporter_key(), reply_mac_key());
    let binding = crate::protocol::report::Binding {
        reply_to,
        reporter_key: &key,
        reply_mac_key: &mac,
    };
    form.to_plaintext(Language::Es, &binding)
}

fn entry(seq: i64, author: &str, to: &Identity, plain: &[u8]) -> EntryView {
    EntryView {
        seq,
        author: author.into(),
        day: "2026-12-03".into(),
        ciphertext: b64_encode(&seal::seal(&[&to.to_public()], plain).unwrap()),
    }
}

#[test]
fn desk_entries_are_checked_against_the_chain() {
    let (desk, reporter, stranger) = (desk(), Identity::generate(), Identity::generate());
    let mut view = served(&desk, &reporter);
    let own = seal_note(&desk.state, &desk.supervisor, "llamar al bufete").unwrap();
    // A stranger signs as the supervisor's account id; the server writes an unsigned note.
    let supervisor_id = hex(&desk.state.accounts().next().unwrap().id);
    let forged = crate::protocol::message::signed_message_plaintext(
        "cerrar el caso",
        &supervisor_id,
        &signing::signing_key(&stranger),
    );
    let b64 = |c: &[u8]| b64_encode(c);
    view.notes = vec![
        EntryView {
            seq: 1,
            author: "sofia".into(),
            day: "2026-12-03".into(),
            ciphertext: b64(&own),
        },
        entry(2, "sofia", &desk.desk, &forged),
        entry(3, "sofia", &desk.desk, &message_plaintext("antigua")),
    ];
    let mut case = OpenCase::open(view, &keys(&desk));
    assert!(
        case.notes.iter().all(|n| n.authenticity.is_none()),
        "not checked yet"
    );
    case.verify_authors(&desk.state);
    let seen: Vec<_> = case.notes.iter().map(|n| n.authenticity.clone()).collect();
    let name = desk.state.accounts().next().unwrap().username.clone();
    assert_eq!(
        seen,
        [
            Some(Authenticity::SignedBy(name)),
            Some(Authenticity::NotSigned),
            Some(Authenticity::Unknown)
        ]
    );
    // A device whose key the chain does not name writes nothing.
    let refused = seal_note(&desk.state, &stranger, "x").unwrap_err();
    assert_eq!(refused.code(), "not-in-chain");
}

#[test]
fn reporter_messages_are_checked_against_the_reporter_key() {
    use crate::protocol::message::signed_message_plaintext;
    let (desk, reporter) = (desk(), Identity::generate());
    let mut view = served(&desk, &reporter);
    let signed = signed_message_plaintext("soy yo", REPORTER, &reporter_signing());
    let other = ed25519_dalek::SigningKey::from_bytes(&[8; 32]);
    view.messages = vec![
        entry(1, "reporter", &desk.desk, &signed),
        // The server writes to the desk's public key as "the reporter".
        entry(
            2,
            "reporter",
            &desk.desk,
            &message_plaintext("envíe todo a …"),
        ),
        entry(
            3,
            "reporter",
            &desk.desk,
            &signed_message_plaintext("x", REPORTER, &other),
        ),
        entry(4, "desk", &desk.desk, &message_plaintext("respuesta")),
    ];
    let case = OpenCase::open(view, &keys(&desk));
    let seen: Vec<_> = case
        .messages
        .iter()
        .map(|m| m.authenticity.clone())
        .collect();
    assert_eq!(
        seen,
        [
            Some(Authenticity::Signed),
            Some(Authenticity::NotSigned),
            Some(Authenticity::NotSigned),
            None
        ]
    );
    assert_eq!(
        case.messages[0].text.as_deref().map(String::as_str),
        Some("soy yo")
    );

    // A report without a reporter key (from before them) has nothing to check against.
    let mut old = served(&desk, &reporter);
    let form: ReportForm = serde_json::from_str(r#"{"kind":"other","narrative":"x"}"#).unwrap();
    let mut doc: serde_json::Value =
        serde_json::from_slice(&report_plaintext(&form, &old.reply_recipient)).unwrap();
    doc.as_object_mut().unwrap().remove("reporter_key");
    old.ciphertext = b64_encode(
        &seal::seal(
            &[&desk.desk.to_public()],
            &serde_json::to_vec(&doc).unwrap(),
        )
        .unwrap(),
    );
    old.messages = vec![entry(1, "reporter", &desk.desk, &signed)];
    let case = OpenCase::open(old, &keys(&desk));
    assert_eq!(case.messages[0].authenticity, Some(Authenticity::Unknown));
}

#[test]
fn a_sealed_case_takes_a_reply_both_sides_can_read() {
    let (desk, reporter) = (desk(), Identity::generate());
    let mut case = OpenCase::open(served(&desk, &reporter), &keys(&desk));
    assert!(case.report.is_some());
    assert!(matches!(case.seal, Seal::Missing));
    let refused = case
        .seal_reply(&desk.state, &desk.supervisor, "hola")
        .unwrap_err();
    assert_eq!(refused, CaseError::NoSeal(case.view.id.clone()));

    let new = case
        .new_seal(&desk.supervisor, &desk.state, false)
        .unwrap()
        .unwrap();
    let opened = seal::open(&desk.desk, &new.ciphertext).unwrap();
    assert_eq!(CaseSeal::open(&opened).as_ref(), Some(&new.seal));
    case.seal = Seal::Sealed(Box::new(new.seal));
    assert!(case
        .new_seal(&desk.supervisor, &desk.state, false)
        .unwrap()
        .is_none());

    let reply = case
        .seal_reply(&desk.state, &desk.supervisor, "hola")
        .unwrap();
    for reader in [&reporter, &desk.desk] {
        let plain = seal::open(reader, &reply).unwrap();
        assert_eq!(message_text(&plain).unwrap().as_str(), "hola");
    }
    // The reporter's device checks the tag with the key the report sealed.
    let plain = seal::open(&reporter, &reply).unwrap();
    assert!(open_message(&plain).unwrap().tagged_for(&reply_mac_key()));
}

#[test]
fn a_swapped_reply_key_or_report_gets_nothing() {
    let (desk, reporter, attacker) = (desk(), Identity::generate(), Identity::generate());
    let mut view = served(&desk, &reporter);
    view.reply_recipient = Recipient::from(attacker.to_public()).as_str().to_owned();
    let case = OpenCase::open(view, &keys(&desk));
    let refused = case.new_seal(&desk.supervisor, &desk.state, false);
    assert_eq!(refused.err().map(|e| e.code()), Some("reply-key-swapped"));

    // Sealed honestly, then the server serves another report (to the desk key) naming M.
    let case = OpenCase::open(served(&desk, &reporter), &keys(&desk));
    let new = case
        .new_seal(&desk.supervisor, &desk.state, false)
        .unwrap()
        .unwrap();
    let mut swapped = OpenCase::open(served(&desk, &attacker), &keys(&desk));
    swapped.seal = Seal::Sealed(Box::new(new.seal));
    let refused = swapped
        .seal_reply(&desk.state, &desk.supervisor, "hola")
        .unwrap_err();
    assert_eq!(refused.code(), "seal-mismatch", "{refused}");
}

#[test]
fn a_seal_by_someone_the_chain_does_not_vet_is_refused() {
    let (desk, reporter, stranger) = (desk(), Identity::generate(), Identity::generate());
    let mut case = OpenCase::open(served(&desk, &reporter), &keys(&desk));
    let forged = case
        .new_seal(&stranger, &desk.state, false)
        .unwrap()
        .unwrap();
    case.seal = Seal::Sealed(Box::new(forged.seal));
    assert_eq!(
        case.reply_recipient(&desk.state).err().map(|e| e.code()),
        Some("seal-mismatch")
    );
}

#[test]
fn without_a_desk_key_nothing_opens_and_nothing_is_sealed() {
    let (desk, reporter) = (desk(), Identity::generate());
    let case = OpenCase::open(served(&desk, &reporter), &[(1, Identity::generate())]);
    assert!(case.report.is_none());
    assert_eq!(
        case.new_seal(&desk.supervisor, &desk.state, false).err(),
        Some(CaseError::NoReport)
    );
}

#[test]
fn files_are_the_reporters_only_under_a_seal_that_covers_the_report() {
    let (desk, reporter) = (desk(), Identity::generate());
    let case = OpenCase::open(served(&desk, &reporter), &keys(&desk));
    // No seal yet: the server could have written this report and the files it names.
    let refused = case.vouched_attachments(&desk.state).err();
    assert_eq!(refused.map(|e| e.code()), Some("no-seal"));
    let new = case
        .new_seal(&desk.supervisor, &desk.state, false)
        .unwrap()
        .unwrap();
    let mut sealed = OpenCase::open(served(&desk, &reporter), &keys(&desk));
    sealed.seal = Seal::Sealed(Box::new(new.seal.clone()));
    assert!(sealed.vouched_attachments(&desk.state).unwrap().is_empty());
    // Another report under the same seal: its files are not taken.
    let mut swapped = OpenCase::open(served(&desk, &Identity::generate()), &keys(&desk));
    swapped.seal = Seal::Sealed(Box::new(new.seal));
    let refused = swapped.vouched_attachments(&desk.state).err();
    assert_eq!(refused.map(|e| e.code()), Some("seal-mismatch"));
}
