//! Stateless proof-of-work (design §5). The server mints a challenge that carries its own expiry and
//! difficulty under an HMAC, so no state is kept until a solution is spent; spent challenges are then
//! remembered in the database until they expire, so each is accepted once across server instances.
//!
//! ```text
//! challenge = version (1 byte, = 1) || expires_at (u64 BE, Unix seconds) || difficulty (1 byte)
//!             || random (16 bytes) || HMAC-SHA256(pow_key, all the previous bytes) (32 bytes)
//! solution  = a u64 nonce with SHA-256(challenge || nonce as 8 bytes BE) having at least
//!             `difficulty` leading zero bits
//! ```

use hmac::{Hmac, Mac};
use rand::RngCore;
use sha2::{Digest, Sha256};

use super::keys::{hmac_sha256, server_key};
use zeroize::Zeroizing;

const VERSION: u8 = 1;
const SIGNED_LEN: usize = 1 + 8 + 1 + 16;
/// Length of an encoded challenge.
pub const CHALLENGE_LEN: usize = SIGNED_LEN + 32;
/// The hardest difficulty a challenge may carry, and the most work a client will do: 2^24
/// hashes on average, about a minute on a cheap phone without WebAssembly. A hostile server
/// could otherwise make clients search for hours.
pub const MAX_DIFFICULTY: u8 = 24;

/// The key that authenticates challenges, derived from the server secret.
pub struct PowKey(Zeroizing<[u8; 32]>);

impl PowKey {
    pub fn new(key: [u8; 32]) -> Self {
        Self(Zeroizing::new(key))
    }

    /// The PoW key derived from the server secret. Each purpose gets its own key from the one
    /// secret, so a leak of one reveals nothing of the others.
    pub fn from_server_secret(secret: &[u8; 32]) -> Self {
        Self(server_key(secret, "resguardo/server/v1/pow"))
    }

    fn mac(&self) -> Hmac<Sha256> {
        hmac_sha256(self.0.as_ref())
    }
}

/// A challenge as issued to a client.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Challenge {
    bytes: [u8; CHALLENGE_LEN],
}

#[derive(Debug, Clone, thiserror::Error, PartialEq, Eq)]
pub enum PowError {
    #[error("the proof-of-work challenge is malformed")]
    Malformed,
    #[error("the proof-of-work challenge was not issued by this server")]
    Forged,
    #[error("the proof-of-work challenge has expired; fetch a new one")]
    Expired,
    #[error("the nonce does not solve the proof-of-work challenge")]
    Unsolved,
}

impl Challenge {
    /// Mints a challenge valid until `expires_at`.
    pub fn mint(key: &PowKey, expires_at: i64, difficulty: u8) -> Self {
        let mut bytes = [0u8; CHALLENGE_LEN];
        bytes[0] = VERSION;
        bytes[1..9].copy_from_slice(&u64::try_from(expires_at).unwrap_or(0).to_be_bytes());
        bytes[9] = difficulty.min(MAX_DIFFICULTY);
        rand::rngs::OsRng.fill_bytes(&mut bytes[10..SIGNED_LEN]);
        let mut mac = key.mac();
        mac.update(&bytes[..SIGNED_LEN]);
        bytes[SIGNED_LEN..].copy_from_slice(&mac.finalize().into_bytes());
        Self { bytes }
    }

    /// Parses a challenge sent back by a client and checks its MAC. Expiry and the nonce are
    /// checked by [`Challenge::verify`].
    pub fn parse(key: &PowKey, bytes: &[u8]) -> Result<Self, PowError> {
        let bytes: [u8; CHALLENGE_LEN] = bytes.try_into().map_err(|_| PowError::Malformed)?;
        if bytes[0] != VERSION {
            return Err(PowError::Malformed);
        }
        let mut mac = key.mac();
        mac.update(&bytes[..SIGNED_LEN]);
        mac.verify_slice(&bytes[SIGNED_LEN..])
            .map_err(|_| PowError::Forged)?;
        Ok(Self { bytes })
    }

    /// Parses without a key, for clients that only need to read the difficulty and solve. A
    /// difficulty above [`MAX_DIFFICULTY`] is refused: a hostile server could make a client search
    /// forever.
    pub fn parse_unverified(bytes: &[u8]) -> Result<Self, PowError> {
        let bytes: [u8; CHALLENGE_LEN] = bytes.try_into().map_err(|_| PowError::Malformed)?;
        if bytes[0] != VERSION || bytes[9] > MAX_DIFFICULTY {
            return Err(PowError::Malformed);
        }
        Ok(Self { bytes })
    }

