//! The HTTP server: `Application::build` binds the listener (port 0 picks a free one, which tests
//! use) and assembles the app; `run` serves until a shutdown signal.

pub mod admission;
pub mod auth;
pub mod dashboard;
pub mod inflight;
pub mod limits;
pub mod metrics;
pub mod middleware;
mod notices;
pub mod pages;
pub mod problem;
pub mod routes;
mod webhooks;

use std::net::TcpListener;
use std::sync::Arc;
use std::time::Duration;

use actix_web::dev::Server;
use actix_web::middleware::from_fn;
use actix_web::{web, App, HttpServer};

use crate::config::{AccountSettings, RetentionSettings, Settings};
use crate::crypto::keys::server_key;
use crate::crypto::pow::PowKey;
use crate::crypto::CiphertextLimits;
use crate::store::{AuditLog, Database, IntakeStore, Maintenance, SignIn};
use admission::PowService;
use limits::Limits;
use problem::store_failure;
use zeroize::Zeroizing;

/// What every handler may reach.
pub struct AppState {
    /// Private: handlers get capabilities, never the database (`intake`, `sign_in`,
    /// `audit_log`, and the desk and partner capabilities `auth` hands out with the caller).
    db: Database,
    /// Commits reports and thread messages: grouped, or one transaction each
    /// (`intake.group_commit`).
    pub writes: crate::store::group_commit::Committer,
    pub pow: PowService,
    pub limits: Arc<Limits>,
    /// Limits for report ciphertext.
    pub ciphertext_limits: CiphertextLimits,
    /// Limits for follow-up message ciphertext.
    pub message_limits: CiphertextLimits,
    /// Most messages in one case thread.
    pub max_messages: i64,
    pub accounts: AccountSettings,
    /// Seals TOTP secrets at rest.
    pub totp_key: Zeroizing<[u8; 32]>,
    /// Seals accounts' unlock shares at rest (docs/protocol.md §6).
    pub share_key: Zeroizing<[u8; 32]>,
    /// The pepper of the auth-key verifier of accounts with an unlock share.
    pub auth_pepper: Zeroizing<[u8; 32]>,
    /// Bounds concurrent server-side Argon2 work.
    pub argon2: tokio::sync::Semaphore,
    /// `vetting.approvals_required`.
    pub approvals_required: i64,
    /// Signs webhook deliveries; each partner's key is derived from it.
    pub webhook_key: Zeroizing<[u8; 32]>,
    /// `webhooks.allow_http`.
    pub allow_http_webhooks: bool,
    /// `webhooks.allow_private`.
    pub allow_private_webhooks: bool,
    /// Where the pages' quick-exit button goes (`web.exit_url`).
    pub exit_url: String,
    /// Other ways to reach each desk, shown on its pages without JavaScript (`web.contacts`).
    pub contacts: std::collections::BTreeMap<String, String>,
    /// Each desk's country, for reading phone numbers in linked cases (`linking.countries`).
    pub countries: std::collections::BTreeMap<String, String>,
    /// The pages' languages: the built-in catalogues and `web.languages_dir`'s.
    pub languages: crate::texts::Catalogues,
    /// What unknown accounts' auth keys are checked against.
    pub dummy_hash: String,
    /// Retention defaults and per-desk policies from the configuration.
    pub retention: RetentionSettings,
    /// Where attachments' ciphertext is kept.
    pub blobs: crate::blobs::Blobs,
    /// What one report's attachments, and all of them, may hold (`[attachments]`).
    pub attachment_quota: crate::store::AttachmentQuota,
    /// Parts being received (`inflight`).
    pub parts: inflight::PartsInFlight,
}

impl AppState {
    /// What anyone may reach: the desks, receipts, intake.
    pub fn intake(&self) -> IntakeStore {
        self.db.intake()
    }

    /// Enrolment, login and sessions, before anyone is known.
    pub fn sign_in(&self) -> SignIn {
        self.db.sign_in()
    }

    pub fn audit_log(&self) -> AuditLog {
        self.db.audit_log()
    }

    /// Only for `auth`, which binds capabilities to the caller it proved.
    fn database(&self) -> &Database {
        &self.db
    }
}

