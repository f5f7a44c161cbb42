//! Evidence a reporter attaches (decision 0012): what a device does to a file before it encrypts
//! it. `strip` removes what could tell where and on what device a picture was made, at the byte
//! level, or refuses, so that the reporter decides; `bucket` is the size a file is padded to so
//! that its ciphertext shows only its size bucket; `media_type_of` names a file that cannot be
//! cleaned.

mod exif;
mod jpeg;
mod png;
mod webp;

/// The size a file of `size` bytes is padded to before encryption (`crypto::padding`, where the
/// server's check of an upload's size finds it too).
pub use crate::crypto::padding::file_bucket as bucket;

/// A picture with its metadata removed, and what it is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Stripped {
    /// `image/jpeg`, `image/png` or `image/webp`.
    pub media_type: &'static str,
    pub bytes: Vec<u8>,
    /// The EXIF orientation (1–8) the original had, which went with its EXIF: the manifest
    /// carries it so that a photo taken upright is shown upright.
    pub orientation: Option<u8>,
}

/// What a format's walker returns: the bytes kept, and the orientation read on the way.
pub(super) struct Cleaned {
    bytes: Vec<u8>,
    orientation: Option<u8>,
}

/// Signatures of metadata no kept segment or chunk should hold: a second check, independent of
/// the walkers' lists, that refuses what they might have let through. Long enough that compressed
/// image data does not contain one by chance.
const LEFTOVERS: &[&[u8]] = &[
    b"Exif\0\0",
    b"<x:xmpmeta",
    b"http://ns.adobe.com/xap/",
    b"Photoshop 3.0\0",
    b"ICC_PROFILE\0",
];

/// Why a file cannot be cleaned here: the reporter is told it may reveal where and on what
/// device it was made, and chooses to send it as it is or not at all.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Refused {
    #[error(
        "this kind of file cannot be cleaned on this device: it may reveal where and on what \
         device it was made"
    )]
    Unknown,
    #[error(
        "this {0} file does not parse as one: it cannot be cleaned, and it may reveal where and \
         on what device it was made"
    )]
    Malformed(&'static str),
}

/// The file without its metadata, checked for leftover metadata and decoded; or why not.
pub fn strip(bytes: &[u8]) -> Result<Stripped, Refused> {
    use image::ImageFormat;
    type Walk = fn(&[u8]) -> Result<Cleaned, Refused>;
    let (media_type, name, format, walk): (_, _, _, Walk) =
        if bytes.starts_with(&[0xFF, 0xD8, 0xFF]) {
            ("image/jpeg", "JPEG", ImageFormat::Jpeg, jpeg::walk)
        } else if bytes.starts_with(png::SIGNATURE) {
            ("image/png", "PNG", ImageFormat::Png, png::walk)
        } else if webp::is_webp(bytes) {
            ("image/webp", "WebP", ImageFormat::WebP, webp::walk)
        } else {
            return Err(Refused::Unknown);
        };
    let Cleaned {
        bytes: cleaned,
        orientation,
    } = walk(bytes)?;
    let leftover = |sign: &&[u8]| cleaned.windows(sign.len()).any(|w| w == *sign);
    if LEFTOVERS.iter().any(leftover) {
        return Err(Refused::Malformed(name));
    }
    // What is sent must still be the picture: decoded here (the first frame of an animation).
    image::load_from_memory_with_format(&cleaned, format).map_err(|_| Refused::Malformed(name))?;
    Ok(Stripped {
        media_type,
        bytes: cleaned,
        orientation,
    })
}

/// The media type of a file that cannot be cleaned, from its first bytes (at least 12), for the
/// desk to know how to open it; `application/octet-stream` when it is none of these.
pub fn media_type_of(head: &[u8]) -> &'static str {
    let at = |offset: usize, magic: &[u8]| head.get(offset..offset + magic.len()) == Some(magic);
    if at(0, b"%PDF-") {
        "application/pdf"
    } else if at(0, b"OggS") {
        "audio/ogg"
    } else if at(0, b"ID3") || at(0, &[0xFF, 0xFB]) || at(0, &[0xFF, 0xF3]) {
        "audio/mpeg"
    } else if at(0, b"RIFF") && at(8, b"WAVE") {
        "audio/wav"
    } else if at(0, b"GIF8") {
        "image/gif"
    } else if at(4, b"ftyp") {
        match head.get(8..12) {
            Some(b"heic" | b"heix" | b"mif1" | b"msf1") => "image/heic",
            Some(b"M4A ") => "audio/mp4",
            _ => "video/mp4",
        }
    } else if at(0, &[0x1A, 0x45, 0xDF, 0xA3]) {
        "video/webm"
    } else {
        "application/octet-stream"
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn buckets_add_at_most_an_eighth() {
        assert_eq!(bucket(0), 65_536);
        assert_eq!(bucket(65_536), 65_536);
        assert_eq!(bucket(65_537), 73_728);
        assert_eq!(bucket(48 * 1024 * 1024), 48 * 1024 * 1024);
        assert_eq!(bucket(48 * 1024 * 1024 + 1), 52 * 1024 * 1024);
        assert_eq!(bucket(50 * 1024 * 1024), 52 * 1024 * 1024);
        let mut size = 65_537u64;
        while size < 1 << 40 {
            let b = bucket(size);
            assert!(b >= size && (b - size) * 8 <= size, "{size} → {b}");
            assert_eq!(bucket(b), b, "a bucket is its own bucket");
            size = size * 9 / 7 + 13;
        }
    }

    #[test]
    fn files_that_cannot_be_cleaned_are_still_named() {
        assert_eq!(media_type_of(b"\0\0\0\x18ftypheic\0\0"), "image/heic");
        assert_eq!(media_type_of(b"\0\0\0\x18ftypisom\0\0"), "video/mp4");
        assert_eq!(media_type_of(b"%PDF-1.7\n%\xe2"), "application/pdf");
        assert_eq!(media_type_of(b"OggS\0\x02"), "audio/ogg");
        assert_eq!(media_type_of(b"hola"), "application/octet-stream");
        assert_eq!(media_type_of(b""), "application/octet-stream");
    }

    #[test]
    fn anything_but_a_known_picture_is_refused() {
        assert_eq!(strip(b"ftypheic...."), Err(Refused::Unknown));
        assert_eq!(strip(b""), Err(Refused::Unknown));
        assert_eq!(
            strip(&[0xFF, 0xD8, 0xFF, 0xE1, 0x00]),
            Err(Refused::Malformed("JPEG"))
        );
    }
}
