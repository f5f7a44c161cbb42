//! Statistics a desk can publish (docs/codebook.md, decision 0010): on a supervisor's device, the
//! cases whose reporter consented are counted by two facets of the codebook and by period, and the
//! counts are published only after suppression (`suppress`): no cell under k, and no suppressed
//! cell recoverable from what is published. `merge` pools several desks' publications. Only the
//! codebook's own values ever appear in a publication: a report is a stranger's text, and a value
//! the codebook does not know is counted as `unknown`, never copied.

pub mod chart;
pub mod files;
pub mod merge;
pub mod suppress;

use serde::{Deserialize, Serialize};
use serde_json::Value;

pub use suppress::{publish, Cell, PublishedTable};

/// The codebook's version, carried by every publication; `stats merge` pools only equal ones.
pub const CODEBOOK: &str = "resguardo-codebook-1";

/// The smallest count a cell may show unless the desk chooses more; never below `MIN_K`.
pub const DEFAULT_K: u64 = 10;
pub const MIN_K: u64 = 5;

/// A dimension of the codebook: what a count is broken down by.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Facet {
    Kind,
    Country,
    When,
    Needs,
    Channel,
    Demanded,
    Paid,
    PaymentChannel,
    GangClaimed,
}

impl Facet {
    pub const ALL: [Facet; 9] = [
        Facet::Kind,
        Facet::Country,
        Facet::When,
        Facet::Needs,
        Facet::Channel,
        Facet::Demanded,
        Facet::Paid,
        Facet::PaymentChannel,
        Facet::GangClaimed,
    ];

    /// The facet's name, as the report document and the codebook write it.
    pub fn name(self) -> &'static str {
        match self {
            Facet::Kind => "kind",
            Facet::Country => "country",
            Facet::When => "when",
            Facet::Needs => "needs",
            Facet::Channel => "channel",
            Facet::Demanded => "demanded",
            Facet::Paid => "paid",
            Facet::PaymentChannel => "payment_channel",
            Facet::GangClaimed => "gang_claimed",
        }
    }

    pub fn parse(name: &str) -> Option<Facet> {
        Facet::ALL.into_iter().find(|f| f.name() == name)
    }

    /// The facet's values in codebook order, `unknown` (or `none`) last.
    pub fn values(self) -> &'static [&'static str] {
        match self {
            Facet::Kind => &[
                "sextortion",
                "phone_extortion",
                "in_person_extortion",
                "online_extortion",
                "other",
                "unknown",
            ],
            Facet::Country => &["GT", "HN", "SV", "other", "unknown"],
            Facet::When => &["today", "this_week", "this_month", "earlier", "unknown"],
            Facet::Needs => &[
                "legal",
                "psychosocial",
                "digital_security",
                "shelter",
                "medical",
                "financial",
                "none",
            ],
            Facet::Channel => &[
                "call",
                "messaging",
                "social_network",
                "in_person",
                "other",
                "unknown",
            ],
            Facet::Demanded => &["money", "images", "other", "unknown"],
            Facet::Paid | Facet::GangClaimed => &["yes", "no", "unknown"],
            Facet::PaymentChannel => &[
                "bank_deposit",
                "remittance",
                "cash",
                "mobile_money",
                "crypto",
                "other",
                "unknown",
            ],
        }
    }

    /// Whether a case may carry several values (each counted), not exactly one.
    pub fn is_multiple(self) -> bool {
        matches!(self, Facet::Needs | Facet::Demanded)
    }

    /// The codebook values a report document gives this facet: a value the codebook does not
    /// know, or a field the report lacks, is `unknown` (`none` for needs); a country outside the
    /// codebook's is `other`.
    pub fn of(self, doc: &Value) -> Vec<&'static str> {
        let values = self.values();
        let fallback = values[values.len() - 1];
        let known = |v: &Value| {
            v.as_str()
                .and_then(|s| values.iter().find(|k| **k == s))
                .copied()
        };
        let field = doc.get(self.name());
        if self.is_multiple() {
            let mut found: Vec<&'static str> = field
                .and_then(Value::as_array)
                .map(|list| list.iter().filter_map(known).collect())
                .unwrap_or_default();
            found.sort_by_key(|v| values.iter().position(|k| k == v));
            found.dedup();
            if found.is_empty() {
                found.push(fallback);
            }
            return found;
        }
        let value = field.map(|v| match known(v) {
            Some(k) => k,
            None if self == Facet::Country && v.as_str().is_some_and(is_country_code) => "other",
            None => fallback,
        });
        vec![value.unwrap_or(fallback)]
    }
}

