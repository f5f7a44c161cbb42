//! Abuse limits without tracking people (design §5). An address is not a person here: reporters
//! come through Tor and shared networks. So there is always a global quota per class of request,
//! and per-address limits are optional (off for onion services). Addresses live only in the
//! limiters' memory, for their window, and are never logged or stored.

use std::net::{IpAddr, Ipv6Addr};
use std::num::NonZeroU32;
use std::sync::Arc;
use std::time::Duration;

use actix_web::dev::Payload;
use actix_web::http::header::HeaderName;
use actix_web::{web, FromRequest, HttpRequest};
use governor::clock::{Clock, DefaultClock};
use governor::{DefaultDirectRateLimiter, DefaultKeyedRateLimiter, Quota};

use super::problem::ApiError;
use super::AppState;
use crate::config::LimitSettings;

/// The classes of request that have their own limits: a flood of one class never starves another.
#[derive(Debug, Clone, Copy)]
pub enum Class {
    /// Submitting a report. Its global quota is charged by the handler, once the submission has
    /// shown a solved, fresh, unseen challenge (see [`Limits::charge_global`]).
    Intake,
    /// A reporter's follow-up: reading the case or adding a message.
    Followup,
    /// Reads that touch the database: a desk's public key.
    Read,
    /// Minting a proof-of-work challenge.
    Challenge,
    /// Readiness probes.
    Health,
    /// Case-worker enrolment and login, which cost server-side Argon2.
    Login,
    /// An attachment's parts and progress, each request carrying the upload's token.
    Upload,
}

struct Pair {
    global: DefaultDirectRateLimiter,
    per_address: DefaultKeyedRateLimiter<IpAddr>,
}

impl Pair {
    fn new(global_per_minute: u32, address_per_minute: u32) -> Self {
        Self {
            global: DefaultDirectRateLimiter::direct(per_minute(global_per_minute)),
            per_address: DefaultKeyedRateLimiter::keyed(per_minute(address_per_minute)),
        }
    }
}

fn per_minute(n: u32) -> Quota {
    Quota::per_minute(NonZeroU32::new(n).unwrap_or(NonZeroU32::MIN))
}

pub struct Limits {
    per_address: bool,
    trusted_proxies: Vec<IpAddr>,
    proxy_header: Option<HeaderName>,
    intake: Pair,
    followup: Pair,
    read: Pair,
    challenge: Pair,
    health: Pair,
    login: Pair,
    upload: Pair,
}

impl Limits {
    pub fn new(s: &LimitSettings) -> Self {
        Self {
            per_address: s.per_address,
            trusted_proxies: s.trusted_proxies.clone(),
            proxy_header: s.proxy_header.parse().ok(),
            intake: Pair::new(s.intake_global_per_minute, s.intake_per_address_per_minute),
            followup: Pair::new(
                s.followup_global_per_minute,
                s.followup_per_address_per_minute,
            ),
            read: Pair::new(s.read_global_per_minute, s.read_per_address_per_minute),
            challenge: Pair::new(
                s.challenge_global_per_minute,
                s.challenge_per_address_per_minute,
            ),
            health: Pair::new(s.health_global_per_minute, s.health_per_address_per_minute),
            login: Pair::new(s.login_global_per_minute, s.login_per_address_per_minute),
            upload: Pair::new(s.upload_global_per_minute, s.upload_per_address_per_minute),
        }
    }

    fn pair(&self, class: Class) -> &Pair {
        match class {
            Class::Intake => &self.intake,
            Class::Followup => &self.followup,
            Class::Read => &self.read,
            Class::Challenge => &self.challenge,
            Class::Health => &self.health,
            Class::Login => &self.login,
            Class::Upload => &self.upload,
        }
    }

    fn pairs(&self) -> [&Pair; 7] {
        [
            &self.intake,
            &self.followup,
            &self.read,
            &self.challenge,
            &self.health,
            &self.login,
            &self.upload,
        ]
    }

    /// Counts one request of `class`, its address's bucket first: requests that one address's
    /// own limit refuses never reach the quota everyone shares. `Err` carries the seconds to wait.
    pub fn check(&self, class: Class, req: &HttpRequest) -> Result<(), ApiError> {
        self.charge_address(class, req)?;
        self.charge_global(class)
    }

    /// Counts one request of `class` against its address's bucket (when per-address limits are on).
    pub fn charge_address(&self, class: Class, req: &HttpRequest) -> Result<(), ApiError> {
        if self.per_address {
            let address = self.client_address(req);
            let pair = self.pair(class);
            pair.per_address.check_key(&address).map_err(|n| wait(&n))?;
        }
        Ok(())
    }

    /// Counts one request of `class` against the quota all clients share.
    pub fn charge_global(&self, class: Class) -> Result<(), ApiError> {
        self.pair(class).global.check().map_err(|n| wait(&n))
    }

    /// The address limits apply to: the peer, or, when the peer is a trusted proxy, the right-most
    /// entry of the last proxy header line (the one the nearest proxy wrote). Never logged.
    fn client_address(&self, req: &HttpRequest) -> IpAddr {
        let peer = req
            .peer_addr()
            .map_or(IpAddr::V6(Ipv6Addr::UNSPECIFIED), |a| a.ip().to_canonical());
        if !self.trusted_proxies.contains(&peer) {
            return bucket_of(peer);
        }
        let forwarded = self
            .proxy_header
            .as_ref()
            .and_then(|name| req.headers().get_all(name).last())
            .and_then(|line| rightmost_address(line.as_bytes()));
        bucket_of(forwarded.unwrap_or(peer))
    }

