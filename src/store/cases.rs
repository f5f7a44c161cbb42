//! A desk's cases: the list, one case with its thread and notes, status and assignment, the case
//! seal, and the ciphertexts re-encryption replaces. The `CaseRows` part of the store, its one
//! implementation, and the `DeskStore` methods that reach it. Every query names the desk.

use super::{
    AccountId, Case, CaseContent, CasePart, CaseSummary, DeskStore, Message, NewMessage, Note,
    Seen, StoreError,
};
use crate::crypto::AgeCiphertext;
use crate::domain::{Author, DeskSlug, ReportId, Status};

#[async_trait::async_trait]
pub trait CaseRows: Send + Sync + 'static {
    /// The desk's cases, newest change first, with `account`'s read marks (none without one).
    async fn desk_reports(
        &self,
        desk: &DeskSlug,
        account: Option<AccountId>,
    ) -> Result<Vec<CaseSummary>, StoreError>;
    /// Up to `limit` report ciphertexts of the desk whose id comes after `after`, in id order.
    async fn contents(
        &self,
        desk: &DeskSlug,
        after: Option<&ReportId>,
        limit: i64,
    ) -> Result<Vec<CaseContent>, StoreError>;
    /// Records what `account` was shown of a case: so many reporter messages and partner answers.
    async fn mark_read(
        &self,
        desk: &DeskSlug,
        id: &ReportId,
        account: AccountId,
        seen: Seen,
    ) -> Result<(), StoreError>;
    async fn case(&self, desk: &DeskSlug, id: &ReportId) -> Result<Option<Case>, StoreError>;
    /// Sets the case seal once; `Conflict` if it has one, `Missing` without the case.
    async fn seal_case(
        &self,
        desk: &DeskSlug,
        id: &ReportId,
        seal: &AgeCiphertext,
    ) -> Result<(), StoreError>;
    /// Replaces one ciphertext of a case (re-encryption); `Missing` if the case has no such part.
    async fn replace_ciphertext(
        &self,
        desk: &DeskSlug,
        id: &ReportId,
        part: CasePart,
        ciphertext: &AgeCiphertext,
        key_version: i64,
    ) -> Result<(), StoreError>;
    async fn set_status(
        &self,
        desk: &DeskSlug,
        id: &ReportId,
        status: Status,
        now: i64,
    ) -> Result<(), StoreError>;
    /// Assigns the case to an account of the desk, or to no one; `Missing` for a case or an
    /// account the desk does not have.
    async fn assign(
        &self,
        desk: &DeskSlug,
        id: &ReportId,
        account: Option<AccountId>,
        now: i64,
    ) -> Result<(), StoreError>;
    async fn add_note(
        &self,
        desk: &DeskSlug,
        id: &ReportId,
        author: AccountId,
        ciphertext: &AgeCiphertext,
        now: i64,
    ) -> Result<(), StoreError>;
    async fn notes(&self, desk: &DeskSlug, id: &ReportId) -> Result<Vec<Note>, StoreError>;
    /// A case's thread, oldest first; empty for a report of another desk.
    async fn messages(&self, desk: &DeskSlug, id: &ReportId) -> Result<Vec<Message>, StoreError>;
}

impl DeskStore {
    /// The desk's cases, most recently updated first.
    /// Every case of the desk, for no account in particular (nothing counts as read).
    pub async fn cases(&self) -> Result<Vec<CaseSummary>, StoreError> {
        self.db.desk_reports(&self.desk, None).await
    }

    /// Every case of the desk, with what `account` has not been shown yet.
    pub async fn inbox(&self, account: AccountId) -> Result<Vec<CaseSummary>, StoreError> {
        self.db.desk_reports(&self.desk, Some(account)).await
    }

    pub async fn contents(
        &self,
        after: Option<&ReportId>,
        limit: i64,
    ) -> Result<Vec<CaseContent>, StoreError> {
        self.db.contents(&self.desk, after, limit).await
    }

    pub async fn mark_read(
        &self,
        id: &ReportId,
        account: AccountId,
        seen: Seen,
    ) -> Result<(), StoreError> {
        self.db.mark_read(&self.desk, id, account, seen).await
    }

    pub async fn case(&self, id: &ReportId) -> Result<Option<Case>, StoreError> {
        self.db.case(&self.desk, id).await
    }

    pub async fn seal_case(&self, id: &ReportId, seal: &AgeCiphertext) -> Result<(), StoreError> {
        self.db.seal_case(&self.desk, id, seal).await
    }

    pub async fn replace_ciphertext(
        &self,
        id: &ReportId,
        part: CasePart,
        ciphertext: &AgeCiphertext,
        key_version: i64,
    ) -> Result<(), StoreError> {
        (self.db)
            .replace_ciphertext(&self.desk, id, part, ciphertext, key_version)
            .await
    }

    pub async fn set_status(
        &self,
        id: &ReportId,
        status: Status,
        now: i64,
    ) -> Result<(), StoreError> {
        self.db.set_status(&self.desk, id, status, now).await
    }

