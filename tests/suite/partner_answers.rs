//! Partners sign their answers (docs/protocol.md §8, issue 19): the desk tells a partner's own
//! words from ones the server wrote in its name or moved from another referral, by the key the
//! desk's statements sign for the partner, not by what the server lists.

use resguardo::client::partner as partner_side;
use resguardo::client::{desk_statements, referrals, reporter, triage, ApiClient};
use resguardo::crypto::receipt::Language;
use resguardo::crypto::statement::Body;
use resguardo::crypto::{seal, signing};
use resguardo::domain::{hex_decode_array, Recipient, ReferralField};
use resguardo::protocol::case::{Authenticity, OpenCase};
use resguardo::protocol::message::message_plaintext;
use resguardo::protocol::referral::{ConsentDecision, ReferralOrder};
use resguardo::protocol::referrals::{NewPartner, PartnerView};

use crate::harness::{form, Backend, TestServer};
use crate::triage::staffed_desk;
use crate::workers::view;

crate::on_both_backends!(partner_answers_are_signed);

fn partner_request(name: &str, identity: &age::x25519::Identity) -> NewPartner {
    serde_json::from_value(serde_json::json!({
        "name": name, "services": ["legal"], "countries": ["GT"], "languages": ["es"],
        "recipient": identity.to_public().to_string(), "contact": "+502 5555 0000",
    }))
    .unwrap()
}

/// Bufete joins `boss`'s desk with both keys (`desk partner add`): its identity and its token.
pub async fn add_bufete(
    client: &ApiClient,
    boss: &resguardo::client::worker::Login,
) -> (
    age::x25519::Identity,
    resguardo::protocol::referrals::PartnerToken,
) {
    let bufete = age::x25519::Identity::generate();
    let (state, _) = view(client, boss).await;
    let request = partner_request("Bufete Popular", &bufete);
    let (token, own) = (&boss.session.token, &boss.identity);
    let signing_key = signing::public_of(&bufete);
    let added = desk_statements::add_partner(client, token, own, &state, &request, signing_key)
        .await
        .unwrap();
    (bufete, added)
}

/// A case the desk opened and checked, as `worker show` does.
pub async fn checked_case(
    client: &ApiClient,
    worker: &resguardo::client::worker::Login,
    id: &str,
) -> OpenCase {
    let (state, keys) = view(client, worker).await;
    let mut case = triage::open_case(client, &worker.session.token, &keys.identities, id)
        .await
        .unwrap();
    case.verify_authors(&state);
    case
}

/// `worker` refers case `id` to `partner` with its needs, as `worker refer` does; the referral id.
pub async fn refer(
    client: &ApiClient,
    worker: &resguardo::client::worker::Login,
    id: &str,
    partner: &PartnerView,
) -> String {
    let (state, _) = view(client, worker).await;
    let case = checked_case(client, worker, id).await;
    let order = ReferralOrder {
        partner,
        fields: &[ReferralField::Needs],
        consent: ConsentDecision::Required,
        expires_in_days: None,
        attachments: &[],
    };
    let token = &worker.session.token;
    let made = referrals::refer(client, token, &case, &state, &worker.identity, &order);
    made.await.unwrap().id
}

/// How the desk reads each answer of the case's referral to `partner`: (text, authenticity).
fn answers(case: &OpenCase, partner: &PartnerView) -> Vec<(String, Option<Authenticity>)> {
    let index = (case.view.referrals.iter())
        .position(|r| r.partner == partner.id)
        .unwrap();
    case.referrals[index]
        .updates
        .iter()
        .map(|u| {
            let text = u.text.as_ref().map_or(String::new(), |t| t.to_string());
            (text, u.authenticity.clone())
        })
        .collect()
}

