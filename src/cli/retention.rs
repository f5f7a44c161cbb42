//! `resguardo desk retention …`: a desk's retention policy, from a case worker's device.

use serde_json::json;

use super::signed_in::saved;
use super::RetentionCommand;
use crate::client::ApiClient;
use crate::domain::PolicySource;
use crate::domain::{Days, RetentionPolicy};
use crate::protocol::retention::RetentionView;

pub async fn run(command: RetentionCommand) -> anyhow::Result<()> {
    let saved = saved()?;
    let client = ApiClient::new(&saved.server)?;
    match command {
        RetentionCommand::Show { json } => {
            print(&client.retention(&saved.token).await?, json);
        }
        RetentionCommand::Set {
            closed_days,
            spam_days,
            untriaged_days,
            json,
        } => {
            if closed_days.is_none() && spam_days.is_none() && untriaged_days.is_none() {
                anyhow::bail!(
                    "nothing to set: give --closed-days, --spam-days or --untriaged-days"
                );
            }
            let current = client.retention(&saved.token).await?.policy;
            let days = |given: Option<u32>, now: Days, flag: &str| match given {
                None => Ok(now),
                Some(n) => Days::parse(n).map_err(|e| anyhow::anyhow!("{flag}: {e}")),
            };
            let policy = RetentionPolicy {
                closed_days: days(closed_days, current.closed_days, "--closed-days")?,
                spam_days: days(spam_days, current.spam_days, "--spam-days")?,
                untriaged_days: days(untriaged_days, current.untriaged_days, "--untriaged-days")?,
            };
            print(&client.set_retention(&saved.token, &policy).await?, json);
        }
    }
    Ok(())
}

fn print(view: &RetentionView, json: bool) {
    if json {
        super::print_json(&json!(view));
        return;
    }
    let source = match view.source {
        PolicySource::Desk => "set by the desk's supervisors",
        PolicySource::Configuration => "from the server's configuration",
    };
    println!("Retention ({source}):");
    let p = &view.policy;
    for (what, days) in [
        ("closed cases", p.closed_days),
        ("spam", p.spam_days),
        ("never-triaged reports", p.untriaged_days),
    ] {
        println!("  {what:<22} {}", describe(days));
    }
}

pub(super) fn describe(days: Days) -> String {
    match days.get() {
        0 => "kept forever".to_owned(),
        1 => "deleted after 1 day".to_owned(),
        n => format!("deleted after {n} days"),
    }
}
