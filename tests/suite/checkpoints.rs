//! Witness checkpoints (docs/protocol.md §10.7): a server that shows a device a shorter or a
//! different chain than a colleague saw is caught by that device, even a brand-new one that pins
//! nothing but the desk root, as soon as it reads the colleague's checkpoint.

use resguardo::client::{desk_statements, trust, ApiClient};
use resguardo::crypto::checkpoint::Checkpoint;
use resguardo::crypto::statement::{append, Body};
use resguardo::domain::{b64_encode, DeskSlug, Recipient};
use resguardo::protocol::referrals::NewPartner;
use resguardo::protocol::statements::CheckpointView;

use crate::harness::{Backend, TestServer};
use crate::triage::staffed_desk;
use crate::workers::{desk_view, genesis_pins, view};

crate::on_both_backends!(a_split_view_is_caught_by_a_colleagues_checkpoint);

/// How a brand-new device of `login` sees the desk: only the root pinned (no head), so that
/// nothing but a colleague's checkpoint can tell it the chain it is served is not everyone's.
async fn new_device(
    client: &ApiClient,
    login: &resguardo::client::worker::Login,
) -> Result<resguardo::crypto::chain::DeskState, resguardo::client::ClientError> {
    let token = &login.session.token;
    let served = trust::served(client, token).await.unwrap();
    let pins = genesis_pins(&served);
    desk_view(client, token, &login.identity, &pins)
        .await
        .map(|(state, _)| state)
}

async fn a_split_view_is_caught_by_a_colleagues_checkpoint(backend: Backend) {
    let Some(server) = TestServer::start(backend).await else {
        return;
    };
    let client = server.client();
    let (boss, ana) = staffed_desk(&server, &client, "gt").await;
    let (ana_token, boss_token) = (&ana.session.token, &boss.session.token);
    // One statement after ana's approval: the partner Bufete, signed by sofia.
    let (state, _) = view(&client, &boss).await;
    let bufete = age::x25519::Identity::generate();
    let request: NewPartner = serde_json::from_value(serde_json::json!({
        "name": "Bufete", "services": ["legal"], "countries": ["GT"], "languages": ["es"],
        "recipient": bufete.to_public().to_string(), "contact": "+502 5555 0000",
    }))
    .unwrap();
    let bufete_key = resguardo::crypto::signing::public_of(&bufete);
    desk_statements::add_partner(
        &client,
        boss_token,
        &boss.identity,
        &state,
        &request,
        bufete_key,
    )
    .await
    .unwrap();

    // Ana's device verifies the chain and says what it saw.
    let (state, _) = view(&client, &ana).await;
    trust::witness(&client, ana_token, &ana.identity, &state)
        .await
        .unwrap();
    let seen = state.head().0;
    assert_eq!(client.checkpoints(boss_token).await.unwrap().len(), 1);
    new_device(&client, &boss).await.expect("an honest server");

    // The server hides the newest statement from everyone: a new device that pins only the root
    // verifies what is left, but ana's checkpoint says there was more.
    let hidden = server
        .blobs(&format!(
            "SELECT statement FROM key_statements WHERE desk_slug = 'gt' AND seq = {seen}"
        ))
        .await;
    assert_eq!(hidden.len(), 1);
    server
        .tamper(&format!(
            "DELETE FROM key_statements WHERE desk_slug = 'gt' AND seq = {seen}"
        ))
        .await;
    let refused = new_device(&client, &boss).await.err().unwrap().to_string();
    assert!(
        refused.contains("(behind)") && refused.contains("ana"),
        "{refused}"
    );

    // In its place, a statement that a key of the desk signed (one the server stole, say): the
    // chain verifies from the root, and ana's checkpoint names another statement there.
    // Partner "Otro", whose key is the attacker's, would get every referral a worker made.
    let served = trust::served(&client, boss_token).await.unwrap();
    let m = age::x25519::Identity::generate();
    let other = append(
        &DeskSlug::parse("gt").unwrap(),
        Some((served.len() as u64, served.last().unwrap().link())),
        &boss.identity,
        Body::Partner {
            partner: [9; 16],
            name: "Otro".into(),
            recipient: Recipient::from(m.to_public()),
        },
    )
    .unwrap();
    server.insert_statement("gt", seen, &other).await;
    let refused = new_device(&client, &boss).await.err().unwrap().to_string();
    assert!(
        refused.contains("(fork)") && refused.contains("ana"),
        "{refused}"
    );

    // A checkpoint the server makes with a key of its own vouches for nothing: one that agrees
    // with the fork is ignored (with ana's withheld, the fork is taken: which is why every device
    // posts its own), and one that disagrees stops the device, which the server could anyway.
    let ana_id = state.account_by_name("ana").unwrap().id;
    let plant = |link: [u8; 32]| {
        let forged = Checkpoint {
            desk: DeskSlug::parse("gt").unwrap(),
            seq: seen,
            link,
            signer: resguardo::crypto::signing::public_of(&m),
        };
        let bytes = forged.encode();
        let signature = resguardo::crypto::signing::sign(&m, &bytes);
        let server = &server;
        async move {
            server.tamper("DELETE FROM checkpoints").await;
            let sql = format!(
                "INSERT INTO checkpoints (desk_slug, account_id, seq, checkpoint, signature, \
                 created_at) VALUES ('gt', $1, {seen}, $2, $3, 0)"
            );
            server
                .tamper_with(&sql, &[&ana_id, &bytes, &signature])
                .await;
            (forged, bytes, signature)
        }
    };
    plant(other.link()).await;
    new_device(&client, &boss)
        .await
        .expect("a checkpoint no account signed vouches for nothing");
    let (forged, bytes, signature) = plant([7; 32]).await;
    let refused = new_device(&client, &boss).await.err().unwrap().to_string();
    assert!(refused.contains("(fork)"), "{refused}");

    // The server takes a device's own checkpoint only of its own chain, signed with its key.
    let post = |bytes: &[u8], signature: &[u8]| {
        let view = CheckpointView {
            checkpoint: b64_encode(bytes),
            signature: b64_encode(signature),
        };
        let client = &client;
        async move { client.post_checkpoint(ana_token, &view).await }
    };
    let refused = post(&bytes, &signature).await.err().unwrap();
    assert_eq!(refused.problem_slug(), Some("invalid-field"), "another key");
    let mut beyond = forged.clone();
    beyond.signer = resguardo::crypto::signing::public_of(&ana.identity);
    beyond.seq = seen + 5;
    let beyond_bytes = beyond.encode();
    let signed = resguardo::crypto::signing::sign(&ana.identity, &beyond_bytes);
    let refused = post(&beyond_bytes, &signed).await.err().unwrap();
    assert_eq!(
        refused.problem_slug(),
        Some("key-conflict"),
        "a seq beyond the chain"
    );
    assert_eq!(
        post(b"not a checkpoint", &signed)
            .await
            .err()
            .unwrap()
            .problem_slug(),
        Some("invalid-field")
    );
}

