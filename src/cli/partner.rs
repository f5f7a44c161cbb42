//! `resguardo partner …`: a partner organisation reads the referrals made to it and answers them.
//! The token and the identity come from files of mode 0600; decryption happens here.

use std::path::Path;
use std::str::FromStr;

use anyhow::Context;
use serde_json::json;
use zeroize::Zeroizing;

use super::terminal::{authenticity_label, shown};
use super::{PartnerAccess, PartnerCommand};
use crate::client::{partner, trust, ApiClient};
use crate::crypto::chain::{DeskState, Pins};
use crate::crypto::signing;
use crate::domain::{DeskSlug, Fingerprint, Recipient, ReferralStatus};
use crate::os::files::check_private;
use crate::protocol::attachments::{manifest_in, without_keys};

/// What every partner command needs.
struct Access {
    server: String,
    client: ApiClient,
    token: Zeroizing<String>,
    identity: age::x25519::Identity,
    desk_root: Option<Fingerprint>,
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
    let desk_root = args
        .desk_root
        .map(|typed| {
            Fingerprint::parse_typed(&typed).ok_or_else(|| {
                anyhow::anyhow!(
                    "--desk-root is not a safety number (32 hexadecimal digits, as the desk gave it)"
                )
            })
        })
        .transpose()?;
    Ok(Access {
        client: ApiClient::new(&server)?,
        server,
        token: Zeroizing::new(token.trim().to_owned()),
        identity: read_identity(&identity_file)?,
        desk_root,
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
        PartnerCommand::Desk { json } => desk(&access, json).await,
        PartnerCommand::Inbox { json } => inbox(&access, json).await,
        PartnerCommand::Show { id, json } => show(&access, &id, json).await,
        PartnerCommand::Accept { id } => set(&access, &id, ReferralStatus::Accepted).await,
        PartnerCommand::Decline { id } => set(&access, &id, ReferralStatus::Declined).await,
        PartnerCommand::Close { id } => set(&access, &id, ReferralStatus::Closed).await,
        PartnerCommand::Update { id, message } => update(&access, &id, &message).await,
        PartnerCommand::Attachments { id, out, json } => {
            attachments(&access, &id, out.as_deref(), json).await
        }
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

/// The partner's desk as this device verified it: its slug, the root it trusts, its chain.
struct VerifiedDesk {
    desk: DeskSlug,
    root: Fingerprint,
    state: DeskState,
}

/// The partner's desk, its chain verified from the root this device pinned (or pins now, from
/// --desk-root), the head pinned after: what every message to the desk is encrypted by.
async fn verified_desk(access: &Access) -> anyhow::Result<VerifiedDesk> {
    let served = partner::served_desk(&access.client, &access.token).await?;
    let desk = served.desk.clone();
    let pinned = trust::pins(&access.server, desk.as_str())
        .with_context(|| "cannot read this device's trust file")?;
    let pins = match (pinned, &access.desk_root) {
        (Some(pins), Some(typed)) if !pins.root.matches_typed(typed.as_str()) => anyhow::bail!(
            "this device already trusts another root for desk {desk} ({}); it was not replaced",
            pins.root
        ),
        (Some(pins), _) => pins,
        (None, Some(typed)) => Pins {
            root: typed.clone(),
            head: None,
        },
        (None, None) => anyhow::bail!(
            "this device has no root for desk {desk}: ask the desk's supervisor for the desk root \
             safety number and run once with --desk-root NUMBER"
        ),
    };
    let state = partner::verify_desk(&served, &pins, &access.identity)?;
    // Pinned only once the chain verified from it: a mistyped root is refused, not kept.
    trust::pin_root(&access.server, desk.as_str(), &pins.root)?;
    // verify_desk refuses a chain that signs no desk key.
    let key = state.current_key().map(|(_, key)| key.clone());
    if let (Some(expected), Some(key)) = (&access.desk_fingerprint, key) {
        if !key.fingerprint().matches_typed(expected) {
            anyhow::bail!(
                "the desk key the desk's statements sign has safety number {}, not {expected}: \
                 nothing was sent",
                key.fingerprint()
            );
        }
    }
    trust::pin_head(&access.server, desk.as_str(), state.head())?;
    Ok(VerifiedDesk {
        desk,
        root: pins.root,
        state,
    })
}

async fn desk(access: &Access, json: bool) -> anyhow::Result<()> {
    let VerifiedDesk { desk, root, state } = verified_desk(access).await?;
    let (version, key) = state
        .current_key()
        .ok_or_else(|| anyhow::anyhow!("the desk's statements sign no desk key yet"))?;
    let (seq, link) = state.head();
    let head = Fingerprint::of_digest(&link);
    let name = partner::signed_as(&state, &access.identity).unwrap_or_default();
    if json {
        super::print_json(&json!({
            "desk": desk.as_str(), "root": root.as_str(), "head": head.as_str(),
            "head_seq": seq, "desk_key_version": version,
            "desk_key_safety_number": key.fingerprint().as_str(), "signed_as": name,
        }));
    } else {
        println!("Desk {desk}: its key statements verify from the root {root}.");
        println!(
            "Your messages go to desk key version {version}, safety number {}.",
            key.fingerprint()
        );
        println!("The desk signed you as {}.", shown(name));
        println!(
            "Head {seq}: {head} (a colleague of the desk who reads the same saw the same keys)"
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

/// `partner attachments ID [--out DIR]`: the files the referral's document shares, listed; with
/// `--out`, each downloaded, decrypted here and kept only once checked (`cli::evidence::save`).
async fn attachments(
    access: &Access,
    id: &str,
    out: Option<&Path>,
    json: bool,
) -> anyhow::Result<()> {
    let (client, token, identity) = (&access.client, &access.token, &access.identity);
    let open = partner::open_referral(client, token, identity, id, None).await?;
    let document = (open.document.as_ref())
        .ok_or_else(|| anyhow::anyhow!("this identity does not open referral {id}"))?;
    let entries = manifest_in(document).map_err(|e| {
        anyhow::anyhow!("the referral names its files in a form this version cannot read: {e}")
    })?;
    if let Some(dir) = out {
        super::evidence::private_dir(dir)?;
    }
    let mut listed = Vec::new();
    let mut failed = 0;
    for (index, entry) in entries.iter().enumerate() {
        let saved = match out {
            Some(dir) => {
                let path = dir.join(super::evidence::file_name(index + 1, entry));
                let route = format!("/api/v1/partner/referrals/{id}/attachments/{}", entry.id);
                let done = super::evidence::save(client, token, &route, entry, &path).await;
                failed += usize::from(done.is_err());
                Some(done.map(|()| path))
            }
            None => None,
        };
        listed.push((index + 1, entry, saved));
    }
    if json {
        let list: Vec<_> = (listed.iter())
            .map(|(number, e, saved)| {
                json!({
                    "number": number, "id": e.id, "name": e.name, "type": e.media_type,
                    "size": e.size, "sha256": e.sha256, "orientation": e.orientation,
                    "cleaned": e.cleaned, "original": e.original,
                    "saved": saved.as_ref().and_then(|s| s.as_ref().ok()),
                    "error": saved.as_ref().and_then(|s| s.as_ref().err()).map(|e| format!("{e:#}")),
                })
            })
            .collect();
        super::print_json(&json!(list));
    } else {
        if listed.is_empty() {
            println!("The referral shares no files.");
        }
        for (number, e, saved) in &listed {
            println!(
                "{number}. {} — {}, {} bytes",
                shown(e.name.as_deref().unwrap_or("(no name)")),
                shown(&e.media_type),
                e.size
            );
            match saved {
                Some(Ok(path)) => println!("   saved, SHA-256 checked: {}", path.display()),
                Some(Err(error)) => println!("   NOT saved: {}", shown(&format!("{error:#}"))),
                None => {}
            }
        }
    }
    match failed {
        0 => Ok(()),
        n => Err(anyhow::anyhow!(
            "{n} file(s) could not be saved (see above)"
        )),
    }
}

async fn show(access: &Access, id: &str, json: bool) -> anyhow::Result<()> {
    // The desk's messages are checked against its chain, when this device can verify it; reading
    // goes on without (the messages then show as unchecked).
    let desk = match verified_desk(access).await {
        Ok(verified) => Some(verified.state),
        Err(e) => {
            eprintln!(
                "Note: the desk's messages cannot be checked on this device: {}",
                shown(&e.to_string())
            );
            None
        }
    };
    let (client, token, identity) = (&access.client, &access.token, &access.identity);
    let open = partner::open_referral(client, token, identity, id, desk.as_ref()).await?;
    let updates: Vec<_> = open.updates.iter().map(|u| u.to_json()).collect();
    if json {
        super::print_json(&json!({
            "id": open.view.id, "status": open.view.status, "created": open.view.created,
            "expires": open.view.expires, "referral": open.document.as_ref().map(without_keys),
            "updates": updates,
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
            let files = manifest_in(doc).map_or(0, |entries| entries.len());
            if files > 0 {
                println!(
                    "Files: {files} (`resguardo partner attachments {id}` lists and saves them)"
                );
            }
            for (key, value) in doc.as_object().into_iter().flatten() {
                if key != "schema" && key != "attachments" {
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
        let from = if u.from_desk { "desk: " } else { "" };
        println!("{} {status}{from}{}{checked}", u.day, shown(text));
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
    )
    .await?;
    println!("Referral {id} is now {}.", status.as_str());
    Ok(())
}

async fn update(access: &Access, id: &str, message: &Path) -> anyhow::Result<()> {
    let text = super::terminal::read_message(message)?;
    let state = verified_desk(access).await?.state;
    partner::answer(
        &access.client,
        &access.token,
        &access.identity,
        id,
        None,
        Some((text.trim(), &state)),
    )
    .await?;
    println!("Message sent to the desk, encrypted to its key.");
    Ok(())
}
