//! Storage behind one trait, with SQLite (the embedded default) and PostgreSQL (production)
//! implementations selected by the database URL. Both run the same SQL from `sql.rs`; the same
//! conformance suite (`tests/store_conformance.rs`) runs against both.
//!
//! What is stored is listed in SECURITY.md: ciphertext, the receipt lookup and verifier, the reply
//! recipient, desk metadata and hour-rounded times. Nothing here ever sees plaintext.

pub mod audit;
pub mod group_commit;
mod impl_store;
pub mod maintenance;
pub mod partners;
mod postgres;
mod sql;
mod sqlite;

use std::fmt;
use std::sync::Arc;

pub use audit::{AuditEntry, AuditRow};
pub use maintenance::MaintenanceStore;
pub use partners::{NewReferral, Partner, PartnerStore, Referral, ReferralUpdate, WebhookDelivery};
pub use postgres::PgStore;
pub use sqlite::SqliteStore;

use crate::crypto::AgeCiphertext;
use crate::domain::{
    AccountStatus, Author, Backoff, DeskName, DeskSlug, Lookup, PartnerId, PartnerStatus,
    Recipient, ReferralId, ReferralStatus, ReportId, Role, SigningPublic, Status, Username,
    Verifier,
};

/// A desk with its current public key.
#[derive(Debug, Clone)]
pub struct Desk {
    pub slug: DeskSlug,
    pub name: DeskName,
    pub recipient: Recipient,
    pub key_version: i64,
}

/// A desk as listed for administrators: its current key, if it has one yet.
#[derive(Debug, Clone)]
pub struct DeskListing {
    pub slug: DeskSlug,
    pub name: DeskName,
    pub key: Option<(Recipient, i64)>,
    /// The key is kept outside Resguardo (`desk create --recipient`): no device holds it, so no
    /// account can ever be vetted and the desk reads its reports from `admin export`.
    pub key_outside: bool,
}

/// A desk identity wrapped to one account's key.
#[derive(Debug, Clone)]
pub struct Grant {
    pub key_version: i64,
    pub wrapped_key: AgeCiphertext,
}

/// A report as the server receives it.
#[derive(Debug, Clone)]
pub struct NewReport {
    pub id: ReportId,
    /// Stored under this desk's key version current at commit.
    pub desk: DeskSlug,
    pub ciphertext: AgeCiphertext,
    pub lookup: Lookup,
    pub verifier: Verifier,
    pub reply_recipient: Recipient,
    pub created_at: i64,
}

/// A proof-of-work challenge being spent.
#[derive(Debug, Clone, Copy)]
pub struct SpentChallenge {
    pub digest: [u8; 32],
    /// The expiry rounded *up* to the hour: never forgotten before it expires, and no precise
    /// time (which would date the report stored next to it) reaches the database.
    pub expires_at: i64,
}

impl SpentChallenge {
    pub fn of(challenge: &crate::crypto::pow::Challenge) -> Self {
        Self {
            digest: challenge.digest(),
            expires_at: crate::time::bucket(challenge.expires_at()) + crate::time::BUCKET_SECS,
        }
    }
}

/// What reserving a login attempt gave.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Attempt {
    /// Go ahead: this is failure number `failures` of the streak unless it succeeds.
    Reserved { failures: i64 },
    /// Wait this many seconds first; nothing was counted.
    Wait { secs: i64 },
}

/// One submission as intake commits it: its challenge spent and, when the envelope was
/// acceptable, its report stored, both or neither.
#[derive(Debug, Clone)]
pub struct Intake {
    pub spend: SpentChallenge,
    pub report: Option<NewReport>,
}

/// What committing one `Intake` did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum IntakeOutcome {
    /// The challenge is now spent, and the report (if there was one) stored.
    Committed,
    /// The challenge had been spent before; nothing was stored.
    ChallengeSpent,
    /// The challenge is now spent, but a report with the same receipt lookup exists.
    ReceiptConflict,
    /// The challenge is now spent, but the desk does not exist or has no key yet.
    NoSuchDesk,
}

