//! A case worker's triage against the server: fetching a case and opening it on this device, storing
//! a new case seal, and sending notes and replies. What is decrypted, checked and encrypted, and
//! how, is `protocol::case`; this file only carries it to and from the server.

use super::{ApiClient, ClientError};
use crate::crypto::chain::DeskState;
use crate::protocol::case::{open_any, seal_note, CaseError, OpenCase, Seal};
use crate::protocol::cases::{CaseSummaryView, ContentsPage};
use crate::protocol::search::{words, ReportFacts};

impl ApiClient {
    /// One page of the desk's report ciphertexts, after the case `after` (the first without one).
    pub async fn contents(
        &self,
        token: &str,
        after: Option<&str>,
    ) -> Result<ContentsPage, ClientError> {
        let path = match after {
            Some(id) => {
                let id: String = url::form_urlencoded::byte_serialize(id.as_bytes()).collect();
                format!("/api/v1/desk/contents?after={id}")
            }
            None => "/api/v1/desk/contents".to_owned(),
        };
        self.get_as(token, &path).await
    }
}

/// A case of the inbox with what its decrypted report says; `facts` is `None` when no desk
/// identity at hand opens the report.
pub struct FoundCase {
    pub summary: CaseSummaryView,
    pub facts: Option<ReportFacts>,
}

/// Calls `each` with the id of every case of the desk and its report decrypted with
/// `identities`, or `None` where none opens it: the desk's report ciphertexts fetched page by
/// page (`GET /api/v1/desk/contents`, each page audited as `cases.read`).
pub async fn each_report(
    client: &ApiClient,
    token: &str,
    identities: &[(i64, age::x25519::Identity)],
    mut each: impl FnMut(String, Option<&[u8]>),
) -> Result<(), ClientError> {
    let mut after: Option<String> = None;
    loop {
        let page = client.contents(token, after.as_deref()).await?;
        for case in page.cases {
            let opened = open_any(identities, &case.ciphertext);
            each(case.id, opened.as_deref().map(Vec::as_slice));
        }
        match page.next {
            Some(next) => after = Some(next),
            None => return Ok(()),
        }
    }
}

/// Every case of the desk with its report decrypted on this device, newest change first, and
/// those whose reporter wrote every word of `query` (all of them for an empty query). The server
/// sees the pages fetched, never the query.
pub async fn search(
    client: &ApiClient,
    token: &str,
    identities: &[(i64, age::x25519::Identity)],
    query: &str,
) -> Result<Vec<FoundCase>, ClientError> {
    let inbox = client.inbox(token, None, false).await?;
    let mut facts = std::collections::HashMap::new();
    each_report(client, token, identities, |id, opened| {
        facts.insert(id, opened.and_then(ReportFacts::of));
    })
    .await?;
    Ok(inbox
        .into_iter()
        .map(|summary| {
            let facts = facts.remove(&summary.id).flatten();
            FoundCase { summary, facts }
        })
        .filter(|c| words(query).is_empty() || c.facts.as_ref().is_some_and(|f| f.matches(query)))
        .collect())
}

impl From<CaseError> for ClientError {
    fn from(e: CaseError) -> Self {
        match e {
            CaseError::Malformed => ClientError::Unexpected(200),
            e if e.is_untrusted() => ClientError::Untrusted(e.to_string()),
            e => ClientError::Usage(e.to_string()),
        }
    }
}

/// Fetches a case and decrypts what the given desk identities open.
pub async fn open_case(
    client: &ApiClient,
    token: &str,
    identities: &[(i64, age::x25519::Identity)],
    id: &str,
) -> Result<OpenCase, ClientError> {
    let view = client.case(token, id).await?;
    Ok(OpenCase::open(view, identities))
}

/// Seals the case if it has no seal (`OpenCase::new_seal`) and stores the seal on the server.
pub async fn seal_case(
    client: &ApiClient,
    token: &str,
    own: &age::x25519::Identity,
    state: &DeskState,
    case: &mut OpenCase,
    legacy: bool,
) -> Result<(), ClientError> {
    let Some(new) = case.new_seal(own, state, legacy)? else {
        return Ok(());
    };
    client
        .seal_case(token, &case.view.id, &new.ciphertext)
        .await?;
    case.seal = Seal::Sealed(Box::new(new.seal));
    Ok(())
}

/// Writes a note only the desk can read, signed by `own` (`protocol::case::seal_note`).
pub async fn note(
    client: &ApiClient,
    token: &str,
    id: &str,
    own: &age::x25519::Identity,
    state: &DeskState,
    text: &str,
) -> Result<(), ClientError> {
    let sealed = seal_note(state, own, text)?;
    client.add_entry(token, id, "notes", &sealed).await
}

/// Replies to the reporter (`OpenCase::seal_reply`), sealing the case first if it has no seal and
/// no replies yet.
pub async fn reply(
    client: &ApiClient,
    token: &str,
    own: &age::x25519::Identity,
    state: &DeskState,
    case: &mut OpenCase,
    text: &str,
) -> Result<(), ClientError> {
    seal_case(client, token, own, state, case, false).await?;
    let sealed = case.seal_reply(state, own, text)?;
    client
        .add_entry(token, &case.view.id, "replies", &sealed)
        .await
}
