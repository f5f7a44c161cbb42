//! JPEG without metadata: the segments a decoder needs are copied byte for byte, entropy-coded
//! scan data included, and so is APP14 (`Adobe`, which says how colours are coded) when it has
//! its standard 12 bytes. APP0 (JFIF) is written again without its thumbnail, which can show the
//! picture before it was cropped. Every other APPn segment (EXIF and XMP in APP1, ICC profiles and
//! multi-picture data in APP2, C2PA in APP11, IPTC in APP13, makers' notes), comments and anything
//! after the end of the image (some phones append their own data there) go. A marker this file
//! does not know is refused rather than copied.

use super::{exif, Cleaned, Refused};

const MALFORMED: Refused = Refused::Malformed("JPEG");

/// What becomes of a segment.
enum Keep {
    Whole,
    /// APP0 JFIF: version, units and density kept, the thumbnail dropped.
    Jfif,
    Drop,
}

/// The file without metadata: `bytes` copied segment by segment, metadata left out.
pub(super) fn walk(bytes: &[u8]) -> Result<Cleaned, Refused> {
    if !bytes.starts_with(&[0xFF, 0xD8]) {
        return Err(MALFORMED);
    }
    let mut out = vec![0xFF, 0xD8];
    let mut orientation = None;
    let mut at = 2;
    let mut scanned = false;
    loop {
        let marker = next_marker(bytes, &mut at)?;
        if marker == 0xD9 {
            out.extend_from_slice(&[0xFF, 0xD9]);
            // Nothing after the end of the image is part of it.
            return if scanned {
                Ok(Cleaned {
                    bytes: out,
                    orientation,
                })
            } else {
                Err(MALFORMED)
            };
        }
        let segment = segment(bytes, at)?;
        at += segment.len();
        let payload = &segment[2..];
        if marker == 0xDA {
            out.extend_from_slice(&[0xFF, 0xDA]);
            out.extend_from_slice(segment);
            let data = scan_data(bytes, at)?;
            out.extend_from_slice(data);
            at += data.len();
            scanned = true;
            continue;
        }
        if marker == 0xE1 && payload.starts_with(b"Exif\0\0") {
            orientation = orientation.or(exif::orientation(exif::tiff(payload)));
        }
        match keeps(marker, payload)? {
            Keep::Whole => {
                out.extend_from_slice(&[0xFF, marker]);
                out.extend_from_slice(segment);
            }
            Keep::Jfif => {
                out.extend_from_slice(&[0xFF, 0xE0, 0x00, 0x10]);
                out.extend_from_slice(&payload[..12]);
                out.extend_from_slice(&[0, 0]);
            }
            Keep::Drop => {}
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
    bytes
        .get(at..at.checked_add(length).ok_or(MALFORMED)?)
        .ok_or(MALFORMED)
}

/// The entropy-coded data after a scan's header: up to the next marker that is neither a
/// stuffed zero nor a restart marker, fill bytes (`FF FF …`) before either included.
fn scan_data(bytes: &[u8], start: usize) -> Result<&[u8], Refused> {
    let mut at = start;
    loop {
        match bytes.get(at) {
            None => return Err(MALFORMED),
            Some(0xFF) => {
                let mut next = at + 1;
                while bytes.get(next) == Some(&0xFF) {
                    next += 1;
                }
                match bytes.get(next) {
                    None => return Err(MALFORMED),
                    Some(0x00 | 0xD0..=0xD7) => at = next + 1,
                    Some(_) => return Ok(&bytes[start..at]),
                }
            }
            Some(_) => at += 1,
        }
    }
}

/// What becomes of a segment: what decoding needs stays, metadata goes, the unknown is refused.
fn keeps(marker: u8, payload: &[u8]) -> Result<Keep, Refused> {
    Ok(match marker {
        // Frames (SOF0–SOF15 but DHT, JPG and DAC), tables, restart interval, line count.
        0xC0..=0xC3 | 0xC5..=0xC7 | 0xC9..=0xCB | 0xCD..=0xCF => Keep::Whole,
        0xC4 | 0xCC | 0xDB | 0xDD | 0xDC => Keep::Whole,
        0xE0 if payload.len() >= 14 && payload.starts_with(b"JFIF\0") => Keep::Jfif,
        0xEE if payload.len() == 12 && payload.starts_with(b"Adobe") => Keep::Whole,
        // Application segments and comments: metadata.
        0xE0..=0xEF | 0xFE => Keep::Drop,
        _ => return Err(MALFORMED),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fill_bytes_may_come_before_a_restart_marker() {
        let scan = [
            0x12, 0xFF, 0x00, 0x34, 0xFF, 0xFF, 0xD0, 0x56, 0xFF, 0xFF, 0xD9,
        ];
        assert_eq!(scan_data(&scan, 0), Ok(&scan[..8]));
        assert_eq!(scan_data(&[0x12, 0xFF, 0xFF], 0), Err(MALFORMED));
    }
}