/// A message for a case thread, as the server receives it.
#[derive(Debug, Clone)]
pub struct NewMessage {
    pub report: ReportId,
    pub author: Author,
    pub ciphertext: AgeCiphertext,
    pub created_at: i64,
    /// The cap on this author's messages in the thread (`intake.max_messages_per_report`).
    pub max_messages: i64,
}

/// What committing one `NewMessage` did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MessageOutcome {
    Added,
    /// No such report (purged, say); nothing was stored.
    NoSuchReport,
    /// The thread holds `max_messages` of this author's already; nothing was stored.
    ThreadFull,
}

/// A write that group commit batches.
#[derive(Debug, Clone)]
pub enum Write {
    Intake(Intake),
    Message(NewMessage),
}

/// The outcome of one `Write`, of the same kind.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    Intake(IntakeOutcome),
    Message(MessageOutcome),
}

/// What a receipt lookup finds.
#[derive(Debug, Clone)]
pub struct Receipt {
    pub report_id: ReportId,
    pub desk: DeskSlug,
    pub verifier: Verifier,
    pub status: Status,
    pub created_at: i64,
    pub updated_at: i64,
}

/// A stored report.
#[derive(Debug, Clone)]
pub struct StoredReport {
    pub id: ReportId,
    pub desk: DeskSlug,
    pub key_version: i64,
    pub ciphertext: AgeCiphertext,
    pub status: Status,
    pub created_at: i64,
    pub updated_at: i64,
}

/// A case as its desk's inbox lists it: metadata only.
#[derive(Debug, Clone)]
pub struct CaseSummary {
    pub id: ReportId,
    pub status: Status,
    pub created_at: i64,
    pub updated_at: i64,
    pub assigned_to: Option<Username>,
    pub messages: i64,
}

/// A case as a vetted worker of its desk opens it.
#[derive(Debug, Clone)]
pub struct Case {
    pub report: StoredReport,
    pub reply_recipient: Recipient,
    pub assigned_to: Option<Username>,
    /// The case seal (§10.5), age ciphertext to the desk key; `None` until a device seals it.
    pub seal: Option<AgeCiphertext>,
}

/// A supervisor's approval of a pending account, with the grant to store if it completes vetting.
#[derive(Debug, Clone, Copy)]
pub struct Approval<'a> {
    pub desk: &'a DeskSlug,
    pub account: AccountId,
    pub approver: AccountId,
    /// The desk key version `grant` wraps: the desk's current one.
    pub key_version: i64,
    /// Sent only with the approval that completes vetting; without it, that approval is a
    /// `Conflict("the grant")` and nothing is recorded.
    pub grant: Option<&'a AgeCiphertext>,
    /// `vetting.approvals_required`: distinct supervisors needed, capped at those the desk has.
    pub required: i64,
    /// The approver's signed approval, appended with it.
    pub statement: Option<&'a NewStatement>,
}

/// A signed key statement to append in the transaction of the change it records. The route
/// has parsed it and checked its signer and content; the store checks its place in the chain.
#[derive(Debug, Clone)]
pub struct NewStatement {
    pub seq: i64,
    pub kind: i64,
    /// The account or partner it is about.
    pub subject: Option<[u8; 16]>,
    /// The link of the statement before it (zeros for the first).
    pub prev: [u8; 32],
    pub statement: Vec<u8>,
    pub signature: [u8; 64],
    pub link: [u8; 32],
    /// For a desk key statement, the version it signs: it must be the one the change makes.
    pub key_version: Option<i64>,
}

/// A stored statement, as devices fetch it.
#[derive(Debug, Clone)]
pub struct StoredStatement {
    pub seq: i64,
    pub statement: Vec<u8>,
    pub signature: Vec<u8>,
}

/// Where an account stands after an approval.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Approved {
    /// The account is no longer pending (vetted or disabled meanwhile).
    NotPending,
    /// This supervisor approved it before.
    Repeated,
    /// Recorded; more approvals are needed.
    Waiting { approvals: i64, required: i64 },
    /// The grant is stored and the account vetted.
    Vetted { approvals: i64, required: i64 },
}

