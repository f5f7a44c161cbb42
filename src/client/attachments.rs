//! Attachments against the server (docs/protocol.md §12). A reporter's device encrypts each file
//! to a key of its own into an unnamed temporary file (`crypto::attachment`), names it in the
//! report or message it sends, reserves its upload with the receipt and sends it in parts,
//! resuming after a dropped connection. A desk or partner device downloads an attachment into an
//! unnamed temporary file and opens it with the key its manifest entry holds.

use std::io::{Read, Seek, SeekFrom, Write};
use std::time::Duration;

use super::{read, ApiClient, ClientError};
use crate::crypto::attachment::{open_file, seal_file, OpenFileError};
use crate::crypto::receipt::ReceiptKeys;
use crate::domain::b64_encode;
use crate::protocol::attachments::{
    part_len, AttachmentView, Described, ManifestEntry, UploadCreated, UploadProgress,
    UploadRequest, PART_BYTES,
};

/// A file encrypted and ready to upload: its manifest entry and its age file.
pub struct Prepared {
    pub entry: ManifestEntry,
    bucket: u64,
    ciphertext: std::fs::File,
    len: u64,
}

/// Encrypts `file` to a fresh key under a fresh random id. The age file goes to an unnamed
/// temporary file, which disappears with the process whatever happens.
pub fn prepare(file: impl Read, described: Described) -> std::io::Result<Prepared> {
    let mut ciphertext = tempfile::tempfile()?;
    let sealed = seal_file(file, std::io::BufWriter::new(&mut ciphertext))?;
    let len = ciphertext.seek(SeekFrom::End(0))?;
    let id: [u8; 16] = rand::random();
    Ok(Prepared {
        entry: ManifestEntry::of(&id, &sealed, described),
        bucket: sealed.bucket,
        ciphertext,
        len,
    })
}

impl Prepared {
    /// The length the file was padded to, which the desk's limits count.
    pub fn bucket(&self) -> u64 {
        self.bucket
    }

    /// The age file's length: what the upload sends.
    pub fn ciphertext_len(&self) -> u64 {
        self.len
    }

    fn part(&mut self, part: u64) -> std::io::Result<Vec<u8>> {
        let len = part_len(self.len, part).unwrap_or(0);
        let mut bytes = vec![0; usize::try_from(len).unwrap_or(0)];
        self.ciphertext.seek(SeekFrom::Start(part * PART_BYTES))?;
        self.ciphertext.read_exact(&mut bytes)?;
        Ok(bytes)
    }
}

/// An upload reserved on the server: the file, and the token its parts are sent with.
pub struct Reserved {
    prepared: Prepared,
    token: zeroize::Zeroizing<String>,
    progress: UploadProgress,
}

/// How often a step is tried before the upload gives up, and the longest wait between tries.
const TRIES: u32 = 8;
const LONGEST_WAIT: Duration = Duration::from_secs(30);

/// Whether trying again may help: the network, the server's own trouble, a busy upload, a quota.
fn passing(error: &ClientError) -> bool {
    match error {
        ClientError::Unreachable { .. } => true,
        ClientError::Unexpected(status) => *status >= 500,
        ClientError::Refused { status, .. } => {
            *status >= 500 && *status != 507
                || *status == 429
                || error.problem_slug() == Some("upload-busy")
        }
        _ => false,
    }
}

/// Runs `step` until it succeeds, fails for good, or has failed `TRIES` times in passing, waiting
/// longer after each failure.
async fn with_retries<T, F, Fut>(mut step: F) -> Result<T, ClientError>
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = Result<T, ClientError>>,
{
    let mut wait = Duration::from_millis(500);
    let mut tries = 1;
    loop {
        match step().await {
            Err(e) if passing(&e) && tries < TRIES => {
                tokio::time::sleep(wait).await;
                wait = (wait * 2).min(LONGEST_WAIT);
                tries += 1;
            }
            done => return done,
        }
    }
}

impl ApiClient {
    /// `POST /api/v1/followup/attachments`: 201 for a new upload, 200 for one begun again.
    pub async fn begin_upload(
        &self,
        request: &UploadRequest,
    ) -> Result<UploadCreated, ClientError> {
        self.post("/api/v1/followup/attachments", request).await
    }

    /// `GET /api/v1/uploads/{id}`: how far an upload is.
    pub async fn upload_progress(
        &self,
        token: &str,
        id: &str,
    ) -> Result<UploadProgress, ClientError> {
        self.get_as(token, &format!("/api/v1/uploads/{id}")).await
    }

    /// `PUT /api/v1/uploads/{id}/parts/{part}`.
    pub async fn put_part(
        &self,
        token: &str,
        id: &str,
        part: u64,
        bytes: Vec<u8>,
    ) -> Result<UploadProgress, ClientError> {
        let url = format!("{}/api/v1/uploads/{id}/parts/{part}", self.base);
        let request = (self.http.put(&url).bearer_auth(token))
            .header(reqwest::header::CONTENT_TYPE, "application/octet-stream")
            .body(bytes);
        let response = request
            .send()
            .await
            .map_err(|e| self.unreachable(&url, &e))?;
        read(response).await
    }

    /// `GET /api/v1/desk/reports/{id}/attachments`: a case's attachments.
    pub async fn attachments(
        &self,
        token: &str,
        case: &str,
    ) -> Result<Vec<AttachmentView>, ClientError> {
        self.get_as(token, &format!("/api/v1/desk/reports/{case}/attachments"))
            .await
    }

