//! Routing cases to support partners, end to end on each backend: the supervisor registers
//! partners, a worker ranks them against the decrypted report and refers the case with only the
//! fields chosen; the partner decrypts, accepts and writes back; the desk reads it; the reporter
//! sees only that the case is referred. Consent, expiry, the partner's access limits and the
//! canary check come after.

use resguardo::client::partner as partner_side;
use resguardo::client::{desk_statements, referrals, reporter, triage, ApiClient, ClientError};
use resguardo::crypto::chain::DeskState;
use resguardo::crypto::receipt::Language;
use resguardo::crypto::seal;
use resguardo::domain::{b64_decode, ReferralField, ReferralStatus, Status};
use resguardo::protocol::message::message_text;
use resguardo::protocol::referral::{self, ConsentDecision, ReferralOrder};
use resguardo::protocol::referrals::{NewPartner, PartnerToken, PartnerView};
use resguardo::protocol::report::ReportForm;
use serde_json::{json, Value};

use crate::harness::{form, Backend, TestServer};
use crate::triage::staffed_desk;

crate::on_both_backends!(refer_accept_and_answer, consent_and_expiry);

/// A partner organisation: its own identity (made on its own machine) and the token the desk gave.
pub struct Org {
    pub identity: age::x25519::Identity,
    pub token: String,
    pub view: PartnerView,
}

pub async fn register(
    client: &ApiClient,
    supervisor: &resguardo::client::worker::Login,
    name: &str,
    services: Value,
    countries: Value,
) -> Org {
    let identity = age::x25519::Identity::generate();
    let request: NewPartner = serde_json::from_value(json!({
        "name": name, "services": services, "countries": countries, "languages": ["es"],
        "recipient": identity.to_public().to_string(), "contact": "+502 5555 0000",
    }))
    .unwrap();
    let PartnerToken { partner, token, .. } =
        add_signed(client, supervisor, &request, &identity).await;
    Org {
        identity,
        token,
        view: partner,
    }
}

/// `supervisor` adds a partner and signs its keys into the desk's statements, as `desk partner
/// add` does: its recipient and the signing key of `partner`, its identity.
async fn add_signed(
    client: &ApiClient,
    supervisor: &resguardo::client::worker::Login,
    request: &NewPartner,
    partner: &age::x25519::Identity,
) -> PartnerToken {
    let (state, _) = crate::workers::view(client, supervisor).await;
    let (token, own) = (&supervisor.session.token, &supervisor.identity);
    let signing_key = resguardo::crypto::signing::public_of(partner);
    desk_statements::add_partner(client, token, own, &state, request, signing_key)
        .await
        .unwrap()
}

/// The partner's device answers a referral; a message goes to the desk key of its desk's chain,
/// verified first.
async fn answer(
    client: &ApiClient,
    org: &Org,
    id: &str,
    status: Option<ReferralStatus>,
    text: Option<&str>,
) -> Result<(), ClientError> {
    let state = partner_desk(client, &org.token, &org.identity).await;
    let message = text.map(|text| (text, &state));
    partner_side::answer(client, &org.token, &org.identity, id, status, message).await
}

/// How a partner's device sees its desk: the chain verified from its root, as `partner desk`
/// does with the root the desk gave it.
pub async fn partner_desk(
    client: &ApiClient,
    token: &str,
    identity: &age::x25519::Identity,
) -> DeskState {
    let served = partner_side::served_desk(client, token).await.unwrap();
    let pins = crate::workers::genesis_pins(&served.entries);
    partner_side::verify_desk(&served, &pins, identity).unwrap()
}

/// Everything a worker needs to refer: the verified chain and the decrypted case.
async fn open(
    client: &ApiClient,
    worker: &resguardo::client::worker::Login,
    id: &str,
) -> (DeskState, resguardo::protocol::case::OpenCase) {
    let (state, keys) = crate::workers::view(client, worker).await;
    let case = triage::open_case(client, &worker.session.token, &keys.identities, id)
        .await
        .unwrap();
    (state, case)
}

