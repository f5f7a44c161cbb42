//! A desk's accounts, keys and signed statements: the first desk key, vetting approvals,
//! rotation, disabling an account, and the statements that sign all of these (docs/protocol.md
//! §6, §10). The `DeskKeyRows` part of the store, its one implementation, and the `DeskStore`
//! methods that reach it.

use super::{
    Account, AccountId, Approval, Approved, DeskStore, NewStatement, StoreError, StoredStatement,
};
use crate::crypto::AgeCiphertext;
use crate::domain::{DeskSlug, Recipient, Username};

#[async_trait::async_trait]
pub trait DeskKeyRows: Send + Sync + 'static {
    async fn accounts_of(&self, desk: &DeskSlug) -> Result<Vec<Account>, StoreError>;
    /// The desk's first key, the supervisor's grant of it and the desk's first statements;
    /// the supervisor becomes vetted. `Conflict` if the desk has a key.
    async fn init_desk_key(
        &self,
        desk: &DeskSlug,
        recipient: &Recipient,
        supervisor: AccountId,
        grant: &AgeCiphertext,
        statements: &[NewStatement],
        now: i64,
    ) -> Result<(), StoreError>;
    async fn statements_of(&self, desk: &DeskSlug) -> Result<Vec<StoredStatement>, StoreError>;
    /// Appends statements that sign what the desk holds already (a chain started late).
    async fn sign_existing(
        &self,
        desk: &DeskSlug,
        statements: &[NewStatement],
        now: i64,
    ) -> Result<(), StoreError>;
    async fn approve(
        &self,
        desk: &DeskSlug,
        approval: &Approval<'_>,
        now: i64,
    ) -> Result<Approved, StoreError>;
    /// (pending account, approver) pairs of the desk's pending accounts.
    async fn approvals_of(&self, desk: &DeskSlug) -> Result<Vec<(Username, Username)>, StoreError>;
    /// A new desk key version with its grants, each to an account of the desk (`Missing`
    /// otherwise, and nothing is stored); returns the version.
    async fn rotate_desk_key(
        &self,
        desk: &DeskSlug,
        recipient: &Recipient,
        grants: &[(AccountId, AgeCiphertext)],
        granted_by: AccountId,
        statements: &[NewStatement],
        now: i64,
    ) -> Result<i64, StoreError>;
    /// Disables an account of the desk and ends its sessions; `Missing` for any other account.
    async fn disable(&self, desk: &DeskSlug, account: AccountId) -> Result<(), StoreError>;
}

impl DeskStore {
    /// The desk's accounts, by user name.
    pub async fn accounts(&self) -> Result<Vec<Account>, StoreError> {
        self.db.accounts_of(&self.desk).await
    }

    /// The desk's account of that name.
    pub async fn account(&self, username: &Username) -> Result<Option<Account>, StoreError> {
        self.db.account(&self.desk, username).await
    }

    pub async fn init_key(
        &self,
        recipient: &Recipient,
        supervisor: AccountId,
        grant: &AgeCiphertext,
        statements: &[NewStatement],
        now: i64,
    ) -> Result<(), StoreError> {
        (self.db)
            .init_desk_key(&self.desk, recipient, supervisor, grant, statements, now)
            .await
    }

    /// The desk's signed statements, in order.
    pub async fn statements(&self) -> Result<Vec<StoredStatement>, StoreError> {
        self.db.statements_of(&self.desk).await
    }

    pub async fn sign_existing(
        &self,
        statements: &[NewStatement],
        now: i64,
    ) -> Result<(), StoreError> {
        self.db.sign_existing(&self.desk, statements, now).await
    }

    /// Records a supervisor's approval of a pending account of this desk; the approval that
    /// completes vetting stores its grant. `NotPending` for an account of another desk.
    pub async fn approve(&self, approval: &Approval<'_>, now: i64) -> Result<Approved, StoreError> {
        self.db.approve(&self.desk, approval, now).await
    }

    pub async fn approvals(&self) -> Result<Vec<(Username, Username)>, StoreError> {
        self.db.approvals_of(&self.desk).await
    }

    pub async fn rotate_key(
        &self,
        recipient: &Recipient,
        grants: &[(AccountId, AgeCiphertext)],
        granted_by: AccountId,
        statements: &[NewStatement],
        now: i64,
    ) -> Result<i64, StoreError> {
        (self.db)
            .rotate_desk_key(&self.desk, recipient, grants, granted_by, statements, now)
            .await
    }

    pub async fn disable(&self, account: AccountId) -> Result<(), StoreError> {
        self.db.disable(&self.desk, account).await
    }
}

/// The one `DeskKeyRows` implementation, for each backend's pool type (see `sqlite.rs`).
macro_rules! impl_desk_key_rows {
    ($store:ident, $db:ty) => {
        impl $store {
            /// Stores one grant of a desk key version to an account of `desk`; 0 rows if the
            /// account holds it already or is not the desk's.
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
                        .bind(statement.opening.as_deref())
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
        impl $crate::store::DeskKeyRows for $store {
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
                    .bind(desk.as_str())
                    .execute(&mut *tx)
                    .await?;
                tx.commit().await?;
                Ok(())
            }

            async fn statements_of(
                &self,
                desk: &DeskSlug,
            ) -> Result<Vec<StoredStatement>, StoreError> {
                type Row = (i64, Vec<u8>, Vec<u8>, Option<Vec<u8>>);
                let rows: Vec<Row> = sqlx::query_as(sql::SELECT_STATEMENTS)
                    .bind(desk.as_str())
                    .fetch_all(&self.pool)
                    .await?;
                Ok(rows
                    .into_iter()
                    .map(|(seq, statement, signature, opening)| StoredStatement {
                        seq,
                        statement,
                        signature,
                        opening,
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
                desk: &DeskSlug,
                approval: &Approval<'_>,
                now: i64,
            ) -> Result<Approved, StoreError> {
                let account = &approval.account.0[..];
                let mut tx = self.begin_write().await?;
                let locked = sqlx::query(sql::LOCK_PENDING_ACCOUNT)
                    .bind(account)
                    .bind(desk.as_str())
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
                    Self::append_statements(&mut tx, desk, statements, None, now).await?;
                }
                let (approvals,): (i64,) = sqlx::query_as(sql::COUNT_APPROVALS)
                    .bind(account)
                    .fetch_one(&mut *tx)
                    .await?;
                let (supervisors,): (i64,) = sqlx::query_as(sql::COUNT_SUPERVISORS)
                    .bind(desk.as_str())
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
                    desk,
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
                    .bind(desk.as_str())
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
                    let stored = Self::insert_grant(
                        &mut tx, desk, version, *account, grant, granted_by, now,
                    )
                    .await?;
                    // Nothing of a new version is held yet: no row means another desk's account.
                    if stored == 0 {
                        return Err(StoreError::Missing(Thing::Account));
                    }
                }
                tx.commit().await?;
                Ok(version)
            }

            async fn disable(&self, desk: &DeskSlug, account: AccountId) -> Result<(), StoreError> {
                let mut tx = self.begin_write().await?;
                let changed = sqlx::query(sql::SET_ACCOUNT_STATUS)
                    .bind(&account.0[..])
                    .bind(AccountStatus::Disabled.as_str())
                    .bind(desk.as_str())
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
        }
    };
}

pub(crate) use impl_desk_key_rows;
