//! The secrets the settings point to: the server key (inline, from a file, or generated into one
//! with mode 0600) and the database URL with its password from a file.

use std::path::Path;

use zeroize::Zeroizing;

use super::{invalid, ConfigError, Settings};
use crate::domain::{b64_decode_array, percent_encode};

impl Settings {
    /// The server secret: from `secrets.server_key`, else from `secrets.server_key_file`, else
    /// generated into that file with mode 0600.
    pub fn server_key(&self) -> Result<Zeroizing<[u8; 32]>, ConfigError> {
        if let Some(text) = &self.secrets.server_key {
            return decode_key("secrets.server_key", text.expose());
        }
        let path = &self.secrets.server_key_file;
        if path.exists() {
            crate::os::files::check_private(path).map_err(|e| secret_io(path, e))?;
            let text =
                Zeroizing::new(std::fs::read_to_string(path).map_err(|e| secret_io(path, e))?);
            return decode_key(
                &format!("secrets.server_key_file ({})", path.display()),
                &text,
            );
        }
        generate_key_file(path)
    }

    /// The database URL with the password from `database.password_file` when one is set.
    pub fn database_url(&self) -> Result<Zeroizing<String>, ConfigError> {
        let url = Zeroizing::new(self.database.url.clone());
        let Some(path) = &self.database.password_file else {
            return Ok(url);
        };
        let password =
            Zeroizing::new(std::fs::read_to_string(path).map_err(|e| secret_io(path, e))?);
        let (scheme, rest) = url
            .split_once("://")
            .ok_or_else(|| invalid("database.url", "has no scheme"))?;
        let (userinfo, host) = rest.split_once('@').ok_or_else(|| {
            invalid(
                "database.url",
                "needs user@host when database.password_file is set",
            )
        })?;
        let user = userinfo.split(':').next().unwrap_or_default();
        Ok(Zeroizing::new(format!(
            "{scheme}://{user}:{}@{host}",
            percent_encode(password.trim())
        )))
    }
}

fn secret_io(path: &Path, e: std::io::Error) -> ConfigError {
    ConfigError::Secret {
        key: path.display().to_string(),
        problem: e.to_string(),
    }
}

pub(super) fn decode_key(key: &str, text: &str) -> Result<Zeroizing<[u8; 32]>, ConfigError> {
    b64_decode_array::<32>(text.trim())
        .map(Zeroizing::new)
        .ok_or_else(|| ConfigError::Secret {
            key: key.to_owned(),
            problem:
                "must be 32 bytes in standard base64 (e.g. `head -c 32 /dev/urandom | base64`)"
                    .into(),
        })
}

fn generate_key_file(path: &Path) -> Result<Zeroizing<[u8; 32]>, ConfigError> {
    use rand::RngCore;
    let mut key = Zeroizing::new([0u8; 32]);
    rand::rngs::OsRng.fill_bytes(key.as_mut());
    let text = Zeroizing::new(crate::domain::b64_encode(key.as_ref()) + "\n");
    crate::os::files::write_private(path, text.as_bytes()).map_err(|e| secret_io(path, e))?;
    tracing::info!(path = %path.display(), "generated a new server key");
    Ok(key)
}
