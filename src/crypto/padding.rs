//! Padding of plaintext documents (design §2): a JSON object gets a `pad` field of spaces so that its
//! serialised length is exactly the next bucket (1, 2, 4, 8 … KiB). Ciphertext sizes then reveal only
//! the bucket, not whether a report is two lines or two pages.

use serde_json::{Map, Value};
use zeroize::Zeroizing;

/// The smallest bucket.
pub const MIN_BUCKET: usize = 1024;

/// The bucket a document of `len` bytes is padded to.
pub fn bucket_len(len: usize) -> usize {
    len.max(MIN_BUCKET).next_power_of_two()
}

/// The smallest size an attachment is padded to (docs/protocol.md §12).
pub const MIN_FILE_BUCKET: u64 = 64 * 1024;

/// The size a file of `size` bytes is padded to before encryption (an attachment, decision 0012):
/// at least 64 KiB, else `size` rounded up to a multiple of 2^(e−3), where 2^e ≤ `size` <
/// 2^(e+1). Eight buckets per power of two, so padding adds at most an eighth; the ciphertext
/// shows the bucket, not the size.
pub fn file_bucket(size: u64) -> u64 {
    if size <= MIN_FILE_BUCKET {
        return MIN_FILE_BUCKET;
    }
    let e = 63 - u64::from(size.leading_zeros());
    let step = 1u64 << (e - 3);
    size.div_ceil(step).saturating_mul(step)
}

/// Serialises `doc` with a `pad` field sized so the result is exactly `bucket_len` bytes.
pub fn pad(mut doc: Map<String, Value>) -> Zeroizing<Vec<u8>> {
    doc.insert("pad".to_owned(), Value::String(String::new()));
    let bare = serialize(&doc);
    let target = bucket_len(bare.len());
    // Spaces are one byte each and need no JSON escaping, so the arithmetic is exact.
    doc.insert(
        "pad".to_owned(),
        Value::String(" ".repeat(target - bare.len())),
    );
    let padded = serialize(&doc);
    debug_assert_eq!(padded.len(), target);
    padded
}

fn serialize(doc: &Map<String, Value>) -> Zeroizing<Vec<u8>> {
    // Serialising a map of JSON values cannot fail.
    Zeroizing::new(serde_json::to_vec(doc).unwrap_or_default())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn doc(text: &str) -> Map<String, Value> {
        let mut map = Map::new();
        map.insert("schema".into(), "resguardo.report.v1".into());
        map.insert("narrative".into(), text.into());
        map
    }

    #[test]
    fn pads_to_exact_buckets() {
        for (len, bucket) in [(0, 1024), (900, 1024), (1100, 2048), (5000, 8192)] {
            let padded = pad(doc(&"x".repeat(len)));
            assert_eq!(padded.len(), bucket, "text of {len}");
            let back: Value = serde_json::from_slice(&padded).unwrap();
            assert_eq!(back["narrative"].as_str().unwrap().len(), len);
        }
    }

    #[test]
    fn multibyte_text_still_lands_on_a_bucket() {
        let padded = pad(doc(&"ñ\"é😀".repeat(300)));
        assert!(padded.len().is_power_of_two());
    }
}
