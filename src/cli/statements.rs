//! `resguardo desk statements`: the desk's signed key statements, verified on this device from the
//! root it trusts, one line each (docs/protocol.md §10).

use serde_json::json;

use super::worker::saved;
use crate::client::{trust, ApiClient};
use crate::crypto::chain::DeskState;
use crate::crypto::statement::{Body, Statement};
use crate::domain::{Fingerprint, SigningPublic};

pub async fn show(json: bool) -> anyhow::Result<()> {
    let saved = saved()?;
    let client = ApiClient::new(&saved.server)?;
    let state = trust::verified(&client, &saved.token, &saved.server, &saved.desk).await?;
    let entries = trust::served(&client, &saved.token).await?;
    let root = trust::pins(&saved.server, &saved.desk)?
        .map(|p| p.root.to_string())
        .unwrap_or_default();
    let lines: Vec<(u64, &'static str, String, String)> = entries
        .iter()
        .zip(1u64..)
        .filter_map(|(e, seq)| Statement::decode(&e.statement).ok().map(|s| (seq, s)))
        .map(|(seq, s)| {
            let (kind, about) = describe(&state, &s.body);
            (seq, kind, signer_name(&state, &s.signer), about)
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

/// The user name of the account whose signing key this is, as the chain knows it.
fn signer_name(state: &DeskState, key: &SigningPublic) -> String {
    state
        .accounts()
        .find(|a| a.signing_key == *key)
        .map_or_else(|| "(unknown key)".into(), |a| a.username.to_string())
}

/// The kind's name and what the statement is about, for a person to read.
fn describe(state: &DeskState, body: &Body) -> (&'static str, String) {
    let name_of = |id: &[u8; 16]| {
        state.account(id).map_or_else(
            || "(an account not vetted)".into(),
            |a| a.username.to_string(),
        )
    };
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
        Body::RevokeAccount { account } => ("revoke_account", name_of(account)),
        Body::RevokePartner { .. } => ("revoke_partner", "a partner".into()),
    }
}
