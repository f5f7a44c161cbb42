//! The desk scene of issue 14, played in the browser from start to end (Debian's Chromium, SQLite):
//! a desk made on the server host without keys; its first supervisor enrols in the dashboard,
//! makes the desk's key and invites a worker; the worker enrols there too and the supervisor vets
//! her by safety number; a reporter sends a report on the reporter pages; the worker finds it by a
//! word of the narrative, assigns it, writes a note and replies; the reporter reads the reply on
//! the reporter pages; the worker refers with two fields and writes to the partner; the partner
//! (command-line code) reads exactly those fields and answers; the worker sees the answer. Both
//! ways: the command line's code reads the browser's note and reply as signed by the worker, and
//! the browser shows a note the command line wrote.

use std::time::Duration;

use resguardo::client::worker;
use resguardo::domain::Username;
use resguardo::protocol::case::Authenticity;
use serde_json::{json, Value};

use crate::browser::{chromium_and_web, screenshots, web_tool};
use crate::dashboard_case::{partner_accepts, partner_opens};
use crate::harness::{Backend, TestServer};
use crate::partner_answers::{add_bufete, checked_case};
use crate::workers::{totp_code, PASSWORD};

fn desk(web: &std::path::Path, args: &[&str]) -> Value {
    let seen = web_tool(web, "desk", args, &[]);
    assert_eq!(seen["violations"], json!([]), "{} {seen}", args[0]);
    assert_eq!(seen["foreign"], json!([]), "{} {seen}", args[0]);
    seen
}

/// An account's authenticator: each sign-in takes a code of a later 30-second step than the one
/// before, and only the steps next to now are accepted (one either side), so a code is taken from
/// now or the next step, or, when both were used, after waiting for the step to turn.
struct Codes {
    uri: String,
    last: i64,
}

impl Codes {
    /// After enrolment, whose confirmation the page made with the code of the step before now.
    fn enrolled(seen: &Value, account: &str) -> Codes {
        let secret = seen["secret"].as_str().unwrap();
        Codes {
            uri: format!("otpauth://totp/{account}?secret={secret}"),
            last: resguardo::time::now_secs() / 30 - 1,
        }
    }

