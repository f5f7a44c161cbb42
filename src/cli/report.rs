//! `resguardo report submit|followup`: the reporter's side from a terminal, for testing and for
//! intermediaries such as hotline staff who file on a victim's behalf.

use anyhow::Context;
use serde_json::json;

use super::questions;
use super::terminal::{ask_secret, ask_text, progress, shown};
use super::{attach, AttachArgs, ReportCommand};
use crate::client::reporter::{self, DeskPin};
use crate::client::{ApiClient, ClientError};
use crate::crypto::receipt::{PhraseError, ReceiptPhrase};
use crate::domain::{Author, ReportKind};
use crate::protocol::report::{FormLanguage, ReportForm};
use crate::texts::{Catalogues, Texts};

/// The reporter's words in `lang`, from the built-in catalogues.
fn texts_in<'a>(languages: &'a Catalogues, lang: &str) -> anyhow::Result<&'a Texts> {
    languages.get(lang).ok_or_else(|| {
        let codes: Vec<&str> = languages.all().iter().map(|t| t.code.as_str()).collect();
        anyhow::anyhow!(
            "--lang {lang:?}: there are no texts in that language; choose one of {}",
            codes.join(", ")
        )
    })
}

pub async fn run(command: ReportCommand) -> anyhow::Result<()> {
    let languages = Catalogues::shipped()?;
    let (ReportCommand::Submit { lang, .. } | ReportCommand::Followup { lang, .. }) = &command;
    let t = texts_in(&languages, lang)?;
    let done = match command {
        ReportCommand::Submit {
            server,
            desk,
            file,
            kind,
            desk_fingerprint,
            desk_root,
            attach,
            json,
            ..
        } => {
            let pin = desk_pin(desk_root.as_deref(), desk_fingerprint.as_deref());
            let to = To {
                server: &server,
                desk: &desk,
                pin,
            };
            submit(t, to, file, kind, &attach, json).await
        }
        ReportCommand::Followup {
            server,
            write,
            desk_fingerprint,
            desk_root,
            attach,
            json,
            ..
        } => {
            let pin = desk_pin(desk_root.as_deref(), desk_fingerprint.as_deref());
            followup(t, &server, write, pin, &attach, json).await
        }
    };
    done.map_err(|error| in_words(t, error))
}

/// The pin given on the command line: the desk root, or the desk key's number (clap lets
/// through one of them at most).
fn desk_pin<'a>(root: Option<&'a str>, key: Option<&'a str>) -> Option<DeskPin<'a>> {
    root.map(DeskPin::Root).or(key.map(DeskPin::Key))
}

/// Where a report goes: the server, the desk, and what the desk's key is checked against.
struct To<'a> {
    server: &'a str,
    desk: &'a str,
    pin: Option<DeskPin<'a>>,
}

/// The report from `file`, or asked question by question (of `kind`, when given), then sent with
/// its attachments: the receipt is shown as soon as the report is stored, before the files go.
async fn submit(
    t: &Texts,
    to: To<'_>,
    file: Option<std::path::PathBuf>,
    kind: Option<ReportKind>,
    attach: &AttachArgs,
    json: bool,
) -> anyhow::Result<()> {
    let client = ApiClient::new(to.server)?;
    let files = attach::prepare(t, &client, to.desk, attach).await?;
    let form = match file {
        Some(path) => read_form(&path)?,
        None => questions::ask_form(t, kind)?,
    };
    let lang = FormLanguage {
        code: &t.code,
        words: t.words,
    };
    let working = progress(&t.cli.working);
    let entries = attach::entries(&files);
    let submitted =
        reporter::submit_with(&client, to.desk, &form, lang, to.pin, &entries, working).await?;
    // The receipt first, whatever becomes of the files: it is the only way back to the case.
    print_receipt(t, &submitted, json);
    let names = attach::names(&files);
    let not_sent = match attach::reserve(&client, &submitted.keys, files).await {
        Ok(reserved) => attach::send(t, &client, reserved).await,
        Err(error) => {
            eprintln!("{:#}", in_words(t, error.into()));
            names
        }
    };
    attachments_done(t, entries.len(), &not_sent)
}

/// Says how many files went; an error, after the receipt, if some did not.
fn attachments_done(t: &Texts, attached: usize, not_sent: &[String]) -> anyhow::Result<()> {
    if attached == 0 {
        return Ok(());
    }
    let sent = attached - not_sent.len();
    eprintln!("{}", t.attach.sent.replace("{n}", &sent.to_string()));
    match not_sent.is_empty() {
        true => Ok(()),
        false => Err(anyhow::anyhow!(
            "{}",
            (not_sent.iter())
                .map(|file| t.attach.not_sent.replace("{file}", file))
                .collect::<Vec<_>>()
                .join("\n")
        )),
    }
}

