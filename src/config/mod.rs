//! Layered settings (design §7): `config/default.toml` (compiled in), then the file named by
//! `RESGUARDO_CONFIG`, then `RESGUARDO__SECTION__KEY` environment variables. Every problem names the key.

use std::collections::BTreeMap;
use std::net::{IpAddr, SocketAddr};
use std::path::PathBuf;

use figment::providers::{Env, Format, Toml};
use figment::Figment;
use serde::Deserialize;
use zeroize::Zeroizing;

use crate::domain::{Days, DeskSlug, RetentionPolicy};

mod s3;
mod secrets;
mod validate;

const DEFAULTS: &str = include_str!("../../config/default.toml");

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
    pub desk: DeskSettings,
    pub notifications: NotificationSettings,
    #[serde(default)]
    pub linking: LinkingSettings,
    pub attachments: AttachmentSettings,
}

/// Evidence attachments (`[attachments]`, docs/protocol.md §12): where their ciphertext is kept
/// and how much of it one report, and the whole server, may hold.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AttachmentSettings {
    /// The directory of the filesystem blob store.
    pub dir: PathBuf,
    pub max_files_per_report: u32,
    /// Bytes of files one report may carry, before padding.
    pub max_report_bytes: u64,
    /// Bytes of attachment ciphertext the whole server may hold.
    pub max_total_bytes: u64,
    /// An upload not completed within this many hours is deleted.
    pub abandon_after_hours: u32,
    /// An S3-compatible store instead of `dir`, when set.
    #[serde(default)]
    pub s3: Option<S3Settings>,
}

pub use s3::S3Settings;

/// Linked cases (`[linking]`, docs/protocol.md §11).
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LinkingSettings {
    /// Each desk's country, by slug (`gt = "GT"`): desk devices read a national phone number in a
    /// report that names no country as this country's.
    #[serde(default)]
    pub countries: BTreeMap<String, String>,
}

/// Content-free notices that work waits, per desk (`[notifications]`).
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NotificationSettings {
    /// Seconds between notices, at least an hour; they go out at multiples of it.
    pub interval_secs: u64,
    /// The address each desk's notice goes to, by slug: `[notifications.desks.gt] url = "…"`.
    #[serde(default)]
    pub desks: BTreeMap<String, DeskNotification>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DeskNotification {
    pub url: String,
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
        optional_address(
            &self.bind,
            "metrics.bind",
            "must be ADDRESS:PORT, or empty to turn metrics off",
        )
    }
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DeskSettings {
    /// Where the case workers' dashboard listens, an origin apart from the reporter pages'
    /// (docs/decisions/0008). Empty: off.
    pub bind: String,
}

impl DeskSettings {
    /// The dashboard's address, or `None` when it is off.
    pub fn address(&self) -> Result<Option<SocketAddr>, ConfigError> {
        optional_address(
            &self.bind,
            "desk.bind",
            "must be ADDRESS:PORT, or empty to turn the dashboard off",
        )
    }
}

/// A listener that may be off: `ADDRESS:PORT`, or empty.
fn optional_address(
    bind: &str,
    key: &'static str,
    rule: &'static str,
) -> Result<Option<SocketAddr>, ConfigError> {
    if bind.trim().is_empty() {
        return Ok(None);
    }
    bind.parse().map(Some).map_err(|_| invalid(key, rule))
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct WebSettings {
    /// Where the pages' quick-exit button (and Esc pressed twice) takes the reader.
    pub exit_url: String,
    /// Other ways to reach each desk (a phone line, a visit), by slug: shown on its pages to
    /// whoever cannot run the pages' encryption (`[web.contacts]`).
    #[serde(default)]
    pub contacts: BTreeMap<String, String>,
    /// A directory of language catalogues (`*.ftl`) that add languages to the pages, or replace a
    /// built-in one's texts (`crate::texts`, docs/translating.md).
    #[serde(default)]
    pub languages_dir: Option<std::path::PathBuf>,
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
    pub upload_per_address_per_minute: u32,
    pub upload_global_per_minute: u32,
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
    fn notices_are_hourly_at_most_and_go_to_webhook_addresses() {
        let with = |toml: &str| {
            let settings: Settings = Figment::from(Toml::string(DEFAULTS))
                .merge(Toml::string(toml))
                .extract()
                .unwrap();
            settings.validate().map_err(|e| e.to_string())
        };
        with("[notifications.desks.gt]\nurl = \"https://ntfy.example.org/mesa\"").unwrap();
        for (bad, key) in [
            (
                "[notifications]\ninterval_secs = 600",
                "notifications.interval_secs",
            ),
            (
                "[notifications.desks.gt]\nurl = \"ftp://x.example\"",
                "notifications.desks",
            ),
            (
                "[notifications.desks.gt]\nurl = \"http://x.example\"",
                "notifications.desks",
            ),
            (
                "[notifications.desks.\"no es\"]\nurl = \"https://x.example\"",
                "notifications.desks",
            ),
        ] {
            let err = with(bad).unwrap_err();
            assert!(err.contains(key), "{bad}: {err}");
        }
    }

    #[test]
    fn desk_countries_are_known_codes_for_desk_slugs() {
        let with = |table: &str| {
            let settings: Settings = Figment::from(Toml::string(DEFAULTS))
                .merge(Toml::string(&format!("[linking.countries]\n{table}")))
                .extract()
                .unwrap();
            settings.validate().map_err(|e| e.to_string())
        };
        with(r#"gt = "GT""#).unwrap();
        for bad in [
            r#""no es slug" = "GT""#,
            r#"gt = "gt""#,
            r#"gt = "XX""#,
            r#"gt = "GTM""#,
        ] {
            let err = with(bad).unwrap_err();
            assert!(err.contains("linking.countries"), "{bad}: {err}");
        }
    }

    #[test]
    fn desk_contacts_are_one_line_for_a_desk_slug() {
        let with = |table: &str| {
            let settings: Settings = Figment::from(Toml::string(DEFAULTS))
                .merge(Toml::string(&format!("[web.contacts]\n{table}")))
                .extract()
                .unwrap();
            settings.validate().map_err(|e| e.to_string())
        };
        with(r#"gt = "Línea 1515""#).unwrap();
        for bad in [
            r#""no es slug" = "Línea 1515""#,
            r#"gt = "  ""#,
            r#"gt = "Línea\n1515""#,
        ] {
            let err = with(bad).unwrap_err();
            assert!(err.contains("web.contacts"), "{bad}: {err}");
        }
        assert!(with(&format!("gt = \"{}\"", "x".repeat(301))).is_err());
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
        let err = secrets::decode_key("secrets.server_key", "short")
            .unwrap_err()
            .to_string();
        assert!(err.contains("secrets.server_key"), "{err}");
    }
}