pub struct Application {
    port: u16,
    server: Server,
    /// The metrics listener's port and server, when `metrics.bind` is set.
    metrics: Option<(u16, Server)>,
    /// The dashboard's listener, when `desk.bind` is set: an origin of its own.
    desk: Option<(u16, Server)>,
}

/// Which pages a listener serves beside the API: the reporters', or the desk dashboard's. Never
/// both: they are different origins, so neither app's scripts reach what the other keeps.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Site {
    Reporters,
    Desk,
}

/// What every listener's app is made of, cloned into each worker.
#[derive(Clone)]
struct Parts {
    state: web::Data<AppState>,
    metrics: web::Data<metrics::Metrics>,
    body_limit: usize,
    body_limits: routes::BodyLimits,
    time_limit: Duration,
    keep_alive: Duration,
    workers: usize,
}

impl Application {
    /// Binds and assembles the server; it starts serving when [`Application::run`] is awaited.
    /// `secret` is the server secret; the keys for each purpose are derived from it.
    pub fn build(settings: &Settings, db: Database, secret: &[u8; 32]) -> std::io::Result<Self> {
        let listener = bind("server.bind", settings.server.bind)?;
        let port = listener.local_addr()?.port();
        let limits = Arc::new(Limits::new(&settings.limits));
        limits::spawn_forgetting(limits.clone(), Duration::from_secs(15));
        let blobs = open_blobs(&settings.attachments).map_err(std::io::Error::other)?;
        let upkeep = Upkeep {
            store: db.maintenance(),
            blobs: blobs.clone(),
            idle_secs: i64::from(settings.accounts.session_idle_minutes) * 60,
            abandon_secs: i64::from(settings.attachments.abandon_after_hours) * 3600,
        };
        spawn_purging(upkeep, Duration::from_secs(600));
        let metrics = web::Data::new(metrics::Metrics::default());
        spawn_retention(
            db.maintenance(),
            blobs.clone(),
            settings.retention.clone(),
            metrics.clone(),
        );
        let intake = &settings.intake;
        let languages = match &settings.web.languages_dir {
            Some(dir) => crate::texts::Catalogues::with_added(dir)
                .map_err(|e| format!("web.languages_dir ({}): {e}", dir.display())),
            None => crate::texts::Catalogues::shipped().map_err(|e| e.to_string()),
        }
        .map_err(|e| std::io::Error::new(std::io::ErrorKind::InvalidData, e))?;
        let state = web::Data::new(AppState {
            writes: crate::store::group_commit::Committer::new(
                db.intake(),
                settings.intake.group_commit,
            ),
            db,
            pow: PowService::new(PowKey::from_server_secret(secret), settings.pow.clone()),
            limits,
            ciphertext_limits: CiphertextLimits {
                max_bytes: intake.max_body_bytes,
                max_recipients: intake.max_recipients,
            },
            message_limits: CiphertextLimits {
                max_bytes: intake.max_message_bytes,
                max_recipients: intake.max_recipients,
            },
            max_messages: i64::from(intake.max_messages_per_report),
            accounts: settings.accounts.clone(),
            totp_key: server_key(secret, "resguardo/server/v1/totp"),
            share_key: server_key(secret, "resguardo/server/v1/unlock-share"),
            auth_pepper: server_key(secret, "resguardo/server/v1/auth-pepper"),
            argon2: tokio::sync::Semaphore::new(settings.accounts.argon2_permits as usize),
            approvals_required: i64::from(settings.vetting.approvals_required),
            webhook_key: server_key(secret, "resguardo/server/v1/webhook"),
            allow_http_webhooks: settings.webhooks.allow_http,
            allow_private_webhooks: settings.webhooks.allow_private,
            exit_url: settings.web.exit_url.clone(),
            contacts: settings.web.contacts.clone(),
            countries: settings.linking.countries.clone(),
            languages,
            dummy_hash: auth::dummy_hash(),
            retention: settings.retention.clone(),
            blobs,
            attachment_quota: attachment_quota(&settings.attachments),
            parts: inflight::PartsInFlight::default(),
        });
        webhooks::spawn(
            state.db.maintenance(),
            state.webhook_key.clone(),
            settings.webhooks.clone(),
        );
        // Each configured desk's capability, for its notices only (config validated the slugs
        // and addresses).
        let desk_notices = (settings.notifications.desks.iter())
            .filter_map(|(slug, desk)| {
                let slug = crate::domain::DeskSlug::parse(slug).ok()?;
                let url = crate::domain::WebhookUrl::parse(&desk.url, settings.webhooks.allow_http);
                Some(notices::DeskNotice {
                    desk: state.db.desk(&slug),
                    url: url.ok()?,
                })
            })
            .collect();
        notices::spawn(
            desk_notices,
            settings.notifications.interval_secs,
            settings.webhooks.clone(),
            state.languages.default_texts().dashboard.notice.clone(),
        );
        // Base64 grows ciphertext by a third; the envelope around it needs a little more.
        let body_limits = routes::BodyLimits {
            report: intake.max_body_bytes,
            message: intake.max_message_bytes / 3 * 4 + 1024,
        };
        let parts = Parts {
            state,
            metrics: metrics.clone(),
            body_limit: intake.max_body_bytes,
            body_limits,
            time_limit: Duration::from_secs(settings.server.request_timeout_secs),
            keep_alive: Duration::from_secs(settings.server.keep_alive_secs),
            workers: settings.server.workers,
        };
        let metrics_server = metrics_server(settings, metrics)?;
        let desk = match settings.desk.address().map_err(std::io::Error::other)? {
            None => None,
            Some(address) => {
                let listener = bind("desk.bind", address)?;
                let port = listener.local_addr()?.port();
                Some((port, site_server(parts.clone(), Site::Desk, listener)?))
            }
        };
        let server = site_server(parts, Site::Reporters, listener)?;
        Ok(Self {
            port,
            server,
            metrics: metrics_server,
            desk,
        })
    }

