//! Prometheus metrics: request counts and latencies by method, route pattern and status, and the
//! retention purge's totals. Served on their own listener (`metrics.bind`, loopback by default),
//! never on the public one. Labels are only ever the route *pattern* the router matched
//! (`/api/v1/desk/reports/{id}`), a method from a fixed list and a status code: no label or value
//! can carry an address, an id, a receipt or a token. Reporters' routes are not counted at all.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Mutex;
use std::time::Duration;

use actix_web::{web, HttpResponse};

/// Upper bounds of the latency buckets, in seconds.
const BUCKETS: [f64; 12] = [
    0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0,
];

#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
struct Labels {
    method: &'static str,
    route: String,
    status: u16,
}

#[derive(Debug, Default)]
struct Series {
    /// Per bucket of `BUCKETS`, then the +Inf bucket; not cumulative here.
    counts: [u64; BUCKETS.len() + 1],
    sum_secs: f64,
}

/// What the server counts. Cheap to update: one short lock per request.
#[derive(Debug, Default)]
pub struct Metrics {
    requests: Mutex<BTreeMap<Labels, Series>>,
    purged_cases: AtomicU64,
    expired_referrals: AtomicU64,
}

/// Where the quick-exit button (and Esc pressed twice) goes first: this origin, so that the way
/// out can tell the browser to forget what it holds of it, then straight on to `web.exit_url`
/// (`pages` serves it). Kept here, with the other routes a reporter's device calls.
pub(crate) const EXIT_PATH: &str = "/exit";

/// Routes a reporter's device calls. They are not counted at all: a counter that goes from 0 to 1
/// between two scrapes dates a report (or a visit, or a follow-up) to the scrape interval — the
/// very reason the logs carry no timestamps and reports keep only the hour.
pub(crate) const REPORTER_ROUTES: [&str; 11] = [
    "/",
    EXIT_PATH,
    "/assets/app.js",
    "/assets/style.css",
    "/{lang}/",
    "/{lang}/followup",
    "/api/v1/pow",
    "/api/v1/desks/{slug}",
    "/api/v1/desks/{slug}/reports",
    "/api/v1/followup",
    "/api/v1/followup/messages",
];

impl Metrics {
    /// Counts one answered request. `route` must be a pattern from the router, or "(unmatched)".
    /// Requests of reporters' routes are left out (see `REPORTER_ROUTES`).
    pub fn observe(&self, method: &'static str, route: String, status: u16, took: Duration) {
        if REPORTER_ROUTES.contains(&route.as_str()) {
            return;
        }
        let secs = took.as_secs_f64();
        let bucket = BUCKETS
            .iter()
            .position(|&bound| secs <= bound)
            .unwrap_or(BUCKETS.len());
        if let Ok(mut requests) = self.requests.lock() {
            let series = requests
                .entry(Labels {
                    method,
                    route,
                    status,
                })
                .or_default();
            series.counts[bucket] += 1;
            series.sum_secs += secs;
        }
    }

    /// Counts what one retention purge deleted.
    pub fn purged(&self, cases: u64, referrals: u64) {
        self.purged_cases.fetch_add(cases, Ordering::Relaxed);
        self.expired_referrals
            .fetch_add(referrals, Ordering::Relaxed);
    }

    /// The Prometheus text exposition format, version 0.0.4.
    pub fn render(&self) -> String {
        let mut out = String::new();
        out.push_str("# HELP resguardo_http_requests_total Requests answered.\n");
        out.push_str("# TYPE resguardo_http_requests_total counter\n");
        let requests = match self.requests.lock() {
            Ok(requests) => requests,
            Err(poisoned) => poisoned.into_inner(),
        };
        for (labels, series) in requests.iter() {
            let total: u64 = series.counts.iter().sum();
            let _ = writeln!(
                out,
                "resguardo_http_requests_total{{{}}} {total}",
                labels.render()
            );
        }
        out.push_str("# HELP resguardo_http_request_duration_seconds Time to answer.\n");
        out.push_str("# TYPE resguardo_http_request_duration_seconds histogram\n");
        for (labels, series) in requests.iter() {
            let labels = labels.render();
            let mut cumulative = 0;
            for (i, count) in series.counts.iter().enumerate() {
                cumulative += count;
                let le = BUCKETS
                    .get(i)
                    .map_or_else(|| "+Inf".to_owned(), |b| b.to_string());
                let _ = writeln!(
                    out,
                    "resguardo_http_request_duration_seconds_bucket{{{labels},le=\"{le}\"}} {cumulative}"
                );
            }
            let _ = writeln!(
                out,
                "resguardo_http_request_duration_seconds_sum{{{labels}}} {}",
                series.sum_secs
            );
            let _ = writeln!(
                out,
                "resguardo_http_request_duration_seconds_count{{{labels}}} {cumulative}"
            );
        }
        drop(requests);
        for (name, help, value) in [
            (
                "resguardo_retention_purged_cases_total",
                "Cases deleted by retention purges inside the server.",
                &self.purged_cases,
            ),
            (
                "resguardo_retention_expired_referrals_total",
                "Partner copies of expired referrals deleted inside the server.",
                &self.expired_referrals,
            ),
        ] {
            let _ = writeln!(out, "# HELP {name} {help}\n# TYPE {name} counter");
            let _ = writeln!(out, "{name} {}", value.load(Ordering::Relaxed));
        }
        out
    }
}

impl Labels {
    fn render(&self) -> String {
        format!(
            "method=\"{}\",route=\"{}\",status=\"{}\"",
            self.method,
            escape(&self.route),
            self.status
        )
    }
}

/// Label values escape backslash, quote and newline (route patterns never hold them; defence).
fn escape(value: &str) -> String {
    value
        .replace('\\', "\\\\")
        .replace('"', "\\\"")
        .replace('\n', "\\n")
}

/// `GET /metrics` on the metrics listener.
pub async fn serve(metrics: web::Data<Metrics>) -> HttpResponse {
    HttpResponse::Ok()
        .content_type("text/plain; version=0.0.4; charset=utf-8")
        .body(metrics.render())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn renders_counts_and_cumulative_buckets() {
        let metrics = Metrics::default();
        let route = "/api/v1/desk/reports/{id}/notes".to_owned();
        metrics.observe("POST", route.clone(), 201, Duration::from_millis(3));
        metrics.observe("POST", route, 201, Duration::from_secs(20));
        metrics.observe("POST", "/api/v1/followup".to_owned(), 200, Duration::ZERO);
        metrics.purged(2, 1);
        let text = metrics.render();
        assert!(
            !text.contains("followup"),
            "reporters' routes are not counted"
        );
        let labels = r#"method="POST",route="/api/v1/desk/reports/{id}/notes",status="201""#;
        assert!(text.contains(&format!("resguardo_http_requests_total{{{labels}}} 2\n")));
        assert!(text.contains(&format!(
            "resguardo_http_request_duration_seconds_bucket{{{labels},le=\"0.005\"}} 1\n"
        )));
        assert!(text.contains(&format!(
            "resguardo_http_request_duration_seconds_bucket{{{labels},le=\"+Inf\"}} 2\n"
        )));
        assert!(text.contains("resguardo_retention_purged_cases_total 2\n"));
    }
}
