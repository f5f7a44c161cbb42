//! `resguardo desk statements`: the desk's signed key statements, verified on this device from the
//! root it trusts, one line each (docs/protocol.md §10); and `resguardo desk init-chain`, which
//! starts the chain of a desk made before them.

use std::collections::HashMap;

use serde_json::json;

use super::signed_in::{saved, unlocked};
use super::terminal::ask;
use crate::client::init_chain::{self, Candidate};
use crate::client::{trust, ApiClient, ClientError};
use crate::crypto::statement::{Body, Id, Statement};
use crate::domain::{Fingerprint, SigningPublic};

pub async fn show(json: bool) -> anyhow::Result<()> {
    let saved = saved()?;
    let client = ApiClient::new(&saved.server)?;
    let state = trust::verified(&client, &saved.token, &saved.server, &saved.desk).await?;
    let entries = trust::served(&client, &saved.token).await?;
    let root = trust::pins(&saved.server, &saved.desk)?
        .map(|p| p.root.to_string())
        .unwrap_or_default();
    let statements: Vec<(u64, Statement)> = entries
        .iter()
        .zip(1u64..)
        .filter_map(|(e, seq)| {
            Statement::decode(&e.statement, e.opening.as_ref())
                .ok()
                .map(|s| (seq, s))
        })
        .collect();
    let names = Names::of(statements.iter().map(|(_, s)| s));
    let lines: Vec<(u64, &'static str, String, String)> = statements
        .iter()
        .map(|(seq, s)| {
            let (kind, about) = describe(&names, &s.body);
            (*seq, kind, names.signer(&s.signer), about)
        })
        .collect();
    let (head_seq, link) = state.head();
    let head = Fingerprint::of_digest(&link);
    if json {
        let statements: Vec<_> = lines
            .iter()
            .map(|(seq, kind, by, about)| json!({"seq": seq, "kind": kind, "by": by, "about": about}))
            .collect();
        super::print_json(&json!({
            "desk": saved.desk, "root": root, "head_seq": head_seq, "head": head.as_str(),
            "current_key_version": state.current_key().map(|(v, _)| v),
            "statements": statements,
        }));
        return Ok(());
    }
    println!("Desk {} · root {root} (trusted on this device)", saved.desk);
    for (seq, kind, by, about) in &lines {
        println!("  {seq:>4}  {kind:<15} by {by:<20} {about}");
    }
    println!("Verified: {head_seq} statements, head {head}. Colleagues who see the same head see");
    println!("the same keys.");
    Ok(())
}

/// `resguardo desk init-chain`: signs what a desk made before statements holds (§10.4).
pub async fn init_chain(json: bool) -> anyhow::Result<()> {
    let (saved, identity) = unlocked().await?;
    let client = ApiClient::new(&saved.server)?;
    let chain_exists = !trust::served(&client, &saved.token).await?.is_empty();
    let state = if chain_exists {
        Some(trust::verified(&client, &saved.token, &saved.server, &saved.desk).await?)
    } else {
        None
    };
    let confirm = |c: &Candidate| -> Result<bool, ClientError> {
        let question = match c.role {
            Some(role) => format!(
                "{} ({}): the account safety number their own `resguardo worker login` printed:",
                c.name,
                role.as_str()
            ),
            None => format!(
                "{} (partner): its key's safety number, as the partner's own `resguardo keygen` printed it:",
                c.name
            ),
        };
        let typed = ask(&question).map_err(|e| ClientError::Usage(e.to_string()))?;
        if c.safety_number.matches_typed(&typed) {
            Ok(true)
        } else {
            Err(ClientError::Usage(format!(
                "the number does not match {}'s keys; nothing was signed: the keys may not be \
                 theirs (the expected number is not shown, so that nobody copies it)",
                c.name
            )))
        }
    };
    let started =
        init_chain::start(&client, &saved.token, &identity, state.as_ref(), confirm).await?;
    if let Some(root) = &started.root {
        trust::pin_root(&saved.server, &saved.desk, root)?;
    }
    let state = trust::verified(&client, &saved.token, &saved.server, &saved.desk).await?;
    let (head_seq, link) = state.head();
    if json {
        super::print_json(&json!({
            "desk": saved.desk, "root": started.root.as_ref().map(Fingerprint::as_str),
            "key_version": started.key_version, "approved": started.approved,
            "head_seq": head_seq, "head": Fingerprint::of_digest(&link).as_str(),
        }));
        return Ok(());
    }
    if let Some(version) = started.key_version {
        println!("Signed desk key version {version}.");
    }
    for name in &started.approved {
        println!("Signed {name}'s keys.");
    }
    if let Some(root) = &started.root {
        println!();
        println!("Desk root safety number: {root}");
        println!("It is your account's number. Give it to everyone in the desk: each logs in once");
        println!("with `resguardo worker login --desk-root \"…\"` before their next command.");
    }
    Ok(())
}

/// Who each account, signing key and partner in a verified chain is, by the name the statement
/// that vetted or signed it gave: a revoked account or partner keeps its name in the history.
#[derive(Default)]
struct Names {
    accounts: HashMap<Id, String>,
    partners: HashMap<Id, String>,
    signers: Vec<(SigningPublic, String)>,
}

impl Names {
    fn of<'a>(statements: impl Iterator<Item = &'a Statement>) -> Self {
        let mut names = Names::default();
        for statement in statements {
            match &statement.body {
                Body::Genesis {
                    account, username, ..
                } => {
                    names.accounts.insert(*account, username.to_string());
                    names.signers.push((statement.signer, username.to_string()));
                }
                Body::Approval {
                    account,
                    username,
                    signing_key,
                    ..
                } => {
                    names.accounts.insert(*account, username.to_string());
                    names.signers.push((*signing_key, username.to_string()));
                }
                Body::Partner { partner, name, .. } | Body::PartnerKeys { partner, name, .. } => {
                    names.partners.insert(*partner, name.clone());
                }
                Body::DeskKey { .. } | Body::RevokeAccount { .. } | Body::RevokePartner { .. } => {}
            }
        }
        names
    }

    fn account(&self, id: &Id) -> String {
        self.accounts
            .get(id)
            .cloned()
            .unwrap_or_else(|| "(an account the chain never vetted)".into())
    }

    fn partner(&self, id: &Id) -> String {
        self.partners
            .get(id)
            .cloned()
            .unwrap_or_else(|| "(a partner the chain never signed)".into())
    }

    fn signer(&self, key: &SigningPublic) -> String {
        self.signers
            .iter()
            .find(|(k, _)| k == key)
            .map_or_else(|| "(unknown key)".into(), |(_, name)| name.clone())
    }
}

/// The kind's name and what the statement is about, for a person to read.
fn describe(names: &Names, body: &Body) -> (&'static str, String) {
    match body {
        Body::Genesis {
            username,
            approvals_required,
            ..
        } => (
            "genesis",
            format!("{username} is the desk's root; vetting needs {approvals_required}"),
        ),
        Body::Approval { username, role, .. } => {
            ("approval", format!("{username} ({})", role.as_str()))
        }
        Body::DeskKey { version, recipient } => (
            "desk_key",
            format!(
                "version {version}, safety number {}",
                recipient.fingerprint()
            ),
        ),
        Body::Partner {
            name, recipient, ..
        } => (
            "partner",
            format!("{name}, safety number {}", recipient.fingerprint()),
        ),
        Body::PartnerKeys {
            name,
            recipient,
            signing_key,
            ..
        } => (
            "partner_keys",
            format!(
                "{name}, safety number {} (with its signing key)",
                Fingerprint::of_account(recipient, signing_key)
            ),
        ),
        Body::RevokeAccount { account } => ("revoke_account", names.account(account)),
        Body::RevokePartner { partner } => ("revoke_partner", names.partner(partner)),
    }
}
