//! `resguardo admin export`: a desk's ciphertext as `.age` files, for desks whose key is kept
//! outside Resguardo (`desk create --recipient`), read offline with `age -d` as air-gapped
//! newsrooms work. Nothing is decrypted here: the server host holds no desk key. Attachments are
//! copied as their age files: the key of each is inside the report or message that names it.

use std::path::Path;

use anyhow::Context as _;
use serde_json::{json, Value};

use super::serve::open_store;
use crate::blobs::Blobs;
use crate::config::Settings;
use crate::domain::{AuditAction, Author, DeskSlug};
use crate::os::files::write_private;
use crate::protocol::attachments::{part_len, parts_of};
use crate::store::{Attachment, AuditEntry, DeskStore};

/// What one export wrote.
struct Written {
    reports: usize,
    messages: usize,
    attachments: usize,
}

pub async fn export(desk: &str, out: &Path, json: bool) -> anyhow::Result<()> {
    let settings = Settings::load()?;
    let desk = DeskSlug::parse(desk).map_err(|e| anyhow::anyhow!("--desk: {e}"))?;
    let store = open_store(&settings).await?;
    if !store.desks().await?.iter().any(|d| d.slug == desk) {
        anyhow::bail!("there is no desk {desk}; `resguardo admin desk list` shows the desks");
    }
    prepare(out)?;
    let blobs = super::admin::open_blobs(&settings)?;
    let written = write_desk(&store.desk(&desk), &blobs, out).await?;
    let subject = format!(
        "reports={} messages={} attachments={}",
        written.reports, written.messages, written.attachments
    );
    let entry = AuditEntry::new(desk.as_str(), "admin", AuditAction::DeskExport, &subject);
    store
        .audit_log()
        .append(&entry, crate::time::now_secs())
        .await?;
    if json {
        super::print_json(&json!({
            "desk": desk.as_str(), "out": out.display().to_string(),
            "reports": written.reports, "messages": written.messages,
            "attachments": written.attachments,
        }));
    } else {
        println!(
            "Wrote {} reports, {} reporter messages and {} attachments of desk {desk} to {}.",
            written.reports,
            written.messages,
            written.attachments,
            out.display()
        );
        println!("index.json lists them; decrypt each on the machine that holds the desk key:");
        println!("    age -d -i desk-key.txt {}/ID/report.age", out.display());
        println!(
            "and each attachment with the key its manifest entry holds (the report's or a \
             message's `attachments`):"
        );
        println!(
            "    age -d -i file-key.txt {}/ID/attachments/ATTACHMENT.age",
            out.display()
        );
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

/// Writes `ID/report.age`, `ID/message-SEQ.age` (the reporter's messages: the desk's own
/// replies are encrypted to the reporter) and `ID/attachments/ATTACHMENT.age` (each complete
/// attachment) for every case, then `index.json`.
async fn write_desk(store: &DeskStore, blobs: &Blobs, out: &Path) -> anyhow::Result<Written> {
    let cases = store.cases().await?;
    let mut index = Vec::with_capacity(cases.len());
    let mut written = Written {
        reports: 0,
        messages: 0,
        attachments: 0,
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
        let mut attachments = Vec::new();
        for attachment in store.attachments(&summary.id).await? {
            if !attachment.complete {
                continue;
            }
            let name = format!("attachments/{}.age", attachment.id);
            copy_blob(blobs, &attachment, &dir.join(&name)).await?;
            attachments.push(json!({"file": name, "size": attachment.size}));
        }
        written.reports += 1;
        written.messages += files.len();
        written.attachments += attachments.len();
        index.push(json!({
            "id": summary.id.to_string(), "status": summary.status.as_str(),
            "created_at": summary.created_at, "key_version": case.report.key_version,
            "report": "report.age", "messages": files, "attachments": attachments,
        }));
        if (done + 1) % 500 == 0 {
            eprintln!("{} of {} cases written…", done + 1, cases.len());
        }
    }
    let index = serde_json::to_vec_pretty(&Value::from(index))?;
    write(&out.join("index.json"), &index)?;
    Ok(written)
}

/// Copies a complete attachment's age file from the blob store, part by part, into a new 0600
/// file, synced; a part missing or of the wrong length stops the export.
async fn copy_blob(blobs: &Blobs, attachment: &Attachment, path: &Path) -> anyhow::Result<()> {
    use std::io::Write as _;
    use std::os::unix::fs::{DirBuilderExt, OpenOptionsExt};
    let cannot = || format!("cannot write {}", path.display());
    if let Some(parent) = path.parent() {
        std::fs::DirBuilder::new()
            .recursive(true)
            .mode(0o700)
            .create(parent)
            .with_context(cannot)?;
    }
    let mut file = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(0o600)
        .open(path)
        .with_context(cannot)?;
    let size = u64::try_from(attachment.size).unwrap_or_default();
    for part in 0..parts_of(size) {
        let bytes = blobs.part(&attachment.id, part).await.map_err(|e| {
            anyhow::anyhow!(
                "attachment {}: part {part} cannot be read: {e}",
                attachment.id
            )
        })?;
        if Some(bytes.len() as u64) != part_len(size, part) {
            anyhow::bail!("attachment {}: part {part} is damaged", attachment.id);
        }
        file.write_all(&bytes).with_context(cannot)?;
    }
    file.sync_all().with_context(cannot)
}

fn write(path: &Path, bytes: &[u8]) -> anyhow::Result<()> {
    write_private(path, bytes).with_context(|| format!("cannot write {}", path.display()))
}
