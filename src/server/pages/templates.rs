//! The reporter pages' HTML, as maud templates: every `(value)` is escaped by maud at compile
//! time, so a desk name or any text can only ever be text, never markup. The page script finds its
//! elements by the ids written here; the texts come from the language's catalogue (`crate::texts`).

use maud::{html, Markup, DOCTYPE};

use super::Assets;
use crate::server::metrics::EXIT_PATH;
use crate::store::DeskListing;
use crate::texts::{Catalogues, Texts};

/// Another way to reach a desk (`web.contacts`), for whoever cannot run the pages' encryption.
pub struct Contact<'a> {
    pub desk: &'a str,
    pub text: &'a str,
}

/// What a page says without JavaScript: why it needs it, and the desks' other ways in.
pub fn noscript(t: &Texts, why: &str, contacts: &[Contact]) -> Markup {
    html! {
        noscript {
            p class="notice" role="alert" { (why) }
            @for contact in contacts {
                p class="notice contact" {
                    (t.other_ways) " " strong translate="no" { (contact.desk) } ": "
                    span translate="no" { (contact.text) }
                }
            }
        }
    }
}

/// Where a page is, after its language: `""` (the intake page), `"followup"`, `"d/hn/"`.
pub struct Here<'a>(pub &'a str);

/// The frame around every page: languages (each link to this same page in that language, so a
/// desk's own address stays that desk's), quick exit, the no-script notice and the footer with
/// the script's digest. Scripts and styles are pinned by Subresource Integrity.
/// `data-words` names the receipt phrase's word list of this language for the script.
pub fn page(
    t: &Texts,
    languages: &Catalogues,
    assets: &Assets,
    here: Here,
    notice: Markup,
    main: Markup,
) -> Markup {
    let title = match here.0 {
        "followup" => &t.followup_title,
        _ => &t.intake_title,
    };
    html! {
        (DOCTYPE)
        html lang=(t.code) data-words=(t.words.code()) {
            head {
                meta charset="utf-8";
                meta name="viewport" content="width=device-width, initial-scale=1";
                meta name="referrer" content="no-referrer";
                title { (title) }
                link rel="stylesheet" href="/assets/style.css" integrity=(assets.style.sri);
                link rel="icon" href=(super::ICON_PATH) type="image/svg+xml";
                script src="/assets/app.js" integrity=(assets.app.sri) defer {}
            }
            body {
                header {
                    nav {
                        @for other in languages.all().iter().filter(|o| o.code != t.code) {
                            a href={ "/" (other.code) "/" (here.0) } hreflang=(other.code) lang=(other.code) {
                                (other.name)
                            }
                        }
                    }
                    a id="exit" href=(EXIT_PATH) rel="noreferrer" { (t.exit) }
                }
                main {
                    (notice)
                    (main)
                }
                footer {
                    p { (t.footer) }
                    // For experts: what to compare with a build of their own.
                    details aria-label=(t.for_experts) {
                        summary { (t.for_experts) }
                        p { (t.digest) ": " code translate="no" { "app.js " (assets.app.sha256_hex) } }
                    }
                }
            }
        }
    }
}

/// Which desk the report goes to: none open, the one open (or the one whose own address this
/// is), or a choice among several.
fn desk_choice(t: &Texts, open: &[&DeskListing]) -> Markup {
    html! {
        @match open {
            [] => p class="notice" { (t.no_desk) },
            [one] => {
                input type="hidden" name="desk" value=(one.slug.as_str());
                p { (t.desk) ": " strong translate="no" { (one.name.as_str()) } }
            },
            // No desk chosen for the reporter: a victim must not send to another country's desk
            // by leaving a default.
            many => {
                @let desks: Vec<(&str, &str)> = many
                    .iter()
                    .map(|d| (d.slug.as_str(), d.name.as_str()))
                    .collect();
                (choice(t, "desk", &t.desk, &desks))
            },
        }
    }
}

/// A required choice among a few options, as radio buttons: their labels wrap on a narrow
/// screen, where a drop-down list cuts them. None is chosen for the reporter.
fn choice<L: AsRef<str>>(t: &Texts, name: &str, legend: &str, items: &[(&str, L)]) -> Markup {
    let missing_id = format!("{name}-missing");
    html! {
        fieldset id=(name) class="choice" role="radiogroup" aria-required="true"
            aria-describedby=(missing_id) {
            legend { (legend) }
            @for (value, label) in items {
                label { input type="radio" name=(name) value=(value); " " (label.as_ref()) }
            }
        }
        (missing(t, &missing_id))
    }
}

fn options(items: &[(&str, String)]) -> Markup {
    html! {
        @for (value, label) in items {
            option value=(value) { (label) }
        }
    }
}

