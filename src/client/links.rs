//! Linked cases from a desk device (docs/protocol.md §11): the tokens of a case this device opened,
//! sent so that the server can say which other cases share them; every case at once, after an
//! upgrade or a key rotation; and, for supervisors, the indicators many cases share, decrypted
//! here for a bank's fraud team. Normalising and computing tokens is `protocol::links`; this file
//! carries tokens to and from the server and maps them back to what they stand for, which never
//! leaves the device.

use std::collections::BTreeMap;

use super::triage::each_report;
use super::{ApiClient, ClientError};
use crate::domain::ReportId;
use crate::protocol::grants::DeskKeys;
use crate::protocol::indicators::{Country, Normalised};
use crate::protocol::links::{
    indicators_of, CaseLinksView, CaseTokens, DeskLinksView, MatchKey, MatchToken,
};

impl ApiClient {
    pub async fn set_case_tokens(
        &self,
        token: &str,
        id: &str,
        tokens: &CaseTokens,
    ) -> Result<CaseLinksView, ClientError> {
        let path = format!("/api/v1/desk/reports/{id}/links");
        self.post_as(token, &path, tokens).await
    }

    pub async fn desk_links(
        &self,
        token: &str,
        min_cases: u32,
    ) -> Result<DeskLinksView, ClientError> {
        let path = format!("/api/v1/desk/links?min_cases={min_cases}");
        self.get_as(token, &path).await
    }
}

/// One indicator of a case and the other cases of the desk that name it too.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Link {
    pub indicator: Normalised,
    pub others: Vec<String>,
}

/// The match key of the desk's current key, which every token is made under.
fn current_key(keys: &DeskKeys) -> Result<(i64, MatchKey), ClientError> {
    let identity = keys.current_identity_or_refuse()?;
    Ok((keys.current.0, MatchKey::of(identity)))
}

/// Stores the tokens of case `id`, whose decrypted report is `plaintext`, and returns each of its
/// indicators with the other cases that name it. `country` is the desk's (`DeskView::country`).
pub async fn link_case(
    client: &ApiClient,
    token: &str,
    keys: &DeskKeys,
    country: Option<Country>,
    id: &str,
    plaintext: &[u8],
) -> Result<Vec<Link>, ClientError> {
    let (version, key) = current_key(keys)?;
    let by_token: BTreeMap<MatchToken, Normalised> = indicators_of(plaintext, country)
        .into_iter()
        .map(|n| (key.token(&n), n))
        .collect();
    let request = CaseTokens {
        key_version: version,
        tokens: by_token.keys().map(|t| t.to_wire()).collect(),
    };
    let view = client.set_case_tokens(token, id, &request).await?;
    // Only the tokens this device sent are named back: a token the server adds is ignored.
    Ok(view
        .links
        .into_iter()
        .filter_map(|link| {
            let indicator = by_token.get(&MatchToken::parse(&link.token)?)?.clone();
            // Ids only, as this device writes them: the list is the server's word.
            let others = (link.reports.iter())
                .filter_map(|r| ReportId::parse(r).ok())
                .map(|r| r.to_string())
                .filter(|r| r != id)
                .collect();
            Some(Link { indicator, others })
        })
        .collect())
}

/// What `link_all` did: cases whose tokens were stored, and cases this device cannot open.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct LinkedAll {
    pub linked: usize,
    pub unreadable: usize,
}

/// Stores the tokens of every case of the desk this device opens, under the current key: after
/// an upgrade that brought linked cases, and after a key rotation (tokens of an older key match
/// nothing new). `progress` is told how many cases are done.
pub async fn link_all(
    client: &ApiClient,
    token: &str,
    keys: &DeskKeys,
    country: Option<Country>,
    mut progress: impl FnMut(usize),
) -> Result<LinkedAll, ClientError> {
    let (version, key) = current_key(keys)?;
    let mut pending: Vec<(String, CaseTokens)> = Vec::new();
    let mut outcome = LinkedAll::default();
    each_report(client, token, &keys.identities, |id, opened| {
        let Some(plaintext) = opened else {
            outcome.unreadable += 1;
            return;
        };
        let tokens = indicators_of(plaintext, country)
            .iter()
            .map(|n| key.token(n).to_wire())
            .collect();
        let tokens = CaseTokens {
            key_version: version,
            tokens,
        };
        pending.push((id, tokens));
    })
    .await?;
    for (id, tokens) in pending {
        client.set_case_tokens(token, &id, &tokens).await?;
        outcome.linked += 1;
        progress(outcome.linked);
    }
    Ok(outcome)
}

/// An indicator that at least the asked number of cases name, with those cases.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SharedIndicator {
    pub indicator: Normalised,
    pub cases: Vec<String>,
}

/// The indicators at least `min_cases` cases of the desk name (supervisors): the server lists
/// the tokens that many cases share (audited as `links.export`); this device decrypts every case,
/// computes its tokens and keeps each listed token with the cases *it* found naming it, so a
/// server that lists cases it made up, or an indicator fewer cases share, adds nothing to the
/// export. Listed tokens the device does not find in `min_cases` cases it opens are counted.
pub async fn shared_indicators(
    client: &ApiClient,
    token: &str,
    keys: &DeskKeys,
    country: Option<Country>,
    min_cases: u32,
) -> Result<(Vec<SharedIndicator>, usize), ClientError> {
    let (_, key) = current_key(keys)?;
    let listed = client.desk_links(token, min_cases).await?;
    let mut found: BTreeMap<MatchToken, (Option<Normalised>, Vec<String>)> = listed
        .links
        .iter()
        .filter_map(|l| MatchToken::parse(&l.token))
        .map(|t| (t, (None, Vec::new())))
        .collect();
    each_report(client, token, &keys.identities, |id, opened| {
        for n in opened.map_or_else(Vec::new, |plain| indicators_of(plain, country)) {
            if let Some((indicator, cases)) = found.get_mut(&key.token(&n)) {
                *indicator = Some(n);
                cases.push(id.clone());
            }
        }
    })
    .await?;
    let listed_count = found.len();
    let mut shared: Vec<SharedIndicator> = found
        .into_values()
        .filter(|(_, cases)| cases.len() >= min_cases as usize)
        .filter_map(|(indicator, mut cases)| {
            cases.sort();
            Some(SharedIndicator {
                indicator: indicator?,
                cases,
            })
        })
        .collect();
    shared.sort_by(|a, b| {
        b.cases
            .len()
            .cmp(&a.cases.len())
            .then(a.indicator.cmp(&b.indicator))
    });
    let unexplained = listed_count - shared.len();
    Ok((shared, unexplained))
}
