//! Abuse limits without tracking people (design §5). An address is not a person here: reporters
//! come through Tor and shared networks. So there is always a global quota per class of request,
//! and per-address limits are optional (off for onion services). Addresses live only in the
//! limiters' memory, for their window, and are never logged or stored.

use std::net::IpAddr;
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

/// The classes of request that have their own limits.
#[derive(Debug, Clone, Copy)]
pub enum Class {
    Intake,
    Followup,
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
}

impl Limits {
    pub fn new(settings: &LimitSettings) -> Self {
        Self {
            per_address: settings.per_address,
            trusted_proxies: settings.trusted_proxies.clone(),
            proxy_header: settings.proxy_header.parse().ok(),
            intake: Pair::new(
                settings.intake_global_per_minute,
                settings.intake_per_address_per_minute,
            ),
            followup: Pair::new(
                settings.followup_global_per_minute,
                settings.followup_per_address_per_minute,
            ),
        }
    }

    /// Counts one request of `class`; `Err` carries the seconds to wait.
    pub fn check(&self, class: Class, req: &HttpRequest) -> Result<(), ApiError> {
        let pair = match class {
            Class::Intake => &self.intake,
            Class::Followup => &self.followup,
        };
        if self.per_address {
            if let Some(address) = self.client_address(req) {
                pair.per_address.check_key(&address).map_err(|n| wait(&n))?;
            }
        }
        pair.global.check().map_err(|n| wait(&n))
    }

    /// The address limits apply to: the peer, or the right-most untrusted entry of the proxy
    /// header when the peer is a trusted proxy. Never logged.
    fn client_address(&self, req: &HttpRequest) -> Option<IpAddr> {
        let peer = req.peer_addr()?.ip();
        if !self.trusted_proxies.contains(&peer) {
            return Some(peer);
        }
        let header = self.proxy_header.as_ref()?;
        let forwarded = req.headers().get(header)?.to_str().ok()?;
        forwarded
            .rsplit(',')
            .filter_map(|part| part.trim().parse::<IpAddr>().ok())
            .find(|ip| !self.trusted_proxies.contains(ip))
            .or(Some(peer))
    }

    /// How many addresses the limiters hold right now (for tests of forgetting).
    pub fn tracked_addresses(&self) -> usize {
        self.intake.per_address.len() + self.followup.per_address.len()
    }

    /// Drops addresses whose window has passed, so none is held longer than it matters.
    pub fn forget_idle(&self) {
        for pair in [&self.intake, &self.followup] {
            pair.per_address.retain_recent();
            pair.per_address.shrink_to_fit();
        }
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
    actix_web::rt::spawn(async move {
        let mut tick = actix_web::rt::time::interval(period);
        loop {
            tick.tick().await;
            limits.forget_idle();
        }
    });
}

/// An extractor that admits one intake request, or refuses it before the body is read.
pub struct IntakeAllowed;

/// An extractor that admits one follow-up request, or refuses it before the body is read.
pub struct FollowupAllowed;

fn admit(req: &HttpRequest, class: Class) -> Result<(), ApiError> {
    let state = req
        .app_data::<web::Data<AppState>>()
        .ok_or(ApiError::Unavailable)?;
    state.limits.check(class, req)
}

impl FromRequest for IntakeAllowed {
    type Error = ApiError;
    type Future = std::future::Ready<Result<Self, ApiError>>;
    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        std::future::ready(admit(req, Class::Intake).map(|()| IntakeAllowed))
    }
}

impl FromRequest for FollowupAllowed {
    type Error = ApiError;
    type Future = std::future::Ready<Result<Self, ApiError>>;
    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        std::future::ready(admit(req, Class::Followup).map(|()| FollowupAllowed))
    }
}
