//! Retention (design §1: "being compelled to hand over data: there must be nothing readable to
//! hand over"): each desk's policy, and the purge that deletes what it says is due, inside the
//! server on a timer and from `resguardo admin purge`. A desk's own policy, set by its supervisors,
//! takes precedence over its table in the configuration, which takes precedence over the defaults.

use serde::{Deserialize, Serialize};

use crate::config::RetentionSettings;
use crate::domain::{DeskSlug, PurgeRule, RetentionPolicy};
use crate::store::{AuditEntry, Store, StoreError};

/// Where a desk's policy comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum PolicySource {
    /// Set by the desk's supervisors.
    Desk,
    /// From the server's configuration.
    Configuration,
}

/// The policy in force for a desk.
pub async fn policy_of(
    store: &dyn Store,
    settings: &RetentionSettings,
    desk: &DeskSlug,
) -> Result<(RetentionPolicy, PolicySource), StoreError> {
    Ok(match store.retention(desk).await? {
        Some(policy) => (policy, PolicySource::Desk),
        None => (settings.configured(desk), PolicySource::Configuration),
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
}

/// What a purge did across the server.
#[derive(Debug, Clone, Serialize)]
pub struct PurgeReport {
    pub dry_run: bool,
    pub desks: Vec<DeskPurge>,
    /// Referrals whose partner copy was deleted because they expired.
    pub expired_referrals: u64,
}

impl PurgeReport {
    pub fn cases(&self) -> u64 {
        self.desks.iter().map(DeskPurge::cases).sum()
    }
}

/// Deletes (or with `dry_run` only counts) every case that its desk's policy says is due at
/// `now`, and the partner copies of expired referrals; then records each desk's deletions in its
/// audit log and scrubs what was freed from the database files.
pub async fn purge(
    store: &dyn Store,
    settings: &RetentionSettings,
    now: i64,
    dry_run: bool,
) -> Result<PurgeReport, StoreError> {
    let mut desks = vec![];
    for listing in store.desks().await? {
        let (policy, source) = policy_of(store, settings, &listing.slug).await?;
        let mut counts = [0u64; 3];
        for (count, rule) in counts.iter_mut().zip(PurgeRule::ALL) {
            if let Some(before) = rule.days(&policy).cutoff(now) {
                *count = store.purge(&listing.slug, rule, before, !dry_run).await?;
            }
        }
        let [closed, spam, untriaged] = counts;
        desks.push(DeskPurge {
            desk: listing.slug.to_string(),
            policy,
            source,
            closed,
            spam,
            untriaged,
        });
    }
    let expired_referrals = if dry_run {
        store.expiring_referrals(now).await?
    } else {
        store.expire_referrals(now).await?
    };
    let report = PurgeReport {
        dry_run,
        desks,
        expired_referrals,
    };
    if !dry_run && (report.cases() > 0 || expired_referrals > 0) {
        // Recorded before the scrub: the deletes are committed whether or not the scrub succeeds.
        for desk in report.desks.iter().filter(|d| d.cases() > 0) {
            let entry = AuditEntry {
                desk: desk.desk.clone(),
                actor: "server".into(),
                action: "retention.purge".into(),
                subject: format!(
                    "closed={} spam={} untriaged={}",
                    desk.closed, desk.spam, desk.untriaged
                ),
            };
            store.audit(&entry, now).await?;
        }
        store.scrub_freed().await?;
    }
    Ok(report)
}
