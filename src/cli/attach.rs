//! `resguardo report … --attach FILE`: files a reporter attaches, in the reporter's language.
//! Pictures are cleaned of their metadata here (`protocol::evidence::strip`); a file that cannot
//! be cleaned is sent only if the reporter agrees, asked at a terminal or said with
//! `--send-as-is`, so that nothing revealing leaves the device by default. Every file is checked
//! against the desk's published limits before anything is encrypted or sent.

use std::io::{IsTerminal, Read};
use std::path::{Path, PathBuf};

use anyhow::Context;

use super::terminal::{ask, progress};
use super::AttachArgs;
use crate::client::attachments::{self, Prepared, Reserved};
use crate::client::{reporter, ApiClient};
use crate::crypto::receipt::ReceiptKeys;
use crate::protocol::attachments::{name_allowed, Described, ManifestEntry};
use crate::protocol::evidence::{self, bucket, Stripped};
use crate::texts::Texts;

/// A file as it will be encrypted: its bytes in memory (a cleaned picture, or an original kept
/// beside it) or still on disk (a file sent as it is, streamed), and what the manifest says.
struct Gathered {
    source: Source,
    described: Described,
    /// For the messages: the file's name as the reporter typed it.
    shown: String,
}

enum Source {
    Memory(zeroize::Zeroizing<Vec<u8>>),
    Disk(PathBuf, u64),
}

impl Gathered {
    fn len(&self) -> u64 {
        match &self.source {
            Source::Memory(bytes) => bytes.len() as u64,
            Source::Disk(_, len) => *len,
        }
    }
}

/// Reads and cleans every file, asking about those that cannot be cleaned. Nothing is sent.
fn gather(t: &Texts, args: &AttachArgs) -> anyhow::Result<Vec<Gathered>> {
    let mut gathered = Vec::new();
    for path in &args.files {
        let shown = path.display().to_string();
        let name = kept_name(path).filter(|_| args.keep_names);
        let cannot_read = || format!("cannot read {shown}");
        let mut head = Vec::with_capacity(16);
        let file = std::fs::File::open(path).with_context(cannot_read)?;
        let len = file.metadata().with_context(cannot_read)?.len();
        file.take(16)
            .read_to_end(&mut head)
            .with_context(cannot_read)?;
        if !looks_like_a_picture(&head) {
            if !send_as_is(t, &shown, args.send_as_is)? {
                continue;
            }
            gathered.push(as_is(path, len, &head, name, shown));
            continue;
        }
        let bytes = zeroize::Zeroizing::new(std::fs::read(path).with_context(cannot_read)?);
        match evidence::strip(&bytes) {
            Ok(stripped) => {
                eprintln!("{}", t.attach.cleaned.replace("{file}", &shown));
                let original = args.keep_original.then(|| Gathered {
                    source: Source::Memory(bytes.clone()),
                    described: Described {
                        media_type: stripped.media_type.to_owned(),
                        name: name.clone(),
                        orientation: None,
                        cleaned: false,
                        original: true,
                    },
                    shown: shown.clone(),
                });
                gathered.push(cleaned(stripped, name, shown));
                gathered.extend(original);
            }
            Err(_) if send_as_is(t, &shown, args.send_as_is)? => {
                gathered.push(as_is(path, len, &head, name, shown));
            }
            Err(_) => {}
        }
    }
    Ok(gathered)
}

/// Whether the file starts as a JPEG, PNG or WebP does, the pictures `evidence::strip` cleans.
fn looks_like_a_picture(head: &[u8]) -> bool {
    head.starts_with(&[0xFF, 0xD8, 0xFF])
        || head.starts_with(b"\x89PNG\r\n\x1a\n")
        || (head.starts_with(b"RIFF") && head.get(8..12) == Some(b"WEBP"))
}

fn cleaned(stripped: Stripped, name: Option<String>, shown: String) -> Gathered {
    Gathered {
        described: Described {
            media_type: stripped.media_type.to_owned(),
            name,
            orientation: stripped.orientation,
            cleaned: true,
            original: false,
        },
        source: Source::Memory(zeroize::Zeroizing::new(stripped.bytes)),
        shown,
    }
}

fn as_is(path: &Path, len: u64, head: &[u8], name: Option<String>, shown: String) -> Gathered {
    Gathered {
        source: Source::Disk(path.to_owned(), len),
        described: Described {
            media_type: evidence::media_type_of(head).to_owned(),
            name,
            orientation: None,
            cleaned: false,
            original: false,
        },
        shown,
    }
}

/// The file's own name, if the manifest can carry it.
fn kept_name(path: &Path) -> Option<String> {
    let name = path.file_name()?.to_str()?;
    name_allowed(name).then(|| name.to_owned())
}

