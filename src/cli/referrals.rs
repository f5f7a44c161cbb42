//! `resguardo desk partner …` (the directory, for supervisors) and `resguardo worker partners|refer`
//! (routing a case, for vetted accounts). Ranking and encryption happen on this device.

use std::path::Path;

use serde_json::{json, Value};

use super::signed_in::{desk_keys_of, saved, unlocked};
use super::terminal::{ask, shown};
use super::DirectoryCommand;
use crate::client::{desk_statements, referrals, triage, trust, ApiClient, ClientError};
use crate::crypto::chain::DeskState;
use crate::domain::{
    hex_decode_array, Country, Fingerprint, PartnerStatus, Recipient, ReferralField, Service,
    SigningPublic,
};
use crate::protocol::attachments::ManifestEntry;
use crate::protocol::case::OpenCase;
use crate::protocol::referral::{self, ConsentDecision, ReferralOrder};
use crate::protocol::referrals::{NewPartner, PartnerToken, PartnerView};

pub async fn directory(command: DirectoryCommand) -> anyhow::Result<()> {
    let saved = saved()?;
    let client = ApiClient::new(&saved.server)?;
    match command {
        DirectoryCommand::Add {
            name,
            services,
            countries,
            languages,
            recipient,
            signing_key,
            contact,
            webhook,
            json,
        } => {
            let key = Recipient::parse(&recipient)
                .map_err(|_| anyhow::anyhow!("--recipient is not an age recipient (age1…)"))?;
            let signing_key = parse_signing_key(&signing_key)?;
            compare_number(&name, &key, &signing_key, "nothing was added")?;
            let partner = NewPartner {
                name,
                services,
                countries,
                languages,
                recipient,
                contact,
                webhook,
            };
            // Signed into the desk's statements, so that workers' devices refer to this key only.
            let (saved, identity) = unlocked().await?;
            let (state, _) = desk_keys_of(&client, &saved, &identity).await?;
            let created = desk_statements::add_partner(
                &client,
                &saved.token,
                &identity,
                &state,
                &partner,
                signing_key,
            )
            .await?;
            print_token(&created, json, "added");
        }
        DirectoryCommand::SignKey {
            partner,
            signing_key,
        } => {
            let signing_key = parse_signing_key(&signing_key)?;
            let partners = client.partners(&saved.token).await?;
            let p = referral::find_partner(&partners, &partner)?;
            let (saved, identity) = unlocked().await?;
            let (state, _) = desk_keys_of(&client, &saved, &identity).await?;
            // The name and key the chain signed, not the server's listing.
            let signed = referral::signed_partner_key(&state, p)?;
            compare_number(&p.name, &signed, &signing_key, "nothing was signed")?;
            desk_statements::add_partner_signing_key(
                &client,
                &saved.token,
                &identity,
                &state,
                p,
                signing_key,
            )
            .await?;
            println!(
                "{}'s answers are now checked against its signing key.",
                shown(&p.name)
            );
        }
        DirectoryCommand::List { json } => {
            let partners = client.partners(&saved.token).await?;
            // The chain needs no password to verify; a device without a root lists without it.
            let state = trust::verified(&client, &saved.token, &saved.server, &saved.desk)
                .await
                .ok();
            if json {
                super::print_json(&serde_json::to_value(&partners)?);
            } else if partners.is_empty() {
                println!(
                    "The directory is empty: `resguardo desk partner add` registers a partner."
                );
            }
            for p in partners.iter().filter(|_| !json) {
                println!("{}  {} ({:?})", p.id, shown(&p.name), p.status);
                println!("    offers {}", services_text(&p.services));
                println!(
                    "    in {} · languages {} · {}",
                    countries_text(&p.countries),
                    p.languages
                        .iter()
                        .map(|l| l.code())
                        .collect::<Vec<_>>()
                        .join(","),
                    shown(&p.contact)
                );
                println!("    {}", signed_note(state.as_ref(), p));
            }
        }
        DirectoryCommand::Disable { partner } => {
            let partners = client.partners(&saved.token).await?;
            let p = referral::find_partner(&partners, &partner)?;
            let (saved, identity) = unlocked().await?;
            let (state, _) = desk_keys_of(&client, &saved, &identity).await?;
            desk_statements::disable_partner(&client, &saved.token, &identity, &state, p).await?;
            println!(
                "{} is disabled: its token no longer works, and the desk's statements revoke its key.",
                shown(&p.name)
            );
        }
        DirectoryCommand::RotateToken { partner, json } => {
            let partners = client.partners(&saved.token).await?;
            let p = referral::find_partner(&partners, &partner)?;
            let rotated = client.partner_token(&saved.token, &p.id).await?;
            print_token(
                &rotated,
                json,
                "has a new token; the old one no longer works",
            );
        }
    }
    Ok(())
}

fn parse_signing_key(text: &str) -> anyhow::Result<SigningPublic> {
    SigningPublic::parse_b64(text).map_err(|_| {
        anyhow::anyhow!(
            "--signing-key is not a signing key (base64 of 32 bytes, as `resguardo partner keys` \
             prints it)"
        )
    })
}

