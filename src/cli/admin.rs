//! `resguardo admin …`: on the server host, with the server's configuration and database.

use serde_json::json;

use super::serve::open_store;
use super::DeskCommand;
use crate::config::Settings;
use crate::domain::{DeskName, DeskSlug, Recipient, Role, Secret32};

/// Verifies the audit log's hash chain.
pub async fn verify_audit(json: bool) -> anyhow::Result<()> {
    let settings = Settings::load()?;
    let store = open_store(&settings).await?;
    let rows = store.audit_rows().await?;
    match crate::store::audit::verify(&rows) {
        Ok(count) => {
            if json {
                super::print_json(&json!({"ok": true, "entries": count}));
            } else {
                println!(
                    "The audit log is intact: {count} entries, each chained to the one before."
                );
            }
            Ok(())
        }
        Err(problem) => {
            if json {
                super::print_json(&json!({"ok": false, "problem": problem.to_string()}));
            }
            anyhow::bail!("the audit log was tampered with: {problem}")
        }
    }
}

/// Prints a one-time enrolment code; the server keeps only its SHA-256.
pub async fn invite(desk: &str, role: Role, json: bool) -> anyhow::Result<()> {
    let settings = Settings::load()?;
    let desk = DeskSlug::parse(desk).map_err(|e| anyhow::anyhow!("--desk: {e}"))?;
    let store = open_store(&settings).await?;
    let desks = store.desks().await?;
    let Some(listing) = desks.iter().find(|d| d.slug == desk) else {
        anyhow::bail!("there is no desk {desk}; create it with `resguardo admin desk create`");
    };
    if listing.key_outside {
        anyhow::bail!(
            "desk {desk} keeps its key outside Resguardo (it was created with --recipient), so no \
             device can grant it and an account would wait for vetting forever. Read its reports \
             with `resguardo admin export --desk {desk} --out DIR` and `age -d`"
        );
    }
    issue_code(
        &settings,
        &store.desk(&desk),
        &store.audit_log(),
        role,
        json,
    )
    .await
}

/// Disables an account from the server host, audited as done by `admin`.
pub async fn disable(desk: &str, username: &str, json: bool) -> anyhow::Result<()> {
    let settings = Settings::load()?;
    let desk = DeskSlug::parse(desk).map_err(|e| anyhow::anyhow!("--desk: {e}"))?;
    let username =
        crate::domain::Username::parse(username).map_err(|e| anyhow::anyhow!("--username: {e}"))?;
    let store = open_store(&settings).await?;
    let Some(account) = store.desk(&desk).account(&username).await? else {
        anyhow::bail!("desk {desk} has no account {username}");
    };
    store.desk(&desk).disable(account.id).await?;
    let entry = crate::store::AuditEntry::new(
        desk.as_str(),
        "admin",
        crate::domain::AuditAction::AccountDisable,
        username.as_str(),
    );
    store
        .audit_log()
        .append(&entry, crate::time::now_secs())
        .await?;
    if json {
        super::print_json(&json!({
            "desk": desk.as_str(), "username": username.as_str(), "status": "disabled",
        }));
    } else {
        println!("{username} of desk {desk} is disabled and signed out everywhere.");
        println!(
            "Next, a supervisor rotates the desk key: resguardo desk rotate-key --reencrypt-open"
        );
    }
    Ok(())
}

async fn issue_code(
    settings: &Settings,
    store: &crate::store::DeskStore,
    audit: &crate::store::AuditLog,
    role: Role,
    json: bool,
) -> anyhow::Result<()> {
    let code = Secret32::random();
    let hours = settings.accounts.code_ttl_hours;
    let expires_at = crate::time::now_secs() + i64::from(hours) * 3600;
    store
        .create_enrolment_code(&code.digest(), role, expires_at)
        .await?;
    let desk = store.slug();
    let action = crate::domain::AuditAction::AccountInvite;
    let entry = crate::store::AuditEntry::new(desk.as_str(), "admin", action, role.as_str());
    audit.append(&entry, crate::time::now_secs()).await?;
    if json {
        super::print_json(&json!({
            "desk": desk.as_str(), "role": role.as_str(), "code": code.to_text().as_str(),
            "expires_at": expires_at,
        }));
    } else {
        println!(
            "One-time enrolment code for a {} of desk {desk}, valid {hours} hours:",
            role.as_str()
        );
        println!();
        println!("    {}", code.to_text().as_str());
        println!();
        println!("Give it to that person only, in person or over a channel you trust. They run:");
        println!("    resguardo worker enrol --server URL --desk {desk}");
        println!("and type the code when asked (not on the command line, where history keeps it).");
    }
    Ok(())
}

pub async fn desk(command: DeskCommand) -> anyhow::Result<()> {
    let settings = Settings::load()?;
    match command {
        DeskCommand::Create {
            slug,
            name,
            recipient,
            json,
        } => create(&settings, &slug, &name, recipient.as_deref(), json).await,
        DeskCommand::List { json } => list(&settings, json).await,
    }
}

