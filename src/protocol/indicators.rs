//! Indicators as a desk device compares them (docs/protocol.md §11 "Linked cases"): the same phone
//! number, account, handle or wallet written in different ways becomes one normalised text, which
//! `links` turns into a match token. What cannot be normalised soundly stays unmatched: a wrong
//! link between two victims' cases is worse than a missed one. `web/src/indicators.ts` is the
//! TypeScript twin; both pass `tests/vectors/indicators.json`.

use super::report::{Indicator, IndicatorKind};
use super::search::fold;

/// An indicator's normalised text, prefixed by its type (`phone:+50255551234`). It is what a match
/// token is computed over, and it never leaves the device.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Normalised(String);

impl Normalised {
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// A normalised text as the vectors give it.
    #[cfg(test)]
    pub(crate) fn from_vector(text: &str) -> Normalised {
        Normalised(text.to_owned())
    }
}

/// A country as ISO 3166-1 alpha-2, upper case: the region a national phone number belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Country(phonenumber::country::Id);

impl Country {
    /// `None` for anything but a two-letter code that libphonenumber's metadata has (a report's
    /// "other" included): the browser's libphonenumber-js accepts exactly those, so both read a
    /// number of an unknown country as the desk's.
    pub fn parse(code: &str) -> Option<Country> {
        if code.len() != 2 || !code.bytes().all(|b| b.is_ascii_uppercase()) {
            return None;
        }
        phonenumber::metadata::DATABASE.by_id(code)?;
        code.parse().ok().map(Country)
    }
}

/// The normalised text of `indicator`, national phone numbers read as `country`'s; `None` if it
/// cannot be normalised without guessing.
pub fn normalise(indicator: &Indicator, country: Option<Country>) -> Option<Normalised> {
    let value = indicator.value.trim();
    let (kind, text) = match indicator.kind {
        IndicatorKind::Phone => ("phone", phone(value, country)?),
        IndicatorKind::Account => ("account", account(value)?),
        IndicatorKind::Handle => ("handle", handle(value)?),
        IndicatorKind::Wallet => ("wallet", wallet(value)?),
    };
    Some(Normalised(format!("{kind}:{text}")))
}

/// E.164, by libphonenumber's rules and metadata, for numbers it finds valid.
fn phone(value: &str, country: Option<Country>) -> Option<String> {
    let number = phonenumber::parse(country.map(|c| c.0), value).ok()?;
    phonenumber::is_valid(&number)
        .then(|| number.format().mode(phonenumber::Mode::E164).to_string())
}

/// `iban:` and the IBAN for one that passes mod-97; otherwise `BANK:DIGITS`, the bank's name as
/// folded words and the account's digits, when the value names both.
fn account(value: &str) -> Option<String> {
    let compact: String = value
        .chars()
        .filter(|c| !matches!(c, ' ' | '\t' | '-' | '.'))
        .collect::<String>()
        .to_ascii_uppercase();
    if looks_like_iban(&compact) {
        return iban_checks(&compact).then(|| format!("iban:{compact}"));
    }
    let digits: String = value.chars().filter(char::is_ascii_digit).collect();
    let folded = fold(value);
    let words: Vec<&str> = folded
        .split(|c: char| !c.is_ascii_lowercase())
        .filter(|w| !w.is_empty() && !FILLER.contains(w))
        .collect();
    let bounded = (6..=30).contains(&digits.len());
    (bounded && !words.is_empty()).then(|| format!("{}:{digits}", words.join(" ")))
}

/// Words around an account number that name no bank ("cuenta no. 3-123…", "account number"),
/// left out so that they do not make two writings of one account differ.
const FILLER: &[&str] = &[
    "cuenta", "cta", "no", "nro", "num", "numero", "de", "del", "account", "acct", "number",
    "compte", "n",
];

/// Two letters, two check digits, then 11 to 30 letters or digits: the shape of every IBAN.
fn looks_like_iban(text: &str) -> bool {
    let bytes = text.as_bytes();
    (15..=34).contains(&bytes.len())
        && bytes[..2].iter().all(u8::is_ascii_uppercase)
        && bytes[2..4].iter().all(u8::is_ascii_digit)
        && bytes[4..].iter().all(u8::is_ascii_alphanumeric)
}

/// ISO 13616's check: the first four characters moved to the end, letters as 10–35, mod 97 is 1.
fn iban_checks(iban: &str) -> bool {
    let (head, tail) = iban.split_at(4);
    let remainder = tail.chars().chain(head.chars()).fold(0u32, |acc, c| {
        let value = c.to_digit(36).unwrap_or(0);
        let width = if value >= 10 { 100 } else { 10 };
        (acc * width + value) % 97
    });
    remainder == 1
}

