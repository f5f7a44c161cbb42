//! The reporter's words, in Spanish (first), English and French: the pages' and the reporter
//! command line's (`resguardo report`), which asks the pages' questions. Plain language, short
//! sentences: people read these frightened, on a small screen.

mod en;
mod es;
mod fr;

pub use en::EN;
pub use es::ES;
pub use fr::FR;

/// Every text of the pages in one language.
pub struct Texts {
    pub code: &'static str,
    pub name: &'static str,
    pub exit: &'static str,
    pub noscript: &'static str,
    /// The follow-up page's notice without JavaScript: what it needs, and why.
    pub noscript_followup: &'static str,
    /// Before a desk's other ways to be reached (`web.contacts`), shown without JavaScript.
    pub other_ways: &'static str,
    pub footer: &'static str,
    pub digest: &'static str,
    /// The summary the script's digest hides behind.
    pub for_experts: &'static str,
    pub no_desk: &'static str,
    pub desk: &'static str,
    pub intake_title: &'static str,
    pub intake_intro: &'static str,
    pub who_reads: &'static str,
    pub kind: &'static str,
    /// Next to a required field left empty.
    pub required: &'static str,
    pub kinds: &'static [(&'static str, &'static str)],
    pub when: &'static str,
    pub whens: &'static [(&'static str, &'static str)],
    pub indicators: &'static str,
    pub indicators_hint: &'static str,
    pub indicator_types: &'static [(&'static str, &'static str)],
    pub indicator_type: &'static str,
    pub indicator_value: &'static str,
    pub add_indicator: &'static str,
    pub consent_statistics: &'static str,
    pub country: &'static str,
    pub countries: &'static [(&'static str, &'static str)],
    pub narrative: &'static str,
    pub narrative_hint: &'static str,
    pub needs: &'static str,
    pub need_labels: &'static [(&'static str, &'static str)],
    pub contact: &'static str,
    pub contact_hint: &'static str,
    pub consent: &'static str,
    pub yes: &'static str,
    pub no: &'static str,
    pub before_sending: &'static str,
    pub send: &'static str,
    pub working: &'static str,
    /// A problem the server answered that has no text of its own below.
    pub error_server: &'static str,
    pub error_network: &'static str,
    /// What the reporter reads for each problem type the reporter's routes answer (RFC 9457
    /// `type`, last path segment): never the server's English `detail`.
    pub problems: &'static [(&'static str, &'static str)],
    /// A typed word that is in none of the word lists; `{n}` is its place (1–8).
    pub unknown_word: &'static str,
    /// A phrase of the wrong length; `{n}` is how many words were typed.
    pub word_count: &'static str,
    pub receipt_title: &'static str,
    pub receipt_intro: &'static str,
    /// Before the desk's safety number on the receipt, computed in the page from the key it
    /// encrypted to. There is no Copy button: phone keyboards keep clipboard history.
    pub desk_number: &'static str,
    pub print: &'static str,
    pub shared_device: &'static str,
    pub followup_title: &'static str,
    pub have_phrase: &'static str,
    pub phrase_label: &'static str,
    pub phrase_hint: &'static str,
    pub word: &'static str,
    pub open: &'static str,
    pub status: &'static str,
    pub statuses: &'static [(&'static str, &'static str)],
    pub write: &'static str,
    pub from_desk: &'static str,
    pub from_you: &'static str,
    pub unreadable: &'static str,
    /// Under a message listed as the desk's that does not carry the desk's tag.
    pub not_verified: &'static str,
    /// The command line's own words (`resguardo report`), around the pages' questions.
    pub cli: CliTexts,
}

/// What the reporter command line says besides the pages' questions.
pub struct CliTexts {
    /// After a list of numbered options.
    pub pick: &'static str,
    /// After an optional question.
    pub optional: &'static str,
    /// After a question answered over several lines.
    pub lines: &'static str,
    /// A choice answered with more than one option, separated by commas.
    pub several: &'static str,
    /// An answer that is none of the options; `{answer}` is what was typed.
    pub again: &'static str,
    /// A required answer left empty.
    pub required: &'static str,
    /// Asking for the receipt phrase.
    pub phrase: &'static str,
    pub no_messages: &'static str,
    pub sent: &'static str,
}

pub const ALL: &[&Texts] = &[&ES, &EN, &FR];

pub fn for_language(code: &str) -> Option<&'static Texts> {
    ALL.iter().copied().find(|t| t.code == code)
}
