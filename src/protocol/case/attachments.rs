//! The files a case's report and its reporter's messages name (docs/protocol.md §12), as a desk
//! device reads them: each with its manifest entry and, for a message's, who signed the
//! announcement.

use super::{Authenticity, OpenCase};
use crate::protocol::attachments::{manifest_of, ManifestEntry};
use crate::protocol::message::REPORTER;

/// A file the case's report or one of the reporter's messages names.
pub struct NamedAttachment {
    pub entry: ManifestEntry,
    /// The day of the message that announced it; `None` for one the report names.
    pub message_day: Option<String>,
    /// Who signed a message's announcement, as this device checked it (`NotSigned`: anyone who
    /// can encrypt to the desk may have written it, so the file is not the reporter's word).
    /// `None` for the report's: the case seal vouches for the report (§10.5).
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
    /// Every file the decrypted report names, then those the reporter's messages announce, in
    /// the thread's order. A report whose manifest does not parse names none (`None`).
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
