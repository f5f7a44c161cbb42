//! The languages with a receipt phrase word list (`crypto::receipt`), which partners also name
//! as what they offer. The pages speak these and any language a catalogue adds (`crate::texts`);
//! each catalogue names which of these lists its reporters' phrases use.

/// A language with its own BIP-39 word list.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Hash,
    clap::ValueEnum,
    serde::Serialize,
    serde::Deserialize,
    utoipa::ToSchema,
)]
#[serde(rename_all = "lowercase")]
pub enum Language {
    Es,
    En,
    Fr,
}

impl Language {
    pub fn parse(code: &str) -> Option<Self> {
        <Self as clap::ValueEnum>::value_variants()
            .iter()
            .copied()
            .find(|l| l.code() == code)
    }

    pub fn code(self) -> &'static str {
        match self {
            Language::Es => "es",
            Language::En => "en",
            Language::Fr => "fr",
        }
    }
}
