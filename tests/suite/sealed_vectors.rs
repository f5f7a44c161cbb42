//! Format-2 statements, whose names are sealed (docs/protocol.md §10.1, §10.8), against
//! `tests/vectors/sealed_statements.json`, which the browser code passes too
//! (`web/test/sealed_statements.test.ts`): each named kind's bytes, opening, commitment and
//! stand-in, and chains verified by a desk's device (names opened) and in the public view.

use resguardo::crypto::chain::{self, Pins, View};
use resguardo::crypto::statement::{
    append_as, commitment, stand_in, Body, Format, Named, Opening, Signed, Statement,
};
use resguardo::domain::{DeskSlug, Role, Username};
use serde_json::{json, Value};
use sha2::Digest;

use crate::statement_vectors::{id, identity, identity_text, recipient, root_number, signed};

const SEALED: &str = "tests/vectors/sealed_statements.json";

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// Statements that name no one carry no salt.
const NO_NAME: Format = Format::V2 { salt: [0; 16] };

/// A fixed salt per subject, so that the vectors are reproducible (devices draw theirs).
fn salt(subject: &str) -> Format {
    let digest = sha2::Sha256::digest(format!("resguardo sealed vector salt {subject}"));
    Format::V2 {
        salt: digest[..16].try_into().unwrap(),
    }
}

fn approval(name: &str, role: Role) -> Body {
    Body::Approval {
        account: id(name),
        username: Username::parse(name).unwrap(),
        role,
        recipient: recipient(name),
        signing_key: resguardo::crypto::signing::public_of(&identity(name)),
    }
}

fn desk_key(version: u64) -> Body {
    Body::DeskKey {
        version,
        recipient: recipient(&format!("desk key {version}")),
    }
}

/// (signer, body, format): the statements of a sealed desk, as devices write them.
type Step = (&'static str, Body, Format);

/// A desk whose every statement is of format 2: sofia (root), sv2, ana, a partner, two keys.
fn sealed_steps() -> Vec<Step> {
    vec![
        (
            "sofia",
            Body::Genesis {
                account: id("sofia"),
                username: Username::parse("sofia").unwrap(),
                recipient: recipient("sofia"),
                approvals_required: 2,
            },
            salt("sofia"),
        ),
        ("sofia", desk_key(1), NO_NAME),
        ("sofia", approval("sv2", Role::Supervisor), salt("sv2")),
        ("sofia", approval("ana", Role::Worker), salt("ana")),
        ("sv2", approval("ana", Role::Worker), salt("ana")),
        ("sv2", casa_keys(), salt("casa")),
        ("sofia", desk_key(2), NO_NAME),
    ]
}

fn casa_keys() -> Body {
    Body::PartnerKeys {
        partner: id("casa"),
        name: "Casa Refugio".into(),
        recipient: recipient("casa"),
        signing_key: resguardo::crypto::signing::public_of(&identity("casa")),
    }
}

fn bufete(format: Format) -> Step {
    let body = Body::Partner {
        partner: id("bufete"),
        name: "Bufete Popular".into(),
        recipient: recipient("bufete"),
    };
    ("sofia", body, format)
}

fn bufete_keys(format: Format) -> Step {
    let body = Body::PartnerKeys {
        partner: id("bufete"),
        name: "Bufete Popular".into(),
        recipient: recipient("bufete"),
        signing_key: resguardo::crypto::signing::public_of(&identity("bufete")),
    };
    ("sofia", body, format)
}

/// The sealed desk with `extra` statements after it.
fn sealed_with(extra: Vec<Step>) -> Vec<Signed> {
    let mut steps = sealed_steps();
    steps.extend(extra);
    chain(steps)
}

fn chain(steps: Vec<Step>) -> Vec<Signed> {
    let desk = DeskSlug::parse("gt").unwrap();
    let mut entries: Vec<Signed> = vec![];
    for (signer, body, format) in steps {
        let head = entries.last().map(|e| (entries.len() as u64, e.link()));
        entries.push(append_as(&desk, head, &identity(signer), body, format).unwrap());
    }
    entries
}

fn entries_json(entries: &[Signed]) -> Vec<Value> {
    entries
        .iter()
        .map(|e| {
            json!({
                "statement_hex": hex(&e.statement), "signature_hex": hex(&e.signature),
                "opening_hex": e.opening.as_ref().map(|o| hex(&o.to_bytes())),
            })
        })
        .collect()
}

/// The verdict, and for a chain that verifies what the device learns: the keys and the names
/// (opened, or stand-ins in the public view).
fn outcome(view: View, entries: &[Signed]) -> Value {
    let pins = Pins {
        root: root_number("sofia"),
        head: None,
    };
    let desk = DeskSlug::parse("gt").unwrap();
    let verified = match view {
        View::Desk => chain::verify(&desk, &pins, entries),
        View::Public => chain::verify_public(&desk, &pins, entries),
    };
    match verified {
        Err(e) => json!({"expect": e.code(), "at": e.seq()}),
        Ok(state) => {
            let (version, key) = state.current_key().unwrap();
            let mut vetted: Vec<&str> = state
                .vetted_accounts()
                .map(|a| a.username.as_str())
                .collect();
            vetted.sort_unstable();
            let partners: Vec<&str> = state.partners().map(|p| p.name.as_str()).collect();
            json!({"expect": "ok", "state": {
                "current_key_version": version, "current_key": key.as_str(),
                "vetted": vetted, "partners": partners,
                "head_seq": state.head().0, "head_link_hex": hex(&state.head().1),
            }})
        }
    }
}

fn view_name(view: View) -> &'static str {
    match view {
        View::Desk => "desk",
        View::Public => "public",
    }
}

