//! `resguardo desk audit` and `resguardo worker trail`: the desk's audit log as its people read it
//! (ids, names, roles, hours; never what a reporter or partner wrote).

use serde_json::json;

use super::signed_in::saved;
use super::terminal::shown;
use crate::client::ApiClient;
use crate::protocol::audit::{AuditEntryView, AuditQuery};

fn print(entries: &[AuditEntryView], json: bool) {
    if json {
        let list: Vec<_> = entries
            .iter()
            .map(|e| {
                json!({"seq": e.seq, "at": e.at, "actor": e.actor, "action": e.action,
                       "subject": e.subject})
            })
            .collect();
        super::print_json(&json!(list));
        return;
    }
    if entries.is_empty() {
        println!("Nothing recorded.");
    }
    // Actors and subjects come from the server: shown like any text from outside.
    for e in entries {
        println!(
            "{:>6}  {}  {:<26} {:<20} {}",
            e.seq,
            e.at,
            shown(&e.action),
            shown(&e.actor),
            shown(&e.subject)
        );
    }
}

/// The desk's audit log, newest first (supervisors).
pub async fn desk(query: &AuditQuery, json: bool) -> anyhow::Result<()> {
    let saved = saved()?;
    let entries = ApiClient::new(&saved.server)?
        .desk_audit(&saved.token, query)
        .await?;
    print(&entries, json);
    Ok(())
}

/// One case's trail, oldest first.
pub async fn trail(id: &str, json: bool) -> anyhow::Result<()> {
    let saved = saved()?;
    let entries = ApiClient::new(&saved.server)?
        .case_trail(&saved.token, id)
        .await?;
    print(&entries, json);
    Ok(())
}
