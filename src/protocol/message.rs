//! A message document (docs/protocol.md §2): what a reporter's message, a desk reply, a desk note,
//! a consent-override reason and a partner's answer each carry, padded like a report before it is
//! encrypted.
//!
//! `resguardo.message.v1` is `{schema, text}`. `resguardo.message.v2` adds who signed it and the
//! signature, so that a reader can tell the author's messages from ones the server wrote (it can
//! encrypt to any public key, but sign with none of the authors'):
//!
//! ```text
//! {"schema": "resguardo.message.v2", "text": …, "author": "reporter", "sig": base64(64 bytes)}
//! sig = Ed25519(author's key, "resguardo/message/v2" 0x00 || author 0x00 || text as UTF-8)
//! ```
//!
//! `resguardo.message.v3` is a v2 message that announces attachments (§12): it adds their manifest
//! entries, `attachments`, and its signature covers them too, so that no one who can read the
//! thread can present other files under the author's name:
//!
//! ```text
//! sig = Ed25519(author's key, "resguardo/message/v3" 0x00 || author 0x00 || text as UTF-8 0x00
//!               || manifest_digest(attachments))
//! ```
//!
//! A desk reply also carries `mac`, base64 of HMAC-SHA256(reply MAC key, "resguardo/reply/v1" 0x00
//! || text), with the key the reporter sealed in the report (`crypto::receipt`): the reporter's
//! device, which holds no desk statements, checks that with its phrase.
//!
//! Authors are `reporter`, signing with the reporter key derived from the receipt phrase
//! (`crypto::receipt`), whose public half is sealed in the report; desk accounts, named by their
//! account id (32 lower-case hex digits), signing with their account key (`crypto::signing`),
//! which the desk's verified statements name; partners, named `partner:` and the referral's id,
//! signing with the key derived from their identity as an account's is, which a `partner_keys`
//! statement names; and desk accounts writing to a partner, named `desk:`, the account's id, `:`
//! and the referral's id.

use ed25519_dalek::{Signer, SigningKey};
use serde_json::{Map, Value};
use zeroize::Zeroizing;

use crate::crypto::padding;
use crate::crypto::receipt::ReplyMacKey;
use crate::domain::{b64_decode_array, b64_encode, SigningPublic};
use crate::protocol::attachments::{manifest_digest, manifest_in, ManifestEntry};

const V1: &str = "resguardo.message.v1";
const V2: &str = "resguardo.message.v2";
const V3: &str = "resguardo.message.v3";
/// The author name of a reporter's signed message.
pub const REPORTER: &str = "reporter";

/// The author a partner's answer to referral `referral` (its id, 32 lower-case hex digits) is
/// signed as: naming the referral, so that the server cannot replay an answer under another one.
pub fn partner_author(referral: &str) -> String {
    format!("partner:{referral}")
}

/// The author a desk account's message to the partner of referral `referral` is signed as: the
/// account's id and the referral's (32 lower-case hex digits each), so that it cannot be moved
/// under another referral either.
pub fn desk_to_partner_author(account: &str, referral: &str) -> String {
    format!("desk:{account}:{referral}")
}

/// A message in a case thread (schema `resguardo.message.v1`), padded like a report.
pub fn message_plaintext(text: &str) -> Zeroizing<Vec<u8>> {
    let mut doc = Map::new();
    doc.insert("schema".into(), V1.into());
    doc.insert("text".into(), text.into());
    padding::pad(doc)
}

/// What a signature covers: v2's, or with the digest of the attachments' manifest, v3's.
fn signed_bytes(author: &str, text: &str, attachments: Option<&[u8; 32]>) -> Zeroizing<Vec<u8>> {
    let context: &[u8] = match attachments {
        None => b"resguardo/message/v2\0",
        Some(_) => b"resguardo/message/v3\0",
    };
    let mut bytes = [context, author.as_bytes(), b"\0", text.as_bytes()].concat();
    if let Some(digest) = attachments {
        bytes.push(0);
        bytes.extend_from_slice(digest);
    }
    Zeroizing::new(bytes)
}

/// A message signed by `author` with `key` (schema `resguardo.message.v2`), padded.
pub fn signed_message_plaintext(text: &str, author: &str, key: &SigningKey) -> Zeroizing<Vec<u8>> {
    padding::pad(signed_doc(text, author, key))
}

