//! Signed key statements on the wire (`/api/v1/desk/statements`); their bytes and the chain
//! they form are `crypto::statement` and `crypto::chain`.

use serde::{Deserialize, Serialize};

/// A statement and its signature, as a device sends them.
#[derive(Debug, Clone, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SignedStatement {
    /// The statement's bytes (§10.1), base64; at most 2048 bytes.
    #[schema(pattern = r"^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$")]
    pub statement: String,
    /// Its Ed25519 signature by the sender's own signing key, base64 of 64 bytes.
    #[schema(pattern = r"^[A-Za-z0-9+/]{85}[AQgw]==$")]
    pub signature: String,
    /// For a statement of format 2 that names an account or partner: the opening of the name it
    /// commits to (§10.1), base64 of the 16-byte salt followed by the name's UTF-8.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schema(pattern = r"^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$")]
    pub opening: Option<String>,
}

/// A stored statement, as devices fetch it.
#[derive(Debug, Serialize, Deserialize, utoipa::ToSchema)]
pub struct StatementView {
    pub seq: i64,
    pub statement: String,
    pub signature: String,
    /// The opening of a format-2 name (§10.1), base64; served to the desk's accounts and
    /// partners, never in the public view.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub opening: Option<String>,
}

/// A stored statement as anyone may read it (§10.8): it has no field for an opening, so no
/// name can reach the public view through it.
#[derive(Debug, Serialize, Deserialize, utoipa::ToSchema)]
pub struct PublicStatementView {
    pub seq: i64,
    pub statement: String,
    pub signature: String,
}

/// A desk's chain as anyone may read it (§10.8): no opening, so no name.
#[derive(Debug, Serialize, Deserialize, utoipa::ToSchema)]
pub struct PublicDeskStatements {
    /// The desk's statements in order, every name sealed.
    pub statements: Vec<PublicStatementView>,
    /// Its accounts' witness checkpoints (§10.7), to be compared before the chain is trusted.
    pub checkpoints: Vec<CheckpointView>,
}

/// A witness checkpoint (docs/protocol.md §10.7) and its signature, as devices send and fetch
/// them.
#[derive(Debug, Clone, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CheckpointView {
    /// The checkpoint's bytes (§10.7), base64; at most 256 bytes.
    #[schema(pattern = r"^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$")]
    pub checkpoint: String,
    /// Its Ed25519 signature by the sender's own signing key, base64 of 64 bytes.
    #[schema(pattern = r"^[A-Za-z0-9+/]{85}[AQgw]==$")]
    pub signature: String,
}

/// Statements that sign what the desk already holds: for a desk made before statements
/// (`desk init-chain`), and for changes made without one (a partner added or disabled, an
/// account disabled).
#[derive(Debug, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ExistingStatements {
    /// In chain order, after the desk's current head: a genesis naming the caller (only as the
    /// chain's first statement), approvals of accounts the desk has vetted naming exactly the
    /// keys the server holds, while the chain signs no desk key one desk key statement of the
    /// current version and recipient, partners the desk holds as active with exactly their
    /// name and key, and revocations of partners and accounts it holds as disabled. At most
    /// 1,000.
    pub statements: Vec<SignedStatement>,
}
