//! The HTTP client the command-line roles share. It speaks the same request and response types the
//! server's handlers declare, so the two cannot disagree.

pub mod attachments;
pub mod audit;
pub mod desk_keys;
pub mod desk_statements;
pub mod init_chain;
pub mod links;
pub mod partner;
pub mod reencrypt;
pub mod referrals;
pub mod reporter;
pub mod session;
pub mod stats;
pub mod triage;
pub mod trust;
pub mod worker;

use serde::de::DeserializeOwned;
use serde::Serialize;

use crate::protocol::accounts::{
    Credentials, Enrolled, Enrolment, LoggedIn, PasswordChange, SessionView, SigningKeyUpload,
    UnlockShareUpgrade,
};
use crate::protocol::cases::{
    Assignment, CaseSummaryView, DeskCaseView, Entry, Reencryption, StatusChange,
};
use crate::protocol::challenge::PowChallenge;
use crate::protocol::desks::DeskView;
use crate::protocol::followup::{CaseView, FollowupMessage, FollowupRequest, MessageAccepted};
use crate::protocol::keys::{
    AccountView, DeskKeyView, GrantView, NewDeskKey, Rotation, VetOutcome, Vetting,
};
use crate::protocol::problem::Problem;
use crate::protocol::reports::{ReportCreated, ReportEnvelope};
use crate::protocol::statements::{ExistingStatements, StatementView};

#[derive(Debug, thiserror::Error)]
pub enum ClientError {
    #[error("cannot reach the server at {url}: {reason}")]
    Unreachable { url: String, reason: String },
    #[error("the server refused: {detail} ({status})")]
    Refused {
        status: u16,
        kind: String,
        detail: String,
    },
    #[error("the server sent an answer this client does not understand (HTTP {0})")]
    Unexpected(u16),
    #[error("{0}")]
    Usage(String),
    /// The server's data contradicts what the desk's own ciphertext says: refuse to go on.
    #[error("the server's data does not check out: {0}")]
    Untrusted(String),
}

impl ClientError {
    /// The problem type slug of a refusal, for callers that react to specific ones.
    pub fn problem_slug(&self) -> Option<&str> {
        match self {
            ClientError::Refused { kind, .. } => kind.rsplit('/').next(),
            _ => None,
        }
    }
}

pub struct ApiClient {
    base: String,
    http: reqwest::Client,
    /// The Tor SOCKS proxy requests go through, if any (named when it cannot be reached).
    tor: Option<String>,
}

/// The environment variable naming a Tor SOCKS proxy (`socks5h://HOST:PORT`).
pub const TOR_PROXY_VAR: &str = "RESGUARDO_TOR_PROXY";

/// Tor's own SOCKS port, used for .onion addresses when `RESGUARDO_TOR_PROXY` is not set.
pub const DEFAULT_TOR_PROXY: &str = "socks5h://127.0.0.1:9050";

/// The proxy for `host`: `proxy` (from `RESGUARDO_TOR_PROXY`) for every host when given, and
/// Tor's default port for an onion service, which only Tor can reach. Only `socks5h` is taken:
/// with plain `socks5` this machine would resolve names itself, and its DNS queries would tell
/// the network which server it talks to.
pub fn tor_proxy(host: &str, proxy: Option<&str>) -> Result<Option<String>, ClientError> {
    let chosen = match proxy {
        Some(p) => Some(p.trim().to_owned()),
        None if host.ends_with(".onion") => Some(DEFAULT_TOR_PROXY.to_owned()),
        None => None,
    };
    match chosen {
        Some(p) if !p.starts_with("socks5h://") => Err(ClientError::Usage(format!(
            "{TOR_PROXY_VAR} must be a socks5h:// address (so that Tor, not this machine, \
             resolves names), got {p:?}"
        ))),
        other => Ok(other),
    }
}

