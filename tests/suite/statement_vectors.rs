//! Signed key statements against `tests/vectors/statements.json` (docs/protocol.md §10), which
//! the browser code passes too (`web/test/statements.test.ts`): every statement's bytes,
//! signature and link, and whole chains with the verdict and state a device must reach.

use resguardo::crypto::chain::{self, Pins};
use resguardo::crypto::receipt::identity_from_secret;
use resguardo::crypto::signing::public_of;
use resguardo::crypto::statement::{append_as, Body, Format, Opening, Signed, Statement};
use resguardo::domain::{DeskSlug, Fingerprint, Recipient, Role, Username};
use serde_json::{json, Value};
use sha2::Digest;

use crate::vectors::unhex;

const STATEMENTS: &str = "tests/vectors/statements.json";

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// A fixed identity per name, so that the vectors are reproducible.
pub(crate) fn identity(name: &str) -> age::x25519::Identity {
    let secret: [u8; 32] =
        sha2::Sha256::digest(format!("resguardo statement vector {name}")).into();
    identity_from_secret(&secret)
}

pub(crate) fn identity_text(name: &str) -> String {
    age::secrecy::ExposeSecret::expose_secret(&identity(name).to_string()).to_owned()
}

pub(crate) fn recipient(name: &str) -> Recipient {
    Recipient::from(identity(name).to_public())
}

pub(crate) fn id(name: &str) -> [u8; 16] {
    sha2::Sha256::digest(name.as_bytes())[..16]
        .try_into()
        .unwrap()
}

pub(crate) fn root_number(name: &str) -> Fingerprint {
    Fingerprint::of_account(&recipient(name), &public_of(&identity(name)))
}

fn approval(name: &str, role: Role) -> Body {
    Body::Approval {
        account: id(name),
        username: Username::parse(name).unwrap(),
        role,
        recipient: recipient(name),
        signing_key: public_of(&identity(name)),
    }
}

/// A `partner_keys` statement for `partner` (its id, recipient and signing key by name).
fn partner_keys(partner: &str, name: &str, recipient_of: &str) -> Body {
    Body::PartnerKeys {
        partner: id(partner),
        name: name.into(),
        recipient: recipient(recipient_of),
        signing_key: public_of(&identity(partner)),
    }
}

fn desk_key(version: u64) -> Body {
    Body::DeskKey {
        version,
        recipient: recipient(&format!("desk key {version}")),
    }
}

/// Writes a chain of (signer, body), as devices would.
pub(crate) fn chain(desk: &str, steps: Vec<(&str, Body)>) -> Vec<Signed> {
    let desk = DeskSlug::parse(desk).unwrap();
    let mut entries: Vec<Signed> = vec![];
    for (signer, body) in steps {
        let head = entries.last().map(|e| (entries.len() as u64, e.link()));
        entries.push(append_as(&desk, head, &identity(signer), body, Format::V1).unwrap());
    }
    entries
}

fn genesis(policy: u8) -> (&'static str, Body) {
    (
        "sofia",
        Body::Genesis {
            account: id("sofia"),
            username: Username::parse("sofia").unwrap(),
            recipient: recipient("sofia"),
            approvals_required: policy,
        },
    )
}

/// The desk of the vectors: sofia (root), sv2 (supervisor), ana (worker), a partner, two keys.
pub(crate) fn desk_steps() -> Vec<(&'static str, Body)> {
    vec![
        genesis(2),
        ("sofia", desk_key(1)),
        ("sofia", approval("sv2", Role::Supervisor)),
        ("sofia", approval("ana", Role::Worker)),
        ("sv2", approval("ana", Role::Worker)),
        (
            "sv2",
            Body::Partner {
                partner: id("bufete"),
                name: "Bufete Popular, Zona 1".into(),
                recipient: recipient("bufete"),
            },
        ),
        ("sofia", desk_key(2)),
    ]
}