/// A message announcing `attachments` (schema `resguardo.message.v3`, signed over their manifest
/// too), padded; with none, the v2 message `signed_message_plaintext` writes.
pub fn message_with_attachments(
    text: &str,
    author: &str,
    key: &SigningKey,
    attachments: &[ManifestEntry],
) -> Zeroizing<Vec<u8>> {
    let Some(digest) = manifest_digest(attachments).filter(|_| !attachments.is_empty()) else {
        return signed_message_plaintext(text, author, key);
    };
    let signature = key
        .sign(&signed_bytes(author, text, Some(&digest)))
        .to_bytes();
    let mut doc = Map::new();
    doc.insert("schema".into(), V3.into());
    doc.insert("text".into(), text.into());
    doc.insert("author".into(), author.into());
    doc.insert("sig".into(), b64_encode(&signature).into());
    let entries = serde_json::to_value(attachments).unwrap_or_default();
    doc.insert("attachments".into(), entries);
    padding::pad(doc)
}

/// A desk reply: signed by its author and, when the report sealed a reply MAC key, tagged with it
/// for the reporter.
pub fn reply_plaintext(
    text: &str,
    author: &str,
    key: &SigningKey,
    reply_mac_key: Option<&ReplyMacKey>,
) -> Zeroizing<Vec<u8>> {
    let mut doc = signed_doc(text, author, key);
    if let Some(mac_key) = reply_mac_key {
        doc.insert("mac".into(), b64_encode(&mac_key.tag(text)).into());
    }
    padding::pad(doc)
}

fn signed_doc(text: &str, author: &str, key: &SigningKey) -> Map<String, Value> {
    let signature = key.sign(&signed_bytes(author, text, None)).to_bytes();
    let mut doc = Map::new();
    doc.insert("schema".into(), V2.into());
    doc.insert("text".into(), text.into());
    doc.insert("author".into(), author.into());
    doc.insert("sig".into(), b64_encode(&signature).into());
    doc
}

/// A decrypted message document of any version.
pub struct Message {
    pub text: Zeroizing<String>,
    /// The attachments a v3 document announces, checked in form (`manifest_of`); empty for v1
    /// and v2. Whether the author announced them is `signed_by`'s answer.
    pub attachments: Vec<ManifestEntry>,
    /// The author a v2 or v3 document names and its signature; `None` for v1.
    signed: Option<(String, [u8; 64])>,
    /// A v3 document's digest of its attachments, which its signature covers.
    digest: Option<[u8; 32]>,
    /// A desk reply's tag for the reporter; `None` when it has none.
    mac: Option<[u8; 32]>,
}

impl Message {
    /// The author a v2 or v3 document names; `None` for v1.
    pub fn author(&self) -> Option<&str> {
        self.signed.as_ref().map(|(author, _)| author.as_str())
    }

    /// Whether a desk reply carries the tag of its text under the reporter's `key`.
    pub fn tagged_for(&self, key: &ReplyMacKey) -> bool {
        self.mac.is_some_and(|tag| key.verifies(&self.text, &tag))
    }

    /// Whether the document is signed as `author` by `key`.
    pub fn signed_by(&self, author: &str, key: &SigningPublic) -> bool {
        self.signed.as_ref().is_some_and(|(named, signature)| {
            named == author
                && key.verifies(
                    &signed_bytes(author, &self.text, self.digest.as_ref()),
                    signature,
                )
        })
    }
}

/// A decrypted message document, if it is one: v1, v2 with a well-formed signature field, or v3
/// whose attachments are, besides, a manifest of at least one entry.
pub fn open_message(plaintext: &[u8]) -> Option<Message> {
    let doc: Value = serde_json::from_slice(plaintext).ok()?;
    let text = Zeroizing::new(doc.get("text")?.as_str()?.to_owned());
    let schema = doc.get("schema")?.as_str()?;
    let signed = match schema {
        V1 => None,
        V2 | V3 => {
            let author = doc.get("author")?.as_str()?.to_owned();
            let signature = b64_decode_array::<64>(doc.get("sig")?.as_str()?)?;
            Some((author, signature))
        }
        _ => return None,
    };
    // Only v3's signature covers attachments: a v2 document naming some announces none.
    let (attachments, digest) = match schema {
        V3 => {
            let entries = manifest_in(&doc).ok().filter(|e| !e.is_empty())?;
            let digest = manifest_digest(&entries)?;
            (entries, Some(digest))
        }
        _ => (Vec::new(), None),
    };
    let mac = match doc.get("mac") {
        None => None,
        Some(tag) => Some(b64_decode_array::<32>(tag.as_str()?)?),
    };
    Some(Message {
        text,
        attachments,
        signed,
        digest,
        mac,
    })
}

