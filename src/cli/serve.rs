//! `resguardo serve` and `resguardo migrate`.

use anyhow::Context;

use crate::config::{redact_url, Settings};
use crate::server::Application;
use crate::store::{self, Database, Maintenance};

/// Logs are JSON lines on stderr. What goes into them is decided at each call site; the request
/// log (`server::middleware::log_request`) never records addresses, headers or ids. actix-server's
/// own start-up lines (which print the bound address) are kept to warnings.
pub fn init_logging() {
    let filter = tracing_subscriber::EnvFilter::try_from_env("RESGUARDO_LOG")
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info,actix_server=warn"));
    let _ = tracing_subscriber::fmt()
        .json()
        .with_env_filter(filter)
        .with_current_span(false)
        .with_span_list(false)
        // No timestamps: a precise time next to "POST …/reports 201" would date a report that the
        // database only knows to the hour. The service manager's journal adds its own, if wanted.
        .without_time()
        .with_writer(std::io::stderr)
        // A failed write (the reader of stderr gone) is dropped, not reported with eprintln!,
        // which would panic on the same closed pipe in whatever task happened to log.
        .log_internal_errors(false)
        .try_init();
}

/// The server host's capability over the configured database (opened and migrated).
pub async fn open_store(settings: &Settings) -> anyhow::Result<Maintenance> {
    Ok(open_database(settings).await?.maintenance())
}

/// Opens (and migrates) the configured database.
pub async fn open_database(settings: &Settings) -> anyhow::Result<Database> {
    let url = settings.database_url()?;
    store::open(&url, settings.database.max_connections)
        .await
        .with_context(|| {
            format!(
                "cannot open the database {}",
                redact_url(&settings.database.url)
            )
        })
}

pub async fn serve() -> anyhow::Result<()> {
    init_logging();
    let settings = Settings::load()?;
    warn_about_limits(&settings);
    warn_about_dashboard(&settings);
    let secret = settings.server_key()?;
    let shutdown = crate::server::Shutdown::listen().context("cannot listen for SIGTERM")?;
    let db = open_database(&settings).await?;
    // The error names the listener that failed (server.bind, desk.bind or metrics.bind).
    let app = Application::build(&settings, db, &secret).context("cannot start listening")?;
    tracing::info!(
        port = app.port(),
        metrics_port = app.metrics_port(),
        desk_port = app.desk_port(),
        "listening"
    );
    // Where reporters go, and the digest anyone can compare with the footer of the pages and
    // with a build of their own.
    let assets = crate::server::pages::assets();
    tracing::info!(
        address = %host_address(settings.server.bind, app.port(), "/es/"),
        app_js_sha256 = %assets.app.sha256_hex,
        "reporter pages"
    );
    if let (Some(bind), Some(port)) = (settings.desk.address()?, app.desk_port()) {
        let desk = crate::server::dashboard::assets();
        tracing::info!(
            address = %host_address(bind, port, "/es/"),
            desk_js_sha256 = %desk.script.sha256_hex,
            "desk dashboard"
        );
    }
    app.run(shutdown)
        .await
        .context("the server stopped with an error")
}

/// A listener's address for a person, without an IP address: the logs never carry one, not even
/// the server's own (behind Tor or a proxy, people use the onion or public name instead;
/// docs/operations.md).
fn host_address(bind: std::net::SocketAddr, port: u16, path: &str) -> String {
    let host = if bind.ip().is_loopback() {
        "localhost"
    } else {
        "<this host>"
    };
    format!("http://{host}:{port}{path}")
}

/// The dashboard answers in plain HTTP: on another address than loopback, a network between the
/// case worker and the server reads the session token (docs/operations.md §8a).
fn warn_about_dashboard(settings: &Settings) {
    if let Ok(Some(bind)) = settings.desk.address() {
        if !bind.ip().is_loopback() {
            tracing::warn!(
                "desk.bind is not a loopback address: the dashboard speaks plain HTTP, so reach it \
                 through a tunnel, an onion service or a TLS proxy on this host, never directly"
            );
        }
    }
}

fn warn_about_limits(settings: &Settings) {
    let limits = &settings.limits;
    if limits.per_address
        && limits.trusted_proxies.is_empty()
        && settings.server.bind.ip().is_loopback()
    {
        tracing::warn!(
            "limits.per_address is on but the server listens on loopback with no trusted proxy: \
             every client behind a local proxy or Tor shares one address and one limit"
        );
    }
}

pub async fn migrate() -> anyhow::Result<()> {
    init_logging();
    let settings = Settings::load()?;
    open_store(&settings).await?;
    eprintln!(
        "The database {} is up to date.",
        redact_url(&settings.database.url)
    );
    Ok(())
}
