//! Partners: what the store keeps of them (directory entries, referrals, answers, webhook
//! deliveries), and the partner capability, bound to the one partner whose API token was
//! presented (`SignIn::partner`): it reads that partner's referrals and writes its answers, and
//! nothing else. The `PartnerRows` part of the store and its one implementation; the desk's side
//! is `directory.rs`.

use std::sync::Arc;

use super::{Backend, StoreError, StoredCheckpoint, StoredStatement};
use crate::crypto::AgeCiphertext;
use crate::domain::{
    Country, DeskSlug, Language, PartnerId, PartnerName, PartnerProfile, PartnerStatus, Recipient,
    ReferralId, ReferralStatus, ReportId, Service, WebhookUrl,
};

/// A partner as the directory holds it.
#[derive(Debug, Clone)]
pub struct Partner {
    pub id: PartnerId,
    pub desk: DeskSlug,
    pub profile: PartnerProfile,
    pub status: PartnerStatus,
    /// Where to announce new referrals, if the partner asked for it.
    pub webhook: Option<WebhookUrl>,
}

/// A webhook announcement waiting to be delivered.
#[derive(Debug, Clone)]
pub struct WebhookDelivery {
    pub referral: ReferralId,
    pub partner: PartnerId,
    pub url: WebhookUrl,
    /// Failed attempts so far.
    pub attempts: i64,
    /// SHA-256 of the partner's current API token: its webhook key is derived from it, so a new
    /// token brings a new webhook key.
    pub token_digest: [u8; 32],
}

/// A referral being made: ciphertext to the partner's and the desk's keys.
#[derive(Debug, Clone)]
pub struct NewReferral {
    pub id: ReferralId,
    pub report: ReportId,
    pub partner: PartnerId,
    pub ciphertext: AgeCiphertext,
    /// Set when the worker referred without the reporter's consent: why, encrypted to the desk.
    pub override_reason: Option<AgeCiphertext>,
    /// When the partner's copy is deleted from the server (hour bucket), if ever.
    pub expires_at: Option<i64>,
    /// Complete attachments of the same case the partner may fetch (their keys are inside
    /// `ciphertext`).
    pub attachments: Vec<crate::domain::AttachmentId>,
}

/// A stored referral.
#[derive(Debug, Clone)]
pub struct Referral {
    pub id: ReferralId,
    pub report: ReportId,
    pub partner: PartnerId,
    pub partner_name: PartnerName,
    /// `None` once expired.
    pub ciphertext: Option<AgeCiphertext>,
    pub override_reason: Option<AgeCiphertext>,
    pub status: ReferralStatus,
    pub expires_at: Option<i64>,
    pub created_at: i64,
    pub updated_at: i64,
}

/// A partner's answer on a referral.
#[derive(Debug, Clone)]
pub struct ReferralUpdate {
    pub seq: i64,
    pub status: Option<ReferralStatus>,
    pub ciphertext: Option<AgeCiphertext>,
    pub created_at: i64,
    /// A desk account's message to the partner, rather than the partner's answer.
    pub from_desk: bool,
}

#[async_trait::async_trait]
pub trait PartnerRows: Send + Sync + 'static {
    /// The partner whose token has this SHA-256, whatever its status.
    async fn partner_by_token(&self, digest: &[u8; 32]) -> Result<Option<Partner>, StoreError>;
    async fn referrals_of_partner(&self, partner: &PartnerId) -> Result<Vec<Referral>, StoreError>;
    /// One referral to `partner`; `None` for any other partner's.
    async fn referral(
        &self,
        partner: &PartnerId,
        id: &ReferralId,
    ) -> Result<Option<Referral>, StoreError>;
    async fn referral_updates(
        &self,
        partner: &PartnerId,
        id: &ReferralId,
    ) -> Result<Vec<ReferralUpdate>, StoreError>;
    /// Adds a partner's answer. With a status, the referral moves from `from` to it; `Conflict`
    /// if it is no longer at `from` (another answer came first) or is not `partner`'s.
    async fn add_referral_update(
        &self,
        partner: &PartnerId,
        id: &ReferralId,
        from: ReferralStatus,
        status: Option<ReferralStatus>,
        ciphertext: Option<&AgeCiphertext>,
        now: i64,
    ) -> Result<(), StoreError>;
    /// Deletes the ciphertext of referrals whose expiry is before `now`; returns how many.
    async fn expire_referrals(&self, now: i64) -> Result<u64, StoreError>;

    /// Claims up to `limit` deliveries due at `now` for this server until `lease_until`: another
    /// server on the same database skips them until then (and takes them over if this one died).
    async fn claim_webhooks(
        &self,
        now: i64,
        lease_until: i64,
        limit: i64,
    ) -> Result<Vec<WebhookDelivery>, StoreError>;
    /// Forgets a delivery: done, or given up.
    async fn webhook_done(&self, referral: &ReferralId) -> Result<(), StoreError>;
    /// Counts a failed attempt and sets the next one.
    async fn webhook_retry(&self, referral: &ReferralId, next_at: i64) -> Result<(), StoreError>;
}