/// Asks for the safety number the partner reads from its own screen and refuses unless it is the
/// number of exactly these two keys (docs/protocol.md §9.1).
fn compare_number(
    name: &str,
    recipient: &Recipient,
    signing_key: &SigningPublic,
    otherwise: &str,
) -> anyhow::Result<()> {
    let number = Fingerprint::of_account(recipient, signing_key);
    let typed = ask(&format!(
        "Safety number shown on {}'s own screen (`resguardo partner keys` printed it there):",
        shown(name)
    ))?;
    if !number.matches_typed(&typed) {
        anyhow::bail!(
            "the safety number does not match the keys given; {otherwise}: the keys may not be \
             the partner's (the expected number is not shown, so that nobody copies it)"
        );
    }
    Ok(())
}

/// The partner's safety number and whether the desk's statements hold it with the key listed,
/// for the directory: computed here from the keys referrals go to, never the server's text.
fn signed_note(state: Option<&DeskState>, partner: &PartnerView) -> String {
    let listed = Recipient::parse(&partner.recipient).map_or_else(
        |_| "safety number (not an age recipient!)".to_owned(),
        |r| format!("safety number {}", r.fingerprint()),
    );
    let Some(state) = state else {
        return format!("{listed} (statements not verified on this device)");
    };
    let signed = hex_decode_array(&partner.id).and_then(|id| state.partner(&id));
    match (referral::signed_partner_key(state, partner), signed) {
        (Ok(_), Some(p)) if p.signing_key.is_some() => {
            format!(
                "safety number {} (signed, with its signing key)",
                p.safety_number()
            )
        }
        (Ok(_), _) => format!(
            "{listed} (signed; its answers cannot be checked until `desk partner sign-key`)"
        ),
        (Err(_), _) if partner.status != PartnerStatus::Active => listed,
        (Err(_), _) => format!("{listed} (NOT signed with this key: referrals to it are refused)"),
    }
}

fn services_text(services: &[Service]) -> String {
    services
        .iter()
        .map(|s| s.as_str())
        .collect::<Vec<_>>()
        .join(",")
}

fn countries_text(countries: &[Country]) -> String {
    countries
        .iter()
        .map(Country::as_str)
        .collect::<Vec<_>>()
        .join(",")
}

fn print_token(created: &PartnerToken, json: bool, what: &str) {
    if json {
        super::print_json(&json!({"partner": created.partner, "token": created.token,
                                  "webhook_key": created.webhook_key}));
        return;
    }
    println!(
        "{} {what} (id {}).",
        created.partner.name, created.partner.id
    );
    println!("Its API token, shown only now; hand it over in person or over a channel you trust:");
    println!("    {}", created.token);
    if let Some(key) = &created.webhook_key {
        println!("The key its webhook deliveries are signed with (docs/partners.md):");
        println!("    {key}");
    }
}

/// `worker partners --for ID`.
pub async fn suggest(case_id: &str, json: bool) -> anyhow::Result<()> {
    let (saved, identity) = unlocked().await?;
    let client = ApiClient::new(&saved.server)?;
    let (_, keys) = desk_keys_of(&client, &saved, &identity).await?;
    let case = triage::open_case(&client, &saved.token, &keys.identities, case_id).await?;
    let report = decrypted_report(&case)?;
    let partners = client.partners(&saved.token).await?;
    let ranked = referral::suggest(&report, &partners);
    if json {
        let list: Vec<Value> = ranked
            .iter()
            .map(|s| {
                json!({"id": s.partner.id, "name": s.partner.name, "score": s.score(),
                       "serves": s.serves, "country": s.country, "language": s.language})
            })
            .collect();
        super::print_json(&json!(list));
        return Ok(());
    }
    if ranked.is_empty() {
        println!("No active partner in the directory.");
    }
    for s in ranked {
        let serves = if s.serves.is_empty() {
            "none of the needs".to_owned()
        } else {
            services_text(&s.serves)
        };
        println!(
            "{:>2}  {}  serves {serves}{}{}",
            s.score(),
            shown(&s.partner.name),
            if s.country { " · same country" } else { "" },
            if s.language { " · same language" } else { "" }
        );
    }
    Ok(())
}

fn decrypted_report(case: &crate::protocol::case::OpenCase) -> anyhow::Result<Value> {
    let plain = case
        .report
        .as_ref()
        .ok_or_else(|| anyhow::anyhow!("no desk key on this device opens this report"))?;
    Ok(serde_json::from_slice(plain)?)
}

/// What `worker refer` was asked to do.
pub struct Refer {
    pub partner: String,
    pub fields: Vec<ReferralField>,
    pub reason: Option<String>,
    pub expires_days: Option<u32>,
    /// The numbers, from 1, of the case's files to share (`worker attachments`).
    pub attach: Vec<usize>,
    pub yes: bool,
    pub json: bool,
}

