//! The real server, started as the real binary on a random port, against SQLite or PostgreSQL.
//! Every test gets a fresh data directory and, on PostgreSQL, a fresh database.
#![allow(dead_code)]

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::{mpsc, Arc, Mutex};
use std::time::Duration;

use resguardo::domain::ReportId;
use resguardo::store::{
    Database, Intake, IntakeOutcome, Message, MessageOutcome, NewMessage, NewReport, Outcome,
    SpentChallenge, StoredReport, Write,
};

pub const BIN: &str = env!("CARGO_BIN_EXE_resguardo");

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

/// The PostgreSQL server tests use; without RESGUARDO_TEST_PG, the local default.
pub fn pg_admin_url() -> String {
    std::env::var("RESGUARDO_TEST_PG")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/postgres".into())
}

/// In CI (or with RESGUARDO_STRICT) nothing may skip: PostgreSQL and the `age` CLI are required.
pub fn strict() -> bool {
    std::env::var_os("CI").is_some() || std::env::var_os("RESGUARDO_STRICT").is_some()
}

/// Whether `program arg` runs here; in CI a missing tool fails the test, naming the Debian
/// package that brings it, and elsewhere the test says it skipped.
pub fn tool_available(program: &str, arg: &str, package: &str) -> bool {
    let found = std::process::Command::new(program)
        .arg(arg)
        .output()
        .is_ok();
    assert!(
        found || !strict(),
        "{program} is required in CI (apt-get install {package})"
    );
    if !found {
        skipped(&format!("{program} is not installed"));
    }
    found
}

/// Says, where a person running the suite sees it, that a check did not run. Written straight to
/// the process's standard error, past the test harness's capture (which would hide it behind an
/// `ok`), so each skip shows up in the output as a line of its own: `SKIPPED: <what>`.
pub fn skipped(what: &str) {
    use std::io::Write;
    let test = std::thread::current().name().unwrap_or("a test").to_owned();
    let _ = writeln!(std::io::stderr().lock(), "SKIPPED in {test}: {what}");
}

/// Creates a fresh database; `None` (skip) only when PostgreSQL is down and not required.
pub async fn fresh_pg_database() -> Option<String> {
    use sqlx::Connection;
    let admin = pg_admin_url();
    let mut conn = match sqlx::PgConnection::connect(&admin).await {
        Ok(conn) => conn,
        Err(e) if !strict() => {
            skipped(&format!("PostgreSQL is unreachable at {admin}: {e}"));
            return None;
        }
        Err(e) => panic!("PostgreSQL is required (CI is set) but unreachable at {admin}: {e}"),
    };
    let name = format!("resguardo_t_{}", resguardo::domain::ReportId::random());
    sqlx::query(&format!("CREATE DATABASE {name}"))
        .execute(&mut conn)
        .await
        .unwrap();
    let base = admin.rsplit_once('/').unwrap().0;
    Some(format!("{base}/{name}"))
}

/// Stores `report` the one way intake does: committed with a challenge of its own.
pub async fn commit_report(db: &Database, report: &NewReport) -> IntakeOutcome {
    let intake = Intake {
        spend: SpentChallenge {
            digest: rand::random(),
            expires_at: i64::MAX / 2,
        },
        report: Some(report.clone()),
    };
    match db.intake().commit(&[Write::Intake(intake)]).await.unwrap()[..] {
        [Outcome::Intake(outcome)] => outcome,
        ref other => panic!("one intake outcome expected, got {other:?}"),
    }
}

/// The report `id` in whichever desk holds it, read through that desk's capability.
pub async fn find_report(db: &Database, id: &ReportId) -> Option<StoredReport> {
    for listing in db.maintenance().desks().await.unwrap() {
        if let Some(case) = db.desk(&listing.slug).case(id).await.unwrap() {
            return Some(case.report);
        }
    }
    None
}