/// One ciphertext of a case: the report, a thread message or a note (by sequence number).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CasePart {
    Report,
    Message(i64),
    Note(i64),
    /// A referral's copy, while it has not expired.
    Referral(ReferralId),
    /// A referral's consent-override reason.
    ReferralReason(ReferralId),
    /// A partner's answer (`seq`) to a referral.
    ReferralUpdate(ReferralId, i64),
    /// The case seal, once made.
    Seal,
}

/// A desk-only note on a case.
#[derive(Debug, Clone)]
pub struct Note {
    pub seq: i64,
    pub author: Username,
    pub ciphertext: AgeCiphertext,
    pub created_at: i64,
}

/// One message of a case thread.
#[derive(Debug, Clone)]
pub struct Message {
    pub seq: i64,
    pub author: Author,
    pub ciphertext: AgeCiphertext,
    pub created_at: i64,
}

/// An account's id: 16 random bytes, never shown to people.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AccountId(pub [u8; 16]);

/// An account as enrolment creates it; the role comes from the enrolment code, which must be
/// for this desk. `Debug` leaves out the auth hash and the sealed secrets.
#[derive(Clone)]
pub struct NewAccount {
    pub id: AccountId,
    pub desk: DeskSlug,
    pub username: Username,
    pub recipient: Recipient,
    pub wrapped_identity: AgeCiphertext,
    /// Argon2id of the auth key, as a PHC string.
    pub auth_hash: String,
    pub totp_sealed: Vec<u8>,
    /// The unlock share sealed under the server key (docs/protocol.md §6); `None` only from a
    /// client older than shares, whose device adds one at the first login.
    pub unlock_share_sealed: Option<Vec<u8>>,
    pub created_at: i64,
    /// `None` only from a client older than signing keys.
    pub signing_key: Option<SigningPublic>,
}

/// A stored account. `Debug` leaves out the auth hash and the sealed TOTP secret and unlock
/// share: a hash an attacker could test guesses against, and secrets, have no business in a log
/// or a panic.
#[derive(Clone)]
pub struct Account {
    pub id: AccountId,
    pub desk: DeskSlug,
    pub username: Username,
    pub role: Role,
    pub status: AccountStatus,
    pub recipient: Recipient,
    pub wrapped_identity: AgeCiphertext,
    pub auth_hash: String,
    pub totp_sealed: Vec<u8>,
    pub totp_confirmed: bool,
    pub totp_last_step: i64,
    /// The unlock share sealed under the server key; with one, `auth_hash` is of the peppered
    /// auth key. `None` for an account made before shares that has not logged in since.
    pub unlock_share_sealed: Option<Vec<u8>>,
    /// `None` for an account enrolled before signing keys that has not logged in since.
    pub signing_key: Option<SigningPublic>,
}

impl std::fmt::Debug for Account {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Account")
            .field("id", &self.id)
            .field("desk", &self.desk)
            .field("username", &self.username)
            .field("role", &self.role)
            .field("status", &self.status)
            .field("recipient", &self.recipient)
            .field("totp_confirmed", &self.totp_confirmed)
            .field("signing_key", &self.signing_key)
            .finish_non_exhaustive()
    }
}

impl std::fmt::Debug for NewAccount {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("NewAccount")
            .field("id", &self.id)
            .field("desk", &self.desk)
            .field("username", &self.username)
            .field("recipient", &self.recipient)
            .field("signing_key", &self.signing_key)
            .finish_non_exhaustive()
    }
}

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

