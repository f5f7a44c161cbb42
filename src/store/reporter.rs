//! The reporter capability: bound to the one report whose receipt phrase was proven
//! (`IntakeStore::reporter`), it reads that report's status and thread and writes messages to it,
//! and nothing else.

use std::sync::Arc;

use super::{Backend, Message, NewMessage, Receipt, StoreError};
use crate::crypto::AgeCiphertext;
use crate::domain::Author;

pub struct ReporterStore {
    pub(super) db: Arc<dyn Backend>,
    pub(super) receipt: Receipt,
}

impl ReporterStore {
    pub(super) fn new(db: Arc<dyn Backend>, receipt: Receipt) -> Self {
        Self { db, receipt }
    }

    /// The report's desk, status and times, as of the receipt check.
    pub fn receipt(&self) -> &Receipt {
        &self.receipt
    }

    /// The report's thread, oldest first.
    pub async fn messages(&self) -> Result<Vec<Message>, StoreError> {
        let receipt = &self.receipt;
        self.db.messages(&receipt.desk, &receipt.report_id).await
    }

    /// A reporter's message to this report's thread, for group commit to write.
    pub fn message(&self, ciphertext: AgeCiphertext, now: i64, max_messages: i64) -> NewMessage {
        NewMessage {
            report: self.receipt.report_id,
            desk: self.receipt.desk.clone(),
            author: Author::Reporter,
            ciphertext,
            created_at: now,
            max_messages,
        }
    }
}