fn chain_vector(name: &str, view: View, entries: &[Signed]) -> Value {
    let mut vector = json!({
        "name": name, "desk": "gt", "view": view_name(view),
        "pinned_root": root_number("sofia").as_str(), "entries": entries_json(entries),
    });
    for (k, v) in outcome(view, entries).as_object().unwrap() {
        vector[k] = v.clone();
    }
    vector
}

fn chains() -> Vec<Value> {
    let sealed = chain(sealed_steps());
    let unopened: Vec<Signed> = sealed.iter().map(without_opening).collect();
    let mut misopened = sealed.clone();
    misopened[3].opening = Some(Opening {
        name: "eva".into(),
        ..misopened[3].opening.clone().unwrap()
    });
    // A second approval of ana committing to her name with another salt: two accounts to anyone
    // who compares commitments, so every device refuses it.
    let mut resalted = sealed_steps();
    resalted[4].2 = salt("ana again");
    // A format-1 name beside sealed ones: a desk's device reads both, and so does the public view
    // (the server does not serve it, §10.8).
    let mut mixed = sealed_steps();
    mixed[2].2 = Format::V1;
    let mixed = chain(mixed);
    let mixed_public: Vec<Signed> = mixed.iter().map(without_opening).collect();
    // A partner sealed, then given its signing key: with the same salt, or another; a partner
    // named in the clear, then sealed (a desk's device compares names; the public view cannot).
    let keys_same_salt = sealed_with(vec![bufete(salt("bufete")), bufete_keys(salt("bufete"))]);
    let keys_other_salt = sealed_with(vec![bufete(salt("bufete")), bufete_keys(salt("other"))]);
    let clear_then_sealed = sealed_with(vec![bufete(Format::V1), bufete_keys(salt("bufete"))]);
    let public = |entries: &[Signed]| entries.iter().map(without_opening).collect::<Vec<_>>();
    // Two accounts of one user name: a desk's device refuses, the public view cannot tell.
    let mut twin = approval("twin", Role::Worker);
    if let Body::Approval { username, .. } = &mut twin {
        *username = Username::parse("ana").unwrap();
    }
    let twins = sealed_with(vec![
        ("sofia", twin.clone(), salt("twin")),
        ("sv2", twin, salt("twin")),
    ]);
    vec![
        chain_vector("a sealed desk, opened", View::Desk, &sealed),
        chain_vector("a sealed desk, public", View::Public, &unopened),
        chain_vector("a served opening ignored in public", View::Public, &sealed),
        chain_vector("names withheld from a desk device", View::Desk, &unopened),
        chain_vector("a name that does not open", View::Desk, &misopened),
        chain_vector(
            "approvals with two salts",
            View::Desk,
            &chain(resalted.clone()),
        ),
        chain_vector(
            "approvals with two salts, public",
            View::Public,
            &public(&chain(resalted)),
        ),
        chain_vector("a name in the clear among sealed ones", View::Desk, &mixed),
        chain_vector(
            "a name in the clear among sealed ones, public",
            View::Public,
            &mixed_public,
        ),
        chain_vector(
            "a partner's keys with its salt",
            View::Desk,
            &keys_same_salt,
        ),
        chain_vector(
            "a partner's keys with its salt, public",
            View::Public,
            &public(&keys_same_salt),
        ),
        chain_vector(
            "a partner's keys with another salt",
            View::Desk,
            &keys_other_salt,
        ),
        chain_vector(
            "a partner's keys with another salt, public",
            View::Public,
            &public(&keys_other_salt),
        ),
        chain_vector(
            "a partner in the clear, then sealed",
            View::Desk,
            &clear_then_sealed,
        ),
        chain_vector(
            "a partner in the clear, then sealed, public",
            View::Public,
            &public(&clear_then_sealed),
        ),
        chain_vector("two accounts of one name", View::Desk, &twins),
        chain_vector(
            "two accounts of one name, public",
            View::Public,
            &public(&twins),
        ),
    ]
}

fn without_opening(entry: &Signed) -> Signed {
    Signed {
        opening: None,
        ..entry.clone()
    }
}

