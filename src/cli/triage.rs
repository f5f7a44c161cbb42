//! `resguardo worker inbox|show|assign|status|note|reply`: triage from a terminal. Decryption and
//! encryption happen here; the password unlocks the worker's key for the commands that need it.

use serde_json::json;

use super::signed_in::{desk_keys_of, saved, unlocked};
use super::terminal::{ask_text, authenticity_label, shown};
use crate::client::{links, triage, ApiClient};
use crate::domain::Status;
use crate::protocol::attachments::without_keys;
use crate::protocol::case::{Authenticity, OpenCase, Readable, Seal};

pub async fn inbox(status: Option<Status>, mine: bool, json: bool) -> anyhow::Result<()> {
    let saved = saved()?;
    let cases = ApiClient::new(&saved.server)?
        .inbox(&saved.token, status, mine)
        .await?;
    if json {
        let list: Vec<_> = cases
            .iter()
            .map(|c| {
                json!({"id": c.id, "status": c.status, "created": c.created, "updated": c.updated,
                       "assigned_to": c.assigned_to, "messages": c.messages,
                       "reporter_messages": c.reporter_messages,
                       "unread_messages": c.unread_messages, "partner_answers": c.partner_answers,
                       "unread_answers": c.unread_answers, "waiting_since": c.waiting_since})
            })
            .collect();
        super::print_json(&json!(list));
    } else if cases.is_empty() {
        println!("No cases.");
    } else {
        println!(
            "{:<32}  {:<10} {:<10} {:<10} {:<16} {:<10} unread",
            "id", "status", "received", "changed", "assigned", "waiting"
        );
        for c in cases {
            let assigned = c.assigned_to.unwrap_or_else(|| "-".into());
            println!(
                "{:<32}  {:<10} {:<10} {:<10} {:<16} {:<10} {}",
                c.id,
                c.status.as_str(),
                c.created,
                c.updated,
                assigned,
                c.waiting_since.as_deref().unwrap_or("-"),
                unread(c.unread_messages, c.unread_answers),
            );
        }
    }
    Ok(())
}

/// "2 messages, 1 answer" not yet shown to you, or "-".
fn unread(messages: i64, answers: i64) -> String {
    let plural = |n: i64, one: &str, many: &str| format!("{n} {}", if n == 1 { one } else { many });
    let parts: Vec<String> = [
        (messages > 0).then(|| plural(messages, "message", "messages")),
        (answers > 0).then(|| plural(answers, "answer", "answers")),
    ]
    .into_iter()
    .flatten()
    .collect();
    if parts.is_empty() {
        "-".to_owned()
    } else {
        parts.join(", ")
    }
}

pub async fn search(query: &str, json: bool) -> anyhow::Result<()> {
    let (saved, identity) = unlocked().await?;
    let client = ApiClient::new(&saved.server)?;
    let (_, keys) = desk_keys_of(&client, &saved, &identity).await?;
    let found = triage::search(&client, &saved.token, &keys.identities, query).await?;
    if json {
        let list: Vec<_> = found
            .iter()
            .map(|c| {
                let (s, f) = (&c.summary, c.facts.clone().unwrap_or_default());
                json!({"id": s.id, "status": s.status, "created": s.created,
                       "assigned_to": s.assigned_to, "opened": c.facts.is_some(),
                       "kind": f.kind, "when": f.when, "country": f.country, "needs": f.needs})
            })
            .collect();
        super::print_json(&json!(list));
        return Ok(());
    }
    if found.is_empty() {
        println!("No case matches.");
        return Ok(());
    }
    println!(
        "{:<32}  {:<10} {:<10} {:<20} {:<7} needs",
        "id", "status", "received", "kind", "country"
    );
    for c in &found {
        let facts = c.facts.clone().unwrap_or_default();
        let text = |v: &Option<String>| shown(v.as_deref().unwrap_or("-")).into_owned();
        println!(
            "{:<32}  {:<10} {:<10} {:<20} {:<7} {}",
            c.summary.id,
            c.summary.status.as_str(),
            c.summary.created,
            text(&facts.kind),
            text(&facts.country),
            shown(&facts.needs.join(", ")),
        );
    }
    let unopened = found.iter().filter(|c| c.facts.is_none()).count();
    if unopened > 0 {
        println!("{unopened} report(s) could not be opened with the desk keys you hold.");
    }
    Ok(())
}

/// The first desk device to open a case seals the report it decrypted (protocol.md §10.5); a
/// failure is a warning, and what needs the seal refuses later.
pub(super) async fn seal_if_new(
    client: &ApiClient,
    token: &str,
    identity: &age::x25519::Identity,
    state: &crate::crypto::chain::DeskState,
    case: &mut OpenCase,
) {
    if case.seal == Seal::Missing && case.report.is_some() && !case.has_desk_replies() {
        let sealed = triage::seal_case(client, token, identity, state, case, false);
        if let Err(e) = sealed.await {
            eprintln!(
                "Warning: the case was not sealed: {}",
                shown(&e.to_string())
            );
        }
    }
}

