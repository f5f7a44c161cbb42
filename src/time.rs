//! Coarse time. The server never stores a precise moment: every stored timestamp is rounded down to
//! the hour, and what reporters see is the day. Precise times would let whoever holds the database
//! correlate a report with network logs.

use std::time::{SystemTime, UNIX_EPOCH};

/// Seconds in one storage bucket (design: timestamps are multiples of one hour).
pub const BUCKET_SECS: i64 = 3600;

/// Seconds since the Unix epoch, precise. Used only for expiry checks, never stored.
pub fn now_secs() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| i64::try_from(d.as_secs()).unwrap_or(i64::MAX))
        .unwrap_or(0)
}

/// The current time rounded down to the storage bucket.
pub fn now_bucket() -> i64 {
    bucket(now_secs())
}

/// `secs` rounded down to the storage bucket.
pub fn bucket(secs: i64) -> i64 {
    secs - secs.rem_euclid(BUCKET_SECS)
}

/// The UTC day of a timestamp as `YYYY-MM-DD`.
pub fn day(secs: i64) -> String {
    ::time::OffsetDateTime::from_unix_timestamp(secs)
        .map(|t| t.date().to_string())
        .unwrap_or_else(|_| "1970-01-01".to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn buckets_round_down_to_the_hour() {
        assert_eq!(bucket(7199), 3600);
        assert_eq!(bucket(7200), 7200);
        assert_eq!(now_bucket() % BUCKET_SECS, 0);
    }

    #[test]
    fn day_is_iso_date() {
        assert_eq!(day(0), "1970-01-01");
        assert_eq!(day(1_795_000_000), "2026-11-18");
    }
}
