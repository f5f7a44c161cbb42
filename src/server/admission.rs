//! Issuing proof-of-work challenges whose difficulty rises with intake load (design §5): when this
//! instance sees more submissions per minute than the threshold, each doubling adds one bit, up to
//! a configured maximum. Floods pay more; a quiet desk stays quick on a cheap phone.
//!
//! It also remembers, in memory and until they expire, the challenges whose solutions it has
//! admitted, so that a replayed solution is refused before it is charged to the intake quota.
//! The database's spent-challenge table stays the authority (across restarts and instances).

use std::collections::HashMap;
use std::sync::Mutex;

use crate::config::PowSettings;
use crate::crypto::pow::{Challenge, PowKey};

pub struct PowService {
    key: PowKey,
    settings: PowSettings,
    load: Mutex<LoadMeter>,
    seen: Mutex<Seen>,
}

/// Digests of admitted challenges with their expiry. It only grows by solutions that also passed
/// the global intake quota, so it holds at most that quota times the challenges' lifetime.
#[derive(Default)]
struct Seen {
    expiry: HashMap<[u8; 32], i64>,
    swept_at: i64,
}

impl Seen {
    /// Records `digest`; false if it was recorded before and has not expired.
    fn insert(&mut self, digest: [u8; 32], expires_at: i64, now: i64) -> bool {
        if now - self.swept_at >= 60 {
            self.expiry.retain(|_, expiry| *expiry >= now);
            self.swept_at = now;
        }
        match self.expiry.insert(digest, expires_at) {
            Some(previous) => previous < now,
            None => true,
        }
    }

    fn contains(&self, digest: &[u8; 32], now: i64) -> bool {
        self.expiry.get(digest).is_some_and(|expiry| *expiry >= now)
    }
}

/// Submissions counted in the current and the previous minute.
#[derive(Default)]
struct LoadMeter {
    minute: i64,
    current: u32,
    previous: u32,
}

impl LoadMeter {
    fn roll(&mut self, now: i64) {
        let minute = now.div_euclid(60);
        if minute != self.minute {
            self.previous = if minute == self.minute + 1 {
                self.current
            } else {
                0
            };
            self.current = 0;
            self.minute = minute;
        }
    }

    fn rate(&self) -> u32 {
        self.current.max(self.previous)
    }
}

impl PowService {
    pub fn new(key: PowKey, settings: PowSettings) -> Self {
        Self {
            key,
            settings,
            load: Mutex::new(LoadMeter::default()),
            seen: Mutex::new(Seen::default()),
        }
    }

    /// Whether this instance has already admitted a submission with `challenge`.
    pub fn seen(&self, challenge: &Challenge, now: i64) -> bool {
        self.seen
            .lock()
            .is_ok_and(|seen| seen.contains(&challenge.digest(), now))
    }

    /// Remembers that a submission with `challenge` was admitted; false if one was before.
    pub fn admit(&self, challenge: &Challenge, now: i64) -> bool {
        self.seen.lock().map_or(true, |mut seen| {
            seen.insert(challenge.digest(), challenge.expires_at(), now)
        })
    }

    pub fn key(&self) -> &PowKey {
        &self.key
    }

    /// A fresh challenge at the difficulty the current load calls for.
    pub fn issue(&self, now: i64) -> Challenge {
        let ttl = i64::try_from(self.settings.ttl_secs).unwrap_or(600);
        Challenge::mint(&self.key, now + ttl, self.difficulty(now))
    }

    /// Counts one submission that showed a solved, fresh challenge, whatever became of it: refused
    /// envelopes cost the solver the same work, and a flood of them must raise difficulty too.
    pub fn record_submission(&self, now: i64) {
        if let Ok(mut load) = self.load.lock() {
            load.roll(now);
            load.current = load.current.saturating_add(1);
        }
    }

    pub fn difficulty(&self, now: i64) -> u8 {
        let rate = match self.load.lock() {
            Ok(mut load) => {
                load.roll(now);
                load.rate()
            }
            Err(_) => u32::MAX,
        };
        difficulty_for(&self.settings, rate)
    }
}

/// Base difficulty plus one bit per doubling of the rate above the threshold, capped.
pub fn difficulty_for(settings: &PowSettings, rate: u32) -> u8 {
    let threshold = settings.load_threshold_per_minute.max(1);
    let extra = if rate <= threshold {
        0
    } else {
        (rate / threshold).ilog2() + 1
    };
    let extra = u8::try_from(extra)
        .unwrap_or(u8::MAX)
        .min(settings.max_extra_bits);
    settings.difficulty.saturating_add(extra)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn settings() -> PowSettings {
        PowSettings {
            difficulty: 16,
            ttl_secs: 600,
            load_threshold_per_minute: 60,
            max_extra_bits: 4,
        }
    }

    #[test]
    fn difficulty_rises_monotonically_and_is_capped() {
        let s = settings();
        let mut last = 0;
        for rate in 0..10_000 {
            let d = difficulty_for(&s, rate);
            assert!(d >= last);
            last = d;
        }
        assert_eq!(difficulty_for(&s, 60), 16);
        assert_eq!(difficulty_for(&s, 61), 17);
        assert_eq!(difficulty_for(&s, 120), 18);
        assert_eq!(difficulty_for(&s, u32::MAX), 20);
    }

    #[test]
    fn admitted_challenges_are_remembered_until_they_expire() {
        let service = PowService::new(PowKey::new([1; 32]), settings());
        let challenge = Challenge::mint(service.key(), 1000, 1);
        assert!(!service.seen(&challenge, 900));
        assert!(service.admit(&challenge, 900));
        assert!(service.seen(&challenge, 900));
        assert!(!service.admit(&challenge, 901), "a replay is refused");
        assert!(!service.seen(&challenge, 1001), "forgotten once expired");
        let other = Challenge::mint(service.key(), 1000, 1);
        assert!(service.admit(&other, 2000), "the sweep keeps working");
        assert_eq!(service.seen.lock().unwrap().expiry.len(), 1);
    }

    #[test]
    fn load_is_counted_per_minute() {
        let service = PowService::new(PowKey::new([1; 32]), settings());
        for _ in 0..200 {
            service.record_submission(600);
        }
        assert_eq!(service.difficulty(610), 18);
        assert_eq!(
            service.difficulty(670),
            18,
            "the previous minute still counts"
        );
        assert_eq!(
            service.difficulty(800),
            16,
            "two minutes later the load is gone"
        );
    }
}