pub async fn show(id: &str, json: bool) -> anyhow::Result<()> {
    let (saved, identity) = unlocked().await?;
    let client = ApiClient::new(&saved.server)?;
    let (state, keys) = desk_keys_of(&client, &saved, &identity).await?;
    let mut case = triage::open_case(&client, &saved.token, &keys.identities, id).await?;
    case.verify_authors(&state);
    seal_if_new(&client, &saved.token, &identity, &state, &mut case).await;
    let links = match case.report.as_deref() {
        Some(plaintext) => {
            let country = super::links::desk_country(&client, &saved).await;
            let linked = links::link_case(&client, &saved.token, &keys, country, id, plaintext);
            linked.await.unwrap_or_else(|e| {
                eprintln!(
                    "Warning: linked cases are not shown: {}",
                    shown(&e.to_string())
                );
                Vec::new()
            })
        }
        None => Vec::new(),
    };
    let report: Option<serde_json::Value> = case
        .report
        .as_ref()
        .and_then(|p| serde_json::from_slice(p).ok());
    let entries = |list: &[Readable]| -> Vec<serde_json::Value> {
        list.iter()
            .map(|e| {
                let checked = e.authenticity.as_ref();
                json!({"author": e.author, "day": e.day, "text": e.text.as_ref().map(|t| t.as_str()),
                       "authenticity": checked.map(Authenticity::as_str),
                       "signed_by": checked.and_then(Authenticity::signer)})
            })
            .collect()
    };
    if json {
        let mut report = report.unwrap_or(serde_json::Value::Null);
        if let Some(map) = report.as_object_mut() {
            map.remove("pad");
        }
        // The files' keys stay out of printed output: `worker attachments` opens them.
        let report = without_keys(&report);
        let referrals: Vec<serde_json::Value> = case
            .view
            .referrals
            .iter()
            .zip(&case.referrals)
            .map(|(v, r)| {
                json!({"id": v.id, "partner": v.partner_name, "status": v.status,
                       "created": v.created, "expires": v.expires,
                       "sent": r.document.as_ref().map(without_keys),
                       "override_reason": r.override_reason.as_ref().map(|t| t.as_str()),
                       "override_authenticity": r.override_authenticity.as_ref().map(Authenticity::as_str),
                       "override_signed_by": r.override_authenticity.as_ref()
                           .and_then(Authenticity::signer),
                       "updates": r.updates.iter().map(|u| u.to_json()).collect::<Vec<_>>()})
            })
            .collect();
        super::print_json(&json!({
            "id": case.view.id, "status": case.view.status, "created": case.view.created,
            "updated": case.view.updated, "assigned_to": case.view.assigned_to, "report": report,
            "messages": entries(&case.messages), "notes": entries(&case.notes),
            "referrals": referrals, "links": super::links::links_json(&links),
        }));
        return Ok(());
    }
    let v = &case.view;
    println!(
        "Case {} — {} (received {}, changed {}, assigned to {})",
        v.id,
        v.status.as_str(),
        v.created,
        v.updated,
        v.assigned_to.as_deref().unwrap_or("nobody")
    );
    match &report {
        Some(r) => {
            for field in [
                "kind",
                "when",
                "country",
                "needs",
                "consent_referral",
                "consent_statistics",
                "safe_contact",
                "lang",
                "channel",
                "demanded",
                "paid",
                "payment_channel",
                "gang_claimed",
            ] {
                if let Some(value) = r.get(field).filter(|v| !v.is_null()) {
                    println!("{field:>18}: {value}");
                }
            }
            for indicator in r["indicators"].as_array().into_iter().flatten() {
                let kind = indicator["type"].as_str().unwrap_or("?");
                let value = indicator["value"].as_str().unwrap_or("");
                println!(
                    "{:>18}: {}",
                    format!("used ({})", shown(kind)),
                    shown(value)
                );
            }
            println!("\n{}\n", shown(r["narrative"].as_str().unwrap_or("")));
            let files = case.attachments().map_or(0, |named| named.len());
            if files > 0 {
                println!(
                    "Files: {files} (`resguardo worker attachments {id}` lists and opens them)\n"
                );
            }
        }
        None => println!("\n(this device holds no desk key that opens the report)\n"),
    }
    for (title, list) in [
        ("Thread", &case.messages),
        ("Notes (desk only)", &case.notes),
    ] {
        if !list.is_empty() {
            println!("— {title} —");
        }
        for e in list {
            let text = e
                .text
                .as_ref()
                .map_or("(cannot be read here)", |t| t.as_str());
            // The author and day come from the server too: shown like the text.
            println!(
                "{}{} ({}): {}",
                shown(&e.author),
                authenticity_label(e.authenticity.as_ref()),
                shown(&e.day),
                shown(text)
            );
        }
    }
    show_referrals(&case);
    super::links::print_links(&links);
    Ok(())
}

