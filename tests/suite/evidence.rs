//! Evidence attachments, slice 1 (decision 0012): pictures carrying GPS coordinates, an author, a
//! device and comments, written into them by Debian's `exiftool`, come out of `evidence::strip`
//! with none of it, as `exiftool` reads them back (an independent reader) and as a byte search
//! finds; the image data is byte-identical (JPEG scans, PNG `IDAT`) and decodes to the same pixels;
//! what cannot be cleaned is refused, so that the reporter decides.

use std::path::Path;
use std::process::Command;

use image::{ImageFormat, RgbImage};
use resguardo::protocol::evidence::{strip, Refused};
use serde_json::Value;

const CANARIES: &[&str] = &[
    "ARTIST-CANARY",
    "MAKE-CANARY",
    "MODEL-CANARY",
    "XMP-CANARY",
    "COMMENT-CANARY",
    "IPTC-CANARY",
    "TRAILER-CANARY",
];

fn exiftool_available() -> bool {
    crate::harness::tool_available("exiftool", "-ver", "libimage-exiftool-perl")
}

/// A small picture with some detail in it, encoded as `format`.
fn picture(format: ImageFormat) -> Vec<u8> {
    let image = RgbImage::from_fn(48, 32, |x, y| {
        image::Rgb([(x * 5) as u8, (y * 7) as u8, 90])
    });
    let mut out = std::io::Cursor::new(Vec::new());
    image.write_to(&mut out, format).unwrap();
    out.into_inner()
}

/// `bytes` with GPS coordinates, an author, a camera and comments written in by exiftool.
fn with_metadata(dir: &Path, name: &str, bytes: &[u8]) -> Vec<u8> {
    let path = dir.join(name);
    std::fs::write(&path, bytes).unwrap();
    let mut args: Vec<&str> = vec![
        "-q",
        "-overwrite_original",
        "-GPSLatitude=14.6349",
        "-GPSLatitudeRef=N",
        "-GPSLongitude=90.5069",
        "-GPSLongitudeRef=W",
        "-Artist=ARTIST-CANARY",
        "-Make=MAKE-CANARY",
        "-Model=MODEL-CANARY",
        "-XMP-dc:Creator=XMP-CANARY",
    ];
    if name.ends_with(".jpg") {
        args.extend(["-Comment=COMMENT-CANARY", "-IPTC:By-line=IPTC-CANARY"]);
    }
    if name.ends_with(".png") {
        args.push("-PNG:Comment=COMMENT-CANARY");
    }
    let out = Command::new("exiftool")
        .args(&args)
        .arg(&path)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let mut written = std::fs::read(&path).unwrap();
    if name.ends_with(".jpg") {
        // Some phones append data after the end of the image.
        written.extend_from_slice(b"TRAILER-CANARY");
    }
    written
}

/// Every tag exiftool reads from `bytes`, as one JSON object.
fn tags(dir: &Path, name: &str, bytes: &[u8]) -> Value {
    let path = dir.join(format!("read-{name}"));
    std::fs::write(&path, bytes).unwrap();
    let out = Command::new("exiftool")
        .args(["-j", "-G", "-a"])
        .arg(&path)
        .output()
        .unwrap();
    let read: Value = serde_json::from_slice(&out.stdout).unwrap();
    read[0].clone()
}

fn told(tags: &Value) -> Vec<String> {
    let text = tags.to_string();
    let mut found: Vec<String> = CANARIES
        .iter()
        .filter(|c| text.contains(*c))
        .map(|c| c.to_string())
        .collect();
    let gps = tags
        .as_object()
        .unwrap()
        .keys()
        .filter(|k| k.contains("GPS"));
    found.extend(gps.cloned());
    found
}

/// A JPEG from its first scan to the end of the image: the scans and what lies between them.
fn jpeg_scans(bytes: &[u8]) -> Vec<u8> {
    let start = bytes.windows(2).position(|w| w == [0xFF, 0xDA]).unwrap();
    let end = bytes.windows(2).rposition(|w| w == [0xFF, 0xD9]).unwrap();
    bytes[start..end].to_vec()
}

/// A PNG's `IDAT` chunks' data, in order.
fn png_image_data(bytes: &[u8]) -> Vec<u8> {
    let mut at = 8;
    let mut data = vec![];
    while at + 8 <= bytes.len() {
        let length = u32::from_be_bytes(bytes[at..at + 4].try_into().unwrap()) as usize;
        if &bytes[at + 4..at + 8] == b"IDAT" {
            data.extend_from_slice(&bytes[at + 8..at + 8 + length]);
        }
        at += 12 + length;
    }
    data
}

#[test]
fn pictures_lose_their_metadata_and_keep_their_image() {
    if !exiftool_available() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    for (format, name, media_type) in [
        (ImageFormat::Jpeg, "photo.jpg", "image/jpeg"),
        (ImageFormat::Png, "screenshot.png", "image/png"),
        (ImageFormat::WebP, "chat.webp", "image/webp"),
    ] {
        let original = with_metadata(dir.path(), name, &picture(format));
        let before = told(&tags(dir.path(), name, &original));
        assert!(
            before.iter().any(|t| t.contains("GPS")),
            "{name}: the fixture has no GPS: {before:?}"
        );
        assert!(
            before.iter().any(|t| t == "ARTIST-CANARY"),
            "{name}: {before:?}"
        );

        let stripped = strip(&original).unwrap_or_else(|e| panic!("{name}: {e}"));
        assert_eq!(stripped.media_type, media_type);
        let after = tags(dir.path(), name, &stripped.bytes);
        assert_eq!(
            told(&after),
            Vec::<String>::new(),
            "{name}: exiftool still reads {after:#}"
        );
        for canary in CANARIES {
            for form in crate::canary::forms_of(canary) {
                assert!(
                    !crate::harness::contains(&stripped.bytes, &form),
                    "{name}: {canary}"
                );
            }
        }
        let pixels = |bytes: &[u8]| {
            image::load_from_memory(bytes)
                .unwrap()
                .to_rgba8()
                .into_raw()
        };
        assert_eq!(
            pixels(&stripped.bytes),
            pixels(&original),
            "{name}: the picture changed"
        );
        match format {
            ImageFormat::Jpeg => assert_eq!(
                jpeg_scans(&stripped.bytes),
                jpeg_scans(&original[..original.len() - 14])
            ),
            ImageFormat::Png => {
                assert_eq!(png_image_data(&stripped.bytes), png_image_data(&original))
            }
            _ => {}
        }
        // Cleaning a clean file changes nothing.
        assert_eq!(strip(&stripped.bytes).unwrap(), stripped, "{name}");
    }
}

#[test]
fn what_cannot_be_cleaned_is_refused() {
    // HEIC, a video, a PDF: the reporter chooses to send them as they are or not at all.
    for unknown in [
        &b"\0\0\0\x18ftypheic\0\0\0\0mif1heic"[..],
        b"\0\0\0\x20ftypisom",
        b"%PDF-1.7\n",
    ] {
        assert_eq!(strip(unknown), Err(Refused::Unknown));
    }
    let jpeg = picture(ImageFormat::Jpeg);
    assert_eq!(
        strip(&jpeg[..jpeg.len() / 2]),
        Err(Refused::Malformed("JPEG"))
    );
    let png = picture(ImageFormat::Png);
    assert_eq!(
        strip(&png[..png.len() - 20]),
        Err(Refused::Malformed("PNG"))
    );
    let mut webp = picture(ImageFormat::WebP);
    webp.truncate(30);
    assert_eq!(strip(&webp), Err(Refused::Malformed("WebP")));
}
