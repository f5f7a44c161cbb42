//! PNG without metadata: the critical chunks and the ancillary chunks that say how to show the
//! pixels (transparency, gamma, colour space, ICC profile, significant bits, background, pixel
//! size, histogram, palettes, animation) are copied byte for byte, CRC included; everything else
//! goes — text (`tEXt`, `zTXt`, `iTXt`), time (`tIME`), EXIF (`eXIf`) and any chunk this file does
//! not know. An unknown critical chunk is refused: a decoder would need it.

use super::Refused;

pub(super) const SIGNATURE: &[u8] = b"\x89PNG\r\n\x1a\n";
const MALFORMED: Refused = Refused::Malformed("PNG");

/// Ancillary chunks that stay.
const KEPT: &[&[u8; 4]] = &[
    b"tRNS", b"gAMA", b"cHRM", b"sRGB", b"iCCP", b"sBIT", b"bKGD", b"pHYs", b"hIST", b"sPLT",
    b"acTL", b"fcTL", b"fdAT",
];
const CRITICAL: &[&[u8; 4]] = &[b"IHDR", b"PLTE", b"IDAT", b"IEND"];

/// The file without metadata, chunk by chunk.
pub(super) fn walk(bytes: &[u8]) -> Result<Vec<u8>, Refused> {
    let mut out = SIGNATURE.to_vec();
    let mut at = SIGNATURE.len();
    let mut first = true;
    loop {
        let head = bytes.get(at..at + 8).ok_or(MALFORMED)?;
        let length = u32::from_be_bytes([head[0], head[1], head[2], head[3]]) as usize;
        let kind: [u8; 4] = [head[4], head[5], head[6], head[7]];
        let whole = bytes.get(at..at + 12 + length).ok_or(MALFORMED)?;
        at += whole.len();
        if first && &kind != b"IHDR" {
            return Err(MALFORMED);
        }
        first = false;
        let critical = kind[0].is_ascii_uppercase();
        if CRITICAL.contains(&&kind) || KEPT.contains(&&kind) {
            out.extend_from_slice(whole);
        } else if critical {
            return Err(MALFORMED);
        }
        if &kind == b"IEND" {
            // Nothing after the end is part of the image.
            return Ok(out);
        }
    }
}