fn is_country_code(text: &str) -> bool {
    text.len() == 2 && text.bytes().all(|b| b.is_ascii_uppercase())
}

/// How finely time is broken down.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Period {
    Quarter,
    Year,
    All,
}

impl Period {
    pub fn parse(name: &str) -> Option<Period> {
        match name {
            "quarter" => Some(Period::Quarter),
            "year" => Some(Period::Year),
            "all" => Some(Period::All),
            _ => None,
        }
    }

    /// The period a case received on `day` (`YYYY-MM-DD`) falls in: `2026-Q3`, `2026`, `all`.
    pub fn of(self, day: &str) -> String {
        let year = day.get(..4).unwrap_or("0000");
        let month: u32 = day.get(5..7).and_then(|m| m.parse().ok()).unwrap_or(1);
        match self {
            Period::Quarter => format!("{year}-Q{}", (month.clamp(1, 12) - 1) / 3 + 1),
            Period::Year => year.to_owned(),
            Period::All => "all".to_owned(),
        }
    }

    /// Whether `label` is a period of this granularity as `of` writes it: what `stats merge`
    /// accepts from another desk's file, so that nothing else reaches a table, chart or CSV.
    pub fn is_label(self, label: &str) -> bool {
        let year = |y: &str| y.len() == 4 && y.bytes().all(|b| b.is_ascii_digit());
        match self {
            Period::Quarter => label
                .split_once("-Q")
                .is_some_and(|(y, q)| year(y) && matches!(q, "1" | "2" | "3" | "4")),
            Period::Year => year(label),
            Period::All => label == "all",
        }
    }

    /// The next coarser period, if any.
    fn coarser(self) -> Option<Period> {
        match self {
            Period::Quarter => Some(Period::Year),
            Period::Year => Some(Period::All),
            Period::All => None,
        }
    }
}

/// A consented case as the tabulation sees it: the day it arrived and its report document.
pub struct CountedCase {
    pub day: String,
    pub report: Value,
}

impl CountedCase {
    /// The case, if its reporter consented to statistics (`consent_statistics: true`) and `day`
    /// (the server's word) is a day, `YYYY-MM-DD`.
    pub fn consented(day: &str, plaintext: &[u8]) -> Option<CountedCase> {
        let is_day = day.len() == 10
            && day.bytes().enumerate().all(|(i, b)| match i {
                4 | 7 => b == b'-',
                _ => b.is_ascii_digit(),
            });
        if !is_day {
            return None;
        }
        let report: Value = serde_json::from_slice(plaintext).ok()?;
        let consented = report.get("consent_statistics") == Some(&Value::Bool(true));
        consented.then(|| CountedCase {
            day: day.to_owned(),
            report,
        })
    }
}

/// Counts of one period, rows by one facet and columns by another, before suppression.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Counts {
    pub period: String,
    pub cells: Vec<Vec<u64>>,
}

/// Counts by `rows` and `cols` per period, oldest first.
pub fn tabulate(cases: &[CountedCase], rows: Facet, cols: Facet, period: Period) -> Vec<Counts> {
    let mut out: Vec<Counts> = Vec::new();
    for case in cases {
        let label = period.of(&case.day);
        let at = match out.iter().position(|c| c.period == label) {
            Some(at) => at,
            None => {
                let cells = vec![vec![0; cols.values().len()]; rows.values().len()];
                out.push(Counts {
                    period: label,
                    cells,
                });
                out.len() - 1
            }
        };
        for r in rows.of(&case.report) {
            for c in cols.of(&case.report) {
                let (i, j) = (index(rows, r), index(cols, c));
                out[at].cells[i][j] += 1;
            }
        }
    }
    out.sort_by(|a, b| a.period.cmp(&b.period));
    out
}

fn index(facet: Facet, value: &str) -> usize {
    facet.values().iter().position(|v| *v == value).unwrap_or(0)
}

