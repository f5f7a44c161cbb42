//! `resguardo admin export`: a desk's ciphertext as `.age` files, for desks whose key is kept
//! outside Resguardo (`desk create --recipient`), read offline with `age -d` as air-gapped
//! newsrooms work. Nothing is decrypted here: the server host holds no desk key.

use std::path::Path;

use anyhow::Context as _;
use serde_json::{json, Value};

use super::serve::open_store;
use crate::config::Settings;
use crate::domain::{AuditAction, Author, DeskSlug};
use crate::os::files::write_private;
use crate::store::{AuditEntry, DeskStore};

/// What one export wrote.
struct Written {
    reports: usize,
    messages: usize,
}

pub async fn export(desk: &str, out: &Path, json: bool) -> anyhow::Result<()> {
    let settings = Settings::load()?;
    let desk = DeskSlug::parse(desk).map_err(|e| anyhow::anyhow!("--desk: {e}"))?;
    let store = open_store(&settings).await?;
    if !store.desks().await?.iter().any(|d| d.slug == desk) {
        anyhow::bail!("there is no desk {desk}; `resguardo admin desk list` shows the desks");
    }
    prepare(out)?;
    let written = write_desk(&store.desk(&desk), out).await?;
    let subject = format!("reports={} messages={}", written.reports, written.messages);
    let entry = AuditEntry::new(desk.as_str(), "admin", AuditAction::DeskExport, &subject);
    store
        .audit_log()
        .append(&entry, crate::time::now_secs())
        .await?;
    if json {
        super::print_json(&json!({
            "desk": desk.as_str(), "out": out.display().to_string(),
            "reports": written.reports, "messages": written.messages,
        }));
    } else {
        println!(
            "Wrote {} reports and {} reporter messages of desk {desk} to {}.",
            written.reports,
            written.messages,
            out.display()
        );
        println!("index.json lists them; decrypt each on the machine that holds the desk key:");
        println!("    age -d -i desk-key.txt {}/ID/report.age", out.display());
    }
    Ok(())
}

/// The directory must be new or empty: an export never mixes with, or overwrites, another.
fn prepare(out: &Path) -> anyhow::Result<()> {
    match std::fs::read_dir(out) {
        Ok(mut entries) => {
            if entries.next().is_some() {
                anyhow::bail!(
                    "{} is not empty; export into a new directory",
                    out.display()
                );
            }
            crate::os::files::check_private(out)
                .with_context(|| format!("{} would expose the export", out.display()))
        }
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            use std::os::unix::fs::DirBuilderExt;
            std::fs::DirBuilder::new()
                .recursive(true)
                .mode(0o700)
                .create(out)
                .with_context(|| format!("cannot create {}", out.display()))
        }
        Err(e) => Err(e).with_context(|| format!("cannot read {}", out.display())),
    }
}

/// Writes `ID/report.age` and `ID/message-SEQ.age` (the reporter's messages: the desk's own
/// replies are encrypted to the reporter) for every case, then `index.json`.
async fn write_desk(store: &DeskStore, out: &Path) -> anyhow::Result<Written> {
    let cases = store.cases().await?;
    let mut index = Vec::with_capacity(cases.len());
    let mut written = Written {
        reports: 0,
        messages: 0,
    };
    for (done, summary) in cases.iter().enumerate() {
        // A case purged since the listing is simply not exported.
        let Some(case) = store.case(&summary.id).await? else {
            continue;
        };
        let dir = out.join(summary.id.to_string());
        write(&dir.join("report.age"), case.report.ciphertext.as_bytes())?;
        let mut files = Vec::new();
        for message in store.messages(&summary.id).await? {
            if message.author != Author::Reporter {
                continue;
            }
            let name = format!("message-{}.age", message.seq);
            write(&dir.join(&name), message.ciphertext.as_bytes())?;
            files.push(json!({"file": name, "created_at": message.created_at}));
        }
        written.reports += 1;
        written.messages += files.len();
        index.push(json!({
            "id": summary.id.to_string(), "status": summary.status.as_str(),
            "created_at": summary.created_at, "key_version": case.report.key_version,
            "report": "report.age", "messages": files,
        }));
        if (done + 1) % 500 == 0 {
            eprintln!("{} of {} cases written…", done + 1, cases.len());
        }
    }
    let index = serde_json::to_vec_pretty(&Value::from(index))?;
    write(&out.join("index.json"), &index)?;
    Ok(written)
}

fn write(path: &Path, bytes: &[u8]) -> anyhow::Result<()> {
    write_private(path, bytes).with_context(|| format!("cannot write {}", path.display()))
}
