//! What every response gets, errors included: security headers, a time limit, and one log line that names the route pattern but never the client, its headers or any id.

use std::time::{Duration, Instant};

use actix_web::body::{BoxBody, MessageBody};
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::Method;
use actix_web::middleware::{DefaultHeaders, Next};
use actix_web::{web, Error, ResponseError};

use super::metrics::Metrics;
use super::problem::ApiError;

/// Headers on every response: nothing may be framed, sniffed, cached, referred or scripted.
pub fn security_headers() -> DefaultHeaders {
    DefaultHeaders::new()
        .add((
            "Content-Security-Policy",
            "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'",
        ))
        .add(("X-Content-Type-Options", "nosniff"))
        .add(("X-Frame-Options", "DENY"))
        .add(("Referrer-Policy", "no-referrer"))
        .add(("Cache-Control", "no-store"))
        .add(("Cross-Origin-Opener-Policy", "same-origin"))
        .add(("Cross-Origin-Resource-Policy", "same-origin"))
        .add((
            "Permissions-Policy",
            "camera=(), microphone=(), geolocation=(), interest-cohort=()",
        ))
}

/// How long one request may take, read and answered; kept in app data.
#[derive(Debug, Clone, Copy)]
pub struct RequestTimeLimit(pub Duration);

/// Bounds the time to read a request and answer it, so slow bodies cannot hold workers forever.
/// Mounted on each resource rather than on the app: it keeps a handle on the request to build the
/// timeout answer, and the app's router needs sole access to the request while it routes.
pub async fn time_limit(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<BoxBody>, Error> {
    let limit = req
        .app_data::<RequestTimeLimit>()
        .map_or(Duration::from_secs(30), |l| l.0);
    let head = req.request().clone();
    match actix_web::rt::time::timeout(limit, next.call(req)).await {
        Ok(result) => Ok(result?.map_into_boxed_body()),
        Err(_) => Ok(ServiceResponse::new(
            head,
            ApiError::Timeout.error_response(),
        )),
    }
}

/// One JSON line per request: a random request id, method, route pattern, status and
/// milliseconds, nothing else; and the same (without the id) counted for `/metrics`.
pub async fn log_request(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<impl MessageBody>, Error> {
    let started = Instant::now();
    // The method token is the client's choice; log only the ones we serve.
    let method = match *req.method() {
        Method::GET => "GET",
        Method::HEAD => "HEAD",
        Method::POST => "POST",
        Method::PUT => "PUT",
        _ => "OTHER",
    };
    // Random, so that it ties this line to nothing outside the log.
    let request_id = format!("{:016x}", rand::random::<u64>());
    let response = next.call(req).await?;
    let route = response
        .request()
        .match_pattern()
        .unwrap_or_else(|| "(unmatched)".to_owned());
    let took = started.elapsed();
    let status = response.status().as_u16();
    // A line per reporter request, timestamped by the journal, would date each report as a
    // metrics counter would: reporters' routes are logged only when the server failed them.
    let reporters = super::metrics::REPORTER_ROUTES.contains(&route.as_str());
    if !reporters || status >= 500 {
        tracing::info!(
            request_id = %request_id,
            method = %method,
            route = %route,
            status,
            ms = u64::try_from(took.as_millis()).unwrap_or(u64::MAX),
            "request"
        );
    }
    if let Some(metrics) = response.request().app_data::<web::Data<Metrics>>() {
        metrics.observe(method, route, status, took);
    }
    Ok(response)
}