async fn refer_accept_and_answer(backend: Backend) {
    let Some(mut server) = TestServer::start(backend).await else {
        return;
    };
    let client = server.client();
    let (boss, ana) = staffed_desk(&server, &client, "gt").await;
    let legal = register(
        &client,
        &boss,
        "Bufete Popular",
        json!(["legal"]),
        json!(["GT", "HN"]),
    )
    .await;
    let shelter = register(
        &client,
        &boss,
        "Casa Refugio",
        json!(["shelter"]),
        json!(["SV"]),
    )
    .await;

    let narrative = crate::canary::new_canary();
    let submitted = reporter::submit(&client, "gt", &form(&narrative), Language::Es, None, |_| {})
        .await
        .unwrap();
    let (state, case) = open(&client, &ana, &submitted.id).await;
    let report: Value = serde_json::from_slice(case.report.as_ref().unwrap()).unwrap();

    // Ranked on the worker's device: the legal-aid partner in the reporter's country comes first.
    let partners = client.partners(&ana.session.token).await.unwrap();
    let ranked = referral::suggest(&report, &partners);
    assert_eq!(ranked[0].partner.name, "Bufete Popular");
    assert!(ranked[0].score() > ranked[1].score());

    // Referred with the needs only: the partner's copy holds exactly those fields.
    let order = ReferralOrder {
        partner: &legal.view,
        fields: &[ReferralField::Needs],
        consent: ConsentDecision::Required,
        expires_in_days: None,
        attachments: &[],
    };
    let referral = referrals::refer(
        &client,
        &ana.session.token,
        &case,
        &state,
        &ana.identity,
        &order,
    )
    .await
    .unwrap();
    let seen = client
        .partner_referral(&legal.token, &referral.id)
        .await
        .unwrap();
    let plain = seal::open(&legal.identity, &b64_decode(&seen.ciphertext).unwrap()).unwrap();
    let doc: Value = serde_json::from_slice(&plain).unwrap();
    let mut keys: Vec<&str> = doc
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    keys.sort_unstable();
    assert_eq!(keys, ["needs", "pad", "schema"]);
    assert_eq!(doc["needs"], json!(["legal", "psychosocial"]));
    assert_eq!(doc["schema"], "resguardo.referral.v1");
    assert!(
        seal::open(&shelter.identity, &b64_decode(&seen.ciphertext).unwrap()).is_err(),
        "another partner's key opens nothing"
    );
    let status = |id: String| {
        let client = &client;
        let token = ana.session.token.clone();
        async move { client.case(&token, &id).await.unwrap().status }
    };
    assert_eq!(status(submitted.id.clone()).await, Status::Referred);

    // The partner accepts and writes back; the desk reads it.
    let inbox = client.partner_referrals(&legal.token).await.unwrap();
    assert_eq!(inbox.len(), 1);
    assert_eq!(inbox[0].status, ReferralStatus::Sent);
    let message = crate::canary::new_canary();
    answer(
        &client,
        &legal,
        &referral.id,
        Some(ReferralStatus::Accepted),
        None,
    )
    .await
    .unwrap();
    answer(&client, &legal, &referral.id, None, Some(&message))
        .await
        .unwrap();
    let again = answer(
        &client,
        &legal,
        &referral.id,
        Some(ReferralStatus::Accepted),
        None,
    )
    .await
    .err()
    .unwrap();
    assert_eq!(again.problem_slug(), Some("referral-conflict"));
    let (_, case) = open(&client, &ana, &submitted.id).await;
    assert_eq!(case.view.referrals.len(), 1);
    assert_eq!(case.view.referrals[0].status, ReferralStatus::Accepted);
    assert_eq!(case.view.referrals[0].partner_name, "Bufete Popular");
    let updates: Vec<(Option<ReferralStatus>, Option<String>)> = case.referrals[0]
        .updates
        .iter()
        .map(|u| (u.status, u.text.as_ref().map(|t| t.to_string())))
        .collect();
    assert_eq!(
        updates,
        [
            (Some(ReferralStatus::Accepted), None),
            (None, Some(message.clone()))
        ]
    );
    let own =
        partner_side::open_referral(&client, &legal.token, &legal.identity, &referral.id, None)
            .await
            .unwrap();
    assert_eq!(own.updates[1].text.as_ref().unwrap().as_str(), message);

    // The reporter sees the case as referred, and nothing of the partner.
    let keys = reporter::derive(&submitted.phrase).await;
    let followup = reporter::followup(&client, &keys).await.unwrap();
    assert_eq!(followup.status, Status::Referred);
    assert!(followup.messages.is_empty());
    let raw = reqwest::Client::new()
        .post(format!("{}/api/v1/followup", server.url))
        .json(
            &json!({"lookup": resguardo::domain::b64_encode(&keys.lookup.0),
                      "auth": resguardo::domain::b64_encode(keys.auth.expose())}),
        )
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(raw.contains("referred"), "{raw}");
    assert!(
        !raw.contains("Bufete") && !raw.contains(&legal.view.id),
        "{raw}"
    );

    // Declined by one partner, routed to another; never twice to the same open partner.
    let second = ReferralOrder {
        partner: &shelter.view,
        fields: &[ReferralField::Needs],
        consent: ConsentDecision::Required,
        expires_in_days: None,
        attachments: &[],
    };
    let to_shelter = referrals::refer(
        &client,
        &ana.session.token,
        &case,
        &state,
        &ana.identity,
        &second,
    )
    .await
    .unwrap();
    answer(
        &client,
        &shelter,
        &to_shelter.id,
        Some(ReferralStatus::Declined),
        None,
    )
    .await
    .unwrap();
    let dup = referrals::refer(
        &client,
        &ana.session.token,
        &case,
        &state,
        &ana.identity,
        &order,
    )
    .await
    .err()
    .unwrap();
    assert_eq!(dup.problem_slug(), Some("referral-conflict"));
    referrals::refer(
        &client,
        &ana.session.token,
        &case,
        &state,
        &ana.identity,
        &second,
    )
    .await
    .unwrap();

    // Every referral action is on the audit record, the partner's under its id.
    let log = server.audit_rows().await;
    let partner_actor = format!("partner:{}", legal.view.id);
    let has = |actor: &str, action: &str| {
        log.iter()
            .any(|r| r.entry.actor == actor && r.entry.action == action)
    };
    assert!(has("sofia", "partner.add"));
    assert!(has("ana", "referral.create"));
    assert!(has(&partner_actor, "referral.open"));
    assert!(has(&partner_actor, "referral.update"));

    let secret = |id: &age::x25519::Identity| {
        age::secrecy::ExposeSecret::expose_secret(&id.to_string()).to_owned()
    };
    crate::canary::assert_never_written(
        &mut server,
        &[
            ("narrative sent in no referral field", narrative),
            ("partner message", message),
            ("partner key", secret(&legal.identity)),
            ("partner token", legal.token.clone()),
        ],
    )
    .await;
}

