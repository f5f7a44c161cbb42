//! Referral minimisation against `tests/vectors/referrals.json` (docs/protocol.md §8), which the
//! browser code passes too (`web/test/referral.test.ts`): from a decrypted report and the fields a
//! worker chose, exactly the referral document a partner receives, its padded size, and whether
//! the reporter consented. Nothing here is random, so `regenerate_referral_vectors` and the check
//! compute the same thing.

use resguardo::crypto::padding;
use resguardo::domain::{Language, ReferralField};
use resguardo::protocol::referral::{consented, referral_document};
use resguardo::protocol::report::ReportForm;
use serde_json::{json, Value};

const REFERRALS: &str = "tests/vectors/referrals.json";

fn field(key: &str) -> ReferralField {
    ReferralField::ALL
        .iter()
        .copied()
        .find(|f| f.key() == key)
        .unwrap_or_else(|| panic!("no referral field {key}"))
}

/// What a device makes of `report` for `fields`.
fn outcome(report: &Value, fields: &[Value]) -> Value {
    let fields: Vec<ReferralField> = fields.iter().map(|f| field(f.as_str().unwrap())).collect();
    let document = referral_document(report, &fields);
    let padded = padding::pad(document.clone()).len();
    json!({"document": document, "padded_len": padded})
}

fn report(json: &str, reply_to: &str) -> Value {
    let form: ReportForm = serde_json::from_str(json).unwrap();
    let key =
        resguardo::crypto::signing::public_of(&crate::statement_vectors::identity("reporter"));
    let mac = resguardo::crypto::receipt::ReplyMacKey::from_bytes([0x6d; 32]);
    let binding = resguardo::protocol::report::Binding {
        reply_to,
        reporter_key: &key,
        reply_mac_key: &mac,
    };
    serde_json::from_slice(&form.to_plaintext(Language::Es, &binding)).unwrap()
}

#[test]
fn referral_vectors_match() {
    let file: Value = serde_json::from_str(&std::fs::read_to_string(REFERRALS).unwrap()).unwrap();
    let reports = file["reports"].as_array().unwrap();
    assert!(reports.len() >= 2);
    for r in reports {
        assert_eq!(consented(&r["report"]), r["consented"], "{}", r["name"]);
        for case in r["cases"].as_array().unwrap() {
            let got = outcome(&r["report"], case["fields"].as_array().unwrap());
            assert_eq!(
                got["document"], case["document"],
                "{} {}",
                r["name"], case["fields"]
            );
            assert_eq!(got["padded_len"], case["padded_len"], "{}", r["name"]);
            // Nothing but the chosen fields and the schema: never reply_to, consent or padding.
            for key in ["reply_to", "consent_referral", "consent_statistics", "pad"] {
                assert!(got["document"].get(key).is_none(), "{key} leaked");
            }
        }
    }
}

/// `cargo test -- --ignored regenerate_referral_vectors`; only for adding vectors.
#[test]
#[ignore]
fn regenerate_referral_vectors() {
    let reply_to = "age1zvkyg2lqzraa2lnjvqej32nkuu0ues2s82hzrye869xeexvn73equnujwj";
    let full = report(
        r#"{"kind":"sextortion","narrative":"Amenazan con publicar fotos si no pago","country":"HN","needs":["legal","psychosocial"],"consent_referral":true,"safe_contact":"Señal: +504 0000 0000","when":"this_week","indicators":[{"type":"phone","value":"+504 9999 0000"},{"type":"wallet","value":"bc1qexample"}],"consent_statistics":true}"#,
        reply_to,
    );
    let sparse = report(
        r#"{"kind":"other","narrative":"Cobran renta al negocio","needs":["financial"]}"#,
        reply_to,
    );
    let choices: Vec<Vec<&str>> = vec![
        vec!["needs"],
        vec!["narrative", "country"],
        vec![
            "kind",
            "narrative",
            "country",
            "needs",
            "safe_contact",
            "lang",
            "when",
            "indicators",
        ],
        vec!["safe_contact", "indicators"],
    ];
    let cases = |report: &Value| -> Vec<Value> {
        choices
            .iter()
            .map(|fields| {
                let fields: Vec<Value> = fields.iter().map(|f| json!(f)).collect();
                let mut case = outcome(report, &fields);
                case["fields"] = Value::Array(fields);
                case
            })
            .collect()
    };
    let file = json!({
        "description": "Referral minimisation (docs/protocol.md §8). reports: a decrypted report (padding included) and whether it carries the reporter's consent to referral; for each case's fields (report keys a worker chose), the referral document sent to the partner before padding: schema resguardo.referral.v1 and exactly the chosen keys the report has, nothing else; padded_len is its size after the padding of §2.",
        "reports": [
            {"name": "a full report, consent given", "report": full, "consented": true, "cases": cases(&full)},
            {"name": "a sparse report, no consent", "report": sparse, "consented": false, "cases": cases(&sparse)},
        ],
    });
    std::fs::write(
        REFERRALS,
        serde_json::to_string_pretty(&file).unwrap() + "\n",
    )
    .unwrap();
}

/// Partner ranking against `tests/vectors/ranking.json`, which `web/test/referral.test.ts` passes
/// too: the dashboard offers partners in the order `worker refer` suggests them.
#[test]
fn ranking_vectors_match() {
    use resguardo::protocol::referral::suggest;
    use resguardo::protocol::referrals::PartnerView;
    let text = std::fs::read_to_string("tests/vectors/ranking.json").unwrap();
    let file: Value = serde_json::from_str(&text).unwrap();
    let partners: Vec<PartnerView> = serde_json::from_value(file["partners"].clone()).unwrap();
    for r in file["reports"].as_array().unwrap() {
        let ranked: Vec<Value> = suggest(&r["report"], &partners)
            .iter()
            .map(|s| {
                json!({"id": s.partner.id, "score": s.score(), "serves": s.serves,
                       "country": s.country, "language": s.language})
            })
            .collect();
        assert_eq!(Value::from(ranked), r["ranked"], "{}", r["report"]);
    }
}
