//! Prometheus metrics (OpenMetrics text, written by the `prometheus-client` crate): request counts
//! and latencies by method, route pattern and status, and the retention purge's totals. Served on their own listener (`metrics.bind`, loopback by default),
//! never on the public one. Labels are only ever the route *pattern* the router matched
//! (`/api/v1/desk/reports/{id}`), a method from a fixed list and a status code: no label or value
//! can carry an address, an id, a receipt or a token. Reporters' routes are not counted at all.

use std::time::Duration;

use actix_web::{web, HttpResponse};
use prometheus_client::encoding::EncodeLabelSet;
use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::histogram::Histogram;
use prometheus_client::registry::Registry;

/// Upper bounds of the latency buckets, in seconds.
const BUCKETS: [f64; 12] = [
    0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0,
];

#[derive(Debug, Clone, PartialEq, Eq, Hash, EncodeLabelSet)]
struct Labels {
    method: &'static str,
    route: String,
    status: u16,
}

type Latencies = Family<Labels, Histogram, fn() -> Histogram>;

fn latency_histogram() -> Histogram {
    Histogram::new(BUCKETS)
}

/// What the server counts, registered once in a `prometheus-client` registry, which writes the
/// exposition text. Cheap to update: atomics, and a read lock to find a label set's series.
pub struct Metrics {
    registry: Registry,
    requests: Family<Labels, Counter>,
    latencies: Latencies,
    purged_cases: Counter,
    expired_referrals: Counter,
}

impl Default for Metrics {
    fn default() -> Self {
        let mut metrics = Metrics {
            registry: Registry::default(),
            requests: Family::default(),
            latencies: Family::new_with_constructor(latency_histogram),
            purged_cases: Counter::default(),
            expired_referrals: Counter::default(),
        };
        let registry = &mut metrics.registry;
        // Counters are exposed with the suffix `_total`.
        registry.register(
            "resguardo_http_requests",
            "Requests answered",
            metrics.requests.clone(),
        );
        registry.register(
            "resguardo_http_request_duration_seconds",
            "Time to answer",
            metrics.latencies.clone(),
        );
        registry.register(
            "resguardo_retention_purged_cases",
            "Cases deleted by retention purges inside the server",
            metrics.purged_cases.clone(),
        );
        registry.register(
            "resguardo_retention_expired_referrals",
            "Partner copies of expired referrals deleted inside the server",
            metrics.expired_referrals.clone(),
        );
        metrics
    }
}

/// Where the quick-exit button (and Esc pressed twice) goes first: this origin, so that the way
/// out can tell the browser to forget what it holds of it, then straight on to `web.exit_url`
/// (`pages` serves it). Kept here, with the other routes a reporter's device calls.
pub(crate) const EXIT_PATH: &str = "/exit";

/// Routes a reporter's device calls. They are not counted at all: a counter that goes from 0 to 1
/// between two scrapes dates a report (or a visit, or a follow-up) to the scrape interval — the
/// very reason the logs carry no timestamps and reports keep only the hour.
pub(crate) const REPORTER_ROUTES: [&str; 15] = [
    "/",
    EXIT_PATH,
    "/assets/app.js",
    "/assets/style.css",
    "/assets/icon.svg",
    "/{lang}/",
    "/{lang}/followup",
    "/api/v1/pow",
    "/api/v1/desks/{slug}",
    "/api/v1/desks/{slug}/reports",
    "/api/v1/followup",
    "/api/v1/followup/messages",
    "/api/v1/followup/attachments",
    "/api/v1/uploads/{id}",
    "/api/v1/uploads/{id}/parts/{part}",
];

impl Metrics {
    /// Counts one answered request. `route` must be a pattern from the router, or "(unmatched)".
    /// Requests of reporters' routes are left out (see `REPORTER_ROUTES`).
    pub fn observe(&self, method: &'static str, route: String, status: u16, took: Duration) {
        if REPORTER_ROUTES.contains(&route.as_str()) {
            return;
        }
        let labels = Labels {
            method,
            route,
            status,
        };
        self.latencies
            .get_or_create(&labels)
            .observe(took.as_secs_f64());
        self.requests.get_or_create(&labels).inc();
    }

    /// Counts what one retention purge deleted.
    pub fn purged(&self, cases: u64, referrals: u64) {
        self.purged_cases.inc_by(cases);
        self.expired_referrals.inc_by(referrals);
    }

    /// The OpenMetrics text exposition (which Prometheus reads).
    pub fn render(&self) -> String {
        let mut out = String::new();
        // Writing to a String cannot fail.
        let _ = prometheus_client::encoding::text::encode(&mut out, &self.registry);
        out
    }
}

/// The content type of [`Metrics::render`].
const CONTENT_TYPE: &str = "application/openmetrics-text; version=1.0.0; charset=utf-8";

/// `GET /metrics` on the metrics listener.
pub async fn serve(metrics: web::Data<Metrics>) -> HttpResponse {
    HttpResponse::Ok()
        .content_type(CONTENT_TYPE)
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
            "resguardo_http_request_duration_seconds_bucket{{le=\"0.005\",{labels}}} 1\n"
        )));
        assert!(text.contains(&format!(
            "resguardo_http_request_duration_seconds_bucket{{le=\"+Inf\",{labels}}} 2\n"
        )));
        assert!(text.contains("resguardo_retention_purged_cases_total 2\n"));
        assert!(text.ends_with("# EOF\n"), "OpenMetrics ends its exposition");
    }
}
