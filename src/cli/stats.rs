//! `resguardo stats table|merge` (docs/codebook.md, decision 0010): the desk's consented cases
//! counted on this device and published with suppression, and several desks' publications
//! pooled. What is written holds codebook words and counts only.

use std::path::Path;

use anyhow::Context;
use serde_json::json;

use super::signed_in::{desk_keys_of, unlocked};
use super::StatsCommand;
use crate::client::ApiClient;
use crate::protocol::stats::{files, merge, publication, CountedCase, Publication};

pub async fn run(command: StatsCommand) -> anyhow::Result<()> {
    match command {
        StatsCommand::Table {
            rows,
            cols,
            period,
            k,
            out,
            json,
        } => {
            if rows == cols {
                anyhow::bail!("--rows and --cols must be two different facets");
            }
            let cases = consented_cases().await?;
            let published = publication(&cases, rows, cols, period, k);
            write(&published, &out)?;
            report(&published, &out, json);
            Ok(())
        }
        StatsCommand::Merge {
            files,
            k,
            out,
            json,
        } => {
            let mut inputs = vec![];
            for path in &files {
                let text = std::fs::read_to_string(path)
                    .with_context(|| format!("cannot read {}", path.display()))?;
                let parsed: Publication = serde_json::from_str(&text).with_context(|| {
                    format!(
                        "{} is not a stats.json of `resguardo stats table`",
                        path.display()
                    )
                })?;
                inputs.push(parsed);
            }
            let pooled = merge::merge(&inputs, k)?;
            write(&pooled, &out)?;
            report(&pooled, &out, json);
            Ok(())
        }
    }
}

/// Every consenting case of the desk, decrypted on this device (`client::stats`).
async fn consented_cases() -> anyhow::Result<Vec<CountedCase>> {
    let (saved, identity) = unlocked().await?;
    let client = ApiClient::new(&saved.server)?;
    let (_, keys) = desk_keys_of(&client, &saved, &identity).await?;
    Ok(crate::client::stats::consented_cases(&client, &saved.token, &keys).await?)
}

/// stats.json, stats.csv and stats.svg in the new directory `out` (0700, files 0600).
fn write(published: &Publication, out: &Path) -> anyhow::Result<()> {
    if out.exists() {
        anyhow::bail!("{} exists: give a new directory", out.display());
    }
    let written = [
        ("stats.json", files::json(published)),
        ("stats.csv", files::csv(published)),
        ("stats.svg", files::svg(published)),
    ];
    for (name, text) in written {
        let path = out.join(name);
        crate::os::files::write_private(&path, text.as_bytes())
            .with_context(|| format!("cannot write {}", path.display()))?;
    }
    Ok(())
}

fn report(published: &Publication, out: &Path, json: bool) {
    let (hidden, shown) = published.tables.iter().fold((0, 0), |(h, s), t| {
        let (th, ts) = t.nonzero_split();
        (h + th, s + ts)
    });
    if json {
        super::print_json(&json!({
            "out": out.display().to_string(), "codebook": published.codebook,
            "period": published.period, "tables": published.tables.len(),
            "desks": published.desks, "suppressed": hidden, "shown": shown,
        }));
    } else {
        println!(
            "Wrote stats.json, stats.csv and stats.svg to {}: {} table(s) by {:?}, {shown} cells \
             shown, {hidden} suppressed (k = {}).",
            out.display(),
            published.tables.len(),
            published.period,
            published.k
        );
    }
}