#[async_trait::async_trait]
pub trait Store: PartnerStore + MaintenanceStore + Send + Sync + 'static {
    /// Checks that the database answers.
    async fn ping(&self) -> Result<(), StoreError>;

    async fn create_desk(
        &self,
        slug: &DeskSlug,
        name: &DeskName,
        recipient: Option<&Recipient>,
        now: i64,
    ) -> Result<(), StoreError>;
    /// Every desk, with its current key if it has one.
    async fn desks(&self) -> Result<Vec<DeskListing>, StoreError>;
    async fn desk(&self, slug: &DeskSlug) -> Result<Option<Desk>, StoreError>;

    /// Records a proof-of-work challenge as spent; `ChallengeSpent` if it already was. Committed on
    /// its own, before the report is looked at, so one solution buys exactly one attempt.
    async fn spend_challenge(&self, pow: SpentChallenge) -> Result<(), StoreError>;
    /// Commits writes in one transaction, so that one durable commit acknowledges them all
    /// (`group_commit.rs` gathers them); one outcome per write, in order. An error means none of
    /// them was committed.
    async fn commit_writes(&self, batch: &[Write]) -> Result<Vec<Outcome>, StoreError>;
    /// Forgets spent challenges that expired before `now`; returns how many.
    async fn purge_spent(&self, now: i64) -> Result<u64, StoreError>;
    /// Forgets what has no use any more and would only tell when someone acted: sessions past
    /// their absolute expiry or idle since before `idle_since`, and login throttles whose wait
    /// ended before `quiet_since`. Returns how many rows went.
    async fn forget_expired(
        &self,
        now: i64,
        idle_since: i64,
        quiet_since: i64,
    ) -> Result<u64, StoreError>;

    /// Stores a report; `Conflict` if its receipt lookup is taken. Returns only after the commit
    /// is durable.
    async fn insert_report(&self, report: &NewReport) -> Result<(), StoreError>;
    async fn receipt(&self, lookup: &Lookup) -> Result<Option<Receipt>, StoreError>;
    async fn report(&self, id: &ReportId) -> Result<Option<StoredReport>, StoreError>;

    async fn messages(&self, report: &ReportId) -> Result<Vec<Message>, StoreError>;
    async fn add_message(
        &self,
        report: &ReportId,
        author: Author,
        ciphertext: &AgeCiphertext,
        now: i64,
        max_messages: i64,
    ) -> Result<(), StoreError>;

    async fn create_enrolment_code(
        &self,
        digest: &[u8; 32],
        desk: &DeskSlug,
        role: Role,
        expires_at: i64,
    ) -> Result<(), StoreError>;
    /// Uses an enrolment code and creates the account in one transaction; returns the desk and
    /// role the code was for. `Missing` for an unknown, used or expired code; `Conflict` when the
    /// user name is taken (and then the code stays usable).
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
    /// Every account of a desk.
    async fn accounts_of(&self, desk: &DeskSlug) -> Result<Vec<Account>, StoreError>;
    /// Gives a desk without a key its first key and the granting supervisor its grant, and marks
    /// that supervisor vetted, in one transaction. `Conflict` if the desk has a key already.
    async fn init_desk_key(
        &self,
        desk: &DeskSlug,
        recipient: &Recipient,
        supervisor: AccountId,
        grant: &AgeCiphertext,
        statements: &[NewStatement],
        now: i64,
    ) -> Result<(), StoreError>;
    /// The desk's signed key statements, in order.
    async fn statements_of(&self, desk: &DeskSlug) -> Result<Vec<StoredStatement>, StoreError>;
    /// Appends statements that sign what the desk already holds (`desk init-chain`, for a desk
    /// made before statements), in one transaction; a desk key statement among them must name
    /// the desk's current version. `Conflict` if the chain or the desk key moved on.
    async fn sign_existing(
        &self,
        desk: &DeskSlug,
        statements: &[NewStatement],
        now: i64,
    ) -> Result<(), StoreError>;
    /// Records a supervisor's approval of a pending account; when the approvals needed are in,
    /// stores the grant and marks the account vetted, all in one transaction.
    async fn approve(&self, approval: &Approval<'_>, now: i64) -> Result<Approved, StoreError>;
    /// Who approved which pending account of `desk`: (account, approver) user names.
    async fn approvals_of(&self, desk: &DeskSlug) -> Result<Vec<(Username, Username)>, StoreError>;
    async fn grants(&self, account: AccountId) -> Result<Vec<Grant>, StoreError>;
    /// Adds the next desk key and its grants in one transaction; returns the new version.
    async fn rotate_desk_key(
        &self,
        desk: &DeskSlug,
        recipient: &Recipient,
        grants: &[(AccountId, AgeCiphertext)],
        granted_by: AccountId,
        statements: &[NewStatement],
        now: i64,
    ) -> Result<i64, StoreError>;
    /// Appends to the hash-chained audit log.
    async fn audit(&self, entry: &AuditEntry, at: i64) -> Result<(), StoreError>;
    /// The whole audit log in order.
    async fn audit_log(&self) -> Result<Vec<AuditRow>, StoreError>;
    /// Disables an account and ends all its sessions in one transaction.
    async fn disable(&self, account: AccountId) -> Result<(), StoreError>;
    /// A new password: the new auth key's hash, the identity re-wrapped to it and the unlock
    /// share it was wrapped with; every session of the account ends, in one transaction.
    async fn set_password(
        &self,
        account: AccountId,
        auth_hash: &str,
        wrapped_identity: &AgeCiphertext,
        unlock_share_sealed: Option<&[u8]>,
    ) -> Result<(), StoreError>;
    /// Gives an account made before unlock shares its share, with the peppered hash and the
    /// identity re-wrapped with it, in one statement; sessions go on. `Conflict` if it has one.
    async fn add_unlock_share(
        &self,
        account: AccountId,
        auth_hash: &str,
        wrapped_identity: &AgeCiphertext,
        unlock_share_sealed: &[u8],
    ) -> Result<(), StoreError>;

    /// The cases of a desk, most recently changed first.
    async fn desk_reports(&self, desk: &DeskSlug) -> Result<Vec<CaseSummary>, StoreError>;
    /// A case, only if it belongs to `desk`.
    async fn case(&self, desk: &DeskSlug, id: &ReportId) -> Result<Option<Case>, StoreError>;
    /// `Missing` unless the case belongs to `desk`.
    async fn set_status(
        &self,
        desk: &DeskSlug,
        id: &ReportId,
        status: Status,
        now: i64,
    ) -> Result<(), StoreError>;
    /// `Missing` unless the case belongs to `desk`.
    async fn assign(
        &self,
        desk: &DeskSlug,
        id: &ReportId,
        account: Option<AccountId>,
        now: i64,
    ) -> Result<(), StoreError>;
    /// Stores the seal of a case of `desk` that has none. `Missing` unless the case belongs to
    /// `desk`; `Conflict` if it is sealed already.
    async fn seal_case(
        &self,
        desk: &DeskSlug,
        id: &ReportId,
        seal: &AgeCiphertext,
    ) -> Result<(), StoreError>;
    /// Replaces one ciphertext of a case of `desk` with its re-encryption to the desk key
    /// `key_version` (recorded for the report itself). `Missing` unless the part exists.
    async fn replace_ciphertext(
        &self,
        desk: &DeskSlug,
        id: &ReportId,
        part: CasePart,
        ciphertext: &AgeCiphertext,
        key_version: i64,
    ) -> Result<(), StoreError>;
    /// Adds a note to a case the caller has checked belongs to the author's desk.
    async fn add_note(
        &self,
        id: &ReportId,
        author: AccountId,
        ciphertext: &AgeCiphertext,
        now: i64,
    ) -> Result<(), StoreError>;
    async fn notes(&self, id: &ReportId) -> Result<Vec<Note>, StoreError>;
    /// Records the signing key of an account that has none yet (enrolled before signing
    /// existed); an account's recorded key is never replaced.
    async fn set_signing_key(
        &self,
        account: AccountId,
        key: &SigningPublic,
    ) -> Result<(), StoreError>;
    /// Accepts a TOTP step newer than the last accepted one; `false` for a replay.
    async fn accept_totp_step(
        &self,
        account: AccountId,
        step: i64,
        confirm: bool,
    ) -> Result<bool, StoreError>;

    /// Failures so far and the earliest time of the next attempt, for a throttle key.
    async fn throttle(&self, key: &[u8; 32]) -> Result<Option<(i64, i64)>, StoreError>;
    /// Reserves one login attempt for a throttle key, atomically, before anything is verified:
    /// the attempt is counted as a failure up front (a success clears the count) and the next
    /// one is held back by `backoff`. `Some(seconds)` when the key must wait first (nothing is
    /// counted then), so parallel attempts cannot all slip in before the first failure is written.
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
    /// The account of a live session: not past `expires_at` and seen after `idle_since`.
    async fn session(
        &self,
        digest: &[u8; 32],
        now: i64,
        idle_since: i64,
    ) -> Result<Option<Account>, StoreError>;
    async fn touch_session(&self, digest: &[u8; 32], now: i64) -> Result<(), StoreError>;
    async fn end_session(&self, digest: &[u8; 32]) -> Result<(), StoreError>;
}