/// The partner capability, bound to one partner.
#[derive(Clone)]
pub struct PartnerStore {
    pub(super) db: Arc<dyn Backend>,
    pub(super) partner: PartnerId,
    desk: DeskSlug,
}

impl PartnerStore {
    pub(super) fn new(db: Arc<dyn Backend>, partner: PartnerId, desk: DeskSlug) -> Self {
        Self { db, partner, desk }
    }

    /// The signed key statements of the partner's own desk, for its device to verify before it
    /// writes to the desk's key (docs/protocol.md §10.6).
    pub async fn desk_statements(&self) -> Result<Vec<StoredStatement>, StoreError> {
        self.db.statements_of(&self.desk).await
    }

    /// The partner's desk's accounts' witness checkpoints (docs/protocol.md §10.7).
    pub async fn desk_checkpoints(&self) -> Result<Vec<StoredCheckpoint>, StoreError> {
        self.db.checkpoints_of(&self.desk).await
    }

    /// The partner's referrals, most recently updated first.
    pub async fn referrals(&self) -> Result<Vec<Referral>, StoreError> {
        self.db.referrals_of_partner(&self.partner).await
    }

    pub async fn referral(&self, id: &ReferralId) -> Result<Option<Referral>, StoreError> {
        self.db.referral(&self.partner, id).await
    }

    pub async fn referral_updates(
        &self,
        id: &ReferralId,
    ) -> Result<Vec<ReferralUpdate>, StoreError> {
        self.db.referral_updates(&self.partner, id).await
    }

    pub async fn add_referral_update(
        &self,
        id: &ReferralId,
        from: ReferralStatus,
        status: Option<ReferralStatus>,
        ciphertext: Option<&AgeCiphertext>,
        now: i64,
    ) -> Result<(), StoreError> {
        (self.db)
            .add_referral_update(&self.partner, id, from, status, ciphertext, now)
            .await
    }
}

pub(super) type PartnerRow = (
    Vec<u8>,
    String,
    String,
    String,
    String,
    String,
    String,
    String,
    String,
    Option<String>,
);

fn parse<T: std::str::FromStr>(text: &str, what: &'static str) -> Result<T, StoreError> {
    text.parse().map_err(|_| StoreError::Corrupt(what))
}

fn list<T: serde::de::DeserializeOwned>(
    json: &str,
    what: &'static str,
) -> Result<Vec<T>, StoreError> {
    serde_json::from_str(json).map_err(|_| StoreError::Corrupt(what))
}

/// The JSON array a list of partner attributes is stored as.
pub(super) fn list_text<T: serde::Serialize>(items: &[T]) -> String {
    serde_json::to_string(items).unwrap_or_else(|_| "[]".into())
}

fn id16(bytes: Vec<u8>, what: &'static str) -> Result<[u8; 16], StoreError> {
    bytes.try_into().map_err(|_| StoreError::Corrupt(what))
}

