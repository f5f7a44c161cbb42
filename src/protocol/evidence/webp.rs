//! WebP without metadata: the RIFF chunks that hold the image (`VP8 `, `VP8L`, `VP8X`, `ALPH`,
//! `ANIM`) are copied byte for byte, and each animation frame (`ANMF`) is written again with only
//! its image sub-chunks. `EXIF` (its orientation read first), `XMP `, ICC profiles (`ICCP`, which
//! name the device and carry free text) and any chunk this file does not know go; `VP8X`'s flags
//! for them are cleared and the sizes written again.

use super::{exif, Cleaned, Refused};

const MALFORMED: Refused = Refused::Malformed("WebP");
const KEPT: &[&[u8; 4]] = &[b"VP8 ", b"VP8L", b"VP8X", b"ALPH", b"ANIM", b"ANMF"];
/// What an animation frame keeps after its 16-byte header.
const FRAME_KEPT: &[&[u8; 4]] = &[b"VP8 ", b"VP8L", b"ALPH"];
/// `VP8X`'s flags byte: bit 5 says an ICC profile follows, bit 3 EXIF, bit 2 XMP.
const ICC_EXIF_AND_XMP: u8 = 0b0010_1100;

pub(super) fn is_webp(bytes: &[u8]) -> bool {
    bytes.len() >= 12 && &bytes[..4] == b"RIFF" && &bytes[8..12] == b"WEBP"
}

/// A RIFF chunk: its kind and its payload.
type Chunk<'a> = ([u8; 4], &'a [u8]);

/// The chunks of `body`, each checked to lie inside it.
fn chunks(body: &[u8]) -> Result<Vec<Chunk<'_>>, Refused> {
    let mut found = Vec::new();
    let mut at = 0;
    while at < body.len() {
        let head = body.get(at..at + 8).ok_or(MALFORMED)?;
        let kind: [u8; 4] = [head[0], head[1], head[2], head[3]];
        let length = u32::from_le_bytes([head[4], head[5], head[6], head[7]]) as usize;
        let start = at + 8;
        let end = start.checked_add(length).ok_or(MALFORMED)?;
        found.push((kind, body.get(start..end).ok_or(MALFORMED)?));
        // Chunks are padded to an even length.
        at = end.checked_add(length % 2).ok_or(MALFORMED)?;
    }
    Ok(found)
}

/// A chunk as RIFF writes it: kind, little-endian length, payload, a pad byte if odd.
fn write_chunk(out: &mut Vec<u8>, kind: &[u8; 4], payload: &[u8]) -> Result<(), Refused> {
    out.extend_from_slice(kind);
    out.extend_from_slice(
        &u32::try_from(payload.len())
            .map_err(|_| MALFORMED)?
            .to_le_bytes(),
    );
    out.extend_from_slice(payload);
    if payload.len() % 2 == 1 {
        out.push(0);
    }
    Ok(())
}

/// The file without metadata, chunk by chunk.
pub(super) fn walk(bytes: &[u8]) -> Result<Cleaned, Refused> {
    let declared = bytes.get(4..8).ok_or(MALFORMED)?;
    let size = u32::from_le_bytes([declared[0], declared[1], declared[2], declared[3]]) as usize;
    let body = bytes
        .get(12..size.checked_add(8).ok_or(MALFORMED)?)
        .ok_or(MALFORMED)?;
    let mut kept = Vec::new();
    let mut orientation = None;
    let mut image = false;
    for (kind, payload) in chunks(body)? {
        if &kind == b"EXIF" {
            orientation = orientation.or(exif::orientation(exif::tiff(payload)));
        }
        if !KEPT.contains(&&kind) {
            continue;
        }
        image |= matches!(&kind, b"VP8 " | b"VP8L" | b"ANMF");
        match &kind {
            b"VP8X" => {
                let mut flags = payload.to_vec();
                *flags.first_mut().ok_or(MALFORMED)? &= !ICC_EXIF_AND_XMP;
                write_chunk(&mut kept, &kind, &flags)?;
            }
            b"ANMF" => {
                let header = payload.get(..16).ok_or(MALFORMED)?;
                let mut frame = header.to_vec();
                for (sub, data) in chunks(&payload[16..])? {
                    if FRAME_KEPT.contains(&&sub) {
                        write_chunk(&mut frame, &sub, data)?;
                    }
                }
                write_chunk(&mut kept, &kind, &frame)?;
            }
            _ => write_chunk(&mut kept, &kind, payload)?,
        }
    }
    if !image {
        return Err(MALFORMED);
    }
    let size = u32::try_from(kept.len() + 4).map_err(|_| MALFORMED)?;
    let mut out = b"RIFF".to_vec();
    out.extend_from_slice(&size.to_le_bytes());
    out.extend_from_slice(b"WEBP");
    out.extend_from_slice(&kept);
    Ok(Cleaned {
        bytes: out,
        orientation,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn riff(chunks: &[(&[u8; 4], &[u8])]) -> Vec<u8> {
        let mut body = Vec::new();
        for (kind, payload) in chunks {
            write_chunk(&mut body, kind, payload).unwrap();
        }
        let mut out = b"RIFF".to_vec();
        out.extend_from_slice(&((body.len() + 4) as u32).to_le_bytes());
        out.extend_from_slice(b"WEBP");
        out.extend_from_slice(&body);
        out
    }

    #[test]
    fn frames_keep_only_their_image_and_flags_are_cleared() {
        let mut frame = vec![0u8; 16];
        write_chunk(&mut frame, b"VP8L", b"pixels").unwrap();
        write_chunk(&mut frame, b"XTRA", b"FRAME-CANARY").unwrap();
        let file = riff(&[
            (b"VP8X", &[0xFF, 0, 0, 0, 0, 0, 0, 0, 0, 0]),
            (b"ICCP", b"DEVICE-CANARY"),
            (b"ANIM", &[0; 6]),
            (b"ANMF", &frame),
            (
                b"EXIF",
                b"Exif\0\0II*\0\x08\0\0\0\x01\0\x12\x01\x03\0\x01\0\0\0\x03\0\0\0",
            ),
            (b"XMP ", b"<x:xmpmeta>XMP-CANARY"),
        ]);
        let cleaned = walk(&file).unwrap();
        assert_eq!(cleaned.orientation, Some(3));
        let text = String::from_utf8_lossy(&cleaned.bytes);
        assert!(
            !text.contains("CANARY") && text.contains("pixels"),
            "{text}"
        );
        let mut expected_frame = vec![0u8; 16];
        write_chunk(&mut expected_frame, b"VP8L", b"pixels").unwrap();
        let expected = riff(&[
            (b"VP8X", &[!ICC_EXIF_AND_XMP, 0, 0, 0, 0, 0, 0, 0, 0, 0]),
            (b"ANIM", &[0; 6]),
            (b"ANMF", &expected_frame),
        ]);
        assert_eq!(cleaned.bytes, expected);
    }

    #[test]
    fn sizes_beyond_the_file_are_refused() {
        let mut file = riff(&[(b"VP8L", b"pixels")]);
        file[16..20].copy_from_slice(&u32::MAX.to_le_bytes());
        assert_eq!(walk(&file).err(), Some(MALFORMED));
        file[4..8].copy_from_slice(&u32::MAX.to_le_bytes());
        assert_eq!(walk(&file).err(), Some(MALFORMED));
    }
}