    /// How many addresses the limiters hold right now (for tests of forgetting).
    pub fn tracked_addresses(&self) -> usize {
        self.pairs().iter().map(|pair| pair.per_address.len()).sum()
    }

    /// Drops addresses whose window has passed, so none is held longer than it matters.
    pub fn forget_idle(&self) {
        for pair in self.pairs() {
            pair.per_address.retain_recent();
            pair.per_address.shrink_to_fit();
        }
    }
}

/// The right-most comma-separated entry of a header line, if it is an address. Anything else —
/// an unparsable entry, a port, garbage bytes — gives `None`, and the caller falls back on the peer.
fn rightmost_address(line: &[u8]) -> Option<IpAddr> {
    let last = line.rsplit(|b| *b == b',').next()?;
    std::str::from_utf8(last)
        .ok()?
        .trim()
        .parse::<IpAddr>()
        .ok()
        .map(|ip| ip.to_canonical())
}

/// IPv6 clients usually hold a whole /64; keying on single addresses would let one client rotate
/// through millions of them.
fn bucket_of(ip: IpAddr) -> IpAddr {
    match ip {
        IpAddr::V6(v6) => {
            let prefix = u128::from(v6) & !((1u128 << 64) - 1);
            IpAddr::V6(Ipv6Addr::from(prefix))
        }
        v4 => v4,
    }
}

fn wait(not_until: &governor::NotUntil<governor::clock::QuantaInstant>) -> ApiError {
    let secs = not_until
        .wait_time_from(DefaultClock::default().now())
        .as_secs_f64()
        .ceil();
    ApiError::RateLimited((secs as u64).max(1))
}

/// Runs [`Limits::forget_idle`] every `period` until the process ends.
pub fn spawn_forgetting(limits: Arc<Limits>, period: Duration) {
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(period);
        loop {
            tick.tick().await;
            limits.forget_idle();
        }
    });
}

fn limits_of(req: &HttpRequest) -> Result<&Limits, ApiError> {
    req.app_data::<web::Data<AppState>>()
        .map(|state| &*state.limits)
        .ok_or(ApiError::Unavailable)
}

/// Declares an extractor that admits one request of a class, or refuses it before the body is
/// read: charged with `check` (its address's bucket, then the global one), or with
/// `charge_address` alone when the global quota is charged later, once the request proved worth
/// it.
macro_rules! admission {
    ($(#[$doc:meta])* $name:ident, $class:expr) => {
        admission!($(#[$doc])* $name, $class, check);
    };
    ($(#[$doc:meta])* $name:ident, $class:expr, $charge:ident) => {
        $(#[$doc])*
        pub struct $name;

        impl FromRequest for $name {
            type Error = ApiError;
            type Future = std::future::Ready<Result<Self, ApiError>>;
            fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
                let charged = limits_of(req).and_then(|l| l.$charge($class, req));
                std::future::ready(charged.map(|()| $name))
            }
        }
    };
}

admission!(
    /// One intake request, charged to its address only: the global intake quota is charged by
    /// the handler, once the proof-of-work holds.
    IntakeAllowed,
    Class::Intake,
    charge_address
);
admission!(
    /// One request about an upload (a part, or its progress), charged to its address only: the
    /// global upload quota is charged once the upload's token proved to be one
    /// (`auth::Uploader`), so that requests with made-up tokens cost real uploads nothing.
    UploadAllowed,
    Class::Upload,
    charge_address
);
admission!(
    /// Admits one follow-up request.
    FollowupAllowed,
    Class::Followup
);
admission!(
    /// Admits one enrolment or login attempt.
    LoginAllowed,
    Class::Login
);
admission!(
    /// Admits one read of the database.
    ReadAllowed,
    Class::Read
);
admission!(
    /// Admits one new proof-of-work challenge.
    ChallengeAllowed,
    Class::Challenge
);
admission!(
    /// Admits one readiness probe.
    HealthAllowed,
    Class::Health
);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rightmost_entries() {
        assert_eq!(
            rightmost_address(b"203.0.113.9, 198.51.100.1"),
            Some("198.51.100.1".parse().unwrap())
        );
        assert_eq!(rightmost_address(b"198.51.100.1:5678"), None);
        assert_eq!(rightmost_address(b"[2001:db8::1]"), None);
        assert_eq!(rightmost_address(b"\xff\xfe"), None);
        assert_eq!(rightmost_address(b""), None);
        assert_eq!(
            rightmost_address(b"::ffff:10.0.0.1"),
            Some("10.0.0.1".parse().unwrap())
        );
    }

    #[test]
    fn ipv6_is_keyed_by_64() {
        let a: IpAddr = "2001:db8:1:2:aaaa::1".parse().unwrap();
        let b: IpAddr = "2001:db8:1:2:ffff::9".parse().unwrap();
        let c: IpAddr = "2001:db8:1:3::1".parse().unwrap();
        assert_eq!(bucket_of(a), bucket_of(b));
        assert_ne!(bucket_of(a), bucket_of(c));
        let v4: IpAddr = "192.0.2.7".parse().unwrap();
        assert_eq!(bucket_of(v4), v4);
    }
}