async fn partner_answers_are_signed(backend: Backend) {
    let Some(server) = TestServer::start(backend).await else {
        return;
    };
    let client = server.client();
    let (boss, ana) = staffed_desk(&server, &client, "gt").await;
    let (token, own) = (&boss.session.token, &boss.identity);

    // Bufete joins with both keys; Casa as a partner did before signing keys (a `partner`
    // statement, recipient only).
    let bufete = age::x25519::Identity::generate();
    let (state, _) = view(&client, &boss).await;
    let request = partner_request("Bufete Popular", &bufete);
    let signing_key = signing::public_of(&bufete);
    let bufete_view =
        desk_statements::add_partner(&client, token, own, &state, &request, signing_key)
            .await
            .unwrap();
    let casa = age::x25519::Identity::generate();
    let casa_view = client
        .add_partner(token, &partner_request("Casa Refugio", &casa))
        .await
        .unwrap();
    let (state, _) = view(&client, &boss).await;
    let legacy = Body::Partner {
        partner: hex_decode_array(&casa_view.partner.id).unwrap(),
        name: "Casa Refugio".into(),
        recipient: Recipient::from(casa.to_public()),
    };
    desk_statements::append(&client, token, own, &state, vec![legacy])
        .await
        .unwrap();

    // Two cases referred to Bufete, the first also to Casa.
    let mut referral_to = vec![];
    for (story, partners) in [
        ("primero", vec![&bufete_view.partner, &casa_view.partner]),
        ("segundo", vec![&bufete_view.partner]),
    ] {
        let submitted = reporter::submit(&client, "gt", &form(story), Language::Es, None, |_| {})
            .await
            .unwrap();
        for partner in partners {
            let made = refer(&client, &ana, &submitted.id, partner).await;
            referral_to.push((submitted.id.clone(), partner.id.clone(), made));
        }
    }
    let (case_1, _, to_bufete_1) = referral_to[0].clone();
    let (_, _, to_casa) = referral_to[1].clone();
    let (_, _, to_bufete_2) = referral_to[2].clone();
    for (token, identity, id, text) in [
        (&bufete_view.token, &bufete, &to_bufete_1, "Cita el lunes."),
        (&bufete_view.token, &bufete, &to_bufete_2, "Caso aceptado."),
        (&casa_view.token, &casa, &to_casa, "Hay lugar."),
    ] {
        let state = crate::partners::partner_desk(&client, token, identity).await;
        partner_side::answer(&client, token, identity, id, None, Some((text, &state)))
            .await
            .unwrap();
    }

    // The server writes an answer in Bufete's name to the desk's key, and moves Bufete's answer
    // on the second case under the first.
    let (desk_state, _) = view(&client, &ana).await;
    let desk_key = desk_state.current_key().unwrap().1.clone();
    let forged = seal::seal(
        &[desk_key.age()],
        &message_plaintext("Ya no atendemos este caso."),
    )
    .unwrap();
    let id_bytes = |id: &str| hex_decode_array::<16>(id).unwrap();
    let insert = "INSERT INTO referral_updates (referral_id, seq, status, ciphertext, created_at) \
                  VALUES ($1, 90, NULL, $2, 0)";
    server
        .tamper_with(insert, &[&id_bytes(&to_bufete_1), &forged])
        .await;
    let seen = client
        .partner_referral(&bufete_view.token, &to_bufete_2)
        .await
        .unwrap();
    let moved =
        resguardo::domain::b64_decode(seen.updates[0].ciphertext.as_deref().unwrap()).unwrap();
    let insert = insert.replace("90", "91");
    server
        .tamper_with(&insert, &[&id_bytes(&to_bufete_1), &moved])
        .await;

    let case = checked_case(&client, &ana, &case_1).await;
    let bufete_named = Some(Authenticity::SignedByPartner("Bufete Popular".into()));
    assert_eq!(
        answers(&case, &bufete_view.partner),
        [
            ("Cita el lunes.".to_owned(), bufete_named.clone()),
            (
                "Ya no atendemos este caso.".to_owned(),
                Some(Authenticity::NotSigned)
            ),
            ("Caso aceptado.".to_owned(), Some(Authenticity::NotSigned)),
        ],
        "the partner's own answer is signed; the forged and the moved one are not"
    );
    // Casa's statement holds no signing key: its answer is signed, but nothing says with what.
    assert_eq!(
        answers(&case, &casa_view.partner),
        [("Hay lugar.".to_owned(), Some(Authenticity::Unknown))]
    );
    // The partner's own device tells its words from the server's too.
    let own_view =
        partner_side::open_referral(&client, &bufete_view.token, &bufete, &to_bufete_1, None)
            .await
            .unwrap();
    let checked: Vec<_> = own_view
        .updates
        .iter()
        .map(|u| u.authenticity.clone())
        .collect();
    assert_eq!(
        checked,
        [
            Some(Authenticity::Signed),
            Some(Authenticity::Unknown),
            Some(Authenticity::NotSigned)
        ],
        "the forged answer to the desk's key alone is not the partner's to open: unknown"
    );

    // Casa's signing key is signed after comparing its number: its answer now verifies.
    let (state, _) = view(&client, &boss).await;
    let casa_key = signing::public_of(&casa);
    desk_statements::add_partner_signing_key(
        &client,
        token,
        own,
        &state,
        &casa_view.partner,
        casa_key,
    )
    .await
    .unwrap();
    let case = checked_case(&client, &ana, &case_1).await;
    assert_eq!(
        answers(&case, &casa_view.partner),
        [(
            "Hay lugar.".to_owned(),
            Some(Authenticity::SignedByPartner("Casa Refugio".into()))
        )]
    );
    let (state, _) = view(&client, &boss).await;
    let again = desk_statements::add_partner_signing_key(
        &client,
        token,
        own,
        &state,
        &casa_view.partner,
        signing::public_of(&bufete),
    )
    .await
    .err()
    .unwrap();
    assert!(again.to_string().contains("already"), "{again}");

    // A statement giving a partner another key than the directory holds is refused by the server
    // (and would be by every device: the chain allows one key per partner).
    let other = age::x25519::Identity::generate();
    let swapped = Body::PartnerKeys {
        partner: hex_decode_array(&bufete_view.partner.id).unwrap(),
        name: "Bufete Popular".into(),
        recipient: Recipient::from(other.to_public()),
        signing_key: signing::public_of(&other),
    };
    let refused = desk_statements::append(&client, token, own, &state, vec![swapped])
        .await
        .err()
        .unwrap();
    assert_eq!(refused.problem_slug(), Some("invalid-field"), "{refused}");
}