/// Without the reporter's consent a referral is refused, unless overridden with a reason, which
/// reaches the audit log encrypted to the desk. An expired referral is gone for the partner.
async fn consent_and_expiry(backend: Backend) {
    let Some(mut server) = TestServer::start(backend).await else {
        return;
    };
    let client = server.client();
    let (boss, ana) = staffed_desk(&server, &client, "gt").await;
    let legal = register(&client, &boss, "Bufete", json!(["legal"]), json!(["GT"])).await;
    let mut no_consent: ReportForm = form("sin consentimiento");
    no_consent.consent_referral = false;
    let submitted = reporter::submit(&client, "gt", &no_consent, Language::Es, None, |_| {})
        .await
        .unwrap();
    let (state, case) = open(&client, &ana, &submitted.id).await;
    let mut order = ReferralOrder {
        partner: &legal.view,
        fields: &[ReferralField::Narrative, ReferralField::Country],
        consent: ConsentDecision::Required,
        expires_in_days: Some(7),
        attachments: &[],
    };
    let refused = referrals::refer(
        &client,
        &ana.session.token,
        &case,
        &state,
        &ana.identity,
        &order,
    )
    .await
    .err()
    .unwrap();
    assert!(matches!(refused, ClientError::Usage(_)), "{refused}");
    assert!(refused.to_string().contains("did not consent"), "{refused}");
    assert_eq!(
        client
            .case(&ana.session.token, &submitted.id)
            .await
            .unwrap()
            .status,
        Status::New
    );

    let reason = crate::canary::new_canary();
    order.consent = ConsentDecision::Override { reason: &reason };
    let referral = referrals::refer(
        &client,
        &ana.session.token,
        &case,
        &state,
        &ana.identity,
        &order,
    )
    .await
    .unwrap();
    let keys = crate::workers::desk_identities(&client, &ana.session.token, &ana.identity)
        .await
        .unwrap();
    let log = server.audit_rows().await;
    let entry = log
        .iter()
        .find(|r| r.entry.action == "referral.consent_override")
        .expect("the override is on the audit record");
    assert_eq!(entry.entry.actor, "ana");
    let sealed = entry.entry.subject.split("reason=").nth(1).unwrap();
    let plain = seal::open(&keys[0].1, &b64_decode(sealed).unwrap()).unwrap();
    assert_eq!(message_text(&plain).unwrap().as_str(), reason);
    let (_, case) = open(&client, &ana, &submitted.id).await;
    assert_eq!(
        case.referrals[0].override_reason.as_ref().unwrap().as_str(),
        reason
    );
    let sent = case.referrals[0].document.as_ref().unwrap();
    assert_eq!(sent["country"], "GT");
    assert!(sent.get("needs").is_none() && sent.get("reply_to").is_none());
    assert!(case.view.referrals[0].expires.is_some());

    // Past its expiry the partner's copy is refused at once and deleted at the next purge.
    // (The case's only referral.)
    server
        .tamper("UPDATE referrals SET expires_at = 3600")
        .await;
    let gone = client
        .partner_referral(&legal.token, &referral.id)
        .await
        .err()
        .unwrap();
    assert_eq!(gone.problem_slug(), Some("referral-expired"));
    let store = server.store().await;
    assert_eq!(
        store
            .maintenance()
            .expire_referrals(resguardo::time::now_secs())
            .await
            .unwrap(),
        1
    );
    let (_, case) = open(&client, &ana, &submitted.id).await;
    assert!(case.view.referrals[0].ciphertext.is_none());

    crate::canary::assert_never_written(&mut server, &[("override reason", reason)]).await;
}

crate::on_both_backends!(
    partner_access_matrix,
    webhooks_announce_referrals,
    webhooks_stay_off_the_servers_network,
    two_servers_announce_a_referral_once
);

/// What a partner token reaches: its own referrals only — never another partner's, a report, a
/// note, the desk's data; a worker's session is no partner token; a new or revoked token takes
/// effect at once.
async fn partner_access_matrix(backend: Backend) {
    let Some(server) = TestServer::start(backend).await else {
        return;
    };
    let client = server.client();
    let (boss, ana) = staffed_desk(&server, &client, "gt").await;
    let sup = &boss.session.token;
    let a = register(&client, &boss, "Bufete A", json!(["legal"]), json!(["GT"])).await;
    let b = register(
        &client,
        &boss,
        "Clínica B",
        json!(["medical"]),
        json!(["GT"]),
    )
    .await;
    let submitted = reporter::submit(&client, "gt", &form("x"), Language::Es, None, |_| {})
        .await
        .unwrap();
    let (state, case) = open(&client, &ana, &submitted.id).await;
    let mut ids = vec![];
    for org in [&a, &b] {
        let order = ReferralOrder {
            partner: &org.view,
            fields: &[ReferralField::Needs],
            consent: ConsentDecision::Required,
            expires_in_days: None,
            attachments: &[],
        };
        let made = referrals::refer(
            &client,
            &ana.session.token,
            &case,
            &state,
            &ana.identity,
            &order,
        )
        .await
        .unwrap();
        ids.push(made.id);
    }
    let (ref_a, ref_b) = (&ids[0], &ids[1]);
    let note = json!({"ciphertext": resguardo::domain::b64_encode(
        &seal::seal(&[state.current_key().unwrap().1.age()], &crate::harness::document("x")).unwrap())});
    let message = json!({"ciphertext": note["ciphertext"]});
    let case_id = &submitted.id;

    // (method, path, body) and the status each caller gets.
    let routes: Vec<(&str, String, Option<Value>)> = vec![
        ("GET", "/api/v1/partner/referrals".into(), None),
        ("GET", format!("/api/v1/partner/referrals/{ref_a}"), None),
        ("GET", format!("/api/v1/partner/referrals/{ref_b}"), None),
        (
            "POST",
            format!("/api/v1/partner/referrals/{ref_a}/updates"),
            Some(message.clone()),
        ),
        (
            "POST",
            format!("/api/v1/partner/referrals/{ref_b}/updates"),
            Some(message.clone()),
        ),
        ("GET", "/api/v1/desk/reports".into(), None),
        ("GET", format!("/api/v1/desk/reports/{case_id}"), None),
        (
            "POST",
            format!("/api/v1/desk/reports/{case_id}/notes"),
            Some(note.clone()),
        ),
        ("GET", "/api/v1/desk/partners".into(), None),
        ("GET", "/api/v1/desk/grants".into(), None),
        ("GET", "/api/v1/session".into(), None),
    ];
    let callers: Vec<(&str, Option<String>, [u16; 11])> = vec![
        ("anonymous", None, [401; 11]),
        ("garbage token", Some("not-a-token".into()), [401; 11]),
        (
            "partner A",
            Some(a.token.clone()),
            [200, 200, 404, 201, 404, 401, 401, 401, 401, 401, 401],
        ),
        (
            "partner B",
            Some(b.token.clone()),
            [200, 404, 200, 404, 201, 401, 401, 401, 401, 401, 401],
        ),
        (
            "worker",
            Some(ana.session.token.clone()),
            [401, 401, 401, 401, 401, 200, 200, 201, 200, 200, 200],
        ),
    ];
    let http = reqwest::Client::new();
    let mut cells = 0;
    let mut call = |token: Option<String>, method: &str, path: &str, body: Option<Value>| {
        let mut request = match method {
            "GET" => http.get(format!("{}{path}", server.url)),
            _ => http.post(format!("{}{path}", server.url)),
        };
        if let Some(token) = token {
            request = request.bearer_auth(token);
        }
        if let Some(body) = body {
            request = request.json(&body);
        }
        cells += 1;
        async move {
            let response = request.send().await.unwrap();
            (response.status().as_u16(), response.text().await.unwrap())
        }
    };
    for (caller, token, expected) in &callers {
        for ((method, path, body), want) in routes.iter().zip(expected) {
            let (status, text) = call(token.clone(), method, path, body.clone()).await;
            assert_eq!(status, *want, "{caller} {method} {path}: {text}");
            if caller.starts_with("partner") {
                assert!(
                    !text.contains(case_id),
                    "{caller} {method} {path} saw the case id"
                );
                let other = if *caller == "partner A" { ref_b } else { ref_a };
                assert!(
                    !text.contains(other.as_str()),
                    "{caller} saw the other referral"
                );
            }
        }
    }

    // A new token for A: the old one is refused at once. Disabling B: the same.
    let old_a = a.token.clone();
    let rotated = client.partner_token(sup, &a.view.id).await.unwrap();
    client.disable_partner(sup, &b.view.id).await.unwrap();
    let list = "/api/v1/partner/referrals";
    assert_eq!(call(Some(old_a), "GET", list, None).await.0, 401);
    assert_eq!(call(Some(rotated.token), "GET", list, None).await.0, 200);
    assert_eq!(call(Some(b.token.clone()), "GET", list, None).await.0, 401);
    // Only supervisors keep the directory; a worker may read it.
    let new_partner = json!({"name": "X", "services": ["legal"], "countries": ["GT"],
        "languages": ["es"], "recipient": a.view.recipient, "contact": "x"});
    let (status, _) = call(
        Some(ana.session.token.clone()),
        "POST",
        "/api/v1/desk/partners",
        Some(new_partner),
    )
    .await;
    assert_eq!(status, 403);
    let (status, _) = call(
        Some(ana.session.token.clone()),
        "POST",
        &format!("/api/v1/desk/partners/{}/token", a.view.id),
        Some(json!({})),
    )
    .await;
    assert_eq!(status, 403);
    // Plain-http webhooks are refused unless the operator allows them.
    let plain = json!({"name": "Y", "services": ["legal"], "countries": ["GT"],
        "languages": ["es"], "recipient": a.view.recipient, "contact": "y",
        "webhook": "http://bufete.example/hook"});
    let (status, text) = call(
        Some(sup.clone()),
        "POST",
        "/api/v1/desk/partners",
        Some(plain),
    )
    .await;
    assert_eq!(status, 400, "{text}");
    assert!(cells >= 60, "{cells} cells");
}

