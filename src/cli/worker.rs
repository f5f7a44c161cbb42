//! `resguardo worker …`: a case worker's commands. Passwords are read without echo (or from
//! standard input, one per line, for scripts) and never leave this machine.

use anyhow::Context;
use serde_json::json;

use super::signed_in::{desk_keys_of, saved, unlocked};
use super::terminal::{ask, ask_secret};
use super::WorkerCommand;
use crate::client::session::{self, SavedSession};
use crate::client::{desk_keys, desk_statements, trust, worker, ApiClient};
use crate::domain::{AccountStatus, Fingerprint, Role};

pub async fn run(command: WorkerCommand) -> anyhow::Result<()> {
    match command {
        WorkerCommand::Enrol {
            server,
            desk,
            code,
            desk_root,
            json,
        } => {
            pin_desk_root(&server, &desk, desk_root.as_deref())?;
            enrol(&server, &desk, code, json).await
        }
        WorkerCommand::Login {
            server,
            desk,
            username,
            desk_root,
            json,
        } => {
            pin_desk_root(&server, &desk, desk_root.as_deref())?;
            login(&server, &desk, &username, json).await
        }
        WorkerCommand::Whoami { json } => whoami(json).await,
        WorkerCommand::Logout => logout().await,
        WorkerCommand::Password => change_password().await,
        WorkerCommand::Invite { role, json } => invite(role, json).await,
        WorkerCommand::Pending { json } => pending(json).await,
        WorkerCommand::Vet { username } => vet(&username).await,
        WorkerCommand::Disable { username } => {
            let (saved, identity) = unlocked().await?;
            let client = ApiClient::new(&saved.server)?;
            let (state, _) = desk_keys_of(&client, &saved, &identity).await?;
            desk_statements::disable_account(&client, &saved.token, &identity, &state, &username)
                .await?;
            println!(
                "{username} is disabled and signed out everywhere; the desk's statements revoke \
                 their keys."
            );
            println!(
                "They still hold the current desk key: rotate it with \
                 `resguardo desk rotate-key --reencrypt-open`."
            );
            Ok(())
        }
        WorkerCommand::Inbox { status, mine, json } => {
            super::triage::inbox(status, mine, json).await
        }
        WorkerCommand::Search { query, json } => super::triage::search(&query, json).await,
        WorkerCommand::Show { id, json } => super::triage::show(&id, json).await,
        WorkerCommand::Attachments { id, out, json } => {
            super::evidence::run(&id, out.as_deref(), json).await
        }
        WorkerCommand::Assign { id, username } => super::triage::assign(&id, &username).await,
        WorkerCommand::Status { id, status } => super::triage::status(&id, status).await,
        WorkerCommand::Note { id } => super::triage::write(&id, false).await,
        WorkerCommand::Reply { id } => super::triage::write(&id, true).await,
        WorkerCommand::Partners { case, json } => super::referrals::suggest(&case, json).await,
        WorkerCommand::Refer {
            id,
            partner,
            fields,
            override_consent,
            reason,
            expires_days,
            attach,
            yes,
            json,
        } => {
            let order = super::referrals::Refer {
                partner,
                fields,
                reason: reason.filter(|_| override_consent),
                expires_days,
                attach,
                yes,
                json,
            };
            super::referrals::refer(&id, order).await
        }
        WorkerCommand::Trail { id, json } => super::audit_log::trail(&id, json).await,
        WorkerCommand::WritePartner {
            id,
            partner,
            message,
        } => super::referrals::write_to_partner(&id, &partner, &message).await,
    }
}

/// Pins the desk root typed with `--desk-root`, before anything is sent.
fn pin_desk_root(server: &str, desk: &str, typed: Option<&str>) -> anyhow::Result<()> {
    let Some(typed) = typed else {
        return Ok(());
    };
    let root = crate::domain::Fingerprint::parse_typed(typed).context(
        "--desk-root is not a safety number (8 groups of 4 hex digits, as your supervisor gave it)",
    )?;
    trust::pin_root(server, desk, &root)?;
    Ok(())
}

async fn invite(role: crate::domain::Role, json: bool) -> anyhow::Result<()> {
    let saved = saved()?;
    let client = ApiClient::new(&saved.server)?;
    let made = client.invite(&saved.token, role).await?;
    if json {
        super::print_json(&json!({
            "code": made.code, "desk": made.desk, "role": made.role, "expires_at": made.expires_at,
        }));
        return Ok(());
    }
    println!(
        "One-time enrolment code for a {} of desk {}:",
        made.role.as_str(),
        made.desk
    );
    println!();
    println!("    {}", made.code);
    println!();
    println!("Give it to that person only, in person or over a channel you trust. They run:");
    println!(
        "    resguardo worker enrol --server URL --desk {}",
        made.desk
    );
    println!("and type the code when asked. Then vet them: resguardo worker pending");
    Ok(())
}