/// Whether a file that cannot be cleaned is sent: says what it may reveal, then asks at a
/// terminal; elsewhere only `--send-as-is` sends it, and without it nothing is sent at all.
fn send_as_is(t: &Texts, shown: &str, flag: bool) -> anyhow::Result<bool> {
    eprintln!("{}", t.attach.uncleanable.replace("{file}", shown));
    if flag {
        return Ok(true);
    }
    if !std::io::stdin().is_terminal() {
        anyhow::bail!("{}", t.attach.as_is_flag.replace("{file}", shown));
    }
    let answer = ask(&format!("{} ({}/{})", t.attach.ask_as_is, t.yes, t.no))?;
    let answer = answer.trim().to_lowercase();
    let yes = t.yes.to_lowercase();
    Ok(!answer.is_empty() && (answer == yes || yes.starts_with(&answer)))
}

/// The files, gathered and checked against the desk's limits, then encrypted each to a key of its
/// own. Refused in the reporter's words before anything is encrypted when they are too many or
/// too large together.
pub async fn prepare(
    t: &Texts,
    client: &ApiClient,
    desk: &str,
    args: &AttachArgs,
) -> anyhow::Result<Vec<(Prepared, String)>> {
    if args.files.is_empty() {
        return Ok(Vec::new());
    }
    let limits = reporter::attachment_limits(client, desk).await?;
    let too_large = |max_bytes: u64| {
        // What the reporter's files may weigh, before padding (the bucket adds up to an eighth).
        let mib = (max_bytes * 8 / 9) / (1024 * 1024);
        anyhow::anyhow!("{}", t.attach.too_large.replace("{mib}", &mib.to_string()))
    };
    // No file larger than the whole allowance is read into memory to be cleaned.
    for path in &args.files {
        let cannot_read = || format!("cannot read {}", path.display());
        let metadata = std::fs::metadata(path).with_context(cannot_read)?;
        if !metadata.is_file() {
            anyhow::bail!("{} is not a file", path.display());
        }
        if limits.is_some_and(|l| bucket(metadata.len()) > l.max_bytes) {
            return Err(too_large(limits.map_or(0, |l| l.max_bytes)));
        }
    }
    let gathered = gather(t, args)?;
    if let Some(limits) = limits {
        let buckets: u64 = gathered.iter().map(|g| bucket(g.len())).sum();
        if gathered.len() as u64 > limits.max_files {
            anyhow::bail!(
                "{}",
                t.attach
                    .too_many
                    .replace("{n}", &limits.max_files.to_string())
            );
        }
        if buckets > limits.max_bytes {
            return Err(too_large(limits.max_bytes));
        }
    }
    let mut prepared = Vec::new();
    for file in gathered {
        let sealed = match file.source {
            Source::Memory(bytes) => attachments::prepare(&bytes[..], file.described),
            Source::Disk(path, _) => {
                let reader = std::fs::File::open(&path)
                    .with_context(|| format!("cannot read {}", path.display()))?;
                attachments::prepare(std::io::BufReader::new(reader), file.described)
            }
        };
        let sealed = sealed.with_context(|| format!("cannot encrypt {}", file.shown))?;
        prepared.push((sealed, file.shown));
    }
    Ok(prepared)
}

/// The manifest entries of prepared files, for the report or message that names them.
pub fn entries(prepared: &[(Prepared, String)]) -> Vec<ManifestEntry> {
    prepared.iter().map(|(p, _)| p.entry.clone()).collect()
}

/// The files as the reporter named them on the command line.
pub fn names(prepared: &[(Prepared, String)]) -> Vec<String> {
    prepared.iter().map(|(_, shown)| shown.clone()).collect()
}

/// Reserves every upload (each is checked against the report's limits and the server's quota
/// before a byte is sent).
pub async fn reserve(
    client: &ApiClient,
    keys: &ReceiptKeys,
    prepared: Vec<(Prepared, String)>,
) -> Result<Vec<(Reserved, String)>, crate::client::ClientError> {
    let mut reserved = Vec::new();
    for (file, shown) in prepared {
        reserved.push((attachments::reserve(client, keys, file).await?, shown));
    }
    Ok(reserved)
}

/// Sends every reserved upload, showing progress; a file that cannot be sent is named in the
/// reporter's words and the others still go. Returns the names of those not sent.
pub async fn send(t: &Texts, client: &ApiClient, reserved: Vec<(Reserved, String)>) -> Vec<String> {
    let mut not_sent = Vec::new();
    for (upload, shown) in reserved {
        let shown_progress = progress(&t.attach.sending.replace("{file}", &shown));
        let sent = move |done: u64, total: u64| shown_progress(done as f64 / total.max(1) as f64);
        if let Err(error) = attachments::send(client, upload, &sent).await {
            eprintln!("{} ({error})", t.attach.not_sent.replace("{file}", &shown));
            not_sent.push(shown);
        }
    }
    not_sent
}
