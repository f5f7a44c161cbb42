//! A case worker's triage on the device: decrypting a case with the desk identities the worker's
//! grants unlock, and encrypting notes (to the desk key) and replies (to the reporter's reply key
//! and the desk key) before they are sent.

use zeroize::Zeroizing;

use super::report_form::{message_plaintext, message_text};
use super::{ApiClient, ClientError};
use crate::crypto::seal;
use crate::domain::{b64_decode, Recipient};
use crate::server::routes::cases::DeskCaseView;

/// A decrypted thread entry.
pub struct Readable {
    pub author: String,
    pub day: String,
    /// `None` when no key at hand opens it.
    pub text: Option<Zeroizing<String>>,
}

/// A case, decrypted here.
pub struct OpenCase {
    pub view: DeskCaseView,
    /// The report's plaintext JSON, if a desk identity opens it.
    pub report: Option<Zeroizing<Vec<u8>>>,
    pub messages: Vec<Readable>,
    pub notes: Vec<Readable>,
    /// The case's referrals, in the order of `view.referrals`.
    pub referrals: Vec<OpenReferral>,
}

/// A referral of the case, decrypted here.
pub struct OpenReferral {
    /// What was sent to the partner (padding removed); `None` once expired or unreadable.
    pub document: Option<serde_json::Value>,
    /// Why consent was overridden, if it was.
    pub override_reason: Option<Zeroizing<String>>,
    /// The partner's answers, in the shape the partner's own client shows them.
    pub updates: Vec<crate::client::partner::ReadableUpdate>,
}

impl OpenCase {
    /// The reporter's reply recipient, once the server's copy is found equal to the `reply_to`
    /// sealed inside the report: a server that swapped it would otherwise read every reply.
    pub fn reply_recipient(&self) -> Result<Recipient, ClientError> {
        let report = self.report.as_ref().ok_or_else(|| {
            ClientError::Usage(
                "no desk key on this device opens the report, so its reply key cannot be checked"
                    .into(),
            )
        })?;
        let doc: serde_json::Value =
            serde_json::from_slice(report).map_err(|_| ClientError::Unexpected(200))?;
        let sealed = doc.get("reply_to").and_then(serde_json::Value::as_str);
        if sealed != Some(self.view.reply_recipient.as_str()) {
            return Err(ClientError::Untrusted(format!(
                "the reply key the server lists for case {} is not the one inside the report; \
                 nothing was encrypted to it. Tell your supervisor.",
                self.view.id
            )));
        }
        Recipient::parse(&self.view.reply_recipient).map_err(|_| ClientError::Unexpected(200))
    }
}

/// Opens `b64` with the first of `identities` that can.
pub(super) fn open_any(
    identities: &[(i64, age::x25519::Identity)],
    b64: &str,
) -> Option<Zeroizing<Vec<u8>>> {
    let bytes = b64_decode(b64)?;
    identities
        .iter()
        .find_map(|(_, id)| seal::open(id, &bytes).ok())
}

/// Fetches a case and decrypts what the given desk identities open.
pub async fn open_case(
    client: &ApiClient,
    token: &str,
    identities: &[(i64, age::x25519::Identity)],
    id: &str,
) -> Result<OpenCase, ClientError> {
    let view = client.case(token, id).await?;
    let readable = |entries: &[crate::server::routes::cases::EntryView]| {
        entries
            .iter()
            .map(|e| Readable {
                author: e.author.clone(),
                day: e.day.clone(),
                text: open_any(identities, &e.ciphertext).and_then(|p| message_text(&p)),
            })
            .collect()
    };
    let referrals = view
        .referrals
        .iter()
        .map(|r| OpenReferral {
            document: r
                .ciphertext
                .as_deref()
                .and_then(|c| open_any(identities, c))
                .and_then(|p| serde_json::from_slice::<serde_json::Value>(&p).ok())
                .map(|mut doc| {
                    if let Some(map) = doc.as_object_mut() {
                        map.remove("pad");
                    }
                    doc
                }),
            override_reason: r
                .override_reason
                .as_deref()
                .and_then(|c| open_any(identities, c))
                .and_then(|p| message_text(&p)),
            updates: r
                .updates
                .iter()
                .map(|u| crate::client::partner::ReadableUpdate {
                    status: u.status,
                    day: u.day.clone(),
                    text: u
                        .ciphertext
                        .as_deref()
                        .and_then(|c| open_any(identities, c))
                        .and_then(|p| message_text(&p)),
                })
                .collect(),
        })
        .collect();
    Ok(OpenCase {
        report: open_any(identities, &view.ciphertext),
        messages: readable(&view.messages),
        notes: readable(&view.notes),
        referrals,
        view,
    })
}

fn usage(e: impl std::fmt::Display) -> ClientError {
    ClientError::Usage(e.to_string())
}

/// Writes a note only the desk can read.
pub async fn note(
    client: &ApiClient,
    token: &str,
    id: &str,
    desk: &Recipient,
    text: &str,
) -> Result<(), ClientError> {
    let sealed = seal::seal(&[desk.age()], &message_plaintext(text)).map_err(usage)?;
    client.add_entry(token, id, "notes", &sealed).await
}

/// Replies to the reporter; the desk can read the reply too.
pub async fn reply(
    client: &ApiClient,
    token: &str,
    case: &OpenCase,
    desk: &Recipient,
    text: &str,
) -> Result<(), ClientError> {
    let reporter = case.reply_recipient()?;
    let sealed =
        seal::seal(&[reporter.age(), desk.age()], &message_plaintext(text)).map_err(usage)?;
    client
        .add_entry(token, &case.view.id, "replies", &sealed)
        .await
}