/// Creates a desk. Without `--recipient` (the normal way) the desk has no key yet and a one-time
/// code is printed for its first supervisor, whose device makes the desk key (`desk init-key`).
async fn create(
    settings: &Settings,
    slug: &str,
    name: &str,
    recipient: Option<&str>,
    json: bool,
) -> anyhow::Result<()> {
    let slug = DeskSlug::parse(slug).map_err(|e| anyhow::anyhow!("--slug: {e}"))?;
    let name = DeskName::parse(name).map_err(|e| anyhow::anyhow!("--name: {e}"))?;
    let recipient = recipient
        .map(|r| Recipient::parse(r).map_err(|e| anyhow::anyhow!("--recipient: {e}")))
        .transpose()?;
    let store = open_store(settings).await?;
    store
        .create_desk(&slug, &name, recipient.as_ref(), crate::time::now_bucket())
        .await
        .map_err(|e| anyhow::anyhow!("cannot create desk {slug}: {e}"))?;
    if let Some(recipient) = recipient {
        if json {
            super::print_json(&json!({
                "slug": slug.as_str(), "name": name.as_str(),
                "recipient": recipient.as_str(), "fingerprint": recipient.fingerprint().as_str(),
            }));
        } else {
            println!("Created desk {slug} ({}).", name.as_str());
            println!("Recipient:   {}", recipient.as_str());
            println!("Safety number: {}", recipient.fingerprint());
        }
        return Ok(());
    }
    if !json {
        println!(
            "Created desk {slug} ({}). It has no key yet: its first supervisor makes it.",
            name.as_str()
        );
    }
    issue_code(
        settings,
        &store.desk(&slug),
        &store.audit_log(),
        Role::Supervisor,
        json,
    )
    .await
}

async fn list(settings: &Settings, json: bool) -> anyhow::Result<()> {
    let store = open_store(settings).await?;
    let desks = store.desks().await?;
    if json {
        let list: Vec<_> = desks
            .iter()
            .map(|d| {
                let (recipient, version, fingerprint) = match &d.key {
                    Some((r, v)) => (
                        Some(r.as_str()),
                        Some(*v),
                        Some(r.fingerprint().to_string()),
                    ),
                    None => (None, None, None),
                };
                json!({
                    "slug": d.slug.as_str(), "name": d.name.as_str(),
                    "recipient": recipient, "key_version": version, "fingerprint": fingerprint,
                    "key_outside": d.key_outside, "page": reporters_page(&d.slug),
                })
            })
            .collect();
        super::print_json(&json!(list));
    } else if desks.is_empty() {
        println!("No desks yet. Create one with `resguardo admin desk create`.");
    } else {
        for d in desks {
            let key = match &d.key {
                Some((r, v)) => format!("v{v:<3} {}", r.fingerprint()),
                None => "no key yet".to_owned(),
            };
            let outside = if d.key_outside {
                "  (key kept outside Resguardo: admin export)"
            } else {
                ""
            };
            println!("{:<20} {key}  {}{outside}", d.slug, d.name.as_str());
            println!("{:<20} reporters' page: {}", "", reporters_page(&d.slug));
        }
    }
    Ok(())
}

/// The desk's own address on the reporters' pages, after the server's public address: what its
/// leaflets print (`/en/d/SLUG/` and `/fr/d/SLUG/` are the same page in English and French).
fn reporters_page(slug: &DeskSlug) -> String {
    format!("/es/d/{}/", slug.as_str())
}

/// Deletes (or counts, with `--dry-run`) what the retention policies say is due.
pub async fn purge(dry_run: bool, json: bool) -> anyhow::Result<()> {
    let settings = Settings::load()?;
    let store = open_store(&settings).await?;
    let blobs = open_blobs(&settings)?;
    let now = crate::time::now_secs();
    let report = crate::retention::purge(&store, &*blobs, &settings.retention, now, dry_run)
        .await
        .map_err(|e| anyhow::anyhow!("the purge stopped: {e}"))?;
    if !dry_run {
        store
            .forget_arrival_order()
            .await
            .map_err(|e| anyhow::anyhow!("the purge is done, but the case tables could not be rewritten out of arrival order: {e}"))?;
    }
    if json {
        super::print_json(&json!(report));
        return Ok(());
    }
    let verb = if dry_run { "would delete" } else { "deleted" };
    for d in &report.desks {
        println!(
            "{:<20} {verb} {} closed, {} spam, {} never triaged  (closed: {}; spam: {}; untriaged: {})",
            d.desk,
            d.closed,
            d.spam,
            d.untriaged,
            super::retention::describe(d.policy.closed_days),
            super::retention::describe(d.policy.spam_days),
            super::retention::describe(d.policy.untriaged_days),
        );
    }
    println!(
        "In all: {verb} {} cases and the partner copies of {} expired referrals.",
        report.cases(),
        report.expired_referrals
    );
    if !dry_run {
        let store = match &settings.attachments.s3 {
            Some(s3) => s3.url.clone(),
            None => settings.attachments.dir.display().to_string(),
        };
        println!(
            "Deleted {} attachments of deleted cases or abandoned uploads from {store}.",
            report.attachments
        );
    }
    if dry_run {
        println!("Nothing was deleted (dry run).");
    }
    Ok(())
}

/// The blob store the settings name (`attachments.dir`, or `[attachments.s3]`).
pub(super) fn open_blobs(settings: &Settings) -> anyhow::Result<crate::blobs::Blobs> {
    crate::server::open_blobs(&settings.attachments)
        .map_err(|e| anyhow::anyhow!("cannot open the attachment store: {e}"))
}