    pub fn port(&self) -> u16 {
        self.port
    }

    /// The metrics listener's port, if metrics are on.
    pub fn metrics_port(&self) -> Option<u16> {
        self.metrics.as_ref().map(|(port, _)| *port)
    }

    /// The dashboard listener's port, if the dashboard is on.
    pub fn desk_port(&self) -> Option<u16> {
        self.desk.as_ref().map(|(port, _)| *port)
    }

    /// Serves until `shutdown` fires, then finishes the requests in flight.
    pub async fn run(self, shutdown: Shutdown) -> std::io::Result<()> {
        let handles: Vec<_> = std::iter::once(self.server.handle())
            .chain(self.metrics.iter().map(|(_, m)| m.handle()))
            .chain(self.desk.iter().map(|(_, d)| d.handle()))
            .collect();
        actix_web::rt::spawn(async move {
            shutdown.signalled().await;
            // Stop first, log after: the log line can fail (its reader gone), and nothing
            // that happens to it may keep the server from stopping.
            let stopping: Vec<_> = handles.iter().map(|h| h.stop(true)).collect();
            tracing::info!("shutting down");
            for stop in stopping {
                stop.await;
            }
        });
        let (public, metrics, desk) = tokio::join!(
            self.server,
            serve_if(self.metrics.map(|(_, m)| m)),
            serve_if(self.desk.map(|(_, d)| d)),
        );
        public.and(metrics).and(desk)
    }
}

/// Binds a listener; an error names the setting and the address (another process on the port, a
/// privileged port), as the operator must change one of them.
fn bind(key: &str, address: std::net::SocketAddr) -> std::io::Result<TcpListener> {
    TcpListener::bind(address).map_err(|e| {
        std::io::Error::new(
            e.kind(),
            format!("{key} {address}: {e} (set {key} to another address)"),
        )
    })
}

/// Serves a listener that may be off.
async fn serve_if(server: Option<Server>) -> std::io::Result<()> {
    match server {
        Some(server) => server.await,
        None => Ok(()),
    }
}

