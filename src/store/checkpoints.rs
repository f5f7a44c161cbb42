//! Witness checkpoints (docs/protocol.md §10.7): each account's newest signed "I saw statement
//! `seq` of this desk's chain". The `CheckpointRows` part of the store, its one implementation,
//! and the `DeskStore` methods that reach it. The route checks a checkpoint against the desk's
//! chain before it is stored; the store keeps the highest `seq` per account.

use super::{AccountId, DeskStore, StoreError};
use crate::domain::DeskSlug;

/// A stored checkpoint, as devices fetch it.
#[derive(Debug, Clone)]
pub struct StoredCheckpoint {
    pub checkpoint: Vec<u8>,
    pub signature: Vec<u8>,
}

#[async_trait::async_trait]
pub trait CheckpointRows: Send + Sync + 'static {
    /// Stores `account`'s checkpoint of statement `seq` unless it holds a higher one already.
    async fn put_checkpoint(
        &self,
        desk: &DeskSlug,
        account: AccountId,
        seq: i64,
        checkpoint: &StoredCheckpoint,
        now: i64,
    ) -> Result<(), StoreError>;
    async fn checkpoints_of(&self, desk: &DeskSlug) -> Result<Vec<StoredCheckpoint>, StoreError>;
}

impl DeskStore {
    pub async fn put_checkpoint(
        &self,
        account: AccountId,
        seq: i64,
        checkpoint: &StoredCheckpoint,
        now: i64,
    ) -> Result<(), StoreError> {
        (self.db)
            .put_checkpoint(&self.desk, account, seq, checkpoint, now)
            .await
    }

    /// Every account's newest checkpoint of this desk's chain.
    pub async fn checkpoints(&self) -> Result<Vec<StoredCheckpoint>, StoreError> {
        self.db.checkpoints_of(&self.desk).await
    }
}

/// The one `CheckpointRows` implementation, for each backend's pool type (see `sqlite.rs`).
macro_rules! impl_checkpoint_rows {
    ($store:ident, $db:ty) => {
        #[async_trait::async_trait]
        impl $crate::store::checkpoints::CheckpointRows for $store {
            async fn put_checkpoint(
                &self,
                desk: &DeskSlug,
                account: AccountId,
                seq: i64,
                checkpoint: &$crate::store::checkpoints::StoredCheckpoint,
                now: i64,
            ) -> Result<(), StoreError> {
                sqlx::query(sql::PUT_CHECKPOINT)
                    .bind(desk.as_str())
                    .bind(&account.0[..])
                    .bind(seq)
                    .bind(&checkpoint.checkpoint)
                    .bind(&checkpoint.signature)
                    .bind(now)
                    .execute(&self.pool)
                    .await?;
                Ok(())
            }

            async fn checkpoints_of(
                &self,
                desk: &DeskSlug,
            ) -> Result<Vec<$crate::store::checkpoints::StoredCheckpoint>, StoreError> {
                let rows: Vec<(Vec<u8>, Vec<u8>)> = sqlx::query_as(sql::SELECT_CHECKPOINTS)
                    .bind(desk.as_str())
                    .fetch_all(&self.pool)
                    .await?;
                Ok(rows
                    .into_iter()
                    .map(
                        |(checkpoint, signature)| $crate::store::checkpoints::StoredCheckpoint {
                            checkpoint,
                            signature,
                        },
                    )
                    .collect())
            }
        }
    };
}
pub(crate) use impl_checkpoint_rows;
