//! What each area of the API answers, beside the problems every route shares (a malformed
//! request, no session, a database down, which stay `ApiError`): one enum per area, each variant
//! mapped to exactly one documented problem type, and each area's own reading of a store refusal.
//! There is no conversion from a store error to a problem type that ignores where it happened:
//! "no such row" is a case not found to a case route and a receipt not found to a follow-up.

use super::ApiError;
use crate::store::{StoreError, Thing};

/// A store failure no area expects: the database down or full, a row it cannot read, or a
/// refusal the route did not foresee (a bug, logged). Never a 500.
pub fn store_failure(e: StoreError) -> ApiError {
    match e {
        StoreError::StorageFull => {
            tracing::error!("the database's disk is full: refusing writes");
            ApiError::StorageFull
        }
        // The cause holds no request data (sqlx never prints bound values; `Thing` names a kind).
        other => {
            tracing::error!(error = %other, "database operation failed");
            ApiError::Unavailable
        }
    }
}

/// Display and the HTTP answer of an area's error are those of the problem type it maps to.
macro_rules! answered_as_problem {
    ($($area:ident),* $(,)?) => {$(
        impl std::fmt::Display for $area {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                self.problem().fmt(f)
            }
        }

        impl std::error::Error for $area {}

        impl actix_web::ResponseError for $area {
            fn status_code(&self) -> actix_web::http::StatusCode {
                self.problem().status_code()
            }

            fn error_response(&self) -> actix_web::HttpResponse {
                self.problem().error_response()
            }
        }

        impl From<ApiError> for $area {
            fn from(e: ApiError) -> Self {
                $area::Request(e)
            }
        }
    )*};
}

answered_as_problem!(
    IntakeError,
    FollowupError,
    AccountError,
    CaseError,
    KeyError,
    PartnerError
);

/// Submitting a report, and the public desk lookups.
#[derive(Debug)]
pub enum IntakeError {
    Request(ApiError),
    DeskNotFound,
    /// Another report holds this receipt: the reporter makes a new phrase.
    ReceiptConflict,
    /// The challenge was spent before.
    PowReused,
}

impl IntakeError {
    pub fn problem(&self) -> ApiError {
        match self {
            IntakeError::Request(e) => e.clone(),
            IntakeError::DeskNotFound => ApiError::DeskNotFound,
            IntakeError::ReceiptConflict => ApiError::ReceiptConflict,
            IntakeError::PowReused => ApiError::PowReused,
        }
    }
}

impl From<StoreError> for IntakeError {
    fn from(e: StoreError) -> Self {
        match e {
            StoreError::ChallengeSpent => IntakeError::PowReused,
            StoreError::Conflict(Thing::ReportReceipt) => IntakeError::ReceiptConflict,
            StoreError::Missing(Thing::Desk) => IntakeError::DeskNotFound,
            other => IntakeError::Request(store_failure(other)),
        }
    }
}

/// A reporter coming back with the phrase: reading the case, writing to its thread.
#[derive(Debug)]
pub enum FollowupError {
    Request(ApiError),
    /// No report for this phrase, or it was deleted (a purge) between the check and the write.
    ReceiptNotFound,
    ThreadFull,
}

impl FollowupError {
    pub fn problem(&self) -> ApiError {
        match self {
            FollowupError::Request(e) => e.clone(),
            FollowupError::ReceiptNotFound => ApiError::ReceiptNotFound,
            FollowupError::ThreadFull => ApiError::ThreadFull,
        }
    }
}

impl From<StoreError> for FollowupError {
    fn from(e: StoreError) -> Self {
        match e {
            StoreError::Missing(Thing::Report) => FollowupError::ReceiptNotFound,
            StoreError::Full => FollowupError::ThreadFull,
            other => FollowupError::Request(store_failure(other)),
        }
    }
}