/// How many reports the store holds, across desks: read as the server host.
pub async fn count_reports(db: &Database) -> usize {
    let mut count = 0;
    for listing in db.maintenance().desks().await.unwrap() {
        count += db.desk(&listing.slug).cases().await.unwrap().len();
    }
    count
}

/// The thread of report `id` in whichever desk holds it (empty when none does).
pub async fn find_thread(db: &Database, id: &ReportId) -> Vec<Message> {
    match find_report(db, id).await {
        Some(report) => db.desk(&report.desk).messages(id).await.unwrap(),
        None => vec![],
    }
}

/// Appends `message` the one way follow-up and replies do: through a commit.
pub async fn commit_message(db: &Database, message: NewMessage) -> MessageOutcome {
    match db
        .intake()
        .commit(&[Write::Message(message)])
        .await
        .unwrap()[..]
    {
        [Outcome::Message(outcome)] => outcome,
        ref other => panic!("one message outcome expected, got {other:?}"),
    }
}

/// A fresh store opened through the library, for tests below the HTTP layer.
pub async fn fresh_store(backend: Backend, dir: &Path) -> Option<(Database, String)> {
    let url = match backend {
        Backend::Sqlite => format!("sqlite://{}", dir.join("store.db").display()),
        Backend::Postgres => fresh_pg_database().await?,
    };
    Some((resguardo::store::open(&url, 4).await.unwrap(), url))
}

pub struct TestServer {
    pub backend: Backend,
    pub dir: tempfile::TempDir,
    pub db_url: String,
    pub url: String,
    /// The metrics listener, `http://127.0.0.1:PORT` (on a random port of its own).
    pub metrics_url: String,
    /// The desk dashboard's listener, when `desk.bind` was set; else empty.
    pub desk_url: String,
    env: Vec<(String, String)>,
    child: Option<Child>,
    log: Arc<Mutex<String>>,
}

impl TestServer {
    /// Starts a server, or `None` when the backend is unavailable and may be skipped.
    pub async fn start(backend: Backend) -> Option<Self> {
        Self::start_with(backend, &[]).await
    }

    pub async fn start_with(backend: Backend, extra: &[(&str, &str)]) -> Option<Self> {
        let dir = tempfile::tempdir().unwrap();
        let db_url = match backend {
            Backend::Sqlite => format!(
                "sqlite://{}",
                dir.path().join("data/resguardo.db").display()
            ),
            Backend::Postgres => fresh_pg_database().await?,
        };
        let key_file = dir.path().join("data/server.key").display().to_string();
        let blobs = dir.path().join("data/blobs").display().to_string();
        let mut env: Vec<(String, String)> = vec![];
        let defaults = [
            ("RESGUARDO__DATABASE__URL", db_url.as_str()),
            ("RESGUARDO__SECRETS__SERVER_KEY_FILE", key_file.as_str()),
            ("RESGUARDO__ATTACHMENTS__DIR", blobs.as_str()),
            ("RESGUARDO__SERVER__BIND", "127.0.0.1:0"),
            ("RESGUARDO__METRICS__BIND", "127.0.0.1:0"),
            ("RESGUARDO__SERVER__WORKERS", "2"),
            ("RESGUARDO__POW__DIFFICULTY", "4"),
            ("RESGUARDO__LIMITS__INTAKE_GLOBAL_PER_MINUTE", "100000"),
            ("RESGUARDO__LIMITS__INTAKE_PER_ADDRESS_PER_MINUTE", "100000"),
            ("RESGUARDO__LIMITS__FOLLOWUP_GLOBAL_PER_MINUTE", "100000"),
            ("RESGUARDO__LIMITS__LOGIN_GLOBAL_PER_MINUTE", "100000"),
            ("RESGUARDO__LIMITS__LOGIN_PER_ADDRESS_PER_MINUTE", "100000"),
            (
                "RESGUARDO__LIMITS__FOLLOWUP_PER_ADDRESS_PER_MINUTE",
                "100000",
            ),
        ];
        for (k, v) in defaults.iter().chain(extra.iter()) {
            env.retain(|(key, _)| key != k);
            env.push((k.to_string(), v.to_string()));
        }
        let mut server = Self {
            backend,
            dir,
            db_url,
            url: String::new(),
            metrics_url: String::new(),
            desk_url: String::new(),
            env,
            child: None,
            log: Arc::new(Mutex::new(String::new())),
        };
        server.spawn();
        Some(server)
    }

