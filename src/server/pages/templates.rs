//! The reporter pages' HTML, as maud templates: every `(value)` is escaped by maud at compile
//! time, so a desk name or any text can only ever be text, never markup. The page script finds its
//! elements by the ids written here; the texts come from `texts.rs`.

use maud::{html, Markup, DOCTYPE};

use super::texts::{self, Texts};
use super::Assets;
use crate::server::metrics::EXIT_PATH;
use crate::store::DeskListing;

/// The frame around every page: languages, quick exit, the no-script notice and the footer with
/// the script's digest. Scripts and styles are pinned by Subresource Integrity.
pub fn page(t: &Texts, assets: &Assets, title: &str, main: Markup) -> Markup {
    html! {
        (DOCTYPE)
        html lang=(t.code) {
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
                        @for other in texts::ALL.iter().filter(|o| o.code != t.code) {
                            a href={ "/" (other.code) "/" } hreflang=(other.code) lang=(other.code) {
                                (other.name)
                            }
                        }
                    }
                    a id="exit" href=(EXIT_PATH) rel="noreferrer" { (t.exit) }
                }
                main {
                    noscript { p class="notice" role="alert" { (t.noscript) } }
                    (main)
                }
                footer {
                    p { (t.footer) }
                    // For experts: what to compare with a build of their own.
                    details aria-label=(t.for_experts) {
                        summary { (t.for_experts) }
                        p { (t.digest) ": app.js " (assets.app.sha256_hex) }
                    }
                }
            }
        }
    }
}

/// Which desk the report goes to: none open, the one open, or a choice among several.
fn desk_choice(t: &Texts, desks: &[DeskListing]) -> Markup {
    let open: Vec<&DeskListing> = desks.iter().filter(|d| d.key.is_some()).collect();
    html! {
        @match open.as_slice() {
            [] => p class="notice" { (t.no_desk) },
            [one] => {
                input type="hidden" name="desk" value=(one.slug.as_str());
                p { (t.desk) ": " strong { (one.name.as_str()) } }
            },
            // No desk chosen for the reporter: a victim must not send to another country's desk
            // by leaving a default.
            many => {
                label for="desk" { (t.desk) }
                select id="desk" name="desk" required aria-describedby="desk-missing" {
                    option value="" { (t.choose) }
                    @for desk in many {
                        option value=(desk.slug.as_str()) { (desk.name.as_str()) }
                    }
                }
                (missing(t, "desk-missing"))
            },
        }
    }
}

fn options(items: &[(&str, &str)]) -> Markup {
    html! {
        @for (value, label) in items {
            option value=(value) { (label) }
        }
    }
}

fn checkboxes(name: &str, items: &[(&str, &str)]) -> Markup {
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
        @for (kind, said) in t.problems {
            span id={ "problem-" (kind) } hidden { (said) }
        }
    }
}

/// The report form, and the receipt the script fills in after sending.
pub fn intake(t: &Texts, desks: &[DeskListing]) -> Markup {
    let followup = format!("/{}/followup", t.code);
    html! {
        h1 { (t.intake_title) }
        p { (t.intake_intro) }
        p class="notice" { (t.who_reads) }
        form id="intake" class="js-only" novalidate autocomplete="off" {
            (desk_choice(t, desks))
            label for="kind" { (t.kind) }
            select id="kind" name="kind" required aria-describedby="kind-missing" {
                option value="" { (t.choose) }
                (options(t.kinds))
            }
            (missing(t, "kind-missing"))
            label for="when" { (t.when) }
            select id="when" name="when" { option value="" { "—" } (options(t.whens)) }
            label for="country" { (t.country) }
            select id="country" name="country" { option value="" { "—" } (options(t.countries)) }
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
                            aria-describedby="indicators-hint" { (options(t.indicator_types)) }
                        input type="text" name="indicator_value" aria-label=(t.indicator_value)
                            autocomplete="off";
                    }
                }
                button type="button" id="add-indicator" { (t.add_indicator) }
            }
            fieldset { legend { (t.needs) } (checkboxes("needs", t.need_labels)) }
            label for="safe_contact" { (t.contact) }
            p class="hint" id="contact-hint" { (t.contact_hint) }
            input type="text" id="safe_contact" name="safe_contact" autocomplete="off"
                aria-describedby="contact-hint";
            (yes_no(t, "consent_referral", t.consent))
            (yes_no(t, "consent_statistics", t.consent_statistics))
            p class="hint" { (t.before_sending) }
            button type="submit" { (t.send) }
        }
        div id="sending" hidden {
            p { (t.working) }
            progress id="progress" max="1" value="0" {}
        }
        (error_texts(t))
        section id="receipt" tabindex="-1" hidden {
            h2 { (t.receipt_title) }
            p { (t.receipt_intro) }
            p id="phrase" lang=(t.code) {}
            button type="button" id="print" { (t.print) }
            p { (t.desk_number) " " span id="desk-number" class="number" {} }
            p class="notice" { (t.shared_device) }
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
                button type="submit" { (t.send) }
            }
        }
        span id="from-desk" hidden { (t.from_desk) }
        span id="from-you" hidden { (t.from_you) }
        span id="unreadable" hidden { (t.unreadable) }
        span id="not-verified" hidden { (t.not_verified) }
        @for (status, label) in t.statuses {
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
        let html = desk_choice(&texts::ES, &desks).into_string();
        assert!(!html.contains("<script>"), "{html}");
        assert!(
            html.contains("&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; 'y'"),
            "{html}"
        );
    }
}
