//! JPEG without metadata: the segments a decoder needs are copied byte for byte, entropy-coded
//! scan data included; APP0 (JFIF), APP2 `ICC_PROFILE` and APP14 (`Adobe`) stay for colour;
//! every other APPn segment (EXIF and XMP in APP1, IPTC in APP13, makers' notes), comments and
//! anything after the end of the image (some phones append their own data there) go. A marker
//! this file does not know is refused rather than copied.

use super::Refused;

const MALFORMED: Refused = Refused::Malformed("JPEG");

/// The file without metadata: `bytes` copied segment by segment, metadata left out.
pub(super) fn walk(bytes: &[u8]) -> Result<Vec<u8>, Refused> {
    if !bytes.starts_with(&[0xFF, 0xD8]) {
        return Err(MALFORMED);
    }
    let mut out = vec![0xFF, 0xD8];
    let mut at = 2;
    let mut scanned = false;
    loop {
        let marker = next_marker(bytes, &mut at)?;
        match marker {
            0xD9 => {
                out.extend_from_slice(&[0xFF, 0xD9]);
                // Nothing after the end of the image is part of it.
                return if scanned { Ok(out) } else { Err(MALFORMED) };
            }
            0xDA => {
                let segment = segment(bytes, at)?;
                out.extend_from_slice(&[0xFF, 0xDA]);
                out.extend_from_slice(segment);
                at += segment.len();
                let data = scan_data(bytes, at)?;
                out.extend_from_slice(data);
                at += data.len();
                scanned = true;
            }
            _ => {
                let segment = segment(bytes, at)?;
                at += segment.len();
                if keeps(marker, &segment[2..])? {
                    out.extend_from_slice(&[0xFF, marker]);
                    out.extend_from_slice(segment);
                }
            }
        }
    }
}

/// The marker at `at` (after any fill bytes), moving past it.
fn next_marker(bytes: &[u8], at: &mut usize) -> Result<u8, Refused> {
    if bytes.get(*at) != Some(&0xFF) {
        return Err(MALFORMED);
    }
    while bytes.get(*at) == Some(&0xFF) {
        *at += 1;
    }
    let marker = *bytes.get(*at).ok_or(MALFORMED)?;
    *at += 1;
    if marker == 0x00 {
        return Err(MALFORMED);
    }
    Ok(marker)
}

/// A marker segment's length field and payload, starting at `at`.
fn segment(bytes: &[u8], at: usize) -> Result<&[u8], Refused> {
    let high = *bytes.get(at).ok_or(MALFORMED)?;
    let low = *bytes.get(at + 1).ok_or(MALFORMED)?;
    let length = usize::from(u16::from_be_bytes([high, low]));
    if length < 2 {
        return Err(MALFORMED);
    }
    bytes.get(at..at + length).ok_or(MALFORMED)
}

/// The entropy-coded data after a scan's header: up to the next marker that is neither a
/// stuffed zero nor a restart marker.
fn scan_data(bytes: &[u8], start: usize) -> Result<&[u8], Refused> {
    let mut at = start;
    loop {
        match bytes.get(at) {
            None => return Err(MALFORMED),
            Some(0xFF) => match bytes.get(at + 1) {
                None => return Err(MALFORMED),
                Some(0x00 | 0xD0..=0xD7) => at += 2,
                Some(_) => return Ok(&bytes[start..at]),
            },
            Some(_) => at += 1,
        }
    }
}

/// Whether a segment stays: what decoding needs, and the colour information some images need.
fn keeps(marker: u8, payload: &[u8]) -> Result<bool, Refused> {
    Ok(match marker {
        // Frames (SOF0–SOF15 but DHT, JPG and DAC), tables, restart interval, line count.
        0xC0..=0xC3 | 0xC5..=0xC7 | 0xC9..=0xCB | 0xCD..=0xCF => true,
        0xC4 | 0xCC | 0xDB | 0xDD | 0xDC => true,
        0xE0 => payload.starts_with(b"JFIF\0"),
        0xE2 => payload.starts_with(b"ICC_PROFILE\0"),
        0xEE => payload.starts_with(b"Adobe"),
        // Other application segments and comments: metadata.
        0xE1 | 0xE3..=0xED | 0xEF | 0xFE => false,
        _ => return Err(MALFORMED),
    })
}
