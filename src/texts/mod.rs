//! The reporter's words: the pages' and the reporter command line's (`resguardo report`), which
//! asks the pages' questions. They live in one Fluent catalogue per language (`locales/es.ftl`…,
//! read by `catalogue`), the format translators' tools already edit, so that a network adds a
//! language by adding a file: built in (`locales/`, embedded by build.rs) or beside a running
//! server (`web.languages_dir`). Every catalogue must have every message: one that lacks a
//! message is refused, naming it, rather than showing a reporter half a page in another language.

mod catalogue;
mod desk;

use std::path::Path;

pub use catalogue::CatalogueError;
use catalogue::Messages;
pub use desk::DeskTexts;

use crate::domain::Language;

/// Options of a question: the value the report format uses, and its label.
pub type Options = Vec<(&'static str, String)>;

/// The values of each question's options, in the order they are offered. They are the report
/// format's (docs/protocol.md §2); a catalogue labels each as `<prefix>-<value>`.
pub(crate) const KINDS: &[&str] = &[
    "sextortion",
    "phone_extortion",
    "in_person_extortion",
    "online_extortion",
    "other",
];
pub(crate) const WHENS: &[&str] = &["today", "this_week", "this_month", "earlier"];
const INDICATOR_KINDS: &[&str] = &["phone", "account", "handle", "wallet"];
pub(crate) const COUNTRIES: &[&str] = &["GT", "HN", "SV"];
// The codebook's facets a reporter may answer (docs/codebook.md), as the report writes them.
pub(crate) const CHANNELS: &[&str] = &["call", "messaging", "social_network", "in_person", "other"];
pub(crate) const DEMANDS: &[&str] = &["money", "images", "other"];
pub(crate) const PAYMENT_CHANNELS: &[&str] = &[
    "bank_deposit",
    "remittance",
    "cash",
    "mobile_money",
    "crypto",
    "other",
];
pub(crate) const ANSWERS: &[&str] = &["yes", "no"];
pub(crate) const NEEDS: &[&str] = &[
    "legal",
    "psychosocial",
    "digital_security",
    "shelter",
    "medical",
    "financial",
];
pub(crate) const STATUSES: &[&str] = &["new", "in_review", "referred", "closed", "spam"];
/// The variables a catalogue's texts may use (`{ $n }`…), each kept as a slot (`{n}`) that the
/// page script or the command line fills in; `check_slots` says where each belongs.
const SLOTS: &[&str] = &["n", "answer", "done", "total", "shown", "file", "mib"];
/// The problem types (RFC 9457 `type`, last path segment) the reporter's routes can answer.
pub const PROBLEMS: &[&str] = &[
    "receipt-not-found",
    "rate-limited",
    "thread-full",
    "desk-not-found",
    "payload-too-large",
    "pow-expired",
    "pow-stale",
    "pow-reused",
    "timeout",
    "service-unavailable",
    "storage-full",
    "attachment-limit",
];

/// Every text of the pages in one language.
pub struct Texts {
    /// The language's code, its catalogue's file name: `es`, `quc`.
    pub code: String,
    pub name: String,
    /// The receipt phrase's word list for reporters of this language.
    pub words: Language,
    pub exit: String,
    pub noscript: String,
    /// The follow-up page's notice without JavaScript: what it needs, and why.
    pub noscript_followup: String,
    /// Before a desk's other ways to be reached (`web.contacts`), shown without JavaScript.
    pub other_ways: String,
    pub footer: String,
    pub digest: String,
    /// The summary the script's digest hides behind.
    pub for_experts: String,
    pub no_desk: String,
    pub desk: String,
    pub intake_title: String,
    pub intake_intro: String,
    pub who_reads: String,
    pub kind: String,
    /// Next to a required field left empty.
    pub required: String,
    pub kinds: Options,
    pub when: String,
    pub whens: Options,
    pub indicators: String,
    pub indicators_hint: String,
    pub indicator_types: Options,
    pub indicator_type: String,
    pub indicator_value: String,
    pub add_indicator: String,
    pub consent_statistics: String,
    /// The codebook's optional questions (docs/codebook.md), under their own heading.
    pub facets_title: String,
    pub facets_hint: String,
    pub channel: String,
    pub channels: Options,
    pub demanded: String,
    pub demands: Options,
    pub paid: String,
    pub payment_channel: String,
    pub payment_channels: Options,
    pub gang_claimed: String,
    /// "Yes" and "no" as the options of an optional question.
    pub answers: Options,
    pub country: String,
    pub countries: Options,
    pub narrative: String,
    pub narrative_hint: String,
    pub needs: String,
    pub need_labels: Options,
    pub contact: String,
    pub contact_hint: String,
    pub consent: String,
    pub yes: String,
    pub no: String,
    pub before_sending: String,
    pub send: String,
    pub working: String,
    /// A problem the server answered that has no text of its own below.
    pub error_server: String,
    pub error_network: String,
    /// What the reporter reads for each of [`PROBLEMS`]: never the server's English `detail`.
    pub problems: Options,
    /// A typed word that is in none of the word lists; `{n}` is its place (1–8).
    pub unknown_word: String,
    /// A phrase of the wrong length; `{n}` is how many words were typed.
    pub word_count: String,
    pub receipt_title: String,
    pub receipt_intro: String,
    /// Before the desk's safety number on the receipt, computed in the page from the key it
    /// encrypted to. There is no Copy button: phone keyboards keep clipboard history.
    pub desk_number: String,
    pub print: String,
    pub shared_device: String,
    pub followup_title: String,
    pub have_phrase: String,
    pub phrase_label: String,
    pub phrase_hint: String,
    pub word: String,
    pub open: String,
    pub status: String,
    pub statuses: Options,
    pub write: String,
    pub from_desk: String,
    pub from_you: String,
    pub unreadable: String,
    /// Under a message listed as the desk's that does not carry the desk's tag.
    pub not_verified: String,
    /// The command line's own words (`resguardo report`), around the pages' questions.
    pub cli: CliTexts,
    /// Attaching files to a report or message.
    pub attach: AttachTexts,
    /// The desk dashboard's words (docs/decisions/0008), on its own listener.
    pub dashboard: DeskTexts,
    /// Every text people read (every message but `language-words`), for the checks that a page
    /// shows nothing else and that slots are where they are filled in.
    pub every_text: Vec<String>,
}

/// What the reporter command line says besides the pages' questions.
pub struct CliTexts {
    /// After a list of numbered options.
    pub pick: String,
    /// After an optional question.
    pub optional: String,
    /// After a question answered over several lines.
    pub lines: String,
    /// A choice answered with more than one option, separated by commas.
    pub several: String,
    /// An answer that is none of the options; `{answer}` is what was typed.
    pub again: String,
    /// A required answer left empty.
    pub required: String,
    /// While the proof of work is solved.
    pub working: String,
    /// Asking for the receipt phrase.
    pub phrase: String,
    /// The input ended before every question was answered.
    pub no_input: String,
    pub no_messages: String,
    pub sent: String,
}

/// Attaching files to a report or message (`resguardo report --attach`, the pages' picker).
pub struct AttachTexts {
    /// The picker's heading, its hint, and the box that also sends the originals of pictures.
    pub legend: String,
    pub hint: String,
    pub keep_originals: String,
    /// A picture whose metadata was removed; `{file}` is its name.
    pub cleaned: String,
    /// A file that cannot be cleaned here: what it may reveal (`{file}`).
    pub uncleanable: String,
    /// Asked after `uncleanable`, answered yes or no.
    pub ask_as_is: String,
    /// A file left out because no one could be asked (`{file}`), and how to send it anyway.
    pub as_is_flag: String,
    /// More files than a report may carry (`{n}`, the most).
    pub too_many: String,
    /// Files larger together than a report may carry (`{mib}`, the most in MiB).
    pub too_large: String,
    /// While a file is sent (`{file}`).
    pub sending: String,
    /// A file that could not be sent after the report or message was (`{file}`).
    pub not_sent: String,
    /// Every file sent (`{n}`, how many).
    pub sent: String,
}

impl Texts {
    /// The texts of a catalogue's messages, each looked up by its name; every message missing or
    /// unknown is named in the error.
    fn from_messages(code: &str, mut m: Messages) -> Result<Self, CatalogueError> {
        let words = m.take_setting("language-words");
        let words = Language::parse(&words).ok_or_else(|| CatalogueError::BadWords {
            code: code.to_owned(),
            words,
        })?;
        let mut texts = Texts {
            code: code.to_owned(),
            name: m.take("language-name"),
            words,
            exit: m.take("exit"),
            noscript: m.take("noscript"),
            noscript_followup: m.take("noscript-followup"),
            other_ways: m.take("other-ways"),
            footer: m.take("footer"),
            digest: m.take("digest"),
            for_experts: m.take("for-experts"),
            no_desk: m.take("no-desk"),
            desk: m.take("desk"),
            intake_title: m.take("intake-title"),
            intake_intro: m.take("intake-intro"),
            who_reads: m.take("who-reads"),
            kind: m.take("kind"),
            required: m.take("required"),
            kinds: m.options("kind", KINDS),
            when: m.take("when"),
            whens: m.options("when", WHENS),
            indicators: m.take("indicators"),
            indicators_hint: m.take("indicators-hint"),
            indicator_types: m.options("indicator-kind", INDICATOR_KINDS),
            indicator_type: m.take("indicator-type"),
            indicator_value: m.take("indicator-value"),
            add_indicator: m.take("add-indicator"),
            consent_statistics: m.take("consent-statistics"),
            facets_title: m.take("facets-title"),
            facets_hint: m.take("facets-hint"),
            channel: m.take("channel"),
            channels: m.options("channel", CHANNELS),
            demanded: m.take("demanded"),
            demands: m.options("demanded", DEMANDS),
            paid: m.take("paid"),
            payment_channel: m.take("payment-channel"),
            payment_channels: m.options("payment-channel", PAYMENT_CHANNELS),
            gang_claimed: m.take("gang-claimed"),
            answers: m.options("answer", ANSWERS),
            country: m.take("country"),
            countries: m.options("country", COUNTRIES),
            narrative: m.take("narrative"),
            narrative_hint: m.take("narrative-hint"),
            needs: m.take("needs"),
            need_labels: m.options("need", NEEDS),
            contact: m.take("contact"),
            contact_hint: m.take("contact-hint"),
            consent: m.take("consent"),
            yes: m.take("yes"),
            no: m.take("no"),
            before_sending: m.take("before-sending"),
            send: m.take("send"),
            working: m.take("working"),
            error_server: m.take("error-server"),
            error_network: m.take("error-network"),
            problems: m.options("problem", PROBLEMS),
            unknown_word: m.take("unknown-word"),
            word_count: m.take("word-count"),
            receipt_title: m.take("receipt-title"),
            receipt_intro: m.take("receipt-intro"),
            desk_number: m.take("desk-number"),
            print: m.take("print"),
            shared_device: m.take("shared-device"),
            followup_title: m.take("followup-title"),
            have_phrase: m.take("have-phrase"),
            phrase_label: m.take("phrase-label"),
            phrase_hint: m.take("phrase-hint"),
            word: m.take("word"),
            open: m.take("open"),
            status: m.take("status"),
            statuses: m.options("status", STATUSES),
            write: m.take("write"),
            from_desk: m.take("from-desk"),
            from_you: m.take("from-you"),
            unreadable: m.take("unreadable"),
            not_verified: m.take("not-verified"),
            cli: CliTexts {
                pick: m.take("cli-pick"),
                optional: m.take("cli-optional"),
                lines: m.take("cli-lines"),
                several: m.take("cli-several"),
                again: m.take("cli-again"),
                required: m.take("cli-required"),
                working: m.take("cli-working"),
                phrase: m.take("cli-phrase"),
                no_input: m.take("cli-no-input"),
                no_messages: m.take("cli-no-messages"),
                sent: m.take("cli-sent"),
            },
            attach: AttachTexts {
                legend: m.take("attach-legend"),
                hint: m.take("attach-hint"),
                keep_originals: m.take("attach-keep-originals"),
                cleaned: m.take("attach-cleaned"),
                uncleanable: m.take("attach-uncleanable"),
                ask_as_is: m.take("attach-ask-as-is"),
                as_is_flag: m.take("attach-as-is-flag"),
                too_many: m.take("attach-too-many"),
                too_large: m.take("attach-too-large"),
                sending: m.take("attach-sending"),
                not_sent: m.take("attach-not-sent"),
                sent: m.take("attach-sent"),
            },
            dashboard: DeskTexts::take(&mut m),
            every_text: vec![],
        };
        texts.every_text = m.finish()?;
        texts.check_slots()?;
        Ok(texts)
    }

    /// `{n}` where a number is filled in and `{answer}` where an answer is, each exactly there:
    /// a slot left out would drop the number, one elsewhere would be shown as typed.
    fn check_slots(&self) -> Result<(), CatalogueError> {
        let a = &self.attach;
        let slotted: [(&str, &str, &str); 17] = [
            (&a.cleaned, "attach-cleaned", "{file}"),
            (&a.uncleanable, "attach-uncleanable", "{file}"),
            (&a.as_is_flag, "attach-as-is-flag", "{file}"),
            (&a.too_many, "attach-too-many", "{n}"),
            (&a.too_large, "attach-too-large", "{mib}"),
            (&a.sending, "attach-sending", "{file}"),
            (&a.not_sent, "attach-not-sent", "{file}"),
            (&a.sent, "attach-sent", "{n}"),
            (&self.unknown_word, "unknown-word", "{n}"),
            (&self.word_count, "word-count", "{n}"),
            (&self.cli.again, "cli-again", "{answer}"),
            (&self.dashboard.loading, "desk-loading", "{done}"),
            (&self.dashboard.loading, "desk-loading", "{total}"),
            (&self.dashboard.count, "desk-count", "{shown}"),
            (&self.dashboard.count, "desk-count", "{total}"),
            (&self.dashboard.notice, "desk-notice", "{n}"),
            (
                self.dashboard.word("links-other"),
                "desk-word-links-other",
                "{n}",
            ),
        ];
        for (text, key, slot) in slotted {
            if !text.contains(slot) {
                return Err(self.slot_error(format!("{key} must show {slot}")));
            }
        }
        let elsewhere = (self.every_text.iter())
            .filter(|t| !slotted.iter().any(|(s, _, _)| s == t))
            .find(|t| SLOTS.iter().any(|slot| t.contains(&format!("{{{slot}}}"))));
        match elsewhere {
            Some(text) => Err(self.slot_error(format!("{text:?} has a slot nothing fills in"))),
            None => Ok(()),
        }
    }

    fn slot_error(&self, problem: String) -> CatalogueError {
        CatalogueError::Message {
            code: self.code.clone(),
            problem,
        }
    }
}

/// The catalogues shipped in the binary (`locales/*.ftl`, listed by build.rs): (code, text).
const SHIPPED: &[(&str, &str)] = include!(concat!(env!("OUT_DIR"), "/locales.rs"));

/// The languages the pages and the reporter command line speak, Spanish first (the default).
pub struct Catalogues {
    all: Vec<Texts>,
}

impl Catalogues {
    /// The languages built in.
    pub fn shipped() -> Result<Self, CatalogueError> {
        let mut all = SHIPPED
            .iter()
            .map(|(code, text)| {
                catalogue::parse(code, text).and_then(|m| Texts::from_messages(code, m))
            })
            .collect::<Result<Vec<_>, _>>()?;
        all.sort_by_key(|t| t.code != "es");
        match all.first() {
            Some(first) if first.code == "es" => Ok(Catalogues { all }),
            _ => Err(CatalogueError::NoDefault),
        }
    }

    /// The built-in languages and those of `dir`'s `*.ftl` files (`web.languages_dir`): a file
    /// named like a built-in language replaces it, so a network can correct a translation too.
    pub fn with_added(dir: &Path) -> Result<Self, CatalogueError> {
        let mut catalogues = Self::shipped()?;
        for (code, text) in catalogue::read_dir(dir)? {
            let texts =
                catalogue::parse(&code, &text).and_then(|m| Texts::from_messages(&code, m))?;
            match catalogues.all.iter_mut().find(|t| t.code == code) {
                Some(shipped) => *shipped = texts,
                None => catalogues.all.push(texts),
            }
        }
        Ok(catalogues)
    }

    pub fn all(&self) -> &[Texts] {
        &self.all
    }

    pub fn get(&self, code: &str) -> Option<&Texts> {
        self.all.iter().find(|t| t.code == code)
    }

    /// Spanish: the language of the networks this is for (`shipped` makes sure it is first).
    pub fn default_texts(&self) -> &Texts {
        &self.all[0]
    }

    /// The first of ours in an Accept-Language list (order is enough here; `q=0`, "not this
    /// one", is skipped), matching `fr-CA` to `fr`; else the default.
    pub fn preferred(&self, accepted: &str) -> &Texts {
        let refused = |weight: &str| {
            let weight = weight.trim();
            weight
                .strip_prefix("q=")
                .is_some_and(|q| q.parse() == Ok(0.0))
        };
        accepted
            .split(',')
            .filter(|part| !part.split(';').skip(1).any(refused))
            .filter_map(|part| part.split(';').next())
            .map(|tag| tag.trim().to_ascii_lowercase())
            .find_map(|tag| {
                let primary = tag.split('-').next().unwrap_or_default();
                self.get(&tag).or_else(|| self.get(primary))
            })
            .unwrap_or_else(|| self.default_texts())
    }
}

#[cfg(test)]
mod tests;
