//! Accounts before and after sign-in: enrolment with a code, finding an account by name to check
//! its password, login throttles, sessions (`SignIn`), and what an account changes about itself
//! once its password is proven (`OwnAccount`). The `AccountRows` part of the store and its one
//! implementation.

use std::sync::Arc;

use super::{Account, AccountId, Attempt, Backend, Grant, NewAccount, StoreError};
use crate::crypto::AgeCiphertext;
use crate::domain::{Backoff, DeskSlug, Role, SigningPublic, Username};

#[async_trait::async_trait]
pub trait AccountRows: Send + Sync + 'static {
    async fn create_enrolment_code(
        &self,
        digest: &[u8; 32],
        desk: &DeskSlug,
        role: Role,
        expires_at: i64,
    ) -> Result<(), StoreError>;
    /// Spends the code and creates the account in its desk with its role; `Missing` for an
    /// unknown, used or expired code, `Conflict` for a name the desk has (the code is spent).
    async fn enrol(
        &self,
        code: &[u8; 32],
        now: i64,
        account: &NewAccount,
    ) -> Result<(DeskSlug, Role), StoreError>;
    async fn account(
        &self,
        desk: &DeskSlug,
        username: &Username,
    ) -> Result<Option<Account>, StoreError>;
    async fn accept_totp_step(
        &self,
        account: AccountId,
        step: i64,
        confirm: bool,
    ) -> Result<bool, StoreError>;
    async fn set_password(
        &self,
        account: AccountId,
        auth_hash: &str,
        wrapped_identity: &AgeCiphertext,
        unlock_share_sealed: Option<&[u8]>,
    ) -> Result<(), StoreError>;
    async fn add_unlock_share(
        &self,
        account: AccountId,
        auth_hash: &str,
        wrapped_identity: &AgeCiphertext,
        unlock_share_sealed: &[u8],
    ) -> Result<(), StoreError>;
    async fn set_signing_key(
        &self,
        account: AccountId,
        key: &SigningPublic,
    ) -> Result<(), StoreError>;
    async fn grants(&self, account: AccountId) -> Result<Vec<Grant>, StoreError>;

    async fn throttle(&self, key: &[u8; 32]) -> Result<Option<(i64, i64)>, StoreError>;
    async fn reserve_attempt(
        &self,
        key: &[u8; 32],
        now: i64,
        backoff: Backoff,
    ) -> Result<Attempt, StoreError>;
    async fn clear_throttle(&self, key: &[u8; 32]) -> Result<(), StoreError>;

    async fn create_session(
        &self,
        digest: &[u8; 32],
        account: AccountId,
        now: i64,
        expires_at: i64,
    ) -> Result<(), StoreError>;
    /// The account a live session belongs to: not expired at `now`, seen since `idle_since`,
    /// and the account still vetted or pending.
    async fn session(
        &self,
        digest: &[u8; 32],
        now: i64,
        idle_since: i64,
    ) -> Result<Option<Account>, StoreError>;
    async fn touch_session(&self, digest: &[u8; 32], now: i64) -> Result<(), StoreError>;
    async fn end_session(&self, digest: &[u8; 32]) -> Result<(), StoreError>;
}

/// Sign-in: unscoped by nature, since it runs before anyone is known. It enrols with a code,
/// finds an account by desk and name for the caller to check its password, keeps the login
/// throttles, and opens, finds and ends sessions.
#[derive(Clone)]
pub struct SignIn {
    db: Arc<dyn Backend>,
}

impl SignIn {
    pub(super) fn new(db: Arc<dyn Backend>) -> Self {
        Self { db }
    }

    pub async fn enrol(
        &self,
        code: &[u8; 32],
        now: i64,
        account: &NewAccount,
    ) -> Result<(DeskSlug, Role), StoreError> {
        self.db.enrol(code, now, account).await
    }

    /// The account of that name in that desk, to check a password against.
    pub async fn account(
        &self,
        desk: &DeskSlug,
        username: &Username,
    ) -> Result<Option<Account>, StoreError> {
        self.db.account(desk, username).await
    }

