//! The files a case's report and its reporter's messages name (docs/protocol.md §12), as a desk
//! device reads them: each with its manifest entry and, for a message's, who signed the
//! announcement.

use super::{Authenticity, CaseError, OpenCase};
use crate::crypto::chain::DeskState;
use crate::protocol::attachments::{manifest_of, ManifestEntry};
use crate::protocol::message::REPORTER;

/// A file the case's report or one of the reporter's messages names, once the case seal vouched
/// for the report (`OpenCase::vouched_attachments`).
pub struct NamedAttachment {
    pub entry: ManifestEntry,
    /// The day of the message that announced it; `None` for one the report names.
    pub message_day: Option<String>,
    /// Who signed a message's announcement, as this device checked it (`NotSigned`: anyone who
    /// can encrypt to the desk may have written it, so the file is not the reporter's word).
    /// `None` for the report's, which the case seal vouches for (§10.5).
    pub authenticity: Option<Authenticity>,
}

impl NamedAttachment {
    /// Whether the device may take the file as the reporter's: named by the report, or by a
    /// message signed with the report's reporter key.
    pub fn vouched_for(&self) -> bool {
        matches!(self.authenticity, None | Some(Authenticity::Signed))
    }
}

impl OpenCase {
    /// Every file the report names, then those the reporter's messages announce, in the
    /// thread's order, once the case seal vouches for the report (`vouched_report`): otherwise the
    /// server could serve a report of its own naming files it uploaded, and a `reporter_key` that
    /// signs messages of its own. A manifest that does not parse is `Malformed`.
    pub fn vouched_attachments(
        &self,
        state: &DeskState,
    ) -> Result<Vec<NamedAttachment>, CaseError> {
        self.vouched_report(state)?;
        self.attachments().ok_or(CaseError::Malformed)
    }

    /// The same, without the seal's check: only for counting what a report says it carries.
    pub fn attachments(&self) -> Option<Vec<NamedAttachment>> {
        let report = match self.report.as_deref() {
            Some(plain) => manifest_of(plain).ok()?,
            None => Vec::new(),
        };
        let from_report = report.into_iter().map(|entry| NamedAttachment {
            entry,
            message_day: None,
            authenticity: None,
        });
        let from_messages = (self.messages.iter())
            .filter(|m| m.author == REPORTER)
            .flat_map(|m| {
                let entries = m.message.as_ref().map(|msg| msg.attachments.clone());
                entries.into_iter().flatten().map(|entry| NamedAttachment {
                    entry,
                    message_day: Some(m.day.clone()),
                    authenticity: m.authenticity.clone(),
                })
            });
        Some(from_report.chain(from_messages).collect())
    }
}
