//! The one `Store` implementation, stamped out for each backend's pool type.
//!
//! `SqlitePool` and `PgPool` have the same API and both run the SQL of `sql.rs` unchanged, but sqlx
//! offers no trait over them that stays usable in `async` code without a wall of higher-ranked
//! bounds. A macro keeps one copy of this code instead of two that could drift apart. Backend
//! differences (connection options, durability checks, migrations) live in `sqlite.rs` and
//! `postgres.rs`.

macro_rules! impl_store {
    ($store:ident, $db:ty) => {
        impl $store {
            /// Spends a batch's challenges and stores the reports of those spent now, in two
            /// statements whatever the batch holds (see `sql::INSERT_SPENT_HEAD`).
            async fn apply_intakes(
                tx: &mut sqlx::Transaction<'_, $db>,
                intakes: &[&Intake],
            ) -> Result<Vec<IntakeOutcome>, StoreError> {
                if intakes.is_empty() {
                    return Ok(Vec::new());
                }
                let mut fresh = Self::spend_all(tx, intakes).await?;
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
                let stored = Self::insert_reports(tx, &reports).await?;
                let mut outcomes = Vec::with_capacity(intakes.len());
                for (intake, now) in intakes.iter().zip(spent_now) {
                    outcomes.push(match (&intake.report, now) {
                        (_, false) => IntakeOutcome::ChallengeSpent,
                        (None, true) => IntakeOutcome::Committed,
                        (Some(r), true) if stored.contains(&r.id.as_bytes()[..]) => {
                            IntakeOutcome::Committed
                        }
                        (Some(r), true) if Self::desk_has_key(tx, &r.desk).await? => {
                            IntakeOutcome::ReceiptConflict
                        }
                        (Some(_), true) => IntakeOutcome::NoSuchDesk,
                    });
                }
                Ok(outcomes)
            }

            /// Spends the challenges of `intakes`; returns the digests that were not spent before.
            async fn spend_all(
                tx: &mut sqlx::Transaction<'_, $db>,
                intakes: &[&Intake],
            ) -> Result<std::collections::HashSet<Vec<u8>>, StoreError> {
                let mut query = sqlx::QueryBuilder::<$db>::new(sql::INSERT_SPENT_HEAD);
                query.push_values(intakes, |mut row, intake| {
                    row.push_bind(&intake.spend.digest[..])
                        .push_bind(intake.spend.expires_at);
                });
                query.push(sql::INSERT_SPENT_TAIL);
                // Not kept prepared: a statement per batch size would crowd the cache.
                let rows: Vec<(Vec<u8>,)> = query
                    .build_query_as()
                    .persistent(false)
                    .fetch_all(&mut **tx)
                    .await?;
                Ok(rows.into_iter().map(|(digest,)| digest).collect())
            }

            /// Inserts `reports`; returns the ids of those stored (see `sql::INSERT_REPORTS_HEAD`).
            async fn insert_reports(
                tx: &mut sqlx::Transaction<'_, $db>,
                reports: &[&NewReport],
            ) -> Result<std::collections::HashSet<Vec<u8>>, StoreError> {
                if reports.is_empty() {
                    return Ok(std::collections::HashSet::new());
                }
                let mut query = sqlx::QueryBuilder::<$db>::new(sql::INSERT_REPORTS_HEAD);
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
                let rows: Vec<(Vec<u8>,)> = query
                    .build_query_as()
                    .persistent(false)
                    .fetch_all(&mut **tx)
                    .await?;
                Ok(rows.into_iter().map(|(id,)| id).collect())
            }

            /// One group commit on `connection`; see `commit_writes`.
            async fn commit_batch(
                connection: &mut <$db as sqlx::Database>::Connection,
                batch: &[Write],
            ) -> Result<Vec<Outcome>, StoreError> {
                let mut tx = Self::begin_batch(connection).await?;
                let intakes: Vec<&Intake> = batch
                    .iter()
                    .filter_map(|write| match write {
                        Write::Intake(intake) => Some(intake),
                        Write::Message(_) => None,
                    })
                    .collect();
                let mut intake_outcomes = Self::apply_intakes(&mut tx, &intakes).await?.into_iter();
                let mut outcomes = Vec::with_capacity(batch.len());
                for write in batch {
                    outcomes.push(match write {
                        Write::Intake(_) => Outcome::Intake(
                            intake_outcomes
                                .next()
                                .ok_or(StoreError::Corrupt("intake outcome"))?,
                        ),
                        Write::Message(message) => {
                            Outcome::Message(Self::apply_message(&mut tx, message).await?)
                        }
                    });
                }
                tx.commit().await?;
                Ok(outcomes)
            }

            async fn desk_has_key(
                tx: &mut sqlx::Transaction<'_, $db>,
                desk: &DeskSlug,
            ) -> Result<bool, StoreError> {
                let (keys,): (i64,) = sqlx::query_as(sql::DESK_HAS_KEY)
                    .bind(desk.as_str())
                    .fetch_one(&mut **tx)
                    .await?;
                Ok(keys > 0)
            }

            /// Appends a message to its thread unless the report is gone or the thread is full.
            async fn apply_message(
                tx: &mut sqlx::Transaction<'_, $db>,
                message: &NewMessage,
            ) -> Result<MessageOutcome, StoreError> {
                let report = &message.report.as_bytes()[..];
                // Touching the report first locks its row, so concurrent appends to one thread
                // queue up instead of racing for the same sequence number.
                let touched = sqlx::query(sql::TOUCH_REPORT)
                    .bind(report)
                    .bind(message.created_at)
                    .execute(&mut **tx)
                    .await?;
                if touched.rows_affected() == 0 {
                    return Ok(MessageOutcome::NoSuchReport);
                }
                let (count,): (i64,) = sqlx::query_as(sql::COUNT_MESSAGES)
                    .bind(report)
                    .bind(message.author.as_str())
                    .fetch_one(&mut **tx)
                    .await?;
                if count >= message.max_messages {
                    return Ok(MessageOutcome::ThreadFull);
                }
                sqlx::query(sql::INSERT_MESSAGE)
                    .bind(report)
                    .bind(message.author.as_str())
                    .bind(message.ciphertext.as_bytes())
                    .bind(message.created_at)
                    .execute(&mut **tx)
                    .await?;
                Ok(MessageOutcome::Added)
            }

            /// Stores one grant of a desk key version; 0 rows if the account holds it already.
            async fn insert_grant(
                tx: &mut sqlx::Transaction<'_, $db>,
                desk: &DeskSlug,
                key_version: i64,
                account: AccountId,
                grant: &AgeCiphertext,
                granted_by: AccountId,
                now: i64,
            ) -> Result<u64, sqlx::Error> {
                let done = sqlx::query(sql::INSERT_GRANT)
                    .bind(desk.as_str())
                    .bind(key_version)
                    .bind(&account.0[..])
                    .bind(grant.as_bytes())
                    .bind(&granted_by.0[..])
                    .bind(now)
                    .execute(&mut **tx)
                    .await?;
                Ok(done.rows_affected())
            }
        }

        impl $store {
            /// Appends statements after the desk's head, in the caller's transaction. Another
            /// device's append since the client read the chain is a `Conflict`: it re-reads,
            /// re-verifies and signs again. So is a desk key statement for another version than
            /// `made_version`, the one the change makes.
            async fn append_statements(
                tx: &mut sqlx::Transaction<'_, $db>,
                desk: &DeskSlug,
                statements: &[NewStatement],
                made_version: Option<i64>,
                now: i64,
            ) -> Result<(), StoreError> {
                let head: Option<(i64, Vec<u8>)> = sqlx::query_as(sql::SELECT_STATEMENT_HEAD)
                    .bind(desk.as_str())
                    .fetch_optional(&mut **tx)
                    .await?;
                let (mut seq, mut link) = head.unwrap_or((0, vec![0; 32]));
                for statement in statements {
                    let moved_on = statement.seq != seq + 1 || statement.prev[..] != link[..];
                    let other_version =
                        statement.key_version.is_some() && statement.key_version != made_version;
                    if moved_on || other_version {
                        return Err(StoreError::Conflict(Thing::DeskStatements));
                    }
                    sqlx::query(sql::INSERT_STATEMENT)
                        .bind(desk.as_str())
                        .bind(statement.seq)
                        .bind(statement.kind)
                        .bind(statement.subject.map(|s| s.to_vec()))
                        .bind(&statement.statement)
                        .bind(&statement.signature[..])
                        .bind(&statement.link[..])
                        .bind(now)
                        .execute(&mut **tx)
                        .await
                        .map_err(|e| match &e {
                            // Another device's statement took this seq first.
                            sqlx::Error::Database(db) if db.is_unique_violation() => {
                                StoreError::Conflict(Thing::DeskStatements)
                            }
                            _ => StoreError::from(e),
                        })?;
                    (seq, link) = (statement.seq, statement.link.to_vec());
                }
                Ok(())
            }
        }

        #[async_trait::async_trait]
        impl $crate::store::Store for $store {
            async fn ping(&self) -> Result<(), StoreError> {
                sqlx::query(sql::PING).execute(&self.pool).await?;
                Ok(())
            }

            async fn create_desk(
                &self,
                slug: &DeskSlug,
                name: &DeskName,
                recipient: Option<&Recipient>,
                now: i64,
            ) -> Result<(), StoreError> {
                let mut tx = self.begin_write().await?;
                let inserted = sqlx::query(sql::INSERT_DESK)
                    .bind(slug.as_str())
                    .bind(name.as_str())
                    .bind(now)
                    .execute(&mut *tx)
                    .await?;
                if inserted.rows_affected() == 0 {
                    return Err(StoreError::Conflict(Thing::Desk));
                }
                if let Some(recipient) = recipient {
                    sqlx::query(sql::INSERT_DESK_KEY)
                        .bind(slug.as_str())
                        .bind(recipient.as_str())
                        .bind(now)
                        .execute(&mut *tx)
                        .await?;
                }
                tx.commit().await?;
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

            async fn spend_challenge(&self, pow: SpentChallenge) -> Result<(), StoreError> {
                let done = sqlx::query(sql::INSERT_SPENT)
                    .bind(&pow.digest[..])
                    .bind(pow.expires_at)
                    .execute(&self.pool)
                    .await?;
                if done.rows_affected() == 0 {
                    return Err(StoreError::ChallengeSpent);
                }
                Ok(())
            }

            async fn forget_expired(
                &self,
                now: i64,
                idle_since: i64,
                quiet_since: i64,
            ) -> Result<u64, StoreError> {
                let sessions = sqlx::query(sql::FORGET_SESSIONS)
                    .bind(now)
                    .bind(idle_since)
                    .execute(&self.pool)
                    .await?;
                let throttles = sqlx::query(sql::FORGET_THROTTLES)
                    .bind(quiet_since)
                    .execute(&self.pool)
                    .await?;
                Ok(sessions.rows_affected() + throttles.rows_affected())
            }

            async fn purge_spent(&self, now: i64) -> Result<u64, StoreError> {
                let done = sqlx::query(sql::PURGE_SPENT)
                    .bind(now)
                    .execute(&self.pool)
                    .await?;
                Ok(done.rows_affected())
            }

            async fn commit_writes(&self, batch: &[Write]) -> Result<Vec<Outcome>, StoreError> {
                let mut connection = self.batch_connection().await?;
                let committed = Self::commit_batch(&mut connection, batch).await;
                if committed.is_err() {
                    self.after_failed_batch(&mut connection).await;
                }
                committed
            }

            async fn insert_report(&self, report: &NewReport) -> Result<(), StoreError> {
                let mut tx = self.begin_write().await?;
                if Self::insert_reports(&mut tx, &[report]).await?.is_empty() {
                    return Err(if Self::desk_has_key(&mut tx, &report.desk).await? {
                        StoreError::Conflict(Thing::ReportReceipt)
                    } else {
                        StoreError::Missing(Thing::Desk)
                    });
                }
                tx.commit().await?;
                Ok(())
            }

            async fn receipt(&self, lookup: &Lookup) -> Result<Option<Receipt>, StoreError> {
                let row: Option<ReceiptRow> = sqlx::query_as(sql::SELECT_RECEIPT)
                    .bind(&lookup.0[..])
                    .fetch_optional(&self.pool)
                    .await?;
                row.map(receipt_from_row).transpose()
            }

            async fn report(&self, id: &ReportId) -> Result<Option<StoredReport>, StoreError> {
                let row: Option<ReportRow> = sqlx::query_as(sql::SELECT_REPORT)
                    .bind(&id.as_bytes()[..])
                    .fetch_optional(&self.pool)
                    .await?;
                row.map(report_from_row).transpose()
            }

            async fn messages(&self, report: &ReportId) -> Result<Vec<Message>, StoreError> {
                let rows: Vec<MessageRow> = sqlx::query_as(sql::SELECT_MESSAGES)
                    .bind(&report.as_bytes()[..])
                    .fetch_all(&self.pool)
                    .await?;
                rows.into_iter().map(message_from_row).collect()
            }

            async fn add_message(
                &self,
                report: &ReportId,
                author: Author,
                ciphertext: &AgeCiphertext,
                now: i64,
                max_messages: i64,
            ) -> Result<(), StoreError> {
                let message = NewMessage {
                    report: *report,
                    author,
                    ciphertext: ciphertext.clone(),
                    created_at: now,
                    max_messages,
                };
                let mut tx = self.begin_write().await?;
                match Self::apply_message(&mut tx, &message).await? {
                    MessageOutcome::Added => {}
                    MessageOutcome::NoSuchReport => return Err(StoreError::Missing(Thing::Report)),
                    MessageOutcome::ThreadFull => return Err(StoreError::Full),
                }
                tx.commit().await?;
                Ok(())
            }

            async fn create_enrolment_code(
                &self,
                digest: &[u8; 32],
                desk: &DeskSlug,
                role: Role,
                expires_at: i64,
            ) -> Result<(), StoreError> {
                sqlx::query(sql::INSERT_CODE)
                    .bind(&digest[..])
                    .bind(desk.as_str())
                    .bind(role.as_str())
                    .bind(expires_at)
                    .execute(&self.pool)
                    .await
                    .map_err(|e| classify(e, StoreError::Missing(Thing::Desk)))?;
                Ok(())
            }

            async fn enrol(
                &self,
                code: &[u8; 32],
                now: i64,
                account: &NewAccount,
            ) -> Result<(DeskSlug, Role), StoreError> {
                let mut tx = self.begin_write().await?;
                let row: Option<(String, String)> = sqlx::query_as(sql::USE_CODE)
                    .bind(&code[..])
                    .bind(now)
                    .bind(account.desk.as_str())
                    .fetch_optional(&mut *tx)
                    .await?;
                let (desk, role) = row.ok_or(StoreError::Missing(Thing::EnrolmentCode))?;
                let inserted = sqlx::query(sql::INSERT_ACCOUNT)
                    .bind(&account.id.0[..])
                    .bind(&desk)
                    .bind(account.username.as_str())
                    .bind(&role)
                    .bind(account.recipient.as_str())
                    .bind(account.wrapped_identity.as_bytes())
                    .bind(&account.auth_hash)
                    .bind(&account.totp_sealed)
                    .bind(account.created_at)
                    .bind(account.signing_key.map(|k| k.to_bytes().to_vec()))
                    .bind(account.unlock_share_sealed.as_deref())
                    .execute(&mut *tx)
                    .await?;
                if inserted.rows_affected() == 0 {
                    // The code is spent all the same: otherwise one code could probe every
                    // user name of the desk.
                    tx.commit().await?;
                    return Err(StoreError::Conflict(Thing::Username));
                }
                tx.commit().await?;
                let desk = DeskSlug::parse(&desk).map_err(|_| StoreError::Corrupt("desk slug"))?;
                let role = role.parse().map_err(|_| StoreError::Corrupt("role"))?;
                Ok((desk, role))
            }

            async fn account(
                &self,
                desk: &DeskSlug,
                username: &Username,
            ) -> Result<Option<Account>, StoreError> {
                let row: Option<AccountRow> = sqlx::query_as(&sql::select_account())
                    .bind(desk.as_str())
                    .bind(username.as_str())
                    .fetch_optional(&self.pool)
                    .await?;
                row.map(account_from_row).transpose()
            }

            async fn accept_totp_step(
                &self,
                account: AccountId,
                step: i64,
                confirm: bool,
            ) -> Result<bool, StoreError> {
                let done = sqlx::query(sql::ACCEPT_TOTP_STEP)
                    .bind(&account.0[..])
                    .bind(step)
                    .bind(i64::from(confirm))
                    .execute(&self.pool)
                    .await?;
                Ok(done.rows_affected() == 1)
            }

            async fn set_password(
                &self,
                account: AccountId,
                auth_hash: &str,
                wrapped_identity: &AgeCiphertext,
                unlock_share_sealed: Option<&[u8]>,
            ) -> Result<(), StoreError> {
                let mut tx = self.begin_write().await?;
                let changed = sqlx::query(sql::SET_PASSWORD)
                    .bind(&account.0[..])
                    .bind(auth_hash)
                    .bind(wrapped_identity.as_bytes())
                    .bind(unlock_share_sealed)
                    .execute(&mut *tx)
                    .await?;
                if changed.rows_affected() == 0 {
                    return Err(StoreError::Missing(Thing::Account));
                }
                sqlx::query(sql::DELETE_SESSIONS_OF)
                    .bind(&account.0[..])
                    .execute(&mut *tx)
                    .await?;
                tx.commit().await?;
                Ok(())
            }

            async fn add_unlock_share(
                &self,
                account: AccountId,
                auth_hash: &str,
                wrapped_identity: &AgeCiphertext,
                unlock_share_sealed: &[u8],
            ) -> Result<(), StoreError> {
                let changed = sqlx::query(sql::ADD_UNLOCK_SHARE)
                    .bind(&account.0[..])
                    .bind(auth_hash)
                    .bind(wrapped_identity.as_bytes())
                    .bind(unlock_share_sealed)
                    .execute(&self.pool)
                    .await?;
                if changed.rows_affected() == 0 {
                    return Err(StoreError::Conflict(Thing::UnlockShare));
                }
                Ok(())
            }

            async fn set_signing_key(
                &self,
                account: AccountId,
                key: &SigningPublic,
            ) -> Result<(), StoreError> {
                sqlx::query(sql::SET_SIGNING_KEY)
                    .bind(&account.0[..])
                    .bind(&key.to_bytes()[..])
                    .execute(&self.pool)
                    .await?;
                Ok(())
            }

            async fn throttle(&self, key: &[u8; 32]) -> Result<Option<(i64, i64)>, StoreError> {
                Ok(sqlx::query_as(sql::SELECT_THROTTLE)
                    .bind(&key[..])
                    .fetch_optional(&self.pool)
                    .await?)
            }

            async fn reserve_attempt(
                &self,
                key: &[u8; 32],
                now: i64,
                backoff: Backoff,
            ) -> Result<Attempt, StoreError> {
                let mut tx = self.begin_write().await?;
                for statement in [sql::ENSURE_THROTTLE, sql::LOCK_THROTTLE] {
                    sqlx::query(statement)
                        .bind(&key[..])
                        .execute(&mut *tx)
                        .await?;
                }
                let (failures, not_before): (i64, i64) = sqlx::query_as(sql::SELECT_THROTTLE)
                    .bind(&key[..])
                    .fetch_one(&mut *tx)
                    .await?;
                if not_before > now {
                    tx.commit().await?;
                    return Ok(Attempt::Wait {
                        secs: not_before - now,
                    });
                }
                let failures = failures + 1;
                sqlx::query(sql::SET_THROTTLE)
                    .bind(&key[..])
                    .bind(failures)
                    .bind(now + backoff.secs(failures))
                    .execute(&mut *tx)
                    .await?;
                tx.commit().await?;
                Ok(Attempt::Reserved { failures })
            }

            async fn clear_throttle(&self, key: &[u8; 32]) -> Result<(), StoreError> {
                sqlx::query(sql::CLEAR_THROTTLE)
                    .bind(&key[..])
                    .execute(&self.pool)
                    .await?;
                Ok(())
            }

            async fn create_session(
                &self,
                digest: &[u8; 32],
                account: AccountId,
                now: i64,
                expires_at: i64,
            ) -> Result<(), StoreError> {
                sqlx::query(sql::INSERT_SESSION)
                    .bind(&digest[..])
                    .bind(&account.0[..])
                    .bind(now)
                    .bind(expires_at)
                    .execute(&self.pool)
                    .await?;
                Ok(())
            }

            async fn session(
                &self,
                digest: &[u8; 32],
                now: i64,
                idle_since: i64,
            ) -> Result<Option<Account>, StoreError> {
                let row: Option<AccountRow> = sqlx::query_as(&sql::select_session())
                    .bind(&digest[..])
                    .bind(now)
                    .bind(idle_since)
                    .fetch_optional(&self.pool)
                    .await?;
                row.map(account_from_row).transpose()
            }

            async fn touch_session(&self, digest: &[u8; 32], now: i64) -> Result<(), StoreError> {
                sqlx::query(sql::TOUCH_SESSION)
                    .bind(&digest[..])
                    .bind(now)
                    .execute(&self.pool)
                    .await?;
                Ok(())
            }

            async fn end_session(&self, digest: &[u8; 32]) -> Result<(), StoreError> {
                sqlx::query(sql::DELETE_SESSION)
                    .bind(&digest[..])
                    .execute(&self.pool)
                    .await?;
                Ok(())
            }

            async fn accounts_of(&self, desk: &DeskSlug) -> Result<Vec<Account>, StoreError> {
                let rows: Vec<AccountRow> = sqlx::query_as(&sql::select_accounts_of_desk())
                    .bind(desk.as_str())
                    .fetch_all(&self.pool)
                    .await?;
                rows.into_iter().map(account_from_row).collect()
            }

            async fn init_desk_key(
                &self,
                desk: &DeskSlug,
                recipient: &Recipient,
                supervisor: AccountId,
                grant: &AgeCiphertext,
                statements: &[NewStatement],
                now: i64,
            ) -> Result<(), StoreError> {
                let mut tx = self.begin_write().await?;
                Self::append_statements(&mut tx, desk, statements, Some(1), now).await?;
                let keyed = sqlx::query(sql::INSERT_FIRST_DESK_KEY)
                    .bind(desk.as_str())
                    .bind(recipient.as_str())
                    .bind(now)
                    .execute(&mut *tx)
                    .await?;
                if keyed.rows_affected() == 0 {
                    return Err(StoreError::Conflict(Thing::DeskKey));
                }
                Self::insert_grant(&mut tx, desk, 1, supervisor, grant, supervisor, now).await?;
                sqlx::query(sql::SET_ACCOUNT_STATUS)
                    .bind(&supervisor.0[..])
                    .bind(AccountStatus::Vetted.as_str())
                    .execute(&mut *tx)
                    .await?;
                tx.commit().await?;
                Ok(())
            }

            async fn statements_of(
                &self,
                desk: &DeskSlug,
            ) -> Result<Vec<StoredStatement>, StoreError> {
                let rows: Vec<(i64, Vec<u8>, Vec<u8>)> = sqlx::query_as(sql::SELECT_STATEMENTS)
                    .bind(desk.as_str())
                    .fetch_all(&self.pool)
                    .await?;
                Ok(rows
                    .into_iter()
                    .map(|(seq, statement, signature)| StoredStatement {
                        seq,
                        statement,
                        signature,
                    })
                    .collect())
            }

            async fn sign_existing(
                &self,
                desk: &DeskSlug,
                statements: &[NewStatement],
                now: i64,
            ) -> Result<(), StoreError> {
                let mut tx = self.begin_write().await?;
                let (next,): (i64,) = sqlx::query_as(sql::NEXT_KEY_VERSION)
                    .bind(desk.as_str())
                    .fetch_one(&mut *tx)
                    .await?;
                Self::append_statements(&mut tx, desk, statements, Some(next - 1), now).await?;
                tx.commit().await?;
                Ok(())
            }

            async fn approve(
                &self,
                approval: &Approval<'_>,
                now: i64,
            ) -> Result<Approved, StoreError> {
                let account = &approval.account.0[..];
                let mut tx = self.begin_write().await?;
                let locked = sqlx::query(sql::LOCK_PENDING_ACCOUNT)
                    .bind(account)
                    .execute(&mut *tx)
                    .await?;
                if locked.rows_affected() == 0 {
                    return Ok(Approved::NotPending);
                }
                let recorded = sqlx::query(sql::INSERT_APPROVAL)
                    .bind(account)
                    .bind(&approval.approver.0[..])
                    .bind(now)
                    .execute(&mut *tx)
                    .await?;
                if recorded.rows_affected() == 0 {
                    return Ok(Approved::Repeated);
                }
                if let Some(statement) = approval.statement {
                    let statements = std::slice::from_ref(statement);
                    Self::append_statements(&mut tx, approval.desk, statements, None, now).await?;
                }
                let (approvals,): (i64,) = sqlx::query_as(sql::COUNT_APPROVALS)
                    .bind(account)
                    .fetch_one(&mut *tx)
                    .await?;
                let (supervisors,): (i64,) = sqlx::query_as(sql::COUNT_SUPERVISORS)
                    .bind(approval.desk.as_str())
                    .fetch_one(&mut *tx)
                    .await?;
                let required = approval.required.min(supervisors).max(1);
                if approvals < required {
                    tx.commit().await?;
                    return Ok(Approved::Waiting {
                        approvals,
                        required,
                    });
                }
                // Dropping the transaction undoes the approval: vetting completes with a grant.
                let grant = approval.grant.ok_or(StoreError::Conflict(Thing::Grant))?;
                Self::insert_grant(
                    &mut tx,
                    approval.desk,
                    approval.key_version,
                    approval.account,
                    grant,
                    approval.approver,
                    now,
                )
                .await
                .map_err(|e| classify(e, StoreError::Missing(Thing::DeskKey)))?;
                sqlx::query(sql::SET_ACCOUNT_STATUS)
                    .bind(account)
                    .bind(AccountStatus::Vetted.as_str())
                    .execute(&mut *tx)
                    .await?;
                tx.commit().await?;
                Ok(Approved::Vetted {
                    approvals,
                    required,
                })
            }

            async fn approvals_of(
                &self,
                desk: &DeskSlug,
            ) -> Result<Vec<(Username, Username)>, StoreError> {
                let rows: Vec<(String, String)> = sqlx::query_as(sql::SELECT_APPROVALS_OF_DESK)
                    .bind(desk.as_str())
                    .fetch_all(&self.pool)
                    .await?;
                rows.into_iter()
                    .map(|(account, approver)| {
                        let parse = |name: &str| {
                            Username::parse(name).map_err(|_| StoreError::Corrupt("a user name"))
                        };
                        Ok((parse(&account)?, parse(&approver)?))
                    })
                    .collect()
            }

            async fn grants(&self, account: AccountId) -> Result<Vec<Grant>, StoreError> {
                let rows: Vec<(i64, Vec<u8>)> = sqlx::query_as(sql::SELECT_GRANTS)
                    .bind(&account.0[..])
                    .fetch_all(&self.pool)
                    .await?;
                Ok(rows
                    .into_iter()
                    .map(|(key_version, wrapped)| Grant {
                        key_version,
                        wrapped_key: AgeCiphertext::from_stored(wrapped),
                    })
                    .collect())
            }

            async fn desk_reports(&self, desk: &DeskSlug) -> Result<Vec<CaseSummary>, StoreError> {
                let rows: Vec<(Vec<u8>, String, i64, i64, Option<String>, i64)> =
                    sqlx::query_as(sql::SELECT_DESK_REPORTS)
                        .bind(desk.as_str())
                        .fetch_all(&self.pool)
                        .await?;
                rows.into_iter()
                    .map(|(id, status, created_at, updated_at, assigned, messages)| {
                        Ok(CaseSummary {
                            id: parse_id(id)?,
                            status: parse_status(&status)?,
                            created_at,
                            updated_at,
                            assigned_to: parse_username(assigned)?,
                            messages,
                        })
                    })
                    .collect()
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
                id: &ReportId,
                author: AccountId,
                ciphertext: &AgeCiphertext,
                now: i64,
            ) -> Result<(), StoreError> {
                let mut tx = self.begin_write().await?;
                // Lock the case row first, as for messages, so concurrent notes queue up.
                let touched = sqlx::query(sql::TOUCH_REPORT)
                    .bind(&id.as_bytes()[..])
                    .bind(now)
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

            async fn notes(&self, id: &ReportId) -> Result<Vec<Note>, StoreError> {
                let rows: Vec<(i64, String, Vec<u8>, i64)> = sqlx::query_as(sql::SELECT_NOTES)
                    .bind(&id.as_bytes()[..])
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

            async fn disable(&self, account: AccountId) -> Result<(), StoreError> {
                let mut tx = self.begin_write().await?;
                sqlx::query(sql::SET_ACCOUNT_STATUS)
                    .bind(&account.0[..])
                    .bind(AccountStatus::Disabled.as_str())
                    .execute(&mut *tx)
                    .await?;
                sqlx::query(sql::DELETE_SESSIONS_OF)
                    .bind(&account.0[..])
                    .execute(&mut *tx)
                    .await?;
                tx.commit().await?;
                Ok(())
            }

            async fn audit(&self, entry: &AuditEntry, at: i64) -> Result<(), StoreError> {
                // Two appends may read the same tail; the loser's insert does nothing and retries.
                for _ in 0..8 {
                    let mut tx = self.begin_write().await?;
                    let last: Option<(i64, Vec<u8>)> = sqlx::query_as(sql::LAST_AUDIT)
                        .fetch_optional(&mut *tx)
                        .await?;
                    let (seq, prev) = match last {
                        Some((seq, hash)) => (
                            seq + 1,
                            hash.try_into()
                                .map_err(|_| StoreError::Corrupt("audit hash"))?,
                        ),
                        None => (1, audit::GENESIS),
                    };
                    let hash = audit::chain_hash(&prev, seq, at, entry);
                    let inserted = sqlx::query(sql::INSERT_AUDIT)
                        .bind(seq)
                        .bind(at)
                        .bind(&entry.desk)
                        .bind(&entry.actor)
                        .bind(&entry.action)
                        .bind(&entry.subject)
                        .bind(&prev[..])
                        .bind(&hash[..])
                        .execute(&mut *tx)
                        .await?;
                    if inserted.rows_affected() == 1 {
                        tx.commit().await?;
                        return Ok(());
                    }
                }
                Err(StoreError::Unavailable("the audit log is too busy".into()))
            }

            async fn audit_log(&self) -> Result<Vec<AuditRow>, StoreError> {
                let rows: Vec<(i64, i64, String, String, String, String, Vec<u8>, Vec<u8>)> =
                    sqlx::query_as(sql::SELECT_AUDIT)
                        .fetch_all(&self.pool)
                        .await?;
                rows.into_iter()
                    .map(|(seq, at, desk, actor, action, subject, prev, hash)| {
                        Ok(AuditRow {
                            seq,
                            at,
                            entry: AuditEntry {
                                desk,
                                actor,
                                action,
                                subject,
                            },
                            prev_hash: prev
                                .try_into()
                                .map_err(|_| StoreError::Corrupt("audit hash"))?,
                            hash: hash
                                .try_into()
                                .map_err(|_| StoreError::Corrupt("audit hash"))?,
                        })
                    })
                    .collect()
            }

            async fn rotate_desk_key(
                &self,
                desk: &DeskSlug,
                recipient: &Recipient,
                grants: &[(AccountId, AgeCiphertext)],
                granted_by: AccountId,
                statements: &[NewStatement],
                now: i64,
            ) -> Result<i64, StoreError> {
                let mut tx = self.begin_write().await?;
                let (version,): (i64,) = sqlx::query_as(sql::NEXT_KEY_VERSION)
                    .bind(desk.as_str())
                    .fetch_one(&mut *tx)
                    .await?;
                Self::append_statements(&mut tx, desk, statements, Some(version), now).await?;
                // A concurrent rotation takes the same number; the primary key refuses the second.
                sqlx::query(sql::INSERT_KEY_VERSION)
                    .bind(desk.as_str())
                    .bind(version)
                    .bind(recipient.as_str())
                    .bind(now)
                    .execute(&mut *tx)
                    .await
                    .map_err(|_| StoreError::Conflict(Thing::DeskKeyVersion))?;
                for (account, grant) in grants {
                    Self::insert_grant(&mut tx, desk, version, *account, grant, granted_by, now)
                        .await?;
                }
                tx.commit().await?;
                Ok(version)
            }
        }
    };
}

pub(crate) use impl_store;