fn show_referrals(case: &OpenCase) {
    if !case.referrals.is_empty() {
        println!("— Referrals —");
    }
    for (v, r) in case.view.referrals.iter().zip(&case.referrals) {
        let expiry = v
            .expires
            .as_deref()
            .map(|d| format!(", expires {d}"))
            .unwrap_or_default();
        println!(
            "{} to {}: {} (sent {}{expiry})",
            v.id,
            shown(&v.partner_name),
            v.status.as_str(),
            v.created
        );
        if let Some(reason) = &r.override_reason {
            println!(
                "    sent without the reporter's consent because: {}{}",
                shown(reason.as_str()),
                authenticity_label(r.override_authenticity.as_ref())
            );
        }
        if let Some(fields) = r.document.as_ref().and_then(|d| d.as_object()) {
            let keys: Vec<&str> = fields
                .keys()
                .map(String::as_str)
                .filter(|k| *k != "schema")
                .collect();
            println!("    fields sent: {}", shown(&keys.join(", ")));
        }
        for u in &r.updates {
            let text = u.text.as_ref().map_or("", |t| t.as_str());
            let what = u.status.map_or("message", |s| s.as_str());
            let checked = authenticity_label(u.authenticity.as_ref());
            println!("    {what} ({}) {}{checked}", u.day, shown(text));
        }
        if v.status == crate::domain::ReferralStatus::Declined {
            println!("    declined: `resguardo worker refer {} --partner …` routes it to another partner", case.view.id);
        }
    }
}

pub async fn assign(id: &str, username: &str) -> anyhow::Result<()> {
    let saved = saved()?;
    let target = Some(username).filter(|u| *u != "-");
    ApiClient::new(&saved.server)?
        .assign(&saved.token, id, target)
        .await?;
    match target {
        Some(user) => println!("Case {id} is assigned to {user}."),
        None => println!("Case {id} is unassigned."),
    }
    Ok(())
}

pub async fn status(id: &str, status: Status) -> anyhow::Result<()> {
    let saved = saved()?;
    ApiClient::new(&saved.server)?
        .set_status(&saved.token, id, status)
        .await?;
    println!("Case {id} is now {}.", status.as_str());
    Ok(())
}

/// A note (`reply = false`) or a reply to the reporter.
pub async fn write(id: &str, reply: bool) -> anyhow::Result<()> {
    let (saved, identity) = unlocked().await?;
    let text = zeroize::Zeroizing::new(ask_text(if reply {
        "Your reply to the reporter (finish with an empty line):"
    } else {
        "Your note (finish with an empty line):"
    })?);
    if text.trim().is_empty() {
        anyhow::bail!("nothing to send: the text is empty");
    }
    let client = ApiClient::new(&saved.server)?;
    // Encrypted to the key the desk's statements sign, never to a key the server names.
    let (state, keys) = desk_keys_of(&client, &saved, &identity).await?;
    if reply {
        let mut case = triage::open_case(&client, &saved.token, &keys.identities, id).await?;
        triage::reply(&client, &saved.token, &identity, &state, &mut case, &text).await?;
        println!("Reply sent; the reporter sees it with their receipt phrase.");
    } else {
        triage::note(&client, &saved.token, id, &identity, &state, &text).await?;
        println!("Note saved for the desk.");
    }
    Ok(())
}

/// `resguardo desk seal-cases`: seals every open case that has no seal (once, after the upgrade
/// that brought seals: protocol.md §10.5).
pub async fn seal_cases(json: bool) -> anyhow::Result<()> {
    let (saved, identity) = unlocked().await?;
    let client = ApiClient::new(&saved.server)?;
    let (state, keys) = desk_keys_of(&client, &saved, &identity).await?;
    let open: Vec<String> = client
        .inbox(&saved.token, None, false)
        .await?
        .into_iter()
        .filter(|c| c.status.is_open())
        .map(|c| c.id)
        .collect();
    let (mut sealed, mut unreadable) = (0, 0);
    for id in &open {
        let mut case = triage::open_case(&client, &saved.token, &keys.identities, id).await?;
        if case.seal != Seal::Missing {
            continue;
        }
        if case.report.is_none() {
            unreadable += 1;
            continue;
        }
        triage::seal_case(&client, &saved.token, &identity, &state, &mut case, true).await?;
        sealed += 1;
    }
    if json {
        super::print_json(
            &json!({"cases": open.len(), "sealed": sealed, "unreadable": unreadable}),
        );
    } else {
        println!(
            "Sealed {sealed} of {} open cases; {unreadable} could not be opened here.",
            open.len()
        );
    }
    Ok(())
}
