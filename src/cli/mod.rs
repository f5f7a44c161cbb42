//! The `resguardo` command: one binary, a subcommand per role (design §7). Human output by
//! default, `--json` for scripts; errors are one clear line on stderr and a non-zero exit.

pub mod admin;
pub mod files;
pub mod keygen;
pub mod report;
pub mod serve;
pub mod terminal;
pub mod triage;
pub mod worker;

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};

use crate::client::report_form::Kind;
use crate::crypto::receipt::Language;

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
    /// Manage your desk's key (as a logged-in supervisor).
    Desk {
        #[command(subcommand)]
        command: DeskKeyCommand,
    },
}

#[derive(Debug, Subcommand)]
pub enum WorkerCommand {
    /// Create your account with the one-time code your supervisor gave you: choose a user name
    /// and password, set up your authenticator app. The account waits for vetting.
    Enrol {
        #[arg(long)]
        server: String,
        #[arg(long)]
        desk: String,
        #[arg(long)]
        code: String,
        #[arg(long)]
        json: bool,
    },
    /// Log in with your password and a code from your authenticator app.
    Login {
        #[arg(long)]
        server: String,
        #[arg(long)]
        desk: String,
        #[arg(long)]
        username: String,
        #[arg(long)]
        json: bool,
    },
    /// Show who you are logged in as.
    Whoami {
        #[arg(long)]
        json: bool,
    },
    /// End your session; its token stops working at once.
    Logout,
    /// (Supervisors) list accounts waiting for vetting, with their safety numbers.
    Pending {
        #[arg(long)]
        json: bool,
    },
    /// (Supervisors) vet an account: type the safety number from its owner's screen; the desk key
    /// is then encrypted to its key on this device.
    Vet { username: String },
    /// (Supervisors) disable an account: its sessions end at once; rotate the desk key next.
    Disable { username: String },
    /// List the desk's cases (metadata only).
    Inbox {
        #[arg(long, value_parser = parse_status)]
        status: Option<crate::domain::Status>,
        /// Only cases assigned to you.
        #[arg(long)]
        mine: bool,
        #[arg(long)]
        json: bool,
    },
    /// Decrypt a case on this device and show the report, the thread and the notes.
    Show {
        id: String,
        #[arg(long)]
        json: bool,
    },
    /// Assign a case to an account of the desk (`-` to unassign).
    Assign { id: String, username: String },
    /// Move a case to new, in_review, referred, closed or spam.
    Status {
        id: String,
        #[arg(value_parser = parse_status)]
        status: crate::domain::Status,
    },
    /// Write a note only the desk can read (typed at the terminal, or from standard input).
    Note { id: String },
    /// Reply to the reporter (typed at the terminal, or from standard input).
    Reply { id: String },
}

fn parse_status(text: &str) -> Result<crate::domain::Status, String> {
    text.parse()
        .map_err(|e: crate::domain::BadStatus| e.to_string())
}

#[derive(Debug, Subcommand)]
pub enum DeskKeyCommand {
    /// (The desk's first supervisor) make the desk key on this device and keep its grant.
    InitKey {
        #[arg(long)]
        json: bool,
    },
    /// (Supervisors) make a new desk key, granted to the vetted accounts only; after disabling
    /// someone, so that new reports are closed to them.
    RotateKey {
        /// Then re-encrypt every open case (new, in review, referred) to the new key, so that
        /// accounts left out cannot read them either.
        #[arg(long)]
        reencrypt_open: bool,
        #[arg(long)]
        json: bool,
    },
    /// (Supervisors) re-encrypt every open case to the current desk key; safe to run again after
    /// an interrupted run.
    ReencryptOpen {
        #[arg(long)]
        json: bool,
    },
}