/// A listener's server: the API, and the pages of `site`.
fn site_server(parts: Parts, site: Site, listener: TcpListener) -> std::io::Result<Server> {
    let Parts {
        state,
        metrics,
        body_limit,
        body_limits,
        time_limit,
        keep_alive,
        workers,
    } = parts;
    let mut server = HttpServer::new(move || {
        App::new()
            .app_data(state.clone())
            .app_data(metrics.clone())
            .app_data(web::PayloadConfig::new(body_limit))
            .app_data(web::QueryConfig::default().error_handler(|err, _| {
                problem::ApiError::MalformedRequest(format!(
                    "the query string is not acceptable: {err}"
                ))
                .into()
            }))
            .app_data(middleware::RequestTimeLimit(time_limit))
            .configure(|cfg| routes::configure(cfg, body_limits))
            .configure(|cfg| match site {
                Site::Reporters => pages::configure(cfg),
                Site::Desk => dashboard::configure(cfg),
            })
            .default_service(web::to(routes::not_found))
            .wrap(middleware::security_headers())
            .wrap(from_fn(middleware::log_request))
    })
    .client_request_timeout(time_limit)
    .client_disconnect_timeout(Duration::from_secs(5))
    .keep_alive(keep_alive)
    .shutdown_timeout(10)
    .disable_signals();
    if workers > 0 {
        server = server.workers(workers);
    }
    Ok(server.listen(listener)?.run())
}

/// SIGTERM and SIGINT, listened for from the moment this is made. `serve` makes it before it
/// says it listens, so a service manager's stop that follows at once is a graceful stop, not
/// death by the signal's default action.
pub struct Shutdown {
    term: tokio::signal::unix::Signal,
    int: tokio::signal::unix::Signal,
}

impl Shutdown {
    pub fn listen() -> std::io::Result<Self> {
        use tokio::signal::unix::{signal, SignalKind};
        Ok(Self {
            term: signal(SignalKind::terminate())?,
            int: signal(SignalKind::interrupt())?,
        })
    }

    async fn signalled(mut self) {
        tokio::select! {
            _ = self.term.recv() => {}
            _ = self.int.recv() => {}
        }
    }
}

/// The metrics listener: `GET /metrics` and nothing else, apart from the public listener so that
/// it can stay on loopback or a private network.
fn metrics_server(
    settings: &Settings,
    metrics: web::Data<metrics::Metrics>,
) -> std::io::Result<Option<(u16, Server)>> {
    let Some(address) = settings.metrics.address().map_err(std::io::Error::other)? else {
        return Ok(None);
    };
    let listener = bind("metrics.bind", address)?;
    let port = listener.local_addr()?.port();
    let server = HttpServer::new(move || {
        App::new()
            .app_data(metrics.clone())
            .route("/metrics", web::get().to(metrics::serve))
            .default_service(web::to(routes::not_found))
            .wrap(middleware::security_headers())
    })
    .workers(1)
    .disable_signals()
    .listen(listener)?
    .run();
    Ok(Some((port, server)))
}

/// Records a privileged action in the audit log (and a log line without actor or subject). A request whose action cannot be recorded fails:
/// an unrecorded read or change by an insider is what the log exists to prevent.
pub async fn audit(
    state: &AppState,
    desk: &str,
    actor: &str,
    action: crate::domain::AuditAction,
    subject: &str,
) -> Result<(), problem::ApiError> {
    let entry = crate::store::AuditEntry::new(desk, actor, action, subject);
    let now = crate::time::now_secs();
    state
        .audit_log()
        .append(&entry, now)
        .await
        .map_err(store_failure)?;
    // The log line says what happened in which desk; who and to what stay in the audit log only.
    tracing::info!(desk = %desk, action = %action, "audited");
    Ok(())
}

/// How long a login throttle outlives its wait: long enough that a patient guesser does not get
/// the free failures back every few minutes, short enough that the table forgets who tried.
const THROTTLE_MEMORY_SECS: i64 = 86_400;

/// The lease whose holder runs the retention purge.
const RETENTION_LEASE: &str = "retention";

/// What the periodic upkeep works on.
struct Upkeep {
    store: Maintenance,
    blobs: crate::blobs::Blobs,
    /// `accounts.session_idle_minutes`, in seconds.
    idle_secs: i64,
    /// `attachments.abandon_after_hours`, in seconds.
    abandon_secs: i64,
}

