//! The integration suite: one test binary (one link) with a module per concern. Every test that
//! touches storage runs on SQLite and on PostgreSQL through `on_both_backends!`.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod harness;

/// Declares `NAME::sqlite` and `NAME::postgres` tests that run `async fn NAME(Backend)`.
macro_rules! on_both_backends {
    ($($name:ident),* $(,)?) => {$(
        mod $name {
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn sqlite() {
                super::$name($crate::harness::Backend::Sqlite).await
            }
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn postgres() {
                super::$name($crate::harness::Backend::Postgres).await
            }
        }
    )*};
}
pub(crate) use on_both_backends;

mod access;
mod architecture;
mod attach_big;
mod attach_browser;
mod attach_cli;
mod attachments;
mod audit;
mod backup;
mod bad_inputs;
mod browser;
mod canary;
mod case_vectors;
mod checkpoints;
mod cli;
mod conformance;
mod crash;
mod dashboard;
mod dashboard_case;
mod dashboard_enrol;
mod dashboard_hostile;
mod dashboard_links;
mod dashboard_scene;
mod dashboard_team;
mod deploy;
mod docs;
mod evidence;
mod export;
mod fail_closed;
mod faults;
mod flow;
mod grant_vectors;
mod hardening;
mod http;
mod inbox;
mod inbox_bench;
mod interop;
mod lifecycle;
mod links;
mod lying_keys;
mod lying_server;
mod message_vectors;
mod metrics;
mod notices;
mod offline_guessing;
mod onion;
mod pages;
mod partner_answers;
mod partners;
mod public_chain;
mod referral_vectors;
mod retention;
mod rotation;
mod s3;
mod schemathesis;
mod sealed_vectors;
mod search_vectors;
mod statement_vectors;
mod stats;
mod tor;
mod translations;
mod triage;
mod upgrade;
mod vectors;
mod vetting;
mod web;
mod workers;
