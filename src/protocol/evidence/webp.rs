//! WebP without metadata: the RIFF chunks that hold the image (`VP8 `, `VP8L`, `VP8X`, `ALPH`,
//! `ANIM`, `ANMF`) and its colour profile (`ICCP`) are copied byte for byte; `EXIF`, `XMP ` and
//! any chunk this file does not know go, `VP8X`'s flags for EXIF and XMP are cleared, and the
//! RIFF size is written again.

use super::Refused;

const MALFORMED: Refused = Refused::Malformed("WebP");
const KEPT: &[&[u8; 4]] = &[
    b"VP8 ", b"VP8L", b"VP8X", b"ALPH", b"ANIM", b"ANMF", b"ICCP",
];
/// `VP8X`'s flags byte: bit 3 says EXIF follows, bit 2 XMP.
const EXIF_AND_XMP: u8 = 0b0000_1100;

pub(super) fn is_webp(bytes: &[u8]) -> bool {
    bytes.len() >= 12 && &bytes[..4] == b"RIFF" && &bytes[8..12] == b"WEBP"
}

/// The file without metadata, chunk by chunk.
pub(super) fn walk(bytes: &[u8]) -> Result<Vec<u8>, Refused> {
    let declared = bytes.get(4..8).ok_or(MALFORMED)?;
    let end = 8 + u32::from_le_bytes([declared[0], declared[1], declared[2], declared[3]]) as usize;
    let body = bytes.get(12..end).ok_or(MALFORMED)?;
    let mut chunks = Vec::new();
    let mut at = 0;
    let mut image = false;
    while at < body.len() {
        let head = body.get(at..at + 8).ok_or(MALFORMED)?;
        let kind: [u8; 4] = [head[0], head[1], head[2], head[3]];
        let length = u32::from_le_bytes([head[4], head[5], head[6], head[7]]) as usize;
        // Chunks are padded to an even length.
        let whole = body
            .get(at..at + 8 + length + length % 2)
            .ok_or(MALFORMED)?;
        at += whole.len();
        if !KEPT.contains(&&kind) {
            continue;
        }
        image |= matches!(&kind, b"VP8 " | b"VP8L" | b"ANMF");
        let mut chunk = whole.to_vec();
        if &kind == b"VP8X" {
            let flags = chunk.get_mut(8).ok_or(MALFORMED)?;
            *flags &= !EXIF_AND_XMP;
        }
        chunks.extend_from_slice(&chunk);
    }
    if !image {
        return Err(MALFORMED);
    }
    let size = u32::try_from(chunks.len() + 4).map_err(|_| MALFORMED)?;
    let mut out = b"RIFF".to_vec();
    out.extend_from_slice(&size.to_le_bytes());
    out.extend_from_slice(b"WEBP");
    out.extend_from_slice(&chunks);
    Ok(out)
}