/// Opens the store a URL names, creating and migrating the database as needed.
pub async fn open(url: &str, max_connections: u32) -> Result<Arc<dyn Store>, StoreError> {
    if url.starts_with("sqlite:") {
        Ok(Arc::new(SqliteStore::open(url, max_connections).await?))
    } else if url.starts_with("postgres://") || url.starts_with("postgresql://") {
        Ok(Arc::new(PgStore::open(url, max_connections).await?))
    } else {
        Err(StoreError::Unavailable(
            "the database URL must start with sqlite: or postgres://".into(),
        ))
    }
}

/// Maps a foreign-key refusal to what it means here.
fn classify(e: sqlx::Error, on_foreign_key: StoreError) -> StoreError {
    match &e {
        sqlx::Error::Database(db) if db.is_foreign_key_violation() => on_foreign_key,
        _ => e.into(),
    }
}

fn parse_desk(
    slug: String,
    name: String,
    recipient: String,
    version: i64,
) -> Result<Desk, StoreError> {
    Ok(Desk {
        slug: DeskSlug::parse(&slug).map_err(|_| StoreError::Corrupt("desk slug"))?,
        name: DeskName::parse(&name).map_err(|_| StoreError::Corrupt("desk name"))?,
        recipient: Recipient::parse(&recipient)
            .map_err(|_| StoreError::Corrupt("desk recipient"))?,
        key_version: version,
    })
}