/// Platforms a handle is read for, by the names and hosts reporters write.
const PLATFORMS: &[(&str, &[&str])] = &[
    ("instagram", &["instagram", "ig", "insta", "instagram.com"]),
    ("facebook", &["facebook", "fb", "facebook.com", "fb.com"]),
    ("tiktok", &["tiktok", "tiktok.com"]),
    ("x", &["x", "twitter", "x.com", "twitter.com"]),
    ("telegram", &["telegram", "tg", "t.me", "telegram.me"]),
];

/// First path segments of profile addresses that name a page, not a profile: a post's address
/// (`instagram.com/p/…`) must not link every case that cites a post.
const NOT_PROFILES: &[&str] = &[
    "p",
    "reel",
    "reels",
    "stories",
    "explore",
    "tv",
    "profile.php",
    "permalink.php",
    "story.php",
    "share",
    "groups",
    "pages",
    "people",
    "watch",
    "hashtag",
    "home",
    "login",
    "i",
    "s",
    "c",
    "joinchat",
    "addlist",
];

fn platform(name: &str) -> Option<&'static str> {
    let name = name.to_ascii_lowercase();
    let name = name
        .strip_prefix("www.")
        .or_else(|| name.strip_prefix("m."))
        .unwrap_or(&name);
    PLATFORMS
        .iter()
        .find(|(_, aliases)| aliases.contains(&name))
        .map(|(platform, _)| *platform)
}

/// `PLATFORM:NAME` from a profile address (`https://www.instagram.com/name/`) or from a platform
/// named beside the handle (`IG @name`, `tiktok: name`). A bare handle stays unmatched: the same
/// name on two platforms may be two people.
fn handle(value: &str) -> Option<String> {
    let without_scheme = ["https://", "http://"]
        .iter()
        .find_map(|s| {
            value
                .get(..s.len())?
                .eq_ignore_ascii_case(s)
                .then(|| &value[s.len()..])
        })
        .unwrap_or(value);
    let (platform_name, name) = match without_scheme.split_once('/') {
        Some((host, path)) if host.contains('.') => {
            let name = path.split(['/', '?', '#']).next().unwrap_or_default();
            if NOT_PROFILES.contains(&name.to_ascii_lowercase().as_str()) {
                return None;
            }
            (platform(host)?, name)
        }
        _ => {
            let parts: Vec<&str> = value
                .split(|c: char| c.is_whitespace() || matches!(c, ':' | ',' | '(' | ')'))
                .filter(|p| !p.is_empty())
                .collect();
            match parts.as_slice() {
                [a, b] => match (platform(a), platform(b)) {
                    (Some(p), None) => (p, *b),
                    (None, Some(p)) => (p, *a),
                    _ => return None,
                },
                _ => return None,
            }
        }
    };
    let name = name.strip_prefix('@').unwrap_or(name).to_ascii_lowercase();
    let valid = (1..=64).contains(&name.len())
        && name
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'.' || b == b'_');
    valid.then(|| format!("{platform_name}:{name}"))
}

/// `CHAIN:ADDRESS` as the chain writes it: Ethereum-style `0x` addresses in lower case (EIP-55's
/// checksum is only letter case), Bitcoin segwit addresses (BIP-173/350, checksum verified) in
/// lower case, and Base58Check addresses (checksum verified) as written: Bitcoin's `1…`/`3…` and
/// Tron's `T…`. Anything else stays unmatched.
fn wallet(value: &str) -> Option<String> {
    if let Some(hex) = value
        .strip_prefix("0x")
        .or_else(|| value.strip_prefix("0X"))
    {
        let valid = hex.len() == 40 && hex.bytes().all(|b| b.is_ascii_hexdigit());
        return valid.then(|| format!("eth:0x{}", hex.to_ascii_lowercase()));
    }
    if value.len() <= 90 {
        if let Ok((hrp, _, _)) = bech32::segwit::decode(value) {
            return (hrp == bech32::hrp::BC).then(|| format!("btc:{}", value.to_ascii_lowercase()));
        }
    }
    let payload = bs58::decode(value).with_check(None).into_vec().ok()?;
    match (payload.first(), payload.len()) {
        (Some(0x00 | 0x05), 21) => Some(format!("btc:{value}")),
        (Some(0x41), 21) => Some(format!("trx:{value}")),
        _ => None,
    }
}