/// `worker refer ID --partner P --fields …`.
/// `worker write-partner`: a message to the partner of the case's newest referral to it.
pub async fn write_to_partner(case_id: &str, partner: &str, message: &Path) -> anyhow::Result<()> {
    let text = super::terminal::read_message(message)?;
    let (saved, identity) = unlocked().await?;
    let client = ApiClient::new(&saved.server)?;
    let (state, keys) = desk_keys_of(&client, &saved, &identity).await?;
    let case = triage::open_case(&client, &saved.token, &keys.identities, case_id).await?;
    let partners = client.partners(&saved.token).await?;
    let partner = referral::find_partner(&partners, partner)?;
    let referral = (case.view.referrals.iter())
        .rev()
        .find(|r| r.partner == partner.id)
        .ok_or_else(|| {
            anyhow::anyhow!(
                "case {case_id} was never referred to {}: `worker refer` first",
                shown(&partner.name)
            )
        })?;
    let (token, own) = (&saved.token, &identity);
    let to = (referral, partner);
    referrals::write_to_partner(&client, token, &case, &state, own, to, &text).await?;
    println!(
        "Message sent to {} on referral {}, signed by you and encrypted to its key and the desk's.",
        shown(&partner.name),
        referral.id
    );
    Ok(())
}

pub async fn refer(case_id: &str, order: Refer) -> anyhow::Result<()> {
    let (saved, identity) = unlocked().await?;
    let client = ApiClient::new(&saved.server)?;
    // The partner's and the desk's keys are those the desk's statements sign, never the server's.
    let (state, keys) = desk_keys_of(&client, &saved, &identity).await?;
    let mut case = triage::open_case(&client, &saved.token, &keys.identities, case_id).await?;
    let report = decrypted_report(&case)?;
    if !order.attach.is_empty() {
        super::triage::seal_if_new(&client, &saved.token, &identity, &state, &mut case).await;
    }
    let partners = client.partners(&saved.token).await?;
    let partner = referral::find_partner(&partners, &order.partner)?;
    referral::signed_partner_key(&state, partner).map_err(ClientError::from)?;
    if order.reason.is_none() && !referral::consented(&report) {
        anyhow::bail!(
            "the reporter did not consent to referral; refer anyway only with \
             --override-consent --reason \"why\" (the reason is recorded)"
        );
    }
    let files = chosen_files(&case, &state, &order.attach)?;
    show_plan(
        partner,
        &referral::referral_document(&report, &order.fields),
    );
    for file in &files {
        let name = file.name.as_deref().unwrap_or("(no name)");
        eprintln!(
            "and the file {} ({}, {} bytes{}), with its key",
            shown(name),
            shown(&file.media_type),
            file.size,
            if file.original {
                ", the untouched original"
            } else {
                ""
            }
        );
    }
    if !order.yes && !ask("Send this? [y/N]")?.trim().eq_ignore_ascii_case("y") {
        anyhow::bail!("nothing was sent");
    }
    let consent = match &order.reason {
        Some(reason) => ConsentDecision::Override { reason },
        None => ConsentDecision::Required,
    };
    let plan = ReferralOrder {
        partner,
        fields: &order.fields,
        consent,
        expires_in_days: order.expires_days,
        attachments: &files,
    };
    let created = referrals::refer(&client, &saved.token, &case, &state, &identity, &plan).await?;
    if order.json {
        super::print_json(&json!({"referral": created.id, "partner": partner.id}));
    } else {
        println!(
            "Referral {} sent to {}; case {case_id} is now referred.",
            created.id,
            shown(&partner.name)
        );
    }
    Ok(())
}

/// The case's files numbered `numbers` (from 1, as `worker attachments` lists them): each one
/// the report names or a message signed by the reporter announces.
fn chosen_files(
    case: &OpenCase,
    state: &DeskState,
    numbers: &[usize],
) -> anyhow::Result<Vec<ManifestEntry>> {
    if numbers.is_empty() {
        return Ok(Vec::new());
    }
    let named = super::evidence::vouched_files(case, state)?;
    let mut chosen: Vec<ManifestEntry> = Vec::new();
    for &number in numbers {
        let file = number
            .checked_sub(1)
            .and_then(|i| named.get(i))
            .ok_or_else(|| {
                anyhow::anyhow!(
                    "--attach {number}: the case names {} file(s); `worker attachments {}` lists them",
                    named.len(),
                    case.view.id
                )
            })?;
        if !file.vouched_for() {
            anyhow::bail!(
                "--attach {number}: the message that names this file is not signed by the reporter"
            );
        }
        if !chosen.iter().any(|e| e.id == file.entry.id) {
            chosen.push(file.entry.clone());
        }
    }
    Ok(chosen)
}

fn show_plan(partner: &PartnerView, document: &serde_json::Map<String, Value>) {
    // The safety number of the key the referral is encrypted to, not the server's text.
    let number = Recipient::parse(&partner.recipient).map_or_else(
        |_| "not an age recipient!".to_owned(),
        |r| r.fingerprint().to_string(),
    );
    eprintln!(
        "This goes to {} (safety number {number}), encrypted to its key and the desk's:",
        shown(&partner.name)
    );
    let text = serde_json::to_string_pretty(document).unwrap_or_default();
    eprintln!("{text}");
}
