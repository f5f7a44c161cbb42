//! The desk dashboard's page (docs/decisions/0008), on its own listener (`desk.bind`): an origin
//! apart from the reporter pages, so that neither app's script reaches what the other keeps. The
//! page is rendered here in the reader's language, every screen in the HTML; the embedded script
//! (web/src/desk/, built by build.rs) signs in, verifies the desk's keys on the device and keeps
//! them in memory only. Its policy adds Trusted Types with no policy at all: the script writes
//! the DOM only with text nodes and elements, so an HTML sink reached by mistake throws and
//! reports instead of running.

use std::sync::OnceLock;

use actix_web::{web, HttpResponse};
use maud::{html, Markup, DOCTYPE};

use super::pages::{self, asset, Asset};
use super::problem::ApiError;
use super::AppState;
use crate::texts::Texts;

mod enrol;

const DESK_JS: &[u8] = include_bytes!(concat!(env!("OUT_DIR"), "/web/desk.js"));
const ENROL_JS: &[u8] = include_bytes!(concat!(env!("OUT_DIR"), "/web/enrol.js"));
const DESK_CSS: &[u8] = include_bytes!(concat!(env!("OUT_DIR"), "/web/desk.css"));

/// The reporter pages' policy, without a worker (Argon2id runs on the page's own thread), and
/// with Trusted Types enforced and no policy allowed to be made.
const DESK_POLICY: &str = "default-src 'none'; script-src 'self' 'wasm-unsafe-eval'; \
    style-src 'self'; connect-src 'self'; img-src 'self' blob:; frame-ancestors 'none'; \
    base-uri 'none'; form-action 'none'; require-trusted-types-for 'script'; trusted-types 'none'";

/// The dashboard's script and style sheet, hashed once.
pub struct DeskAssets {
    pub script: Asset,
    pub style: Asset,
    /// The enrolment page's script: the password policy's dictionaries and the QR encoder, which
    /// the dashboard itself does not need (docs/decisions/0008 §5).
    pub enrol: Asset,
}

pub fn assets() -> &'static DeskAssets {
    static ASSETS: OnceLock<DeskAssets> = OnceLock::new();
    ASSETS.get_or_init(|| DeskAssets {
        script: Asset::of(DESK_JS),
        style: Asset::of(DESK_CSS),
        enrol: Asset::of(ENROL_JS),
    })
}

/// The dashboard answers GET and HEAD, and a 405 problem to any other method, like the API.
pub fn configure(cfg: &mut web::ServiceConfig) {
    use super::routes::mount_get;
    // `/` goes to the reader's language, as on the reporter pages.
    mount_get(cfg, "/", web::to(pages::root));
    mount_get(cfg, "/assets/desk.js", web::to(script));
    mount_get(cfg, "/assets/desk.css", web::to(style));
    mount_get(cfg, "/assets/enrol.js", web::to(enrol::script));
    mount_get(cfg, "/{lang}/", web::to(page));
    mount_get(cfg, "/{lang}/enrol", web::to(enrol::page));
}

async fn script() -> HttpResponse {
    asset(&assets().script, "text/javascript; charset=utf-8")
}

async fn style() -> HttpResponse {
    asset(&assets().style, "text/css; charset=utf-8")
}

async fn page(
    state: web::Data<AppState>,
    lang: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    answer(&state, &lang, render)
}

/// A page of the dashboard's origin in `lang`, under the dashboard's policy.
fn answer(
    state: &AppState,
    lang: &str,
    render: fn(&Texts, &DeskAssets) -> Markup,
) -> Result<HttpResponse, ApiError> {
    let t = state.languages.get(lang).ok_or(ApiError::NotFound)?;
    Ok(HttpResponse::Ok()
        .content_type("text/html; charset=utf-8")
        .insert_header(("Content-Security-Policy", DESK_POLICY))
        .body(render(t, assets()).into_string()))
}

/// `main` between the head both pages share (the title, the style sheet, the page's own pinned
/// script, named `script.0` under /assets/) and the footer that shows that script's digest.
fn layout(t: &Texts, title: &str, script: (&str, &Asset), main: Markup) -> Markup {
    let (name, asset) = script;
    html! {
        (DOCTYPE)
        html lang=(t.code) {
            head {
                meta charset="utf-8";
                meta name="viewport" content="width=device-width, initial-scale=1";
                meta name="referrer" content="no-referrer";
                title { (title) }
                link rel="stylesheet" href="/assets/desk.css" integrity=(assets().style.sri);
                script src={ "/assets/" (name) } integrity=(asset.sri) defer {}
            }
            body {
                header { h1 { (title) } }
                (main)
                footer {
                    details aria-label=(t.for_experts) {
                        summary { (t.for_experts) }
                        p { (t.digest) ": " code translate="no" { (name) " " (asset.sha256_hex) } }
                    }
                }
            }
        }
    }
}

