//! Removing metadata from a picture before it is encrypted (`protocol::evidence::strip`, decision
//! 0012): JPEG, PNG and WebP parsers over any bytes must clean, or refuse so that the reporter
//! decides — never panic, abort or take unbounded memory.
#![no_main]

use libfuzzer_sys::fuzz_target;
use resguardo::protocol::evidence::strip;

fuzz_target!(|data: &[u8]| {
    if let Ok(stripped) = strip(data) {
        // What comes out is clean already: cleaning it again changes nothing.
        assert_eq!(strip(&stripped.bytes).ok().map(|s| s.bytes), Some(stripped.bytes));
    }
});