/// The whole route from terminals: the supervisor registers a partner after comparing its safety
/// number, a worker ranks and refers, the partner reads, accepts and writes back with its token
/// and identity files, the worker sees the answer.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn partners_from_the_cli() {
    use crate::harness::run_with_input;
    use crate::workers::PASSWORD;
    use std::os::unix::fs::PermissionsExt;
    let Some(server) = TestServer::start(Backend::Sqlite).await else {
        return;
    };
    let home = crate::vetting::cli_supervisor(&server, "sv").await;
    let as_sofia = |args: &[&str], input: &str| {
        let mut cmd = server.command();
        cmd.env("RESGUARDO_HOME", &home).args(args);
        let out = run_with_input(cmd, input);
        (
            out.status.code(),
            String::from_utf8_lossy(&out.stdout).into_owned(),
            String::from_utf8_lossy(&out.stderr).into_owned(),
        )
    };
    // The partner makes its key on its own machine, and prints what the desk registers.
    let key_file = server.dir.path().join("bufete.key");
    server.keygen(&key_file);
    let mut cmd = server.command();
    cmd.args(["partner", "keys", "--json", "--identity"])
        .arg(&key_file);
    let out = run_with_input(cmd, "");
    assert_eq!(out.status.code(), Some(0), "{out:?}");
    let key: Value = serde_json::from_slice(&out.stdout).unwrap();
    crate::docs::assert_cli_shape("partner keys", &key);
    let (recipient, signing_key, number) = (
        key["recipient"].as_str().unwrap(),
        key["signing_key"].as_str().unwrap(),
        key["safety_number"].as_str().unwrap(),
    );
    // The number covers both keys: the recipient's own number is not it.
    let recipient_only = resguardo::domain::Recipient::parse(recipient)
        .unwrap()
        .fingerprint();
    assert_ne!(recipient_only.as_str(), number);
    let add = [
        "desk",
        "partner",
        "add",
        "--name",
        "Bufete",
        "--services",
        "legal,psychosocial",
        "--countries",
        "GT,SV",
        "--languages",
        "es",
        "--recipient",
        recipient,
        "--signing-key",
        signing_key,
        "--contact",
        "+503 2222 0000",
        "--json",
    ];
    let (code, _, err) = as_sofia(&add, "0000\n");
    assert_eq!(code, Some(1));
    assert!(err.contains("does not match"), "{err}");
    let (code, _, err) = as_sofia(&add, &format!("{recipient_only}\n"));
    assert_eq!(code, Some(1), "the recipient's number alone is not enough");
    assert!(err.contains("does not match"), "{err}");
    let (code, out, err) = as_sofia(&add, &format!("{number}\n{PASSWORD}\n"));
    assert_eq!(code, Some(0), "{err}");
    let added: Value = serde_json::from_str(&out).unwrap();
    crate::docs::assert_cli_shape("desk partner add", &added);
    let token_file = server.dir.path().join("bufete.token");
    std::fs::write(&token_file, added["token"].as_str().unwrap()).unwrap();
    std::fs::set_permissions(&token_file, std::fs::Permissions::from_mode(0o644)).unwrap();

    let client = server.client();
    let submitted = reporter::submit(
        &client,
        "sv",
        &form("me extorsionan"),
        Language::Es,
        None,
        |_| {},
    )
    .await
    .unwrap();
    let unlock = format!("{PASSWORD}\n");
    let (code, out, err) = as_sofia(
        &["worker", "partners", "--for", &submitted.id, "--json"],
        &unlock,
    );
    assert_eq!(code, Some(0), "{err}");
    let ranked: Value = serde_json::from_str(&out).unwrap();
    crate::docs::assert_cli_shape("worker partners", &ranked);
    assert_eq!(ranked[0]["name"], "Bufete");
    assert_eq!(ranked[0]["serves"], json!(["legal", "psychosocial"]));
    // One spelling, the schema's: `safe_contact`, never `safe-contact`.
    let hyphenated = ["--fields", "needs,safe-contact"];
    let (code, _, err) = as_sofia(
        &[
            &["worker", "refer", &submitted.id, "--partner", "bufete"][..],
            &hyphenated,
        ]
        .concat(),
        &unlock,
    );
    assert_eq!(code, Some(2));
    assert!(err.contains("safe_contact"), "{err}");
    let refer = [
        "worker",
        "refer",
        &submitted.id,
        "--partner",
        "bufete",
        "--fields",
        "needs,country,safe_contact",
        "--yes",
        "--json",
    ];
    let (code, out, err) = as_sofia(&refer, &unlock);
    assert_eq!(code, Some(0), "{err}");
    assert!(
        err.contains("\"country\": \"GT\"") && !err.contains("me extorsionan"),
        "{err}"
    );
    let referral: Value = serde_json::from_str(&out).unwrap();
    crate::docs::assert_cli_shape("worker refer ID", &referral);
    let referral = referral["referral"].as_str().unwrap().to_owned();

    let as_partner = |args: &[&str], input: &str| {
        let mut cmd = server.command();
        cmd.args([
            "partner",
            "--server",
            &server.url,
            "--token-file",
            token_file.to_str().unwrap(),
            "--identity",
            key_file.to_str().unwrap(),
        ])
        .args(args);
        let out = run_with_input(cmd, input);
        (
            out.status.code(),
            String::from_utf8_lossy(&out.stdout).into_owned(),
            String::from_utf8_lossy(&out.stderr).into_owned(),
        )
    };
    let (code, _, err) = as_partner(&["inbox"], "");
    assert_eq!(code, Some(1));
    assert!(
        err.contains("chmod go-rwx"),
        "a token file others can read is refused: {err}"
    );
    std::fs::set_permissions(&token_file, std::fs::Permissions::from_mode(0o600)).unwrap();
    let (code, out, err) = as_partner(&["inbox", "--json"], "");
    assert_eq!(code, Some(0), "{err}");
    let inbox: Value = serde_json::from_str(&out).unwrap();
    crate::docs::assert_cli_shape("partner inbox", &inbox);
    assert_eq!(inbox[0]["id"], referral.as_str());
    let (code, out, err) = as_partner(&["show", &referral, "--json"], "");
    assert_eq!(code, Some(0), "{err}");
    let shown: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(
        shown["referral"],
        json!({"schema": "resguardo.referral.v1", "needs": ["legal", "psychosocial"], "country": "GT"})
    );
    let (code, _, err) = as_partner(&["accept", &referral], "");
    assert_eq!(code, Some(0), "{err}");
    // A message needs the desk's chain verified from the root the desk gave the partner.
    let write = ["update", &referral, "--message", "-"];
    let (code, _, err) = as_partner(&write, "Cita el lunes a las 9.\n");
    assert_eq!(code, Some(1));
    assert!(err.contains("no root for desk sv"), "{err}");
    let (code, out, err) = as_sofia(&["desk", "statements", "--json"], "");
    assert_eq!(code, Some(0), "{err}");
    let root = serde_json::from_str::<Value>(&out).unwrap()["root"]
        .as_str()
        .unwrap()
        .to_owned();
    let wrong = "0000 1111 2222 3333 4444 5555 6666 7777";
    let (code, _, err) = as_partner(&["--desk-root", wrong, "desk"], "");
    assert_eq!(code, Some(1));
    assert!(err.contains("(root)"), "a mistyped root is refused: {err}");
    let (code, out, err) = as_partner(&["--desk-root", &root, "desk", "--json"], "");
    assert_eq!(code, Some(0), "{err}");
    let desk: Value = serde_json::from_str(&out).unwrap();
    crate::docs::assert_cli_shape("partner desk", &desk);
    assert_eq!(desk["signed_as"], "Bufete");
    assert_eq!(desk["desk"], "sv");
    let (code, _, err) = as_partner(&["--desk-root", wrong, "desk"], "");
    assert_eq!(code, Some(1), "the pinned root is not replaced");
    assert!(err.contains("another root"), "{err}");
    let (code, _, err) = as_partner(&write, "Cita el lunes a las 9.\n");
    assert_eq!(code, Some(0), "{err}");

    let (code, out, err) = as_sofia(&["worker", "show", &submitted.id, "--json"], &unlock);
    assert_eq!(code, Some(0), "{err}");
    let case: Value = serde_json::from_str(&out).unwrap();
    crate::docs::assert_cli_shape("worker show ID", &case);
    assert_eq!(case["status"], "referred");
    assert_eq!(case["referrals"][0]["status"], "accepted");
    assert_eq!(
        case["referrals"][0]["updates"][1]["text"],
        "Cita el lunes a las 9."
    );
    // The partner's answers have one shape in both commands (docs/partners.md).
    let (code, out, err) = as_partner(&["show", &referral, "--json"], "");
    assert_eq!(code, Some(0), "{err}");
    let shown: Value = serde_json::from_str(&out).unwrap();
    crate::docs::assert_cli_shape("partner show ID", &shown);
    let updates = shown["updates"].as_array().unwrap();
    assert_eq!(updates.len(), 2);
    for (update, desk_copy) in updates
        .iter()
        .zip(case["referrals"][0]["updates"].as_array().unwrap())
    {
        let mut keys: Vec<&str> = update
            .as_object()
            .unwrap()
            .keys()
            .map(String::as_str)
            .collect();
        keys.sort_unstable();
        assert_eq!(
            keys,
            ["authenticity", "day", "from", "signed_by", "status", "text"]
        );
        for same in ["authenticity", "day", "from", "status", "text"] {
            assert_eq!(update[same], desk_copy[same], "{same}");
        }
    }
    assert_eq!(updates[0]["status"], "accepted");
    assert_eq!(
        updates[0]["authenticity"],
        Value::Null,
        "a status carries no signature"
    );
    assert_eq!(updates[1]["status"], Value::Null);
    // The message is signed by the partner: the desk names it as the statements do.
    assert_eq!(updates[1]["authenticity"], "signed");
    assert_eq!(updates[1]["signed_by"], Value::Null);
    assert_eq!(case["referrals"][0]["updates"][1]["signed_by"], "Bufete");
    let (_, text, _) = as_sofia(&["worker", "show", &submitted.id], &unlock);
    assert!(
        text.contains("Cita el lunes a las 9. ✓ signed by Bufete"),
        "{text}"
    );

    // The desk writes back to the partner, signed; the partner's device checks it against the
    // desk's chain, whose root it pinned.
    let note = server.dir.path().join("to-bufete.txt");
    std::fs::write(&note, "¿Puede llamarla hoy?\n").unwrap();
    let write = [
        "worker",
        "write-partner",
        &submitted.id,
        "--partner",
        "bufete",
        "--message",
        note.to_str().unwrap(),
    ];
    let (code, _, err) = as_sofia(&write, &unlock);
    assert_eq!(code, Some(0), "{err}");
    let (code, out, err) = as_partner(&["show", &referral, "--json"], "");
    assert_eq!(code, Some(0), "{err}");
    let shown: Value = serde_json::from_str(&out).unwrap();
    let last = shown["updates"].as_array().unwrap().last().unwrap().clone();
    assert_eq!(
        (
            &last["from"],
            &last["text"],
            &last["authenticity"],
            &last["signed_by"]
        ),
        (
            &json!("desk"),
            &json!("¿Puede llamarla hoy?"),
            &json!("signed"),
            &json!("sofia")
        )
    );

    // The case's trail names who touched it, the partner's entries on its referral included.
    let (code, out, err) = as_sofia(&["worker", "trail", &submitted.id, "--json"], "");
    assert_eq!(code, Some(0), "{err}");
    let trail: Value = serde_json::from_str(&out).unwrap();
    crate::docs::assert_cli_shape("worker trail ID", &trail);
    let did = |actor: &str, action: &str| {
        trail
            .as_array()
            .unwrap()
            .iter()
            .any(|e| e["actor"] == actor && e["action"] == action)
    };
    let partner_actor = format!("partner:{}", added["partner"]["id"].as_str().unwrap());
    assert!(did("sofia", "referral.create") && did("sofia", "referral.message"));
    assert!(did(&partner_actor, "referral.open") && did(&partner_actor, "referral.update"));
    let (code, out, err) = as_sofia(&["desk", "audit", "--limit", "3", "--json"], "");
    assert_eq!(code, Some(0), "{err}");
    let log: Value = serde_json::from_str(&out).unwrap();
    crate::docs::assert_cli_shape("desk audit", &log);
    assert_eq!(log.as_array().unwrap().len(), 3);

    // The directory lists the partner; a new token replaces the old one at once.
    let (code, out, err) = as_sofia(&["desk", "partner", "list", "--json"], &unlock);
    assert_eq!(code, Some(0), "{err}");
    let directory: Value = serde_json::from_str(&out).unwrap();
    crate::docs::assert_cli_shape("desk partner list", &directory);
    assert_eq!(directory[0]["name"], "Bufete");
    let (code, out, err) = as_sofia(
        &["desk", "partner", "rotate-token", "bufete", "--json"],
        &unlock,
    );
    assert_eq!(code, Some(0), "{err}");
    let rotated: Value = serde_json::from_str(&out).unwrap();
    crate::docs::assert_cli_shape("desk partner rotate-token PARTNER", &rotated);
    let (code, _, _) = as_partner(&["inbox", "--json"], "");
    assert_eq!(code, Some(1), "the old token stopped working");
    std::fs::remove_file(&token_file).unwrap();
    std::fs::write(&token_file, rotated["token"].as_str().unwrap()).unwrap();
    std::fs::set_permissions(&token_file, std::fs::Permissions::from_mode(0o600)).unwrap();
    let (code, _, err) = as_partner(&["inbox", "--json"], "");
    assert_eq!(code, Some(0), "{err}");

    // Disabled, the partner's key is revoked in the desk's statements, which still name it.
    let (code, _, err) = as_sofia(&["desk", "partner", "disable", "bufete"], &unlock);
    assert_eq!(code, Some(0), "{err}");
    let (code, _, _) = as_partner(&["inbox", "--json"], "");
    assert_eq!(code, Some(1), "a disabled partner's token stopped working");
    let (code, out, err) = as_sofia(&["desk", "statements", "--json"], "");
    assert_eq!(code, Some(0), "{err}");
    let chain: Value = serde_json::from_str(&out).unwrap();
    let last = chain["statements"].as_array().unwrap().last().unwrap();
    assert_eq!(last["kind"], "revoke_partner");
    assert_eq!(last["about"], "Bufete");
    assert_eq!(last["by"], "sofia");
}