async fn pending(json: bool) -> anyhow::Result<()> {
    let saved = saved()?;
    let accounts = ApiClient::new(&saved.server)?
        .accounts(&saved.token)
        .await?;
    let mut pending = vec![];
    for a in accounts
        .iter()
        .filter(|a| a.status == crate::domain::AccountStatus::Pending)
    {
        // Computed here from the listed keys, never the server's own fingerprint text.
        pending.push((a, desk_keys::account_safety_number(a)?));
    }
    if json {
        let list: Vec<_> = pending
            .iter()
            .map(|(a, number)| {
                json!({"username": a.username, "role": a.role,
                       "fingerprint": number.as_ref().map(|n| n.as_str()),
                       "approved_by": a.approved_by})
            })
            .collect();
        super::print_json(&json!(list));
    } else if pending.is_empty() {
        println!("No accounts wait for vetting.");
    } else {
        println!("Waiting for vetting (compare the safety number with the person's own screen):");
        for (a, number) in pending {
            let number = number.map_or_else(
                || {
                    "(no signing key yet: they must log in once with an up-to-date resguardo)"
                        .into()
                },
                |n| n.to_string(),
            );
            let approved = if a.approved_by.is_empty() {
                String::new()
            } else {
                format!("  (approved by {})", a.approved_by.join(", "))
            };
            println!(
                "  {:<20} {:<10} {}{approved}",
                a.username,
                a.role.as_str(),
                number
            );
        }
    }
    Ok(())
}

async fn vet(username: &str) -> anyhow::Result<()> {
    let typed = ask(&format!(
        "Safety number shown on {username}'s own screen (ask them to read it to you):"
    ))?;
    let (saved, identity) = unlocked().await?;
    let client = ApiClient::new(&saved.server)?;
    let (state, keys) = desk_keys_of(&client, &saved, &identity).await?;
    let vetted = desk_keys::vet(
        &client,
        &saved.token,
        &identity,
        &keys,
        &state,
        username,
        &typed,
    )
    .await?;
    let (fingerprint, outcome) = (vetted.fingerprint, vetted.outcome);
    if outcome.status == crate::domain::AccountStatus::Vetted {
        println!(
            "{username} is vetted: the desk key is now encrypted to their key ({fingerprint})."
        );
    } else {
        println!(
            "Your approval of {username} ({fingerprint}) is recorded: {} of {} needed. Another \
             supervisor must also compare the safety number and run `resguardo worker vet {username}`.",
            outcome.approvals, outcome.required
        );
    }
    Ok(())
}

async fn enrol(server: &str, desk: &str, code: Option<String>, json: bool) -> anyhow::Result<()> {
    let client = ApiClient::new(server)?;
    let code = match code {
        Some(code) => zeroize::Zeroizing::new(code),
        None => ask_secret("Enrolment code (from your supervisor):")?,
    };
    let username = ask("Choose a user name (a-z, 0-9, '.', '_', '-'):")?;
    let password =
        ask_secret("Choose a password (at least 12 characters; a few words work well):")?;
    let again = ask_secret("Type the password again:")?;
    if password != again {
        anyhow::bail!("the two passwords differ; nothing was sent");
    }
    eprintln!("Deriving keys from the password (this takes a moment)…");
    let account = worker::enrol(&client, desk, &code, &username, &password).await?;
    eprintln!();
    eprintln!("Add this account to your authenticator app (it is shown only now): scan the code,");
    if let Some(code) = super::terminal::qr(&account.enrolled.totp_uri) {
        eprintln!("{code}");
    }
    eprintln!("or enter this address in the app:");
    eprintln!("    {}", account.enrolled.totp_uri);
    eprintln!();
    let totp = ask("Then type the 6-digit code the app shows:")?;
    worker::confirm_totp(&client, desk, &username, &password, &totp).await?;
    // Best effort: only used to explain a reused code at the next login.
    let _ = session::remember_used_code(desk, &username, &totp);
    let fingerprint = account.safety_number();
    let first_supervisor = account.enrolled.role == Role::Supervisor
        && client
            .desk(desk)
            .await
            .is_err_and(|e| e.problem_slug() == Some("desk-not-found"));
    if json {
        super::print_json(&json!({
            "desk": account.enrolled.desk, "username": username, "role": account.enrolled.role,
            "status": "pending", "fingerprint": fingerprint.as_str(),
            "first_supervisor": first_supervisor,
        }));
    } else {
        println!(
            "Enrolled as {username} ({:?}) in desk {}.",
            account.enrolled.role, account.enrolled.desk
        );
        println!("Your safety number: {fingerprint}");
        if first_supervisor {
            println!("You are the first supervisor of desk {desk}: it has no key yet, and no one");
            println!("vets you. Next, log in and make the desk key on this device:");
            println!(
                "    resguardo worker login --server {server} --desk {desk} --username {username}"
            );
            println!("    resguardo desk init-key");
        } else {
            println!(
                "Read it to your supervisor when they vet your account; until then it is pending."
            );
        }
    }
    Ok(())
}

