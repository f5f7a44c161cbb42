//! Encrypting to and decrypting from age X25519 keys, on the clients' side. The server never calls
//! these with anything but test data.

use std::io::{Read, Write};

use zeroize::Zeroizing;

#[derive(Debug, thiserror::Error)]
pub enum SealError {
    #[error("there is no recipient to encrypt to")]
    NoRecipients,
    #[error("encryption failed: {0}")]
    Encrypt(String),
    #[error("this key cannot decrypt the ciphertext")]
    WrongKey,
    #[error("the ciphertext is damaged")]
    Damaged,
}

/// Encrypts `plaintext` to every recipient in one age file.
pub fn seal(
    recipients: &[&age::x25519::Recipient],
    plaintext: &[u8],
) -> Result<Vec<u8>, SealError> {
    let refs = recipients.iter().map(|r| *r as &dyn age::Recipient);
    let encryptor = age::Encryptor::with_recipients(refs).map_err(|_| SealError::NoRecipients)?;
    let mut out = Vec::with_capacity(plaintext.len() + 512);
    let mut writer = encryptor
        .wrap_output(&mut out)
        .map_err(|e| SealError::Encrypt(e.to_string()))?;
    writer
        .write_all(plaintext)
        .and_then(|()| writer.finish().map(|_| ()))
        .map_err(|e| SealError::Encrypt(e.to_string()))?;
    Ok(out)
}

/// Decrypts an age file with one identity. The plaintext is zeroized when dropped.
pub fn open(
    identity: &age::x25519::Identity,
    ciphertext: &[u8],
) -> Result<Zeroizing<Vec<u8>>, SealError> {
    let decryptor = age::Decryptor::new_buffered(ciphertext).map_err(|_| SealError::Damaged)?;
    let mut reader = decryptor
        .decrypt(std::iter::once(identity as &dyn age::Identity))
        .map_err(|e| match e {
            age::DecryptError::NoMatchingKeys => SealError::WrongKey,
            _ => SealError::Damaged,
        })?;
    let mut plaintext = Zeroizing::new(Vec::new());
    reader
        .read_to_end(&mut plaintext)
        .map_err(|_| SealError::Damaged)?;
    Ok(plaintext)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip_and_wrong_key() {
        let a = age::x25519::Identity::generate();
        let b = age::x25519::Identity::generate();
        let sealed = seal(&[&a.to_public()], b"secret").unwrap();
        assert_eq!(open(&a, &sealed).unwrap().as_slice(), b"secret");
        assert!(matches!(open(&b, &sealed), Err(SealError::WrongKey)));
        assert!(matches!(seal(&[], b"x"), Err(SealError::NoRecipients)));
    }
}
