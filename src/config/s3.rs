//! `[attachments.s3]`: attachments kept in an S3-compatible object store (MinIO, Garage, Ceph,
//! AWS) instead of the directory `attachments.dir`, so that several server instances share them.
//! The secret key comes inline (`secret_key`, or `RESGUARDO__ATTACHMENTS__S3__SECRET_KEY`) or
//! from a file (`secret_key_file`, 0600), never from the repository.

use std::path::PathBuf;

use serde::Deserialize;
use zeroize::Zeroizing;

use super::{ConfigError, SecretText};

#[derive(Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct S3Settings {
    /// The endpoint and the bucket, path-style: `https://s3.example.org/resguardo`.
    pub url: String,
    #[serde(default = "default_region")]
    pub region: String,
    pub access_key: String,
    pub secret_key: Option<SecretText>,
    pub secret_key_file: Option<PathBuf>,
}

fn default_region() -> String {
    "us-east-1".to_owned()
}

impl std::fmt::Debug for S3Settings {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("S3Settings")
            .field("url", &self.url)
            .field("region", &self.region)
            .field("access_key", &self.access_key)
            .field("secret_key", &self.secret_key.as_ref().map(|_| "***"))
            .field("secret_key_file", &self.secret_key_file)
            .finish()
    }
}

impl S3Settings {
    /// The secret key: inline, else from `secret_key_file` (which must be private).
    pub fn secret(&self) -> Result<Zeroizing<String>, ConfigError> {
        if self.secret_key.is_some() && self.secret_key_file.is_some() {
            return Err(super::invalid(
                "attachments.s3",
                "takes secret_key or secret_key_file, not both",
            ));
        }
        if let Some(text) = &self.secret_key {
            return Ok(Zeroizing::new(text.expose().to_owned()));
        }
        let Some(path) = &self.secret_key_file else {
            return Err(super::invalid(
                "attachments.s3",
                "needs secret_key or secret_key_file",
            ));
        };
        let problem = |e: std::io::Error| ConfigError::Secret {
            key: format!("attachments.s3.secret_key_file ({})", path.display()),
            problem: e.to_string(),
        };
        crate::os::files::check_private(path).map_err(problem)?;
        let text = Zeroizing::new(std::fs::read_to_string(path).map_err(problem)?);
        Ok(Zeroizing::new(text.trim().to_owned()))
    }
}