impl ApiClient {
    /// A client for the server at `base` (e.g. `https://desk.example` or `http://127.0.0.1:8080`).
    /// Plain http is accepted only for this machine and onion services, whose transport is
    /// already encrypted; redirects are never followed, so a receipt is never re-sent elsewhere.
    pub fn new(base: &str) -> Result<Self, ClientError> {
        let base = base.trim_end_matches('/').to_owned();
        let url = reqwest::Url::parse(&base)
            .map_err(|e| ClientError::Usage(format!("{base:?} is not a server address: {e}")))?;
        let host = url.host_str().unwrap_or_default();
        let local = host == "localhost"
            || host.ends_with(".onion")
            || host
                .trim_matches(|c| c == '[' || c == ']')
                .parse::<std::net::IpAddr>()
                .is_ok_and(|ip| ip.is_loopback());
        match url.scheme() {
            "https" => {}
            "http" if local => {}
            "http" => {
                return Err(ClientError::Usage(format!(
                    "refusing plain http to {host}: use https://, or an .onion address"
                )))
            }
            other => {
                return Err(ClientError::Usage(format!(
                    "the server address must start with https:// (got {other}://)"
                )))
            }
        }
        let tor = tor_proxy(host, std::env::var(TOR_PROXY_VAR).ok().as_deref())?;
        let mut builder = reqwest::Client::builder()
            .user_agent("resguardo")
            .redirect(reqwest::redirect::Policy::none())
            .timeout(std::time::Duration::from_secs(60));
        if let Some(proxy) = &tor {
            let proxy = reqwest::Proxy::all(proxy)
                .map_err(|e| ClientError::Usage(format!("{TOR_PROXY_VAR}: {e}")))?;
            builder = builder.proxy(proxy);
        }
        let http = builder
            .build()
            .map_err(|e| ClientError::Usage(e.to_string()))?;
        Ok(Self { base, http, tor })
    }

    pub async fn desk(&self, slug: &str) -> Result<DeskView, ClientError> {
        self.get(&format!("/api/v1/desks/{slug}")).await
    }

    pub async fn pow(&self) -> Result<PowChallenge, ClientError> {
        self.get("/api/v1/pow").await
    }

    pub async fn submit(
        &self,
        slug: &str,
        envelope: &ReportEnvelope,
    ) -> Result<ReportCreated, ClientError> {
        self.post(&format!("/api/v1/desks/{slug}/reports"), envelope)
            .await
    }

    pub async fn followup(&self, request: &FollowupRequest) -> Result<CaseView, ClientError> {
        self.post("/api/v1/followup", request).await
    }

    pub async fn add_message(
        &self,
        message: &FollowupMessage,
    ) -> Result<MessageAccepted, ClientError> {
        self.post("/api/v1/followup/messages", message).await
    }

    pub async fn enrol(&self, enrolment: &Enrolment) -> Result<Enrolled, ClientError> {
        self.post("/api/v1/enrolments", enrolment).await
    }

    pub async fn confirm_totp(
        &self,
        credentials: &Credentials,
    ) -> Result<SessionView, ClientError> {
        self.post("/api/v1/enrolments/confirm", credentials).await
    }

    pub async fn login(&self, credentials: &Credentials) -> Result<LoggedIn, ClientError> {
        self.post("/api/v1/sessions", credentials).await
    }

    pub async fn whoami(&self, token: &str) -> Result<SessionView, ClientError> {
        self.get_as(token, "/api/v1/session").await
    }

    /// The desk's signed key statements, as the server stores them.
    pub async fn statements(&self, token: &str) -> Result<Vec<StatementView>, ClientError> {
        self.get_as(token, "/api/v1/desk/statements").await
    }

    /// Changes the password (`POST /api/v1/session/password`); every session of the account ends.
    pub async fn change_password(&self, change: &PasswordChange) -> Result<(), ClientError> {
        self.post::<_, Option<serde_json::Value>>("/api/v1/session/password", change)
            .await
            .map(|_| ())
    }

    /// Gives an account made before unlock shares its share (`POST /api/v1/session/unlock-share`).
    pub async fn add_unlock_share(
        &self,
        token: &str,
        upgrade: &UnlockShareUpgrade,
    ) -> Result<(), ClientError> {
        self.post_as::<_, Option<serde_json::Value>>(token, "/api/v1/session/unlock-share", upgrade)
            .await
            .map(|_| ())
    }

    pub async fn set_signing_key(
        &self,
        token: &str,
        upload: &SigningKeyUpload,
    ) -> Result<SessionView, ClientError> {
        self.post_as(token, "/api/v1/session/signing-key", upload)
            .await
    }

