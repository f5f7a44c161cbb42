//! `resguardo desk link-cases` and `desk export-indicators`, and the linked cases `worker show`
//! prints (docs/protocol.md §11). Tokens are computed on this device; the indicators behind them
//! are printed or written here and never sent.

use std::path::Path;

use anyhow::Context;
use serde_json::json;

use super::signed_in::{desk_keys_of, unlocked};
use super::terminal::shown;
use crate::client::links::{link_all, shared_indicators, Link, LinkedAll, SharedIndicator};
use crate::client::session::SavedSession;
use crate::client::ApiClient;
use crate::protocol::indicators::Country;
use crate::protocol::stats::files::csv_cell;

/// The desk's country as the server's configuration names it, for national phone numbers.
pub(super) async fn desk_country(client: &ApiClient, saved: &SavedSession) -> Option<Country> {
    let desk = client.desk(&saved.desk).await.ok()?;
    desk.country.as_deref().and_then(Country::parse)
}

/// The "linked cases" lines of `worker show`: only indicators another case names.
pub(super) fn print_links(links: &[Link]) {
    let shared: Vec<&Link> = links.iter().filter(|l| !l.others.is_empty()).collect();
    if shared.is_empty() {
        return;
    }
    println!("— Linked cases —");
    for link in shared {
        let n = link.others.len();
        let cases = if n == 1 { "case" } else { "cases" };
        println!(
            "{} appears in {n} other {cases}: {}",
            shown(link.indicator.as_str()),
            link.others.join(", ")
        );
    }
}

pub(super) fn links_json(links: &[Link]) -> serde_json::Value {
    links
        .iter()
        .map(|l| json!({"indicator": l.indicator.as_str(), "cases": l.others}))
        .collect()
}

/// Links every case again under the desk's current key, as this device now holds it: after a
/// rotation.
pub(super) async fn relink(
    client: &ApiClient,
    saved: &SavedSession,
    identity: &age::x25519::Identity,
) -> anyhow::Result<LinkedAll> {
    let (_, keys) = desk_keys_of(client, saved, identity).await?;
    let country = desk_country(client, saved).await;
    Ok(link_all(client, &saved.token, &keys, country, |_| {}).await?)
}

/// Stores the tokens of every case this device opens, under the desk's current key.
pub async fn link_cases(json: bool) -> anyhow::Result<()> {
    let (saved, identity) = unlocked().await?;
    let client = ApiClient::new(&saved.server)?;
    let (_, keys) = desk_keys_of(&client, &saved, &identity).await?;
    let country = desk_country(&client, &saved).await;
    let done = link_all(&client, &saved.token, &keys, country, |n| {
        if !json && n % 100 == 0 {
            eprintln!("{n} cases linked…");
        }
    })
    .await?;
    if json {
        super::print_json(&json!({"linked": done.linked, "unreadable": done.unreadable}));
    } else {
        println!(
            "Stored the match tokens of {} cases; {} could not be opened on this device.",
            done.linked, done.unreadable
        );
    }
    Ok(())
}

/// The indicators at least `min_cases` cases name, decrypted here: as CSV on stdout or in `out`
/// (created 0600), or as JSON.
pub async fn export_indicators(
    min_cases: u32,
    out: Option<&Path>,
    json: bool,
) -> anyhow::Result<()> {
    if !(2..=1000).contains(&min_cases) {
        anyhow::bail!("--min-cases must be from 2 (one case alone links nothing) to 1000");
    }
    let (saved, identity) = unlocked().await?;
    let client = ApiClient::new(&saved.server)?;
    let (_, keys) = desk_keys_of(&client, &saved, &identity).await?;
    let country = desk_country(&client, &saved).await;
    let (shared, unexplained) =
        shared_indicators(&client, &saved.token, &keys, country, min_cases).await?;
    if json {
        let rows: Vec<serde_json::Value> = shared
            .iter()
            .map(|s| json!({"indicator": s.indicator.as_str(), "cases": s.cases}))
            .collect();
        super::print_json(&json!({"indicators": rows, "unexplained": unexplained}));
        return Ok(());
    }
    let csv = to_csv(&shared);
    match out {
        Some(path) => {
            crate::os::files::write_private(path, csv.as_bytes())
                .with_context(|| format!("cannot write {}", path.display()))?;
            eprintln!(
                "Wrote {} indicators named by at least {min_cases} cases to {}.",
                shared.len(),
                path.display()
            );
        }
        None => print!("{csv}"),
    }
    if unexplained > 0 {
        eprintln!(
            "{unexplained} shared tokens belong to cases this device cannot open; they are left out."
        );
    }
    Ok(())
}

/// `type,value,cases,case_ids`, one row per indicator.
fn to_csv(shared: &[SharedIndicator]) -> String {
    let mut csv = String::from("type,value,cases,case_ids\r\n");
    for s in shared {
        let (kind, value) = s.indicator.as_str().split_once(':').unwrap_or(("", ""));
        let row = [
            csv_cell(kind),
            csv_cell(value),
            s.cases.len().to_string(),
            csv_cell(&s.cases.join(" ")),
        ];
        csv.push_str(&row.join(","));
        csv.push_str("\r\n");
    }
    csv
}
