//! The desk's audit log on the wire (`/api/v1/desk/audit`, `/api/v1/desk/reports/{id}/audit`):
//! who did what to which case, referral or account, and when (to the hour). Subjects are ids, user
//! names, roles and key versions; never anything a reporter or partner wrote.

use serde::{Deserialize, Serialize};

/// Filters of the desk's audit log, newest first.
#[derive(Debug, Default, Deserialize, utoipa::IntoParams)]
pub struct AuditQuery {
    /// Only entries by this actor (a user name, `admin`, `server` or `partner:<id>`).
    pub actor: Option<String>,
    /// Only entries of this action (docs/protocol.md §7), e.g. `case.open`.
    pub action: Option<String>,
    /// Only entries before this `seq` (the next page).
    pub before: Option<i64>,
    /// At most this many entries, 1 to 1,000 (100 by default).
    pub limit: Option<i64>,
}

/// One entry of the desk's audit log.
#[derive(Debug, Serialize, Deserialize, utoipa::ToSchema)]
pub struct AuditEntryView {
    /// Its place in the server's hash-chained log.
    pub seq: i64,
    /// When, to the hour (UTC): `YYYY-MM-DDTHH:00Z`.
    pub at: String,
    pub actor: String,
    pub action: String,
    pub subject: String,
}