fn checkboxes(name: &str, items: &[(&str, String)]) -> Markup {
    html! {
        @for (value, label) in items {
            label { input type="checkbox" name=(name) value=(value); " " (label) }
        }
    }
}

/// A yes/no question, "no" chosen.
fn yes_no(t: &Texts, name: &str, legend: &str) -> Markup {
    html! {
        fieldset {
            legend { (legend) }
            label { input type="radio" name=(name) value="yes"; " " (t.yes) }
            label { input type="radio" name=(name) value="no" checked; " " (t.no) }
        }
    }
}

/// The codebook's questions (docs/codebook.md), each optional: a select left at "—" and no box
/// ticked say nothing.
fn facets(t: &Texts) -> Markup {
    let optional = |id: &str, question: &str, answers: &[(&str, String)]| {
        html! {
            label for=(id) { (question) }
            select id=(id) name=(id) { option value="" { "—" } (options(answers)) }
        }
    };
    html! {
        fieldset class="facets" {
            legend { (t.facets_title) }
            p class="hint" { (t.facets_hint) }
            (optional("channel", &t.channel, &t.channels))
            fieldset { legend { (t.demanded) } (checkboxes("demanded", &t.demands)) }
            (optional("paid", &t.paid, &t.answers))
            (optional("payment_channel", &t.payment_channel, &t.payment_channels))
            (optional("gang_claimed", &t.gang_claimed, &t.answers))
        }
    }
}

/// Said next to a required field the reporter left empty (the script shows it on sending).
fn missing(t: &Texts, id: &str) -> Markup {
    html! { p class="missing" id=(id) hidden { (t.required) } }
}

/// The texts the script shows on a failure, by the id it looks them up with.
fn error_texts(t: &Texts) -> Markup {
    html! {
        p id="error" role="alert" tabindex="-1" hidden {}
        span id="error-server" hidden { (t.error_server) }
        span id="error-network" hidden { (t.error_network) }
        @for (kind, said) in &t.problems {
            span id={ "problem-" (kind) } hidden { (said) }
        }
    }
}

/// The file picker of a form (docs/protocol.md §12): the script lists each chosen file with what
/// becomes of it, and asks about those it cannot clean.
fn evidence_picker(t: &Texts) -> Markup {
    let a = &t.attach;
    html! {
        div class="evidence" {
            label for="files" { (a.legend) }
            p class="hint" id="files-hint" { (a.hint) }
            input type="file" id="files" name="files" multiple aria-describedby="files-hint";
            ul class="files-chosen" aria-live="polite" {}
            label class="keep" {
                input type="checkbox" class="keep-originals" name="keep_originals"; " " (a.keep_originals)
            }
        }
    }
}

/// What the script says about files (`{file}`, `{n}` and `{mib}` filled in there), and where it
/// shows their progress once the report or message is sent.
fn attach_texts(t: &Texts) -> Markup {
    let a = &t.attach;
    html! {
        @for (id, said) in [
            ("attach-cleaned", &a.cleaned), ("attach-uncleanable", &a.uncleanable),
            ("attach-ask-as-is", &a.ask_as_is), ("attach-too-many", &a.too_many),
            ("attach-too-large", &a.too_large), ("attach-sending", &a.sending),
            ("attach-not-sent", &a.not_sent), ("attach-sent", &a.sent),
        ] {
            span id=(id) hidden { (said) }
        }
    }
}

/// Where the files' progress shows.
fn uploads() -> Markup {
    html! {
        div id="uploads" hidden {
            p id="uploads-state" role="status" {}
            progress id="uploads-progress" max="1" value="0" {}
        }
    }
}

