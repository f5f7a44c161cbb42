//! Parts of attachments being received (docs/protocol.md §12): one at a time per upload, so that
//! a part is never written twice at once and a late duplicate cannot rewrite an acknowledged part;
//! and a bounded number in all, each holding up to a part's bytes in memory, so that many
//! uploads at once wait for their turn rather than fill the server's memory.

use std::collections::HashSet;
use std::sync::Mutex;

use tokio::sync::{Semaphore, SemaphorePermit};

use crate::domain::AttachmentId;

/// Part bodies held in memory at once, in all (1 MiB each).
const PARTS_AT_ONCE: usize = 32;

pub struct PartsInFlight {
    uploads: Mutex<HashSet<AttachmentId>>,
    bodies: Semaphore,
}

/// An upload claimed for one part; released when dropped.
pub struct Claim<'a> {
    uploads: &'a Mutex<HashSet<AttachmentId>>,
    id: AttachmentId,
}

impl Default for PartsInFlight {
    fn default() -> Self {
        Self {
            uploads: Mutex::new(HashSet::new()),
            bodies: Semaphore::new(PARTS_AT_ONCE),
        }
    }
}

impl PartsInFlight {
    /// Claims upload `id`; `None` while another of its parts is being received.
    pub fn claim(&self, id: AttachmentId) -> Option<Claim<'_>> {
        // A panic elsewhere while holding the lock leaves a set that is still right: go on.
        let mut uploads = self
            .uploads
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        // A claim is made only once inserted: one made and dropped here would take the lock held
        // above, and release the other request's claim.
        if !uploads.insert(id) {
            return None;
        }
        Some(Claim {
            uploads: &self.uploads,
            id,
        })
    }

    /// Waits for room to hold one more part's bytes.
    pub async fn room(&self) -> Option<SemaphorePermit<'_>> {
        self.bodies.acquire().await.ok()
    }
}

impl Drop for Claim<'_> {
    fn drop(&mut self) {
        let mut uploads = self
            .uploads
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        uploads.remove(&self.id);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_part_of_an_upload_at_a_time() {
        let parts = PartsInFlight::default();
        let (a, b) = (AttachmentId::random(), AttachmentId::random());
        let first = parts.claim(a).unwrap();
        assert!(parts.claim(a).is_none(), "a second part of `a` waits");
        let other = parts.claim(b);
        assert!(other.is_some(), "another upload does not");
        drop(first);
        assert!(
            parts.claim(a).is_some(),
            "released when the first is answered"
        );
    }
}