// ---- vectors: tests/vectors/partner_answers.json, passed by web/test/partner_answers.test.ts ----

const VECTORS: &str = "tests/vectors/partner_answers.json";

/// The vectors' desk: statements.json's desk, with Bufete gaining its signing key and Casa named
/// by a `partner` statement only.
fn vector_desk() -> Vec<resguardo::crypto::statement::Signed> {
    use crate::statement_vectors::{chain, desk_steps, id, identity, recipient};
    let mut steps = desk_steps();
    steps.push((
        "sofia",
        Body::PartnerKeys {
            partner: id("bufete"),
            name: "Bufete Popular, Zona 1".into(),
            recipient: recipient("bufete"),
            signing_key: signing::public_of(&identity("bufete")),
        },
    ));
    steps.push((
        "sofia",
        Body::Partner {
            partner: id("casa"),
            name: "Casa Refugio".into(),
            recipient: recipient("casa"),
        },
    ));
    chain("gt", steps)
}

/// An answer of the vectors: (name, partner, referral, plaintext of the message document).
type VectorAnswer = (&'static str, [u8; 16], [u8; 16], Vec<u8>);

fn vector_answers() -> Vec<VectorAnswer> {
    use crate::statement_vectors::{id, identity};
    use resguardo::protocol::message::{partner_author, signed_message_plaintext};
    let referral = |name: &str| id(&format!("referral {name}"));
    let signed = |by: &str, to: &str, text: &str| {
        let author = partner_author(&resguardo::domain::hex(&referral(to)));
        signed_message_plaintext(text, &author, &signing::signing_key(&identity(by))).to_vec()
    };
    let (bufete, casa) = (id("bufete"), id("casa"));
    vec![
        (
            "signed by the partner, for this referral",
            bufete,
            referral("a"),
            signed("bufete", "a", "Cita el lunes a las 9.\nTraiga su DPI."),
        ),
        (
            "signed by the partner, for another referral",
            bufete,
            referral("a"),
            signed("bufete", "b", "Cita el lunes a las 9."),
        ),
        (
            "signed by another key",
            bufete,
            referral("a"),
            signed("eve", "a", "Ya no atendemos."),
        ),
        (
            "unsigned (resguardo.message.v1)",
            bufete,
            referral("a"),
            message_plaintext("Ya no atendemos.").to_vec(),
        ),
        (
            "a partner without a signing key in the chain",
            casa,
            referral("c"),
            signed("casa", "c", "Hay lugar."),
        ),
        (
            "a partner the chain does not know",
            id("nadie"),
            referral("d"),
            signed("nadie", "d", "Hola."),
        ),
    ]
}

/// How a desk device reads an answer: (text, authenticity, signed_by).
fn read_answer(
    state: &resguardo::crypto::chain::DeskState,
    partner: &[u8; 16],
    referral: &[u8; 16],
    plaintext: &[u8],
) -> serde_json::Value {
    use resguardo::protocol::case::ReadableUpdate;
    use resguardo::protocol::referrals::ReferralUpdateView;
    let served = ReferralUpdateView {
        seq: 1,
        author: resguardo::protocol::referrals::UpdateAuthor::Partner,
        status: None,
        day: "2026-12-03".into(),
        ciphertext: Some(resguardo::domain::b64_encode(plaintext)),
    };
    // The vectors hold plaintexts: "opening" is decoding the base64.
    let mut update = ReadableUpdate::open(&served, |b64| {
        resguardo::domain::b64_decode(b64).map(zeroize::Zeroizing::new)
    });
    let (referral, partner) = (
        resguardo::domain::hex(referral),
        resguardo::domain::hex(partner),
    );
    update.verify_on_desk(&referral, &partner, state);
    let json = update.to_json();
    serde_json::json!({"text": json["text"], "authenticity": json["authenticity"],
                       "signed_by": json["signed_by"]})
}

fn vector_file() -> serde_json::Value {
    use crate::statement_vectors::{entries_json, verified_desk};
    let entries = entries_json(&vector_desk());
    let state = verified_desk(&entries);
    let answers: Vec<_> = vector_answers()
        .into_iter()
        .map(|(name, partner, referral, plaintext)| {
            let mut v = serde_json::json!({
                "name": name, "partner_hex": resguardo::domain::hex(&partner),
                "referral_hex": resguardo::domain::hex(&referral),
                "plaintext": String::from_utf8(plaintext.clone()).unwrap(),
            });
            v["expect"] = read_answer(&state, &partner, &referral, &plaintext);
            v
        })
        .collect();
    serde_json::json!({
        "description": "Partners' answers (docs/protocol.md §2, §8). entries: the desk's statements (statements.json's desk, then a partner_keys statement for Bufete and a partner statement for Casa), verified from pinned_root. answers: the plaintext of an answer's message document to the referral referral_hex of the partner partner_hex, as a desk device reads it: its text, and authenticity signed (a resguardo.message.v2 whose author is partner:<referral_hex> and whose signature verifies under the signing key the chain holds for partner_hex; signed_by is the partner's name in the chain), not-signed (the chain holds a signing key for the partner and the message is not so signed), or unknown (the chain holds no signing key for the partner).",
        "desk": "gt",
        "pinned_root": crate::statement_vectors::root_number("sofia").as_str(),
        "entries": entries,
        "answers": answers,
    })
}

#[test]
fn partner_answer_vectors_match() {
    let file: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(VECTORS).unwrap()).unwrap();
    // Ed25519 is deterministic and nothing is encrypted: the file is reproduced exactly.
    assert_eq!(file, vector_file());
    let expects: Vec<&str> = (file["answers"].as_array().unwrap().iter())
        .map(|a| a["expect"]["authenticity"].as_str().unwrap())
        .collect();
    assert_eq!(
        expects,
        [
            "signed",
            "not-signed",
            "not-signed",
            "not-signed",
            "unknown",
            "not-signed"
        ]
    );
}