/// A test receiver for webhook deliveries: answers 500 to the first request and 200 after, and
/// hands every (headers, body) it received to the test.
async fn receiver() -> (
    String,
    tokio::sync::mpsc::UnboundedReceiver<(String, String)>,
) {
    receiver_answering(true).await
}

/// A webhook receiver on loopback: its URL, and each request's head and body as they arrive. With
/// `first_fails`, the first request gets a 500 (to see retries), every other one a 200.
pub async fn receiver_answering(
    first_fails: bool,
) -> (
    String,
    tokio::sync::mpsc::UnboundedReceiver<(String, String)>,
) {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}/hook", listener.local_addr().unwrap());
    let (tx, rx) = tokio::sync::mpsc::unbounded_channel();
    tokio::spawn(async move {
        let mut served = 0;
        while let Ok((mut socket, _)) = listener.accept().await {
            let mut data = vec![];
            let mut buf = [0u8; 4096];
            // Read the head, then the body its content-length announces.
            let (head, body) = loop {
                let n = socket.read(&mut buf).await.unwrap_or(0);
                data.extend_from_slice(&buf[..n]);
                let text = String::from_utf8_lossy(&data).to_string();
                if let Some(end) = text.find("\r\n\r\n") {
                    let head = text[..end].to_lowercase();
                    let length: usize = head
                        .lines()
                        .find_map(|l| l.strip_prefix("content-length:"))
                        .and_then(|v| v.trim().parse().ok())
                        .unwrap_or(0);
                    if data.len() >= end + 4 + length || n == 0 {
                        break (head, text[end + 4..].to_string());
                    }
                }
                if n == 0 {
                    break (text, String::new());
                }
            };
            served += 1;
            let status = if served == 1 && first_fails {
                "500 Internal Server Error"
            } else {
                "200 OK"
            };
            let reply =
                format!("HTTP/1.1 {status}\r\ncontent-length: 0\r\nconnection: close\r\n\r\n");
            let _ = socket.write_all(reply.as_bytes()).await;
            let _ = tx.send((head, body));
        }
    });
    (url, rx)
}

