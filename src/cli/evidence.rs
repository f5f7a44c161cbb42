//! `resguardo worker attachments ID [--out DIR]`: the files a case's report and its reporter's
//! messages name, listed from the decrypted manifest beside what the server received; with
//! `--out`, each downloaded (audited as `attachment.read`), decrypted on this device and kept
//! only once its length and SHA-256 are the manifest's.

use std::collections::HashMap;
use std::os::unix::fs::DirBuilderExt;
use std::path::{Path, PathBuf};

use serde_json::json;

use super::signed_in::{desk_keys_of, unlocked};
use super::terminal::{authenticity_label, shown};
use crate::client::attachments::fetch;
use crate::client::{triage, ApiClient};
use crate::crypto::chain::DeskState;
use crate::protocol::attachments::ManifestEntry;
use crate::protocol::case::{Authenticity, NamedAttachment, OpenCase};

pub async fn run(id: &str, out: Option<&Path>, json: bool) -> anyhow::Result<()> {
    let (saved, identity) = unlocked().await?;
    let client = ApiClient::new(&saved.server)?;
    let (state, keys) = desk_keys_of(&client, &saved, &identity).await?;
    let mut case = triage::open_case(&client, &saved.token, &keys.identities, id).await?;
    if case.report.is_none() {
        anyhow::bail!("this device holds no desk key that opens case {id}'s report");
    }
    super::triage::seal_if_new(&client, &saved.token, &identity, &state, &mut case).await;
    let named = vouched_files(&case, &state)?;
    let received: HashMap<String, bool> = (client.attachments(&saved.token, id).await?)
        .into_iter()
        .map(|a| (a.id, a.complete))
        .collect();
    if let Some(dir) = out {
        private_dir(dir)?;
    }
    let mut listed = Vec::new();
    let mut failed = 0;
    for (index, file) in named.iter().enumerate() {
        let state = received.get(&file.entry.id).copied();
        let saved_to = match out {
            Some(dir) if state == Some(true) && file.vouched_for() => {
                let path = dir.join(file_name(index + 1, &file.entry));
                let route = format!("/api/v1/desk/attachments/{}", file.entry.id);
                match save(&client, &saved.token, &route, &file.entry, &path).await {
                    Ok(()) => Some(Ok(path)),
                    Err(e) => {
                        failed += 1;
                        Some(Err(e))
                    }
                }
            }
            _ => None,
        };
        listed.push((index + 1, file, state, saved_to));
    }
    match json {
        true => print_json(&listed),
        false => print_list(&listed, out.is_some()),
    }
    match failed {
        0 => Ok(()),
        n => Err(anyhow::anyhow!(
            "{n} file(s) could not be saved (see above)"
        )),
    }
}

/// The files the case names, once its seal vouches for the report (`OpenCase::vouched_attachments`).
pub(super) fn vouched_files(
    case: &OpenCase,
    state: &DeskState,
) -> anyhow::Result<Vec<NamedAttachment>> {
    case.vouched_attachments(state).map_err(|e| {
        anyhow::anyhow!(
            "the files case {} names cannot be taken as the reporter's: {e}",
            case.view.id
        )
    })
}

/// Makes `dir` (0700) if it is missing.
pub(super) fn private_dir(dir: &Path) -> anyhow::Result<()> {
    std::fs::DirBuilder::new()
        .recursive(true)
        .mode(0o700)
        .create(dir)
        .map_err(|e| anyhow::anyhow!("cannot make {}: {e}", dir.display()))
}

type Listed<'a> = (
    usize,
    &'a NamedAttachment,
    Option<bool>,
    Option<anyhow::Result<PathBuf>>,
);

/// `N-name` with the name the reporter kept, or `N` and an extension for the media type. The
/// manifest's checks leave no path, drive or control character in a name; a long one is cut
/// (its extension kept) so that the whole name fits the file system's 255 bytes.
pub(super) fn file_name(number: usize, entry: &ManifestEntry) -> String {
    let original = if entry.original { "original-" } else { "" };
    match &entry.name {
        Some(name) => {
            let prefix = format!("{number}-{original}");
            format!("{prefix}{}", fit(name, 255 - prefix.len()))
        }
        None => {
            let extension = entry.media_type.rsplit('/').next().unwrap_or("bin");
            let extension: String = extension
                .chars()
                .filter(char::is_ascii_alphanumeric)
                .take(8)
                .collect();
            format!("{number}-{original}attachment.{extension}")
        }
    }
}