    pub async fn init_desk_key(
        &self,
        token: &str,
        key: &NewDeskKey,
    ) -> Result<DeskKeyView, ClientError> {
        self.post_as(token, "/api/v1/desk/key", key).await
    }

    pub async fn rotate_desk_key(
        &self,
        token: &str,
        rotation: &Rotation,
    ) -> Result<DeskKeyView, ClientError> {
        self.post_as(token, "/api/v1/desk/key/rotate", rotation)
            .await
    }

    /// Sends statements that sign what the desk already holds (`desk init-chain`).
    pub async fn sign_existing(
        &self,
        token: &str,
        statements: &ExistingStatements,
    ) -> Result<(), ClientError> {
        self.post_as::<_, Option<serde_json::Value>>(token, "/api/v1/desk/statements", statements)
            .await
            .map(|_| ())
    }

    pub async fn accounts(&self, token: &str) -> Result<Vec<AccountView>, ClientError> {
        self.get_as(token, "/api/v1/desk/accounts").await
    }

    pub async fn vet(
        &self,
        token: &str,
        username: &str,
        vetting: &Vetting,
    ) -> Result<VetOutcome, ClientError> {
        let path = format!("/api/v1/desk/accounts/{username}/vet");
        self.post_as(token, &path, vetting).await
    }

    pub async fn disable(&self, token: &str, username: &str) -> Result<(), ClientError> {
        let path = format!("/api/v1/desk/accounts/{username}/disable");
        self.post_as::<_, Option<serde_json::Value>>(token, &path, &serde_json::json!({}))
            .await
            .map(|_| ())
    }

    pub async fn retention(
        &self,
        token: &str,
    ) -> Result<crate::protocol::retention::RetentionView, ClientError> {
        self.get_as(token, "/api/v1/desk/retention").await
    }

    pub async fn set_retention(
        &self,
        token: &str,
        policy: &crate::domain::RetentionPolicy,
    ) -> Result<crate::protocol::retention::RetentionView, ClientError> {
        self.post_as(token, "/api/v1/desk/retention", policy).await
    }

    /// (Supervisors) a one-time enrolment code for a new account of the caller's desk.
    pub async fn invite(
        &self,
        token: &str,
        role: crate::domain::Role,
    ) -> Result<crate::protocol::keys::InviteView, ClientError> {
        let request = crate::protocol::keys::NewInvite { role };
        self.post_as(token, "/api/v1/desk/invites", &request).await
    }

    pub async fn grants(&self, token: &str) -> Result<Vec<GrantView>, ClientError> {
        self.get_as(token, "/api/v1/desk/grants").await
    }

    pub async fn inbox(
        &self,
        token: &str,
        status: Option<crate::domain::Status>,
        mine: bool,
    ) -> Result<Vec<CaseSummaryView>, ClientError> {
        let mut path = format!("/api/v1/desk/reports?mine={mine}");
        if let Some(status) = status {
            path.push_str(&format!("&status={}", status.as_str()));
        }
        self.get_as(token, &path).await
    }

    pub async fn case(&self, token: &str, id: &str) -> Result<DeskCaseView, ClientError> {
        self.get_as(token, &format!("/api/v1/desk/reports/{id}"))
            .await
    }

    pub async fn set_status(
        &self,
        token: &str,
        id: &str,
        status: crate::domain::Status,
    ) -> Result<(), ClientError> {
        let path = format!("/api/v1/desk/reports/{id}/status");
        self.post_as::<_, Option<serde_json::Value>>(token, &path, &StatusChange { status })
            .await
            .map(|_| ())
    }

    pub async fn assign(
        &self,
        token: &str,
        id: &str,
        username: Option<&str>,
    ) -> Result<(), ClientError> {
        let path = format!("/api/v1/desk/reports/{id}/assign");
        let body = Assignment {
            username: username.map(str::to_owned),
        };
        self.post_as::<_, Option<serde_json::Value>>(token, &path, &body)
            .await
            .map(|_| ())
    }

    /// Posts an encrypted note (`kind = "notes"`) or reply (`kind = "replies"`).
    pub async fn reencrypt(
        &self,
        token: &str,
        id: &str,
        reencryption: &Reencryption,
    ) -> Result<(), ClientError> {
        let path = format!("/api/v1/desk/reports/{id}/reencrypt");
        self.post_as::<_, Option<serde_json::Value>>(token, &path, reencryption)
            .await
            .map(|_| ())
    }