type ListingRow = (String, String, Option<String>, Option<i64>, bool);

fn listing_from_row(row: ListingRow) -> Result<DeskListing, StoreError> {
    let (slug, name, recipient, version, granted) = row;
    let key = match (recipient, version) {
        (Some(r), Some(v)) => Some((
            Recipient::parse(&r).map_err(|_| StoreError::Corrupt("desk recipient"))?,
            v,
        )),
        _ => None,
    };
    Ok(DeskListing {
        slug: DeskSlug::parse(&slug).map_err(|_| StoreError::Corrupt("desk slug"))?,
        name: DeskName::parse(&name).map_err(|_| StoreError::Corrupt("desk name"))?,
        key_outside: key.is_some() && !granted,
        key,
    })
}

fn parse_id(bytes: Vec<u8>) -> Result<ReportId, StoreError> {
    let bytes: [u8; 16] = bytes
        .try_into()
        .map_err(|_| StoreError::Corrupt("report id"))?;
    Ok(ReportId::from_bytes(bytes))
}

fn parse_status(text: &str) -> Result<Status, StoreError> {
    text.parse().map_err(|_| StoreError::Corrupt("status"))
}

type DeskRow = (String, String, String, i64);
type AccountRow = (
    Vec<u8>,
    String,
    String,
    String,
    String,
    String,
    Vec<u8>,
    String,
    Vec<u8>,
    i64,
    i64,
    Option<Vec<u8>>,
    Option<Vec<u8>>,
);