/// The vectors' desk with another statement 7: a second desk key of another recipient.
pub(crate) fn forked_desk_steps() -> Vec<(&'static str, Body)> {
    let mut steps = desk_steps();
    steps.pop();
    steps.push((
        "sofia",
        Body::DeskKey {
            version: 2,
            recipient: recipient("another desk key 2"),
        },
    ));
    steps
}

pub(crate) fn entries_json(entries: &[Signed]) -> Vec<Value> {
    entries
        .iter()
        .map(|e| json!({"statement_hex": hex(&e.statement), "signature_hex": hex(&e.signature)}))
        .collect()
}

/// The verdict and, for a chain that verifies, what the device learns from it.
fn outcome(desk: &str, pins: &Pins, entries: &[Signed]) -> Value {
    match chain::verify(&DeskSlug::parse(desk).unwrap(), pins, entries) {
        Err(e) => json!({"expect": e.code()}),
        Ok(state) => {
            let (version, key) = state.current_key().map_or((None, None), |(v, r)| {
                (Some(v), Some(r.as_str().to_owned()))
            });
            let mut vetted: Vec<&str> = state
                .vetted_accounts()
                .map(|a| a.username.as_str())
                .collect();
            vetted.sort_unstable();
            let (seq, link) = state.head();
            json!({"expect": "ok", "state": {
                "current_key_version": version, "current_key": key, "vetted": vetted,
                "required": state.required(),
                "partner_bufete": state.partner(&id("bufete")).map(|p| p.recipient.as_str()),
                "partner_bufete_signing_key_hex": state.partner(&id("bufete"))
                    .and_then(|p| p.signing_key).map(|k| hex(&k.to_bytes())),
                "partner_casa_signing_key_hex": state.partner(&id("casa"))
                    .and_then(|p| p.signing_key).map(|k| hex(&k.to_bytes())),
                "head_seq": seq, "head_link_hex": hex(&link),
            }})
        }
    }
}

fn chain_vector(name: &str, desk: &str, pins: &Pins, entries: &[Signed]) -> Value {
    let mut vector = json!({
        "name": name, "desk": desk, "pinned_root": pins.root.as_str(),
        "pinned_head": pins.head.map(|(seq, link)| json!({"seq": seq, "link_hex": hex(&link)})),
        "entries": entries_json(entries),
    });
    let result = outcome(desk, pins, entries);
    for (k, v) in result.as_object().unwrap() {
        vector[k] = v.clone();
    }
    vector
}

