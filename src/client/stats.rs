//! The cases a desk's published statistics count (docs/codebook.md): every report this device
//! opens whose reporter consented, with the day it arrived; spam left out, so that made-up
//! reports a desk has marked do not move the counts. Counting and suppressing is
//! `protocol::stats`; this file fetches and decrypts.

use std::collections::HashMap;

use super::triage::each_report;
use super::{ApiClient, ClientError};
use crate::domain::{Role, Status};
use crate::protocol::grants::DeskKeys;
use crate::protocol::stats::CountedCase;

/// The desk's consenting cases, decrypted here (supervisors: the server cannot tell what a
/// device counts, so this refuses other accounts itself).
pub async fn consented_cases(
    client: &ApiClient,
    token: &str,
    keys: &DeskKeys,
) -> Result<Vec<CountedCase>, ClientError> {
    if client.whoami(token).await?.role != Role::Supervisor {
        return Err(ClientError::Usage(
            "statistics are a supervisor's to publish: ask a supervisor of the desk".into(),
        ));
    }
    let days: HashMap<String, String> = (client.inbox(token, None, false).await?)
        .into_iter()
        .filter(|c| c.status != Status::Spam)
        .map(|c| (c.id, c.created))
        .collect();
    let mut cases = vec![];
    each_report(client, token, &keys.identities, |id, opened| {
        let counted = days
            .get(&id)
            .zip(opened)
            .and_then(|(day, plain)| CountedCase::consented(day, plain));
        cases.extend(counted);
    })
    .await?;
    Ok(cases)
}
