//! Finding cases on a desk device: the facts of a decrypted report that the inbox shows (kind,
//! when, country, needs) and whether a query matches what the reporter wrote. The command line
//! (`worker search`) and the dashboard (`web/src/search.ts`) fold text the same way and both
//! pass `tests/vectors/search.json`, so a word found in one is found in the other. Nothing here is
//! sent anywhere: the server served ciphertext and never learns what was looked for.

use serde_json::Value;
use unicode_normalization::char::is_combining_mark;
use unicode_normalization::UnicodeNormalization;

/// Text as a search compares it: lower case, then without accents or other combining marks, so
/// that "extorsión", "EXTORSION" and "extorsion" are one word.
pub fn fold(text: &str) -> String {
    text.to_lowercase()
        .nfd()
        .filter(|c| !is_combining_mark(*c))
        .collect()
}

/// What the inbox shows of a report, each as the report wrote it (a stranger's values: shown
/// only through a known label or as text), and the folded text a search looks in.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct ReportFacts {
    pub kind: Option<String>,
    pub when: Option<String>,
    pub country: Option<String>,
    pub needs: Vec<String>,
    /// The narrative, the safe contact and the indicators' values, folded, one per line.
    searchable: String,
}

impl ReportFacts {
    /// The facts of a decrypted report document; `None` if it is not a JSON object.
    pub fn of(plaintext: &[u8]) -> Option<ReportFacts> {
        let doc: Value = serde_json::from_slice(plaintext).ok()?;
        let doc = doc.as_object()?;
        let text = |key: &str| doc.get(key).and_then(Value::as_str).map(str::to_owned);
        let texts = |value: Option<&Value>| -> Vec<String> {
            let list = value.and_then(Value::as_array).map(Vec::as_slice);
            list.unwrap_or_default()
                .iter()
                .filter_map(|v| v.as_str().map(str::to_owned))
                .collect()
        };
        let indicators = doc.get("indicators").and_then(Value::as_array);
        let values = indicators
            .map(Vec::as_slice)
            .unwrap_or_default()
            .iter()
            .filter_map(|i| i.get("value").and_then(Value::as_str));
        let mut searchable = vec![text("narrative"), text("safe_contact")]
            .into_iter()
            .flatten()
            .collect::<Vec<_>>();
        searchable.extend(values.map(str::to_owned));
        Some(ReportFacts {
            kind: text("kind"),
            when: text("when"),
            country: text("country"),
            needs: texts(doc.get("needs")),
            searchable: fold(&searchable.join("\n")),
        })
    }

    /// Whether every word of `query` (split at white space, folded) is in what the reporter wrote.
    /// An empty query matches everything.
    pub fn matches(&self, query: &str) -> bool {
        words(query)
            .iter()
            .all(|word| self.searchable.contains(word.as_str()))
    }
}

/// The words of a query, folded: split at white space, U+FEFF included, as JavaScript's `\s`
/// and Rust's `char::is_whitespace` each miss one the other has (U+0085, U+FEFF).
pub fn words(query: &str) -> Vec<String> {
    fold(query)
        .split(|c: char| c.is_whitespace() || c == '\u{feff}')
        .filter(|w| !w.is_empty())
        .map(str::to_owned)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accents_and_case_do_not_matter() {
        assert_eq!(fold("EXTORSIÓN Año"), "extorsion ano");
        let facts = ReportFacts::of(br#"{"kind":"sextortion","narrative":"Me pidieron dinero por WhatsApp","needs":["legal"],"indicators":[{"type":"phone","value":"+502 5555-1234"}]}"#).unwrap();
        assert!(facts.matches("whatsapp DINERO"));
        assert!(facts.matches("5555-1234"));
        assert!(!facts.matches("dinero banco"));
        assert_eq!(facts.kind.as_deref(), Some("sextortion"));
        assert_eq!(facts.needs, ["legal"]);
    }

    #[test]
    fn what_is_not_a_report_has_no_facts() {
        assert_eq!(ReportFacts::of(b"[1]"), None);
        assert_eq!(ReportFacts::of(b"\xff"), None);
        let odd = ReportFacts::of(br#"{"kind":3,"needs":"legal"}"#).unwrap();
        assert_eq!((odd.kind, odd.needs.len()), (None, 0));
    }
}
