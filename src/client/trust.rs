//! What this device trusts about a desk's keys (docs/protocol.md §10): the desk's root safety
//! number, typed by a person at enrolment or login (or made here, by the desk's first supervisor),
//! and the head of the desk's statement chain it last verified. Kept in `trust.json` beside
//! `session.json` (0600 in a 0700 directory); logout keeps it, since it holds nothing secret and
//! forgetting it would let a server roll the chain back unnoticed.

use std::collections::BTreeMap;
use std::path::PathBuf;

use serde::{Deserialize, Serialize};

use super::{session, ApiClient, ClientError};
use crate::crypto::chain::{self, DeskState, Pins, View};
use crate::crypto::checkpoint::{self, Checkpoint};
use crate::crypto::statement::{Opening, Signed};
use crate::domain::{b64_decode, b64_encode, DeskSlug, Fingerprint};
use crate::protocol::statements::{CheckpointView, PublicDeskStatements, StatementView};

#[derive(Serialize, Deserialize, Default)]
struct TrustFile {
    v: u32,
    /// By `server|desk`.
    desks: BTreeMap<String, DeskPin>,
}

#[derive(Serialize, Deserialize, Clone)]
struct DeskPin {
    root: String,
    head: Option<HeadPin>,
}

#[derive(Serialize, Deserialize, Clone)]
struct HeadPin {
    seq: u64,
    /// Lower-case hex of the link of statement `seq`.
    link: String,
}

fn path() -> PathBuf {
    session::home().join("trust.json")
}

fn key(server: &str, desk: &str) -> String {
    format!("{}|{desk}", server.trim_end_matches('/'))
}

fn load() -> std::io::Result<TrustFile> {
    let path = path();
    if !path.exists() {
        return Ok(TrustFile {
            v: 1,
            ..TrustFile::default()
        });
    }
    crate::os::files::check_private(&path)?;
    serde_json::from_slice(&std::fs::read(&path)?)
        .map_err(|e| std::io::Error::new(std::io::ErrorKind::InvalidData, e))
}

