//! The S3-compatible blob store, for several server instances sharing their attachments (MinIO,
//! Garage, Ceph, AWS): one object per part, `ID/PART` in the configured bucket, addressed
//! path-style (`ENDPOINT/BUCKET/ID/PART`), every request signed with SigV4 (`sigv4.rs`). A part
//! is acknowledged once the store answered its PUT with success, which S3 gives only once the
//! object is durable; a retry replaces the object whole, and an object is never read half-written.
//! Errors name the request's method, the HTTP status and the store's error code, never bytes.

use std::time::Duration;

use super::sigv4::{self, Credentials, Request};
use super::{BlobError, BlobStore};
use crate::domain::AttachmentId;

pub struct S3Blobs {
    http: reqwest::Client,
    /// `scheme://host[:port]`, and the bucket's path (`/bucket`).
    origin: String,
    host: String,
    bucket_path: String,
    credentials: Credentials,
}

/// Where the store is and how it signs.
pub struct S3Config {
    /// The endpoint and bucket, path-style: `https://s3.example.org/resguardo`.
    pub url: String,
    pub region: String,
    pub access_key: String,
    pub secret_key: zeroize::Zeroizing<String>,
}

impl S3Blobs {
    pub fn open(config: S3Config) -> Result<Self, BlobError> {
        let bad = |why: &str| BlobError::Unavailable(format!("attachments.s3.url: {why}"));
        let url = url::Url::parse(&config.url).map_err(|_| bad("not a URL"))?;
        let plain = !matches!(url.scheme(), "http" | "https")
            || url.query().is_some()
            || url.fragment().is_some()
            || !url.username().is_empty()
            || url.password().is_some();
        if plain {
            return Err(bad(
                "must be https://HOST[:PORT]/BUCKET, keys in access_key and secret_key",
            ));
        }
        // Keys and ciphertext cross the network: in the clear only to this machine.
        let loopback = match url.host() {
            Some(url::Host::Ipv4(ip)) => ip.is_loopback(),
            Some(url::Host::Ipv6(ip)) => ip.is_loopback(),
            Some(url::Host::Domain(name)) => name == "localhost",
            None => false,
        };
        if url.scheme() == "http" && !loopback {
            return Err(bad("must use https:// unless the store is on this machine"));
        }
        let bucket = url.path().trim_matches('/');
        let allowed =
            |c: char| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-' || c == '.';
        if bucket.len() < 3 || bucket.len() > 63 || !bucket.chars().all(allowed) {
            return Err(bad(
                "must end with a bucket name (3–63 of a–z, 0–9, '-', '.')",
            ));
        }
        let host = match (url.host_str(), url.port()) {
            (Some(h), Some(p)) => format!("{h}:{p}"),
            (Some(h), None) => h.to_owned(),
            (None, _) => return Err(bad("names no host")),
        };
        let http = reqwest::Client::builder()
            .connect_timeout(Duration::from_secs(10))
            .timeout(Duration::from_secs(120))
            .build()
            .map_err(|e| BlobError::Unavailable(e.to_string()))?;
        Ok(Self {
            http,
            origin: format!("{}://{host}", url.scheme()),
            host,
            bucket_path: format!("/{bucket}"),
            credentials: Credentials {
                access_key: config.access_key,
                secret_key: config.secret_key,
                region: config.region,
            },
        })
    }