/// `name` cut to at most `room` bytes at a character boundary, its extension (up to 16 bytes)
/// kept.
fn fit(name: &str, room: usize) -> String {
    if name.len() <= room {
        return name.to_owned();
    }
    let extension = match name.rfind('.') {
        Some(dot) if name.len() - dot <= 16 => &name[dot..],
        _ => "",
    };
    let stem = &name[..name.len() - extension.len()];
    let mut cut = room.saturating_sub(extension.len()).min(stem.len());
    while !stem.is_char_boundary(cut) {
        cut -= 1;
    }
    format!("{}{extension}", &stem[..cut])
}

/// Downloads, decrypts and checks one file into a new 0600 file beside `path`, renamed to
/// `path` only once whole and checked; never over an existing file.
pub(super) async fn save(
    client: &ApiClient,
    token: &str,
    route: &str,
    entry: &ManifestEntry,
    path: &Path,
) -> anyhow::Result<()> {
    if path.exists() {
        anyhow::bail!("{} exists already: choose another --out", path.display());
    }
    let dir = path.parent().unwrap_or(Path::new("."));
    let mut partial = tempfile::Builder::new()
        .prefix(".resguardo-")
        .suffix(".partial")
        .tempfile_in(dir)?;
    fetch(client, token, route, entry, partial.as_file_mut()).await?;
    partial.as_file().sync_all()?;
    partial
        .persist_noclobber(path)
        .map_err(|e| anyhow::anyhow!("cannot keep {}: {}", path.display(), e.error))?;
    Ok(())
}

fn received_word(state: Option<bool>) -> &'static str {
    match state {
        Some(true) => "received",
        Some(false) => "upload not finished",
        None => "not received",
    }
}

fn print_list(listed: &[Listed<'_>], saving: bool) {
    if listed.is_empty() {
        println!("The case names no files.");
    }
    for (number, file, state, saved_to) in listed {
        let e = &file.entry;
        let from = match &file.message_day {
            None => "the report".to_owned(),
            Some(day) => format!(
                "a message of {}{}",
                shown(day),
                authenticity_label(file.authenticity.as_ref())
            ),
        };
        let cleaned = match (e.cleaned, e.original) {
            (_, true) => "the untouched original, kept as evidence",
            (true, false) => "cleaned of its metadata on the reporter's device",
            (false, false) => "sent as it was: it may reveal where and on what device it was made",
        };
        println!(
            "{number}. {} — {}, {} bytes, from {from}; {cleaned}; {}",
            shown(e.name.as_deref().unwrap_or("(no name)")),
            shown(&e.media_type),
            e.size,
            received_word(*state),
        );
        if let Some(orientation) = e.orientation.filter(|o| *o != 1) {
            println!("   shown upright with EXIF orientation {orientation}");
        }
        match saved_to {
            Some(Ok(path)) => println!("   saved, SHA-256 checked: {}", path.display()),
            Some(Err(error)) => println!("   NOT saved: {}", shown(&format!("{error:#}"))),
            None if saving && !file.vouched_for() => {
                println!("   not saved: the message that names it is not signed by the reporter")
            }
            None => {}
        }
    }
}

fn print_json(listed: &[Listed<'_>]) {
    let list: Vec<_> = listed
        .iter()
        .map(|(number, file, state, saved_to)| {
            let e = &file.entry;
            json!({
                "number": number, "id": e.id, "name": e.name, "type": e.media_type,
                "size": e.size, "sha256": e.sha256, "orientation": e.orientation,
                "cleaned": e.cleaned, "original": e.original, "message_day": file.message_day,
                "authenticity": file.authenticity.as_ref().map(Authenticity::as_str),
                "received": received_word(*state),
                "saved": saved_to.as_ref().and_then(|s| s.as_ref().ok()),
                "error": saved_to.as_ref().and_then(|s| s.as_ref().err()).map(|e| format!("{e:#}")),
            })
        })
        .collect();
    super::print_json(&json!(list));
}

#[cfg(test)]
mod tests {
    #[test]
    fn long_names_are_cut_to_fit_with_their_extension() {
        let name = format!("{}.jpeg", "ñ".repeat(126));
        let cut = super::fit(&name, 243);
        assert!(cut.len() <= 243 && cut.ends_with(".jpeg"), "{cut}");
        assert_eq!(super::fit("a.jpg", 243), "a.jpg");
    }
}