    pub fn as_bytes(&self) -> &[u8] {
        &self.bytes
    }

    pub fn expires_at(&self) -> i64 {
        let mut be = [0u8; 8];
        be.copy_from_slice(&self.bytes[1..9]);
        i64::try_from(u64::from_be_bytes(be)).unwrap_or(i64::MAX)
    }

    pub fn difficulty(&self) -> u8 {
        self.bytes[9]
    }

    /// What the server remembers of a spent challenge: its SHA-256.
    pub fn digest(&self) -> [u8; 32] {
        Sha256::digest(self.bytes).into()
    }

    /// Checks expiry and the nonce.
    pub fn verify(&self, nonce: u64, now: i64) -> Result<(), PowError> {
        if now >= self.expires_at() {
            return Err(PowError::Expired);
        }
        if leading_zero_bits(&self.hash(nonce)) < u32::from(self.difficulty()) {
            return Err(PowError::Unsolved);
        }
        Ok(())
    }

    fn hash(&self, nonce: u64) -> [u8; 32] {
        let mut hasher = Sha256::new();
        hasher.update(self.bytes);
        hasher.update(nonce.to_be_bytes());
        hasher.finalize().into()
    }

    /// Finds a nonce by counting up from 0. `progress` is called every 65,536 attempts with the
    /// number of attempts so far; on average 2^difficulty attempts are needed.
    pub fn solve(&self, mut progress: impl FnMut(u64)) -> u64 {
        let want = u32::from(self.difficulty());
        let mut nonce = 0u64;
        loop {
            if leading_zero_bits(&self.hash(nonce)) >= want {
                return nonce;
            }
            nonce = nonce.wrapping_add(1);
            if nonce % 65_536 == 0 {
                progress(nonce);
            }
        }
    }
}

fn leading_zero_bits(hash: &[u8; 32]) -> u32 {
    let mut bits = 0;
    for byte in hash {
        bits += byte.leading_zeros();
        if *byte != 0 {
            break;
        }
    }
    bits
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key() -> PowKey {
        PowKey::new([9; 32])
    }

    #[test]
    fn solve_and_verify() {
        let c = Challenge::mint(&key(), 2_000, 10);
        let parsed = Challenge::parse(&key(), c.as_bytes()).unwrap();
        let nonce = parsed.solve(|_| {});
        assert_eq!(parsed.verify(nonce, 1_000), Ok(()));
        assert_eq!(parsed.verify(nonce, 2_000), Err(PowError::Expired));
        let wrong = (0..)
            .find(|n| leading_zero_bits(&parsed.hash(*n)) < 10)
            .unwrap();
        assert_eq!(parsed.verify(wrong, 1_000), Err(PowError::Unsolved));
    }

    #[test]
    fn forged_and_malformed() {
        let c = Challenge::mint(&key(), 2_000, 10);
        assert_eq!(
            Challenge::parse(&PowKey::new([8; 32]), c.as_bytes()),
            Err(PowError::Forged)
        );
        let mut tampered = c.as_bytes().to_vec();
        tampered[9] = 0; // lower the difficulty
        assert_eq!(Challenge::parse(&key(), &tampered), Err(PowError::Forged));
        assert_eq!(
            Challenge::parse(&key(), &tampered[1..]),
            Err(PowError::Malformed)
        );
    }

    #[test]
    fn clients_refuse_more_work_than_the_cap() {
        let mut bytes = Challenge::mint(&key(), 2_000, MAX_DIFFICULTY)
            .as_bytes()
            .to_vec();
        assert_eq!(
            Challenge::parse_unverified(&bytes).map(|c| c.difficulty()),
            Ok(24)
        );
        bytes[9] = MAX_DIFFICULTY + 1;
        assert_eq!(
            Challenge::parse_unverified(&bytes).err(),
            Some(PowError::Malformed)
        );
        // The server never mints above it either.
        assert_eq!(Challenge::mint(&key(), 2_000, 40).difficulty(), 24);
    }

    #[test]
    fn zero_bits() {
        assert_eq!(leading_zero_bits(&[0xff; 32]), 0);
        let mut h = [0u8; 32];
        h[1] = 0x10;
        assert_eq!(leading_zero_bits(&h), 11);
        assert_eq!(leading_zero_bits(&[0; 32]), 256);
    }
}
