//! The HTTP server: `Application::build` binds the listener (port 0 picks a free one, which tests
//! use) and assembles the app; `run` serves until a shutdown signal.

pub mod hardening;
pub mod limits;
pub mod middleware;
pub mod pow;
pub mod problem;
pub mod routes;

use std::net::TcpListener;
use std::sync::Arc;
use std::time::Duration;

use actix_web::dev::Server;
use actix_web::error::JsonPayloadError;
use actix_web::middleware::from_fn;
use actix_web::{web, App, HttpServer};

use crate::config::Settings;
use crate::crypto::pow::PowKey;
use crate::crypto::CiphertextLimits;
use crate::store::Store;
use limits::Limits;
use pow::PowService;
use problem::ApiError;

/// What every handler may reach.
pub struct AppState {
    pub store: Arc<dyn Store>,
    pub pow: PowService,
    pub limits: Arc<Limits>,
    pub ciphertext_limits: CiphertextLimits,
}

pub struct Application {
    port: u16,
    server: Server,
}

impl Application {
    /// Binds and assembles the server; it starts serving when [`Application::run`] is awaited.
    pub fn build(
        settings: &Settings,
        store: Arc<dyn Store>,
        pow_key: PowKey,
    ) -> std::io::Result<Self> {
        let listener = TcpListener::bind(settings.server.bind)?;
        let port = listener.local_addr()?.port();
        let limits = Arc::new(Limits::new(&settings.limits));
        limits::spawn_forgetting(limits.clone(), Duration::from_secs(60));
        let state = web::Data::new(AppState {
            store,
            pow: PowService::new(pow_key, settings.pow.clone()),
            limits,
            ciphertext_limits: CiphertextLimits {
                max_bytes: settings.intake.max_body_bytes,
                max_recipients: settings.intake.max_recipients,
            },
        });
        let body_limit = settings.intake.max_body_bytes;
        let time_limit = Duration::from_secs(settings.server.request_timeout_secs);
        let mut server = HttpServer::new(move || {
            App::new()
                .app_data(state.clone())
                .app_data(json_config(body_limit))
                .app_data(web::PayloadConfig::new(body_limit))
                .app_data(middleware::RequestTimeLimit(time_limit))
                .configure(routes::configure)
                .default_service(web::to(routes::not_found))
                .wrap(from_fn(middleware::allow_methods))
                .wrap(middleware::security_headers())
                .wrap(from_fn(middleware::log_request))
        })
        .client_request_timeout(time_limit)
        .client_disconnect_timeout(Duration::from_secs(5))
        .keep_alive(Duration::from_secs(settings.server.keep_alive_secs))
        .shutdown_timeout(10)
        .disable_signals();
        if settings.server.workers > 0 {
            server = server.workers(settings.server.workers);
        }
        let server = server.listen(listener)?.run();
        Ok(Self { port, server })
    }

    pub fn port(&self) -> u16 {
        self.port
    }

    /// Serves until SIGINT or SIGTERM, then finishes the requests in flight.
    pub async fn run(self) -> std::io::Result<()> {
        let handle = self.server.handle();
        actix_web::rt::spawn(async move {
            shutdown_signal().await;
            tracing::info!("shutting down");
            handle.stop(true).await;
        });
        self.server.await
    }
}

async fn shutdown_signal() {
    use tokio::signal::unix::{signal, SignalKind};
    match signal(SignalKind::terminate()) {
        Ok(mut term) => {
            tokio::select! {
                _ = term.recv() => {}
                _ = tokio::signal::ctrl_c() => {}
            }
        }
        Err(_) => {
            let _ = tokio::signal::ctrl_c().await;
        }
    }
}

/// JSON bodies: bounded, `application/json` only, and every failure a problem document.
fn json_config(limit: usize) -> web::JsonConfig {
    web::JsonConfig::default()
        .limit(limit)
        .content_type_required(true)
        .error_handler(move |err, _req| {
            let problem = match err {
                JsonPayloadError::OverflowKnownLength { .. }
                | JsonPayloadError::Overflow { .. } => ApiError::PayloadTooLarge(limit),
                JsonPayloadError::ContentType => ApiError::UnsupportedMediaType,
                JsonPayloadError::Deserialize(e) => {
                    ApiError::MalformedRequest(format!("the JSON body is not acceptable: {e}"))
                }
                _ => ApiError::MalformedRequest("the request body could not be read".to_owned()),
            };
            problem.into()
        })
}