/// Every `period` (and at start): forgets expired spent challenges, sessions that ended (by
/// expiry or `idle_secs` without use) and login throttles quiet for a day — rows that would
/// otherwise only tell when someone logged in or tried to — and deletes uploads abandoned for
/// `abandon_secs` with what they sent. Apart from report traffic, so that the deletes never
/// contend with intake. Every step may run on several instances at once: each deletes only what
/// is due, whoever deletes it.
fn spawn_purging(upkeep: Upkeep, period: Duration) {
    let Upkeep {
        store,
        blobs,
        idle_secs,
        abandon_secs,
    } = upkeep;
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(period);
        loop {
            tick.tick().await;
            let now = crate::time::now_secs();
            if let Err(e) = store.purge_spent(now).await {
                tracing::warn!(error = %e, "could not purge spent challenges");
            }
            let forgotten = store.forget_expired(now, now - idle_secs, now - THROTTLE_MEMORY_SECS);
            if let Err(e) = forgotten.await {
                tracing::warn!(error = %e, "could not forget ended sessions and login throttles");
            }
            if let Err(e) = store.expire_referrals(crate::time::now_secs()).await {
                tracing::warn!(error = %e, "could not delete expired referrals");
            }
            let abandoned = crate::retention::forget_abandoned(&store, &*blobs, now, abandon_secs);
            if let Err(e) = abandoned.await {
                tracing::warn!(error = %e, "could not delete abandoned uploads");
            }
        }
    });
}

/// Deletes what the desks' retention policies say is due, at start and every
/// `retention.interval_secs`, on whichever instance holds the retention lease for that interval:
/// several instances on one database purge (and audit) once. The log line carries totals only.
fn spawn_retention(
    store: Maintenance,
    blobs: crate::blobs::Blobs,
    settings: RetentionSettings,
    metrics: web::Data<metrics::Metrics>,
) {
    let instance: [u8; 16] = rand::random();
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(Duration::from_secs(settings.interval_secs));
        loop {
            tick.tick().await;
            let now = crate::time::now_secs();
            let until = now + i64::try_from(settings.interval_secs).unwrap_or(i64::MAX / 2);
            match store
                .claim_lease(RETENTION_LEASE, &instance, now, until)
                .await
            {
                Ok(true) => {}
                Ok(false) => continue,
                Err(e) => {
                    tracing::warn!(error = %e, "could not take the retention lease");
                    continue;
                }
            }
            match crate::retention::purge(&store, &*blobs, &settings, now, false).await {
                Ok(report) if report.cases() > 0 || report.expired_referrals > 0 => {
                    metrics.purged(report.cases(), report.expired_referrals);
                    tracing::info!(
                        cases = report.cases(),
                        referrals = report.expired_referrals,
                        "retention purge"
                    );
                }
                Ok(_) => {}
                Err(e) => tracing::warn!(error = %e, "the retention purge failed"),
            }
            if let Err(e) = store.forget_arrival_order().await {
                tracing::warn!(error = %e, "could not rewrite the case tables out of arrival order");
            }
        }
    });
}

/// The configured limits in the units the store checks: a report's files may total
/// `max_report_bytes` and an eighth more for their padding to buckets (docs/protocol.md §12).
fn attachment_quota(settings: &crate::config::AttachmentSettings) -> crate::store::AttachmentQuota {
    let report = settings.max_report_bytes + settings.max_report_bytes / 8;
    crate::store::AttachmentQuota {
        max_files: i64::from(settings.max_files_per_report),
        max_report_bytes: i64::try_from(report).unwrap_or(i64::MAX),
        max_total_bytes: i64::try_from(settings.max_total_bytes).unwrap_or(i64::MAX),
    }
}

/// The blob store the settings name: `[attachments.s3]` when set, else the directory (here, above
/// both `config` and `blobs`, which know nothing of each other). An error names the setting.
pub fn open_blobs(
    settings: &crate::config::AttachmentSettings,
) -> Result<crate::blobs::Blobs, String> {
    let Some(s3) = &settings.s3 else {
        return crate::blobs::open(&settings.dir)
            .map_err(|e| format!("attachments.dir ({}): {e}", settings.dir.display()));
    };
    let config = crate::blobs::S3Config {
        url: s3.url.clone(),
        region: s3.region.clone(),
        access_key: s3.access_key.clone(),
        secret_key: s3.secret().map_err(|e| e.to_string())?,
    };
    Ok(Arc::new(
        crate::blobs::S3Blobs::open(config).map_err(|e| e.to_string())?,
    ))
}