    /// Stores a case's seal (age ciphertext to the desk key).
    pub async fn seal_case(&self, token: &str, id: &str, sealed: &[u8]) -> Result<(), ClientError> {
        let path = format!("/api/v1/desk/reports/{id}/seal");
        let body = Entry {
            ciphertext: crate::domain::b64_encode(sealed),
        };
        self.post_as::<_, Option<serde_json::Value>>(token, &path, &body)
            .await
            .map(|_| ())
    }

    pub async fn add_entry(
        &self,
        token: &str,
        id: &str,
        kind: &str,
        ciphertext: &[u8],
    ) -> Result<(), ClientError> {
        let path = format!("/api/v1/desk/reports/{id}/{kind}");
        let body = Entry {
            ciphertext: crate::domain::b64_encode(ciphertext),
        };
        self.post_as::<_, Option<serde_json::Value>>(token, &path, &body)
            .await
            .map(|_| ())
    }

    async fn get_as<T: DeserializeOwned>(&self, token: &str, path: &str) -> Result<T, ClientError> {
        let url = format!("{}{path}", self.base);
        let request = self.http.get(&url).bearer_auth(token);
        read(
            request
                .send()
                .await
                .map_err(|e| self.unreachable(&url, &e))?,
        )
        .await
    }

    async fn post_as<B: Serialize, T: DeserializeOwned>(
        &self,
        token: &str,
        path: &str,
        body: &B,
    ) -> Result<T, ClientError> {
        let url = format!("{}{path}", self.base);
        let request = self.http.post(&url).bearer_auth(token).json(body);
        read(
            request
                .send()
                .await
                .map_err(|e| self.unreachable(&url, &e))?,
        )
        .await
    }

    pub async fn logout(&self, token: &str) -> Result<(), ClientError> {
        let url = format!("{}/api/v1/session/logout", self.base);
        let request = self.http.post(&url).bearer_auth(token);
        let response = request
            .send()
            .await
            .map_err(|e| self.unreachable(&url, &e))?;
        if response.status().as_u16() == 204 {
            return Ok(());
        }
        read::<serde_json::Value>(response).await.map(|_| ())
    }

    async fn get<T: DeserializeOwned>(&self, path: &str) -> Result<T, ClientError> {
        let url = format!("{}{path}", self.base);
        let response = self
            .http
            .get(&url)
            .send()
            .await
            .map_err(|e| self.unreachable(&url, &e))?;
        read(response).await
    }

    async fn post<B: Serialize, T: DeserializeOwned>(
        &self,
        path: &str,
        body: &B,
    ) -> Result<T, ClientError> {
        let url = format!("{}{path}", self.base);
        let response = self
            .http
            .post(&url)
            .json(body)
            .send()
            .await
            .map_err(|e| self.unreachable(&url, &e))?;
        read(response).await
    }
}

impl ApiClient {
    fn unreachable(&self, url: &str, e: &reqwest::Error) -> ClientError {
        let mut reason = e.to_string();
        let mut source = std::error::Error::source(e);
        while let Some(cause) = source {
            reason = format!("{reason}: {cause}");
            source = cause.source();
        }
        if let Some(proxy) = &self.tor {
            reason = format!("{reason} (through the Tor proxy {proxy}: is Tor running?)");
        }
        ClientError::Unreachable {
            url: url.to_owned(),
            reason,
        }
    }
}

async fn read<T: DeserializeOwned>(response: reqwest::Response) -> Result<T, ClientError> {
    let status = response.status().as_u16();
    if status == 204 || (status == 201 && response.content_length() == Some(0)) {
        // No content: callers that expect none ask for `Option<_>`.
        return serde_json::from_str("null").map_err(|_| ClientError::Unexpected(status));
    }
    if response.status().is_success() {
        return response
            .json()
            .await
            .map_err(|_| ClientError::Unexpected(status));
    }
    match response.json::<Problem>().await {
        Ok(problem) => Err(ClientError::Refused {
            status,
            kind: problem.kind,
            detail: problem.detail,
        }),
        Err(_) => Err(ClientError::Unexpected(status)),
    }
}

#[cfg(test)]
mod tests;