async fn login(server: &str, desk: &str, username: &str, json: bool) -> anyhow::Result<()> {
    let client = ApiClient::new(server)?;
    let password = ask_secret("Password:")?;
    let totp = ask("Code from your authenticator app:")?;
    if session::used_recently(desk, username, &totp) {
        anyhow::bail!(
            "this one-time code was used a moment ago on this device, and a code works only \
             once: wait for your authenticator app to show the next one (at most 30 seconds), \
             then log in with it; nothing was sent"
        );
    }
    let login = worker::login(&client, desk, username, &password, &totp).await?;
    let _ = session::remember_used_code(desk, username, &totp);
    let session = &login.session;
    let safety_number = crate::domain::Fingerprint::of_account(
        &login.identity.to_public().into(),
        &crate::crypto::signing::public_of(&login.identity),
    );
    session::save(&SavedSession {
        server: server.to_owned(),
        desk: desk.to_owned(),
        username: username.to_owned(),
        token: session.token.clone(),
        expires_at: session.expires_at,
        wrapped_identity: session.wrapped_identity.clone(),
        unlock_share: session.unlock_share.clone(),
    })
    .context("cannot save the session")?;
    if json {
        super::print_json(&json!({
            "desk": session.account.desk, "username": session.account.username,
            "role": session.account.role, "status": session.account.status,
            "expires_at": session.expires_at, "idle_minutes": session.idle_minutes,
            "safety_number": safety_number.as_str(),
        }));
    } else {
        println!(
            "Logged in as {} in desk {} ({:?}, {:?}). The session ends after {} idle minutes, or on {}.",
            session.account.username,
            session.account.desk,
            session.account.role,
            session.account.status,
            session.idle_minutes,
            crate::time::day(session.expires_at)
        );
        println!("Your account's safety number: {safety_number}");
    }
    Ok(())
}

async fn whoami(json: bool) -> anyhow::Result<()> {
    let saved = saved()?;
    let client = ApiClient::new(&saved.server)?;
    let view = client.whoami(&saved.token).await?;
    let root = trust::pins(&saved.server, &saved.desk)?.map(|p| p.root);
    // The verified head, for colleagues to compare out of band (a split view shows as a
    // difference); why it does not verify, otherwise.
    let head = match &root {
        None => Err("this device has no desk root: log in again with --desk-root".to_owned()),
        Some(_) => trust::verified(&client, &saved.token, &saved.server, &saved.desk)
            .await
            .map(|state| state.head())
            .map_err(|e| e.to_string()),
    };
    if json {
        let (head_seq, head_text) = match &head {
            Ok((seq, link)) => (Some(*seq), Some(Fingerprint::of_digest(link).to_string())),
            Err(_) => (None, None),
        };
        super::print_json(&json!({
            "server": saved.server, "desk": view.desk, "username": view.username,
            "role": view.role, "status": view.status,
            "desk_root": root.as_ref().map(Fingerprint::as_str),
            "head_seq": head_seq, "head": head_text,
        }));
    } else {
        println!(
            "{} in desk {} on {} ({:?}, {:?})",
            view.username, view.desk, saved.server, view.role, view.status
        );
        match (&root, &head) {
            (Some(root), Ok((seq, link))) => println!(
                "desk root {root} (pinned) · statements {seq} · head {}",
                Fingerprint::of_digest(link)
            ),
            // The reason may quote the server's own words: printed as inert text.
            (Some(root), Err(why)) => println!(
                "desk root {root} (pinned) · the statements do not verify: {}",
                super::terminal::shown(why)
            ),
            (None, Err(why)) => println!("{}", super::terminal::shown(why)),
            (None, Ok(_)) => {}
        }
        let keyless = client
            .desk(&view.desk)
            .await
            .is_err_and(|e| e.problem_slug() == Some("desk-not-found"));
        if view.role == Role::Supervisor && view.status == AccountStatus::Pending && keyless {
            println!(
                "Desk {} has no key yet. Next: `resguardo desk init-key` makes it on this",
                view.desk
            );
            println!("device; as its first supervisor, you need no one's vetting.");
        }
    }
    Ok(())
}

async fn change_password() -> anyhow::Result<()> {
    let saved = saved()?;
    let current = ask_secret("Current password:")?;
    let totp = ask("Code from your authenticator app:")?;
    let new = ask_secret("New password:")?;
    let again = ask_secret("New password again:")?;
    if new != again {
        anyhow::bail!("the two new passwords differ; nothing was changed");
    }
    let client = ApiClient::new(&saved.server)?;
    worker::change_password(
        &client,
        &saved.desk,
        &saved.username,
        &current,
        &totp,
        &new,
        &saved.wrapped(),
    )
    .await?;
    session::forget()?;
    println!("Password changed. Every session of your account has ended: log in again with it.");
    Ok(())
}

async fn logout() -> anyhow::Result<()> {
    let saved = saved()?;
    let result = ApiClient::new(&saved.server)?.logout(&saved.token).await;
    // Forget the token either way: it is useless if the server already ended the session.
    session::forget()?;
    match result {
        Ok(()) => println!("Logged out."),
        Err(e) if e.problem_slug() == Some("unauthorized") => {
            println!("The session had already ended.")
        }
        Err(e) => return Err(e.into()),
    }
    Ok(())
}
