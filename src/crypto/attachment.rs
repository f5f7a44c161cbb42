//! One attachment's age file (docs/protocol.md §12), on the clients' side: a file encrypted as it
//! is read to a fresh X25519 identity of its own, its plaintext padded with zeros to the file's
//! bucket; and opened again as it is read, checked against the length and SHA-256 the report or
//! message that carries its key names. Neither holds more than one 64 KiB chunk of the file in
//! memory.

use std::io::{self, Read, Write};

use sha2::{Digest, Sha256};
use zeroize::Zeroizing;

use super::padding::file_bucket;

/// The size of the pieces read and written: age's STREAM chunk.
const CHUNK: usize = 64 * 1024;

/// What encrypting a file made: its identity, its length, its SHA-256 and its bucket.
pub struct SealedFile {
    /// The identity the file was encrypted to, made for it alone.
    pub identity: age::x25519::Identity,
    /// The file's length, before padding.
    pub size: u64,
    /// SHA-256 of the file.
    pub sha256: [u8; 32],
    /// The length its plaintext was padded to (`padding::file_bucket`).
    pub bucket: u64,
}

/// Encrypts everything `input` holds to a fresh identity, writing the age file to `output`.
pub fn seal_file(mut input: impl Read, output: impl Write) -> io::Result<SealedFile> {
    let identity = age::x25519::Identity::generate();
    let recipient = identity.to_public();
    let encryptor =
        age::Encryptor::with_recipients(std::iter::once(&recipient as &dyn age::Recipient))
            .map_err(io::Error::other)?;
    let mut writer = encryptor.wrap_output(output)?;
    let mut hasher = Sha256::new();
    let mut size = 0u64;
    let mut chunk = Zeroizing::new(vec![0u8; CHUNK]);
    loop {
        let n = match input.read(&mut chunk) {
            Ok(0) => break,
            Ok(n) => n,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(e),
        };
        hasher.update(&chunk[..n]);
        writer.write_all(&chunk[..n])?;
        size += n as u64;
    }
    let bucket = file_bucket(size);
    chunk.fill(0);
    let mut padding = bucket - size;
    while padding > 0 {
        let n = padding.min(CHUNK as u64);
        writer.write_all(&chunk[..n as usize])?;
        padding -= n;
    }
    writer.finish()?.flush()?;
    Ok(SealedFile {
        identity,
        size,
        sha256: hasher.finalize().into(),
        bucket,
    })
}

/// Why an attachment's age file did not open as described.
#[derive(Debug, thiserror::Error)]
pub enum OpenFileError {
    #[error("the attachment's key does not open it")]
    WrongKey,
    #[error("the attachment is damaged or cut short")]
    Damaged,
    #[error("the attachment is not as long as its manifest says, or its padding is not zeros")]
    Length,
    #[error("the attachment's SHA-256 is not the one its manifest names")]
    Digest,
    #[error("cannot write the attachment: {0}")]
    Write(io::Error),
}

/// Decrypts the age file `input` with `identity`, writes the first `size` bytes of its plaintext
/// to `output`, and checks that the rest is zeros up to the bucket and that what was written has
/// the SHA-256 `sha256`. Bytes are written before the last check can be made: on an error the
/// caller must discard `output`.
pub fn open_file(
    input: impl Read,
    identity: &age::x25519::Identity,
    size: u64,
    sha256: &[u8; 32],
    mut output: impl Write,
) -> Result<(), OpenFileError> {
    let decryptor = age::Decryptor::new(input).map_err(|_| OpenFileError::Damaged)?;
    let mut reader = decryptor
        .decrypt(std::iter::once(identity as &dyn age::Identity))
        .map_err(|e| match e {
            age::DecryptError::NoMatchingKeys => OpenFileError::WrongKey,
            _ => OpenFileError::Damaged,
        })?;
    let mut hasher = Sha256::new();
    let mut chunk = Zeroizing::new(vec![0u8; CHUNK]);
    let mut read = 0u64;
    loop {
        let n = match reader.read(&mut chunk) {
            Ok(0) => break,
            Ok(n) => n,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(_) => return Err(OpenFileError::Damaged),
        };
        let content = usize::try_from(size.saturating_sub(read)).map_or(n, |left| left.min(n));
        let (file, padding) = chunk[..n].split_at(content);
        if padding.iter().any(|&b| b != 0) {
            return Err(OpenFileError::Length);
        }
        hasher.update(file);
        output.write_all(file).map_err(OpenFileError::Write)?;
        read += n as u64;
    }
    if read < size || read != file_bucket(size) {
        return Err(OpenFileError::Length);
    }
    output.flush().map_err(OpenFileError::Write)?;
    let digest: [u8; 32] = hasher.finalize().into();
    match digest == *sha256 {
        true => Ok(()),
        false => Err(OpenFileError::Digest),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sealed(file: &[u8]) -> (Vec<u8>, SealedFile) {
        let mut out = Vec::new();
        let sealed = seal_file(file, &mut out).unwrap();
        (out, sealed)
    }

    #[test]
    fn files_open_as_sealed_and_only_so() {
        let file: Vec<u8> = (0..200_000u32).map(|i| (i % 251) as u8 + 1).collect();
        let (age_file, s) = sealed(&file);
        assert_eq!((s.size, s.bucket), (200_000, 212_992));
        assert_eq!(s.sha256, <[u8; 32]>::from(Sha256::digest(&file)));
        // Padded to the bucket, in 64 KiB STREAM chunks of 16-byte tags, behind the header.
        let body = 16 + s.bucket + 16 * s.bucket.div_ceil(65_536);
        assert!((168..=368).contains(&(age_file.len() as u64 - body)));
        let mut out = Vec::new();
        open_file(&age_file[..], &s.identity, s.size, &s.sha256, &mut out).unwrap();
        assert_eq!(out, file);

        let open = |size: u64, digest: &[u8; 32], key: &age::x25519::Identity, bytes: &[u8]| {
            open_file(bytes, key, size, digest, std::io::sink())
        };
        let other = age::x25519::Identity::generate();
        assert!(matches!(
            open(s.size, &s.sha256, &other, &age_file),
            Err(OpenFileError::WrongKey)
        ));
        // A manifest that lies about the length or the hash; a file cut short.
        assert!(matches!(
            open(s.size - 1, &s.sha256, &s.identity, &age_file),
            Err(OpenFileError::Length | OpenFileError::Digest)
        ));
        assert!(matches!(
            open(s.size + 1, &s.sha256, &s.identity, &age_file),
            Err(OpenFileError::Digest)
        ));
        assert!(matches!(
            open(s.bucket + 1, &s.sha256, &s.identity, &age_file),
            Err(OpenFileError::Length)
        ));
        assert!(matches!(
            open(s.size, &[0; 32], &s.identity, &age_file),
            Err(OpenFileError::Digest)
        ));
        let cut = &age_file[..age_file.len() - 70_000];
        assert!(matches!(
            open(s.size, &s.sha256, &s.identity, cut),
            Err(OpenFileError::Damaged)
        ));
    }

    #[test]
    fn an_empty_file_is_a_bucket_of_zeros() {
        let (age_file, s) = sealed(b"");
        assert_eq!((s.size, s.bucket), (0, 65_536));
        let mut out = Vec::new();
        open_file(&age_file[..], &s.identity, 0, &s.sha256, &mut out).unwrap();
        assert!(out.is_empty());
    }
}
