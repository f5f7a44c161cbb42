//! Intake: what anyone on the internet may cause the store to do, before anyone is known. List the
//! desks, find a receipt by its lookup, and commit submissions and thread messages through group
//! commit (`group_commit.rs`). The `IntakeRows` part of the store and its one implementation.

use std::sync::Arc;

use super::{
    Backend, Desk, DeskListing, Lookup, Outcome, Receipt, ReporterStore, StoreError, Write,
};
use crate::domain::{ReceiptAuth, Verifier};

/// Compared against when a lookup is unknown, so both failures do the same work.
const DUMMY: Verifier = Verifier([0u8; 32]);

#[async_trait::async_trait]
pub trait IntakeRows: Send + Sync + 'static {
    /// A trivial query: whether the database answers.
    async fn ping(&self) -> Result<(), StoreError>;
    async fn desks(&self) -> Result<Vec<DeskListing>, StoreError>;
    /// A desk with its current key; `None` without one.
    async fn desk(&self, slug: &super::DeskSlug) -> Result<Option<Desk>, StoreError>;
    async fn receipt(&self, lookup: &Lookup) -> Result<Option<Receipt>, StoreError>;
    /// Commits a batch of writes in one transaction; one outcome per write, in order.
    async fn commit_writes(&self, batch: &[Write]) -> Result<Vec<Outcome>, StoreError>;
}

/// The intake capability: unauthenticated, so it reads only what the public pages show (the
/// desks and their keys) and a receipt by its lookup, and writes only through `commit`.
#[derive(Clone)]
pub struct IntakeStore {
    pub(super) db: Arc<dyn Backend>,
}

impl IntakeStore {
    pub(super) fn new(db: Arc<dyn Backend>) -> Self {
        Self { db }
    }

    pub async fn ping(&self) -> Result<(), StoreError> {
        self.db.ping().await
    }

    /// Every desk, with its current key if it has one.
    pub async fn desks(&self) -> Result<Vec<DeskListing>, StoreError> {
        self.db.desks().await
    }

    /// A desk that can take reports (one with a key); `None` otherwise.
    pub async fn desk(&self, slug: &super::DeskSlug) -> Result<Option<Desk>, StoreError> {
        self.db.desk(slug).await
    }

    /// A desk's signed key statements as anyone may read them (docs/protocol.md §10.8): the
    /// openings of their names are left here, so nothing above this line can serve a name.
    pub async fn public_statements(
        &self,
        slug: &super::DeskSlug,
    ) -> Result<Vec<super::StoredStatement>, StoreError> {
        let mut statements = self.db.statements_of(slug).await?;
        for statement in &mut statements {
            statement.opening = None;
        }
        Ok(statements)
    }

    /// A desk's accounts' witness checkpoints (§10.7): signed heads, which name no one.
    pub async fn public_checkpoints(
        &self,
        slug: &super::DeskSlug,
    ) -> Result<Vec<super::StoredCheckpoint>, StoreError> {
        self.db.checkpoints_of(slug).await
    }

    /// The reporter capability for the report a receipt names, if `auth` proves its phrase. An
    /// unknown lookup and a wrong auth key do the same work and both give `None`, so the answer
    /// does not tell whether a report exists.
    pub async fn reporter(
        &self,
        lookup: &Lookup,
        auth: &ReceiptAuth,
    ) -> Result<Option<ReporterStore>, StoreError> {
        let found = self.db.receipt(lookup).await?;
        let expected = found.as_ref().map_or(DUMMY, |r| r.verifier);
        let matches = auth.verifier().matches(&expected);
        Ok(found
            .filter(|_| matches)
            .map(|receipt| ReporterStore::new(self.db.clone(), receipt)))
    }

    /// Commits writes in one transaction (group commit calls this with a batch).
    pub async fn commit(&self, batch: &[Write]) -> Result<Vec<Outcome>, StoreError> {
        self.db.commit_writes(batch).await
    }
}

/// SQL that opens and commits a group commit's transaction inside the batch's own statements,
/// for a backend that runs several statements in one round trip with bound values (SQLite):
/// `open` goes before the first statement and `close` after the last. Every round trip waits
/// for the connection's thread to be scheduled, and on a busy machine those waits were a fifth
/// of a batch's time on the one connection every report waits for (BENCHMARKS.md).
#[derive(Clone, Copy)]
pub(super) struct Bracket {
    pub open: &'static str,
    pub close: &'static str,
}

