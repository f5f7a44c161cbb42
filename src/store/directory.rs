//! A desk's side of partners: its directory (add, list, disable, new token) and its referrals of
//! cases to them, with the partners' answers. The `DirectoryRows` part of the store, its one
//! implementation, and the `DeskStore` methods that reach it. Every query names the desk.

use super::{DeskStore, NewReferral, Partner, Referral, ReferralUpdate, StoreError};
use crate::crypto::AgeCiphertext;
use crate::domain::{DeskSlug, PartnerId, PartnerStatus, ReferralId, ReportId};

#[async_trait::async_trait]
pub trait DirectoryRows: Send + Sync + 'static {
    /// Adds a partner to its desk's directory; `Conflict` if the desk has one of that name.
    async fn add_partner(
        &self,
        partner: &Partner,
        token_digest: &[u8; 32],
        now: i64,
    ) -> Result<(), StoreError>;
    async fn partners(&self, desk: &DeskSlug) -> Result<Vec<Partner>, StoreError>;
    async fn partner(&self, desk: &DeskSlug, id: &PartnerId)
        -> Result<Option<Partner>, StoreError>;
    /// `Missing` unless the partner is `desk`'s.
    async fn set_partner_status(
        &self,
        desk: &DeskSlug,
        id: &PartnerId,
        status: PartnerStatus,
    ) -> Result<(), StoreError>;
    /// Replaces the partner's token: the old one stops working at once.
    async fn set_partner_token(
        &self,
        desk: &DeskSlug,
        id: &PartnerId,
        digest: &[u8; 32],
    ) -> Result<(), StoreError>;
    /// Stores the referral and moves its case to `referred`, in one transaction; `Missing`
    /// unless both the case and the partner are `desk`'s.
    async fn refer(
        &self,
        desk: &DeskSlug,
        referral: &NewReferral,
        now: i64,
    ) -> Result<(), StoreError>;
    async fn referrals_of_case(
        &self,
        desk: &DeskSlug,
        report: &ReportId,
    ) -> Result<Vec<Referral>, StoreError>;
    /// The answers on a referral of `desk`'s; empty for any other.
    async fn desk_referral_updates(
        &self,
        desk: &DeskSlug,
        id: &ReferralId,
    ) -> Result<Vec<ReferralUpdate>, StoreError>;
    /// A desk account's message to the partner on referral `id` of case `report` of `desk`;
    /// `Missing` if it is not one, or the partner's copy has expired.
    async fn add_desk_message(
        &self,
        desk: &DeskSlug,
        report: &ReportId,
        id: &ReferralId,
        ciphertext: &AgeCiphertext,
        now: i64,
    ) -> Result<(), StoreError>;
}

impl DeskStore {
    /// Adds a partner to this desk's directory (`partner.desk` must be this desk).
    pub async fn add_partner(
        &self,
        partner: &Partner,
        token_digest: &[u8; 32],
        now: i64,
    ) -> Result<(), StoreError> {
        if partner.desk != self.desk {
            return Err(StoreError::Missing(super::Thing::Desk));
        }
        self.db.add_partner(partner, token_digest, now).await
    }

    /// The desk's directory, by name.
    pub async fn partners(&self) -> Result<Vec<Partner>, StoreError> {
        self.db.partners(&self.desk).await
    }

    pub async fn partner(&self, id: &PartnerId) -> Result<Option<Partner>, StoreError> {
        self.db.partner(&self.desk, id).await
    }

    pub async fn set_partner_status(
        &self,
        id: &PartnerId,
        status: PartnerStatus,
    ) -> Result<(), StoreError> {
        self.db.set_partner_status(&self.desk, id, status).await
    }

    pub async fn set_partner_token(
        &self,
        id: &PartnerId,
        digest: &[u8; 32],
    ) -> Result<(), StoreError> {
        self.db.set_partner_token(&self.desk, id, digest).await
    }

    pub async fn refer(&self, referral: &NewReferral, now: i64) -> Result<(), StoreError> {
        self.db.refer(&self.desk, referral, now).await
    }