/// The value of header `name` in an HTTP request head.
fn header_of(head: &str, name: &str) -> String {
    head.lines()
        .find_map(|l| l.strip_prefix(&format!("{name}:")))
        .unwrap()
        .trim()
        .to_owned()
}

/// A partner with a webhook is told of a referral by id only, signed with its own key; a failed
/// delivery is retried, a successful one not repeated.
async fn webhooks_announce_referrals(backend: Backend) {
    let Some(server) = TestServer::start_with(
        backend,
        &[
            ("RESGUARDO__WEBHOOKS__ALLOW_HTTP", "true"),
            // The test's receiver listens on loopback.
            ("RESGUARDO__WEBHOOKS__ALLOW_PRIVATE", "true"),
            ("RESGUARDO__WEBHOOKS__POLL_SECS", "1"),
        ],
    )
    .await
    else {
        return;
    };
    let client = server.client();
    let (boss, ana) = staffed_desk(&server, &client, "gt").await;
    let (url, mut deliveries) = receiver().await;
    let identity = age::x25519::Identity::generate();
    let request: NewPartner = serde_json::from_value(json!({
        "name": "Banco", "services": ["financial"], "countries": ["GT"], "languages": ["es"],
        "recipient": identity.to_public().to_string(), "contact": "fraude@banco.example",
        "webhook": url,
    }))
    .unwrap();
    let created = add_signed(&client, &boss, &request, &identity).await;
    let key = b64_decode(created.webhook_key.as_deref().unwrap()).unwrap();
    let referral = new_referral_to(&client, &ana, &created.partner).await;

    let mut received = vec![];
    for _ in 0..2 {
        let next = tokio::time::timeout(std::time::Duration::from_secs(20), deliveries.recv());
        received.push(next.await.expect("a delivery within 20 s").unwrap());
    }
    for (head, body) in &received {
        assert_eq!(
            serde_json::from_str::<Value>(body).unwrap(),
            json!({"referral": referral})
        );
        let header = |name: &str| header_of(head, name);
        let timestamp: i64 = header("resguardo-timestamp").parse().unwrap();
        let key: [u8; 32] = key.clone().try_into().unwrap();
        assert_eq!(
            header("resguardo-signature"),
            resguardo::crypto::webhook::signature(&key, timestamp, body.as_bytes())
        );
    }
    // Delivered: no third request.
    let more = tokio::time::timeout(std::time::Duration::from_secs(3), deliveries.recv()).await;
    assert!(more.is_err(), "a delivered announcement is not repeated");

    // The desk writes to the partner on that referral: the partner is told again, by id only.
    let case_id = server
        .blobs("SELECT report_id FROM referrals")
        .await
        .into_iter()
        .map(|id| resguardo::domain::hex(&id))
        .next()
        .unwrap();
    let (state, case) = open(&client, &ana, &case_id).await;
    let to = (&case.view.referrals[0], &created.partner);
    let token = &ana.session.token;
    referrals::write_to_partner(
        &client,
        token,
        &case,
        &state,
        &ana.identity,
        to,
        "¿Nos llaman?",
    )
    .await
    .unwrap();
    let next = tokio::time::timeout(std::time::Duration::from_secs(20), deliveries.recv());
    let (_, body) = next.await.expect("a delivery within 20 s").unwrap();
    assert_eq!(
        serde_json::from_str::<Value>(&body).unwrap(),
        json!({"referral": referral})
    );

    // A new token brings a new webhook key: the next announcement is signed with it, and the old
    // key (perhaps leaked with the old token) no longer verifies anything.
    let rotated = client
        .partner_token(&boss.session.token, &created.partner.id)
        .await
        .unwrap();
    let new_key = b64_decode(rotated.webhook_key.as_deref().unwrap()).unwrap();
    assert_ne!(new_key, key);
    new_referral_to(&client, &ana, &created.partner).await;
    let next = tokio::time::timeout(std::time::Duration::from_secs(20), deliveries.recv());
    let (head, body) = next.await.expect("a delivery within 20 s").unwrap();
    let header = |name: &str| header_of(&head, name);
    let timestamp: i64 = header("resguardo-timestamp").parse().unwrap();
    let sign = |key: &[u8]| {
        let key: [u8; 32] = key.try_into().unwrap();
        resguardo::crypto::webhook::signature(&key, timestamp, body.as_bytes())
    };
    assert_eq!(header("resguardo-signature"), sign(&new_key));
    assert_ne!(header("resguardo-signature"), sign(&key));
}

