//! Where a worker's session lives between commands: `session.json` in the user's configuration
//! directory (`$RESGUARDO_HOME`, else `$XDG_CONFIG_HOME/resguardo`, else `~/.config/resguardo`),
//! mode 0600 in a 0700 directory. It holds the server, desk, user name, session token, the worker's
//! identity *wrapped* to the key of password and unlock share, and that share — never the password
//! or a private key in the clear. Logout deletes it.

use std::path::PathBuf;

use serde::{Deserialize, Serialize};

#[derive(Serialize, Deserialize)]
pub struct SavedSession {
    pub server: String,
    pub desk: String,
    pub username: String,
    pub token: String,
    pub expires_at: i64,
    /// Base64 of the worker's identity, age-encrypted to the unlock key of password and share.
    pub wrapped_identity: String,
    /// Base64 of the account's unlock share, from the login answer; absent in sessions saved
    /// before shares (docs/protocol.md §6).
    #[serde(default)]
    pub unlock_share: Option<String>,
}

impl SavedSession {
    /// The wrapped identity and share, as `client::worker` unlocks them.
    pub fn wrapped(&self) -> crate::client::worker::Wrapped<'_> {
        crate::client::worker::Wrapped {
            identity_b64: &self.wrapped_identity,
            share_b64: self.unlock_share.as_deref(),
        }
    }
}

impl std::fmt::Debug for SavedSession {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "SavedSession({}@{} on {})",
            self.username, self.desk, self.server
        )
    }
}

/// The configuration directory.
pub fn home() -> PathBuf {
    if let Some(dir) = std::env::var_os("RESGUARDO_HOME") {
        return PathBuf::from(dir);
    }
    if let Some(dir) = std::env::var_os("XDG_CONFIG_HOME") {
        return PathBuf::from(dir).join("resguardo");
    }
    let home = std::env::var_os("HOME").map_or_else(|| PathBuf::from("."), PathBuf::from);
    home.join(".config").join("resguardo")
}

fn path() -> PathBuf {
    home().join("session.json")
}

/// Saves a session, replacing any earlier one.
pub fn save(session: &SavedSession) -> std::io::Result<()> {
    let path = path();
    match std::fs::remove_file(&path) {
        Err(e) if e.kind() != std::io::ErrorKind::NotFound => return Err(e),
        _ => {}
    }
    let text = zeroize::Zeroizing::new(serde_json::to_vec_pretty(session).unwrap_or_default());
    crate::os::files::write_private(&path, &text)
}

/// The saved session, if any.
pub fn load() -> std::io::Result<Option<SavedSession>> {
    let path = path();
    if !path.exists() {
        return Ok(None);
    }
    crate::os::files::check_private(&path)?;
    let text = zeroize::Zeroizing::new(std::fs::read(&path)?);
    serde_json::from_slice(&text)
        .map(Some)
        .map_err(|e| std::io::Error::new(std::io::ErrorKind::InvalidData, e))
}

/// Forgets the saved session.
pub fn forget() -> std::io::Result<()> {
    match std::fs::remove_file(path()) {
        Err(e) if e.kind() != std::io::ErrorKind::NotFound => Err(e),
        _ => Ok(()),
    }
}

/// The one-time code this device used last, so that the next command can say why the same code
/// fails (a code works once) before asking the server. The code is spent: nothing to protect.
#[derive(Serialize, Deserialize)]
struct UsedCode {
    desk: String,
    username: String,
    code: String,
    at: i64,
}

/// How long a used code could still be shown by the app (the current step and the next).
const CODE_LIFETIME_SECS: i64 = 90;

fn used_code_path() -> PathBuf {
    home().join("used-code.json")
}

/// Remembers that `code` was just used for `username` of `desk`.
pub fn remember_used_code(desk: &str, username: &str, code: &str) -> std::io::Result<()> {
    let used = UsedCode {
        desk: desk.to_owned(),
        username: username.to_owned(),
        code: code.trim().to_owned(),
        at: crate::time::now_secs(),
    };
    let path = used_code_path();
    match std::fs::remove_file(&path) {
        Err(e) if e.kind() != std::io::ErrorKind::NotFound => return Err(e),
        _ => {}
    }
    crate::os::files::write_private(&path, &serde_json::to_vec(&used).unwrap_or_default())
}

/// Whether this device used `code` for `username` of `desk` within the code's lifetime.
pub fn used_recently(desk: &str, username: &str, code: &str) -> bool {
    let Ok(text) = std::fs::read(used_code_path()) else {
        return false;
    };
    serde_json::from_slice::<UsedCode>(&text).is_ok_and(|used| {
        used.desk == desk
            && used.username == username
            && used.code == code.trim()
            && crate::time::now_secs() - used.at < CODE_LIFETIME_SECS
    })
}
