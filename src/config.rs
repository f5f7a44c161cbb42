//! Layered settings (design §7): `config/default.toml` (compiled in), then the file named by
//! `RESGUARDO_CONFIG`, then `RESGUARDO__SECTION__KEY` environment variables. Every problem names the key.

use std::collections::BTreeMap;
use std::net::{IpAddr, SocketAddr};
use std::path::{Path, PathBuf};

use figment::providers::{Env, Format, Toml};
use figment::Figment;
use serde::Deserialize;
use zeroize::Zeroizing;

use crate::domain::{b64_decode_array, Days, DeskSlug, RetentionPolicy};

const DEFAULTS: &str = include_str!("../config/default.toml");

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Settings {
    pub server: ServerSettings,
    pub database: DatabaseSettings,
    pub secrets: SecretSettings,
    pub intake: IntakeSettings,
    pub pow: PowSettings,
    pub limits: LimitSettings,
    pub accounts: AccountSettings,
    pub vetting: VettingSettings,
    pub webhooks: WebhookSettings,
    pub web: WebSettings,
    pub retention: RetentionSettings,
    pub metrics: MetricsSettings,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RetentionSettings {
    // Every desk's policy unless its own table below, or its supervisors, set another.
    pub closed_days: Days,
    pub spam_days: Days,
    pub untriaged_days: Days,
    /// Seconds between purges inside the server.
    pub interval_secs: u64,
    /// Per-desk policies, by slug: `[retention.desks.gt]`.
    #[serde(default)]
    pub desks: BTreeMap<String, RetentionPolicy>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MetricsSettings {
    /// Where `/metrics` (Prometheus text) listens, apart from the public listener. Empty: off.
    pub bind: String,
}

impl RetentionSettings {
    /// The policy of a desk whose supervisors set none: its table here, else the defaults.
    pub fn configured(&self, desk: &DeskSlug) -> RetentionPolicy {
        self.desks
            .get(desk.as_str())
            .copied()
            .unwrap_or(RetentionPolicy {
                closed_days: self.closed_days,
                spam_days: self.spam_days,
                untriaged_days: self.untriaged_days,
            })
    }
}

impl MetricsSettings {
    /// The metrics address, or `None` when metrics are off.
    pub fn address(&self) -> Result<Option<SocketAddr>, ConfigError> {
        if self.bind.trim().is_empty() {
            return Ok(None);
        }
        self.bind.parse().map(Some).map_err(|_| {
            invalid(
                "metrics.bind",
                "must be ADDRESS:PORT, or empty to turn metrics off",
            )
        })
    }
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct WebSettings {
    /// Where the pages' quick-exit button (and Esc pressed twice) takes the reader.
    pub exit_url: String,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct WebhookSettings {
    /// Accept plain `http://` webhook addresses (a partner's onion service, a test receiver).
    pub allow_http: bool,
    /// Allow webhooks to loopback, private, link-local and unique-local addresses (a partner on
    /// the operator's own network). Off: such targets are refused at registration (addresses)
    /// and at delivery (names that resolve to them).
    pub allow_private: bool,
    /// Seconds between looks for due deliveries; also the first retry delay, doubled each time.
    pub poll_secs: u64,
    /// Attempts before a delivery is given up.
    pub max_attempts: u32,
    /// Seconds a partner's server has to answer.
    pub timeout_secs: u64,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct VettingSettings {
    /// Distinct supervisors who must each check a new account's safety number before it is vetted
    /// (1 or 2). While a desk has fewer vetted supervisors than this, all of them must approve.
    pub approvals_required: u32,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AccountSettings {
    /// Hours an enrolment code stays valid.
    pub code_ttl_hours: u32,
    /// Minutes a session survives without use.
    pub session_idle_minutes: u32,
    /// Hours a session lasts at most, however busy.
    pub session_max_hours: u32,
    /// Failed logins for one name before each further attempt must wait.
    pub free_failures: u32,
    /// The longest wait between attempts, in seconds (never a permanent lock-out).
    pub max_backoff_secs: u32,
    /// Server-side Argon2 verifications run at once; more wait (bounds memory under a flood).
    pub argon2_permits: u32,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ServerSettings {
    pub bind: SocketAddr,
    pub workers: usize,
    pub request_timeout_secs: u64,
    pub keep_alive_secs: u64,
}

#[derive(Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DatabaseSettings {
    pub url: String,
    pub max_connections: u32,
    pub password_file: Option<PathBuf>,
}

impl std::fmt::Debug for DatabaseSettings {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("DatabaseSettings")
            .field("url", &redact_url(&self.url))
            .field("max_connections", &self.max_connections)
            .finish_non_exhaustive()
    }
}

/// The URL without any password, for messages.
pub fn redact_url(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(scheme), Some(at)) if at > scheme => {
            let userinfo = &url[scheme + 3..at];
            let user = userinfo.split(':').next().unwrap_or_default();
            format!("{}{user}:***{}", &url[..scheme + 3], &url[at..])
        }
        _ => url.to_owned(),
    }
}

#[derive(Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SecretSettings {
    pub server_key: Option<SecretText>,
    pub server_key_file: PathBuf,
}

/// A secret written in the configuration (the server key given inline): wiped from memory when
/// dropped, and without `Debug`, so that it cannot reach a log by accident.
#[derive(Clone)]
pub struct SecretText(Zeroizing<String>);

impl SecretText {
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl<'de> Deserialize<'de> for SecretText {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        String::deserialize(deserializer).map(|text| SecretText(Zeroizing::new(text)))
    }
}

impl std::fmt::Debug for SecretSettings {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SecretSettings")
            .field("server_key", &self.server_key.as_ref().map(|_| "***"))
            .field("server_key_file", &self.server_key_file)
            .finish()
    }
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct IntakeSettings {
    /// Batch concurrent submissions into one durable transaction (`store::group_commit`).
    pub group_commit: bool,
    pub max_body_bytes: usize,
    pub max_recipients: usize,
    pub max_message_bytes: usize,
    pub max_messages_per_report: u32,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PowSettings {
    pub difficulty: u8,
    pub ttl_secs: u64,
    pub load_threshold_per_minute: u32,
    pub max_extra_bits: u8,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LimitSettings {
    pub per_address: bool,
    pub trusted_proxies: Vec<IpAddr>,
    pub proxy_header: String,
    pub intake_per_address_per_minute: u32,
    pub intake_global_per_minute: u32,
    pub followup_per_address_per_minute: u32,
    pub followup_global_per_minute: u32,
    pub read_per_address_per_minute: u32,
    pub read_global_per_minute: u32,
    pub login_per_address_per_minute: u32,
    pub login_global_per_minute: u32,
    pub challenge_per_address_per_minute: u32,
    pub challenge_global_per_minute: u32,
    pub health_per_address_per_minute: u32,
    pub health_global_per_minute: u32,
}

/// A configuration problem, naming the key.
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("configuration: {0}")]
    Load(String),
    #[error("configuration key `{key}`: {problem}")]
    Invalid { key: &'static str, problem: String },
    #[error("secret `{key}`: {problem}")]
    Secret { key: String, problem: String },
}

/// One line per problem, each naming the key in lower case and where its value came from.
fn describe(errors: figment::Error) -> ConfigError {
    let lines: Vec<String> = errors
        .into_iter()
        .map(|e| {
            let key = e.path.join(".").to_lowercase();
            let source = e
                .metadata
                .as_ref()
                .map(|m| format!(" (from {})", m.name))
                .unwrap_or_default();
            if key.is_empty() {
                format!("{}{source}", e.kind)
            } else {
                format!("key `{key}`: {}{source}", e.kind)
            }
        })
        .collect();
    ConfigError::Load(lines.join("; "))
}

fn invalid(key: &'static str, problem: impl Into<String>) -> ConfigError {
    ConfigError::Invalid {
        key,
        problem: problem.into(),
    }
}

impl Settings {
    /// Loads the layers from the process environment.
    pub fn load() -> Result<Self, ConfigError> {
        let mut figment = Figment::from(Toml::string(DEFAULTS));
        if let Some(path) = std::env::var_os("RESGUARDO_CONFIG") {
            let path = PathBuf::from(path);
            if !path.is_file() {
                return Err(ConfigError::Load(format!(
                    "RESGUARDO_CONFIG names {}, which is not a readable file",
                    path.display()
                )));
            }
            figment = figment.merge(Toml::file(path));
        }
        figment = figment.merge(Env::prefixed("RESGUARDO__").split("__"));
        let settings: Settings = figment.extract().map_err(describe)?;
        settings.validate()?;
        Ok(settings)
    }

    fn validate(&self) -> Result<(), ConfigError> {
        let db = &self.database.url;
        if !(db.starts_with("sqlite:")
            || db.starts_with("postgres://")
            || db.starts_with("postgresql://"))
        {
            return Err(invalid(
                "database.url",
                "must start with sqlite:, postgres:// or postgresql://",
            ));
        }
        let accounts = &self.accounts;
        if !(1..=720).contains(&accounts.code_ttl_hours) {
            return Err(invalid(
                "accounts.code_ttl_hours",
                "must be between 1 and 720",
            ));
        }
        if !(1..=1440).contains(&accounts.session_idle_minutes) {
            return Err(invalid(
                "accounts.session_idle_minutes",
                "must be between 1 and 1440",
            ));
        }
        if !(1..=168).contains(&accounts.session_max_hours) {
            return Err(invalid(
                "accounts.session_max_hours",
                "must be between 1 and 168",
            ));
        }
        if !(1..=3600).contains(&accounts.max_backoff_secs) {
            return Err(invalid(
                "accounts.max_backoff_secs",
                "must be between 1 and 3600",
            ));
        }
        if !(1..=64).contains(&accounts.argon2_permits) {
            return Err(invalid(
                "accounts.argon2_permits",
                "must be between 1 and 64",
            ));
        }
        if !self.web.exit_url.starts_with("https://") {
            return Err(invalid("web.exit_url", "must be an https:// address"));
        }
        let hooks = &self.webhooks;
        if !(1..=3600).contains(&hooks.poll_secs) {
            return Err(invalid("webhooks.poll_secs", "must be between 1 and 3600"));
        }
        if !(1..=20).contains(&hooks.max_attempts) {
            return Err(invalid("webhooks.max_attempts", "must be between 1 and 20"));
        }
        if !(1..=120).contains(&hooks.timeout_secs) {
            return Err(invalid(
                "webhooks.timeout_secs",
                "must be between 1 and 120",
            ));
        }
        if !(1..=2).contains(&self.vetting.approvals_required) {
            return Err(invalid("vetting.approvals_required", "must be 1 or 2"));
        }
        if self.database.max_connections == 0 {
            return Err(invalid("database.max_connections", "must be at least 1"));
        }
        if self.server.request_timeout_secs == 0 {
            return Err(invalid("server.request_timeout_secs", "must be at least 1"));
        }
        if !(1024..=64 << 20).contains(&self.intake.max_body_bytes) {
            return Err(invalid(
                "intake.max_body_bytes",
                "must be between 1024 and 67108864",
            ));
        }
        if !(1024..=self.intake.max_body_bytes).contains(&self.intake.max_message_bytes) {
            return Err(invalid(
                "intake.max_message_bytes",
                "must be between 1024 and intake.max_body_bytes",
            ));
        }
        if self.intake.max_messages_per_report == 0 {
            return Err(invalid(
                "intake.max_messages_per_report",
                "must be at least 1",
            ));
        }
        if !(1..=64).contains(&self.intake.max_recipients) {
            return Err(invalid("intake.max_recipients", "must be between 1 and 64"));
        }
        let pow = &self.pow;
        if pow.difficulty > crate::crypto::pow::MAX_DIFFICULTY
            || pow.difficulty.saturating_add(pow.max_extra_bits)
                > crate::crypto::pow::MAX_DIFFICULTY
        {
            return Err(invalid(
                "pow.difficulty",
                "difficulty plus max_extra_bits must be at most 24 (clients refuse harder challenges)",
            ));
        }
        if !(10..=86_400).contains(&pow.ttl_secs) {
            return Err(invalid("pow.ttl_secs", "must be between 10 and 86400"));
        }
        if pow.load_threshold_per_minute == 0 {
            return Err(invalid(
                "pow.load_threshold_per_minute",
                "must be at least 1",
            ));
        }
        let limits = &self.limits;
        for (key, value) in [
            (
                "limits.intake_per_address_per_minute",
                limits.intake_per_address_per_minute,
            ),
            (
                "limits.intake_global_per_minute",
                limits.intake_global_per_minute,
            ),
            (
                "limits.followup_per_address_per_minute",
                limits.followup_per_address_per_minute,
            ),
            (
                "limits.followup_global_per_minute",
                limits.followup_global_per_minute,
            ),
            (
                "limits.read_per_address_per_minute",
                limits.read_per_address_per_minute,
            ),
            (
                "limits.read_global_per_minute",
                limits.read_global_per_minute,
            ),
            (
                "limits.login_per_address_per_minute",
                limits.login_per_address_per_minute,
            ),
            (
                "limits.login_global_per_minute",
                limits.login_global_per_minute,
            ),
            (
                "limits.challenge_per_address_per_minute",
                limits.challenge_per_address_per_minute,
            ),
            (
                "limits.challenge_global_per_minute",
                limits.challenge_global_per_minute,
            ),
            (
                "limits.health_per_address_per_minute",
                limits.health_per_address_per_minute,
            ),
            (
                "limits.health_global_per_minute",
                limits.health_global_per_minute,
            ),
        ] {
            if value == 0 {
                return Err(invalid(key, "must be at least 1"));
            }
        }
        if !(1..=86_400).contains(&self.retention.interval_secs) {
            return Err(invalid(
                "retention.interval_secs",
                "must be between 1 and 86400",
            ));
        }
        if let Some(slug) = self
            .retention
            .desks
            .keys()
            .find(|slug| DeskSlug::parse(slug).is_err())
        {
            return Err(ConfigError::Invalid {
                key: "retention.desks",
                problem: format!("{slug:?} is not a desk slug"),
            });
        }
        self.metrics.address()?;
        if limits
            .proxy_header
            .parse::<actix_web::http::header::HeaderName>()
            .is_err()
        {
            return Err(invalid(
                "limits.proxy_header",
                "is not a valid HTTP header name",
            ));
        }
        Ok(())
    }

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

fn percent_encode(text: &str) -> String {
    text.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

fn secret_io(path: &Path, e: std::io::Error) -> ConfigError {
    ConfigError::Secret {
        key: path.display().to_string(),
        problem: e.to_string(),
    }
}

fn decode_key(key: &str, text: &str) -> Result<Zeroizing<[u8; 32]>, ConfigError> {
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_are_valid() {
        let settings: Settings = Figment::from(Toml::string(DEFAULTS)).extract().unwrap();
        settings.validate().unwrap();
        assert!(settings.database.url.starts_with("sqlite:"));
    }

    #[test]
    fn an_inline_server_key_is_read_and_never_printed() {
        let key = "c2VjcmV0LXNlY3JldC1zZWNyZXQtc2VjcmV0LTMyYnk=";
        let settings: Settings = Figment::from(Toml::string(DEFAULTS))
            .merge(Toml::string(&format!("[secrets]\nserver_key = \"{key}\"")))
            .extract()
            .unwrap();
        assert_eq!(
            settings.server_key().unwrap().as_slice(),
            b"secret-secret-secret-secret-32by"
        );
        let printed = format!("{settings:?}");
        assert!(!printed.contains(key), "{printed}");
    }

    #[test]
    fn urls_are_redacted() {
        assert_eq!(
            redact_url("postgres://u:secret@h/db"),
            "postgres://u:***@h/db"
        );
        assert_eq!(redact_url("sqlite://data/x.db"), "sqlite://data/x.db");
    }

    #[test]
    fn bad_keys_name_themselves() {
        let err = decode_key("secrets.server_key", "short")
            .unwrap_err()
            .to_string();
        assert!(err.contains("secrets.server_key"), "{err}");
    }
}