    /// The server process's id, to read its memory from /proc.
    pub fn pid(&self) -> u32 {
        self.child.as_ref().expect("the server runs").id()
    }

    /// A second server process on this one's database and secrets, as a second instance behind
    /// a load balancer would be (on a port of its own).
    pub fn another_instance(&self) -> TestServer {
        let mut other = TestServer {
            backend: self.backend,
            dir: tempfile::tempdir().unwrap(),
            db_url: self.db_url.clone(),
            url: String::new(),
            metrics_url: String::new(),
            desk_url: String::new(),
            env: self.env.clone(),
            child: None,
            log: Arc::new(Mutex::new(String::new())),
        };
        other.spawn();
        other
    }

    /// A command of `username`'s terminal, with the session `worker login` would have saved for
    /// `login` in a home of its own (`RESGUARDO_HOME`), and the desk root `root` (the identity
    /// of the desk's first supervisor) pinned as `--desk-root` would have pinned it.
    pub fn terminal_of(
        &self,
        desk: &str,
        username: &str,
        login: &resguardo::client::worker::Login,
        root: &age::x25519::Identity,
    ) -> impl Fn(&[&str]) -> Command + '_ {
        let home = self.dir.path().join(format!("{username}@{desk}"));
        let session = serde_json::json!({
            "server": self.url, "desk": desk, "username": username, "token": login.session.token,
            "expires_at": login.session.expires_at,
            "wrapped_identity": login.session.wrapped_identity,
            "unlock_share": login.session.unlock_share,
        });
        resguardo::os::files::write_private(
            &home.join("session.json"),
            session.to_string().as_bytes(),
        )
        .unwrap();
        let root = crate::workers::root_pins(root).root;
        let trust = serde_json::json!({"v": 1, "desks": {
            format!("{}|{desk}", self.url): {"root": root.as_str(), "head": null}}});
        resguardo::os::files::write_private(&home.join("trust.json"), trust.to_string().as_bytes())
            .unwrap();
        move |args| {
            let mut cmd = self.command();
            cmd.env("RESGUARDO_HOME", &home).args(args);
            cmd
        }
    }

    /// A command running the binary with this server's configuration, in its directory.
    pub fn command(&self) -> Command {
        self.command_under(BIN, &[])
    }

    /// The same, but as `program args… BIN …` (strace, say), with this server's configuration.
    pub fn command_under(&self, program: &str, args: &[&str]) -> Command {
        let mut cmd = Command::new(program);
        if program != BIN {
            cmd.args(args).arg(BIN);
        }
        cmd.current_dir(self.dir.path());
        cmd.env_clear();
        cmd.env("PATH", std::env::var("PATH").unwrap_or_default());
        for (k, v) in &self.env {
            cmd.env(k, v);
        }
        cmd
    }

    fn spawn(&mut self) {
        self.spawn_under(BIN, &[]);
    }

    /// Restarts the server as `program args… BIN serve` (under strace, say), on a new port.
    pub fn restart_under(&mut self, program: &str, args: &[&str]) {
        self.kill9();
        self.spawn_under(program, args);
    }

    fn spawn_under(&mut self, program: &str, args: &[&str]) {
        use std::os::unix::process::CommandExt;
        // A process group of its own, so that stopping it reaches every process it started: a
        // SIGKILLed strace, say, detaches from the server it traced and leaves it running.
        let mut child = self
            .command_under(program, args)
            .process_group(0)
            .arg("serve")
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let (tx, rx) = mpsc::channel();
        collect(child.stderr.take().unwrap(), self.log.clone(), Some(tx));
        collect(child.stdout.take().unwrap(), self.log.clone(), None);
        let (port, metrics, desk) = rx
            .recv_timeout(Duration::from_secs(60))
            .unwrap_or_else(|_| panic!("server did not start; output:\n{}", self.logs()));
        self.url = format!("http://127.0.0.1:{port}");
        let local = |port: Option<u16>| port.map(|p| format!("http://127.0.0.1:{p}"));
        self.metrics_url = local(metrics).unwrap_or_default();
        self.desk_url = local(desk).unwrap_or_default();
        self.child = Some(child);
    }

    /// Everything the server printed so far, on stdout and stderr.
    pub fn logs(&self) -> String {
        self.log.lock().unwrap().clone()
    }

    /// SIGKILL to the server's whole process group: no shutdown, no flush, nothing left behind.
    pub fn kill9(&mut self) {
        if let Some(mut child) = self.child.take() {
            let group = format!("-{}", child.id());
            let _ = Command::new("kill").args(["-KILL", "--", &group]).status();
            let _ = child.kill();
            child.wait().unwrap();
        }
    }

    /// SIGTERM, then wait for the process to finish its requests and exit.
    pub fn stop(&mut self) {
        if let Some(mut child) = self.child.take() {
            let _ = Command::new("kill").arg(child.id().to_string()).status();
            child.wait().unwrap();
            // Anything the server left in its group goes too.
            let group = format!("-{}", child.id());
            let _ = Command::new("kill").args(["-KILL", "--", &group]).output();
        }
    }

    pub fn restart(&mut self) {
        self.kill9();
        self.spawn();
    }

    /// Opens the same database through the library, as another server instance would.
    /// Runs one statement directly against the server's database, as an insider with access (or
    /// a dishonest operator) would.
    pub async fn tamper(&self, sql: &str) {
        use sqlx::Connection;
        match self.backend {
            Backend::Sqlite => {
                let mut conn = sqlx::SqliteConnection::connect(&self.db_url).await.unwrap();
                sqlx::query(sql).execute(&mut conn).await.unwrap();
            }
            Backend::Postgres => {
                let mut conn = sqlx::PgConnection::connect(&self.db_url).await.unwrap();
                sqlx::query(sql).execute(&mut conn).await.unwrap();
            }
        }
    }

    /// Appends, after `head`, a desk key statement of `version` naming `m`'s key and signed by
    /// `m` itself: the one statement a lying server can make about a desk's key.
    pub async fn append_own_desk_key(
        &self,
        desk: &str,
        head: (u64, [u8; 32]),
        m: &age::x25519::Identity,
        version: u64,
    ) {
        let forged = resguardo::crypto::statement::append(
            &resguardo::domain::DeskSlug::parse(desk).unwrap(),
            Some(head),
            m,
            resguardo::crypto::statement::Body::DeskKey {
                version,
                recipient: resguardo::domain::Recipient::from(m.to_public()),
            },
        )
        .unwrap();
        self.insert_statement(desk, head.0 + 1, &forged).await;
    }

    /// Writes statement `seq` of `desk`'s chain directly, as a server that lies would (it can
    /// store any bytes, and sign nothing with a key it does not hold).
    pub async fn insert_statement(
        &self,
        desk: &str,
        seq: u64,
        statement: &resguardo::crypto::statement::Signed,
    ) {
        let decoded = resguardo::crypto::statement::Statement::decode(
            &statement.statement,
            statement.opening.as_ref(),
        );
        let kind = match decoded.map(|s| s.body) {
            Ok(resguardo::crypto::statement::Body::DeskKey { .. }) => 3,
            Ok(resguardo::crypto::statement::Body::Partner { .. }) => 4,
            other => panic!("insert_statement takes desk keys and partners, not {other:?}"),
        };
        let sql = format!(
            "INSERT INTO key_statements (desk_slug, seq, kind, subject, statement, signature, \
             link, opening, created_at) VALUES ('{desk}', {seq}, {kind}, NULL, $1, $2, $3, \
             CASE WHEN length($4) = 0 THEN NULL ELSE $4 END, 0)"
        );
        // A statement that names no one has no opening: an empty blob stands for NULL.
        let opening = statement.opening.as_ref().map(|o| o.to_bytes());
        let blobs: [&[u8]; 4] = [
            &statement.statement,
            &statement.signature,
            &statement.link(),
            opening.as_deref().unwrap_or_default(),
        ];
        self.tamper_with(&sql, &blobs).await;
    }

    /// Like `tamper`, with byte strings bound to `$1, $2 …` (the same placeholders on both
    /// backends), so that blobs need no backend-specific literals.
    pub async fn tamper_with(&self, sql: &str, blobs: &[&[u8]]) {
        use sqlx::Connection;
        match self.backend {
            Backend::Sqlite => {
                let mut conn = sqlx::SqliteConnection::connect(&self.db_url).await.unwrap();
                let mut query = sqlx::query(sql);
                for blob in blobs {
                    query = query.bind(blob.to_vec());
                }
                query.execute(&mut conn).await.unwrap();
            }
            Backend::Postgres => {
                let mut conn = sqlx::PgConnection::connect(&self.db_url).await.unwrap();
                let mut query = sqlx::query(sql);
                for blob in blobs {
                    query = query.bind(blob.to_vec());
                }
                query.execute(&mut conn).await.unwrap();
            }
        }
    }

    /// Runs one `SELECT COUNT(*) …` directly against the server's database.
    pub async fn count(&self, sql: &str) -> i64 {
        use sqlx::Connection;
        match self.backend {
            Backend::Sqlite => {
                let mut conn = sqlx::SqliteConnection::connect(&self.db_url).await.unwrap();
                sqlx::query_scalar(sql).fetch_one(&mut conn).await.unwrap()
            }
            Backend::Postgres => {
                let mut conn = sqlx::PgConnection::connect(&self.db_url).await.unwrap();
                sqlx::query_scalar(sql).fetch_one(&mut conn).await.unwrap()
            }
        }
    }

    /// Runs one `SELECT` of a single blob column directly against the server's database.
    pub async fn blobs(&self, sql: &str) -> Vec<Vec<u8>> {
        use sqlx::Connection;
        match self.backend {
            Backend::Sqlite => {
                let mut conn = sqlx::SqliteConnection::connect(&self.db_url).await.unwrap();
                sqlx::query_scalar(sql).fetch_all(&mut conn).await.unwrap()
            }
            Backend::Postgres => {
                let mut conn = sqlx::PgConnection::connect(&self.db_url).await.unwrap();
                sqlx::query_scalar(sql).fetch_all(&mut conn).await.unwrap()
            }
        }
    }

    /// A page the server serves (`path` from its root), as text; fails the test unless it is 200.
    pub async fn page(&self, path: &str) -> String {
        let response = reqwest::get(format!("{}{path}", self.url)).await.unwrap();
        assert_eq!(response.status(), 200, "GET {path}");
        response.text().await.unwrap()
    }

    pub async fn store(&self) -> Database {
        resguardo::store::open(&self.db_url, 2).await.unwrap()
    }

    /// The audit log as the server host reads it.
    pub async fn audit_rows(&self) -> Vec<resguardo::store::AuditRow> {
        self.store().await.maintenance().audit_rows().await.unwrap()
    }

    pub fn data_dir(&self) -> PathBuf {
        self.dir.path().join("data")
    }

    /// Runs `resguardo admin desk create` for `slug` with `recipient`.
    pub fn admin_desk_create(&self, slug: &str, recipient: &str) -> std::process::Output {
        self.desk_create(slug)
            .args(["--recipient", recipient])
            .output()
            .unwrap()
    }

    fn desk_create(&self, slug: &str) -> Command {
        let mut cmd = self.command();
        cmd.args(["admin", "desk", "create", "--slug", slug])
            .args(["--name", "Mesa de prueba"]);
        cmd
    }

    /// Runs `resguardo keygen --json` into `file`; returns what it printed.
    pub fn keygen(&self, file: &Path) -> serde_json::Value {
        let out = self
            .command()
            .args(["keygen", "--json", "--output"])
            .arg(file)
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        let printed = serde_json::from_slice(&out.stdout).unwrap();
        crate::docs::assert_cli_shape("keygen", &printed);
        printed
    }

    /// Creates a desk and returns its identity.
    pub fn create_desk(&self, slug: &str) -> age::x25519::Identity {
        let identity = age::x25519::Identity::generate();
        let out = self.admin_desk_create(slug, &identity.to_public().to_string());
        assert!(
            out.status.success(),
            "desk create failed: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        identity
    }

    /// A desk made the normal way: no key yet, its first supervisor makes it on a device. Accounts
    /// can be invited only to such a desk (one created with `--recipient` can never vet them).
    /// Returns the first supervisor's enrolment code.
    pub fn create_keyless_desk(&self, slug: &str) -> String {
        let out = self.desk_create(slug).arg("--json").output().unwrap();
        assert!(
            out.status.success(),
            "desk create failed: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        let created: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        created["code"].as_str().unwrap().to_owned()
    }

    /// The lie of a server that writes a thread message itself: `plaintext` encrypted to
    /// `recipients`, listed under `author` ("reporter" or "desk") as message `seq` of case `case`.
    pub async fn forge_message(
        &self,
        case: &str,
        seq: i64,
        author: &str,
        recipients: &[&age::x25519::Recipient],
        plaintext: &[u8],
    ) {
        let sealed = resguardo::crypto::seal::seal(recipients, plaintext).unwrap();
        let id = resguardo::domain::hex_decode(case).unwrap();
        self.tamper_with(
            &format!(
                "INSERT INTO messages (report_id, seq, author, ciphertext, created_at) \
                 VALUES ($1, {seq}, '{author}', $2, 0)"
            ),
            &[&id, &sealed],
        )
        .await;
    }

    /// The server key the server generated into its data directory: what an attacker who took
    /// only the database does not have.
    pub fn server_secret(&self) -> [u8; 32] {
        let text = std::fs::read_to_string(self.dir.path().join("data/server.key")).unwrap();
        resguardo::domain::b64_decode_array::<32>(text.trim()).unwrap()
    }

    pub fn client(&self) -> resguardo::client::ApiClient {
        resguardo::client::ApiClient::new(&self.url).unwrap()
    }
}

impl Drop for TestServer {
    fn drop(&mut self) {
        self.kill9();
    }
}

/// The ports of a server's "listening" line: public, metrics, desk dashboard.
type Ports = (u16, Option<u16>, Option<u16>);

/// Copies a child's output into `log`; reports the ports of the "listening" line on `port`.
fn collect(
    stream: impl std::io::Read + Send + 'static,
    log: Arc<Mutex<String>>,
    port: Option<mpsc::Sender<Ports>>,
) {
    std::thread::spawn(move || {
        for line in BufReader::new(stream).lines() {
            let Ok(line) = line else { break };
            if let Some(tx) = &port {
                if let Ok(v) = serde_json::from_str::<serde_json::Value>(&line) {
                    if v["fields"]["message"] == "listening" {
                        let public = v["fields"]["port"].as_u64().unwrap() as u16;
                        let port = |key: &str| v["fields"][key].as_u64().map(|p| p as u16);
                        let _ = tx.send((public, port("metrics_port"), port("desk_port")));
                    }
                }
            }
            let mut log = log.lock().unwrap();
            log.push_str(&line);
            log.push('\n');
        }
    });
}

/// Runs `cmd` with `input` on its standard input and collects what it prints.
/// Runs `resguardo ARGS` at a pseudo-terminal (util-linux `script`), as a person at a terminal
/// would: `input` is typed into it, and what the command printed on stdout and stderr comes back
/// interleaved, in the order a person reads it. Typed lines are not echoed (`--echo never`).
pub fn run_in_terminal(server: &TestServer, args: &[&str], input: &str) -> (bool, String) {
    let quoted: Vec<String> = std::iter::once(BIN)
        .chain(args.iter().copied())
        .map(|a| format!("'{}'", a.replace('\'', r"'\''")))
        .collect();
    let mut cmd = Command::new("script");
    cmd.args(["--quiet", "--return", "--echo", "never", "--command"])
        .arg(quoted.join(" "))
        .arg("/dev/null")
        .current_dir(server.dir.path())
        .env_clear()
        .env("PATH", std::env::var("PATH").unwrap_or_default())
        .envs(server.env.iter().map(|(k, v)| (k, v)));
    // The typed input stays open until the command ends: `script` ends its session (and cuts the
    // command's last output) as soon as its own input closes.
    use std::io::{Read, Write};
    let mut child = cmd
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut keyboard = child.stdin.take().unwrap();
    keyboard.write_all(input.as_bytes()).unwrap();
    let mut stdout = child.stdout.take().unwrap();
    let reader = std::thread::spawn(move || {
        let mut text = Vec::new();
        stdout.read_to_end(&mut text).map(|_| text)
    });
    let status = child.wait().unwrap();
    drop(keyboard);
    let text = reader.join().unwrap().unwrap();
    let text = String::from_utf8_lossy(&text).replace("\r\n", "\n");
    (status.success(), text)
}

pub fn run_with_input(mut cmd: Command, input: &str) -> std::process::Output {
    use std::io::Write;
    let mut child = cmd
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let written = child.stdin.take().unwrap().write_all(input.as_bytes());
    // A command that ends before it reads (a refusal, say) closes the pipe first: not an error of
    // the test; what it printed and its exit code say what happened.
    if let Err(e) = written {
        assert_eq!(e.kind(), std::io::ErrorKind::BrokenPipe, "{e}");
    }
    child.wait_with_output().unwrap()
}

/// Every file under `dir` with its bytes.
pub fn files_under(dir: &Path) -> Vec<(PathBuf, Vec<u8>)> {
    let mut out = vec![];
    let mut stack = vec![dir.to_path_buf()];
    while let Some(path) = stack.pop() {
        if path.is_dir() {
            for entry in std::fs::read_dir(&path).unwrap() {
                stack.push(entry.unwrap().path());
            }
        } else if let Ok(bytes) = std::fs::read(&path) {
            out.push((path, bytes));
        }
    }
    out
}

pub fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    !needle.is_empty() && haystack.windows(needle.len()).any(|w| w == needle)
}

/// A report form with `narrative` as its text.
/// A padded message document, as every client sends: the server refuses plaintexts that are not
/// a padding bucket (docs/protocol.md §2), whatever their content.
pub fn document(text: &str) -> Vec<u8> {
    resguardo::protocol::message::message_plaintext(text).to_vec()
}

pub fn form(narrative: &str) -> resguardo::protocol::report::ReportForm {
    serde_json::from_value(serde_json::json!({
        "kind": "sextortion", "narrative": narrative, "country": "GT",
        "needs": ["legal", "psychosocial"], "consent_referral": true,
    }))
    .unwrap()
}

/// What Debian's `age -d -i KEY_FILE FILE` writes, once it has succeeded.
pub fn age_decrypt(key_file: &Path, file: &Path) -> Vec<u8> {
    let out = Command::new("age")
        .args(["-d", "-i"])
        .arg(key_file)
        .arg(file)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    out.stdout
}