pub(super) fn partner_from_row(row: PartnerRow) -> Result<Partner, StoreError> {
    let (id, desk, name, services, countries, languages, recipient, contact, status, webhook) = row;
    Ok(Partner {
        id: PartnerId::from_bytes(id16(id, "partner id")?),
        desk: DeskSlug::parse(&desk).map_err(|_| StoreError::Corrupt("desk slug"))?,
        profile: PartnerProfile {
            name: PartnerName::from_stored(name),
            services: list::<Service>(&services, "services")?,
            countries: list::<Country>(&countries, "countries")?,
            languages: list::<Language>(&languages, "languages")?,
            recipient: Recipient::parse(&recipient)
                .map_err(|_| StoreError::Corrupt("partner recipient"))?,
            contact,
        },
        status: parse(&status, "partner status")?,
        webhook: webhook
            .map(|url| WebhookUrl::parse(&url, true).map_err(|_| StoreError::Corrupt("webhook")))
            .transpose()?,
    })
}

pub(super) type DeliveryRow = (Vec<u8>, Vec<u8>, String, i64, i64, Vec<u8>);

pub(super) fn delivery_from_row(row: DeliveryRow) -> Result<WebhookDelivery, StoreError> {
    let (referral, partner, url, attempts, _, token_digest) = row;
    Ok(WebhookDelivery {
        token_digest: token_digest
            .try_into()
            .map_err(|_| StoreError::Corrupt("partner token"))?,
        referral: ReferralId::from_bytes(id16(referral, "referral id")?),
        partner: PartnerId::from_bytes(id16(partner, "partner id")?),
        url: WebhookUrl::parse(&url, true).map_err(|_| StoreError::Corrupt("webhook"))?,
        attempts,
    })
}

pub(super) type ReferralRow = (
    Vec<u8>,
    Vec<u8>,
    Vec<u8>,
    String,
    Option<Vec<u8>>,
    Option<Vec<u8>>,
    String,
    Option<i64>,
    i64,
    i64,
);

pub(super) fn referral_from_row(row: ReferralRow) -> Result<Referral, StoreError> {
    let (id, report, partner, name, ciphertext, reason, status, expires_at, created, updated) = row;
    Ok(Referral {
        id: ReferralId::from_bytes(id16(id, "referral id")?),
        report: ReportId::from_bytes(id16(report, "report id")?),
        partner: PartnerId::from_bytes(id16(partner, "partner id")?),
        partner_name: PartnerName::from_stored(name),
        ciphertext: ciphertext.map(AgeCiphertext::from_stored),
        override_reason: reason.map(AgeCiphertext::from_stored),
        status: parse(&status, "referral status")?,
        expires_at,
        created_at: created,
        updated_at: updated,
    })
}

pub(super) type UpdateRow = (i64, Option<String>, Option<Vec<u8>>, i64, String);

pub(super) fn update_from_row(row: UpdateRow) -> Result<ReferralUpdate, StoreError> {
    let (seq, status, ciphertext, created_at, author) = row;
    Ok(ReferralUpdate {
        seq,
        status: status.map(|s| parse(&s, "referral status")).transpose()?,
        ciphertext: ciphertext.map(AgeCiphertext::from_stored),
        created_at,
        from_desk: match author.as_str() {
            "partner" => false,
            "desk" => true,
            _ => return Err(StoreError::Corrupt("referral update author")),
        },
    })
}

