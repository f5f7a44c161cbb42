//! `resguardo desk init-key`, `rotate-key` and `reencrypt-open`: a supervisor's commands for the
//! desk key, which is made, granted and moved on this device, never on the server.

use serde_json::json;

use super::signed_in::{desk_keys_of, unlocked};
use crate::client::session::SavedSession;
use crate::client::{desk_keys, reencrypt, trust, ApiClient};

/// The safety number of a recipient, computed on this device (docs/protocol.md §9).
fn local_safety_number(recipient: &str) -> anyhow::Result<crate::domain::Fingerprint> {
    crate::domain::Recipient::parse(recipient)
        .map(|r| r.fingerprint())
        .map_err(|_| anyhow::anyhow!("the server answered with a key that is not an age recipient"))
}

/// `resguardo desk init-key`: makes the desk key on this device (first supervisor only).
pub async fn init_key(json: bool) -> anyhow::Result<()> {
    let (saved, identity) = unlocked().await?;
    let client = ApiClient::new(&saved.server)?;
    let first = desk_keys::init_desk_key(&client, &saved.token, &identity).await?;
    let key = &first.key;
    // This device trusts the root it just made, and checks that the server kept the statements.
    trust::pin_root(&saved.server, &saved.desk, &first.root)?;
    trust::verified(&client, &saved.token, &saved.server, &saved.desk).await?;
    // Computed here from the key this device made, never taken from the server's answer.
    let number = local_safety_number(&key.recipient)?;
    if json {
        super::print_json(&json!({
            "desk": saved.desk, "key_version": key.key_version,
            "recipient": key.recipient, "fingerprint": number.as_str(),
            "desk_root": first.root.as_str(),
        }));
    } else {
        println!(
            "Desk {} now has its key (version {}).",
            saved.desk, key.key_version
        );
        println!("Safety number: {number}");
        println!("Publish this safety number where reporters can check it (--desk-fingerprint).");
        println!();
        println!("Desk root safety number: {}", first.root);
        println!("It is your account's number, which signs the desk's key statements. Give it to");
        println!(
            "everyone who enrols, with their code, and keep it where your staff can check it."
        );
    }
    Ok(())
}

/// `resguardo desk rotate-key [--reencrypt-open]`.
pub async fn rotate_key(reencrypt_open: bool, json: bool) -> anyhow::Result<()> {
    // Unlocked first, so that a wrong password stops the command before anything changes; the
    // identity also signs the new key's statement.
    let (saved, identity) = unlocked().await?;
    let client = ApiClient::new(&saved.server)?;
    let (state, _) = desk_keys_of(&client, &saved, &identity).await?;
    let rotated = desk_keys::rotate(&client, &saved.token, &identity, &state).await?;
    let outcome = if reencrypt_open {
        Some(reencrypt(&client, &saved, &identity).await?)
    } else {
        None
    };
    // Tokens of the older key link nothing made from now on: every case is linked again under
    // the new key (decision 0009). A failure here loses nothing; `desk link-cases` finishes it.
    let relinked = super::links::relink(&client, &saved, &identity).await;
    let key = &rotated.key;
    let number = local_safety_number(&key.recipient)?;
    if json {
        let receivers: Vec<_> = rotated
            .receivers
            .iter()
            .map(|r| json!({"username": r.username, "safety_number": r.safety_number.as_str()}))
            .collect();
        super::print_json(&json!({
            "desk": saved.desk, "key_version": key.key_version,
            "recipient": key.recipient, "fingerprint": number.as_str(),
            "granted_to": receivers, "not_signed": rotated.unsigned,
            "reencrypted": outcome.as_ref().map(outcome_json),
            "relinked": relinked.as_ref().ok().map(|d| json!({"linked": d.linked, "unreadable": d.unreadable})),
        }));
        return Ok(());
    }
    println!(
        "Desk {} now uses key version {} (safety number {number}).",
        saved.desk, key.key_version
    );
    println!("Granted to the accounts the desk's statements vet (compare their account numbers):");
    for r in &rotated.receivers {
        println!("  {:<20} {}", r.username, r.safety_number);
    }
    for name in &rotated.unsigned {
        println!(
            "  {name}: NOT granted; the server lists them as vetted, but the desk's statements \
             do not (never approved, or revoked)"
        );
    }
    println!("Publish the new safety number where reporters check it.");
    match outcome {
        Some(outcome) => print_outcome(&outcome),
        None => println!(
            "Open cases stay under the older key; `resguardo desk reencrypt-open` moves them."
        ),
    }
    match relinked {
        Ok(done) => println!(
            "Linked cases: stored the new key's match tokens of {} cases.",
            done.linked
        ),
        Err(e) => println!(
            "Linked cases were not re-linked ({}); run `resguardo desk link-cases`.",
            super::terminal::shown(&e.to_string())
        ),
    }
    Ok(())
}

/// `resguardo desk reencrypt-open`: moves open cases to the current desk key (again, after an
/// interrupted run: parts already moved are skipped).
pub async fn reencrypt_open(json: bool) -> anyhow::Result<()> {
    let (saved, identity) = unlocked().await?;
    let client = ApiClient::new(&saved.server)?;
    let outcome = reencrypt(&client, &saved, &identity).await?;
    if json {
        super::print_json(&outcome_json(&outcome));
    } else {
        print_outcome(&outcome);
    }
    Ok(())
}

async fn reencrypt(
    client: &ApiClient,
    saved: &SavedSession,
    identity: &age::x25519::Identity,
) -> anyhow::Result<reencrypt::Outcome> {
    let (state, keys) = desk_keys_of(client, saved, identity).await?;
    let token = &saved.token;
    let outcome =
        reencrypt::reencrypt_open(client, token, identity, &keys, &state, |done, total| {
            eprint!("\rRe-encrypting open cases: {done}/{total}");
        })
        .await;
    eprintln!();
    Ok(outcome?)
}

fn outcome_json(outcome: &reencrypt::Outcome) -> serde_json::Value {
    json!({
        "cases": outcome.cases, "replaced": outcome.replaced,
        "current": outcome.current, "unreadable": outcome.unreadable,
        "partner_unsigned": outcome.partner_unsigned,
    })
}

fn print_outcome(outcome: &reencrypt::Outcome) {
    println!(
        "Re-encrypted {} ciphertexts of {} open cases to the current key ({} were already on it).",
        outcome.replaced, outcome.cases, outcome.current
    );
    if outcome.partner_unsigned > 0 {
        println!(
            "{} referral copies and partner answers belong to partners the desk's statements do \
             not hold and were left as they are: sign them with `resguardo desk init-chain`, \
             then run this again.",
            outcome.partner_unsigned
        );
    }
    if outcome.unreadable > 0 {
        println!(
            "{} ciphertexts open with no key you hold and were left as they are.",
            outcome.unreadable
        );
    }
}
