use std::path::Path;

use anyhow::Context;
use serde_json::json;

use crate::domain::Recipient;
use crate::os::files::write_private;

/// Writes a new identity in the format of `age-keygen`, readable by `age -d -i`.
pub fn keygen(output: &Path, json: bool) -> anyhow::Result<()> {
    if output.exists() {
        anyhow::bail!(
            "{} already exists; refusing to overwrite a key",
            output.display()
        );
    }
    let identity = age::x25519::Identity::generate();
    let recipient = Recipient::from(identity.to_public());
    let secret = age::secrecy::ExposeSecret::expose_secret(&identity.to_string()).to_owned();
    let contents = zeroize::Zeroizing::new(format!(
        "# created by resguardo keygen\n# public key: {}\n{secret}\n",
        recipient.as_str()
    ));
    write_private(output, contents.as_bytes())
        .with_context(|| format!("cannot write {}", output.display()))?;
    if json {
        super::print_json(&json!({
            "identity_file": output.display().to_string(),
            "recipient": recipient.as_str(),
            "fingerprint": recipient.fingerprint().as_str(),
        }));
    } else {
        eprintln!(
            "Wrote the private key to {} (mode 0600). Keep it secret and backed up.",
            output.display()
        );
        println!("{}", recipient.as_str());
        println!("Safety number: {}", recipient.fingerprint());
    }
    Ok(())
}

/// Prints the safety number of a recipient given on the command line (docs/protocol.md §9).
pub fn safety_number(recipient: &str, json: bool) -> anyhow::Result<()> {
    let recipient = Recipient::parse(recipient.trim())
        .map_err(|_| anyhow::anyhow!("{recipient:?} is not an age X25519 recipient (age1…)"))?;
    let number = recipient.fingerprint();
    if json {
        super::print_json(&json!({
            "recipient": recipient.as_str(), "safety_number": number.as_str(),
        }));
    } else {
        println!("{number}");
    }
    Ok(())
}
