//! The report envelope as the intake route reads it: JSON into `ReportEnvelope`, then every field
//! parsed (base64, the age header of the ciphertext, the receipt, the reply recipient). Any input
//! must give a value or an error, never a panic, an abort or unbounded memory.
#![no_main]

use libfuzzer_sys::fuzz_target;
use resguardo::crypto::CiphertextLimits;
use resguardo::protocol::reports::ReportEnvelope;
use resguardo::server::routes::reports::parse_envelope;

const LIMITS: CiphertextLimits = CiphertextLimits {
    max_bytes: 262_144,
    max_recipients: 8,
};

fuzz_target!(|data: &[u8]| {
    if let Ok(envelope) = serde_json::from_slice::<ReportEnvelope>(data) {
        let _ = parse_envelope(LIMITS, &envelope);
    }
});