// ---- vectors: tests/vectors/checkpoints.json, passed by web/test/checkpoint.test.ts ----

const VECTORS: &str = "tests/vectors/checkpoints.json";

fn hex(bytes: &[u8]) -> String {
    resguardo::domain::hex(bytes)
}

/// `name`'s checkpoint of statement `seq` of `entries` (of `desk`), signed by it, or with
/// `link` instead of the statement's.
fn checkpoint_of(
    name: &str,
    desk: &str,
    entries: &[resguardo::crypto::statement::Signed],
    seq: u64,
    link: Option<[u8; 32]>,
) -> (Vec<u8>, [u8; 64]) {
    use crate::statement_vectors::identity;
    let who = identity(name);
    let checkpoint = Checkpoint {
        desk: DeskSlug::parse(desk).unwrap(),
        seq,
        link: link.unwrap_or_else(|| entries[seq as usize - 1].link()),
        signer: resguardo::crypto::signing::public_of(&who),
    };
    let bytes = checkpoint.encode();
    let signature = resguardo::crypto::signing::sign(&who, &bytes);
    (bytes, signature)
}

/// A vector: (name, the chain served, the checkpoints served).
type Case = (
    &'static str,
    Vec<resguardo::crypto::statement::Signed>,
    Vec<(Vec<u8>, [u8; 64])>,
);

