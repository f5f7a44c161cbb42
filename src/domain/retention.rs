//! How long a desk keeps its cases on the server. A case that is gone from the server cannot be
//! seized, leaked or subpoenaed there: short retention protects reporters, so every rule has a
//! finite default and 0 ("keep forever") must be chosen explicitly.

use serde::{Deserialize, Serialize};

/// The longest any rule may keep a case: ten years.
pub const MAX_DAYS: u32 = 3650;

/// Days of a retention rule: 0 (never purge) or 1 to [`MAX_DAYS`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, utoipa::ToSchema)]
#[serde(transparent)]
pub struct Days(u32);

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
#[error("days are 0 (never purge) or 1 to 3650")]
pub struct BadDays;

impl Days {
    pub fn parse(days: u32) -> Result<Self, BadDays> {
        if days <= MAX_DAYS {
            Ok(Self(days))
        } else {
            Err(BadDays)
        }
    }

    pub fn get(self) -> u32 {
        self.0
    }

    /// Cases whose time is before this moment fall under the rule; `None` when it never purges.
    pub fn cutoff(self, now: i64) -> Option<i64> {
        (self.0 > 0).then(|| now - i64::from(self.0) * 86_400)
    }
}

impl<'de> Deserialize<'de> for Days {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        Days::parse(u32::deserialize(d)?).map_err(serde::de::Error::custom)
    }
}

/// Where a desk's policy comes from.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize, utoipa::ToSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum PolicySource {
    /// Set by the desk's supervisors.
    Desk,
    /// From the server's configuration.
    Configuration,
}

/// A desk's retention policy.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RetentionPolicy {
    /// Closed cases go this many days after they were closed.
    pub closed_days: Days,
    /// Cases marked spam go this many days after they were so marked.
    pub spam_days: Days,
    /// Reports nobody ever triaged (still `new`) go this many days after they arrived.
    pub untriaged_days: Days,
}

/// What a retention rule selects: one status, aged by one of the report's times.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PurgeRule {
    Closed,
    Spam,
    Untriaged,
}

impl PurgeRule {
    pub const ALL: [PurgeRule; 3] = [PurgeRule::Closed, PurgeRule::Spam, PurgeRule::Untriaged];

    pub fn as_str(self) -> &'static str {
        match self {
            PurgeRule::Closed => "closed",
            PurgeRule::Spam => "spam",
            PurgeRule::Untriaged => "untriaged",
        }
    }

    pub fn days(self, policy: &RetentionPolicy) -> Days {
        match self {
            PurgeRule::Closed => policy.closed_days,
            PurgeRule::Spam => policy.spam_days,
            PurgeRule::Untriaged => policy.untriaged_days,
        }
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn days_are_bounded_and_zero_never_purges() {
        assert_eq!(Days::parse(3651), Err(BadDays));
        assert_eq!(Days::parse(0).unwrap().cutoff(1_000_000), None);
        assert_eq!(
            Days::parse(1).unwrap().cutoff(100_000),
            Some(100_000 - 86_400)
        );
        let policy: Result<RetentionPolicy, _> =
            serde_json::from_str(r#"{"closed_days": 90, "spam_days": 7, "untriaged_days": 99999}"#);
        assert!(policy.is_err());
    }
}
