//! A desk's cases on the wire: the inbox, one case's ciphertexts, status, assignment, notes,
//! replies, seals and re-encryptions (`/api/v1/desk/reports…`).

use crate::domain::Status;
use serde::{Deserialize, Serialize};

#[derive(Debug, Serialize, Deserialize, utoipa::ToSchema)]
pub struct CaseSummaryView {
    pub id: String,
    pub status: Status,
    pub created: String,
    pub updated: String,
    pub assigned_to: Option<String>,
    pub messages: i64,
    /// The reporter's messages in the thread, and how many of them the caller has not been
    /// shown (by `GET /api/v1/desk/reports/{id}`).
    pub reporter_messages: i64,
    pub unread_messages: i64,
    /// Partners' answers on the case's referrals, and how many the caller has not been shown.
    pub partner_answers: i64,
    pub unread_answers: i64,
    /// The day since which the reporter waits for the desk: the oldest reporter message after
    /// the desk's last reply, or the report itself while nobody has replied to a `new` or
    /// `in_review` case; `null` when nothing waits (and for closed and spam cases).
    pub waiting_since: Option<String>,
}

/// One page of the desk's report ciphertexts (`GET /api/v1/desk/contents`).
#[derive(Debug, Serialize, Deserialize, utoipa::ToSchema)]
pub struct ContentsPage {
    pub cases: Vec<CaseContentView>,
    /// The `after` of the next page; `null` on the last one.
    pub next: Option<String>,
}

#[derive(Debug, Serialize, Deserialize, utoipa::ToSchema)]
pub struct CaseContentView {
    pub id: String,
    /// The desk key version the report is encrypted to.
    pub key_version: i64,
    /// The report, base64 age ciphertext.
    pub ciphertext: String,
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[serde(deny_unknown_fields)]
pub struct ContentsQuery {
    /// The `next` of the page before; left out for the first page.
    pub after: Option<String>,
    /// Cases per page, 1 to 500 (default 200).
    pub limit: Option<i64>,
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[serde(deny_unknown_fields)]
pub struct InboxQuery {
    /// Only cases with this status.
    pub status: Option<Status>,
    /// Only cases assigned to the caller.
    #[serde(default)]
    pub mine: bool,
}

#[derive(Debug, Serialize, Deserialize, utoipa::ToSchema)]
pub struct EntryView {
    pub seq: i64,
    /// `reporter` or `desk` for thread messages; the author's user name for notes.
    pub author: String,
    pub day: String,
    pub ciphertext: String,
}

#[derive(Debug, Serialize, Deserialize, utoipa::ToSchema)]
pub struct DeskCaseView {
    pub id: String,
    pub status: Status,
    pub created: String,
    pub updated: String,
    pub assigned_to: Option<String>,
    /// The desk key version the report was encrypted to.
    pub key_version: i64,
    /// The report, base64 age ciphertext.
    pub ciphertext: String,
    /// Where replies are encrypted to (with the desk key).
    pub reply_recipient: String,
    pub messages: Vec<EntryView>,
    pub notes: Vec<EntryView>,
    pub referrals: Vec<super::referrals::DeskReferralView>,
    /// The case seal (protocol.md §10.5), base64 age ciphertext to the desk key; `null` until a
    /// desk device seals the case.
    pub seal: Option<String>,
}

#[derive(Debug, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct StatusChange {
    pub status: Status,
}

#[derive(Debug, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Assignment {
    /// A user name of this desk, or null to unassign.
    pub username: Option<String>,
}

#[derive(Debug, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Entry {
    /// Base64 age ciphertext: notes to the desk key; replies to the reply recipient and the desk key.
    pub ciphertext: String,
}

/// Which ciphertext of a case a re-encryption replaces.
#[derive(Debug, Clone, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(tag = "kind", rename_all = "snake_case", deny_unknown_fields)]
pub enum PartRef {
    Report,
    Message {
        seq: i64,
    },
    Note {
        seq: i64,
    },
    /// A referral's copy (to the partner and the desk), while it has not expired.
    Referral {
        id: String,
    },
    /// A referral's consent-override reason (to the desk).
    ReferralReason {
        id: String,
    },
    /// A partner's answer to a referral (to the desk and the partner).
    ReferralUpdate {
        id: String,
        seq: i64,
    },
    /// The case seal (to the desk), once made.
    Seal,
}

#[derive(Debug, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Reencryption {
    /// The desk's current key version: the one the new ciphertext is encrypted to.
    pub key_version: i64,
    pub part: PartRef,
    /// Base64 age ciphertext of the same plaintext, to the same recipients but the new desk key.
    pub ciphertext: String,
}

impl PartRef {
    /// The part in words, for the audit log: `message 3`, `referral <id> reason`.
    pub fn describe(&self) -> String {
        match self {
            PartRef::Report => "report".into(),
            PartRef::Message { seq } => format!("message {seq}"),
            PartRef::Note { seq } => format!("note {seq}"),
            PartRef::Referral { id } => format!("referral {id}"),
            PartRef::ReferralReason { id } => format!("referral {id} reason"),
            PartRef::ReferralUpdate { id, seq } => format!("referral {id} update {seq}"),
            PartRef::Seal => "seal".into(),
        }
    }
}