    pub async fn referrals_of_case(&self, report: &ReportId) -> Result<Vec<Referral>, StoreError> {
        self.db.referrals_of_case(&self.desk, report).await
    }

    /// A message of this desk's to the partner of referral `id` of case `report`.
    pub async fn add_desk_message(
        &self,
        report: &ReportId,
        id: &ReferralId,
        ciphertext: &AgeCiphertext,
        now: i64,
    ) -> Result<(), StoreError> {
        (self.db)
            .add_desk_message(&self.desk, report, id, ciphertext, now)
            .await
    }

    pub async fn referral_updates(
        &self,
        id: &ReferralId,
    ) -> Result<Vec<ReferralUpdate>, StoreError> {
        self.db.desk_referral_updates(&self.desk, id).await
    }
}

/// The one `DirectoryRows` implementation, for each backend's pool type (see `sqlite.rs`).
macro_rules! impl_directory_rows {
    ($store:ident, $db:ty) => {
        #[async_trait::async_trait]
        impl $crate::store::DirectoryRows for $store {
            async fn add_partner(
                &self,
                partner: &Partner,
                token_digest: &[u8; 32],
                now: i64,
            ) -> Result<(), StoreError> {
                let p = &partner.profile;
                let done = sqlx::query(sql::INSERT_PARTNER)
                    .bind(&partner.id.as_bytes()[..])
                    .bind(partner.desk.as_str())
                    .bind(p.name.as_str())
                    .bind(partners::list_text(&p.services))
                    .bind(partners::list_text(&p.countries))
                    .bind(partners::list_text(&p.languages))
                    .bind(p.recipient.as_str())
                    .bind(&p.contact)
                    .bind(&token_digest[..])
                    .bind(now)
                    .bind(partner.webhook.as_ref().map(|w| w.as_str().to_owned()))
                    .execute(&self.pool)
                    .await?;
                if done.rows_affected() == 0 {
                    return Err(StoreError::Conflict(Thing::PartnerName));
                }
                Ok(())
            }

            async fn partners(&self, desk: &DeskSlug) -> Result<Vec<Partner>, StoreError> {
                let rows: Vec<partners::PartnerRow> =
                    sqlx::query_as(&sql::select_partners("p.desk_slug = $1 ORDER BY p.name"))
                        .bind(desk.as_str())
                        .fetch_all(&self.pool)
                        .await?;
                rows.into_iter().map(partners::partner_from_row).collect()
            }

            async fn partner(
                &self,
                desk: &DeskSlug,
                id: &PartnerId,
            ) -> Result<Option<Partner>, StoreError> {
                let row: Option<partners::PartnerRow> =
                    sqlx::query_as(&sql::select_partners("p.desk_slug = $1 AND p.id = $2"))
                        .bind(desk.as_str())
                        .bind(&id.as_bytes()[..])
                        .fetch_optional(&self.pool)
                        .await?;
                row.map(partners::partner_from_row).transpose()
            }

            async fn set_partner_status(
                &self,
                desk: &DeskSlug,
                id: &PartnerId,
                status: PartnerStatus,
            ) -> Result<(), StoreError> {
                let done = sqlx::query(sql::SET_PARTNER_STATUS)
                    .bind(desk.as_str())
                    .bind(&id.as_bytes()[..])
                    .bind(status.as_str())
                    .execute(&self.pool)
                    .await?;
                if done.rows_affected() == 0 {
                    return Err(StoreError::Missing(Thing::Partner));
                }
                Ok(())
            }

            async fn set_partner_token(
                &self,
                desk: &DeskSlug,
                id: &PartnerId,
                digest: &[u8; 32],
            ) -> Result<(), StoreError> {
                let done = sqlx::query(sql::SET_PARTNER_TOKEN)
                    .bind(desk.as_str())
                    .bind(&id.as_bytes()[..])
                    .bind(&digest[..])
                    .execute(&self.pool)
                    .await?;
                if done.rows_affected() == 0 {
                    return Err(StoreError::Missing(Thing::Partner));
                }
                Ok(())
            }

            async fn refer(
                &self,
                desk: &DeskSlug,
                referral: &NewReferral,
                now: i64,
            ) -> Result<(), StoreError> {
                let mut tx = self.begin_write().await?;
                let stored = sqlx::query(sql::INSERT_REFERRAL)
                    .bind(&referral.id.as_bytes()[..])
                    .bind(&referral.report.as_bytes()[..])
                    .bind(&referral.partner.as_bytes()[..])
                    .bind(referral.ciphertext.as_bytes())
                    .bind(
                        referral
                            .override_reason
                            .as_ref()
                            .map(|r| r.as_bytes().to_vec()),
                    )
                    .bind(referral.expires_at)
                    .bind(now)
                    .bind(desk.as_str())
                    .execute(&mut *tx)
                    .await?;
                if stored.rows_affected() == 0 {
                    return Err(StoreError::Missing(Thing::Case));
                }
                for attachment in &referral.attachments {
                    // Only a complete attachment of the same case; otherwise nothing is stored.
                    let shared = sqlx::query(sql::SHARE_ATTACHMENT)
                        .bind(&referral.id.as_bytes()[..])
                        .bind(&attachment.as_bytes()[..])
                        .bind(&referral.report.as_bytes()[..])
                        .execute(&mut *tx)
                        .await?;
                    if shared.rows_affected() == 0 {
                        return Err(StoreError::Missing(Thing::Attachment));
                    }
                }
                sqlx::query(sql::MARK_REFERRED)
                    .bind(&referral.report.as_bytes()[..])
                    .bind(now)
                    .execute(&mut *tx)
                    .await?;
                sqlx::query(sql::QUEUE_WEBHOOK)
                    .bind(&referral.id.as_bytes()[..])
                    .bind(now)
                    .bind(&referral.partner.as_bytes()[..])
                    .execute(&mut *tx)
                    .await?;
                tx.commit().await?;
                Ok(())
            }

            async fn referrals_of_case(
                &self,
                desk: &DeskSlug,
                report: &ReportId,
            ) -> Result<Vec<Referral>, StoreError> {
                let rows: Vec<partners::ReferralRow> = sqlx::query_as(&sql::select_referrals(
                    "r.report_id = $1 AND p.desk_slug = $2 ORDER BY r.created_at, r.id",
                ))
                .bind(&report.as_bytes()[..])
                .bind(desk.as_str())
                .fetch_all(&self.pool)
                .await?;
                rows.into_iter().map(partners::referral_from_row).collect()
            }

            async fn desk_referral_updates(
                &self,
                desk: &DeskSlug,
                id: &ReferralId,
            ) -> Result<Vec<ReferralUpdate>, StoreError> {
                let rows: Vec<partners::UpdateRow> =
                    sqlx::query_as(&sql::select_referral_updates("p.desk_slug = $2"))
                        .bind(&id.as_bytes()[..])
                        .bind(desk.as_str())
                        .fetch_all(&self.pool)
                        .await?;
                rows.into_iter().map(partners::update_from_row).collect()
            }

            async fn add_desk_message(
                &self,
                desk: &DeskSlug,
                report: &ReportId,
                id: &ReferralId,
                ciphertext: &AgeCiphertext,
                now: i64,
            ) -> Result<(), StoreError> {
                let mut tx = self.begin_write().await?;
                let added = sqlx::query(sql::INSERT_DESK_MESSAGE)
                    .bind(&id.as_bytes()[..])
                    .bind(&report.as_bytes()[..])
                    .bind(desk.as_str())
                    .bind(ciphertext.as_bytes())
                    .bind(now)
                    .execute(&mut *tx)
                    .await?;
                if added.rows_affected() == 0 {
                    return Err(StoreError::Missing(Thing::Referral));
                }
                for announce in [sql::TOUCH_REFERRAL, sql::QUEUE_WEBHOOK_AGAIN] {
                    sqlx::query(announce)
                        .bind(&id.as_bytes()[..])
                        .bind(now)
                        .execute(&mut *tx)
                        .await?;
                }
                tx.commit().await?;
                Ok(())
            }
        }
    };
}

pub(crate) use impl_directory_rows;