/// Without `webhooks.allow_private`, a webhook at a loopback, private or link-local address is
/// refused at registration, however it is spelled, and one whose name resolves to such an
/// address is never called.
async fn webhooks_stay_off_the_servers_network(backend: Backend) {
    let Some(server) = TestServer::start_with(
        backend,
        &[
            ("RESGUARDO__WEBHOOKS__ALLOW_HTTP", "true"),
            ("RESGUARDO__WEBHOOKS__POLL_SECS", "1"),
        ],
    )
    .await
    else {
        return;
    };
    let client = server.client();
    let (boss, ana) = staffed_desk(&server, &client, "gt").await;
    let identity = age::x25519::Identity::generate();
    let partner = |name: &str, webhook: &str| -> NewPartner {
        serde_json::from_value(json!({
            "name": name, "services": ["financial"], "countries": ["GT"], "languages": ["es"],
            "recipient": identity.to_public().to_string(), "contact": "fraude@banco.example",
            "webhook": webhook,
        }))
        .unwrap()
    };
    for (i, webhook) in [
        "http://127.0.0.1:9/hook",
        "http://2130706433:9/hook",
        "http://0x7f.1:9/hook",
        "http://[::1]:9/hook",
        "http://[::ffff:127.0.0.1]:9/hook",
        "http://169.254.169.254/latest/meta-data",
        "http://10.0.0.1/hook",
        "http://[fd00::1]/hook",
    ]
    .iter()
    .enumerate()
    {
        let refused = client
            .add_partner(
                &boss.session.token,
                &partner(&format!("Banco {i}"), webhook),
            )
            .await
            .err()
            .unwrap_or_else(|| panic!("{webhook} was accepted"));
        assert_eq!(
            refused.problem_slug(),
            Some("malformed-request"),
            "{webhook}"
        );
        assert!(refused.to_string().contains("private"), "{refused}");
    }

    // A name is taken at registration; at delivery it resolves to loopback and is not called.
    let (url, mut deliveries) = receiver().await;
    let named = url.replace("127.0.0.1", "localhost");
    let created = add_signed(
        &client,
        &boss,
        &partner("Banco", &named),
        &age::x25519::Identity::generate(),
    )
    .await;
    new_referral_to(&client, &ana, &created.partner).await;
    let called = tokio::time::timeout(std::time::Duration::from_secs(4), deliveries.recv()).await;
    assert!(called.is_err(), "the server called a loopback webhook");
}

