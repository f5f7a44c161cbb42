//! Desk keys and vetting on the wire (`/api/v1/desk/keys`, `/accounts`, `/grants`): new keys,
//! rotations, approvals and the grants that carry a desk key to an account.

use crate::domain::{AccountStatus, Role};
use serde::{Deserialize, Serialize};

use super::statements::SignedStatement;

/// The first key of a desk, and its maker's own grant of it.
#[derive(Debug, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewDeskKey {
    pub recipient: String,
    /// The desk identity, age-encrypted to the supervisor's own key; base64.
    pub grant: String,
    /// The desk's first statements, signed by the supervisor: a genesis naming their own account
    /// and a desk key statement for version 1 and `recipient` (§10). Clients older than signed
    /// statements leave it out; their desks then have no chain.
    #[serde(default)]
    pub statements: Vec<SignedStatement>,
}

#[derive(Debug, Serialize, Deserialize, utoipa::ToSchema)]
pub struct DeskKeyView {
    pub key_version: i64,
    pub recipient: String,
    pub fingerprint: String,
}

/// An account as its supervisors see it: enough to check its key out of band.
#[derive(Debug, Serialize, Deserialize, utoipa::ToSchema)]
pub struct AccountView {
    /// The account's id, 32 lower-case hex digits: what approvals sign (§10).
    pub id: String,
    pub username: String,
    pub role: Role,
    pub status: AccountStatus,
    pub recipient: String,
    /// The account's Ed25519 public key, base64; `null` for an account enrolled before signing
    /// keys that has not logged in since.
    pub signing_key: Option<String>,
    /// The safety number both sides compare before vetting: the account number over both keys
    /// (docs/protocol.md §9.1), or the recipient's number while `signing_key` is `null`.
    /// Clients compute it themselves; this field is for display by clients that cannot.
    pub fingerprint: String,
    /// The day of the account's last sign-in (`YYYY-MM-DD`), `null` if it never signed in.
    pub last_login: Option<String>,
    /// For a pending account, the supervisors who approved it so far.
    pub approved_by: Vec<String>,
}

/// Where an account stands after a supervisor's approval.
#[derive(Debug, Serialize, Deserialize, utoipa::ToSchema)]
pub struct VetOutcome {
    /// `vetted` once the approvals needed are in (the grant is then stored), else `pending`.
    pub status: AccountStatus,
    /// Approvals from distinct vetted supervisors so far.
    pub approvals: i64,
    /// Approvals needed: `vetting.approvals_required`, capped at the desk's vetted supervisors.
    pub required: i64,
}

/// A grant of the current desk key to a pending account.
#[derive(Debug, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Vetting {
    pub key_version: i64,
    /// The desk identity of that version, age-encrypted to the account's key; base64. Sent only
    /// with the approval that completes vetting: an earlier approval carries none, so that no
    /// single supervisor's approval holds a usable key (§6).
    #[serde(default)]
    pub grant: Option<String>,
    /// The supervisor's signed approval of exactly this account's id, name, role and keys (§10).
    #[serde(default)]
    pub statement: Option<SignedStatement>,
}

/// A one-time enrolment code a supervisor makes for a new account of their own desk.
#[derive(Debug, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewInvite {
    /// The new account's role.
    pub role: Role,
}

#[derive(Serialize, Deserialize, utoipa::ToSchema)]
pub struct InviteView {
    /// The one-time enrolment code: 52 base32 characters in groups of 4 joined by `-`. Shown
    /// only in this answer; the server keeps its SHA-256.
    pub code: String,
    pub desk: String,
    pub role: Role,
    /// Unix seconds from which the code is refused (now plus `accounts.code_ttl_hours`).
    pub expires_at: i64,
}

impl std::fmt::Debug for InviteView {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("InviteView")
            .field("desk", &self.desk)
            .field("role", &self.role)
            .finish_non_exhaustive()
    }
}

#[derive(Debug, Serialize, Deserialize, utoipa::ToSchema)]
pub struct GrantView {
    pub key_version: i64,
    /// The desk identity, age-encrypted to this account's key; base64.
    pub wrapped_key: String,
}

/// A new desk key with a grant for each vetted account that keeps access.
#[derive(Debug, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Rotation {
    pub recipient: String,
    pub grants: Vec<AccountGrant>,
    /// The supervisor's signed desk key statement for the next version and `recipient` (§10).
    #[serde(default)]
    pub statements: Vec<SignedStatement>,
}

#[derive(Debug, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AccountGrant {
    pub username: String,
    /// The new desk identity, age-encrypted to that account's key; base64.
    pub grant: String,
}