fn chains() -> Vec<Value> {
    let root = root_number("sofia");
    let unpinned = Pins {
        root: root.clone(),
        head: None,
    };
    let full = chain("gt", desk_steps());
    let mut vectors = vec![chain_vector("a desk", "gt", &unpinned, &full)];
    let prefix = |n: usize| chain("gt", desk_steps().into_iter().take(n).collect());
    vectors.push(chain_vector(
        "one approval of two",
        "gt",
        &unpinned,
        &prefix(4),
    ));
    // Partners' signing keys: a new partner with both keys, and the desk's partner (named by a
    // `partner` statement) gaining its own.
    let mut keyed = desk_steps();
    keyed.push(("sofia", partner_keys("casa", "Casa Refugio", "casa")));
    keyed.push((
        "sv2",
        partner_keys("bufete", "Bufete Popular, Zona 1", "bufete"),
    ));
    vectors.push(chain_vector(
        "partners with signing keys",
        "gt",
        &unpinned,
        &chain("gt", keyed.clone()),
    ));
    let mut refusals: Vec<(&str, Vec<Signed>)> = vec![];
    let with = |extra: (&'static str, Body)| {
        let mut steps = desk_steps();
        steps.push(extra);
        chain("gt", steps)
    };
    refusals.push(("a key the desk never vetted", with(("eve", desk_key(3)))));
    refusals.push((
        "a partner's signing key under another recipient",
        with((
            "sofia",
            partner_keys("bufete", "Bufete Popular, Zona 1", "eve"),
        )),
    ));
    refusals.push((
        "a partner's signing key under another name",
        with(("sofia", partner_keys("bufete", "Bufete Popular", "bufete"))),
    ));
    let mut twice = keyed.clone();
    twice.push((
        "sofia",
        partner_keys("bufete", "Bufete Popular, Zona 1", "bufete"),
    ));
    refusals.push(("a partner's second signing key", chain("gt", twice)));
    refusals.push(("a worker's desk key", with(("ana", desk_key(3)))));
    refusals.push(("a skipped version", with(("sofia", desk_key(4)))));
    refusals.push((
        "a repeated approval",
        with(("sofia", approval("ana", Role::Worker))),
    ));
    refusals.push((
        "an unknown account revoked",
        with((
            "sofia",
            Body::RevokeAccount {
                account: id("nadie"),
            },
        )),
    ));
    let mut swapped = full.clone();
    swapped[1].statement = chain("gt", vec![genesis(2), ("sofia", desk_key(9))])[1]
        .statement
        .clone();
    refusals.push(("a body swapped under its signature", swapped));
    let mut relinked = full.clone();
    relinked[2] = chain(
        "gt",
        vec![genesis(2), ("sofia", desk_key(9)), desk_steps().remove(2)],
    )[2]
    .clone();
    refusals.push(("a statement linked to another history", relinked));
    let mut steps = desk_steps();
    steps.truncate(4);
    steps.push((
        "sv2",
        Body::Approval {
            account: id("ana"),
            username: Username::parse("ana").unwrap(),
            role: Role::Worker,
            recipient: recipient("eve"),
            signing_key: public_of(&identity("eve")),
        },
    ));
    refusals.push(("a second approval naming other keys", chain("gt", steps)));
    let mut trailing = full.clone();
    trailing[3].statement.push(0);
    refusals.push(("a byte after the body", trailing));
    let mut dropped = full.clone();
    dropped.remove(3);
    refusals.push(("a dropped statement", dropped));
    refusals.push((
        "another root",
        chain(
            "gt",
            vec![(
                "eve",
                Body::Genesis {
                    account: id("eve"),
                    username: Username::parse("eve").unwrap(),
                    recipient: recipient("eve"),
                    approvals_required: 1,
                },
            )],
        ),
    ));
    for (name, entries) in refusals {
        vectors.push(chain_vector(name, "gt", &unpinned, &entries));
    }
    vectors.push(chain_vector("another desk's chain", "hn", &unpinned, &full));
    let seen = Pins {
        root,
        head: Some((full.len() as u64, full.last().unwrap().link())),
    };
    vectors.push(chain_vector(
        "a shorter chain than seen",
        "gt",
        &seen,
        &prefix(6),
    ));
    let forked_steps = forked_desk_steps();
    vectors.push(chain_vector(
        "a chain other than seen",
        "gt",
        &seen,
        &chain("gt", forked_steps),
    ));
    vectors
}

/// One statement of each kind, with its fields.
fn statements() -> Vec<Value> {
    let full = chain("gt", desk_steps());
    let mut picked: Vec<(&str, Signed)> = vec![
        ("genesis", full[0].clone()),
        ("desk_key", full[1].clone()),
        ("approval", full[2].clone()),
        ("partner", full[5].clone()),
    ];
    let mut steps = desk_steps();
    steps.push(("sofia", Body::RevokeAccount { account: id("ana") }));
    steps.push((
        "sv2",
        Body::RevokePartner {
            partner: id("bufete"),
        },
    ));
    let revoking = chain("gt", steps);
    picked.push(("revoke_account", revoking[7].clone()));
    picked.push(("revoke_partner", revoking[8].clone()));
    let mut steps = desk_steps();
    steps.push(("sofia", partner_keys("casa", "Casa Refugio", "casa")));
    picked.push(("partner_keys", chain("gt", steps)[7].clone()));
    picked
        .into_iter()
        .map(|(kind, signed)| {
            let signer = match Statement::decode(&signed.statement, None).unwrap().signer {
                k if k == public_of(&identity("sv2")) => "sv2",
                _ => "sofia",
            };
            json!({
                "kind": kind, "signer_identity": identity_text(signer),
                "statement_hex": hex(&signed.statement), "signature_hex": hex(&signed.signature),
                "link_hex": hex(&signed.link()),
            })
        })
        .collect()
}