/// A name that looks like one in the directory is taken, and invisible characters are refused.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn look_alike_partner_names_are_refused() {
    let Some(server) = TestServer::start(Backend::Sqlite).await else {
        return;
    };
    let client = server.client();
    let (boss, _) = staffed_desk(&server, &client, "gt").await;
    let recipient = age::x25519::Identity::generate().to_public().to_string();
    let partner = |name: &str| -> NewPartner {
        serde_json::from_value(json!({
            "name": name, "services": ["legal"], "countries": ["GT"], "languages": ["es"],
            "recipient": recipient, "contact": "p1@bufete.example",
        }))
        .unwrap()
    };
    let token = &boss.session.token;
    client
        .add_partner(token, &partner("P1 Bufete"))
        .await
        .unwrap();
    for (name, slug) in [
        ("\u{0420}1 Bufete", "partner-name-taken"),
        ("Ｐ１ Bufete", "partner-name-taken"),
        ("p1 bufete", "partner-name-taken"),
        ("P1\u{200B} Bufete", "malformed-request"),
        ("\u{202E}P1 Bufete", "malformed-request"),
    ] {
        let refused = client.add_partner(token, &partner(name)).await.err();
        let refused = refused.unwrap_or_else(|| panic!("{name:?} was accepted"));
        assert_eq!(refused.problem_slug(), Some(slug), "{name:?}: {refused}");
    }
    client
        .add_partner(token, &partner("P2 Bufete"))
        .await
        .unwrap();
}

/// Two server processes on one database, both polling for due webhooks every second, while the
/// partner's receiver takes 1.5 s to answer: the announcement is sent once, by whichever server
/// claimed it.
async fn two_servers_announce_a_referral_once(backend: Backend) {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let Some(server) = TestServer::start_with(
        backend,
        &[
            ("RESGUARDO__WEBHOOKS__ALLOW_HTTP", "true"),
            ("RESGUARDO__WEBHOOKS__ALLOW_PRIVATE", "true"),
            ("RESGUARDO__WEBHOOKS__POLL_SECS", "1"),
        ],
    )
    .await
    else {
        return;
    };
    let _second = server.another_instance();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}/hook", listener.local_addr().unwrap());
    let received = std::sync::Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let counter = received.clone();
    tokio::spawn(async move {
        while let Ok((mut socket, _)) = listener.accept().await {
            let counter = counter.clone();
            tokio::spawn(async move {
                let mut buf = [0u8; 4096];
                let _ = socket.read(&mut buf).await;
                counter.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
                tokio::time::sleep(std::time::Duration::from_millis(1500)).await;
                let reply = "HTTP/1.1 200 OK\r\ncontent-length: 0\r\nconnection: close\r\n\r\n";
                let _ = socket.write_all(reply.as_bytes()).await;
            });
        }
    });
    let client = server.client();
    let (boss, ana) = staffed_desk(&server, &client, "gt").await;
    let request: NewPartner = serde_json::from_value(json!({
        "name": "Banco", "services": ["financial"], "countries": ["GT"], "languages": ["es"],
        "recipient": age::x25519::Identity::generate().to_public().to_string(),
        "contact": "fraude@banco.example", "webhook": url,
    }))
    .unwrap();
    let created = add_signed(&client, &boss, &request, &age::x25519::Identity::generate()).await;
    new_referral_to(&client, &ana, &created.partner).await;
    tokio::time::sleep(std::time::Duration::from_secs(6)).await;
    assert_eq!(
        received.load(std::sync::atomic::Ordering::SeqCst),
        1,
        "one announcement, whichever server sent it"
    );
}

/// A new report of desk `gt`, opened by `worker` and referred to `partner` (its needs only).
async fn new_referral_to(
    client: &ApiClient,
    worker: &resguardo::client::worker::Login,
    partner: &PartnerView,
) -> String {
    let submitted = reporter::submit(client, "gt", &form("x"), Language::Es, None, |_| {})
        .await
        .unwrap();
    let (state, case) = open(client, worker, &submitted.id).await;
    let order = ReferralOrder {
        partner,
        fields: &[ReferralField::Needs],
        consent: ConsentDecision::Required,
        expires_in_days: None,
        attachments: &[],
    };
    referrals::refer(
        client,
        &worker.session.token,
        &case,
        &state,
        &worker.identity,
        &order,
    )
    .await
    .unwrap()
    .id
}
