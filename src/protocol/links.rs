//! Linked cases inside a desk (docs/protocol.md §11): a desk device turns each indicator of a case
//! it opened into a match token, HMAC-SHA256 under the desk's match key, and uploads the tokens;
//! the server answers which other cases of the desk carry the same tokens. The match key is
//! derived from a desk identity, so only devices holding the desk key compute tokens, and the
//! server, which cannot, learns equality of tokens within a desk and nothing it could enumerate
//! phone numbers with (decision 0009). `web/src/links.ts` is the TypeScript twin; both pass
//! `tests/vectors/indicators.json`.

use hmac::Mac;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use zeroize::Zeroizing;

use super::indicators::{normalise, Country, Normalised};
use super::report::Indicator;
use crate::crypto::keys::hmac_sha256;
use crate::domain::{b64_decode_array, b64_encode};

/// HKDF-SHA256's `info` for the match key; a new derivation gets a new label.
const MATCH_KEY_LABEL: &str = "resguardo/desk-match-key/v1";

/// Most tokens one case may hold: one per indicator a report may carry.
pub const MAX_TOKENS: usize = super::report::MAX_INDICATORS;

/// The key a desk's match tokens are computed under, derived from the desk identity of one key
/// version: a rotation brings a new match key, so a worker removed since cannot compute the
/// tokens the desk stores from then on.
pub struct MatchKey(Zeroizing<[u8; 32]>);

impl MatchKey {
    /// HKDF-SHA256 (no salt) of the identity's Bech32 text as age writes it (the `AGE-SECRET-KEY-` prefix and Bech32).
    pub fn of(desk: &age::x25519::Identity) -> MatchKey {
        let text =
            Zeroizing::new(age::secrecy::ExposeSecret::expose_secret(&desk.to_string()).to_owned());
        let mut key = Zeroizing::new([0u8; 32]);
        // 32 bytes is far below HKDF's limit; expand cannot fail.
        let _ = hkdf::Hkdf::<sha2::Sha256>::new(None, text.as_bytes())
            .expand(MATCH_KEY_LABEL.as_bytes(), key.as_mut());
        MatchKey(key)
    }

    /// The token of one normalised indicator.
    pub fn token(&self, indicator: &Normalised) -> MatchToken {
        let mut mac = hmac_sha256(self.0.as_ref());
        mac.update(indicator.as_str().as_bytes());
        MatchToken(mac.finalize().into_bytes().into())
    }

    #[cfg(test)]
    fn bytes(&self) -> &[u8; 32] {
        &self.0
    }
}

/// A match token: what the server stores of an indicator.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct MatchToken([u8; 32]);

impl MatchToken {
    /// A token as the wire carries it (base64); `None` unless it is 32 bytes.
    pub fn parse(text: &str) -> Option<MatchToken> {
        b64_decode_array::<32>(text).map(MatchToken)
    }

    pub fn as_bytes(&self) -> &[u8; 32] {
        &self.0
    }

    pub fn to_wire(self) -> String {
        b64_encode(&self.0)
    }
}

impl From<[u8; 32]> for MatchToken {
    fn from(bytes: [u8; 32]) -> MatchToken {
        MatchToken(bytes)
    }
}

/// The normalised indicators of a decrypted report document, without repeats, in order: national
/// phone numbers read as the report's own country's, else as the desk's.
pub fn indicators_of(plaintext: &[u8], desk_country: Option<Country>) -> Vec<Normalised> {
    let Ok(doc) = serde_json::from_slice::<Value>(plaintext) else {
        return Vec::new();
    };
    let country = doc
        .get("country")
        .and_then(Value::as_str)
        .and_then(Country::parse)
        .or(desk_country);
    let listed = doc.get("indicators").and_then(Value::as_array);
    let mut found: Vec<Normalised> = listed
        .map(Vec::as_slice)
        .unwrap_or_default()
        .iter()
        .filter_map(indicator)
        .filter_map(|i| normalise(&i, country))
        .collect();
    found.sort();
    found.dedup();
    found.truncate(MAX_TOKENS);
    found
}

/// An indicator of a report document as its `type` and `value` say, whatever else the object
/// holds (the browser reads it so too: a report is a stranger's, not held to the form's rules).
fn indicator(value: &Value) -> Option<Indicator> {
    let kind = serde_json::from_value(value.get("type")?.clone()).ok()?;
    let value = value.get("value")?.as_str()?.to_owned();
    Some(Indicator { kind, value })
}

/// A case's tokens under the key of `key_version`, replacing what it held (`POST …/links`).
#[derive(Debug, Clone, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CaseTokens {
    /// The desk key version whose match key made the tokens: the desk's current one.
    pub key_version: i64,
    /// Each 32 bytes, base64; at most 20, no repeats.
    pub tokens: Vec<String>,
}

