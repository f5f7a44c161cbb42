//! The desk's audit log against the server: a case's trail and, for supervisors, the whole log.

use super::{ApiClient, ClientError};
use crate::protocol::audit::{AuditEntryView, AuditQuery};

impl ApiClient {
    /// The trail of case `id` from the desk's audit log, oldest first.
    pub async fn case_trail(
        &self,
        token: &str,
        id: &str,
    ) -> Result<Vec<AuditEntryView>, ClientError> {
        self.get_as(token, &format!("/api/v1/desk/reports/{id}/audit"))
            .await
    }

    /// The desk's audit log, newest first, filtered (supervisors).
    pub async fn desk_audit(
        &self,
        token: &str,
        query: &AuditQuery,
    ) -> Result<Vec<AuditEntryView>, ClientError> {
        let mut params = vec![];
        let mut add = |name: &str, value: Option<String>| {
            if let Some(value) = value {
                params.push(format!("{name}={}", crate::domain::percent_encode(&value)));
            }
        };
        add("actor", query.actor.clone());
        add("action", query.action.clone());
        add("before", query.before.map(|n| n.to_string()));
        add("limit", query.limit.map(|n| n.to_string()));
        let path = format!("/api/v1/desk/audit?{}", params.join("&"));
        self.get_as(token, &path).await
    }
}
