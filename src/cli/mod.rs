//! The `resguardo` command: one binary, a subcommand per role (design §7). Human output by
//! default, `--json` for scripts; errors are one clear line on stderr and a non-zero exit.

pub mod admin;
mod attach;
mod audit_log;
pub mod backup;
mod commands;
pub mod desk_keys;
mod evidence;
pub mod export;
pub mod keygen;
mod links;
pub mod partner;
mod questions;
pub mod referrals;
pub mod report;
pub mod retention;
pub mod serve;
pub mod signed_in;
pub mod statements;
mod stats;
pub mod terminal;
pub mod triage;
pub mod worker;

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};

pub use commands::{
    AdminCommand, AttachArgs, AuditCommand, DeskCommand, DeskKeyCommand, DirectoryCommand,
    PartnerAccess, PartnerCommand, ReportCommand, RetentionCommand, StatsCommand, WorkerCommand,
};

#[derive(Debug, Parser)]
#[command(
    name = "resguardo",
    version,
    about = "Zero-knowledge reporting for victims of extortion"
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Run the server (settings: config/default.toml, RESGUARDO_CONFIG, RESGUARDO__SECTION__KEY).
    Serve,
    /// Apply database migrations and exit.
    Migrate,
    /// Generate an age X25519 identity into a file with mode 0600 and print its recipient.
    Keygen {
        /// Where to write the identity.
        #[arg(long, short, default_value = "resguardo-identity.txt")]
        output: PathBuf,
        #[arg(long)]
        json: bool,
    },
    /// Print the safety number of a recipient (age1…), e.g. of a key made with `age-keygen`.
    SafetyNumber {
        /// The recipient, as `age-keygen -y` prints it.
        recipient: String,
        #[arg(long)]
        json: bool,
    },
    /// Administration on the server host (uses the server's configuration and database).
    Admin {
        #[command(subcommand)]
        command: AdminCommand,
    },
    /// Act as a reporter: submit a report, or follow one up with its receipt phrase.
    Report {
        #[command(subcommand)]
        command: ReportCommand,
    },
    /// Act as a case worker of a desk: enrol, log in and out, vet new accounts.
    Worker {
        #[command(subcommand)]
        command: WorkerCommand,
    },
    /// Manage your desk's key and partner directory (as a logged-in supervisor).
    Desk {
        #[command(subcommand)]
        command: DeskKeyCommand,
    },
    /// Statistics a desk can publish, and pooling desks' (docs/codebook.md).
    Stats {
        #[command(subcommand)]
        command: StatsCommand,
    },
    /// Act as a support partner: read the referrals made to you and answer them.
    Partner {
        #[command(flatten)]
        access: PartnerAccess,
        #[command(subcommand)]
        command: PartnerCommand,
    },
}

/// Parses the command line, runs the command and turns any error into one line and exit code 1.
pub fn main() -> ExitCode {
    let cli = Cli::parse();
    // Every subcommand may hold keys or plaintext in memory: none may end up in a core dump.
    crate::os::hardening::harden_process();
    let system = actix_web::rt::System::new();
    match system.block_on(run(cli)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e:#}");
            ExitCode::FAILURE
        }
    }
}

async fn run(cli: Cli) -> anyhow::Result<()> {
    match cli.command {
        Command::Serve => serve::serve().await,
        Command::Migrate => serve::migrate().await,
        Command::Keygen { output, json } => keygen::keygen(&output, json),
        Command::SafetyNumber { recipient, json } => keygen::safety_number(&recipient, json),
        Command::Admin {
            command: AdminCommand::Desk { command },
        } => admin::desk(command).await,
        Command::Admin {
            command: AdminCommand::Invite { desk, role, json },
        } => admin::invite(&desk, role, json).await,
        Command::Admin {
            command:
                AdminCommand::Disable {
                    desk,
                    username,
                    json,
                },
        } => admin::disable(&desk, &username, json).await,
        Command::Admin {
            command: AdminCommand::Purge { dry_run, json },
        } => admin::purge(dry_run, json).await,
        Command::Admin {
            command: AdminCommand::Export { desk, out, json },
        } => export::export(&desk, &out, json).await,
        Command::Admin {
            command: AdminCommand::Backup { out, json },
        } => backup::backup(&out, json).await,
        Command::Admin {
            command: AdminCommand::Restore { from, json },
        } => backup::restore(&from, json).await,
        Command::Admin {
            command:
                AdminCommand::Audit {
                    command: AuditCommand::Verify { json },
                },
        } => admin::verify_audit(json).await,
        Command::Report { command } => report::run(command).await,
        Command::Worker { command } => worker::run(command).await,
        Command::Desk {
            command: DeskKeyCommand::InitKey { json },
        } => desk_keys::init_key(json).await,
        Command::Desk {
            command: DeskKeyCommand::Statements { json },
        } => statements::show(json).await,
        Command::Desk {
            command:
                DeskKeyCommand::Audit {
                    actor,
                    action,
                    before,
                    limit,
                    json,
                },
        } => {
            let query = crate::protocol::audit::AuditQuery {
                actor,
                action,
                before,
                limit: Some(limit),
            };
            audit_log::desk(&query, json).await
        }
        Command::Desk {
            command: DeskKeyCommand::InitChain { json },
        } => statements::init_chain(json).await,
        Command::Desk {
            command: DeskKeyCommand::SealCases { json },
        } => triage::seal_cases(json).await,
        Command::Desk {
            command:
                DeskKeyCommand::RotateKey {
                    reencrypt_open,
                    json,
                },
        } => desk_keys::rotate_key(reencrypt_open, json).await,
        Command::Desk {
            command: DeskKeyCommand::ReencryptOpen { json },
        } => desk_keys::reencrypt_open(json).await,
        Command::Desk {
            command: DeskKeyCommand::LinkCases { json },
        } => links::link_cases(json).await,
        Command::Desk {
            command:
                DeskKeyCommand::ExportIndicators {
                    min_cases,
                    out,
                    json,
                },
        } => links::export_indicators(min_cases, out.as_deref(), json).await,
        Command::Desk {
            command: DeskKeyCommand::Partner { command },
        } => referrals::directory(command).await,
        Command::Desk {
            command: DeskKeyCommand::Retention { command },
        } => retention::run(command).await,
        Command::Partner { access, command } => partner::run(access, command).await,
        Command::Stats { command } => stats::run(command).await,
    }
}

/// Prints a value as one JSON document on stdout.
pub fn print_json(value: &serde_json::Value) {
    println!(
        "{}",
        serde_json::to_string_pretty(value).unwrap_or_default()
    );
}