    async fn next(&mut self) -> String {
        loop {
            let now = resguardo::time::now_secs() / 30;
            if self.last < now + 1 {
                let step = (self.last + 1).max(now);
                self.last = step;
                return totp_code(&self.uri, step - now);
            }
            tokio::time::sleep(Duration::from_secs(2)).await;
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_desk_scene_in_the_browser() {
    let Some(web) = chromium_and_web() else {
        return;
    };
    let desk_bind = [("RESGUARDO__DESK__BIND", "127.0.0.1:0")];
    let Some(server) = TestServer::start_with(Backend::Sqlite, &desk_bind).await else {
        return;
    };
    let client = server.client();
    let shots = screenshots().join("desk-scene");
    std::fs::create_dir_all(&shots).unwrap();
    let shots = shots.to_str().unwrap().to_owned();
    let (page, enrol) = (
        format!("{}/es/", server.desk_url),
        format!("{}/es/enrol", server.desk_url),
    );

    // The first supervisor enrols, makes the desk's key and invites a worker.
    let code = server.create_keyless_desk("sv");
    let args = [
        "enrol", &enrol, &shots, "sv", "sofi", PASSWORD, &code, "corto",
    ];
    let sofi = desk(&web, &args);
    let mut sofi_codes = Codes::enrolled(&sofi, "sv:sofi");
    let now = sofi_codes.next().await;
    let args = [
        "first-key",
        &page,
        &shots,
        "sv",
        "sofi",
        PASSWORD,
        &now,
        "worker",
    ];
    let keyed = desk(&web, &args);
    let root = keyed["root"].as_str().unwrap().to_owned();
    let invited = keyed["invited"].as_str().unwrap().to_owned();

    // The worker enrols; the supervisor vets her by the number her page showed.
    let args = [
        "enrol", &enrol, &shots, "sv", "wen", PASSWORD, &invited, "corto",
    ];
    let wen = desk(&web, &args);
    let mut wen_codes = Codes::enrolled(&wen, "sv:wen");
    let number = wen["safety"].as_str().unwrap();
    let later = sofi_codes.next().await;
    let wrong = "1111 2222 3333 4444 5555 6666 7777 8888";
    let args = [
        "vet", &page, &shots, "sv", "sofi", PASSWORD, &later, &root, "wen", wrong, number, "",
    ];
    let vetted = desk(&web, &args);
    assert_eq!(
        vetted["vetted"], "Aprobada: ya puede entrar y trabajar.",
        "{vetted}"
    );

    // A reporter writes on the reporter pages.
    let sent = web_tool(
        &web,
        "browser",
        &["intake", &server.url, &shots, "es", "sv"],
        &[],
    );
    let phrase = sent["phrase"].as_str().unwrap().to_owned();

    // The worker finds it by a word of the narrative, assigns, notes and replies.
    let (note, reply) = (
        "Llamar mañana al banco.",
        "Recibimos su reporte.\nLe escribimos pronto.",
    );
    let now = wen_codes.next().await;
    let args = [
        "case",
        &page,
        &shots,
        "sv",
        "wen",
        PASSWORD,
        &now,
        &root,
        "-",
        note,
        reply,
        "quetzales",
    ];
    let triaged = desk(&web, &args);
    let id = triaged["id"].as_str().unwrap().to_owned();
    assert!(
        triaged["after"]["meta"]
            .as_str()
            .unwrap()
            .ends_with("Asignado a wen"),
        "{triaged}"
    );

    // The reporter reads the reply on the reporter pages.
    let args = ["followup", &server.url, &shots, &phrase, "Gracias."];
    let followed = web_tool(&web, "browser", &args, &[]);
    assert!(
        followed.to_string().contains("Le escribimos pronto."),
        "{followed}"
    );

    // The supervisor's command line adds a partner and reads the browser's note and reply.
    let sofi_cli = worker::login(&client, "sv", "sofi", PASSWORD, &sofi_codes.next().await)
        .await
        .unwrap();
    let (bufete, added) = add_bufete(&client, &sofi_cli).await;
    let case = checked_case(&client, &sofi_cli, &id).await;
    let by_wen = Some(Authenticity::SignedBy(Username::parse("wen").unwrap()));
    assert_eq!(case.notes[0].text.as_ref().unwrap().as_str(), note);
    assert_eq!(case.notes[0].authenticity, by_wen);
    let answered = case
        .messages
        .iter()
        .find(|m| m.author != "reporter")
        .unwrap();
    assert_eq!(answered.text.as_ref().unwrap().as_str(), reply);
    crate::workers::note(
        &client,
        &sofi_cli,
        &id,
        "Nota escrita en la línea de comandos.",
    )
    .await
    .unwrap();

    // The worker refers with two fields and writes to the partner.
    let later = wen_codes.next().await;
    let args = [
        "refer",
        &page,
        &shots,
        "sv",
        "wen",
        PASSWORD,
        &later,
        &root,
        &id,
        "needs,narrative",
        "-",
        "¿Pueden llamarla?",
    ];
    let referred = desk(&web, &args);
    assert_eq!(referred["printed"], 1, "{referred}");

    // The partner reads exactly those two fields and answers.
    let (referral, fields, _, partner_state) = partner_opens(&client, &added.token, &bufete).await;
    assert_eq!(fields, ["narrative", "needs", "schema"]);
    let answer = ("La llamamos hoy.", &partner_state);
    partner_accepts(&client, &added.token, &bufete, &referral, answer).await;

    // The worker sees the answer, and the command line's note, in the browser.
    let now = wen_codes.next().await;
    let args = [
        "read", &page, &shots, "sv", "wen", PASSWORD, &now, &root, &id,
    ];
    let read = desk(&web, &args);
    let answers = read["referrals"][0]["answers"].to_string();
    assert!(answers.contains("La llamamos hoy."), "{read}");
    assert!(
        read["notes"]
            .to_string()
            .contains("Nota escrita en la línea de comandos."),
        "{read}"
    );
    assert!(
        answers.contains("Organización: Bufete Popular · Aceptada"),
        "{read}"
    );
    // After the day's work and signing out: nothing of it in any storage, nothing on the page.
    let after = &read["afterSignOut"];
    assert_eq!(
        (&after["caseShown"], &after["cards"]),
        (&json!(false), &json!(0)),
        "{read}"
    );
    let kept = after["storage"].to_string();
    for secret in [
        PASSWORD,
        "quetzales",
        note,
        "La llamamos hoy",
        "AGE-SECRET-KEY",
        &phrase,
    ] {
        assert!(
            !kept.contains(secret),
            "the browser keeps {secret:?}: {kept}"
        );
    }
    assert_eq!(after["storage"]["session"], json!({}), "{read}");
}
