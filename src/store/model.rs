//! What the store holds and hands out: the rows of each area as typed values. Nothing here
//! touches the database; `rows.rs` turns columns into these, and each capability's file says who
//! may read or write them.

use crate::crypto::AgeCiphertext;
use crate::domain::{
    AccountStatus, Author, DeskName, DeskSlug, Lookup, Recipient, ReferralId, ReportId, Role,
    SigningPublic, Status, Username, Verifier,
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
    /// The desk the writer is bound to: a message to a report of another desk stores nothing.
    pub desk: DeskSlug,
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
    /// No such report in that desk (purged, say); nothing was stored.
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
    /// The reporter's messages in the thread.
    pub reporter_messages: i64,
    /// Partners' answers (and status changes) on the case's referrals.
    pub partner_answers: i64,
    /// How many of each the account the inbox is for was shown when it last opened the case
    /// (0 for an inbox listed for no account).
    pub messages_seen: i64,
    pub answers_seen: i64,
    /// Whether the desk has replied to the reporter at all.
    pub desk_replied: bool,
    /// When the oldest reporter message after the desk's last reply (or after none) arrived.
    pub first_unanswered_at: Option<i64>,
}

impl CaseSummary {
    /// Since when the reporter has been waiting for the desk: from the oldest message the desk has
    /// not answered, or from the report itself while a case nobody answered is still being
    /// triaged. Closed and spam cases wait for no one.
    pub fn waiting_since(&self) -> Option<i64> {
        match self.status {
            Status::Closed | Status::Spam => None,
            Status::New | Status::InReview if !self.desk_replied => Some(self.created_at),
            _ => self.first_unanswered_at,
        }
    }
}

/// A case's report ciphertext, as the desk's devices fetch them all to search on the device.
#[derive(Debug, Clone)]
pub struct CaseContent {
    pub id: ReportId,
    pub key_version: i64,
    pub ciphertext: AgeCiphertext,
}

/// What an account was shown of a case when it opened it.
#[derive(Debug, Clone, Copy)]
pub struct Seen {
    pub messages: i64,
    pub answers: i64,
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
    /// The opening of the name a format-2 statement commits to (salt, then the name).
    pub opening: Option<Vec<u8>>,
    /// For a desk key statement, the version it signs: it must be the one the change makes.
    pub key_version: Option<i64>,
}

/// A stored statement, as devices fetch it.
#[derive(Debug, Clone)]
pub struct StoredStatement {
    pub seq: i64,
    pub statement: Vec<u8>,
    pub signature: Vec<u8>,
    pub opening: Option<Vec<u8>>,
}

impl StoredStatement {
    /// As devices verify it; `None` for a row the store could not have written (a signature of
    /// another length, an opening that does not parse).
    pub fn signed(&self) -> Option<crate::crypto::statement::Signed> {
        let opening = match &self.opening {
            None => None,
            Some(bytes) => Some(crate::crypto::statement::Opening::from_bytes(bytes)?),
        };
        Some(crate::crypto::statement::Signed {
            statement: self.statement.clone(),
            signature: self.signature.as_slice().try_into().ok()?,
            opening,
        })
    }
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
