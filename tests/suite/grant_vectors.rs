//! Opening grants into desk identities against `tests/vectors/grants.json` (docs/protocol.md §7
//! "Grant format", §10 "Before using a desk key"), which the browser code passes too
//! (`web/test/grants.test.ts`). Age encryption is randomised, so the grants were written once by
//! `regenerate_grant_vectors`; the vectors are decrypt-only.

use resguardo::crypto::chain::DeskState;
use resguardo::crypto::seal;
use resguardo::domain::{b64_encode, Recipient};
use resguardo::protocol::grants;
use resguardo::protocol::keys::GrantView;
use serde_json::{json, Value};

use crate::statement_vectors::{
    chain, desk_steps, entries_json, identity, identity_text, root_number, verified_desk,
};

const GRANTS: &str = "tests/vectors/grants.json";
/// The account whose grants the vectors open: ana, vetted in the statement vectors' desk.
const ACCOUNT: &str = "ana";

/// A grant of `version` whose plaintext is `plain`, encrypted to `to`'s key.
fn grant(version: i64, to: &str, plain: &str) -> Value {
    let sealed = seal::seal(&[&identity(to).to_public()], plain.as_bytes()).unwrap();
    json!({"key_version": version, "wrapped_key": b64_encode(&sealed)})
}

/// A grant to ana of the desk key the statement vectors name `desk key {version}`.
fn honest(version: i64) -> Value {
    grant(
        version,
        ACCOUNT,
        &identity_text(&format!("desk key {version}")),
    )
}

/// What the device reaches: the identities' public keys by version and the current key, or a code.
fn outcome(state: &DeskState, grants: &[GrantView]) -> Value {
    match grants::unlock(&identity(ACCOUNT), grants, state) {
        Err(e) => json!({"expect": e.code()}),
        Ok(keys) => json!({
            "expect": "ok",
            "identities": keys.identities.iter().map(|(v, id)| json!({
                "version": v, "recipient": Recipient::from(id.to_public()).as_str(),
            })).collect::<Vec<_>>(),
            "current": {"version": keys.current.0, "recipient": keys.current.1.as_str()},
            "holds_current": keys.current_identity().is_some(),
        }),
    }
}

fn views(grants: &Value) -> Vec<GrantView> {
    serde_json::from_value(grants.clone()).unwrap()
}

#[test]
fn grant_vectors_match() {
    let file: Value = serde_json::from_str(&std::fs::read_to_string(GRANTS).unwrap()).unwrap();
    let state = verified_desk(file["entries"].as_array().unwrap());
    assert!(root_number("sofia").matches_typed(file["pinned_root"].as_str().unwrap()));
    assert_eq!(file["account_identity"], identity_text(ACCOUNT));
    let cases = file["cases"].as_array().unwrap();
    let mut codes = std::collections::BTreeSet::new();
    for case in cases {
        let got = outcome(&state, &views(&case["grants"]));
        let mut want = case.clone();
        let want = want.as_object_mut().unwrap();
        want.remove("name");
        want.remove("grants");
        assert_eq!(got, Value::Object(want.clone()), "{}", case["name"]);
        codes.insert(got["expect"].as_str().unwrap().to_owned());
    }
    for code in ["ok", "forged", "unsigned", "unopenable", "malformed"] {
        assert!(codes.contains(code), "no grant vector expects {code}");
    }
}

/// `cargo test -- --ignored regenerate_grant_vectors`; only for adding vectors (the grants are
/// encrypted anew, so every wrapped_key changes).
#[test]
#[ignore]
fn regenerate_grant_vectors() {
    let entries = chain("gt", desk_steps());
    let entries_json = Value::Array(entries_json(&entries));
    let state = verified_desk(entries_json.as_array().unwrap());
    let forged = grant(2, ACCOUNT, &identity_text("mallory"));
    let cases = [
        ("both signed versions", vec![honest(1), honest(2)]),
        (
            "only the first version: reads old cases, cannot write",
            vec![honest(1)],
        ),
        (
            "a legacy version below the first signed one is kept for decrypting",
            vec![
                grant(0, ACCOUNT, &identity_text("desk key 0")),
                honest(1),
                honest(2),
            ],
        ),
        (
            "the newest version forged by the server",
            vec![honest(1), forged],
        ),
        (
            "a version no statement signs",
            vec![honest(1), honest(2), honest(3)],
        ),
        (
            "a grant to another account",
            vec![honest(1), grant(2, "sofia", &identity_text("desk key 2"))],
        ),
        (
            "a grant that holds no identity",
            vec![honest(1), grant(2, ACCOUNT, "not a key")],
        ),
    ];
    let cases: Vec<Value> = cases
        .into_iter()
        .map(|(name, grants)| {
            let grants = Value::Array(grants);
            let mut case = outcome(&state, &views(&grants));
            case["name"] = name.into();
            case["grants"] = grants;
            case
        })
        .collect();
    let file = json!({
        "description": "Grants (docs/protocol.md §7 \"Grant format\", §10 \"Before using a desk key\"). entries: the desk's statements (those of statements.json's desk), verified from pinned_root. Each case's grants are what GET /api/v1/desk/grants serves to account_identity; a device opens each with that identity (a binary age file whose plaintext is a desk identity, whitespace trimmed) and checks it against the chain: expect \"ok\" with the identities' recipients by version, the current key (the chain's newest) and whether the account holds it, or a refusal code: forged (opens to a key the chain does not sign for that version), unsigned (a version above the first signed one that no statement signs), unopenable, malformed. Versions below the chain's first signed key are kept, for decrypting only.",
        "desk": "gt",
        "pinned_root": root_number("sofia").as_str(),
        "account_identity": identity_text(ACCOUNT),
        "entries": entries_json,
        "cases": cases,
    });
    std::fs::write(GRANTS, serde_json::to_string_pretty(&file).unwrap() + "\n").unwrap();
}