    pub async fn assign(
        &self,
        id: &ReportId,
        account: Option<AccountId>,
        now: i64,
    ) -> Result<(), StoreError> {
        self.db.assign(&self.desk, id, account, now).await
    }

    pub async fn add_note(
        &self,
        id: &ReportId,
        author: AccountId,
        ciphertext: &AgeCiphertext,
        now: i64,
    ) -> Result<(), StoreError> {
        self.db
            .add_note(&self.desk, id, author, ciphertext, now)
            .await
    }

    pub async fn notes(&self, id: &ReportId) -> Result<Vec<Note>, StoreError> {
        self.db.notes(&self.desk, id).await
    }

    pub async fn messages(&self, id: &ReportId) -> Result<Vec<Message>, StoreError> {
        self.db.messages(&self.desk, id).await
    }

    /// A desk message to a case's thread, for group commit to write; it stores nothing unless
    /// the case is this desk's.
    pub fn message(
        &self,
        id: &ReportId,
        ciphertext: AgeCiphertext,
        now: i64,
        max_messages: i64,
    ) -> NewMessage {
        NewMessage {
            report: *id,
            desk: self.desk.clone(),
            author: Author::Desk,
            ciphertext,
            created_at: now,
            max_messages,
        }
    }
}

/// The one `CaseRows` implementation, for each backend's pool type (see `sqlite.rs`).
macro_rules! impl_case_rows {
    ($store:ident, $db:ty) => {
        #[async_trait::async_trait]
        impl $crate::store::CaseRows for $store {
            async fn desk_reports(
                &self,
                desk: &DeskSlug,
                account: Option<AccountId>,
            ) -> Result<Vec<CaseSummary>, StoreError> {
                let rows: Vec<SummaryRow> = sqlx::query_as(sql::SELECT_DESK_REPORTS)
                    .bind(desk.as_str())
                    .bind(account.map(|a| a.0.to_vec()))
                    .fetch_all(&self.pool)
                    .await?;
                rows.into_iter().map(summary_from_row).collect()
            }

            async fn contents(
                &self,
                desk: &DeskSlug,
                after: Option<&ReportId>,
                limit: i64,
            ) -> Result<Vec<CaseContent>, StoreError> {
                // Every id is 16 bytes, so the empty string comes before them all.
                let after = after.map_or(Vec::new(), |id| id.as_bytes().to_vec());
                let rows: Vec<(Vec<u8>, i64, Vec<u8>)> = sqlx::query_as(sql::SELECT_CONTENTS)
                    .bind(desk.as_str())
                    .bind(after)
                    .bind(limit)
                    .fetch_all(&self.pool)
                    .await?;
                rows.into_iter()
                    .map(|(id, key_version, ciphertext)| {
                        Ok(CaseContent {
                            id: parse_id(id)?,
                            key_version,
                            ciphertext: AgeCiphertext::from_stored(ciphertext),
                        })
                    })
                    .collect()
            }

            async fn mark_read(
                &self,
                desk: &DeskSlug,
                id: &ReportId,
                account: AccountId,
                seen: Seen,
            ) -> Result<(), StoreError> {
                sqlx::query(sql::MARK_READ)
                    .bind(&id.as_bytes()[..])
                    .bind(&account.0[..])
                    .bind(seen.messages)
                    .bind(seen.answers)
                    .bind(desk.as_str())
                    .execute(&self.pool)
                    .await?;
                Ok(())
            }

            async fn case(
                &self,
                desk: &DeskSlug,
                id: &ReportId,
            ) -> Result<Option<Case>, StoreError> {
                let row: Option<CaseRow> = sqlx::query_as(sql::SELECT_CASE)
                    .bind(&id.as_bytes()[..])
                    .bind(desk.as_str())
                    .fetch_optional(&self.pool)
                    .await?;
                row.map(case_from_row).transpose()
            }

            async fn seal_case(
                &self,
                desk: &DeskSlug,
                id: &ReportId,
                seal: &AgeCiphertext,
            ) -> Result<(), StoreError> {
                let done = sqlx::query(sql::SET_CASE_SEAL)
                    .bind(&id.as_bytes()[..])
                    .bind(desk.as_str())
                    .bind(seal.as_bytes())
                    .execute(&self.pool)
                    .await?;
                if done.rows_affected() == 1 {
                    return Ok(());
                }
                match self.case(desk, id).await? {
                    None => Err(StoreError::Missing(Thing::Case)),
                    Some(_) => Err(StoreError::Conflict(Thing::CaseSeal)),
                }
            }

            async fn replace_ciphertext(
                &self,
                desk: &DeskSlug,
                id: &ReportId,
                part: CasePart,
                ciphertext: &AgeCiphertext,
                key_version: i64,
            ) -> Result<(), StoreError> {
                let query = match part {
                    CasePart::Report => sqlx::query(sql::REPLACE_REPORT_CIPHERTEXT)
                        .bind(&id.as_bytes()[..])
                        .bind(desk.as_str())
                        .bind(ciphertext.as_bytes())
                        .bind(key_version),
                    CasePart::Message(seq) | CasePart::Note(seq) => {
                        let text = if matches!(part, CasePart::Message(_)) {
                            sql::REPLACE_MESSAGE_CIPHERTEXT
                        } else {
                            sql::REPLACE_NOTE_CIPHERTEXT
                        };
                        sqlx::query(text)
                            .bind(&id.as_bytes()[..])
                            .bind(desk.as_str())
                            .bind(seq)
                            .bind(ciphertext.as_bytes())
                    }
                    CasePart::Referral(referral) | CasePart::ReferralReason(referral) => {
                        let text = if matches!(part, CasePart::Referral(_)) {
                            sql::REPLACE_REFERRAL_CIPHERTEXT
                        } else {
                            sql::REPLACE_REFERRAL_REASON
                        };
                        sqlx::query(text)
                            .bind(&id.as_bytes()[..])
                            .bind(desk.as_str())
                            .bind(ciphertext.as_bytes())
                            .bind(referral.as_bytes().to_vec())
                    }
                    CasePart::Seal => sqlx::query(sql::REPLACE_CASE_SEAL)
                        .bind(&id.as_bytes()[..])
                        .bind(desk.as_str())
                        .bind(ciphertext.as_bytes()),
                    CasePart::ReferralUpdate(referral, seq) => {
                        sqlx::query(sql::REPLACE_REFERRAL_UPDATE)
                            .bind(&id.as_bytes()[..])
                            .bind(desk.as_str())
                            .bind(ciphertext.as_bytes())
                            .bind(referral.as_bytes().to_vec())
                            .bind(seq)
                    }
                };
                if query.execute(&self.pool).await?.rows_affected() == 0 {
                    return Err(StoreError::Missing(Thing::CasePart));
                }
                Ok(())
            }

            async fn set_status(
                &self,
                desk: &DeskSlug,
                id: &ReportId,
                status: Status,
                now: i64,
            ) -> Result<(), StoreError> {
                let done = sqlx::query(sql::SET_STATUS)
                    .bind(&id.as_bytes()[..])
                    .bind(desk.as_str())
                    .bind(status.as_str())
                    .bind(now)
                    .execute(&self.pool)
                    .await?;
                if done.rows_affected() == 0 {
                    return Err(StoreError::Missing(Thing::Case));
                }
                Ok(())
            }

            async fn assign(
                &self,
                desk: &DeskSlug,
                id: &ReportId,
                account: Option<AccountId>,
                now: i64,
            ) -> Result<(), StoreError> {
                let done = sqlx::query(sql::ASSIGN)
                    .bind(&id.as_bytes()[..])
                    .bind(desk.as_str())
                    .bind(account.map(|a| a.0.to_vec()))
                    .bind(now)
                    .execute(&self.pool)
                    .await?;
                if done.rows_affected() == 0 {
                    return Err(StoreError::Missing(Thing::Case));
                }
                Ok(())
            }

            async fn add_note(
                &self,
                desk: &DeskSlug,
                id: &ReportId,
                author: AccountId,
                ciphertext: &AgeCiphertext,
                now: i64,
            ) -> Result<(), StoreError> {
                let mut tx = self.begin_write().await?;
                // Lock the case row first, as for messages, so concurrent notes queue up.
                let touched = sqlx::query(sql::TOUCH_CASE)
                    .bind(&id.as_bytes()[..])
                    .bind(now)
                    .bind(desk.as_str())
                    .execute(&mut *tx)
                    .await?;
                if touched.rows_affected() == 0 {
                    return Err(StoreError::Missing(Thing::Case));
                }
                sqlx::query(sql::INSERT_NOTE)
                    .bind(&id.as_bytes()[..])
                    .bind(&author.0[..])
                    .bind(ciphertext.as_bytes())
                    .bind(now)
                    .execute(&mut *tx)
                    .await?;
                tx.commit().await?;
                Ok(())
            }

            async fn notes(&self, desk: &DeskSlug, id: &ReportId) -> Result<Vec<Note>, StoreError> {
                let rows: Vec<(i64, String, Vec<u8>, i64)> = sqlx::query_as(sql::SELECT_NOTES)
                    .bind(&id.as_bytes()[..])
                    .bind(desk.as_str())
                    .fetch_all(&self.pool)
                    .await?;
                rows.into_iter()
                    .map(|(seq, author, ciphertext, created_at)| {
                        Ok(Note {
                            seq,
                            author: Username::parse(&author)
                                .map_err(|_| StoreError::Corrupt("user name"))?,
                            ciphertext: AgeCiphertext::from_stored(ciphertext),
                            created_at,
                        })
                    })
                    .collect()
            }

            async fn messages(
                &self,
                desk: &DeskSlug,
                report: &ReportId,
            ) -> Result<Vec<Message>, StoreError> {
                let rows: Vec<MessageRow> = sqlx::query_as(sql::SELECT_MESSAGES)
                    .bind(&report.as_bytes()[..])
                    .bind(desk.as_str())
                    .fetch_all(&self.pool)
                    .await?;
                rows.into_iter().map(message_from_row).collect()
            }
        }
    };
}

pub(crate) use impl_case_rows;
