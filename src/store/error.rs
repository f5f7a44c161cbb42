//! How a store operation fails: a conflict or a missing row named by what it is about, or the
//! database itself failing.

use std::fmt;

/// What a conflict or a missing row is about: one name per kind, so that each maps to its own
/// answer (a report gone from under a follow-up is not a missing desk).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Thing {
    Desk,
    DeskKey,
    DeskKeyVersion,
    DeskStatements,
    Grant,
    Account,
    Username,
    EnrolmentCode,
    Report,
    ReportReceipt,
    Case,
    CasePart,
    CaseSeal,
    Partner,
    PartnerName,
    NewerAnswer,
    Referral,
    Attachment,
    UnlockShare,
}

impl Thing {
    pub fn as_str(self) -> &'static str {
        match self {
            Thing::Desk => "the desk",
            Thing::DeskKey => "the desk key",
            Thing::DeskKeyVersion => "a desk key of that version",
            Thing::DeskStatements => "the desk's statements",
            Thing::Grant => "the grant",
            Thing::Account => "the account",
            Thing::Username => "the user name",
            Thing::EnrolmentCode => "the enrolment code",
            Thing::Report => "the report",
            Thing::ReportReceipt => "a report with this receipt",
            Thing::Case => "the case",
            Thing::CasePart => "that part of the case",
            Thing::CaseSeal => "the case's seal",
            Thing::Partner => "the partner",
            Thing::PartnerName => "a partner of that name",
            Thing::NewerAnswer => "a newer answer on this referral",
            Thing::Referral => "the referral",
            Thing::Attachment => "the attachment",
            Thing::UnlockShare => "the account's unlock share",
        }
    }
}

impl fmt::Display for Thing {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[derive(Debug, Clone, thiserror::Error)]
pub enum StoreError {
    #[error("{0} already exists")]
    Conflict(Thing),
    #[error("{0} does not exist")]
    Missing(Thing),
    #[error("the proof-of-work challenge was already used")]
    ChallengeSpent,
    #[error("the case thread has reached its message limit")]
    Full,
    #[error("the database holds a value this version cannot read ({0})")]
    Corrupt(&'static str),
    /// The database could not be reached or refused the operation. The message is for logs only:
    /// it never holds bound values, which sqlx does not print.
    #[error("database unavailable: {0}")]
    Unavailable(String),
    /// The database's disk is full (SQLite SQLITE_FULL, PostgreSQL 53100 disk_full).
    #[error("the database's disk is full")]
    StorageFull,
    /// This backend does not do that; the message says what to use instead.
    #[error("{0}")]
    Unsupported(&'static str),
}

impl From<sqlx::Error> for StoreError {
    fn from(e: sqlx::Error) -> Self {
        if let sqlx::Error::Database(db) = &e {
            // SQLite's primary result code 13 is SQLITE_FULL; PostgreSQL's SQLSTATE 53100.
            if matches!(db.code().as_deref(), Some("13") | Some("53100")) {
                return StoreError::StorageFull;
            }
        }
        StoreError::Unavailable(e.to_string())
    }
}

impl From<sqlx::migrate::MigrateError> for StoreError {
    fn from(e: sqlx::migrate::MigrateError) -> Self {
        StoreError::Unavailable(format!("migration failed: {e}"))
    }
}