/// The report form, and the receipt the script fills in after sending. `open` are the desks
/// the report may go to: all that take reports, or the one whose own address this is.
pub fn intake(t: &Texts, open: &[&DeskListing]) -> Markup {
    let followup = format!("/{}/followup", t.code);
    html! {
        h1 { (t.intake_title) }
        p { (t.intake_intro) }
        p class="notice" { (t.who_reads) }
        form id="intake" class="js-only" novalidate autocomplete="off" {
            (desk_choice(t, open))
            (choice(t, "kind", &t.kind, &t.kinds))
            label for="when" { (t.when) }
            select id="when" name="when" { option value="" { "—" } (options(&t.whens)) }
            label for="country" { (t.country) }
            select id="country" name="country" { option value="" { "—" } (options(&t.countries)) }
            label for="narrative" { (t.narrative) }
            p class="hint" id="narrative-hint" { (t.narrative_hint) }
            textarea id="narrative" name="narrative" required
                aria-describedby="narrative-hint narrative-missing" {}
            (missing(t, "narrative-missing"))
            fieldset {
                legend { (t.indicators) }
                p class="hint" id="indicators-hint" { (t.indicators_hint) }
                div id="indicators" {
                    div class="indicator" {
                        select name="indicator_type" aria-label=(t.indicator_type)
                            aria-describedby="indicators-hint" { (options(&t.indicator_types)) }
                        input type="text" name="indicator_value" aria-label=(t.indicator_value)
                            autocomplete="off";
                    }
                }
                button type="button" id="add-indicator" { (t.add_indicator) }
            }
            fieldset { legend { (t.needs) } (checkboxes("needs", &t.need_labels)) }
            label for="safe_contact" { (t.contact) }
            p class="hint" id="contact-hint" { (t.contact_hint) }
            input type="text" id="safe_contact" name="safe_contact" autocomplete="off"
                aria-describedby="contact-hint";
            (yes_no(t, "consent_referral", &t.consent))
            (yes_no(t, "consent_statistics", &t.consent_statistics))
            (facets(t))
            (evidence_picker(t))
            p class="hint" { (t.before_sending) }
            button type="submit" { (t.send) }
        }
        div id="sending" hidden {
            p { (t.working) }
            progress id="progress" max="1" value="0" {}
        }
        (error_texts(t))
        (attach_texts(t))
        section id="receipt" tabindex="-1" hidden {
            h2 { (t.receipt_title) }
            p { (t.receipt_intro) }
            // Never machine-translated: a translated phrase would not open the case.
            p id="phrase" lang=(t.words.code()) translate="no" {}
            button type="button" id="print" { (t.print) }
            p { (t.desk_number) " " span id="desk-number" class="number" translate="no" {} }
            p class="notice" { (t.shared_device) }
            (uploads())
            p { a href=(followup) { (t.followup_title) } }
        }
        p { a href=(followup) { (t.have_phrase) } }
    }
}

/// The follow-up form (the eight words), and the case the script fills in.
pub fn followup(t: &Texts) -> Markup {
    html! {
        h1 { (t.followup_title) }
        form id="followup" class="js-only" novalidate autocomplete="off" {
            fieldset {
                legend { (t.phrase_label) }
                p class="hint" id="phrase-hint" { (t.phrase_hint) }
                div class="words" {
                    @for i in 1..=8 {
                        label for={ "w" (i) } {
                            (t.word) " " (i)
                            input type="text" id={ "w" (i) } name="word" list="wordlist"
                                autocomplete="off" autocapitalize="none" spellcheck="false"
                                aria-describedby="phrase-hint";
                        }
                    }
                }
            }
            datalist id="wordlist" {}
            button type="submit" { (t.open) }
        }
        div id="sending" hidden { p { (t.working) } }
        span id="unknown-word" hidden { (t.unknown_word) }
        span id="word-count" hidden { (t.word_count) }
        (error_texts(t))
        section id="case" tabindex="-1" hidden {
            p { (t.status) ": " strong id="status" {} }
            ul id="thread" {}
            form id="write" novalidate autocomplete="off" {
                label for="message" { (t.write) }
                textarea id="message" name="message" {}
                (evidence_picker(t))
                button type="submit" { (t.send) }
            }
            (uploads())
        }
        (attach_texts(t))
        span id="from-desk" hidden { (t.from_desk) }
        span id="from-you" hidden { (t.from_you) }
        span id="unreadable" hidden { (t.unreadable) }
        span id="not-verified" hidden { (t.not_verified) }
        @for (status, label) in &t.statuses {
            span id={ "status-" (status) } hidden { (label) }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::{DeskName, DeskSlug, Recipient};

    #[test]
    fn text_from_outside_is_only_ever_text() {
        let hostile = DeskName::parse(r#"<script>alert("x")</script> & 'y'"#).unwrap();
        let key = Recipient::from(age::x25519::Identity::generate().to_public());
        let listing = |slug: &str| DeskListing {
            slug: DeskSlug::parse(slug).unwrap(),
            name: hostile.clone(),
            key: Some((key.clone(), 1)),
            key_outside: false,
        };
        let desks = [listing("gt"), listing("hn")];
        let open: Vec<&DeskListing> = desks.iter().collect();
        let languages = Catalogues::shipped().unwrap();
        let es = languages.default_texts();
        let mut html = desk_choice(es, &open).into_string();
        let contact = Contact {
            desk: hostile.as_str(),
            text: "<b>1515</b>",
        };
        html += &noscript(es, "x", &[contact]).into_string();
        assert!(html.contains("&lt;b&gt;1515&lt;/b&gt;"), "{html}");
        assert!(!html.contains("<script>"), "{html}");
        assert!(
            html.contains("&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; 'y'"),
            "{html}"
        );
    }
}
