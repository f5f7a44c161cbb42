//! PNG without metadata: the critical chunks and the ancillary chunks that say how to show the
//! pixels with numbers only (transparency, gamma, chromaticities, sRGB intent, significant bits,
//! background, animation) are copied byte for byte, CRC included. Everything else goes: text
//! (`tEXt`, `zTXt`, `iTXt`, where XMP lives), time (`tIME`), EXIF (`eXIf`, its orientation read
//! first), ICC profiles (`iCCP`, which name the device and carry free text), suggested palettes
//! (`sPLT`, named), histograms, pixel density, C2PA and any chunk this file does not know. An
//! unknown critical chunk is refused: a decoder would need it.

use super::{exif, Cleaned, Refused};

pub(super) const SIGNATURE: &[u8] = b"\x89PNG\r\n\x1a\n";
const MALFORMED: Refused = Refused::Malformed("PNG");

/// Ancillary chunks that stay.
const KEPT: &[&[u8; 4]] = &[
    b"tRNS", b"gAMA", b"cHRM", b"sRGB", b"sBIT", b"bKGD", b"acTL", b"fcTL", b"fdAT",
];
const CRITICAL: &[&[u8; 4]] = &[b"IHDR", b"PLTE", b"IDAT", b"IEND"];

/// The file without metadata, chunk by chunk.
pub(super) fn walk(bytes: &[u8]) -> Result<Cleaned, Refused> {
    let mut out = SIGNATURE.to_vec();
    let mut orientation = None;
    let mut at = SIGNATURE.len();
    let mut first = true;
    loop {
        let head = bytes.get(at..at + 8).ok_or(MALFORMED)?;
        let length = u32::from_be_bytes([head[0], head[1], head[2], head[3]]);
        // PNG's own limit; it also keeps the sums below from wrapping on 32-bit devices.
        if length > 0x7FFF_FFFF {
            return Err(MALFORMED);
        }
        let kind: [u8; 4] = [head[4], head[5], head[6], head[7]];
        let end = (at.checked_add(12)).and_then(|e| e.checked_add(length as usize));
        let whole = bytes.get(at..end.ok_or(MALFORMED)?).ok_or(MALFORMED)?;
        at += whole.len();
        if first && &kind != b"IHDR" {
            return Err(MALFORMED);
        }
        first = false;
        if &kind == b"eXIf" {
            orientation = orientation.or(exif::orientation(exif::tiff(&whole[8..whole.len() - 4])));
        }
        if CRITICAL.contains(&&kind) || KEPT.contains(&&kind) {
            out.extend_from_slice(whole);
        } else if kind[0].is_ascii_uppercase() {
            return Err(MALFORMED);
        }
        if &kind == b"IEND" {
            // Nothing after the end is part of the image.
            return Ok(Cleaned {
                bytes: out,
                orientation,
            });
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_huge_length_is_refused_not_wrapped() {
        let mut bytes = SIGNATURE.to_vec();
        bytes.extend_from_slice(&[0xFF, 0xFF, 0xFF, 0xF4]);
        bytes.extend_from_slice(b"IHDR");
        bytes.extend_from_slice(&[0; 20]);
        assert_eq!(walk(&bytes).err(), Some(MALFORMED));
        bytes[8..12].copy_from_slice(&[0x7F, 0xFF, 0xFF, 0xF4]);
        assert_eq!(walk(&bytes).err(), Some(MALFORMED));
    }
}