fn store(file: &TrustFile) -> std::io::Result<()> {
    let path = path();
    match std::fs::remove_file(&path) {
        Err(e) if e.kind() != std::io::ErrorKind::NotFound => return Err(e),
        _ => {}
    }
    let text = serde_json::to_vec_pretty(file).unwrap_or_default();
    crate::os::files::write_private(&path, &text)
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// This device's pins for a desk, if it has a root for it.
pub fn pins(server: &str, desk: &str) -> std::io::Result<Option<Pins>> {
    let file = load()?;
    let Some(pin) = file.desks.get(&key(server, desk)) else {
        return Ok(None);
    };
    let bad = || std::io::Error::new(std::io::ErrorKind::InvalidData, "trust.json is damaged");
    let root = Fingerprint::parse_typed(&pin.root).ok_or_else(bad)?;
    let head = match &pin.head {
        None => None,
        Some(h) => {
            let link = crate::domain::hex_decode(&h.link)
                .and_then(|b| <[u8; 32]>::try_from(b).ok())
                .ok_or_else(bad)?;
            Some((h.seq, link))
        }
    };
    Ok(Some(Pins { root, head }))
}

/// Pins a desk's root. A different root already pinned is refused: a desk's root does not
/// change, and a server that presents another one is what the pin is there to catch.
pub fn pin_root(server: &str, desk: &str, root: &Fingerprint) -> Result<(), ClientError> {
    let mut file = load().map_err(io)?;
    let entry = file.desks.entry(key(server, desk)).or_insert(DeskPin {
        root: root.as_str().to_owned(),
        head: None,
    });
    if !root.matches_typed(&entry.root) {
        return Err(ClientError::Usage(format!(
            "this device already trusts another root for desk {desk} ({}); it was not replaced",
            entry.root
        )));
    }
    store(&file).map_err(io)
}

/// Pins `head`, the head of a chain just verified, for `desk` on `server` (a device with a root
/// for it only).
pub fn pin_head(server: &str, desk: &str, head: (u64, [u8; 32])) -> Result<(), ClientError> {
    remember_head(server, desk, head).map_err(io)
}

fn remember_head(server: &str, desk: &str, head: (u64, [u8; 32])) -> std::io::Result<()> {
    let mut file = load()?;
    if let Some(entry) = file.desks.get_mut(&key(server, desk)) {
        entry.head = Some(HeadPin {
            seq: head.0,
            link: hex(&head.1),
        });
    }
    store(&file)
}

fn io(e: std::io::Error) -> ClientError {
    ClientError::Usage(format!("cannot use this device's trust file: {e}"))
}

impl ApiClient {
    /// A desk's chain as anyone may read it, every name sealed (docs/protocol.md §10.8).
    pub async fn public_statements(&self, slug: &str) -> Result<PublicDeskStatements, ClientError> {
        self.get(&format!("/api/v1/desks/{slug}/statements")).await
    }

    /// Colleagues' witness checkpoints of the desk's chain (docs/protocol.md §10.7).
    pub async fn checkpoints(&self, token: &str) -> Result<Vec<CheckpointView>, ClientError> {
        self.get_as(token, "/api/v1/desk/checkpoints").await
    }

    /// Posts this account's witness checkpoint.
    pub async fn post_checkpoint(
        &self,
        token: &str,
        checkpoint: &CheckpointView,
    ) -> Result<(), ClientError> {
        self.post_as::<_, Option<serde_json::Value>>(token, "/api/v1/desk/checkpoints", checkpoint)
            .await
            .map(|_| ())
    }
}

/// The desk's statements as the server serves them.
pub async fn served(client: &ApiClient, token: &str) -> Result<Vec<Signed>, ClientError> {
    decode(&client.statements(token).await?)
}

/// Statements as the wire carries them (base64), as bytes.
pub(crate) fn decode(views: &[StatementView]) -> Result<Vec<Signed>, ClientError> {
    views
        .iter()
        .map(|s| from_wire(&s.statement, &s.signature, s.opening.as_deref()))
        .collect::<Option<Vec<_>>>()
        .ok_or(ClientError::Unexpected(200))
}

/// One statement as the wire carries it (base64), as bytes; `None` if a field does not decode.
fn from_wire(statement: &str, signature: &str, opening: Option<&str>) -> Option<Signed> {
    let opening = match opening {
        None => None,
        Some(text) => Some(Opening::from_bytes(&b64_decode(text)?)?),
    };
    Some(Signed {
        statement: b64_decode(statement)?,
        signature: b64_decode(signature)?.try_into().ok()?,
        opening,
    })
}

/// Fetches the desk's statements and verifies them from `pins`, then checks the two things the
/// server answers beside the chain (docs/protocol.md §10.3): the desk key it hands reporters must
/// be the chain's current one, and no grant of this account may name a version above the chain's
/// newest (a hidden statement). Pure of this device's files: the library's entry for any client.
pub async fn checked(
    client: &ApiClient,
    token: &str,
    desk: &DeskSlug,
    pins: &Pins,
) -> Result<DeskState, ClientError> {
    // Checkpoints first: a colleague's is never ahead of an honest server's chain fetched after.
    let checkpoints = witnessed(&client.checkpoints(token).await?);
    let entries = served(client, token).await?;
    let state = verify_served(desk, pins, &entries, &checkpoints)?;
    let (version, key) = state.current_key().ok_or_else(no_desk_key)?;
    let signed_version = i64::try_from(version).unwrap_or(i64::MAX);
    for grant in client.grants(token).await? {
        if grant.key_version > signed_version {
            return Err(ClientError::Untrusted(format!(
                "you hold a grant for desk key version {} that no statement signs: the server \
                 hides a statement",
                grant.key_version
            )));
        }
    }
    let public = client.desk(desk.as_str()).await?;
    if public.key_version != signed_version || public.recipient != key.as_str() {
        return Err(ClientError::Untrusted(format!(
            "the server hands reporters a desk key the desk never signed (version {}, while the \
             statements sign version {version}): do not use this server until that is explained",
            public.key_version
        )));
    }
    Ok(state)
}

/// Checkpoints as the wire carries them (base64), as bytes; malformed ones are left out (they
/// would count for nothing: §10.7).
pub(crate) fn witnessed(views: &[CheckpointView]) -> Vec<(Vec<u8>, [u8; 64])> {
    views
        .iter()
        .filter_map(|v| {
            let signature = b64_decode(&v.signature)?.try_into().ok()?;
            Some((b64_decode(&v.checkpoint)?, signature))
        })
        .collect()
}

/// What every device, a case worker's or a partner's, checks of the chain it is served before it
/// trusts a desk key: statements there are, they verify from `pins` (§10.2), they agree with
/// colleagues' checkpoints (§10.7), and they sign a desk key. Pure.
pub fn verify_served(
    desk: &DeskSlug,
    pins: &Pins,
    entries: &[Signed],
    checkpoints: &[(Vec<u8>, [u8; 64])],
) -> Result<DeskState, ClientError> {
    verify_served_as(View::Desk, desk, pins, entries, checkpoints)
}

/// [`verify_served`] as a desk's device (names opened) or in the public view (a reporter's).
fn verify_served_as(
    view: View,
    desk: &DeskSlug,
    pins: &Pins,
    entries: &[Signed],
    checkpoints: &[(Vec<u8>, [u8; 64])],
) -> Result<DeskState, ClientError> {
    if entries.is_empty() {
        return Err(ClientError::Untrusted(format!(
            "desk {desk} has no signed key statements yet: its supervisor must run \
             `resguardo desk init-chain` before anyone encrypts to its key"
        )));
    }
    let verified = match view {
        View::Desk => chain::verify(desk, pins, entries),
        View::Public => chain::verify_public(desk, pins, entries),
    };
    let state = verified.map_err(|e| {
        ClientError::Untrusted(format!(
            "the desk's key statements do not verify from the root this device trusts ({}): {e}",
            e.code()
        ))
    })?;
    compare_witnesses(&state, entries, checkpoints)?;
    state.current_key().ok_or_else(no_desk_key)?;
    Ok(state)
}

fn no_desk_key() -> ClientError {
    ClientError::Untrusted("the desk's statements sign no desk key yet".into())
}

/// Refuses a chain that a colleague's checkpoint shows to be shorter than, or different from, the
/// one they saw (docs/protocol.md §10.7).
fn compare_witnesses(
    state: &DeskState,
    entries: &[Signed],
    checkpoints: &[(Vec<u8>, [u8; 64])],
) -> Result<(), ClientError> {
    checkpoint::compare(state, entries, checkpoints)
        .map(|_| ())
        .map_err(|e| {
            ClientError::Untrusted(format!(
                "a colleague's checkpoint does not match the desk's key statements this device is \
                 served ({}): {e}; do not use this server until that is explained",
                e.code()
            ))
        })
}

/// Posts this account's witness checkpoint of the chain it verified into `state`, for colleagues'
/// devices to compare with theirs (docs/protocol.md §10.7).
pub async fn witness(
    client: &ApiClient,
    token: &str,
    identity: &age::x25519::Identity,
    state: &DeskState,
) -> Result<(), ClientError> {
    let (bytes, signature) = Checkpoint::sign(state, identity);
    let view = CheckpointView {
        checkpoint: b64_encode(&bytes),
        signature: b64_encode(&signature),
    };
    client.post_checkpoint(token, &view).await
}

/// [`checked`] from this device's pins for `desk` on `server`, and the new head pinned.
/// Refused: a device without a root for the desk, and any chain that does not verify.
pub async fn verified(
    client: &ApiClient,
    token: &str,
    server: &str,
    desk: &str,
) -> Result<DeskState, ClientError> {
    let pins = pins(server, desk).map_err(io)?.ok_or_else(|| {
        ClientError::Usage(format!(
            "this device has no root for desk {desk}: ask your supervisor for the desk root \
             safety number and log in again with --desk-root"
        ))
    })?;
    let slug = DeskSlug::parse(desk).map_err(|e| ClientError::Usage(e.to_string()))?;
    let state = checked(client, token, &slug, &pins).await?;
    pin_head(server, desk, state.head())?;
    Ok(state)
}

/// The desk's newest signed key, for a reporter's device that holds the desk root's safety
/// number (docs/protocol.md §10.8): the desk's public chain, every name sealed, verified from
/// that root and compared with its accounts' checkpoints; then the key the server hands
/// reporters must be that one. Nothing is pinned: a reporter's device keeps no file.
pub async fn public_desk_key(
    client: &ApiClient,
    desk: &DeskSlug,
    root: &Fingerprint,
) -> Result<(u64, crate::domain::Recipient), ClientError> {
    let served = client.public_statements(desk.as_str()).await?;
    let pins = Pins {
        root: root.clone(),
        head: None,
    };
    // The public view reads no opening (§10.8): none is taken from the answer.
    let entries = served
        .statements
        .iter()
        .map(|s| from_wire(&s.statement, &s.signature, None))
        .collect::<Option<Vec<_>>>()
        .ok_or(ClientError::Unexpected(200))?;
    let checkpoints = witnessed(&served.checkpoints);
    let state = verify_served_as(View::Public, desk, &pins, &entries, &checkpoints)?;
    let (version, key) = state.current_key().ok_or_else(no_desk_key)?;
    let public = client.desk(desk.as_str()).await?;
    if i64::try_from(version).ok() != Some(public.key_version) || public.recipient != key.as_str() {
        return Err(ClientError::Untrusted(format!(
            "the server hands reporters a desk key (version {}) other than the newest one the \
             desk's statements sign (version {version}): nothing was encrypted",
            public.key_version
        )));
    }
    Ok((version, key.clone()))
}
