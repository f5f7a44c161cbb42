//! `resguardo partner …`: a partner organisation reads the referrals made to it and answers them.
//! The token and the identity come from files of mode 0600; decryption happens here.

use std::path::Path;
use std::str::FromStr;

use anyhow::Context;
use serde_json::json;
use zeroize::Zeroizing;

use super::terminal::{authenticity_label, shown};
use super::{PartnerAccess, PartnerCommand};
use crate::client::{partner, ApiClient};
use crate::crypto::signing;
use crate::domain::{Fingerprint, Recipient, ReferralStatus};
use crate::os::files::check_private;

/// What every partner command needs.
struct Access {
    client: ApiClient,
    token: Zeroizing<String>,
    identity: age::x25519::Identity,
    desk_fingerprint: Option<String>,
}

fn read_private(path: &Path, what: &str) -> anyhow::Result<Zeroizing<String>> {
    check_private(path).with_context(|| format!("cannot use the {what} {}", path.display()))?;
    let text = std::fs::read_to_string(path)
        .with_context(|| format!("cannot read the {what} {}", path.display()))?;
    Ok(Zeroizing::new(text))
}

/// Reads an identity file as `resguardo keygen` or `age-keygen` write it: comments and one key.
fn read_identity(path: &Path) -> anyhow::Result<age::x25519::Identity> {
    let text = read_private(path, "identity file")?;
    let line = text
        .lines()
        .map(str::trim)
        .find(|l| !l.is_empty() && !l.starts_with('#'))
        .ok_or_else(|| anyhow::anyhow!("{} holds no identity", path.display()))?;
    age::x25519::Identity::from_str(line)
        .map_err(|_| anyhow::anyhow!("{} does not hold an age X25519 identity", path.display()))
}

fn access(args: PartnerAccess) -> anyhow::Result<Access> {
    let missing = |flag: &str| anyhow::anyhow!("partner commands need {flag}");
    let server = args.server.ok_or_else(|| missing("--server URL"))?;
    let token_file = args
        .token_file
        .ok_or_else(|| missing("--token-file FILE"))?;
    let identity_file = args.identity.ok_or_else(|| missing("--identity FILE"))?;
    let token = read_private(&token_file, "token file")?;
    Ok(Access {
        client: ApiClient::new(&server)?,
        token: Zeroizing::new(token.trim().to_owned()),
        identity: read_identity(&identity_file)?,
        desk_fingerprint: args.desk_fingerprint,
    })
}

pub async fn run(args: PartnerAccess, command: PartnerCommand) -> anyhow::Result<()> {
    // The one command that needs no server: the partner runs it before it has a token.
    if let PartnerCommand::Keys { json } = command {
        let path = args.identity.ok_or_else(|| {
            anyhow::anyhow!(
                "partner keys needs --identity FILE (your key, from `resguardo keygen`)"
            )
        })?;
        return keys(&read_identity(&path)?, json);
    }
    let access = access(args)?;
    match command {
        PartnerCommand::Keys { json } => keys(&access.identity, json),
        PartnerCommand::Inbox { json } => inbox(&access, json).await,
        PartnerCommand::Show { id, json } => show(&access, &id, json).await,
        PartnerCommand::Accept { id } => set(&access, &id, ReferralStatus::Accepted).await,
        PartnerCommand::Decline { id } => set(&access, &id, ReferralStatus::Declined).await,
        PartnerCommand::Close { id } => set(&access, &id, ReferralStatus::Closed).await,
        PartnerCommand::Update { id, message } => update(&access, &id, &message).await,
    }
}

/// What the desk registers the partner with (docs/partners.md): the recipient referrals are
/// encrypted to, the key answers are signed with, and the safety number over both (§9.1).
fn keys(identity: &age::x25519::Identity, json: bool) -> anyhow::Result<()> {
    let recipient = Recipient::from(identity.to_public());
    let signing_key = signing::public_of(identity);
    let number = Fingerprint::of_account(&recipient, &signing_key);
    if json {
        super::print_json(&json!({
            "recipient": recipient.as_str(), "signing_key": signing_key.to_b64(),
            "safety_number": number.as_str(),
        }));
    } else {
        println!("Recipient:     {}", recipient.as_str());
        println!("Signing key:   {}", signing_key.to_b64());
        println!("Safety number: {number}");
        eprintln!(
            "Give the desk the recipient and the signing key, then read the safety number to its \
             supervisor over a channel you trust."
        );
    }
    Ok(())
}

async fn inbox(access: &Access, json: bool) -> anyhow::Result<()> {
    let list = access.client.partner_referrals(&access.token).await?;
    if json {
        super::print_json(&serde_json::to_value(&list)?);
        return Ok(());
    }
    if list.is_empty() {
        println!("No referrals.");
    }
    for r in list {
        let expiry = r
            .expires
            .map(|day| format!(", expires {day}"))
            .unwrap_or_default();
        let gone = if r.available { "" } else { " (expired)" };
        println!(
            "{}  {:<9} received {}{expiry}{gone}",
            r.id,
            r.status.as_str(),
            r.created
        );
    }
    Ok(())
}

async fn show(access: &Access, id: &str, json: bool) -> anyhow::Result<()> {
    let open = partner::open_referral(&access.client, &access.token, &access.identity, id).await?;
    let updates: Vec<_> = open.updates.iter().map(|u| u.to_json()).collect();
    if json {
        super::print_json(&json!({
            "id": open.view.id, "status": open.view.status, "created": open.view.created,
            "expires": open.view.expires, "referral": open.document, "updates": updates,
        }));
        return Ok(());
    }
    let v = &open.view;
    println!(
        "Referral {} — {} (received {})",
        v.id,
        v.status.as_str(),
        v.created
    );
    match &open.document {
        Some(doc) => {
            for (key, value) in doc.as_object().into_iter().flatten() {
                if key != "schema" {
                    let value = value.as_str().map_or(value.to_string(), str::to_owned);
                    println!("{:>13}: {}", shown(key), shown(&value));
                }
            }
        }
        None => println!("(your identity does not open this referral: is it the right file?)"),
    }
    for u in &open.updates {
        let status = u
            .status
            .map(|s| format!("[{}] ", s.as_str()))
            .unwrap_or_default();
        let text = u.text.as_ref().map_or("", |t| t.as_str());
        let checked = authenticity_label(u.authenticity.as_ref());
        println!("{} {status}{}{checked}", u.day, shown(text));
    }
    Ok(())
}

async fn set(access: &Access, id: &str, status: ReferralStatus) -> anyhow::Result<()> {
    partner::answer(
        &access.client,
        &access.token,
        &access.identity,
        id,
        Some(status),
        None,
        access.desk_fingerprint.as_deref(),
    )
    .await?;
    println!("Referral {id} is now {}.", status.as_str());
    Ok(())
}

async fn update(access: &Access, id: &str, message: &Path) -> anyhow::Result<()> {
    let text = Zeroizing::new(if message == Path::new("-") {
        std::io::read_to_string(std::io::stdin())?
    } else {
        std::fs::read_to_string(message)
            .with_context(|| format!("cannot read {}", message.display()))?
    });
    if text.trim().is_empty() {
        anyhow::bail!("nothing to send: the message is empty");
    }
    partner::answer(
        &access.client,
        &access.token,
        &access.identity,
        id,
        None,
        Some(text.trim()),
        access.desk_fingerprint.as_deref(),
    )
    .await?;
    println!("Message sent to the desk, encrypted to its key.");
    Ok(())
}
