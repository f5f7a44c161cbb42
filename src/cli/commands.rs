//! The subcommands of each role, as clap reads them: their arguments, help texts and parsers.
//! `cli/mod.rs` holds the top of the tree and the dispatch.

use std::path::PathBuf;

use clap::Subcommand;

use crate::crypto::receipt::Language;
use crate::domain::ReportKind;

/// How a partner reaches its referrals: the server, its API token and its own identity.
#[derive(Debug, clap::Args)]
pub struct PartnerAccess {
    /// The server's address (as the desk told you).
    #[arg(long, global = true)]
    pub server: Option<String>,
    /// A file (mode 0600) holding the API token the desk gave you.
    #[arg(long, global = true)]
    pub token_file: Option<PathBuf>,
    /// Your age identity file (from `resguardo keygen`), mode 0600.
    #[arg(long, global = true)]
    pub identity: Option<PathBuf>,
    /// The desk root safety number, as the desk's supervisor gave it to you: pinned on this
    /// device the first time, checked every time after.
    #[arg(long, global = true)]
    pub desk_root: Option<String>,
    /// Also refuse to write to a desk key without this fingerprint (as the desk told you).
    #[arg(long, global = true)]
    pub desk_fingerprint: Option<String>,
}

#[derive(Debug, Subcommand)]
pub enum PartnerCommand {
    /// Print what the desk registers you with: your recipient, your signing key and the safety
    /// number over both, to read to the supervisor. Needs only --identity.
    Keys {
        #[arg(long)]
        json: bool,
    },
    /// Verify the desk's signed key statements from its root (pinned on this device with
    /// --desk-root the first time) and show the desk key your messages go to.
    Desk {
        #[arg(long)]
        json: bool,
    },
    /// List the referrals made to you.
    Inbox {
        #[arg(long)]
        json: bool,
    },
    /// Decrypt a referral on this device and show it with the answers so far.
    Show {
        id: String,
        #[arg(long)]
        json: bool,
    },
    /// Accept a referral.
    Accept { id: String },
    /// Decline a referral (the desk may route it to another partner).
    Decline { id: String },
    /// Close an accepted referral when your part is done.
    Close { id: String },
    /// The files a referral shares with you; with --out, download each, decrypt it on this
    /// device and check its SHA-256 (each download recorded in the desk's audit log).
    Attachments {
        id: String,
        /// Save the files in this directory (made if missing): files 0600, never overwritten.
        #[arg(long)]
        out: Option<PathBuf>,
        #[arg(long)]
        json: bool,
    },
    /// Write to the desk about a referral: the message is read from FILE, or from standard
    /// input with `-` (never from the command line, where shell history would keep it).
    Update {
        id: String,
        #[arg(long, value_name = "FILE")]
        message: PathBuf,
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
        /// The one-time code from your supervisor. Better left out: you are then asked for it
        /// without echo, while on the command line it stays in your shell's history and shows in
        /// the process list of everyone on this machine.
        #[arg(long)]
        code: Option<String>,
        /// The desk root safety number your supervisor gave you (8 groups of 4 hex digits): this
        /// device then trusts only the desk key statements signed from that root.
        #[arg(long)]
        desk_root: Option<String>,
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
        /// The desk root safety number your supervisor gave you (8 groups of 4 hex digits): this
        /// device then trusts only the desk key statements signed from that root.
        #[arg(long)]
        desk_root: Option<String>,
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
    /// Change your password: the current one and a code from your authenticator app, then the
    /// new one twice. Your key is re-wrapped on this device; every session ends.
    Password,
    /// (Supervisors) make a one-time enrolment code for a new account of your desk; give it to
    /// that person only. They enrol with it, then you vet them.
    Invite {
        #[arg(long, value_enum, default_value = "worker")]
        role: crate::domain::Role,
        #[arg(long)]
        json: bool,
    },
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
    /// Decrypt every report on this device and list the cases whose reporter wrote every word
    /// of QUERY (accents and case do not matter); the server never sees the query.
    Search {
        query: String,
        #[arg(long)]
        json: bool,
    },
    /// Decrypt a case on this device and show the report, the thread and the notes.
    Show {
        id: String,
        #[arg(long)]
        json: bool,
    },
    /// The files a case's report and the reporter's messages name; with --out, download each,
    /// decrypt it on this device and check its SHA-256 (each download audited).
    Attachments {
        id: String,
        /// Save the files in this directory (made if missing): files 0600, never overwritten.
        #[arg(long)]
        out: Option<PathBuf>,
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
    /// Rank the desk's partners against a case's needs, country and language (on this device).
    Partners {
        #[arg(long = "for", value_name = "ID")]
        case: String,
        #[arg(long)]
        json: bool,
    },
    /// Refer a case to a partner: shows exactly what will be sent, then encrypts it to the
    /// partner's and the desk's keys; the case becomes `referred`.
    Refer {
        id: String,
        /// The partner's name or id.
        #[arg(long)]
        partner: String,
        /// The report fields to send, and nothing else.
        #[arg(long, value_enum, value_delimiter = ',', required = true)]
        fields: Vec<crate::domain::ReferralField>,
        /// Refer although the reporter did not consent (needs --reason; recorded in the audit log).
        #[arg(long, requires = "reason")]
        override_consent: bool,
        /// Why consent is overridden; encrypted to the desk key before it leaves this device.
        #[arg(long, requires = "override_consent")]
        reason: Option<String>,
        /// Delete the partner's copy from the server after this many days (1–365).
        #[arg(long)]
        expires_days: Option<u32>,
        /// Share these files of the case with the partner, by their numbers in `worker
        /// attachments` (repeat, or separate with commas): their keys go inside the referral.
        #[arg(long = "attach", value_name = "N", value_delimiter = ',')]
        attach: Vec<usize>,
        /// Send without asking for confirmation.
        #[arg(long)]
        yes: bool,
        #[arg(long)]
        json: bool,
    },
    /// The case's trail from the desk's audit log, oldest first: who opened, changed, referred or
    /// answered it, and when (to the hour).
    Trail {
        id: String,
        #[arg(long)]
        json: bool,
    },
    /// Write to the partner a case was referred to: the message is read from FILE, or from
    /// standard input with `-`, signed by your account and encrypted to the partner and the desk.
    WritePartner {
        id: String,
        /// The partner's name or id.
        #[arg(long)]
        partner: String,
        #[arg(long, value_name = "FILE")]
        message: PathBuf,
    },
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
    /// The desk's signed key statements, verified on this device from the desk root it trusts
    /// (docs/protocol.md §10): who vetted whom, which desk key is current, which partners.
    Statements {
        #[arg(long)]
        json: bool,
    },
    /// (Supervisors) the desk's audit log, newest first: who did what to which case, referral or
    /// account, and when (to the hour).
    Audit {
        /// Only entries by this actor (a user name, `admin`, `server` or `partner:<id>`).
        #[arg(long)]
        actor: Option<String>,
        /// Only entries of this action, e.g. `case.open`.
        #[arg(long)]
        action: Option<String>,
        /// Only entries before this number (the next page).
        #[arg(long)]
        before: Option<i64>,
        /// At most this many entries (1–1000).
        #[arg(long, default_value_t = 100)]
        limit: i64,
        #[arg(long)]
        json: bool,
    },
    /// (Supervisors) sign what a desk made before signed key statements already holds: this
    /// account as the desk root, the current desk key, and each vetted account whose account
    /// number you compare with the person's own screen. Under a policy of two approvals, a
    /// second supervisor runs it too.
    InitChain {
        #[arg(long)]
        json: bool,
    },
    /// Seal every open case that has no seal yet (any vetted account; a supervisor, once, after
    /// the upgrade that brought case seals): until then, replies to a case that has replies but
    /// no seal are refused.
    SealCases {
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
    /// Store the match tokens of every case this device opens, so that cases naming the same
    /// phone number, account, handle or wallet are linked: once after upgrading, and after a key
    /// rotation (tokens of an older key link nothing new). Only tokens leave this device.
    LinkCases {
        #[arg(long)]
        json: bool,
    },
    /// (Supervisors) the phone numbers, accounts, handles and wallets that at least N cases
    /// name, decrypted on this device, as CSV for a bank's or a telecom's fraud team (audited as
    /// `links.export`).
    ExportIndicators {
        /// Only indicators named by at least this many cases (2 or more).
        #[arg(long, default_value_t = 2)]
        min_cases: u32,
        /// Write the CSV to this new file (mode 0600) instead of printing it.
        #[arg(long)]
        out: Option<std::path::PathBuf>,
        #[arg(long)]
        json: bool,
    },
    /// The desk's directory of support partners (add, disable, new token: supervisors).
    Partner {
        #[command(subcommand)]
        command: DirectoryCommand,
    },
    /// How long the server keeps the desk's cases (set: supervisors).
    Retention {
        #[command(subcommand)]
        command: RetentionCommand,
    },
}

#[derive(Debug, Subcommand)]
pub enum RetentionCommand {
    /// Show the policy in force and where it comes from.
    Show {
        #[arg(long)]
        json: bool,
    },
    /// (Supervisors) set the desk's own policy, in days; 0 keeps forever. Rules not given keep
    /// their current value. Takes effect at the server's next purge.
    Set {
        /// Closed cases are deleted this many days after they were closed.
        #[arg(long)]
        closed_days: Option<u32>,
        /// Cases marked spam are deleted this many days after being marked.
        #[arg(long)]
        spam_days: Option<u32>,
        /// Reports nobody triaged (still new) are deleted this many days after they arrived.
        #[arg(long)]
        untriaged_days: Option<u32>,
        #[arg(long)]
        json: bool,
    },
}

#[derive(Debug, Subcommand)]
pub enum DirectoryCommand {
    /// Register a partner after comparing its safety number; prints its API token once.
    Add {
        #[arg(long)]
        name: String,
        #[arg(long, value_delimiter = ',', required = true, value_parser = parse_service)]
        services: Vec<crate::domain::Service>,
        /// ISO 3166-1 alpha-2 codes, e.g. GT,HN,SV.
        #[arg(long, value_delimiter = ',', required = true, value_parser = parse_country)]
        countries: Vec<crate::domain::Country>,
        #[arg(long, value_enum, value_delimiter = ',', required = true)]
        languages: Vec<Language>,
        /// The partner's age recipient (age1…), as `resguardo partner keys` printed it on the
        /// partner's own machine.
        #[arg(long)]
        recipient: String,
        /// The key the partner signs its answers with (base64), as `resguardo partner keys`
        /// printed it there.
        #[arg(long)]
        signing_key: String,
        /// How the desk reaches the partner.
        #[arg(long)]
        contact: String,
        /// An https address the server tells of each new referral (by id only, HMAC-signed).
        #[arg(long)]
        webhook: Option<String>,
        #[arg(long)]
        json: bool,
    },
    List {
        #[arg(long)]
        json: bool,
    },
    /// Sign the answer-signing key of a partner registered before partners had one, after
    /// comparing its safety number: from then on its answers show as signed or not.
    SignKey {
        partner: String,
        /// The key as `resguardo partner keys` printed it on the partner's machine (base64).
        #[arg(long)]
        signing_key: String,
    },
    /// Disable a partner: its token stops working at once.
    Disable { partner: String },
    /// Give a partner a new API token (printed once); the old one stops working at once.
    RotateToken {
        partner: String,
        #[arg(long)]
        json: bool,
    },
}

fn parse_service(text: &str) -> Result<crate::domain::Service, String> {
    text.parse().map_err(|_| {
        format!(
            "{text:?} is not a service: legal, psychosocial, digital_security, shelter, medical, \
             financial, law_enforcement"
        )
    })
}

fn parse_country(text: &str) -> Result<crate::domain::Country, String> {
    text.parse()
        .map_err(|_| format!("{text:?} is not a two-letter country code (ISO 3166-1)"))
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
    /// Delete the cases that the desks' retention policies say are due (the server also does
    /// this every retention.interval_secs), and the partner copies of expired referrals.
    Purge {
        /// Only count what would be deleted.
        #[arg(long)]
        dry_run: bool,
        #[arg(long)]
        json: bool,
    },
    /// Write a desk's reports and reporter messages, still encrypted, as `.age` files into a new
    /// directory, for a desk whose key is kept outside Resguardo: decrypt them with `age -d`.
    Export {
        #[arg(long)]
        desk: String,
        /// A new or empty directory (created with mode 0700; files 0600).
        #[arg(long)]
        out: PathBuf,
        #[arg(long)]
        json: bool,
    },
    /// (SQLite) write a consistent copy of the database to a new file while the server runs.
    /// For PostgreSQL use pg_dump (docs/operations.md).
    Backup {
        /// The new file (mode 0600); it must not exist yet.
        #[arg(long)]
        out: PathBuf,
        #[arg(long)]
        json: bool,
    },
    /// (SQLite) restore the database from a backup, with the server stopped. The configured
    /// database must not exist: move it aside first.
    Restore {
        /// A file written by `admin backup`.
        #[arg(long)]
        from: PathBuf,
        #[arg(long)]
        json: bool,
    },
    /// Disable an account of a desk: its sessions end at once and it can no longer log in. Where
    /// two approvals are required, this is how a supervisor is disabled. Rotate the desk key next.
    Disable {
        #[arg(long)]
        desk: String,
        #[arg(long)]
        username: String,
        #[arg(long)]
        json: bool,
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
        /// Language of the questions, the answers' words and the receipt phrase's words: a
        /// built-in catalogue's code (es, en, fr, or one added under locales/).
        #[arg(long, default_value = "es")]
        lang: String,
        /// A JSON report instead of the interactive questions: the fields of docs/protocol.md §2
        /// ("kind", "narrative", "country", "needs", "consent_referral", "safe_contact", "when",
        /// "indicators", "consent_statistics"), values spelled as there (e.g. "phone_extortion").
        #[arg(long)]
        file: Option<PathBuf>,
        /// For the interactive questions: the kind of incident.
        #[arg(long, value_enum)]
        kind: Option<ReportKind>,
        /// Refuse to encrypt unless the desk's key has this fingerprint (as the desk publishes it
        /// elsewhere: a poster, a leaflet, a trusted contact).
        #[arg(long, conflicts_with = "desk_root")]
        desk_fingerprint: Option<String>,
        /// The desk root's safety number, as the desk publishes it: the desk's signed key
        /// statements are verified from it, and only the newest key they sign is used.
        #[arg(long)]
        desk_root: Option<String>,
        #[command(flatten)]
        attach: AttachArgs,
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
        /// The language of what is shown and asked (the phrase may be in any).
        #[arg(long, default_value = "es")]
        lang: String,
        /// Refuse to encrypt a message unless the desk's key has this fingerprint.
        #[arg(long, conflicts_with = "desk_root")]
        desk_fingerprint: Option<String>,
        /// Encrypt a message only to the newest key the desk's statements sign, verified from
        /// the desk root's safety number.
        #[arg(long)]
        desk_root: Option<String>,
        /// Files to send with a message (implies --write).
        #[command(flatten)]
        attach: AttachArgs,
        #[arg(long)]
        json: bool,
    },
}

/// Files attached to a report or a message (docs/protocol.md §12).
#[derive(Debug, Clone, clap::Args)]
pub struct AttachArgs {
    /// Attach this file (repeat for several), encrypted here to a key of its own. Photos (JPEG,
    /// PNG, WebP) lose their place, time, device and author details first; any other file may
    /// reveal them, and is sent only if you agree.
    #[arg(long = "attach", value_name = "FILE")]
    pub files: Vec<PathBuf>,
    /// Send files that cannot be cleaned as they are, without asking.
    #[arg(long)]
    pub send_as_is: bool,
    /// Also send the untouched original of each cleaned photo, as evidence (with its details).
    #[arg(long)]
    pub keep_original: bool,
    /// Send each file's name too. Names often tell when and on what phone a picture was taken
    /// (`IMG_20240312_143055.jpg`), so by default the desk sees only the file's type.
    #[arg(long)]
    pub keep_names: bool,
}

/// A codebook facet (docs/codebook.md) as a command-line argument.
fn facet(name: &str) -> Result<crate::protocol::stats::Facet, String> {
    use crate::protocol::stats::Facet;
    Facet::parse(name).ok_or_else(|| {
        let names: Vec<&str> = Facet::ALL.iter().map(|f| f.name()).collect();
        format!("not a facet of the codebook; one of {}", names.join(", "))
    })
}

fn period(name: &str) -> Result<crate::protocol::stats::Period, String> {
    crate::protocol::stats::Period::parse(name)
        .ok_or_else(|| "one of quarter, year, all".to_owned())
}

#[derive(Debug, Subcommand)]
pub enum StatsCommand {
    /// (Supervisors) count the desk's cases whose reporter consented, by two facets of the
    /// codebook and by period, on this device; publish them with small cells suppressed, as
    /// JSON, CSV and an SVG chart in a new directory.
    Table {
        /// The facet of the rows (docs/codebook.md), e.g. `kind`.
        #[arg(long, value_parser = facet)]
        rows: crate::protocol::stats::Facet,
        /// The facet of the columns, e.g. `country`.
        #[arg(long, value_parser = facet)]
        cols: crate::protocol::stats::Facet,
        /// The finest period: quarter, year or all (coarser if most cells would be suppressed).
        #[arg(long, value_parser = period, default_value = "quarter")]
        period: crate::protocol::stats::Period,
        /// The smallest count shown (at least 5).
        #[arg(long, default_value_t = crate::protocol::stats::DEFAULT_K,
              value_parser = clap::value_parser!(u64).range(5..))]
        k: u64,
        /// A new directory for stats.json, stats.csv and stats.svg.
        #[arg(long)]
        out: PathBuf,
        #[arg(long)]
        json: bool,
    },
    /// Add up several desks' stats.json of the same codebook, facets and period, suppress the
    /// sums again, and write the pooled files to a new directory. Works offline.
    Merge {
        /// The stats.json files to pool.
        #[arg(required = true)]
        files: Vec<PathBuf>,
        /// The smallest count shown (at least 5, and at least each input's).
        #[arg(long, default_value_t = crate::protocol::stats::DEFAULT_K,
              value_parser = clap::value_parser!(u64).range(5..))]
        k: u64,
        #[arg(long)]
        out: PathBuf,
        #[arg(long)]
        json: bool,
    },
}
