//! What every command of a signed-in worker starts from: the session this device saved at login,
//! the worker's key unlocked with the password, and the desk as this device verified it.

use anyhow::Context;

use super::terminal::{ask_secret, shown};
use crate::client::desk_keys;
use crate::client::session::{self, SavedSession};
use crate::client::{trust, worker, ApiClient};
use crate::crypto::chain::DeskState;
use crate::protocol::grants::DeskKeys;

/// The session `resguardo worker login` saved on this device.
pub(super) fn saved() -> anyhow::Result<SavedSession> {
    session::load()?.context("not logged in: run `resguardo worker login` first")
}

/// The saved session and the worker's identity, unlocked with the password.
pub(super) async fn unlocked() -> anyhow::Result<(SavedSession, age::x25519::Identity)> {
    let saved = saved()?;
    let password = ask_secret("Password (to unlock your key on this device):")?;
    let identity =
        worker::unlock(&saved.desk, &saved.username, &password, &saved.wrapped()).await?;
    Ok((saved, identity))
}

/// This device's view of the desk after verifying its chain from the pinned root (§10.3): the
/// verified state and the desk keys this account holds, checked against it. Every command that
/// decrypts, encrypts, grants or re-encrypts starts here.
pub(super) async fn desk_keys_of(
    client: &ApiClient,
    saved: &SavedSession,
    identity: &age::x25519::Identity,
) -> anyhow::Result<(DeskState, DeskKeys)> {
    let state = trust::verified(client, &saved.token, &saved.server, &saved.desk).await?;
    let keys = desk_keys::unlock(client, &saved.token, identity, &state).await?;
    // What this device saw, for colleagues to compare; not being able to say it stops nothing.
    if let Err(e) = trust::witness(client, &saved.token, identity, &state).await {
        eprintln!(
            "Warning: this device's checkpoint was not posted: {}",
            shown(&e.to_string())
        );
    }
    Ok((state, keys))
}