/// The other cases of the desk that share a token with this one.
#[derive(Debug, Clone, Serialize, Deserialize, utoipa::ToSchema)]
pub struct CaseLinksView {
    /// The key version of this case's stored tokens; `null` if it has none yet.
    pub key_version: Option<i64>,
    /// Per stored token of the case, the other cases that hold it; tokens no other case holds
    /// are listed with no cases.
    pub links: Vec<LinkView>,
}

/// One token and the cases that hold it.
#[derive(Debug, Clone, Serialize, Deserialize, utoipa::ToSchema)]
pub struct LinkView {
    pub token: String,
    /// Case ids, in hex.
    pub reports: Vec<String>,
}

/// The desk's tokens held by at least `min_cases` cases (`GET /api/v1/desk/links`).
#[derive(Debug, Clone, Serialize, Deserialize, utoipa::IntoParams)]
#[serde(deny_unknown_fields)]
pub struct DeskLinksQuery {
    /// 2 unless given; at least 2.
    pub min_cases: Option<u32>,
}

/// Tokens of the desk's current key version with the cases that hold them.
#[derive(Debug, Clone, Serialize, Deserialize, utoipa::ToSchema)]
pub struct DeskLinksView {
    pub key_version: i64,
    pub links: Vec<LinkView>,
}

#[cfg(test)]
mod tests {
    use std::str::FromStr;

    use serde::Deserialize;

    use super::*;
    use crate::protocol::report::IndicatorKind;

    #[derive(Deserialize)]
    struct Vectors {
        normalise: Vec<NormaliseCase>,
        match_key: Vec<KeyCase>,
        tokens: Vec<TokenCase>,
        reports: Vec<ReportCase>,
    }

    #[derive(Deserialize)]
    struct NormaliseCase {
        #[serde(rename = "type")]
        kind: IndicatorKind,
        value: String,
        country: Option<String>,
        normalised: Option<String>,
    }

    #[derive(Deserialize)]
    struct KeyCase {
        identity: String,
        key: String,
    }

    #[derive(Deserialize)]
    struct TokenCase {
        identity: String,
        normalised: String,
        token: String,
    }

    #[derive(Deserialize)]
    struct ReportCase {
        report: Value,
        desk_country: Option<String>,
        normalised: Vec<String>,
    }

    fn vectors() -> Vectors {
        let text = include_str!("../../tests/vectors/indicators.json");
        serde_json::from_str(text).expect("tests/vectors/indicators.json")
    }

    fn identity(text: &str) -> age::x25519::Identity {
        age::x25519::Identity::from_str(text).expect("an identity")
    }

    #[test]
    fn indicators_normalise_as_the_vectors_say() {
        for case in vectors().normalise {
            let indicator = Indicator {
                kind: case.kind,
                value: case.value.clone(),
            };
            let country = case.country.as_deref().and_then(Country::parse);
            let got = normalise(&indicator, country);
            assert_eq!(
                got.as_ref().map(Normalised::as_str),
                case.normalised.as_deref(),
                "{:?} {:?} in {:?}",
                case.kind,
                case.value,
                case.country
            );
        }
    }

    #[test]
    fn match_keys_and_tokens_are_the_vectors() {
        let vectors = vectors();
        for case in vectors.match_key {
            let key = MatchKey::of(&identity(&case.identity));
            assert_eq!(hex(key.bytes()), case.key);
        }
        for case in vectors.tokens {
            let key = MatchKey::of(&identity(&case.identity));
            let token = key.token(&Normalised::from_vector(&case.normalised));
            assert_eq!(hex(token.as_bytes()), case.token, "{}", case.normalised);
        }
    }

    #[test]
    fn a_reports_indicators_are_read_with_its_country_then_the_desks() {
        for case in vectors().reports {
            let plaintext = serde_json::to_vec(&case.report).expect("json");
            let desk = case.desk_country.as_deref().and_then(Country::parse);
            let got: Vec<String> = indicators_of(&plaintext, desk)
                .iter()
                .map(|n| n.as_str().to_owned())
                .collect();
            assert_eq!(got, case.normalised, "{}", case.report);
        }
    }

    #[test]
    fn tokens_parse_only_at_32_bytes() {
        let token = MatchToken::from([7u8; 32]);
        assert_eq!(MatchToken::parse(&token.to_wire()), Some(token));
        assert_eq!(MatchToken::parse(&b64_encode(&[7u8; 31])), None);
        assert_eq!(MatchToken::parse("not base64!"), None);
    }

    fn hex(bytes: &[u8]) -> String {
        bytes.iter().map(|b| format!("{b:02x}")).collect()
    }
}
