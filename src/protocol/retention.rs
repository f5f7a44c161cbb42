//! A desk's retention policy as `/api/v1/desk/retention` shows and sets it.

use crate::domain::{PolicySource, RetentionPolicy};
use serde::{Deserialize, Serialize};

/// The policy in force for the caller's desk, and where it comes from.
#[derive(Debug, Serialize, Deserialize, utoipa::ToSchema)]
pub struct RetentionView {
    pub policy: RetentionPolicy,
    pub source: PolicySource,
}
