//! The error document every route answers with.

use serde::{Deserialize, Serialize};

/// An RFC 9457 problem document.
#[derive(Debug, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Problem {
    /// A stable URI naming the kind of problem.
    #[serde(rename = "type")]
    pub kind: String,
    pub title: String,
    pub status: u16,
    /// What was wrong, in words meant for the person who sent the request.
    pub detail: String,
}
