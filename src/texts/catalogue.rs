//! One Fluent catalogue (`.ftl`), parsed and formatted with the reference implementation
//! (`fluent-bundle`), so translators may use what Fluent offers (terms, selectors) and their
//! tools' checks hold here too. Each message is formatted once, when the catalogue is read:
//! variables such as `{ $n }` become the slots `{n}` (`super::SLOTS`) that whoever shows the text
//! fills in (the page script, the command line).

use std::collections::BTreeMap;
use std::path::Path;

use fluent_bundle::{FluentArgs, FluentBundle, FluentResource};

/// Why a catalogue was refused. Each names the language and what to change in its file.
#[derive(Debug, thiserror::Error)]
pub enum CatalogueError {
    #[error("{code}.ftl: line {line}: {problem}")]
    Syntax {
        code: String,
        line: usize,
        problem: String,
    },
    #[error("{code}.ftl: {problem}")]
    Message { code: String, problem: String },
    #[error("{code}.ftl lacks {}: every language needs every message of es.ftl", .keys.join(", "))]
    Missing { code: String, keys: Vec<String> },
    #[error("{code}.ftl has {}, which Resguardo does not use (a typo?)", .keys.join(", "))]
    Unknown { code: String, keys: Vec<String> },
    #[error("{code}.ftl: language-words is {words:?}; it must be es, en or fr (the receipt phrase's word lists)")]
    BadWords { code: String, words: String },
    #[error("{name:?} is not a catalogue name: name it by its language code, e.g. quc.ftl or es-hn.ftl (lower case)")]
    BadName { name: String },
    #[error("cannot read the catalogues in {dir}: {source}")]
    Read { dir: String, source: std::io::Error },
    #[error("the Spanish catalogue (es.ftl) is missing: it is the default language")]
    NoDefault,
}

/// A catalogue's messages, formatted; taken one by one by name, so that what is missing and
/// what is left over can be named.
pub struct Messages {
    code: String,
    texts: BTreeMap<String, String>,
    missing: Vec<String>,
    taken: Vec<String>,
}

impl Messages {
    /// The text of `key`, one people read; an empty one (and a note of it) when the catalogue
    /// lacks it.
    pub fn take(&mut self, key: &str) -> String {
        let text = self.take_setting(key);
        self.taken.push(text.clone());
        text
    }

    /// A setting rather than a text people read (`language-words`): not among the texts taken.
    pub fn take_setting(&mut self, key: &str) -> String {
        self.texts.remove(key).unwrap_or_else(|| {
            self.missing.push(key.to_owned());
            String::new()
        })
    }

    /// The labels of a question's options: `<prefix>-<value>` for each value.
    pub fn options(&mut self, prefix: &str, values: &[&'static str]) -> super::Options {
        values
            .iter()
            .map(|value| (*value, self.take(&format!("{prefix}-{value}"))))
            .collect()
    }

    /// Every message taken, none missing; the texts taken.
    pub fn finish(self) -> Result<Vec<String>, CatalogueError> {
        if !self.missing.is_empty() {
            return Err(CatalogueError::Missing {
                code: self.code,
                keys: self.missing,
            });
        }
        if !self.texts.is_empty() {
            return Err(CatalogueError::Unknown {
                code: self.code,
                keys: self.texts.into_keys().collect(),
            });
        }
        Ok(self.taken)
    }
}

/// A language code as catalogues are named: an ISO 639 code in lower case, with an optional
/// region or variant (`es`, `quc`, `es-hn`). It is a path segment of the pages (`/quc/`).
pub fn is_code(name: &str) -> bool {
    let mut parts = name.split('-');
    let primary = parts.next().unwrap_or_default();
    let lower = |s: &str, min, max| {
        (min..=max).contains(&s.len())
            && s.bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit())
    };
    primary.len() >= 2
        && primary.len() <= 3
        && primary.bytes().all(|b| b.is_ascii_lowercase())
        && parts.all(|part| lower(part, 2, 8))
        && name.parse::<unic_langid::LanguageIdentifier>().is_ok()
}