/// What went wrong, in the reporter's words where the catalogue has them, as the pages say it: a
/// mistyped phrase, a problem the pages have words for (by its type, never the server's English
/// detail), input that ended. A server out of reach is said in those words followed by the cause
/// (the address, whether Tor is running), which a reporter or a helper needs to act on. Anything
/// else (a refusal the pages have no words for, a file that cannot be read, a desk key that does
/// not match its pin) is said as it is: "try again" would mislead there.
fn in_words(t: &Texts, error: anyhow::Error) -> anyhow::Error {
    let said = if let Some(mistake) = error.downcast_ref::<PhraseError>() {
        match mistake {
            PhraseError::WordCount(n) => t.word_count.replace("{n}", &n.to_string()),
            PhraseError::UnknownWord(n) => t.unknown_word.replace("{n}", &n.to_string()),
        }
    } else if let Some(failure) = error.downcast_ref::<ClientError>() {
        match failure {
            ClientError::Refused { .. } => {
                let slug = failure.problem_slug().unwrap_or_default();
                match t.problems.iter().find(|(kind, _)| *kind == slug) {
                    Some((_, said)) => said.clone(),
                    None => return error,
                }
            }
            ClientError::Unreachable { .. } => format!("{}: {error:#}", t.error_network),
            _ => return error,
        }
    } else if (error.downcast_ref::<std::io::Error>())
        .is_some_and(|e| e.kind() == std::io::ErrorKind::UnexpectedEof)
    {
        t.cli.no_input.clone()
    } else {
        return error;
    };
    anyhow::anyhow!(said)
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

fn print_receipt(t: &Texts, submitted: &reporter::Submitted, json: bool) {
    if json {
        super::print_json(&json!({
            "id": submitted.id,
            "receipt_phrase": submitted.phrase.expose(),
            "desk_fingerprint": submitted.desk_fingerprint.as_str(),
        }));
        return;
    }
    println!("{}", t.receipt_title);
    println!();
    println!("{}", t.receipt_intro);
    println!();
    println!("    {}", submitted.phrase.expose());
    println!();
    println!("{} {}", t.desk_number, submitted.desk_fingerprint);
    println!("{}", t.shared_device);
    println!("`resguardo report followup --lang {}`", t.code);
}

/// The case and its thread; with `write` (or files to attach), shown first, then the reporter's
/// message is asked for and sent.
async fn followup(
    t: &Texts,
    server: &str,
    write: bool,
    pin: Option<DeskPin<'_>>,
    attach: &AttachArgs,
    json: bool,
) -> anyhow::Result<()> {
    let client = ApiClient::new(server)?;
    let write = write || !attach.files.is_empty();
    let typed = ask_secret(&t.cli.phrase)?;
    let phrase = ReceiptPhrase::parse(&typed)?;
    let keys = reporter::derive(&phrase).await;
    let case = reporter::followup(&client, &keys).await?;
    if !json {
        print_case(t, &case);
    }
    let files = attach::prepare(t, &client, &case.desk, attach).await?;
    let mut not_sent = Vec::new();
    let mut files_done = Ok(());
    if write {
        let question = format!("\n{}: {}", t.write, t.cli.lines);
        let text = zeroize::Zeroizing::new(ask_text(&question)?);
        // Reserved before the message is sent, so that a file the case has no room for is
        // refused before the message announces it.
        let entries = attach::entries(&files);
        let reserved = attach::reserve(&client, &keys, files).await?;
        reporter::send_message_with(&client, &keys, &case.desk, pin, &text, &entries).await?;
        if !json {
            println!("\n{}", t.cli.sent);
        }
        not_sent = attach::send(t, &client, reserved).await;
        files_done = attachments_done(t, entries.len(), &not_sent);
    }
    if json {
        // Read again, so that the message sent is in the thread; a failure to read is said
        // after what became of the files.
        let case = reporter::followup(&client, &keys).await;
        match case {
            Ok(case) => print_case_json(&case, write, &not_sent),
            Err(error) => return files_done.and(Err(error.into())),
        }
    }
    files_done
}

fn print_case_json(case: &reporter::Case, message_sent: bool, not_sent: &[String]) {
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
        "updated": case.updated, "messages": messages, "message_sent": message_sent,
        "attachments_not_sent": not_sent,
    }));
}

/// The case as the follow-up page shows it: the status in words, then each message with who wrote
/// it (a desk message that does not carry the desk's tag is marked), text shown as text.
fn print_case(t: &Texts, case: &reporter::Case) {
    let status = (t.statuses.iter())
        .find(|(key, _)| *key == case.status.as_str())
        .map_or(case.status.as_str(), |(_, label)| label.as_str());
    println!(
        "{}: {status} ({}, {})",
        t.status, case.created, case.updated
    );
    if case.messages.is_empty() {
        println!("{}", t.cli.no_messages);
    }
    for m in &case.messages {
        let who = match m.author {
            Author::Reporter => &t.from_you,
            Author::Desk => &t.from_desk,
        };
        let text = m
            .text
            .as_ref()
            .map_or(t.unreadable.as_str(), |text| text.as_str());
        println!("\n{who}, {}:\n{}", shown(&m.day), shown(text));
        if m.author == Author::Desk && m.from_desk_verified != Some(true) {
            println!("{}", t.not_verified);
        }
    }
}
