//! The pages' questions at a terminal, in the reporter's language (`crate::texts`). Each answer is
//! checked as it is given and asked again if it is not understood, so a wrong word never throws
//! away a story typed before it. Options are taken by number, by their word in the report format
//! (`phone_extortion`, `GT`) or by their label, accents and capitals ignored ("guatemala",
//! "extorsion por telefono").

use super::terminal::{ask, ask_lines};
use crate::domain::{ReportKind, Service};
use crate::protocol::report::{Indicator, ReportForm, MAX_INDICATORS};
use crate::texts::Texts;

type Options = [(&'static str, String)];

/// The whole form, question by question, as the page asks it.
pub fn ask_form(t: &Texts, kind: Option<ReportKind>) -> anyhow::Result<ReportForm> {
    let kind = match kind {
        Some(kind) => kind,
        None => parsed_json(choose(t, &t.kind, &t.kinds)?)?,
    };
    let when = choose_optional(t, &t.when, &t.whens)?
        .map(parsed_json)
        .transpose()?;
    let country = choose_optional(t, &t.country, &t.countries)?.map(str::to_owned);
    let narrative = ask_required_lines(t, &t.narrative)?;
    let indicators = ask_indicators(t)?;
    let needs = choose_several(t, &t.needs, &t.need_labels)?
        .into_iter()
        .map(parsed::<Service>)
        .collect::<anyhow::Result<_>>()?;
    let safe_contact = ask(&format!("{} {}", t.contact, t.cli.optional))?;
    let consent_referral = yes_or_no(t, &t.consent)?;
    let consent_statistics = yes_or_no(t, &t.consent_statistics)?;
    eprintln!("\n{}\n{}", t.facets_title, t.facets_hint);
    let optional = |question: &str, options: &Options| -> anyhow::Result<Option<&'static str>> {
        choose_optional(t, question, options)
    };
    let form = ReportForm {
        kind,
        narrative,
        country,
        needs,
        consent_referral,
        safe_contact: Some(safe_contact).filter(|c| !c.is_empty()),
        when,
        indicators,
        consent_statistics,
        channel: optional(&t.channel, &t.channels)?
            .map(parsed_json)
            .transpose()?,
        demanded: choose_several(t, &t.demanded, &t.demands)?
            .into_iter()
            .map(parsed_json)
            .collect::<anyhow::Result<_>>()?,
        paid: optional(&t.paid, &t.answers)?
            .map(parsed_json)
            .transpose()?,
        payment_channel: optional(&t.payment_channel, &t.payment_channels)?
            .map(parsed_json)
            .transpose()?,
        gang_claimed: optional(&t.gang_claimed, &t.answers)?
            .map(parsed_json)
            .transpose()?,
    };
    form.check()?;
    Ok(form)
}

fn parsed<T: std::str::FromStr>(key: &str) -> anyhow::Result<T> {
    key.parse()
        .map_err(|_| anyhow::anyhow!("{key:?} is not a value of the report format"))
}

fn parsed_json<T: serde::de::DeserializeOwned>(key: &str) -> anyhow::Result<T> {
    Ok(serde_json::from_value(serde_json::Value::from(key))?)
}

/// Lower case, without accents, spaces collapsed: how answers and labels are compared (the
/// receipt phrase's own normalisation, protocol.md §3).
fn folded(text: &str) -> String {
    crate::crypto::receipt::normalize(text).to_string()
}

/// The option an answer names: its number, its key, its label, or the start of exactly one
/// label (at least three letters).
fn option_named(options: &Options, answer: &str) -> Option<&'static str> {
    let answer = folded(answer);
    if let Ok(n) = answer.parse::<usize>() {
        return options.get(n.checked_sub(1)?).map(|(key, _)| *key);
    }
    let exact = options
        .iter()
        .find(|(key, label)| folded(key) == answer || folded(label) == answer);
    if let Some((key, _)) = exact {
        return Some(*key);
    }
    let mut starting = options
        .iter()
        .filter(|(_, label)| answer.chars().count() >= 3 && folded(label).starts_with(&answer));
    match (starting.next(), starting.next()) {
        (Some((key, _)), None) => Some(*key),
        _ => None,
    }
}

fn list(question: &str, options: &Options) {
    eprintln!("{question}");
    for (n, (_, label)) in options.iter().enumerate() {
        eprintln!("  {}. {label}", n + 1);
    }
}

fn not_understood(t: &Texts, answer: &str) {
    eprintln!("{}", t.cli.again.replace("{answer}", answer));
}

/// One option, required: asked until an answer names one.
fn choose(t: &Texts, question: &str, options: &Options) -> anyhow::Result<&'static str> {
    list(question, options);
    loop {
        let answer = ask(&t.cli.pick)?;
        match option_named(options, &answer) {
            Some(key) => return Ok(key),
            None if answer.is_empty() => eprintln!("{}", t.cli.required),
            None => not_understood(t, &answer),
        }
    }
}

