//! A message document (schema `resguardo.message.v1`, docs/protocol.md §2): what a reporter's
//! message, a desk reply, a desk note, a consent-override reason and a partner's answer each carry,
//! padded like a report before it is encrypted.

use serde_json::{Map, Value};
use zeroize::Zeroizing;

use crate::crypto::padding;

/// A message in a case thread (schema `resguardo.message.v1`), padded like a report.
pub fn message_plaintext(text: &str) -> Zeroizing<Vec<u8>> {
    let mut doc = Map::new();
    doc.insert("schema".into(), "resguardo.message.v1".into());
    doc.insert("text".into(), text.into());
    padding::pad(doc)
}

/// The text of a decrypted message document, if it is one.
pub fn message_text(plaintext: &[u8]) -> Option<Zeroizing<String>> {
    let doc: Value = serde_json::from_slice(plaintext).ok()?;
    if doc.get("schema")?.as_str()? != "resguardo.message.v1" {
        return None;
    }
    Some(Zeroizing::new(doc.get("text")?.as_str()?.to_owned()))
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
}
