//! The reporter's side of the protocol: everything that happens on the reporter's device before a
//! byte leaves it (design §4.1–4.2). Used by `resguardo report …` and by the tests.

use zeroize::Zeroizing;

use super::{ApiClient, ClientError};
use crate::crypto::pow::Challenge;
use crate::crypto::receipt::{ReceiptKeys, ReceiptPhrase};
use crate::crypto::seal;
use crate::domain::{b64_decode, b64_encode, Author, DeskSlug, Fingerprint, Recipient};
use crate::protocol::attachments::ManifestEntry;
use crate::protocol::desks::AttachmentLimits;
use crate::protocol::followup::{FollowupMessage, FollowupRequest};
use crate::protocol::message::{message_with_attachments, open_message, REPORTER};
use crate::protocol::report::{Binding, FormLanguage, ReportForm};
use crate::protocol::reports::{PowSolution, ReceiptIn, ReportEnvelope};

/// A submitted report: its id, the phrase to come back with, and the fingerprint of the desk key
/// it was encrypted to (computed here, not taken from the server).
pub struct Submitted {
    pub id: String,
    pub phrase: ReceiptPhrase,
    pub desk_fingerprint: Fingerprint,
    /// What the phrase derives, for uploading the report's attachments without deriving again.
    pub keys: ReceiptKeys,
}

/// What a reporter's device checks the desk's key against before it encrypts to it.
#[derive(Debug, Clone, Copy)]
pub enum DeskPin<'a> {
    /// The desk key's number (§9), as the desk publishes it; it changes when the key rotates.
    Key(&'a str),
    /// The desk root's safety number (§9.1): the device verifies the desk's public chain from it
    /// (§10.8) and encrypts only to the newest key the chain signs, across rotations.
    Root(&'a str),
}

/// Fetches a desk's key. With a pin, refuses a key the pin does not vouch for: whoever runs or
/// seizes the server could otherwise hand out a key of their own.
pub async fn desk_key(
    client: &ApiClient,
    desk_slug: &str,
    pin: Option<DeskPin<'_>>,
) -> Result<Recipient, ClientError> {
    if let Some(DeskPin::Root(root)) = pin {
        let root = Fingerprint::parse_typed(root).ok_or_else(|| {
            ClientError::Usage(format!(
                "{root:?} is not a desk root safety number (eight groups of four letters and \
                 digits, as the desk publishes it)"
            ))
        })?;
        let slug = DeskSlug::parse(desk_slug).map_err(|e| ClientError::Usage(e.to_string()))?;
        let (_, key) = super::trust::public_desk_key(client, &slug, &root).await?;
        return Ok(key);
    }
    let desk = client.desk(desk_slug).await?;
    let key = Recipient::parse(&desk.recipient).map_err(|_| ClientError::Unexpected(200))?;
    let actual = key.fingerprint();
    if let Some(DeskPin::Key(expected)) = pin {
        if !actual.matches_typed(expected) {
            return Err(ClientError::Usage(format!(
                "the desk's key has fingerprint {actual}, not the expected {expected}; refusing to encrypt to it"
            )));
        }
    }
    Ok(key)
}

/// Derives the receipt keys off the async threads: Argon2id takes a noticeable moment.
pub async fn derive(phrase: &ReceiptPhrase) -> ReceiptKeys {
    let norm = Zeroizing::new(phrase.expose().to_owned());
    let derived =
        tokio::task::spawn_blocking(move || ReceiptPhrase::parse(&norm).map(|p| p.derive())).await;
    match derived {
        Ok(Ok(keys)) => keys,
        // Parsing a normalised, already-parsed phrase cannot fail; deriving inline is the fallback.
        _ => phrase.derive(),
    }
}

/// Fetches a challenge and solves it, reporting progress as a fraction of the expected work.
pub async fn solve_pow(
    client: &ApiClient,
    progress: impl Fn(f64) + Send + 'static,
) -> Result<PowSolution, ClientError> {
    let issued = client.pow().await?;
    let bytes = b64_decode(&issued.challenge).ok_or(ClientError::Unexpected(200))?;
    let challenge =
        Challenge::parse_unverified(&bytes).map_err(|_| ClientError::Unexpected(200))?;
    let expected = 2f64.powi(i32::from(challenge.difficulty()));
    let nonce = tokio::task::spawn_blocking(move || {
        let nonce = challenge.solve(|tries| progress((tries as f64 / expected).min(0.99)));
        progress(1.0);
        nonce
    })
    .await
    .map_err(|e| ClientError::Usage(format!("proof-of-work interrupted: {e}")))?;
    Ok(PowSolution {
        challenge: issued.challenge,
        nonce,
    })
}

/// Encrypts `form` to the desk's key, solves the proof-of-work and submits.
pub async fn submit<'a>(
    client: &ApiClient,
    desk_slug: &str,
    form: &ReportForm,
    lang: impl Into<FormLanguage<'a>>,
    pin: Option<DeskPin<'_>>,
    progress: impl Fn(f64) + Send + 'static,
) -> Result<Submitted, ClientError> {
    submit_with(client, desk_slug, form, lang, pin, &[], progress).await
}

