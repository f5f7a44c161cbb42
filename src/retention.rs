//! Retention (design §1: "being compelled to hand over data: there must be nothing readable to
//! hand over"): each desk's policy, and the purge that deletes what it says is due, inside the
//! server on a timer and from `resguardo admin purge`. A desk's own policy, set by its supervisors,
//! takes precedence over its table in the configuration, which takes precedence over the defaults.

use serde::Serialize;

use crate::blobs::BlobStore;
use crate::config::RetentionSettings;
use crate::domain::{AuditAction, PolicySource, PurgeRule, RetentionPolicy};
use crate::store::{AuditEntry, DeskStore, Maintenance, StoreError};

/// The policy in force for a desk.
pub async fn policy_of(
    desk: &DeskStore,
    settings: &RetentionSettings,
) -> Result<(RetentionPolicy, PolicySource), StoreError> {
    Ok(match desk.retention().await? {
        Some(policy) => (policy, PolicySource::Desk),
        None => (
            settings.configured(desk.slug()),
            PolicySource::Configuration,
        ),
    })
}

/// What a purge deleted (or, in a dry run, would delete) in one desk.
#[derive(Debug, Clone, Serialize)]
pub struct DeskPurge {
    pub desk: String,
    pub policy: RetentionPolicy,
    pub source: PolicySource,
    pub closed: u64,
    pub spam: u64,
    pub untriaged: u64,
}

impl DeskPurge {
    pub fn cases(&self) -> u64 {
        self.closed + self.spam + self.untriaged
    }

    fn count_mut(&mut self, rule: PurgeRule) -> &mut u64 {
        match rule {
            PurgeRule::Closed => &mut self.closed,
            PurgeRule::Spam => &mut self.spam,
            PurgeRule::Untriaged => &mut self.untriaged,
        }
    }
}

/// What a purge did across the server.
#[derive(Debug, Clone, Serialize)]
pub struct PurgeReport {
    pub dry_run: bool,
    pub desks: Vec<DeskPurge>,
    /// Referrals whose partner copy was deleted because they expired.
    pub expired_referrals: u64,
    /// Attachments deleted from the blob store: those of the cases deleted, and any left by
    /// uploads that were abandoned (not counted in a dry run).
    pub attachments: u64,
}

impl PurgeReport {
    pub fn cases(&self) -> u64 {
        self.desks.iter().map(DeskPurge::cases).sum()
    }
}

/// Deletes (or with `dry_run` only counts) every case that its desk's policy says is due at
/// `now`, and the partner copies of expired referrals. Each desk's deletions are recorded in its
/// audit log as soon as they are made, and whatever was deleted is scrubbed from the database
/// files, even when a later step fails; then the attachments of deleted cases are deleted from
/// the blob store.
pub async fn purge(
    store: &Maintenance,
    blobs: &dyn BlobStore,
    settings: &RetentionSettings,
    now: i64,
    dry_run: bool,
) -> Result<PurgeReport, PurgeError> {
    let mut desks = vec![];
    let outcome = purge_desks(store, settings, now, dry_run, &mut desks).await;
    let deleted =
        !dry_run && (desks.iter().any(|d| d.cases() > 0) || outcome.as_ref().is_ok_and(|n| *n > 0));
    if deleted {
        store.scrub_freed().await?;
    }
    let expired_referrals = outcome?;
    let attachments = if dry_run {
        0
    } else {
        sweep(store, blobs).await?
    };
    Ok(PurgeReport {
        dry_run,
        desks,
        expired_referrals,
        attachments,
    })
}

/// Deletes the uploads that were not completed `abandon_secs` after they began, at `now`, then
/// every blob without a row; how many blobs went. An upload's start is kept to the hour, rounded
/// down, so one is deleted only once a whole hour more has passed: late, never early.
pub async fn forget_abandoned(
    store: &Maintenance,
    blobs: &dyn BlobStore,
    now: i64,
    abandon_secs: i64,
) -> Result<u64, PurgeError> {
    let before = now - abandon_secs - crate::time::BUCKET_SECS;
    store.abandon_uploads(before).await?;
    sweep(store, blobs).await
}

/// Deletes from the blob store every attachment the database no longer holds, asking again for
/// each just before deleting it. A blob that cannot be deleted is logged (its kind of failure
/// only: an id in a log line would date an attachment) and left for the next sweep.
async fn sweep(store: &Maintenance, blobs: &dyn BlobStore) -> Result<u64, PurgeError> {
    let orphans = crate::blobs::orphans(blobs, || store.attachment_ids())
        .await
        .map_err(|e| match e {
            crate::blobs::SweepError::Blobs(e) => PurgeError::Blobs(e),
            crate::blobs::SweepError::Rows(e) => PurgeError::Store(e),
        })?;
    let mut deleted = 0;
    for id in orphans {
        if store.attachment_exists(&id).await? {
            continue;
        }
        match blobs.delete(&id).await {
            Ok(()) => deleted += 1,
            Err(e) => tracing::warn!(error = %e, "an attachment could not be deleted; next sweep"),
        }
    }
    Ok(deleted)
}

/// Why a purge stopped: the database, or the blob store.
#[derive(Debug, thiserror::Error)]
pub enum PurgeError {
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error(transparent)]
    Blobs(#[from] crate::blobs::BlobError),
}

/// The purge of every desk, then of expired referrals; returns how many referrals expired.
async fn purge_desks(
    store: &Maintenance,
    settings: &RetentionSettings,
    now: i64,
    dry_run: bool,
    done: &mut Vec<DeskPurge>,
) -> Result<u64, StoreError> {
    for listing in store.desks().await? {
        let (policy, source) = policy_of(&store.desk(&listing.slug), settings).await?;
        let mut purge = DeskPurge {
            desk: listing.slug.to_string(),
            policy,
            source,
            closed: 0,
            spam: 0,
            untriaged: 0,
        };
        let mut failed = None;
        for rule in PurgeRule::ALL {
            let Some(before) = rule.days(&policy).cutoff(now) else {
                continue;
            };
            match store.purge(&listing.slug, rule, before, !dry_run).await {
                Ok(count) => *purge.count_mut(rule) = count,
                Err(e) => {
                    failed = Some(e);
                    break;
                }
            }
        }
        if !dry_run && purge.cases() > 0 {
            audit(store, &purge, now).await?;
        }
        done.push(purge);
        if let Some(e) = failed {
            return Err(e);
        }
    }
    if dry_run {
        store.expiring_referrals(now).await
    } else {
        store.expire_referrals(now).await
    }
}

/// Records a desk's deletions, with the server as the actor.
async fn audit(store: &Maintenance, purge: &DeskPurge, now: i64) -> Result<(), StoreError> {
    let subject = format!(
        "closed={} spam={} untriaged={}",
        purge.closed, purge.spam, purge.untriaged
    );
    let entry = AuditEntry::new(&purge.desk, "server", AuditAction::RetentionPurge, &subject);
    store.audit_log().append(&entry, now).await
}