    /// Downloads the age file at `path` into `out`, as it arrives. A large file over Tor takes
    /// longer than the client's usual minute, so the download has an hour.
    pub async fn download(
        &self,
        token: &str,
        path: &str,
        out: &mut impl Write,
    ) -> Result<u64, ClientError> {
        let url = format!("{}{path}", self.base);
        let request = (self.http.get(&url).bearer_auth(token)).timeout(Duration::from_secs(3600));
        let mut response = request
            .send()
            .await
            .map_err(|e| self.unreachable(&url, &e))?;
        if !response.status().is_success() {
            return read::<serde_json::Value>(response).await.map(|_| 0);
        }
        let mut written = 0u64;
        while let Some(chunk) = (response.chunk().await).map_err(|e| self.unreachable(&url, &e))? {
            out.write_all(&chunk)
                .map_err(|e| ClientError::Usage(format!("cannot write the download: {e}")))?;
            written += chunk.len() as u64;
        }
        Ok(written)
    }
}

/// Reserves the upload of `prepared` with the report's receipt (the report's limits and the
/// server's quota are checked here, before a byte is sent). A lost answer is recovered by asking
/// again: the server then hands a new token for the same upload.
pub async fn reserve(
    client: &ApiClient,
    keys: &ReceiptKeys,
    prepared: Prepared,
) -> Result<Reserved, ClientError> {
    let request = UploadRequest {
        id: prepared.entry.id.clone(),
        lookup: b64_encode(&keys.lookup.0),
        auth: b64_encode(keys.auth.expose()),
        bucket: prepared.bucket,
        size: prepared.len,
    };
    let created = with_retries(|| client.begin_upload(&request)).await?;
    Ok(Reserved {
        prepared,
        token: zeroize::Zeroizing::new(created.token),
        progress: created.progress,
    })
}

/// Sends the parts of a reserved upload from where the server's progress says, one at a time;
/// after a failure in passing, waits (longer each time), asks the server how far it got and goes
/// on from there. Gives up after `TRIES` failures in a row with no part acknowledged between
/// them. `sent(done, total)` is told after each part.
pub async fn send(
    client: &ApiClient,
    mut upload: Reserved,
    sent: &(dyn Fn(u64, u64) + Sync),
) -> Result<(), ClientError> {
    let id = upload.prepared.entry.id.clone();
    let token = upload.token.clone();
    let (mut stalled, mut wait) = (0, Duration::from_millis(500));
    while !upload.progress.complete {
        let part = upload.progress.received;
        let bytes = upload
            .prepared
            .part(part)
            .map_err(|e| ClientError::Usage(format!("cannot read the encrypted file: {e}")))?;
        match client.put_part(&token, &id, part, bytes).await {
            // Progress only if the server says the part went in: an answer that moves nothing
            // is counted as a failure, so that no server keeps a device sending for ever.
            Ok(progress) if progress.received > part && progress.received <= progress.parts => {
                upload.progress = progress;
                (stalled, wait) = (0, Duration::from_millis(500));
                sent(upload.progress.received, upload.progress.parts);
            }
            Ok(_) => {
                stalled += 1;
                if stalled >= TRIES {
                    return Err(ClientError::Unexpected(200));
                }
                tokio::time::sleep(wait).await;
                wait = (wait * 2).min(LONGEST_WAIT);
            }
            Err(e) if passing(&e) || e.problem_slug() == Some("part-out-of-order") => {
                stalled += 1;
                if stalled >= TRIES {
                    return Err(e);
                }
                tokio::time::sleep(wait).await;
                wait = (wait * 2).min(LONGEST_WAIT);
                let progress = with_retries(|| client.upload_progress(&token, &id)).await?;
                if progress.received > upload.progress.received {
                    (stalled, wait) = (0, Duration::from_millis(500));
                }
                upload.progress = progress;
            }
            Err(e) => return Err(e),
        }
    }
    Ok(())
}

/// Why a downloaded attachment could not be kept.
#[derive(Debug, thiserror::Error)]
pub enum FetchError {
    #[error(transparent)]
    Server(#[from] ClientError),
    #[error("attachment {id}: {error}")]
    Open { id: String, error: OpenFileError },
    #[error("attachment {id}: {error}")]
    Local { id: String, error: std::io::Error },
}

/// Downloads the attachment `entry` names from `path` (a desk's or a partner's route) and opens
/// it into `out` with the entry's key, checking its length and SHA-256. Bytes reach `out` before
/// the last check: on an error the caller discards it (a temporary file beside the one it
/// keeps, renamed only on success).
pub async fn fetch(
    client: &ApiClient,
    token: &str,
    path: &str,
    entry: &ManifestEntry,
    out: impl Write,
) -> Result<(), FetchError> {
    let local = |error| FetchError::Local {
        id: entry.id.clone(),
        error,
    };
    let opened = |error| FetchError::Open {
        id: entry.id.clone(),
        error,
    };
    // The age file is kept in an unnamed temporary file: it is ciphertext, and the download must
    // be whole before opening it can be checked.
    let mut ciphertext = tempfile::tempfile().map_err(local)?;
    client.download(token, path, &mut ciphertext).await?;
    ciphertext.seek(SeekFrom::Start(0)).map_err(local)?;
    let identity = (entry.identity()).map_err(|_| opened(OpenFileError::WrongKey))?;
    let sha256 = (entry.sha256_bytes()).ok_or(opened(OpenFileError::Digest))?;
    let reader = std::io::BufReader::new(&mut ciphertext);
    open_file(
        reader,
        &identity,
        entry.size,
        &sha256,
        std::io::BufWriter::new(out),
    )
    .map_err(opened)
}
