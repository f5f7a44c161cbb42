//! The checks every setting passes before the server starts: each problem names its key.

use super::{invalid, ConfigError, Settings};
use crate::domain::DeskSlug;

impl Settings {
    /// Refuses settings the server cannot run with, naming the key of the first problem.
    pub(super) fn validate(&self) -> Result<(), ConfigError> {
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
        self.attachments.validate()?;
        if !self.web.exit_url.starts_with("https://") {
            return Err(invalid("web.exit_url", "must be an https:// address"));
        }
        for (slug, contact) in &self.web.contacts {
            let problem = if DeskSlug::parse(slug).is_err() {
                format!("{slug:?} is not a desk slug")
            } else if contact.trim().is_empty() || contact.chars().count() > 300 {
                format!("{slug}: 1 to 300 characters")
            } else if contact.chars().any(char::is_control) {
                format!("{slug}: one line, without control characters")
            } else {
                continue;
            };
            return Err(ConfigError::Invalid {
                key: "web.contacts",
                problem,
            });
        }
        for (slug, code) in &self.linking.countries {
            let known = code.len() == 2
                && code.bytes().all(|b| b.is_ascii_uppercase())
                && code.parse::<phonenumber::country::Id>().is_ok();
            let problem = if DeskSlug::parse(slug).is_err() {
                format!("{slug:?} is not a desk slug")
            } else if !known {
                format!("{slug}: {code:?} is not an ISO 3166-1 alpha-2 code in upper case")
            } else {
                continue;
            };
            return Err(ConfigError::Invalid {
                key: "linking.countries",
                problem,
            });
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
        self.validate_notifications()?;
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
            (
                "limits.upload_per_address_per_minute",
                limits.upload_per_address_per_minute,
            ),
            (
                "limits.upload_global_per_minute",
                limits.upload_global_per_minute,
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
        self.desk.address()?;
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
}

impl Settings {
    /// Notices at most hourly, each to a desk slug's checked webhook address.
    fn validate_notifications(&self) -> Result<(), ConfigError> {
        let notices = &self.notifications;
        if !(3600..=7 * 86_400).contains(&notices.interval_secs) {
            return Err(invalid(
                "notifications.interval_secs",
                "must be between 3600 (hourly) and 604800 (weekly)",
            ));
        }
        for (slug, desk) in &notices.desks {
            if DeskSlug::parse(slug).is_err() {
                return Err(invalid("notifications.desks", "a key is not a desk slug"));
            }
            let url = crate::domain::WebhookUrl::parse(&desk.url, self.webhooks.allow_http);
            if url.is_err() {
                return Err(invalid(
                    "notifications.desks",
                    "url must be https:// (or http:// with webhooks.allow_http), without credentials",
                ));
            }
        }
        Ok(())
    }
}

impl super::AttachmentSettings {
    fn validate(&self) -> Result<(), ConfigError> {
        const MIB: u64 = 1024 * 1024;
        if self.dir.as_os_str().is_empty() {
            return Err(invalid("attachments.dir", "must name a directory"));
        }
        if !(1..=100).contains(&self.max_files_per_report) {
            return Err(invalid(
                "attachments.max_files_per_report",
                "must be between 1 and 100",
            ));
        }
        if !(MIB..=4096 * MIB).contains(&self.max_report_bytes) {
            return Err(invalid(
                "attachments.max_report_bytes",
                "must be between 1 MiB (1048576) and 4 GiB (4294967296)",
            ));
        }
        if self.max_total_bytes < self.max_report_bytes {
            return Err(invalid(
                "attachments.max_total_bytes",
                "must be at least attachments.max_report_bytes",
            ));
        }
        if !(1..=720).contains(&self.abandon_after_hours) {
            return Err(invalid(
                "attachments.abandon_after_hours",
                "must be between 1 and 720",
            ));
        }
        Ok(())
    }
}