impl Bracket {
    /// Statements as they are, in a transaction someone else opened.
    pub const NONE: Bracket = Bracket {
        open: "",
        close: "",
    };

    /// Opens only: the caller commits after what follows.
    pub fn open_only(self) -> Bracket {
        Bracket { close: "", ..self }
    }
}

/// What a batch's insert of reports stored: the ids, and, when it was read in the same
/// statements (`Bracket::close`), which of the batch's desks have a key.
#[derive(Default)]
pub(super) struct StoredReports {
    pub ids: std::collections::HashSet<Vec<u8>>,
    pub desks_with_key: Option<std::collections::HashSet<String>>,
}

/// The one `IntakeRows` implementation, for each backend's pool type (see `sqlite.rs`).
macro_rules! impl_intake_rows {
    ($store:ident, $db:ty) => {
        impl $store {
            /// Spends a batch's challenges and stores the reports of those spent now, in two
            /// statements whatever the batch holds (see `sql::INSERT_SPENT_HEAD`).
            /// With `bracket`, the first statement opens the transaction and, when reports are
            /// stored, the last commits it; the second value says whether it was committed.
            async fn apply_intakes(
                connection: &mut <$db as sqlx::Database>::Connection,
                intakes: &[&Intake],
                bracket: Bracket,
            ) -> Result<(Vec<IntakeOutcome>, bool), StoreError> {
                if intakes.is_empty() {
                    return Ok((Vec::new(), false));
                }
                let mut fresh = Self::spend_all(connection, intakes, bracket.open).await?;
                // A digest twice in one batch: the first write claims it.
                let spent_now: Vec<bool> = intakes
                    .iter()
                    .map(|i| fresh.remove(&i.spend.digest[..]))
                    .collect();
                let reports: Vec<&NewReport> = intakes
                    .iter()
                    .zip(&spent_now)
                    .filter(|(_, now)| **now)
                    .filter_map(|(i, _)| i.report.as_ref())
                    .collect();
                let committed = !reports.is_empty() && !bracket.close.is_empty();
                let stored = Self::insert_reports(connection, &reports, bracket.close).await?;
                let mut outcomes = Vec::with_capacity(intakes.len());
                for (intake, now) in intakes.iter().zip(spent_now) {
                    outcomes.push(match (&intake.report, now) {
                        (_, false) => IntakeOutcome::ChallengeSpent,
                        (None, true) => IntakeOutcome::Committed,
                        (Some(r), true) if stored.ids.contains(&r.id.as_bytes()[..]) => {
                            IntakeOutcome::Committed
                        }
                        (Some(r), true) => {
                            let has_key = match &stored.desks_with_key {
                                Some(desks) => desks.contains(r.desk.as_str()),
                                None => Self::desk_has_key(connection, &r.desk).await?,
                            };
                            if has_key {
                                IntakeOutcome::ReceiptConflict
                            } else {
                                IntakeOutcome::NoSuchDesk
                            }
                        }
                    });
                }
                Ok((outcomes, committed))
            }

            /// Spends the challenges of `intakes`; returns the digests that were not spent before.
            /// `open` goes first in the statement's text (see `Bracket`).
            async fn spend_all(
                connection: &mut <$db as sqlx::Database>::Connection,
                intakes: &[&Intake],
                open: &str,
            ) -> Result<std::collections::HashSet<Vec<u8>>, StoreError> {
                let mut query = sqlx::QueryBuilder::<$db>::new(open);
                query.push(sql::INSERT_SPENT_HEAD);
                query.push_values(intakes, |mut row, intake| {
                    row.push_bind(&intake.spend.digest[..])
                        .push_bind(intake.spend.expires_at);
                });
                query.push(sql::INSERT_SPENT_TAIL);
                // Not kept prepared: a statement per batch size would crowd the cache.
                let rows: Vec<(Vec<u8>,)> = query
                    .build_query_as()
                    .persistent(false)
                    .fetch_all(&mut *connection)
                    .await?;
                Ok(rows.into_iter().map(|(digest,)| digest).collect())
            }

            /// Inserts `reports`; returns the ids of those stored (see `sql::INSERT_REPORTS_HEAD`).
            /// `close` goes last in the statement's text (see `Bracket`); with it, which of the
            /// reports' desks have a key is read first, in the same text, so that nothing is
            /// left to read once the transaction is committed.
            async fn insert_reports(
                connection: &mut <$db as sqlx::Database>::Connection,
                reports: &[&NewReport],
                close: &str,
            ) -> Result<StoredReports, StoreError> {
                if reports.is_empty() {
                    return Ok(StoredReports::default());
                }
                let mut query = sqlx::QueryBuilder::<$db>::new("");
                if !close.is_empty() {
                    query.push(sql::DESKS_WITH_KEYS_HEAD);
                    let desks: std::collections::BTreeSet<&str> =
                        reports.iter().map(|r| r.desk.as_str()).collect();
                    let mut list = query.separated(", ");
                    for desk in desks {
                        list.push_bind(desk);
                    }
                    list.push_unseparated(sql::DESKS_WITH_KEYS_TAIL);
                }
                query.push(sql::INSERT_REPORTS_HEAD);
                query.push_values(reports, |mut row, report| {
                    row.push_bind(&report.id.as_bytes()[..])
                        .push_bind(report.desk.as_str())
                        .push_bind(report.ciphertext.as_bytes())
                        .push_bind(&report.lookup.0[..])
                        .push_bind(&report.verifier.0[..])
                        .push_bind(report.reply_recipient.as_str())
                        .push_bind(report.created_at);
                });
                query.push(sql::INSERT_REPORTS_TAIL);
                query.push(close);
                let rows: Vec<(Option<String>, Option<Vec<u8>>)> = query
                    .build_query_as()
                    .persistent(false)
                    .fetch_all(&mut *connection)
                    .await?;
                let mut stored = StoredReports {
                    desks_with_key: (!close.is_empty()).then(Default::default),
                    ..StoredReports::default()
                };
                for row in rows {
                    match row {
                        (_, Some(id)) => {
                            stored.ids.insert(id);
                        }
                        (Some(desk), None) => {
                            if let Some(desks) = &mut stored.desks_with_key {
                                desks.insert(desk);
                            }
                        }
                        (None, None) => return Err(StoreError::Corrupt("stored report row")),
                    }
                }
                Ok(stored)
            }

            /// One group commit on `connection`; see `commit_writes`. A batch with reports on a
            /// backend whose statements can carry the transaction (`BATCH_BRACKET`) travels in
            /// them; any other, in a `Transaction`.
            async fn commit_batch(
                connection: &mut <$db as sqlx::Database>::Connection,
                batch: &[Write],
            ) -> Result<Vec<Outcome>, StoreError> {
                let intakes: Vec<&Intake> = batch
                    .iter()
                    .filter_map(|write| match write {
                        Write::Intake(intake) => Some(intake),
                        Write::Message(_) => None,
                    })
                    .collect();
                match Self::BATCH_BRACKET {
                    Some(bracket) if !intakes.is_empty() => {
                        let applied =
                            Self::apply_bracketed(connection, batch, &intakes, bracket).await;
                        if applied.is_err() {
                            // What the statements opened is closed before the error is reported.
                            let _ = sqlx::query("ROLLBACK").execute(&mut *connection).await;
                        }
                        applied
                    }
                    _ => {
                        let mut tx = Self::begin_batch(connection).await?;
                        let (intakes, _) =
                            Self::apply_intakes(&mut tx, &intakes, Bracket::NONE).await?;
                        let outcomes = Self::apply_all(&mut tx, batch, intakes).await?;
                        tx.commit().await?;
                        Ok(outcomes)
                    }
                }
            }

            /// A batch whose statements open and commit its transaction: the challenges' insert
            /// opens it, the reports' insert commits it unless messages follow or no report is
            /// new (then a `COMMIT` of its own does).
            async fn apply_bracketed(
                connection: &mut <$db as sqlx::Database>::Connection,
                batch: &[Write],
                intakes: &[&Intake],
                bracket: Bracket,
            ) -> Result<Vec<Outcome>, StoreError> {
                let messages = intakes.len() < batch.len();
                let bracket = if messages {
                    bracket.open_only()
                } else {
                    bracket
                };
                let (intakes, committed) =
                    Self::apply_intakes(connection, intakes, bracket).await?;
                let outcomes = Self::apply_all(connection, batch, intakes).await?;
                if !committed {
                    sqlx::query("COMMIT").execute(&mut *connection).await?;
                }
                Ok(outcomes)
            }

            /// Each write's outcome in the batch's order: the intakes' as already applied, each
            /// message applied now.
            async fn apply_all(
                connection: &mut <$db as sqlx::Database>::Connection,
                batch: &[Write],
                intakes: Vec<IntakeOutcome>,
            ) -> Result<Vec<Outcome>, StoreError> {
                let mut intake_outcomes = intakes.into_iter();
                let mut outcomes = Vec::with_capacity(batch.len());
                for write in batch {
                    outcomes.push(match write {
                        Write::Intake(_) => Outcome::Intake(
                            intake_outcomes
                                .next()
                                .ok_or(StoreError::Corrupt("intake outcome"))?,
                        ),
                        Write::Message(message) => {
                            Outcome::Message(Self::apply_message(connection, message).await?)
                        }
                    });
                }
                Ok(outcomes)
            }

            async fn desk_has_key(
                connection: &mut <$db as sqlx::Database>::Connection,
                desk: &DeskSlug,
            ) -> Result<bool, StoreError> {
                let (keys,): (i64,) = sqlx::query_as(sql::DESK_HAS_KEY)
                    .bind(desk.as_str())
                    .fetch_one(&mut *connection)
                    .await?;
                Ok(keys > 0)
            }

            /// Appends a message to its thread unless the report is gone or the thread is full.
            async fn apply_message(
                connection: &mut <$db as sqlx::Database>::Connection,
                message: &NewMessage,
            ) -> Result<MessageOutcome, StoreError> {
                let report = &message.report.as_bytes()[..];
                // Touching the report first locks its row, so concurrent appends to one thread
                // queue up instead of racing for the same sequence number.
                let touched = sqlx::query(sql::TOUCH_CASE)
                    .bind(report)
                    .bind(message.created_at)
                    .bind(message.desk.as_str())
                    .execute(&mut *connection)
                    .await?;
                if touched.rows_affected() == 0 {
                    return Ok(MessageOutcome::NoSuchReport);
                }
                let (count,): (i64,) = sqlx::query_as(sql::COUNT_MESSAGES)
                    .bind(report)
                    .bind(message.author.as_str())
                    .fetch_one(&mut *connection)
                    .await?;
                if count >= message.max_messages {
                    return Ok(MessageOutcome::ThreadFull);
                }
                sqlx::query(sql::INSERT_MESSAGE)
                    .bind(report)
                    .bind(message.author.as_str())
                    .bind(message.ciphertext.as_bytes())
                    .bind(message.created_at)
                    .execute(&mut *connection)
                    .await?;
                Ok(MessageOutcome::Added)
            }
        }

        #[async_trait::async_trait]
        impl $crate::store::IntakeRows for $store {
            async fn ping(&self) -> Result<(), StoreError> {
                sqlx::query(sql::PING).execute(&self.pool).await?;
                Ok(())
            }

            async fn desks(&self) -> Result<Vec<DeskListing>, StoreError> {
                let rows: Vec<ListingRow> = sqlx::query_as(sql::SELECT_DESK_LISTING)
                    .fetch_all(&self.pool)
                    .await?;
                rows.into_iter().map(listing_from_row).collect()
            }

            async fn desk(&self, slug: &DeskSlug) -> Result<Option<Desk>, StoreError> {
                let row: Option<DeskRow> = sqlx::query_as(&sql::select_desk())
                    .bind(slug.as_str())
                    .fetch_optional(&self.pool)
                    .await?;
                row.map(|(s, n, r, v)| parse_desk(s, n, r, v)).transpose()
            }

            async fn receipt(&self, lookup: &Lookup) -> Result<Option<Receipt>, StoreError> {
                let row: Option<ReceiptRow> = sqlx::query_as(sql::SELECT_RECEIPT)
                    .bind(&lookup.0[..])
                    .fetch_optional(&self.pool)
                    .await?;
                row.map(receipt_from_row).transpose()
            }

            async fn commit_writes(&self, batch: &[Write]) -> Result<Vec<Outcome>, StoreError> {
                let mut connection = self.batch_connection().await?;
                let committed = Self::commit_batch(&mut connection, batch).await;
                match committed {
                    Ok(_) => self.after_batch(),
                    Err(_) => self.after_failed_batch(&mut connection).await,
                }
                committed
            }
        }
    };
}

pub(crate) use impl_intake_rows;
