//! The age header validation every stored ciphertext passes (`AgeCiphertext::parse`): a real age
//! v1 header, X25519 stanzas only, bounded counts and sizes. Any bytes must be accepted or refused,
//! never a panic, an abort or unbounded memory.
#![no_main]

use libfuzzer_sys::fuzz_target;
use resguardo::crypto::{AgeCiphertext, CiphertextLimits};

const LIMITS: CiphertextLimits = CiphertextLimits {
    max_bytes: 262_144,
    max_recipients: 8,
};

fuzz_target!(|data: &[u8]| {
    let _ = AgeCiphertext::parse(data.to_vec(), LIMITS);
});