/// `submit`, with the report naming the files attached to it (docs/protocol.md §12), whose
/// uploads begin once the report is stored (`client::attachments`).
pub async fn submit_with<'a>(
    client: &ApiClient,
    desk_slug: &str,
    form: &ReportForm,
    lang: impl Into<FormLanguage<'a>>,
    pin: Option<DeskPin<'_>>,
    attachments: &[ManifestEntry],
    progress: impl Fn(f64) + Send + 'static,
) -> Result<Submitted, ClientError> {
    form.check()
        .map_err(|e| ClientError::Usage(e.to_string()))?;
    let desk_key = desk_key(client, desk_slug, pin).await?;
    let lang = lang.into();
    let phrase = ReceiptPhrase::generate(lang.words);
    let keys = derive(&phrase).await;
    let reply_recipient = keys.reply_recipient().to_string();
    let binding = Binding {
        reply_to: &reply_recipient,
        reporter_key: &keys.reporter_public(),
        reply_mac_key: &keys.reply_mac_key,
    };
    let plain = form.to_plaintext_with(lang, &binding, attachments);
    let ciphertext =
        seal::seal(&[desk_key.age()], &plain).map_err(|e| ClientError::Usage(e.to_string()))?;
    let pow = solve_pow(client, progress).await?;
    let envelope = ReportEnvelope {
        ciphertext: b64_encode(&ciphertext),
        receipt: ReceiptIn {
            lookup: b64_encode(&keys.lookup.0),
            verifier: b64_encode(&keys.auth.verifier().0),
        },
        reply_recipient,
        pow,
    };
    let created = client.submit(desk_slug, &envelope).await?;
    Ok(Submitted {
        id: created.id,
        phrase,
        desk_fingerprint: desk_key.fingerprint(),
        keys,
    })
}

/// One message of a thread as the reporter sees it.
pub struct ThreadMessage {
    pub author: Author,
    pub day: String,
    /// `None` when the message is not readable with the reply key (e.g. sealed to the desk only).
    pub text: Option<Zeroizing<String>>,
    /// For a message the server lists as the desk's: whether it carries the tag of the reply MAC
    /// key this phrase derives (protocol.md §2), which only the desk could make. `false` means the
    /// server, or a desk from before tags, may have written it. `None` for the reporter's own.
    pub from_desk_verified: Option<bool>,
}

/// A case as the reporter sees it.
pub struct Case {
    pub desk: String,
    pub status: crate::domain::Status,
    pub created: String,
    pub updated: String,
    pub messages: Vec<ThreadMessage>,
}

fn request(keys: &ReceiptKeys) -> FollowupRequest {
    FollowupRequest {
        lookup: b64_encode(&keys.lookup.0),
        auth: b64_encode(keys.auth.expose()),
    }
}

/// Fetches the case a phrase unlocks and decrypts what the reply key can read.
pub async fn followup(client: &ApiClient, keys: &ReceiptKeys) -> Result<Case, ClientError> {
    let view = client.followup(&request(keys)).await?;
    let messages = view
        .messages
        .into_iter()
        .map(|m| {
            let message = b64_decode(&m.ciphertext)
                .and_then(|c| seal::open(&keys.reply_identity, &c).ok())
                .and_then(|plain| open_message(&plain));
            let from_desk_verified = (m.author == Author::Desk).then(|| {
                message
                    .as_ref()
                    .is_some_and(|msg| msg.tagged_for(&keys.reply_mac_key))
            });
            ThreadMessage {
                author: m.author,
                day: m.day,
                text: message.map(|msg| msg.text),
                from_desk_verified,
            }
        })
        .collect();
    Ok(Case {
        desk: view.desk,
        status: view.status,
        created: view.created,
        updated: view.updated,
        messages,
    })
}

/// Sends a message signed with the reporter key (protocol.md §2), encrypted to the desk and to the
/// reporter's own reply key (so it can be read back).
pub async fn send_message(
    client: &ApiClient,
    keys: &ReceiptKeys,
    desk_slug: &str,
    pin: Option<DeskPin<'_>>,
    text: &str,
) -> Result<(), ClientError> {
    send_message_with(client, keys, desk_slug, pin, text, &[]).await
}

/// `send_message`, announcing files (a `resguardo.message.v3`, signed over their manifest too)
/// whose uploads the device has reserved already.
pub async fn send_message_with(
    client: &ApiClient,
    keys: &ReceiptKeys,
    desk_slug: &str,
    pin: Option<DeskPin<'_>>,
    text: &str,
    attachments: &[ManifestEntry],
) -> Result<(), ClientError> {
    if text.trim().is_empty() {
        return Err(ClientError::Usage("the message is empty".into()));
    }
    let desk_key = desk_key(client, desk_slug, pin).await?;
    let reply_key = keys.reply_recipient();
    let plain = message_with_attachments(text, REPORTER, &keys.reporter_key, attachments);
    let ciphertext = seal::seal(&[desk_key.age(), &reply_key], &plain)
        .map_err(|e| ClientError::Usage(e.to_string()))?;
    let FollowupRequest { lookup, auth } = request(keys);
    client
        .add_message(&FollowupMessage {
            lookup,
            auth,
            ciphertext: b64_encode(&ciphertext),
        })
        .await?;
    Ok(())
}

/// What a report may carry in attachments, as the desk's server publishes it; `None` for a
/// server from before attachments.
pub async fn attachment_limits(
    client: &ApiClient,
    desk_slug: &str,
) -> Result<Option<AttachmentLimits>, ClientError> {
    Ok(client.desk(desk_slug).await?.attachments)
}