fn account_from_row(row: AccountRow) -> Result<Account, StoreError> {
    let (
        id,
        desk,
        username,
        role,
        status,
        recipient,
        wrapped,
        auth_hash,
        totp_sealed,
        confirmed,
        last_step,
        signing_key,
        unlock_share_sealed,
    ) = row;
    Ok(Account {
        id: AccountId(
            id.try_into()
                .map_err(|_| StoreError::Corrupt("account id"))?,
        ),
        desk: DeskSlug::parse(&desk).map_err(|_| StoreError::Corrupt("desk slug"))?,
        username: Username::parse(&username).map_err(|_| StoreError::Corrupt("user name"))?,
        role: role.parse().map_err(|_| StoreError::Corrupt("role"))?,
        status: status
            .parse()
            .map_err(|_| StoreError::Corrupt("account status"))?,
        recipient: Recipient::parse(&recipient).map_err(|_| StoreError::Corrupt("recipient"))?,
        wrapped_identity: AgeCiphertext::from_stored(wrapped),
        auth_hash,
        totp_sealed,
        totp_confirmed: confirmed != 0,
        totp_last_step: last_step,
        unlock_share_sealed,
        signing_key: signing_key
            .map(|k| SigningPublic::from_bytes(&k))
            .transpose()
            .map_err(|_| StoreError::Corrupt("signing key"))?,
    })
}
type ReceiptRow = (Vec<u8>, String, Vec<u8>, String, i64, i64);
type ReportRow = (Vec<u8>, String, i64, Vec<u8>, String, i64, i64);
type MessageRow = (i64, String, Vec<u8>, i64);

type CaseRow = (
    Vec<u8>,
    String,
    i64,
    Vec<u8>,
    String,
    i64,
    i64,
    String,
    Option<String>,
    Option<Vec<u8>>,
);

fn parse_username(name: Option<String>) -> Result<Option<Username>, StoreError> {
    name.map(|n| Username::parse(&n).map_err(|_| StoreError::Corrupt("user name")))
        .transpose()
}

fn case_from_row(row: CaseRow) -> Result<Case, StoreError> {
    let (id, desk, key_version, ciphertext, status, created_at, updated_at, reply, assigned, seal) =
        row;
    Ok(Case {
        report: report_from_row((
            id,
            desk,
            key_version,
            ciphertext,
            status,
            created_at,
            updated_at,
        ))?,
        reply_recipient: Recipient::parse(&reply)
            .map_err(|_| StoreError::Corrupt("reply recipient"))?,
        assigned_to: parse_username(assigned)?,
        seal: seal.map(AgeCiphertext::from_stored),
    })
}

fn receipt_from_row(row: ReceiptRow) -> Result<Receipt, StoreError> {
    let (id, desk, verifier, status, created_at, updated_at) = row;
    Ok(Receipt {
        report_id: parse_id(id)?,
        desk: DeskSlug::parse(&desk).map_err(|_| StoreError::Corrupt("desk slug"))?,
        verifier: Verifier(
            verifier
                .try_into()
                .map_err(|_| StoreError::Corrupt("verifier"))?,
        ),
        status: parse_status(&status)?,
        created_at,
        updated_at,
    })
}

fn report_from_row(row: ReportRow) -> Result<StoredReport, StoreError> {
    let (id, desk, key_version, ciphertext, status, created_at, updated_at) = row;
    Ok(StoredReport {
        id: parse_id(id)?,
        desk: DeskSlug::parse(&desk).map_err(|_| StoreError::Corrupt("desk slug"))?,
        key_version,
        ciphertext: AgeCiphertext::from_stored(ciphertext),
        status: parse_status(&status)?,
        created_at,
        updated_at,
    })
}

fn message_from_row(row: MessageRow) -> Result<Message, StoreError> {
    let (seq, author, ciphertext, created_at) = row;
    Ok(Message {
        seq,
        author: author.parse().map_err(|_| StoreError::Corrupt("author"))?,
        ciphertext: AgeCiphertext::from_stored(ciphertext),
        created_at,
    })
}