    /// Sends one signed request; its answer, refused unless 2xx (404 as `Missing`).
    async fn send(
        &self,
        method: reqwest::Method,
        path: &str,
        query: &[(&str, &str)],
        body: Vec<u8>,
    ) -> Result<reqwest::Response, BlobError> {
        let payload_sha256 = sigv4::sha256_hex(&body);
        let now = time::OffsetDateTime::now_utc();
        let amz_date = format!(
            "{:04}{:02}{:02}T{:02}{:02}{:02}Z",
            now.year(),
            u8::from(now.month()),
            now.day(),
            now.hour(),
            now.minute(),
            now.second()
        );
        let request = Request {
            method: method.as_str(),
            host: &self.host,
            path,
            query,
            payload_sha256: &payload_sha256,
            amz_date: &amz_date,
        };
        let authorization = sigv4::authorization(&self.credentials, &request);
        let mut url = format!("{}{path}", self.origin);
        if !query.is_empty() {
            url = format!("{url}?{}", sigv4::canonical_query(query));
        }
        let response = self
            .http
            .request(method.clone(), url)
            .header("x-amz-date", amz_date)
            .header("x-amz-content-sha256", payload_sha256)
            .header("authorization", authorization)
            .body(body)
            .send()
            .await
            .map_err(|e| BlobError::Unavailable(format!("{method} failed: {}", without_url(&e))))?;
        let status = response.status();
        if status.is_success() {
            return Ok(response);
        }
        let text = read_capped(response, ANSWER_CAP).await.unwrap_or_default();
        let text = String::from_utf8_lossy(&text);
        // The store's error code, only if it looks like one: it goes into the server's log.
        let code = tag(&text, "Code")
            .into_iter()
            .next()
            .filter(|c| c.len() <= 64 && c.chars().all(|ch| ch.is_ascii_alphanumeric()));
        Err(match (status.as_u16(), code.as_deref()) {
            // Only a missing object is "no such part": a missing bucket or a proxy's 404 is
            // the store failing, not an attachment's part absent.
            (404, Some("NoSuchKey")) => BlobError::Missing,
            (507, _) | (_, Some("XMinioStorageFull")) => BlobError::Full,
            (_, code) => {
                BlobError::Unavailable(format!("{method} answered {status} {}", code.unwrap_or("")))
            }
        })
    }

    fn object(&self, id: &AttachmentId, part: u64) -> String {
        format!("{}/{id}/{part}", self.bucket_path)
    }

    /// The keys under `prefix` (with `/` as delimiter: the ids' prefixes when `prefix` is empty),
    /// page after page.
    async fn keys(&self, prefix: &str, common: bool) -> Result<Vec<String>, BlobError> {
        let mut found = vec![];
        let mut token: Option<String> = None;
        for _ in 0..MAX_PAGES {
            let mut query = vec![("list-type", "2"), ("prefix", prefix)];
            if common {
                query.push(("delimiter", "/"));
            }
            if let Some(t) = token.as_deref() {
                query.push(("continuation-token", t));
            }
            let response = self
                .send(
                    reqwest::Method::GET,
                    &format!("{}/", self.bucket_path),
                    &query,
                    vec![],
                )
                .await?;
            let xml = read_capped(response, ANSWER_CAP).await?;
            let xml = String::from_utf8_lossy(&xml);
            found.extend(tag(&xml, if common { "Prefix" } else { "Key" }));
            let truncated = tag(&xml, "IsTruncated").first().map(String::as_str) == Some("true");
            match tag(&xml, "NextContinuationToken").pop() {
                _ if !truncated => return Ok(found),
                // A store that pages without a token, or hands the same token again, would
                // have the listing end early or never: both are the store failing.
                Some(next) if token.as_deref() != Some(next.as_str()) => token = Some(next),
                _ => return Err(BlobError::Unavailable("the listing pages wrongly".into())),
            }
        }
        Err(BlobError::Unavailable(
            "the listing has too many pages".into(),
        ))
    }
}

/// The most a store's answer may hold: a part is 1 MiB; a listing page of 1,000 keys, or an
/// error, is far below 8 MiB. Past it the store is failing, and its answer is not read further.
const PART_CAP: usize = 2 * 1024 * 1024;
const ANSWER_CAP: usize = 8 * 1024 * 1024;
/// Listing pages before a listing is taken as endless (1,000 ids each).
const MAX_PAGES: usize = 10_000;

/// The body of `response`, refused past `cap` bytes before more is read.
async fn read_capped(mut response: reqwest::Response, cap: usize) -> Result<Vec<u8>, BlobError> {
    let too_long = || BlobError::Unavailable(format!("the store answered more than {cap} bytes"));
    if response.content_length().is_some_and(|n| n > cap as u64) {
        return Err(too_long());
    }
    let mut body = Vec::new();
    while let Some(chunk) = response
        .chunk()
        .await
        .map_err(|e| BlobError::Unavailable(without_url(&e)))?
    {
        if body.len() + chunk.len() > cap {
            return Err(too_long());
        }
        body.extend_from_slice(&chunk);
    }
    Ok(body)
}

