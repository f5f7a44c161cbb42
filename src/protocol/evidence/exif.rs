//! The one EXIF field a cleaned picture still needs: its orientation (tag 0x0112, 1 to 8), so
//! that a phone photo taken upright is shown upright after its EXIF is removed. Read from the
//! TIFF structure EXIF is written in; anything unexpected reads as no orientation.

/// The orientation in `tiff` (EXIF's TIFF header, IFD0), if it has a valid one.
pub(super) fn orientation(tiff: &[u8]) -> Option<u8> {
    let big = match tiff.get(..4)? {
        b"MM\0*" => true,
        b"II*\0" => false,
        _ => return None,
    };
    let u16_at = |at: usize| -> Option<u16> {
        let b = tiff.get(at..at.checked_add(2)?)?;
        Some(if big {
            u16::from_be_bytes([b[0], b[1]])
        } else {
            u16::from_le_bytes([b[0], b[1]])
        })
    };
    let u32_at = |at: usize| -> Option<u32> {
        let b = tiff.get(at..at.checked_add(4)?)?;
        let b = [b[0], b[1], b[2], b[3]];
        Some(if big {
            u32::from_be_bytes(b)
        } else {
            u32::from_le_bytes(b)
        })
    };
    let ifd = usize::try_from(u32_at(4)?).ok()?;
    let entries = usize::from(u16_at(ifd)?);
    for k in 0..entries {
        let entry = ifd.checked_add(2)?.checked_add(k.checked_mul(12)?)?;
        if u16_at(entry)? == 0x0112 {
            let value = u16_at(entry.checked_add(8)?)?;
            return u8::try_from(value).ok().filter(|v| (1..=8).contains(v));
        }
    }
    None
}

/// The TIFF structure inside an EXIF payload, with or without the `Exif\0\0` prefix.
pub(super) fn tiff(payload: &[u8]) -> &[u8] {
    payload.strip_prefix(b"Exif\0\0").unwrap_or(payload)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn orientation_is_read_in_either_byte_order() {
        let little = [
            b"II*\0".as_slice(),
            &[8, 0, 0, 0, 1, 0, 0x12, 0x01, 3, 0, 1, 0, 0, 0, 6, 0, 0, 0],
        ]
        .concat();
        assert_eq!(orientation(&little), Some(6));
        let big = [
            b"MM\0*".as_slice(),
            &[0, 0, 0, 8, 0, 1, 0x01, 0x12, 0, 3, 0, 0, 0, 1, 0, 8, 0, 0],
        ]
        .concat();
        assert_eq!(orientation(&big), Some(8));
        let mut wrong = little.clone();
        wrong[18] = 9;
        assert_eq!(orientation(&wrong), None);
        assert_eq!(orientation(&little[..12]), None);
        let far = [b"II*\0".as_slice(), &[0xFF, 0xFF, 0xFF, 0xFF]].concat();
        assert_eq!(orientation(&far), None);
    }
}