    pub async fn throttle(&self, key: &[u8; 32]) -> Result<Option<(i64, i64)>, StoreError> {
        self.db.throttle(key).await
    }

    pub async fn reserve_attempt(
        &self,
        key: &[u8; 32],
        now: i64,
        backoff: Backoff,
    ) -> Result<Attempt, StoreError> {
        self.db.reserve_attempt(key, now, backoff).await
    }

    pub async fn clear_throttle(&self, key: &[u8; 32]) -> Result<(), StoreError> {
        self.db.clear_throttle(key).await
    }

    pub async fn create_session(
        &self,
        digest: &[u8; 32],
        account: AccountId,
        now: i64,
        expires_at: i64,
    ) -> Result<(), StoreError> {
        self.db
            .create_session(digest, account, now, expires_at)
            .await
    }

    pub async fn session(
        &self,
        digest: &[u8; 32],
        now: i64,
        idle_since: i64,
    ) -> Result<Option<Account>, StoreError> {
        self.db.session(digest, now, idle_since).await
    }

    pub async fn touch_session(&self, digest: &[u8; 32], now: i64) -> Result<(), StoreError> {
        self.db.touch_session(digest, now).await
    }

    pub async fn end_session(&self, digest: &[u8; 32]) -> Result<(), StoreError> {
        self.db.end_session(digest).await
    }

    /// Uses TOTP step `step` of `account` unless it (or a later one) was used; with `confirm`,
    /// marks the account's TOTP confirmed. Whether the step was accepted.
    pub async fn accept_totp_step(
        &self,
        account: AccountId,
        step: i64,
        confirm: bool,
    ) -> Result<bool, StoreError> {
        self.db.accept_totp_step(account, step, confirm).await
    }

    /// What `account` may change about itself: only once the caller has proven it, by a live
    /// session (`server::auth`) or by its auth key and TOTP code again (a password change).
    pub fn proven(&self, account: &Account) -> OwnAccount {
        OwnAccount::new(self.db.clone(), account.id)
    }

    /// The partner whose API token has this SHA-256, whatever its status.
    pub async fn partner(&self, digest: &[u8; 32]) -> Result<Option<super::Partner>, StoreError> {
        self.db.partner_by_token(digest).await
    }
}

/// What one account changes about itself once it has proven its password (and TOTP): bound to
/// that account's id.
#[derive(Clone)]
pub struct OwnAccount {
    db: Arc<dyn Backend>,
    id: AccountId,
}

impl OwnAccount {
    pub(super) fn new(db: Arc<dyn Backend>, id: AccountId) -> Self {
        Self { db, id }
    }

    /// A new password: its verifier, the identity wrapped anew, and the unlock share; every
    /// session of the account ends.
    pub async fn set_password(
        &self,
        auth_hash: &str,
        wrapped_identity: &AgeCiphertext,
        unlock_share_sealed: Option<&[u8]>,
    ) -> Result<(), StoreError> {
        let db = &self.db;
        db.set_password(self.id, auth_hash, wrapped_identity, unlock_share_sealed)
            .await
    }

    /// Upgrades an account from before unlock shares; `Conflict` if it has one.
    pub async fn add_unlock_share(
        &self,
        auth_hash: &str,
        wrapped_identity: &AgeCiphertext,
        unlock_share_sealed: &[u8],
    ) -> Result<(), StoreError> {
        let db = &self.db;
        db.add_unlock_share(self.id, auth_hash, wrapped_identity, unlock_share_sealed)
            .await
    }

    pub async fn set_signing_key(&self, key: &SigningPublic) -> Result<(), StoreError> {
        self.db.set_signing_key(self.id, key).await
    }

    /// The desk keys granted to this account, by version.
    pub async fn grants(&self) -> Result<Vec<Grant>, StoreError> {
        self.db.grants(self.id).await
    }
}

/// The one `AccountRows` implementation, for each backend's pool type (see `sqlite.rs`).
macro_rules! impl_account_rows {
    ($store:ident, $db:ty) => {
        #[async_trait::async_trait]
        impl $crate::store::AccountRows for $store {
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
        }
    };
}

pub(crate) use impl_account_rows;
