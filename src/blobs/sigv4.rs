//! AWS Signature Version 4 for S3 requests (header-based, the payload's SHA-256 signed): what
//! every S3-compatible server (MinIO, Garage, Ceph, AWS) checks before it answers. Only what the
//! blob store sends is covered: a method, a path of unreserved characters and `/`, a query, and
//! the `host`, `x-amz-content-sha256` and `x-amz-date` headers.

use hmac::Mac;
use sha2::{Digest, Sha256};

use crate::domain::percent_encode;

/// The keys a store signs with; the secret never leaves this struct but as an HMAC key.
pub struct Credentials {
    pub access_key: String,
    pub secret_key: zeroize::Zeroizing<String>,
    pub region: String,
}

/// One request to sign.
pub struct Request<'a> {
    pub method: &'a str,
    /// The host header as sent: the name, and `:port` unless it is the scheme's default.
    pub host: &'a str,
    /// The path, already made of unreserved characters and `/` (`/bucket/key`).
    pub path: &'a str,
    /// `(name, value)` pairs, not yet encoded.
    pub query: &'a [(&'a str, &'a str)],
    pub payload_sha256: &'a str,
    /// `YYYYMMDDTHHMMSSZ`, UTC.
    pub amz_date: &'a str,
}

fn hmac(key: &[u8], data: &[u8]) -> Vec<u8> {
    let mut mac = crate::crypto::keys::hmac_sha256(key);
    mac.update(data);
    mac.finalize().into_bytes().to_vec()
}

pub fn sha256_hex(data: &[u8]) -> String {
    crate::domain::hex(&Sha256::digest(data))
}

/// The query in canonical order, each name and value encoded.
pub fn canonical_query(query: &[(&str, &str)]) -> String {
    let mut pairs: Vec<(String, String)> = query
        .iter()
        .map(|(k, v)| (percent_encode(k), percent_encode(v)))
        .collect();
    pairs.sort();
    let joined: Vec<String> = pairs.into_iter().map(|(k, v)| format!("{k}={v}")).collect();
    joined.join("&")
}

/// The `Authorization` header for `request`.
pub fn authorization(credentials: &Credentials, request: &Request) -> String {
    let signed_headers = "host;x-amz-content-sha256;x-amz-date";
    let canonical = format!(
        "{}\n{}\n{}\nhost:{}\nx-amz-content-sha256:{}\nx-amz-date:{}\n\n{signed_headers}\n{}",
        request.method,
        request.path,
        canonical_query(request.query),
        request.host,
        request.payload_sha256,
        request.amz_date,
        request.payload_sha256,
    );
    let date = &request.amz_date[..8];
    let scope = format!("{date}/{}/s3/aws4_request", credentials.region);
    let to_sign = format!(
        "AWS4-HMAC-SHA256\n{}\n{scope}\n{}",
        request.amz_date,
        sha256_hex(canonical.as_bytes())
    );
    let secret = zeroize::Zeroizing::new(format!("AWS4{}", credentials.secret_key.as_str()));
    let mut key = hmac(secret.as_bytes(), date.as_bytes());
    for part in [credentials.region.as_str(), "s3", "aws4_request"] {
        key = hmac(&key, part.as_bytes());
    }
    let signature = crate::domain::hex(&hmac(&key, to_sign.as_bytes()));
    format!(
        "AWS4-HMAC-SHA256 Credential={}/{scope}, SignedHeaders={signed_headers}, Signature={signature}",
        credentials.access_key
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    /// AWS's documented example (S3 API reference, "Signature Calculations for the Authorization
    /// Header": GET Bucket, listing objects), with the keys AWS publishes for examples.
    #[test]
    fn aws_documented_list_objects_example() {
        let credentials = Credentials {
            access_key: "AKIAIOSFODNN7EXAMPLE".into(),
            secret_key: zeroize::Zeroizing::new("wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY".into()),
            region: "us-east-1".into(),
        };
        // GET /?max-keys=2&prefix=J: its headers are exactly the three signed here.
        let request = Request {
            method: "GET",
            host: "examplebucket.s3.amazonaws.com",
            path: "/",
            query: &[("prefix", "J"), ("max-keys", "2")],
            payload_sha256: &sha256_hex(b""),
            amz_date: "20130524T000000Z",
        };
        assert_eq!(
            authorization(&credentials, &request),
            "AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20130524/us-east-1/s3/aws4_request, \
             SignedHeaders=host;x-amz-content-sha256;x-amz-date, \
             Signature=34b48302e7b5fa45bde8084f4b7868a86f0a534bc59db6670ed5711ef69dc6f7"
        );
    }

    #[test]
    fn the_query_is_sorted_and_encoded() {
        let query = [("prefix", "a b/"), ("list-type", "2")];
        assert_eq!(canonical_query(&query), "list-type=2&prefix=a%20b%2F");
    }
}