/// The text of a decrypted message document, if it is one.
pub fn message_text(plaintext: &[u8]) -> Option<Zeroizing<String>> {
    open_message(plaintext).map(|message| message.text)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn messages_round_trip() {
        let plain = message_plaintext("hola");
        assert_eq!(message_text(&plain).unwrap().as_str(), "hola");
        assert!(message_text(b"{}").is_none());
    }

    #[test]
    fn replies_are_tagged_for_the_reporter() {
        let key = SigningKey::from_bytes(&[3; 32]);
        let (mac, other) = (
            ReplyMacKey::from_bytes([1; 32]),
            ReplyMacKey::from_bytes([2; 32]),
        );
        let reply = open_message(&reply_plaintext("hola", "desk", &key, Some(&mac))).unwrap();
        assert!(reply.tagged_for(&mac));
        assert!(!reply.tagged_for(&other));
        let untagged = open_message(&reply_plaintext("hola", "desk", &key, None)).unwrap();
        assert!(!untagged.tagged_for(&mac));
        assert!(!open_message(&message_plaintext("hola"))
            .unwrap()
            .tagged_for(&mac));
    }

    fn entry(id: &str, size: u64) -> ManifestEntry {
        let key = age::x25519::Identity::generate();
        ManifestEntry {
            id: id.repeat(32),
            key: age::secrecy::ExposeSecret::expose_secret(&key.to_string()).to_owned(),
            media_type: "image/png".into(),
            size,
            sha256: "cd".repeat(32),
            name: None,
            orientation: None,
            cleaned: true,
            original: false,
        }
    }

    #[test]
    fn a_signature_covers_the_attachments_announced() {
        let key = SigningKey::from_bytes(&[3; 32]);
        let public = SigningPublic::from_verifying(key.verifying_key());
        let files = [entry("a", 10), entry("b", 20)];
        let plain = message_with_attachments("fotos", REPORTER, &key, &files);
        let message = open_message(&plain).unwrap();
        assert_eq!(message.attachments, files.to_vec());
        assert!(message.signed_by(REPORTER, &public));
        // Another file's hash, length or id, or one file fewer, under the same signature.
        let doc: Value = serde_json::from_slice(&plain).unwrap();
        type Spoil = fn(&mut Value);
        let spoils: [Spoil; 8] = [
            |d| d["attachments"][0]["sha256"] = "ef".repeat(32).into(),
            |d| d["attachments"][1]["size"] = 21.into(),
            |d| d["attachments"][1]["id"] = "c".repeat(32).into(),
            |d| d["attachments"][0]["cleaned"] = false.into(),
            |d| d["attachments"][0]["original"] = true.into(),
            |d| d["attachments"][0]["type"] = "image/jpeg".into(),
            |d| d["attachments"][1]["name"] = "otra.png".into(),
            |d| {
                d["attachments"].as_array_mut().unwrap().pop();
            },
        ];
        for spoil in spoils {
            let mut forged = doc.clone();
            spoil(&mut forged);
            let forged = open_message(forged.to_string().as_bytes()).unwrap();
            assert!(!forged.signed_by(REPORTER, &public));
        }
        // A v2 document naming attachments announces none; a v3 one must name some.
        let mut as_v2 = doc.clone();
        as_v2["schema"] = V2.into();
        let as_v2 = open_message(as_v2.to_string().as_bytes()).unwrap();
        assert!(as_v2.attachments.is_empty() && !as_v2.signed_by(REPORTER, &public));
        let mut empty = doc;
        empty["attachments"] = serde_json::json!([]);
        assert!(open_message(empty.to_string().as_bytes()).is_none());
        // Without files, the v2 message.
        let none = message_with_attachments("hola", REPORTER, &key, &[]);
        assert_eq!(none, signed_message_plaintext("hola", REPORTER, &key));
    }

    #[test]
    fn signed_messages_verify_as_their_author_only() {
        let key = SigningKey::from_bytes(&[3; 32]);
        let public = SigningPublic::from_verifying(key.verifying_key());
        let other = SigningPublic::from_verifying(SigningKey::from_bytes(&[4; 32]).verifying_key());
        let plain = signed_message_plaintext("hola\nadiós", REPORTER, &key);
        assert_eq!(plain.len() % 1024, 0, "padded");
        let message = open_message(&plain).unwrap();
        assert_eq!(message.text.as_str(), "hola\nadiós");
        assert!(message.signed_by(REPORTER, &public));
        assert!(!message.signed_by(REPORTER, &other));
        assert!(!message.signed_by("desk", &public));
        // The same words under another text, or unsigned, verify as no one.
        let edited = String::from_utf8(plain.to_vec())
            .unwrap()
            .replace("hola", "HOLA");
        assert!(!open_message(edited.as_bytes())
            .unwrap()
            .signed_by(REPORTER, &public));
        assert!(!open_message(&message_plaintext("hola"))
            .unwrap()
            .signed_by(REPORTER, &public));
    }
}
