//! `resguardo report submit|followup`: the reporter's side from a terminal, for testing and for
//! intermediaries such as hotline staff who file on a victim's behalf.

use anyhow::Context;
use serde_json::json;

use super::terminal::{ask, ask_lines, ask_secret, ask_text, progress};
use super::ReportCommand;
use crate::client::reporter;
use crate::client::ApiClient;
use crate::crypto::receipt::ReceiptPhrase;
use crate::domain::{ReportKind, Service};
use crate::protocol::report::ReportForm;

pub async fn run(command: ReportCommand) -> anyhow::Result<()> {
    match command {
        ReportCommand::Submit {
            server,
            desk,
            lang,
            file,
            kind,
            desk_fingerprint,
            json,
        } => {
            let form = match file {
                Some(path) => read_form(&path)?,
                None => ask_form(kind)?,
            };
            let client = ApiClient::new(&server)?;
            let pin = desk_fingerprint.as_deref();
            let submitted =
                reporter::submit(&client, &desk, &form, lang, pin, progress("Proof of work"))
                    .await?;
            print_receipt(&submitted, json);
            Ok(())
        }
        ReportCommand::Followup {
            server,
            write,
            desk_fingerprint,
            json,
        } => followup(&server, write, desk_fingerprint.as_deref(), json).await,
    }
}

fn read_form(path: &std::path::Path) -> anyhow::Result<ReportForm> {
    let text = zeroize::Zeroizing::new(
        std::fs::read_to_string(path).with_context(|| format!("cannot read {}", path.display()))?,
    );
    let form: ReportForm = serde_json::from_str(&text)
        .with_context(|| format!("{} is not a valid report", path.display()))?;
    form.check()?;
    Ok(form)
}

fn ask_form(kind: Option<ReportKind>) -> anyhow::Result<ReportForm> {
    let kind = match kind {
        Some(kind) => kind,
        None => ask_kind()?,
    };
    let narrative = ask_lines("What happened? Write as much or as little as you want.")?;
    let country = ask("Country (GT, HN, SV, or leave empty):")?.to_uppercase();
    let needs = ask(
        "What help do you need? Any of: legal, psychosocial, digital_security, shelter, medical, financial (comma-separated, or empty):",
    )?;
    let consent = ask("May the desk share what you need with a support organisation? (yes/no):")?;
    let safe_contact = ask("A safe way to contact you, if any (or leave empty):")?;
    let form = ReportForm {
        kind,
        narrative,
        country: Some(country).filter(|c| !c.is_empty()),
        needs: parse_needs(&needs)?,
        consent_referral: matches!(
            consent.to_lowercase().as_str(),
            "y" | "yes" | "s" | "si" | "sí" | "oui"
        ),
        safe_contact: Some(safe_contact).filter(|c| !c.is_empty()),
        // The interactive questions stay short; --file takes these too (docs/protocol.md §2).
        when: None,
        indicators: vec![],
        consent_statistics: false,
    };
    form.check()?;
    Ok(form)
}

fn ask_kind() -> anyhow::Result<ReportKind> {
    let answer = ask(
        "What kind of incident? 1 sextortion, 2 extortion by phone, 3 extortion in person, 4 online extortion, 5 other:",
    )?;
    Ok(match answer.as_str() {
        "1" => ReportKind::Sextortion,
        "2" => ReportKind::PhoneExtortion,
        "3" => ReportKind::InPersonExtortion,
        "4" => ReportKind::OnlineExtortion,
        "5" => ReportKind::Other,
        other => anyhow::bail!("{other:?} is not one of 1–5"),
    })
}

fn parse_needs(text: &str) -> anyhow::Result<Vec<Service>> {
    text.split(',')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(|s| {
            s.to_ascii_lowercase()
                .parse::<Service>()
                .ok()
                .filter(|n| n.asked_by_reporters())
                .ok_or_else(|| anyhow::anyhow!("{s:?} is not a kind of help this form knows"))
        })
        .collect()
}

fn print_receipt(submitted: &reporter::Submitted, json: bool) {
    if json {
        super::print_json(&json!({
            "id": submitted.id,
            "receipt_phrase": submitted.phrase.expose(),
            "desk_fingerprint": submitted.desk_fingerprint.as_str(),
        }));
        return;
    }
    println!("Your report was received, encrypted. Only the desk can read it.");
    println!(
        "(Encrypted to the desk key with safety number {}.)",
        submitted.desk_fingerprint
    );
    println!();
    println!("Your receipt phrase (write it down and keep it safe; it is shown only once):");
    println!();
    println!("    {}", submitted.phrase.expose());
    println!();
    println!("With this phrase you can come back to read replies: `resguardo report followup`.");
    println!(
        "Anyone who has the phrase can read the replies, so do not store it where others look."
    );
}

async fn followup(server: &str, write: bool, pin: Option<&str>, json: bool) -> anyhow::Result<()> {
    let client = ApiClient::new(server)?;
    let typed = ask_secret("Receipt phrase:")?;
    let phrase = ReceiptPhrase::parse(&typed)?;
    let keys = reporter::derive(&phrase).await;
    let mut case = reporter::followup(&client, &keys).await?;
    let message = if write {
        Some(zeroize::Zeroizing::new(ask_text(
            "Your message to the desk:",
        )?))
    } else {
        None
    };
    if let Some(text) = &message {
        reporter::send_message(&client, &keys, &case.desk, pin, text).await?;
        case = reporter::followup(&client, &keys).await?;
    }
    if json {
        let messages: Vec<_> = case
            .messages
            .iter()
            .map(|m| {
                json!({"author": m.author, "day": m.day, "text": m.text.as_ref().map(|t| t.as_str()),
                       "verified": m.from_desk_verified})
            })
            .collect();
        super::print_json(&json!({
            "desk": case.desk, "status": case.status, "created": case.created,
            "updated": case.updated, "messages": messages, "message_sent": message.is_some(),
        }));
        return Ok(());
    }
    println!(
        "Status: {} (received {}, last change {})",
        case.status.as_str(),
        case.created,
        case.updated
    );
    if case.messages.is_empty() {
        println!("No messages yet.");
    }
    for m in &case.messages {
        let who = match (m.author, m.from_desk_verified) {
            (crate::domain::Author::Reporter, _) => "You",
            (crate::domain::Author::Desk, Some(true)) => "Desk (verified)",
            (crate::domain::Author::Desk, _) => {
                "Desk? NOT VERIFIED: the desk did not write this, or wrote it before replies \
                 were verified. Do not follow its instructions without checking with the desk"
            }
        };
        let text = m
            .text
            .as_ref()
            .map_or("(cannot be read with this phrase)", |t| t.as_str());
        let day = super::terminal::shown(&m.day);
        println!("\n{who}, {day}:\n{}", super::terminal::shown(text));
    }
    if message.is_some() {
        println!("\nYour message was sent, encrypted to the desk.");
    }
    Ok(())
}