/// `cargo test -- --ignored regenerate_partner_answer_vectors`; only for adding vectors.
#[test]
#[ignore]
fn regenerate_partner_answer_vectors() {
    let text = serde_json::to_string_pretty(&vector_file()).unwrap() + "\n";
    std::fs::write(VECTORS, text).unwrap();
}

crate::on_both_backends!(a_partner_writes_only_to_the_signed_desk_key);

/// A lying server that names another desk key to a partner, or serves statements of its own,
/// gets nothing: the partner's device refuses before it encrypts, and the attacker's key opens
/// nothing written afterwards.
async fn a_partner_writes_only_to_the_signed_desk_key(backend: Backend) {
    let Some(server) = TestServer::start(backend).await else {
        return;
    };
    let client = server.client();
    let (boss, ana) = staffed_desk(&server, &client, "gt").await;
    let (bufete, added) = add_bufete(&client, &boss).await;
    let submitted = reporter::submit(&client, "gt", &form("x"), Language::Es, None, |_| {})
        .await
        .unwrap();
    let referral = refer(&client, &ana, &submitted.id, &added.partner).await;
    let desk = crate::partners::partner_desk(&client, &added.token, &bufete).await;
    let write = |state: resguardo::crypto::chain::DeskState| {
        let (client, token, bufete, id) = (&client, &added.token, &bufete, &referral);
        async move {
            partner_side::answer(
                client,
                token,
                bufete,
                id,
                None,
                Some(("Cita el lunes.", &state)),
            )
            .await
        }
    };

    // The server names its own key as the desk's.
    let m = age::x25519::Identity::generate();
    let real = desk.current_key().unwrap().1.clone();
    server
        .tamper(&format!(
            "UPDATE desk_keys SET recipient = '{}' WHERE desk_slug = 'gt'",
            m.to_public()
        ))
        .await;
    let refused = write(desk.clone()).await.err().unwrap();
    assert!(
        refused.to_string().contains("another desk key"),
        "{refused}"
    );
    server
        .tamper(&format!(
            "UPDATE desk_keys SET recipient = '{}' WHERE desk_slug = 'gt'",
            real.as_str()
        ))
        .await;

    // The server appends a desk key statement of its own: the chain no longer verifies.
    let before = partner_side::served_desk(&client, &added.token)
        .await
        .unwrap();
    let (entries, pins) = (
        &before.entries,
        crate::workers::genesis_pins(&before.entries),
    );
    let head = (entries.len() as u64, entries.last().unwrap().link());
    server.append_own_desk_key("gt", head, &m, 2).await;
    let served = partner_side::served_desk(&client, &added.token)
        .await
        .unwrap();
    let refused = partner_side::verify_desk(&served, &pins, &bufete)
        .err()
        .unwrap();
    assert!(refused.to_string().contains("(signer)"), "{refused}");
    // A partner the desk never signed (another identity with the same token) is refused too.
    let stranger = age::x25519::Identity::generate();
    let refused = partner_side::verify_desk(&before, &pins, &stranger)
        .err()
        .unwrap();
    assert!(
        refused.to_string().contains("do not hold your key"),
        "{refused}"
    );

    // Nothing anyone wrote is open to the attacker's key.
    let written = server
        .blobs("SELECT ciphertext FROM referral_updates WHERE ciphertext IS NOT NULL")
        .await;
    assert!(written.iter().all(|c| seal::open(&m, c).is_err()));
    assert!(written.is_empty(), "nothing was sent");
}