#[derive(Debug, Subcommand)]
pub enum AdminCommand {
    /// Manage desks.
    Desk {
        #[command(subcommand)]
        command: DeskCommand,
    },
    /// Check the audit log's hash chain; exit 1 and name the first changed, deleted or reordered
    /// entry.
    Audit {
        #[command(subcommand)]
        command: AuditCommand,
    },
    /// Print a one-time enrolment code for a new case worker or supervisor of a desk.
    Invite {
        #[arg(long)]
        desk: String,
        #[arg(long, value_enum)]
        role: crate::domain::Role,
        #[arg(long)]
        json: bool,
    },
}

#[derive(Debug, Subcommand)]
pub enum AuditCommand {
    /// Verify the whole chain.
    Verify {
        #[arg(long)]
        json: bool,
    },
}

#[derive(Debug, Subcommand)]
pub enum DeskCommand {
    /// Create a desk and print the enrolment code of its first supervisor.
    Create {
        #[arg(long)]
        slug: String,
        #[arg(long)]
        name: String,
        /// Only for desks whose key is kept outside Resguardo (age1…, from `resguardo keygen`).
        /// Without it, the desk's first supervisor makes the key: a one-time code is printed.
        #[arg(long)]
        recipient: Option<String>,
        #[arg(long)]
        json: bool,
    },
    /// List desks.
    List {
        #[arg(long)]
        json: bool,
    },
}

#[derive(Debug, Subcommand)]
pub enum ReportCommand {
    /// Submit a report, encrypted here to the desk's key; prints the receipt phrase.
    Submit {
        /// The server, e.g. http://127.0.0.1:8080
        #[arg(long)]
        server: String,
        /// The desk's short name.
        #[arg(long)]
        desk: String,
        /// Language of the receipt phrase's words.
        #[arg(long, value_enum, default_value = "es")]
        lang: Language,
        /// A JSON report ({"kind", "narrative", "country", "needs", "consent_referral", "safe_contact"})
        /// instead of the interactive questions.
        #[arg(long)]
        file: Option<PathBuf>,
        /// For the interactive questions: the kind of incident.
        #[arg(long, value_enum)]
        kind: Option<Kind>,
        /// Refuse to encrypt unless the desk's key has this fingerprint (as the desk publishes it
        /// elsewhere: a poster, a leaflet, a trusted contact).
        #[arg(long)]
        desk_fingerprint: Option<String>,
        #[arg(long)]
        json: bool,
    },
    /// Read a report's status and replies with its receipt phrase (asked without echo, or read
    /// from the first line of standard input), and optionally write to the desk.
    Followup {
        #[arg(long)]
        server: String,
        /// After showing the case, write a message to the desk: typed at the terminal, or the rest
        /// of standard input. (Never on the command line, where shell history would keep it.)
        #[arg(long)]
        write: bool,
        /// Refuse to encrypt a message unless the desk's key has this fingerprint.
        #[arg(long)]
        desk_fingerprint: Option<String>,
        #[arg(long)]
        json: bool,
    },
}

/// Parses the command line, runs the command and turns any error into one line and exit code 1.
pub fn main() -> ExitCode {
    let cli = Cli::parse();
    // Every subcommand may hold keys or plaintext in memory: none may end up in a core dump.
    crate::server::hardening::harden_process();
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
        Command::Admin {
            command: AdminCommand::Desk { command },
        } => admin::desk(command).await,
        Command::Admin {
            command: AdminCommand::Invite { desk, role, json },
        } => admin::invite(&desk, role, json).await,
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
        } => worker::init_key(json).await,
        Command::Desk {
            command:
                DeskKeyCommand::RotateKey {
                    reencrypt_open,
                    json,
                },
        } => worker::rotate_key(reencrypt_open, json).await,
        Command::Desk {
            command: DeskKeyCommand::ReencryptOpen { json },
        } => worker::reencrypt_open(json).await,
    }
}

/// Prints a value as one JSON document on stdout.
pub fn print_json(value: &serde_json::Value) {
    println!(
        "{}",
        serde_json::to_string_pretty(value).unwrap_or_default()
    );
}
