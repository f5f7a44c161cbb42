//! Match tokens of linked cases (docs/protocol.md §11): per case, the tokens a desk device computed
//! from its indicators, and which other cases of the desk hold the same ones. The server compares
//! 32-byte tokens within a desk and key version; it cannot compute one. The `LinkRows` part of the
//! store, its one implementation, and the `DeskStore` methods that reach it.

use super::{DeskStore, StoreError};
use crate::domain::{DeskSlug, ReportId};

/// A token and the cases that hold it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TokenCases {
    pub token: [u8; 32],
    pub reports: Vec<ReportId>,
}

/// A case's stored tokens, each with the other cases of the desk that hold it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CaseLinks {
    /// The key version the case's tokens were made under; `None` if it has none.
    pub key_version: Option<i64>,
    pub links: Vec<TokenCases>,
}

#[async_trait::async_trait]
pub trait LinkRows: Send + Sync + 'static {
    /// Replaces the tokens of case `id` with `tokens`, made under `key_version`.
    async fn replace_tokens(
        &self,
        desk: &DeskSlug,
        id: &ReportId,
        key_version: i64,
        tokens: &[[u8; 32]],
    ) -> Result<(), StoreError>;
    async fn case_links(&self, desk: &DeskSlug, id: &ReportId) -> Result<CaseLinks, StoreError>;
    /// Tokens of `key_version` that at least `min_cases` cases of the desk hold.
    async fn desk_links(
        &self,
        desk: &DeskSlug,
        key_version: i64,
        min_cases: i64,
    ) -> Result<Vec<TokenCases>, StoreError>;
}

impl DeskStore {
    pub async fn replace_tokens(
        &self,
        id: &ReportId,
        key_version: i64,
        tokens: &[[u8; 32]],
    ) -> Result<(), StoreError> {
        (self.db)
            .replace_tokens(&self.desk, id, key_version, tokens)
            .await
    }

    pub async fn case_links(&self, id: &ReportId) -> Result<CaseLinks, StoreError> {
        self.db.case_links(&self.desk, id).await
    }

    pub async fn desk_links(
        &self,
        key_version: i64,
        min_cases: i64,
    ) -> Result<Vec<TokenCases>, StoreError> {
        self.db.desk_links(&self.desk, key_version, min_cases).await
    }
}

/// Rows of (token, report id or none), ordered by token, grouped into one entry per token.
pub(super) fn group(rows: Vec<(Vec<u8>, Option<Vec<u8>>)>) -> Result<Vec<TokenCases>, StoreError> {
    let mut out: Vec<TokenCases> = Vec::new();
    for (token, report) in rows {
        let token: [u8; 32] = token
            .try_into()
            .map_err(|_| StoreError::Corrupt("a match token is not 32 bytes"))?;
        if out.last().map(|t| t.token) != Some(token) {
            out.push(TokenCases {
                token,
                reports: Vec::new(),
            });
        }
        if let (Some(report), Some(last)) = (report, out.last_mut()) {
            last.reports.push(super::rows::parse_id(report)?);
        }
    }
    Ok(out)
}

/// The one `LinkRows` implementation, for each backend's pool type (see `sqlite.rs`).
macro_rules! impl_link_rows {
    ($store:ident, $db:ty) => {
        #[async_trait::async_trait]
        impl $crate::store::links::LinkRows for $store {
            async fn replace_tokens(
                &self,
                desk: &DeskSlug,
                id: &ReportId,
                key_version: i64,
                tokens: &[[u8; 32]],
            ) -> Result<(), StoreError> {
                let mut tx = self.begin_write().await?;
                sqlx::query(sql::DELETE_CASE_TOKENS)
                    .bind(&id.as_bytes()[..])
                    .bind(desk.as_str())
                    .execute(&mut *tx)
                    .await?;
                for token in tokens {
                    let inserted = sqlx::query(sql::INSERT_CASE_TOKEN)
                        .bind(&id.as_bytes()[..])
                        .bind(key_version)
                        .bind(&token[..])
                        .bind(desk.as_str())
                        .execute(&mut *tx)
                        .await?;
                    if inserted.rows_affected() == 0 {
                        return Err(StoreError::Missing(Thing::Case));
                    }
                }
                tx.commit().await?;
                Ok(())
            }

            async fn case_links(
                &self,
                desk: &DeskSlug,
                id: &ReportId,
            ) -> Result<$crate::store::links::CaseLinks, StoreError> {
                let rows: Vec<(Vec<u8>, i64, Option<Vec<u8>>)> =
                    sqlx::query_as(sql::SELECT_CASE_LINKS)
                        .bind(&id.as_bytes()[..])
                        .bind(desk.as_str())
                        .fetch_all(&self.pool)
                        .await?;
                let key_version = rows.first().map(|(_, version, _)| *version);
                let rows = rows.into_iter().map(|(t, _, r)| (t, r)).collect();
                Ok($crate::store::links::CaseLinks {
                    key_version,
                    links: $crate::store::links::group(rows)?,
                })
            }

            async fn desk_links(
                &self,
                desk: &DeskSlug,
                key_version: i64,
                min_cases: i64,
            ) -> Result<Vec<$crate::store::links::TokenCases>, StoreError> {
                let rows: Vec<(Vec<u8>, Vec<u8>)> = sqlx::query_as(sql::SELECT_DESK_LINKS)
                    .bind(desk.as_str())
                    .bind(key_version)
                    .bind(min_cases)
                    .fetch_all(&self.pool)
                    .await?;
                let rows = rows.into_iter().map(|(t, r)| (t, Some(r))).collect();
                $crate::store::links::group(rows)
            }
        }
    };
}
pub(crate) use impl_link_rows;
