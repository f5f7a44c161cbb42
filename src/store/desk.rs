//! The desk capability: bound to one desk, for its signed-in accounts (`server::auth` hands it
//! out with the caller's own desk) and for the server host's commands about that desk. Every
//! query it runs names its desk in SQL, so a valid id from another desk finds nothing. Its
//! methods live beside the rows they reach: `desk_keys.rs` (accounts, keys, statements,
//! vetting), `cases.rs` (reports, threads, notes) and `directory.rs` (partners, referrals).

use std::sync::Arc;

use super::{Backend, Desk, StoreError};
use crate::domain::{DeskSlug, RetentionPolicy, Role};

#[derive(Clone)]
pub struct DeskStore {
    pub(super) db: Arc<dyn Backend>,
    pub(super) desk: DeskSlug,
}

impl DeskStore {
    pub(super) fn new(db: Arc<dyn Backend>, desk: DeskSlug) -> Self {
        Self { db, desk }
    }

    /// The desk this capability is bound to.
    pub fn slug(&self) -> &DeskSlug {
        &self.desk
    }

    /// The desk with its current key; `None` before its first key.
    pub async fn desk(&self) -> Result<Option<Desk>, StoreError> {
        self.db.desk(&self.desk).await
    }

    /// Stores an enrolment code (its SHA-256) for a new account of this desk with `role`.
    pub async fn create_enrolment_code(
        &self,
        digest: &[u8; 32],
        role: Role,
        expires_at: i64,
    ) -> Result<(), StoreError> {
        (self.db)
            .create_enrolment_code(digest, &self.desk, role, expires_at)
            .await
    }

    /// The policy the desk's supervisors set, if they did.
    pub async fn retention(&self) -> Result<Option<RetentionPolicy>, StoreError> {
        self.db.retention(&self.desk).await
    }

    /// Sets the desk's own policy, which takes precedence over the configuration's.
    pub async fn set_retention(
        &self,
        policy: &RetentionPolicy,
        now: i64,
    ) -> Result<(), StoreError> {
        self.db.set_retention(&self.desk, policy, now).await
    }
}
