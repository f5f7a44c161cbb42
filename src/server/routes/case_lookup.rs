//! How a vetted caller reaches a case: only among its own desk's, so that another desk's case and
//! a malformed id are the same 404. Triage, referrals and seals all start here.

use crate::domain::ReportId;
use crate::server::auth::Vetted;
use crate::server::problem::CaseError;
use crate::store::Case;

/// A report id from a path; one that does not parse is a case that is not found.
pub(super) fn report_id(text: &str) -> Result<ReportId, CaseError> {
    ReportId::parse(text).map_err(|_| CaseError::CaseNotFound)
}

/// The case `id` of the caller's desk.
pub(super) async fn find(caller: &Vetted, id: &str) -> Result<Case, CaseError> {
    let id = report_id(id)?;
    (caller.0.desk.case(&id).await?).ok_or(CaseError::CaseNotFound)
}