/// reqwest's error without the URL it carries (the store's address is no secret, but the
/// message should say what failed, not where).
fn without_url(e: &reqwest::Error) -> String {
    let kind = if e.is_timeout() {
        "timed out"
    } else if e.is_connect() {
        "could not connect"
    } else {
        "failed"
    };
    kind.to_owned()
}

/// Every `<NAME>text</NAME>` in an S3 XML answer, its entities decoded. S3's answers are flat
/// enough for this: the names read here never nest.
fn tag(xml: &str, name: &str) -> Vec<String> {
    let (open, close) = (format!("<{name}>"), format!("</{name}>"));
    let mut found = vec![];
    let mut rest = xml;
    while let Some(start) = rest.find(&open) {
        let after = &rest[start + open.len()..];
        let Some(end) = after.find(&close) else { break };
        let text = &after[..end];
        found.push(
            text.replace("&lt;", "<")
                .replace("&gt;", ">")
                .replace("&quot;", "\"")
                .replace("&apos;", "'")
                .replace("&amp;", "&"),
        );
        rest = &after[end + close.len()..];
    }
    found
}

#[async_trait::async_trait]
impl BlobStore for S3Blobs {
    async fn put_part(
        &self,
        id: &AttachmentId,
        part: u64,
        bytes: Vec<u8>,
    ) -> Result<(), BlobError> {
        self.send(reqwest::Method::PUT, &self.object(id, part), &[], bytes)
            .await
            .map(|_| ())
    }

    async fn part(&self, id: &AttachmentId, part: u64) -> Result<Vec<u8>, BlobError> {
        let response = self
            .send(reqwest::Method::GET, &self.object(id, part), &[], vec![])
            .await?;
        read_capped(response, PART_CAP).await
    }

    async fn delete(&self, id: &AttachmentId) -> Result<(), BlobError> {
        for key in self.keys(&format!("{id}/"), false).await? {
            // Keys come from the store's own listing under this id's prefix: each is ID/PART.
            let Some(part) = key
                .strip_prefix(&format!("{id}/"))
                .filter(|p| p.parse::<u64>().is_ok())
            else {
                continue;
            };
            match self
                .send(
                    reqwest::Method::DELETE,
                    &format!("{}/{id}/{part}", self.bucket_path),
                    &[],
                    vec![],
                )
                .await
            {
                Ok(_) | Err(BlobError::Missing) => {}
                Err(e) => return Err(e),
            }
        }
        Ok(())
    }

    async fn list(&self) -> Result<Vec<AttachmentId>, BlobError> {
        let prefixes = self.keys("", true).await?;
        Ok(prefixes
            .iter()
            .filter_map(|p| AttachmentId::parse(p.trim_end_matches('/')).ok())
            .collect())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn answers_are_read_by_their_tags() {
        let xml =
            "<ListBucketResult><IsTruncated>true</IsTruncated><CommonPrefixes><Prefix>a/</Prefix>\
                   </CommonPrefixes><CommonPrefixes><Prefix>b&amp;c/</Prefix></CommonPrefixes>\
                   <NextContinuationToken>t+1</NextContinuationToken></ListBucketResult>";
        assert_eq!(tag(xml, "Prefix"), vec!["a/", "b&c/"]);
        assert_eq!(tag(xml, "NextContinuationToken"), vec!["t+1"]);
        assert!(tag(xml, "Key").is_empty());
    }

    #[test]
    fn the_url_names_an_endpoint_and_a_bucket() {
        let config = |url: &str| S3Config {
            url: url.into(),
            region: "us-east-1".into(),
            access_key: "k".into(),
            secret_key: zeroize::Zeroizing::new("s".into()),
        };
        let store = S3Blobs::open(config("http://127.0.0.1:9000/resguardo")).unwrap();
        assert_eq!(
            (store.origin.as_str(), store.host.as_str()),
            ("http://127.0.0.1:9000", "127.0.0.1:9000")
        );
        assert_eq!(store.bucket_path, "/resguardo");
        for wrong in [
            "http://s3.example.org/bucket",
            "https://key:secret@s3.example.org/bucket",
            "ftp://h/bucket",
            "http://h/",
            "http://h/Bucket_1",
            "http://h/b?x=1",
            "nonsense",
        ] {
            assert!(S3Blobs::open(config(wrong)).is_err(), "{wrong}");
        }
    }
}
