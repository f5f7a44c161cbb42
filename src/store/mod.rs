//! Storage, reached only through capabilities. `open` gives a `Database`; its handles carry the
//! authority of whoever holds them, and each reaches only its own rows:
//!
//! - `IntakeStore` (`intake.rs`): anyone on the internet: the desks, a receipt check, and
//!   submissions and messages through group commit (`group_commit.rs`);
//! - `ReporterStore` (`reporter.rs`): one report, after its receipt phrase was proven;
//! - `SignIn` and `OwnAccount` (`accounts.rs`): enrolment, login and sessions, then what an account
//!   changes about itself;
//! - `DeskStore` (`desk.rs`, with `desk_keys.rs`, `checkpoints.rs`, `cases.rs`, `directory.rs`):
//!   one desk; every
//!   query names it in SQL, so a valid id from another desk finds nothing;
//! - `PartnerStore` (`partners.rs`): one partner's referrals and answers;
//! - `UploadStore` (`attachments.rs`): one attachment's upload, for the holder of its token;
//! - `AuditLog` (`audit.rs`): appending to the hash-chained audit log;
//! - `Maintenance` (`maintenance.rs`): the server host and the server's periodic jobs, across
//!   desks, and named so.
//!
//! Under the handles, each area's rows are one trait (`IntakeRows`, `CaseRows`, …) with one
//! implementation stamped out for SQLite (the embedded default) and PostgreSQL (production) by a
//! macro in the same file: both run the same SQL from `sql.rs`, and the conformance suite
//! (`tests/suite/conformance.rs`) runs against both. `Backend` is all of them together.
//!
//! What is stored is listed in SECURITY.md: ciphertext, the receipt lookup and verifier, the reply
//! recipient, desk metadata and hour-rounded times. Nothing here ever sees plaintext.

mod accounts;
pub mod attachments;
pub mod audit;
mod cases;
pub mod checkpoints;
mod desk;
mod desk_keys;
mod directory;
mod error;
pub mod group_commit;
mod intake;
pub mod links;
pub mod maintenance;
mod model;
pub mod partners;
mod postgres;
mod reporter;
mod rows;
mod sql;
mod sqlite;
mod wal_copier;

use std::sync::Arc;

pub use accounts::{AccountRows, OwnAccount, SignIn};
pub use attachments::{
    Attachment, AttachmentQuota, AttachmentRows, NewAttachment, Reservation, UploadStore,
};
pub use audit::{AuditEntry, AuditLog, AuditRow, AuditRows};
pub use cases::CaseRows;
pub use checkpoints::{CheckpointRows, StoredCheckpoint};
pub use desk::DeskStore;
pub use desk_keys::DeskKeyRows;
pub use directory::DirectoryRows;
pub use error::{StoreError, Thing};
pub use intake::{IntakeRows, IntakeStore};
pub use links::{CaseLinks, LinkRows, TokenCases};
pub use maintenance::{Maintenance, MaintenanceRows};
pub use model::*;
pub use partners::{
    NewReferral, Partner, PartnerRows, PartnerStore, Referral, ReferralUpdate, WebhookDelivery,
};
pub use reporter::ReporterStore;

use postgres::PgStore;
use rows::*;
use sqlite::SqliteStore;

use crate::crypto::AgeCiphertext;
use crate::domain::{
    AccountStatus, Backoff, DeskName, DeskSlug, Lookup, PartnerId, PartnerStatus, Recipient,
    ReferralId, ReferralStatus, ReportId, Role, SigningPublic, Status, Username,
};

/// Every area's rows: what one backend implements.
pub trait Backend:
    IntakeRows
    + AccountRows
    + DeskKeyRows
    + CaseRows
    + DirectoryRows
    + PartnerRows
    + MaintenanceRows
    + AuditRows
    + CheckpointRows
    + LinkRows
    + AttachmentRows
{
}

impl<T> Backend for T where
    T: IntakeRows
        + AccountRows
        + DeskKeyRows
        + CaseRows
        + DirectoryRows
        + PartnerRows
        + MaintenanceRows
        + AuditRows
        + CheckpointRows
        + LinkRows
        + AttachmentRows
{
}

/// An open database: the one place capabilities are handed out. The server keeps it private and
/// hands each request the capability its caller proved (`server::auth`).
#[derive(Clone)]
pub struct Database {
    db: Arc<dyn Backend>,
}

impl Database {
    pub fn intake(&self) -> IntakeStore {
        IntakeStore::new(self.db.clone())
    }

    pub fn sign_in(&self) -> SignIn {
        SignIn::new(self.db.clone())
    }

    /// The desk capability for `desk`: given to that desk's signed-in accounts.
    pub fn desk(&self, desk: &DeskSlug) -> DeskStore {
        DeskStore::new(self.db.clone(), desk.clone())
    }

    /// The partner capability for `partner`: given to the holder of its API token.
    pub fn partner(&self, partner: &Partner) -> PartnerStore {
        PartnerStore::new(self.db.clone(), partner.id, partner.desk.clone())
    }

    pub fn audit_log(&self) -> AuditLog {
        AuditLog::new(self.db.clone())
    }

    pub fn maintenance(&self) -> Maintenance {
        Maintenance::new(self.db.clone())
    }
}

/// Opens the database a URL names, creating and migrating it as needed.
pub async fn open(url: &str, max_connections: u32) -> Result<Database, StoreError> {
    let db: Arc<dyn Backend> = if url.starts_with("sqlite:") {
        Arc::new(SqliteStore::open(url, max_connections).await?)
    } else if url.starts_with("postgres://") || url.starts_with("postgresql://") {
        Arc::new(PgStore::open(url, max_connections).await?)
    } else {
        return Err(StoreError::Unavailable(
            "the database URL must start with sqlite: or postgres://".into(),
        ));
    };
    Ok(Database { db })
}