/// Every screen of the dashboard, in the reader's language: signing in, signed in, locked. The
/// script shows one at a time; its texts for what happens later are in `data-` attributes.
fn render(t: &Texts, assets: &DeskAssets) -> Markup {
    let d = &t.dashboard;
    let main = html! {
        main id="desk"
            data-error-login=(d.error_login)
            data-error-untrusted=(d.error_untrusted)
            data-error-network=(d.error_network)
            data-error-root=(d.error_root)
            data-error-device=(d.error_device)
            {
            noscript { p class="notice" role="alert" { (d.noscript) } }
            (sign_in(t))
            section id="signed-in" tabindex="-1" hidden {
                p { (d.signed_in_as) " " strong id="who" translate="no" {} }
                p { (d.key_verified) " " strong id="key-version" translate="no" {} }
                div id="new-root" class="notice" hidden {
                    p { (d.word("new-root")) }
                    p id="new-root-number" class="safety" translate="no" {}
                    p { (d.word("new-root-hint")) }
                }
                p {
                    button type="button" id="lock" { (d.lock) }
                    " "
                    button type="button" id="sign-out" { (d.sign_out) }
                }
                nav id="nav" {}
                (inbox(t))
                section id="case" tabindex="-1" aria-labelledby="case-title" hidden {}
                section id="team" tabindex="-1" hidden {}
                // The case screen's words: the script reads them, nothing renders them.
                template id="words" {
                    @for (key, text) in &d.words { span data-word=(key) { (text) } }
                    @for (key, text) in &t.indicator_types {
                        span data-word={ "indicator-" (key) } { (text) }
                    }
                    // The codebook's facets, by the reporter pages' labels (docs/codebook.md).
                    @for (prefix, options) in [("channel-", &t.channels), ("demanded-", &t.demands),
                        ("payment_channel-", &t.payment_channels), ("answer-", &t.answers)] {
                        @for (key, text) in options { span data-word={ (prefix) (key) } { (text) } }
                    }
                    span data-word="yes" { (t.yes) }
                    span data-word="no" { (t.no) }
                }
            }
        }
    };
    layout(t, &d.title, ("desk.js", &assets.script), main)
}

/// The sign-in form, also the lock screen (`#locked` says why it is back).
fn sign_in(t: &Texts) -> Markup {
    let d = &t.dashboard;
    html! {
        form id="sign-in" method="post" hidden {
            p id="locked" class="notice" hidden { (d.locked) }
            p {
                label for="desk-slug" { (d.desk) }
                input id="desk-slug" name="desk" autocomplete="off" required
                    autocapitalize="none" spellcheck="false";
            }
            p {
                label for="username" { (d.username) }
                input id="username" name="username" autocomplete="username" required
                    autocapitalize="none" spellcheck="false";
            }
            p {
                label for="password" { (d.password) }
                input id="password" name="password" type="password" autocomplete="current-password" required;
            }
            p {
                label for="code" { (d.code) }
                input id="code" name="code" inputmode="numeric" autocomplete="one-time-code"
                    pattern="[0-9]{6}" maxlength="6" required;
            }
            p id="root-field" hidden {
                label for="root" { (d.root) }
                input id="root" name="root" autocomplete="off" spellcheck="false" aria-describedby="root-hint";
                small id="root-hint" { (d.root_hint) }
            }
            p id="new-desk-field" hidden {
                input id="new-desk" type="checkbox";
                " "
                label for="new-desk" class="inline" { (d.word("new-desk")) }
            }
            p id="error" class="notice" role="alert" tabindex="-1" hidden {}
            p id="working" role="status" hidden { (d.working) }
            button type="submit" id="sign-in-button" data-unlock=(d.unlock) { (d.sign_in) }
            p { a href="enrol" id="enrol-link" { (d.word("enrol-link")) } }
        }
    }
}

/// The inbox: the search and filters (their options are also the labels the script shows), the
/// list the script fills in, and its other words in `data-` attributes.
fn inbox(t: &Texts) -> Markup {
    let d = &t.dashboard;
    let select = |id: &str, label: &str, options: &[(&str, String)], extra: Option<&str>| {
        html! {
            p class="filter" {
                label for=(id) { (label) }
                select id=(id) {
                    option value="" { (d.any) }
                    @if let Some(none) = extra { option value="-" { (none) } }
                    @for (value, text) in options { option value=(value) { (text) } }
                }
            }
        }
    };
    html! {
        section id="inbox" aria-labelledby="inbox-title" hidden
            data-loading=(d.loading) data-count=(d.count) data-no-match=(d.no_match)
            data-error=(d.error_inbox) data-received=(d.received) data-waiting=(d.waiting)
            data-unread-messages=(d.unread_messages) data-unread-answers=(d.unread_answers)
            data-assigned=(d.assigned) data-unassigned=(d.unassigned) data-unopened=(d.unopened)
            data-when-today=(option(&t.whens, "today")) data-when-this_week=(option(&t.whens, "this_week"))
            data-when-this_month=(option(&t.whens, "this_month")) data-when-earlier=(option(&t.whens, "earlier"))
        {
            h2 id="inbox-title" { (d.inbox) }
            form id="filters" role="search" {
                p class="filter search" {
                    label for="search" { (d.search) }
                    input id="search" type="search" autocomplete="off" spellcheck="false"
                        aria-describedby="search-hint";
                    small id="search-hint" { (d.search_hint) }
                }
                (select("filter-status", &d.filter_status, &d.statuses, None))
                (select("filter-kind", &d.filter_kind, &d.kinds, None))
                (select("filter-need", &d.filter_need, &t.need_labels, None))
                (select("filter-country", &d.filter_country, &t.countries, None))
                (select("filter-assignee", &d.filter_assignee, &[], Some(&d.unassigned)))
            }
            p id="inbox-progress" role="status" hidden {}
            p id="inbox-error" class="notice" role="alert" hidden {}
            p id="inbox-count" aria-live="polite" {}
            ol id="cases" {}
        }
    }
}

/// The label of one option of a question.
fn option<'a>(options: &'a [(&str, String)], value: &'a str) -> &'a str {
    options
        .iter()
        .find(|(v, _)| *v == value)
        .map_or(value, |(_, text)| text.as_str())
}
