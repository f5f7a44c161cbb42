//! Columns to typed values: each row a query returns is parsed here, and a value this version
//! cannot read is `Corrupt`, never a panic.

use super::*;
use crate::crypto::AgeCiphertext;
use crate::domain::{
    DeskName, DeskSlug, Recipient, ReportId, SigningPublic, Status, Username, Verifier,
};

/// Maps a foreign-key refusal to what it means here.
pub(super) fn classify(e: sqlx::Error, on_foreign_key: StoreError) -> StoreError {
    match &e {
        sqlx::Error::Database(db) if db.is_foreign_key_violation() => on_foreign_key,
        _ => e.into(),
    }
}

pub(super) fn parse_desk(
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

pub(super) type ListingRow = (String, String, Option<String>, Option<i64>, bool);

pub(super) fn listing_from_row(row: ListingRow) -> Result<DeskListing, StoreError> {
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

pub(super) fn parse_id(bytes: Vec<u8>) -> Result<ReportId, StoreError> {
    let bytes: [u8; 16] = bytes
        .try_into()
        .map_err(|_| StoreError::Corrupt("report id"))?;
    Ok(ReportId::from_bytes(bytes))
}

pub(super) fn parse_status(text: &str) -> Result<Status, StoreError> {
    text.parse().map_err(|_| StoreError::Corrupt("status"))
}

pub(super) type DeskRow = (String, String, String, i64);
pub(super) type AccountRow = (
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

pub(super) fn account_from_row(row: AccountRow) -> Result<Account, StoreError> {
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
pub(super) type ReceiptRow = (Vec<u8>, String, Vec<u8>, String, i64, i64);
pub(super) type ReportRow = (Vec<u8>, String, i64, Vec<u8>, String, i64, i64);
pub(super) type MessageRow = (i64, String, Vec<u8>, i64);

pub(super) type CaseRow = (
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

pub(super) fn parse_username(name: Option<String>) -> Result<Option<Username>, StoreError> {
    name.map(|n| Username::parse(&n).map_err(|_| StoreError::Corrupt("user name")))
        .transpose()
}

/// `SELECT_DESK_REPORTS`: id, status, created, updated, assignee, messages, the reporter's,
/// partners' answers, both read marks, the desk's last reply, the oldest unanswered message.
pub(super) type SummaryRow = (
    Vec<u8>,
    String,
    i64,
    i64,
    Option<String>,
    i64,
    i64,
    i64,
    i64,
    i64,
    Option<i64>,
    Option<i64>,
);

pub(super) fn summary_from_row(row: SummaryRow) -> Result<CaseSummary, StoreError> {
    let (id, status, created_at, updated_at, assigned, messages, reporter_messages) =
        (row.0, row.1, row.2, row.3, row.4, row.5, row.6);
    Ok(CaseSummary {
        id: parse_id(id)?,
        status: parse_status(&status)?,
        created_at,
        updated_at,
        assigned_to: parse_username(assigned)?,
        messages,
        reporter_messages,
        partner_answers: row.7,
        messages_seen: row.8,
        answers_seen: row.9,
        desk_replied: row.10.is_some(),
        first_unanswered_at: row.11,
    })
}

pub(super) fn case_from_row(row: CaseRow) -> Result<Case, StoreError> {
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

pub(super) fn receipt_from_row(row: ReceiptRow) -> Result<Receipt, StoreError> {
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

pub(super) fn report_from_row(row: ReportRow) -> Result<StoredReport, StoreError> {
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

pub(super) fn message_from_row(row: MessageRow) -> Result<Message, StoreError> {
    let (seq, author, ciphertext, created_at) = row;
    Ok(Message {
        seq,
        author: author.parse().map_err(|_| StoreError::Corrupt("author"))?,
        ciphertext: AgeCiphertext::from_stored(ciphertext),
        created_at,
    })
}