/// A desk's published statistics: what `stats table` writes as JSON and `stats merge` reads.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Publication {
    pub codebook: String,
    pub k: u64,
    pub rows: Facet,
    pub cols: Facet,
    pub period: Period,
    /// How many desks' counts are pooled in it (1 for one desk's own).
    pub desks: u32,
    pub tables: Vec<PublishedTable>,
}

/// Tabulates and suppresses at `period`, coarsening time (quarter, then year, then all) while
/// more than half of the non-zero cells would be suppressed, as `stats table` does.
pub fn publication(
    cases: &[CountedCase],
    rows: Facet,
    cols: Facet,
    period: Period,
    k: u64,
) -> Publication {
    let mut period = period;
    loop {
        let tables: Vec<PublishedTable> = tabulate(cases, rows, cols, period)
            .into_iter()
            .map(|counts| publish(&counts.period, &counts.cells, k))
            .collect();
        let (hidden, shown) = tables.iter().fold((0, 0), |(h, s), t| {
            let (th, ts) = t.nonzero_split();
            (h + th, s + ts)
        });
        match period.coarser() {
            Some(coarser) if hidden > shown => period = coarser,
            _ => {
                return Publication {
                    codebook: CODEBOOK.to_owned(),
                    k,
                    rows,
                    cols,
                    period,
                    desks: 1,
                    tables,
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::protocol::report::{Channel, Demand, PaymentChannel, YesNo};
    use crate::texts;

    /// The codebook's values, the form's options (`texts`) and the report's types are written
    /// three times; they must say the same.
    #[test]
    fn the_codebook_is_what_the_form_asks() {
        let answered =
            |f: Facet, left_out: usize| f.values()[..f.values().len() - left_out].to_vec();
        assert_eq!(answered(Facet::Kind, 1), texts::KINDS);
        assert_eq!(answered(Facet::When, 1), texts::WHENS);
        assert_eq!(answered(Facet::Country, 2), texts::COUNTRIES);
        assert_eq!(answered(Facet::Needs, 1), texts::NEEDS);
        assert_eq!(answered(Facet::Channel, 1), texts::CHANNELS);
        assert_eq!(answered(Facet::Demanded, 1), texts::DEMANDS);
        assert_eq!(answered(Facet::Paid, 1), texts::ANSWERS);
        assert_eq!(answered(Facet::GangClaimed, 1), texts::ANSWERS);
        assert_eq!(answered(Facet::PaymentChannel, 1), texts::PAYMENT_CHANNELS);
        let parses = |values: &[&str], check: &dyn Fn(Value) -> bool| {
            values.iter().all(|v| check(Value::from(*v)))
        };
        assert!(parses(texts::CHANNELS, &|v| serde_json::from_value::<
            Channel,
        >(v)
        .is_ok()));
        assert!(parses(texts::DEMANDS, &|v| {
            serde_json::from_value::<Demand>(v).is_ok()
        }));
        assert!(parses(texts::ANSWERS, &|v| {
            serde_json::from_value::<YesNo>(v).is_ok()
        }));
        let payment = |v| serde_json::from_value::<PaymentChannel>(v).is_ok();
        assert!(parses(texts::PAYMENT_CHANNELS, &payment));
    }

    #[test]
    fn only_days_and_codebook_values_are_counted() {
        let doc = br#"{"consent_statistics": true, "kind": "<script>", "country": "MX",
                       "demanded": ["money", "money", "x"], "paid": "yes"}"#;
        assert!(CountedCase::consented("2026-1-1", doc).is_none());
        assert!(CountedCase::consented("=1+1-12-01", doc).is_none());
        let case = CountedCase::consented("2026-11-30", doc).unwrap();
        assert_eq!(Facet::Kind.of(&case.report), ["unknown"]);
        assert_eq!(Facet::Country.of(&case.report), ["other"]);
        assert_eq!(Facet::Demanded.of(&case.report), ["money"]);
        assert_eq!(Facet::Needs.of(&case.report), ["none"]);
        assert_eq!(Period::Quarter.of(&case.day), "2026-Q4");
        assert!(Period::Quarter.is_label("2026-Q4") && !Period::Quarter.is_label("2026-Q5"));
        let refused = br#"{"consent_statistics": "yes", "kind": "other"}"#;
        assert!(CountedCase::consented("2026-11-30", refused).is_none());
    }
}