/// The one `PartnerRows` implementation, for each backend's pool type (see `sqlite.rs`).
macro_rules! impl_partner_rows {
    ($store:ident, $db:ty) => {
        #[async_trait::async_trait]
        impl $crate::store::PartnerRows for $store {
            async fn partner_by_token(
                &self,
                digest: &[u8; 32],
            ) -> Result<Option<Partner>, StoreError> {
                let row: Option<partners::PartnerRow> =
                    sqlx::query_as(&sql::select_partners("p.token_hash = $1"))
                        .bind(&digest[..])
                        .fetch_optional(&self.pool)
                        .await?;
                row.map(partners::partner_from_row).transpose()
            }

            async fn referrals_of_partner(
                &self,
                partner: &PartnerId,
            ) -> Result<Vec<Referral>, StoreError> {
                let rows: Vec<partners::ReferralRow> = sqlx::query_as(&sql::select_referrals(
                    "r.partner_id = $1 ORDER BY r.updated_at DESC, r.id",
                ))
                .bind(&partner.as_bytes()[..])
                .fetch_all(&self.pool)
                .await?;
                rows.into_iter().map(partners::referral_from_row).collect()
            }

            async fn referral(
                &self,
                partner: &PartnerId,
                id: &ReferralId,
            ) -> Result<Option<Referral>, StoreError> {
                let row: Option<partners::ReferralRow> =
                    sqlx::query_as(&sql::select_referrals("r.id = $1 AND r.partner_id = $2"))
                        .bind(&id.as_bytes()[..])
                        .bind(&partner.as_bytes()[..])
                        .fetch_optional(&self.pool)
                        .await?;
                row.map(partners::referral_from_row).transpose()
            }

            async fn referral_updates(
                &self,
                partner: &PartnerId,
                id: &ReferralId,
            ) -> Result<Vec<ReferralUpdate>, StoreError> {
                let rows: Vec<partners::UpdateRow> =
                    sqlx::query_as(&sql::select_referral_updates("r.partner_id = $2"))
                        .bind(&id.as_bytes()[..])
                        .bind(&partner.as_bytes()[..])
                        .fetch_all(&self.pool)
                        .await?;
                rows.into_iter().map(partners::update_from_row).collect()
            }

            async fn add_referral_update(
                &self,
                partner: &PartnerId,
                id: &ReferralId,
                from: ReferralStatus,
                status: Option<ReferralStatus>,
                ciphertext: Option<&AgeCiphertext>,
                now: i64,
            ) -> Result<(), StoreError> {
                let mut tx = self.begin_write().await?;
                // Written first: it locks the referral, so concurrent answers queue up here.
                let moved = sqlx::query(sql::MOVE_REFERRAL)
                    .bind(&id.as_bytes()[..])
                    .bind(from.as_str())
                    .bind(status.unwrap_or(from).as_str())
                    .bind(now)
                    .bind(&partner.as_bytes()[..])
                    .execute(&mut *tx)
                    .await?;
                if moved.rows_affected() == 0 {
                    return Err(StoreError::Conflict(Thing::NewerAnswer));
                }
                sqlx::query(sql::INSERT_REFERRAL_UPDATE)
                    .bind(&id.as_bytes()[..])
                    .bind(status.map(|s| s.as_str()))
                    .bind(ciphertext.map(|c| c.as_bytes().to_vec()))
                    .bind(now)
                    .execute(&mut *tx)
                    .await?;
                tx.commit().await?;
                Ok(())
            }

            async fn expire_referrals(&self, now: i64) -> Result<u64, StoreError> {
                let done = sqlx::query(sql::EXPIRE_REFERRALS)
                    .bind(now)
                    .execute(&self.pool)
                    .await?;
                Ok(done.rows_affected())
            }

            async fn claim_webhooks(
                &self,
                now: i64,
                lease_until: i64,
                limit: i64,
            ) -> Result<Vec<partners::WebhookDelivery>, StoreError> {
                let rows: Vec<partners::DeliveryRow> = sqlx::query_as(sql::DUE_WEBHOOKS)
                    .bind(now)
                    .bind(limit)
                    .fetch_all(&self.pool)
                    .await?;
                let mut claimed = Vec::with_capacity(rows.len());
                for row in rows {
                    let won = sqlx::query(sql::CLAIM_WEBHOOK)
                        .bind(&row.0[..])
                        .bind(row.4)
                        .bind(lease_until)
                        .execute(&self.pool)
                        .await?;
                    if won.rows_affected() == 1 {
                        claimed.push(partners::delivery_from_row(row)?);
                    }
                }
                Ok(claimed)
            }

            async fn webhook_done(&self, referral: &ReferralId) -> Result<(), StoreError> {
                sqlx::query(sql::DELETE_WEBHOOK)
                    .bind(&referral.as_bytes()[..])
                    .execute(&self.pool)
                    .await?;
                Ok(())
            }

            async fn webhook_retry(
                &self,
                referral: &ReferralId,
                next_at: i64,
            ) -> Result<(), StoreError> {
                sqlx::query(sql::RETRY_WEBHOOK)
                    .bind(&referral.as_bytes()[..])
                    .bind(next_at)
                    .execute(&self.pool)
                    .await?;
                Ok(())
            }
        }
    };
}

pub(crate) use impl_partner_rows;
