//! Searching decrypted reports on a desk device against `tests/vectors/search.json`, which the
//! dashboard's code passes too (`web/test/search.test.ts`): the same folding, the same facts and
//! the same matches, so a word `worker search` finds the dashboard finds.

use resguardo::domain::b64_decode;
use resguardo::protocol::search::{fold, words, ReportFacts};
use serde_json::Value;

fn vectors() -> Value {
    let text = std::fs::read_to_string("tests/vectors/search.json").unwrap();
    serde_json::from_str(&text).unwrap()
}

fn text(v: &Value) -> &str {
    v.as_str().unwrap()
}

#[test]
fn folding_and_words_follow_the_vectors() {
    let v = vectors();
    for f in v["folds"].as_array().unwrap() {
        assert_eq!(fold(text(&f["text"])), text(&f["folded"]), "{f}");
    }
    for w in v["words"].as_array().unwrap() {
        let expected: Vec<&str> = w["words"].as_array().unwrap().iter().map(text).collect();
        assert_eq!(words(text(&w["query"])), expected, "{w}");
    }
}

#[test]
fn reports_give_the_vectors_facts_and_matches() {
    let v = vectors();
    for r in v["reports"].as_array().unwrap() {
        let facts = ReportFacts::of(text(&r["plaintext"]).as_bytes()).unwrap();
        let want = &r["facts"];
        let field = |k: &str| want[k].as_str().map(str::to_owned);
        assert_eq!(facts.kind, field("kind"));
        assert_eq!(facts.when, field("when"));
        assert_eq!(facts.country, field("country"));
        let needs: Vec<&str> = want["needs"].as_array().unwrap().iter().map(text).collect();
        assert_eq!(facts.needs, needs);
        for query in r["match"].as_array().unwrap() {
            assert!(
                facts.matches(text(query)),
                "{query} should match {}",
                r["plaintext"]
            );
        }
        for query in r["miss"].as_array().unwrap() {
            assert!(
                !facts.matches(text(query)),
                "{query} should miss {}",
                r["plaintext"]
            );
        }
    }
    for n in v["not_reports"].as_array().unwrap() {
        let bytes = b64_decode(text(&n["bytes_b64"])).unwrap();
        assert_eq!(ReportFacts::of(&bytes), None, "{n}");
    }
}