/// Enrolment, login, sessions and what an account changes about itself.
#[derive(Debug)]
pub enum AccountError {
    Request(ApiError),
    LoginFailed,
    /// Unknown, used, expired or another desk's enrolment code.
    BadEnrolmentCode,
    /// The name is taken in the desk (and the code is spent).
    UsernameTaken,
    /// A conflict with the account's keys: an unlock share it has already, say.
    KeyConflict(&'static str),
    /// The account is gone (disabled and removed) between the check and the write.
    AccountGone,
}

impl AccountError {
    pub fn problem(&self) -> ApiError {
        match self {
            AccountError::Request(e) => e.clone(),
            AccountError::LoginFailed => ApiError::LoginFailed,
            AccountError::BadEnrolmentCode => ApiError::BadEnrolmentCode,
            AccountError::UsernameTaken => ApiError::UsernameTaken,
            AccountError::KeyConflict(why) => ApiError::KeyConflict(why),
            AccountError::AccountGone => ApiError::Unauthorized,
        }
    }
}

impl From<StoreError> for AccountError {
    fn from(e: StoreError) -> Self {
        match e {
            StoreError::Missing(Thing::EnrolmentCode) => AccountError::BadEnrolmentCode,
            StoreError::Conflict(Thing::Username) => AccountError::UsernameTaken,
            StoreError::Conflict(Thing::UnlockShare) => {
                AccountError::KeyConflict("this account has its unlock share already")
            }
            StoreError::Missing(Thing::Account) => AccountError::AccountGone,
            other => AccountError::Request(store_failure(other)),
        }
    }
}

/// A desk's cases: triage, notes, replies, seals, re-encryption, retention.
#[derive(Debug)]
pub enum CaseError {
    Request(ApiError),
    /// No such case in the caller's desk (another desk's case looks the same), or no such part.
    CaseNotFound,
    AccountNotFound,
    ThreadFull,
    /// The case or the desk key moved on since the caller's device read it.
    KeyConflict(&'static str),
}

impl CaseError {
    pub fn problem(&self) -> ApiError {
        match self {
            CaseError::Request(e) => e.clone(),
            CaseError::CaseNotFound => ApiError::CaseNotFound,
            CaseError::AccountNotFound => ApiError::AccountNotFound,
            CaseError::ThreadFull => ApiError::ThreadFull,
            CaseError::KeyConflict(why) => ApiError::KeyConflict(why),
        }
    }
}

impl From<StoreError> for CaseError {
    fn from(e: StoreError) -> Self {
        match e {
            StoreError::Missing(Thing::Case | Thing::CasePart | Thing::Report) => {
                CaseError::CaseNotFound
            }
            StoreError::Missing(Thing::Account) => CaseError::AccountNotFound,
            StoreError::Full => CaseError::ThreadFull,
            StoreError::Conflict(Thing::CaseSeal) => {
                CaseError::KeyConflict("this case is sealed already: fetch it again")
            }
            other => CaseError::Request(store_failure(other)),
        }
    }
}

/// A desk's keys, accounts and signed statements: vetting, rotation, disabling.
#[derive(Debug)]
pub enum KeyError {
    Request(ApiError),
    AccountNotFound,
    /// The desk's keys or statements moved on, or the change does not fit them.
    KeyConflict(&'static str),
}

impl KeyError {
    pub fn problem(&self) -> ApiError {
        match self {
            KeyError::Request(e) => e.clone(),
            KeyError::AccountNotFound => ApiError::AccountNotFound,
            KeyError::KeyConflict(why) => ApiError::KeyConflict(why),
        }
    }
}

impl From<StoreError> for KeyError {
    fn from(e: StoreError) -> Self {
        match e {
            StoreError::Missing(Thing::Account) => KeyError::AccountNotFound,
            StoreError::Conflict(Thing::DeskStatements) => KeyError::KeyConflict(
                "the desk's statements moved on since your device read them: fetch them again",
            ),
            StoreError::Conflict(Thing::Grant) => KeyError::KeyConflict(
                "this approval completes vetting: send it with a grant of the desk's current key",
            ),
            StoreError::Conflict(Thing::DeskKey) => {
                KeyError::KeyConflict("this desk has a key already")
            }
            StoreError::Conflict(Thing::DeskKeyVersion) => {
                KeyError::KeyConflict("another rotation happened at the same time")
            }
            StoreError::Missing(Thing::DeskKey) => KeyError::KeyConflict(
                "the desk key version named does not exist: fetch the desk's keys again",
            ),
            other => KeyError::Request(store_failure(other)),
        }
    }
}

/// Partners: the desk's directory and referrals, and the partners' own routes.
#[derive(Debug)]
pub enum PartnerError {
    Request(ApiError),
    PartnerNotFound,
    PartnerNameTaken,
    CaseNotFound,
    ReferralNotFound,
    ReferralExpired,
    ReferralConflict(&'static str),
}

impl PartnerError {
    pub fn problem(&self) -> ApiError {
        match self {
            PartnerError::Request(e) => e.clone(),
            PartnerError::PartnerNotFound => ApiError::PartnerNotFound,
            PartnerError::PartnerNameTaken => ApiError::PartnerNameTaken,
            PartnerError::CaseNotFound => ApiError::CaseNotFound,
            PartnerError::ReferralNotFound => ApiError::ReferralNotFound,
            PartnerError::ReferralExpired => ApiError::ReferralExpired,
            PartnerError::ReferralConflict(why) => ApiError::ReferralConflict(why),
        }
    }
}

impl From<StoreError> for PartnerError {
    fn from(e: StoreError) -> Self {
        match e {
            StoreError::Missing(Thing::Partner) => PartnerError::PartnerNotFound,
            StoreError::Conflict(Thing::PartnerName) => PartnerError::PartnerNameTaken,
            StoreError::Missing(Thing::Case | Thing::Report) => PartnerError::CaseNotFound,
            StoreError::Missing(Thing::Attachment) => {
                PartnerError::Request(ApiError::AttachmentNotFound)
            }
            StoreError::Conflict(Thing::NewerAnswer) => {
                PartnerError::ReferralConflict("a newer answer on this referral exists")
            }
            other => PartnerError::Request(store_failure(other)),
        }
    }
}

/// A referral starts from a case of the desk: a case the desk does not hold is not found.
impl From<CaseError> for PartnerError {
    fn from(e: CaseError) -> Self {
        match e {
            CaseError::CaseNotFound => PartnerError::CaseNotFound,
            CaseError::Request(e) => PartnerError::Request(e),
            other => PartnerError::Request(other.problem()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The same store refusal reads as each area means it.
    #[test]
    fn a_missing_row_is_what_the_area_was_looking_for() {
        let gone = || StoreError::Missing(Thing::Report);
        assert_eq!(
            FollowupError::from(gone()).problem().slug(),
            "receipt-not-found"
        );
        assert_eq!(CaseError::from(gone()).problem().slug(), "case-not-found");
        assert_eq!(
            PartnerError::from(gone()).problem().slug(),
            "case-not-found"
        );
        let desk = || StoreError::Missing(Thing::Desk);
        assert_eq!(IntakeError::from(desk()).problem().slug(), "desk-not-found");
        // Where the area expects no such refusal, it is a failure, not a wrong answer.
        assert_eq!(
            CaseError::from(desk()).problem().slug(),
            "service-unavailable"
        );
        assert_eq!(
            FollowupError::from(StoreError::Full).problem().slug(),
            "thread-full"
        );
        let full = StoreError::StorageFull;
        assert_eq!(KeyError::from(full).problem().slug(), "storage-full");
    }

    #[test]
    fn each_area_names_what_it_expects() {
        let missing = StoreError::Missing;
        assert_eq!(
            CaseError::from(missing(Thing::CasePart)).problem().slug(),
            "case-not-found"
        );
        assert_eq!(
            CaseError::from(missing(Thing::Account)).problem().slug(),
            "account-not-found"
        );
        assert_eq!(
            KeyError::from(missing(Thing::Account)).problem().slug(),
            "account-not-found"
        );
        let partner = PartnerError::from(missing(Thing::Partner));
        assert_eq!(partner.problem().slug(), "partner-not-found");
        let code = AccountError::from(missing(Thing::EnrolmentCode));
        assert_eq!(code.problem().slug(), "invalid-enrolment-code");
        let conflict = StoreError::Conflict;
        let receipt = IntakeError::from(conflict(Thing::ReportReceipt));
        assert_eq!(receipt.problem().slug(), "receipt-conflict");
        let name = AccountError::from(conflict(Thing::Username));
        assert_eq!(name.problem().slug(), "username-taken");
        let taken = PartnerError::from(conflict(Thing::PartnerName));
        assert_eq!(taken.problem().slug(), "partner-name-taken");
        let moved = KeyError::from(conflict(Thing::DeskStatements));
        assert_eq!(moved.problem().slug(), "key-conflict");
        assert!(moved.to_string().contains("statements moved on"), "{moved}");
        // A receipt clash is only the intake's to have; elsewhere it is a failure.
        let elsewhere = CaseError::from(conflict(Thing::ReportReceipt));
        assert_eq!(elsewhere.problem().slug(), "service-unavailable");
        assert_eq!(
            IntakeError::from(StoreError::ChallengeSpent)
                .problem()
                .slug(),
            "pow-reused"
        );
    }
}