pub(crate) fn signed(v: &Value) -> Signed {
    Signed {
        statement: unhex(v["statement_hex"].as_str().unwrap()),
        signature: unhex(v["signature_hex"].as_str().unwrap())
            .try_into()
            .unwrap(),
        opening: v["opening_hex"]
            .as_str()
            .map(|hex| Opening::from_bytes(&unhex(hex)).unwrap()),
    }
}

#[test]
fn statement_vectors_match() {
    let file: Value = serde_json::from_str(&std::fs::read_to_string(STATEMENTS).unwrap()).unwrap();
    let statements = file["statements"].as_array().unwrap();
    assert_eq!(statements.len(), 7);
    for v in statements {
        let entry = signed(v);
        let statement = Statement::decode(&entry.statement, None).unwrap();
        assert_eq!(statement.encode(), entry.statement, "{}", v["kind"]);
        let signer: age::x25519::Identity = v["signer_identity"].as_str().unwrap().parse().unwrap();
        assert_eq!(statement.sign(&signer).unwrap(), entry, "{}", v["kind"]);
        assert_eq!(hex(&entry.link()), v["link_hex"].as_str().unwrap());
    }
    let chains = file["chains"].as_array().unwrap();
    assert!(chains.len() >= 16);
    for v in chains {
        let entries: Vec<Signed> = v["entries"]
            .as_array()
            .unwrap()
            .iter()
            .map(signed)
            .collect();
        let pinned_root = v["pinned_root"].as_str().unwrap();
        // Every vector pins sofia's number, as typed at enrolment.
        let pins = Pins {
            root: root_number("sofia"),
            head: v["pinned_head"].as_object().map(|h| {
                let link = unhex(h["link_hex"].as_str().unwrap()).try_into().unwrap();
                (h["seq"].as_u64().unwrap(), link)
            }),
        };
        assert!(pins.root.matches_typed(pinned_root));
        let desk = v["desk"].as_str().unwrap();
        let got = outcome(desk, &pins, &entries);
        assert_eq!(got["expect"], v["expect"], "{}", v["name"]);
        assert_eq!(got["state"], v["state"], "{}", v["name"]);
    }
    // Every refusal code a device can reach from a served chain has a vector.
    let codes: std::collections::BTreeSet<&str> = chains
        .iter()
        .map(|v| v["expect"].as_str().unwrap())
        .collect();
    for code in [
        "ok",
        "root",
        "signer",
        "not-supervisor",
        "version",
        "duplicate",
        "unknown-subject",
        "conflict",
        "signature",
        "seq",
        "wrong-desk",
        "rollback",
        "fork",
    ] {
        assert!(codes.contains(code), "no chain vector expects {code}");
    }
}

/// `cargo test -- --ignored regenerate_statement_vectors`; only for adding vectors.
#[test]
#[ignore]
fn regenerate_statement_vectors() {
    let file = json!({
        "description": "Signed key statements (docs/protocol.md §10). statements: one of each kind; decoding statement_hex and encoding it again gives the same bytes, signing it with signer_identity's key (§9.1) gives signature_hex, and link_hex is its link. chains: entries served for desk, verified from pinned_root (and pinned_head, if any) to expect: \"ok\" with state, or a refusal code. Hex is lower case.",
        "statements": statements(),
        "chains": chains(),
    });
    std::fs::write(
        STATEMENTS,
        serde_json::to_string_pretty(&file).unwrap() + "\n",
    )
    .unwrap();
}

/// The vectors' desk (`desk_steps`), its served entries as the vector files hold them, verified
/// from sofia's pinned number.
pub(crate) fn verified_desk(entries: &[Value]) -> chain::DeskState {
    let entries: Vec<_> = entries.iter().map(signed).collect();
    let pins = Pins {
        root: root_number("sofia"),
        head: None,
    };
    chain::verify(&DeskSlug::parse("gt").unwrap(), &pins, &entries).unwrap()
}