fn statements() -> Vec<Value> {
    let sealed = chain(sealed_steps());
    [
        ("genesis", 0, "sofia"),
        ("desk_key", 1, "sofia"),
        ("approval", 2, "sofia"),
        ("partner_keys", 5, "sv2"),
    ]
    .into_iter()
    .map(|(kind, at, signer)| {
        let entry = &sealed[at];
        let public = Statement::decode_public(&entry.statement).unwrap();
        let (commitment, stand_in) = match public.format {
            Format::V2Sealed { commitment } => {
                let name = match &public.body {
                    Body::Genesis { username, .. } | Body::Approval { username, .. } => {
                        username.as_str().to_owned()
                    }
                    Body::PartnerKeys { name, .. } => name.clone(),
                    _ => unreachable!(),
                };
                (Some(hex(&commitment)), Some(name))
            }
            _ => (None, None),
        };
        json!({
            "kind": kind, "signer_identity": identity_text(signer),
            "statement_hex": hex(&entry.statement), "signature_hex": hex(&entry.signature),
            "opening_hex": entry.opening.as_ref().map(|o| hex(&o.to_bytes())),
            "link_hex": hex(&entry.link()),
            "commitment_hex": commitment, "stand_in": stand_in,
        })
    })
    .collect()
}

#[test]
fn sealed_statement_vectors_match() {
    let file: Value = serde_json::from_str(&std::fs::read_to_string(SEALED).unwrap()).unwrap();
    let statements = file["statements"].as_array().unwrap();
    assert_eq!(statements.len(), 4);
    for v in statements {
        let entry = signed(v);
        let statement = Statement::decode(&entry.statement, entry.opening.as_ref()).unwrap();
        assert_eq!(statement.encode(), entry.statement, "{}", v["kind"]);
        let signer: age::x25519::Identity = v["signer_identity"].as_str().unwrap().parse().unwrap();
        assert_eq!(statement.sign(&signer).unwrap(), entry, "{}", v["kind"]);
        assert_eq!(hex(&entry.link()), v["link_hex"].as_str().unwrap());
        let public = Statement::decode_public(&entry.statement).unwrap();
        assert_eq!(
            public.encode(),
            entry.statement,
            "the public view re-encodes"
        );
        if let Some(opening) = &entry.opening {
            let subject = match &statement.body {
                Body::Genesis { account, .. } | Body::Approval { account, .. } => *account,
                Body::PartnerKeys { partner, .. } => *partner,
                _ => unreachable!(),
            };
            let named = match v["kind"] == "partner_keys" {
                true => Named::Partner,
                false => Named::Account,
            };
            let sealed = commitment(named, &subject, &opening.salt, &opening.name);
            assert_eq!(hex(&sealed), v["commitment_hex"].as_str().unwrap());
            assert_eq!(stand_in(&sealed, named), v["stand_in"].as_str().unwrap());
            let text = String::from_utf8_lossy(&entry.statement);
            assert!(
                !text.contains(&opening.name),
                "a sealed name is not in the bytes"
            );
        }
    }
    let chains = file["chains"].as_array().unwrap();
    assert!(chains.len() >= 17);
    for v in chains {
        let entries: Vec<Signed> = v["entries"]
            .as_array()
            .unwrap()
            .iter()
            .map(signed)
            .collect();
        assert!(root_number("sofia").matches_typed(v["pinned_root"].as_str().unwrap()));
        let view = match v["view"].as_str().unwrap() {
            "desk" => View::Desk,
            _ => View::Public,
        };
        let got = outcome(view, &entries);
        assert_eq!(got["expect"], v["expect"], "{}", v["name"]);
        assert_eq!(got["at"], v["at"], "{}", v["name"]);
        assert_eq!(got["state"], v["state"], "{}", v["name"]);
    }
}

/// `cargo test -- --ignored regenerate_sealed_statement_vectors`; only for adding vectors.
#[test]
#[ignore]
fn regenerate_sealed_statement_vectors() {
    let file = json!({
        "description": "Format-2 key statements, names sealed (docs/protocol.md §10.1, §10.8). statements: decoding statement_hex with the opening in opening_hex (16-byte salt, then the name's UTF-8) and encoding it again gives the same bytes, signing it with signer_identity's key gives signature_hex, link_hex is its link; commitment_hex is SHA-256(\"resguardo/statement/v2/name\" 0x00 · named (1 account, 2 partner) · subject id · salt · str(name)) and stand_in the name the public view reads for it. chains: entries verified from pinned_root by a desk's device (view \"desk\", openings used) or in the public view (view \"public\", openings ignored), to expect: \"ok\" with state, or a refusal code and the statement it names (at). Hex is lower case.",
        "statements": statements(),
        "chains": chains(),
    });
    std::fs::write(SEALED, serde_json::to_string_pretty(&file).unwrap() + "\n").unwrap();
}