/// Parses and formats every message of `text`, the catalogue of language `code`.
pub fn parse(code: &str, text: &str) -> Result<Messages, CatalogueError> {
    if !is_code(code) {
        return Err(CatalogueError::BadName {
            name: format!("{code}.ftl"),
        });
    }
    let resource = FluentResource::try_new(text.to_owned()).map_err(|(_, errors)| {
        let first = errors.first();
        // Where the broken entry starts (the error itself may be found lines later, at the end
        // of the file for an unclosed `{`), past the blank lines before it: the line a translator
        // looks for.
        let at = first.map_or(0, |e| e.slice.as_ref().map_or(e.pos.start, |s| s.start));
        let at = at
            + text
                .get(at..)
                .map_or(0, |rest| rest.len() - rest.trim_start().len());
        CatalogueError::Syntax {
            code: code.to_owned(),
            line: text
                .get(..at)
                .map_or(1, |before| before.matches('\n').count() + 1),
            problem: first.map_or_else(String::new, |e| e.kind.to_string()),
        }
    })?;
    let message = |problem: String| CatalogueError::Message {
        code: code.to_owned(),
        problem,
    };
    let language = code
        .parse()
        .map_err(|_| message("not a language code".into()))?;
    let mut bundle = FluentBundle::new(vec![language]);
    // Unicode isolation marks would reach the command line and the page script's slots.
    bundle.set_use_isolating(false);
    let ids: Vec<String> = resource
        .entries()
        .filter_map(|entry| match entry {
            fluent_syntax::ast::Entry::Message(m) => Some(m.id.name.to_owned()),
            _ => None,
        })
        .collect();
    bundle
        .add_resource(resource)
        .map_err(|errors| message(format!("{} defined twice", duplicates(&errors))))?;
    let mut args = FluentArgs::new();
    for &slot in super::SLOTS {
        args.set(slot, format!("{{{slot}}}"));
    }
    let mut texts = BTreeMap::new();
    for id in ids {
        let pattern = (bundle.get_message(&id))
            .and_then(|m| m.value())
            .ok_or_else(|| message(format!("{id} has no text")))?;
        let mut errors = vec![];
        let formatted = bundle.format_pattern(pattern, Some(&args), &mut errors);
        if let Some(error) = errors.first() {
            return Err(message(format!("{id}: {error}")));
        }
        texts.insert(id, formatted.trim().to_owned());
    }
    Ok(Messages {
        code: code.to_owned(),
        texts,
        missing: vec![],
        taken: vec![],
    })
}

fn duplicates(errors: &[fluent_bundle::FluentError]) -> String {
    let names: Vec<String> = errors
        .iter()
        .map(|e| match e {
            fluent_bundle::FluentError::Overriding { id, .. } => id.clone(),
            other => other.to_string(),
        })
        .collect();
    names.join(", ")
}

/// The `*.ftl` files of `dir`, as (code, text), in name order.
pub fn read_dir(dir: &Path) -> Result<Vec<(String, String)>, CatalogueError> {
    let failed = |source| CatalogueError::Read {
        dir: dir.display().to_string(),
        source,
    };
    let mut found = vec![];
    for entry in std::fs::read_dir(dir).map_err(failed)? {
        let path = entry.map_err(failed)?.path();
        let Some(name) = path.file_name().and_then(|n| n.to_str()) else {
            continue;
        };
        let Some(code) = name.strip_suffix(".ftl") else {
            continue;
        };
        if !is_code(code) {
            return Err(CatalogueError::BadName { name: name.into() });
        }
        found.push((
            code.to_owned(),
            std::fs::read_to_string(&path).map_err(failed)?,
        ));
    }
    found.sort();
    Ok(found)
}