crate::on_both_backends!(the_desk_writes_to_a_partner);

/// The conversation with a partner goes both ways (docs/protocol.md §8): a worker's message to the
/// partner is signed by the worker as a message on that referral, readable by the partner and the
/// desk only; one the server writes, or relabels, is flagged on both sides.
async fn the_desk_writes_to_a_partner(backend: Backend) {
    let Some(mut server) = TestServer::start(backend).await else {
        return;
    };
    let client = server.client();
    let (boss, ana) = staffed_desk(&server, &client, "gt").await;
    let (bufete, added) = add_bufete(&client, &boss).await;
    let mut cases = vec![];
    for story in ["uno", "dos"] {
        let submitted = reporter::submit(&client, "gt", &form(story), Language::Es, None, |_| {})
            .await
            .unwrap();
        let referral = refer(&client, &ana, &submitted.id, &added.partner).await;
        cases.push((submitted.id, referral));
    }
    let (case_id, referral) = cases[0].clone();

    // Ana writes; the partner answers.
    let words = crate::canary::new_canary();
    let (state, _) = view(&client, &ana).await;
    let case = checked_case(&client, &ana, &case_id).await;
    let to = (&case.view.referrals[0], &added.partner);
    referrals::write_to_partner(
        &client,
        &ana.session.token,
        &case,
        &state,
        &ana.identity,
        to,
        &words,
    )
    .await
    .unwrap();
    let partner_state = crate::partners::partner_desk(&client, &added.token, &bufete).await;
    let answer = Some(("Recibido.", &partner_state));
    partner_side::answer(&client, &added.token, &bufete, &referral, None, answer)
        .await
        .unwrap();

    // Another case's referral is not this case's to write on.
    let other = &cases[1].1;
    let sealed = resguardo::protocol::referral::seal_to_partner(
        &state,
        &ana.identity,
        &added.partner,
        other,
        "x",
    )
    .unwrap();
    let message = resguardo::protocol::referrals::DeskMessageToPartner { ciphertext: sealed };
    let refused = client
        .write_to_partner(&ana.session.token, &case_id, other, &message)
        .await
        .err()
        .unwrap();
    assert_eq!(refused.problem_slug(), Some("referral-not-found"));

    // The server writes a "desk" message of its own, to both keys, and relabels the partner's
    // answer as the desk's.
    let desk_key = state.current_key().unwrap().1.clone();
    let forged = seal::seal(
        &[desk_key.age(), &bufete.to_public()],
        &message_plaintext("Envíen todo a este número."),
    )
    .unwrap();
    let id_bytes = hex_decode_array::<16>(&referral).unwrap();
    server
        .tamper_with(
            "INSERT INTO referral_updates (referral_id, seq, status, ciphertext, created_at, \
             author) VALUES ($1, 90, NULL, $2, 0, 'desk')",
            &[&id_bytes, &forged],
        )
        .await;

    let on_desk = |case: &OpenCase| -> Vec<(bool, String, Option<Authenticity>)> {
        case.referrals[0]
            .updates
            .iter()
            .map(|u| {
                let text = u.text.as_ref().map_or(String::new(), |t| t.to_string());
                (u.from_desk, text, u.authenticity.clone())
            })
            .collect()
    };
    let ana_name = resguardo::domain::Username::parse("ana").unwrap();
    let bufete_named = Some(Authenticity::SignedByPartner("Bufete Popular".into()));
    let case = checked_case(&client, &boss, &case_id).await;
    assert_eq!(
        on_desk(&case),
        [
            (
                true,
                words.clone(),
                Some(Authenticity::SignedBy(ana_name.clone()))
            ),
            (false, "Recibido.".to_owned(), bufete_named),
            (
                true,
                "Envíen todo a este número.".to_owned(),
                Some(Authenticity::NotSigned)
            ),
        ]
    );
    let seen = partner_side::open_referral(
        &client,
        &added.token,
        &bufete,
        &referral,
        Some(&partner_state),
    )
    .await
    .unwrap();
    let on_partner: Vec<_> = (seen.updates.iter())
        .map(|u| (u.from_desk, u.authenticity.clone()))
        .collect();
    assert_eq!(
        on_partner,
        [
            (true, Some(Authenticity::SignedBy(ana_name))),
            (false, Some(Authenticity::Signed)),
            (true, Some(Authenticity::NotSigned)),
        ],
        "the partner checks the desk's words against the desk's chain"
    );
    server
        .tamper("UPDATE referral_updates SET author = 'desk' WHERE seq = 2")
        .await;
    let case = checked_case(&client, &boss, &case_id).await;
    assert_eq!(
        on_desk(&case)[1].2,
        Some(Authenticity::NotSigned),
        "relabelled"
    );

    let log = server.audit_rows().await;
    assert!(log
        .iter()
        .any(|r| r.entry.actor == "ana" && r.entry.action == "referral.message"));
    crate::canary::assert_never_written(&mut server, &[("a message to a partner", words)]).await;
}