fn vector_cases() -> Vec<Case> {
    use crate::statement_vectors::{chain, desk_steps, forked_desk_steps};
    let full = chain("gt", desk_steps());
    let cut = full[..6].to_vec();
    let forked = chain("gt", forked_desk_steps());
    let ana_saw = checkpoint_of("ana", "gt", &full, 7, None);
    let sv2_saw = checkpoint_of("sv2", "gt", &full, 5, None);
    let (bytes, _) = ana_saw.clone();
    vec![
        (
            "colleagues saw this chain",
            full.clone(),
            vec![ana_saw.clone(), sv2_saw.clone()],
        ),
        (
            "a colleague saw more statements",
            cut.clone(),
            vec![sv2_saw.clone(), ana_saw.clone()],
        ),
        (
            "a colleague saw another statement",
            forked,
            vec![ana_saw.clone()],
        ),
        (
            "an unknown key claims no more than served",
            full.clone(),
            vec![checkpoint_of("eve", "gt", &full, 3, None)],
        ),
        (
            "an unknown key saw another statement",
            full.clone(),
            vec![checkpoint_of("eve", "gt", &full, 3, Some([7; 32]))],
        ),
        (
            "an unknown key claims more than served",
            cut,
            vec![checkpoint_of("eve", "gt", &full, 7, None)],
        ),
        (
            "a signature that does not verify",
            full.clone(),
            vec![(bytes, [0; 64])],
        ),
        (
            "another desk's checkpoint",
            full.clone(),
            vec![checkpoint_of("ana", "hn", &full, 7, Some([7; 32]))],
        ),
        ("no checkpoints", full, vec![]),
    ]
}

fn vector_file() -> serde_json::Value {
    use crate::statement_vectors::{entries_json, root_number};
    let cases: Vec<_> = vector_cases()
        .into_iter()
        .map(|(name, entries, served)| {
            let pins = resguardo::crypto::chain::Pins {
                root: root_number("sofia"),
                head: None,
            };
            let slug = DeskSlug::parse("gt").unwrap();
            let state = resguardo::crypto::chain::verify(&slug, &pins, &entries).unwrap();
            let expect = match resguardo::crypto::checkpoint::compare(&state, &entries, &served) {
                Ok(counted) => serde_json::json!({"counted": counted}),
                Err(e) => serde_json::json!({"refused": e.code()}),
            };
            serde_json::json!({
                "name": name, "entries": entries_json(&entries),
                "checkpoints": served.iter().map(|(c, s)| {
                    serde_json::json!({"checkpoint_hex": hex(c), "signature_hex": hex(s)})
                }).collect::<Vec<_>>(),
                "expect": expect,
            })
        })
        .collect();
    serde_json::json!({
        "description": "Witness checkpoints (docs/protocol.md §10.7). Each case: the chain served for desk gt (entries, which verify from pinned_root), the checkpoints served (each checkpoint's bytes and its Ed25519 signature), and what a device concludes: counted (how many checkpoints are colleagues' and agree with the chain) or refused (behind: a colleague, or a key the chain does not know, saw more statements than served; fork: a colleague saw another statement at that seq). Checkpoints that do not decode, name another desk, or whose signature does not verify count for nothing.",
        "desk": "gt",
        "pinned_root": root_number("sofia").as_str(),
        "cases": cases,
    })
}

#[test]
fn checkpoint_vectors_match() {
    let file: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(VECTORS).unwrap()).unwrap();
    // Ed25519 is deterministic and nothing is encrypted: the file is reproduced exactly.
    assert_eq!(file, vector_file());
    let expects: Vec<String> = (file["cases"].as_array().unwrap().iter())
        .map(|c| c["expect"].to_string())
        .collect();
    assert_eq!(
        expects,
        [
            r#"{"counted":2}"#,
            r#"{"refused":"behind"}"#,
            r#"{"refused":"fork"}"#,
            r#"{"counted":0}"#,
            r#"{"refused":"fork"}"#,
            r#"{"refused":"behind"}"#,
            r#"{"counted":0}"#,
            r#"{"counted":0}"#,
            r#"{"counted":0}"#,
        ]
    );
}

/// `cargo test -- --ignored regenerate_checkpoint_vectors`; only for adding vectors.
#[test]
#[ignore]
fn regenerate_checkpoint_vectors() {
    let text = serde_json::to_string_pretty(&vector_file()).unwrap() + "\n";
    std::fs::write(VECTORS, text).unwrap();
}
