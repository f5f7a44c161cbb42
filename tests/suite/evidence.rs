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

pub const CANARIES: &[&str] = &[
    "ARTIST-CANARY",
    "MAKE-CANARY",
    "MODEL-CANARY",
    "XMP-CANARY",
    "COMMENT-CANARY",
    "IPTC-CANARY",
    "TRAILER-CANARY",
];

pub fn exiftool_available() -> bool {
    crate::harness::tool_available("exiftool", "-ver", "libimage-exiftool-perl")
}

/// A small picture with some detail in it, encoded as `format`.
pub fn picture(format: ImageFormat) -> Vec<u8> {
    let image = RgbImage::from_fn(48, 32, |x, y| {
        image::Rgb([(x * 5) as u8, (y * 7) as u8, 90])
    });
    let mut out = std::io::Cursor::new(Vec::new());
    image.write_to(&mut out, format).unwrap();
    out.into_inner()
}

/// `bytes` with GPS coordinates, an author, a camera and comments written in by exiftool.
pub fn with_metadata(dir: &Path, name: &str, bytes: &[u8]) -> Vec<u8> {
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
        "-Orientation#=6",
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
pub fn tags(dir: &Path, name: &str, bytes: &[u8]) -> Value {
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

pub fn told(tags: &Value) -> Vec<String> {
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
pub fn jpeg_scans(bytes: &[u8]) -> Vec<u8> {
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
        assert_eq!(
            stripped.orientation,
            Some(6),
            "{name}: the orientation is kept aside"
        );
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
        // Cleaning a clean file changes nothing (and finds no orientation left in it).
        let again = strip(&stripped.bytes).unwrap();
        assert_eq!(
            (again.bytes, again.orientation),
            (stripped.bytes, None),
            "{name}"
        );
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

/// CRC-32 as PNG chunks carry it.
fn crc32(bytes: &[u8]) -> u32 {
    let mut crc = 0xFFFF_FFFFu32;
    for byte in bytes {
        crc ^= u32::from(*byte);
        for _ in 0..8 {
            crc = if crc & 1 == 1 {
                (crc >> 1) ^ 0xEDB8_8320
            } else {
                crc >> 1
            };
        }
    }
    !crc
}

fn png_chunk(kind: &[u8; 4], data: &[u8]) -> Vec<u8> {
    let mut chunk = (data.len() as u32).to_be_bytes().to_vec();
    chunk.extend_from_slice(kind);
    chunk.extend_from_slice(data);
    let crc = crc32(&chunk[4..]);
    chunk.extend_from_slice(&crc.to_be_bytes());
    chunk
}

fn jpeg_segment(marker: u8, payload: &[u8]) -> Vec<u8> {
    let mut segment = vec![0xFF, marker];
    segment.extend_from_slice(&((payload.len() + 2) as u16).to_be_bytes());
    segment.extend_from_slice(payload);
    segment
}

/// What the walkers keep carries nothing either: a JFIF thumbnail, an ICC profile naming a
/// device, an oversized Adobe segment, C2PA data, a PNG colour profile and named palette.
#[test]
fn what_colours_need_carries_nothing_else() {
    let base = picture(ImageFormat::Jpeg);
    let mut jpeg = base[..2].to_vec();
    let jfif = [
        b"JFIF\0".as_slice(),
        &[1, 2, 0, 0, 1, 0, 1, 4, 1],
        b"THUMB-CANARY",
    ]
    .concat();
    jpeg.extend(jpeg_segment(0xE0, &jfif));
    jpeg.extend(jpeg_segment(
        0xE2,
        b"ICC_PROFILE\0\x01\x01desc DEVICE-CANARY",
    ));
    jpeg.extend(jpeg_segment(0xEE, b"Adobe\0\x64\0\0\0\0\x01ADOBE-CANARY"));
    jpeg.extend(jpeg_segment(0xEB, b"JP\0\x01jumb c2pa C2PA-CANARY"));
    jpeg.extend_from_slice(&base[2..]);
    let stripped = strip(&jpeg).unwrap();
    let text = String::from_utf8_lossy(&stripped.bytes).into_owned();
    assert!(!text.contains("CANARY"), "{text:?}");
    let fixed_jfif = jpeg_segment(
        0xE0,
        &[b"JFIF\0".as_slice(), &[1, 2, 0, 0, 1, 0, 1, 0, 0]].concat(),
    );
    assert_eq!(
        &stripped.bytes[2..2 + fixed_jfif.len()],
        &fixed_jfif[..],
        "the thumbnail is gone"
    );
    let pixels = |bytes: &[u8]| {
        image::load_from_memory(bytes)
            .unwrap()
            .to_rgba8()
            .into_raw()
    };
    assert_eq!(pixels(&stripped.bytes), pixels(&base));

    let base = picture(ImageFormat::Png);
    let idat = base.windows(4).position(|w| w == b"IDAT").unwrap() - 4;
    let mut png = base[..idat].to_vec();
    png.extend(png_chunk(b"iCCP", b"DEVICE-CANARY\0\0x"));
    png.extend(png_chunk(b"sPLT", b"PALETTE-CANARY\0\x08"));
    png.extend(png_chunk(b"pHYs", &[0, 0, 0x0B, 0x13, 0, 0, 0x0B, 0x13, 1]));
    png.extend(png_chunk(b"caBX", b"C2PA-CANARY"));
    png.extend_from_slice(&base[idat..]);
    let stripped = strip(&png).unwrap();
    assert_eq!(stripped.bytes, base, "only what the encoder wrote is left");
}

const EVIDENCE: &str = "tests/vectors/evidence.json";

/// What `strip` makes of a file, as the vectors write it.
fn vector_of(name: &str, input: &[u8]) -> Value {
    use resguardo::domain::b64_encode;
    let (output, orientation, refused) = match strip(input) {
        Ok(s) => (Some(b64_encode(&s.bytes)), s.orientation, None),
        Err(Refused::Unknown) => (None, None, Some("unknown")),
        Err(Refused::Malformed(_)) => (None, None, Some("malformed")),
    };
    serde_json::json!({
        "name": name, "input_b64": b64_encode(input), "output_b64": output,
        "orientation": orientation, "refused": refused,
    })
}

/// The files of `tests/vectors/evidence.json` and what `strip` makes of each: pictures with GPS
/// coordinates, an author, a device and comments (written by exiftool when the vectors were
/// made), one cut short, one that is no picture.
#[test]
fn evidence_vectors_match() {
    use resguardo::domain::b64_decode;
    let file: Value = serde_json::from_str(&std::fs::read_to_string(EVIDENCE).unwrap()).unwrap();
    let files = file["files"].as_array().unwrap();
    assert!(files.len() >= 5);
    for v in files {
        let input = b64_decode(v["input_b64"].as_str().unwrap()).unwrap();
        let name = v["name"].as_str().unwrap();
        assert_eq!(vector_of(name, &input), *v, "{name}");
    }
}

/// `cargo test -- --ignored regenerate_evidence_vectors` (needs exiftool); only for adding vectors.
#[test]
#[ignore]
fn regenerate_evidence_vectors() {
    let dir = tempfile::tempdir().unwrap();
    let mut files = Vec::new();
    for (format, name) in [
        (ImageFormat::Jpeg, "photo.jpg"),
        (ImageFormat::Png, "screenshot.png"),
        (ImageFormat::WebP, "chat.webp"),
    ] {
        let input = with_metadata(dir.path(), name, &picture(format));
        files.push(vector_of(name, &input));
        if format == ImageFormat::Jpeg {
            files.push(vector_of("cut.jpg", &input[..input.len() / 2]));
        }
    }
    files.push(vector_of(
        "clip.heic",
        b"\0\0\0\x18ftypheic\0\0\0\0mif1heic",
    ));
    let vectors = serde_json::json!({
        "description": "Pictures and what evidence::strip makes of them (docs/protocol.md §12): base64 of the input, of the cleaned output (null when refused), the EXIF orientation read from the input, and `unknown` or `malformed` when refused. The inputs carry GPS coordinates, an author, a device, XMP, IPTC and comments, written by exiftool; a twin must produce the same bytes.",
        "files": files,
    });
    let text = serde_json::to_string_pretty(&vectors).unwrap() + "\n";
    std::fs::write(EVIDENCE, text).unwrap();
}

const ATTACHMENT: &str = "tests/vectors/attachment.json";

/// The file of the attachment vector: 70,000 bytes, so padded to the 73,728-byte bucket.
fn vector_file_bytes() -> Vec<u8> {
    (0..70_000u32)
        .map(|i| (i.wrapping_mul(7) % 251) as u8)
        .collect()
}

/// `tests/vectors/attachment.json`: an attachment's age file, its identity and manifest entry,
/// and the file buckets of some sizes (docs/protocol.md §12). Rust opens it here, Debian's `age`
/// with the entry's key, and the pages' code in `web/test/attachment.test.ts`.
#[test]
fn attachment_vector_opens() {
    use resguardo::crypto::attachment::open_file;
    use resguardo::crypto::padding::file_bucket;
    use resguardo::domain::b64_decode;
    use resguardo::protocol::attachments::ManifestEntry;
    let v: Value = serde_json::from_str(&std::fs::read_to_string(ATTACHMENT).unwrap()).unwrap();
    for pair in v["buckets"].as_array().unwrap() {
        assert_eq!(
            file_bucket(pair[0].as_u64().unwrap()),
            pair[1].as_u64().unwrap()
        );
    }
    let entry: ManifestEntry = serde_json::from_value(v["entry"].clone()).unwrap();
    entry.check().unwrap();
    let ciphertext = b64_decode(v["ciphertext_b64"].as_str().unwrap()).unwrap();
    let mut file = Vec::new();
    let sha256 = entry.sha256_bytes().unwrap();
    open_file(
        &ciphertext[..],
        &entry.identity().unwrap(),
        entry.size,
        &sha256,
        &mut file,
    )
    .unwrap();
    assert_eq!(file, vector_file_bytes());
    if crate::harness::tool_available("age", "--version", "age") {
        let dir = tempfile::tempdir().unwrap();
        let (key, age_file) = (dir.path().join("key"), dir.path().join("file.age"));
        resguardo::os::files::write_private(&key, entry.key.as_bytes()).unwrap();
        std::fs::write(&age_file, &ciphertext).unwrap();
        let opened = crate::harness::age_decrypt(&key, &age_file);
        assert_eq!(opened.len() as u64, file_bucket(entry.size));
        assert_eq!(&opened[..file.len()], &file[..]);
    }
}

/// `cargo test -- --ignored regenerate_attachment_vector`; only for changing the vector.
#[test]
#[ignore]
fn regenerate_attachment_vector() {
    use resguardo::crypto::padding::file_bucket;
    use resguardo::domain::b64_encode;
    use resguardo::protocol::attachments::{Described, ManifestEntry};
    let mut ciphertext = Vec::new();
    let sealed =
        resguardo::crypto::attachment::seal_file(&vector_file_bytes()[..], &mut ciphertext)
            .unwrap();
    let described = Described {
        media_type: "application/octet-stream".into(),
        name: Some("extracto.bin".into()),
        orientation: None,
        cleaned: false,
        original: false,
    };
    let entry = ManifestEntry::of(&[0x5a; 16], &sealed, described);
    let sizes = [
        0u64,
        1,
        65_536,
        65_537,
        73_728,
        73_729,
        1 << 20,
        50 * 1024 * 1024,
    ];
    let buckets: Vec<Value> = sizes
        .iter()
        .map(|&s| serde_json::json!([s, file_bucket(s)]))
        .collect();
    let vector = serde_json::json!({
        "description": "An attachment (docs/protocol.md §12): a 70,000-byte file encrypted to a key of its own, its plaintext padded with zeros to its 73,728-byte bucket, with its manifest entry (the key in `key`); and [size, bucket] pairs. A twin opens the age file with the entry's key, finds the bucket's length, zeros after `size` bytes and the entry's SHA-256 over the first `size`.",
        "entry": entry,
        "ciphertext_b64": b64_encode(&ciphertext),
        "buckets": buckets,
    });
    let text = serde_json::to_string_pretty(&vector).unwrap() + "\n";
    std::fs::write(ATTACHMENT, text).unwrap();
}