/// One option or none (an empty answer).
fn choose_optional(
    t: &Texts,
    question: &str,
    options: &Options,
) -> anyhow::Result<Option<&'static str>> {
    list(question, options);
    loop {
        let answer = ask(&format!("{} {}", t.cli.pick, t.cli.optional))?;
        if answer.is_empty() {
            return Ok(None);
        }
        match option_named(options, &answer) {
            Some(key) => return Ok(Some(key)),
            None => not_understood(t, &answer),
        }
    }
}

/// Any number of options, separated by commas; asked again whole if one is not understood.
fn choose_several(
    t: &Texts,
    question: &str,
    options: &Options,
) -> anyhow::Result<Vec<&'static str>> {
    list(question, options);
    eprintln!("{}", t.cli.several);
    'ask: loop {
        let answer = ask(&format!("{} {}", t.cli.pick, t.cli.optional))?;
        let mut chosen = vec![];
        for part in answer.split(',').map(str::trim).filter(|p| !p.is_empty()) {
            match option_named(options, part) {
                Some(key) if !chosen.contains(&key) => chosen.push(key),
                Some(_) => {}
                None => {
                    not_understood(t, part);
                    continue 'ask;
                }
            }
        }
        return Ok(chosen);
    }
}

/// Yes or no in any of the pages' languages ("sí", "si", "s", "yes", "y", "oui"…); empty is no,
/// as on the page.
fn yes_or_no(t: &Texts, question: &str) -> anyhow::Result<bool> {
    let prompt = format!("{question} ({}/{})", t.yes, t.no);
    loop {
        let answer = ask(&prompt)?;
        match folded(&answer).as_str() {
            "si" | "s" | "yes" | "y" | "oui" | "o" => return Ok(true),
            "" | "no" | "n" | "non" => return Ok(false),
            _ if folded(&answer) == folded(&t.yes) => return Ok(true),
            _ if folded(&answer) == folded(&t.no) => return Ok(false),
            _ => not_understood(t, &answer),
        }
    }
}

/// The story: required, over as many lines as the reporter wants.
fn ask_required_lines(t: &Texts, question: &str) -> anyhow::Result<String> {
    loop {
        let text = ask_lines(&format!("{question} {}", t.cli.lines))?;
        if !text.trim().is_empty() {
            return Ok(text);
        }
        eprintln!("{}", t.cli.required);
    }
}

/// What the extortionist used, one (type, value) at a time until an empty answer.
fn ask_indicators(t: &Texts) -> anyhow::Result<Vec<Indicator>> {
    let mut indicators = vec![];
    let mut question = t.indicators.as_str();
    while indicators.len() < MAX_INDICATORS {
        let Some(kind) = choose_optional(t, question, &t.indicator_types)? else {
            break;
        };
        let value = ask(&format!("{} {}", t.indicator_value, t.cli.optional))?;
        if value.is_empty() {
            break;
        }
        indicators.push(Indicator {
            kind: parsed_json(kind)?,
            value,
        });
        question = &t.add_indicator;
    }
    Ok(indicators)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::texts::Catalogues;

    #[test]
    fn options_are_named_by_number_key_or_label() {
        let languages = Catalogues::shipped().unwrap();
        let es = languages.get("es").unwrap();
        assert_eq!(option_named(&es.kinds, "2"), Some("phone_extortion"));
        assert_eq!(option_named(&es.kinds, "9"), None);
        assert_eq!(option_named(&es.kinds, "0"), None);
        assert_eq!(
            option_named(&es.kinds, "Extorsion por TELEFONO"),
            Some("phone_extortion")
        );
        assert_eq!(option_named(&es.kinds, "sextortion"), Some("sextortion"));
        assert_eq!(option_named(&es.countries, "guatemala"), Some("GT"));
        assert_eq!(option_named(&es.countries, "hn"), Some("HN"));
        assert_eq!(
            option_named(&es.need_labels, "seguridad"),
            Some("digital_security")
        );
        // The start of more than one label names none.
        assert_eq!(option_named(&es.kinds, "extorsión"), None);
        assert_eq!(option_named(&es.kinds, "ex"), None);
    }

    #[test]
    fn every_option_is_a_value_of_the_report_format() {
        use crate::domain::Status;
        use crate::protocol::report::{IndicatorKind, When};
        let languages = Catalogues::shipped().unwrap();
        let t = languages.default_texts();
        for (kind, _) in &t.kinds {
            parsed_json::<ReportKind>(kind).unwrap();
        }
        for (when, _) in &t.whens {
            parsed_json::<When>(when).unwrap();
        }
        for (kind, _) in &t.indicator_types {
            parsed_json::<IndicatorKind>(kind).unwrap();
        }
        for (need, _) in &t.need_labels {
            assert!(parsed::<Service>(need).unwrap().asked_by_reporters());
        }
        assert_eq!(t.need_labels.len(), 6, "every need a reporter may ask for");
        for (status, _) in &t.statuses {
            parsed::<Status>(status).unwrap();
        }
    }
}
