//! The reporter pages: intake and follow-up in Spanish, English and French. The HTML is rendered
//! here, complete with labels and texts (so it reads well to screen readers and explains itself
//! with JavaScript off); the embedded script (web/, built by build.rs) does the encryption.
//! Pages and assets get a strict policy: scripts, styles and connections to this origin only, no
//! inline script, no framing; the script (which carries its proof-of-work worker inside) is pinned
//! by Subresource Integrity.

use std::sync::OnceLock;

use actix_web::http::header;
use actix_web::{web, HttpRequest, HttpResponse};
use base64::Engine as _;
use sha2::{Digest, Sha256};

use super::metrics::EXIT_PATH;
use super::problem::ApiError;
use super::AppState;
use crate::store::DeskListing;

mod texts;

use texts::Texts;

const APP_JS: &[u8] = include_bytes!(concat!(env!("OUT_DIR"), "/web/app.js"));
const STYLE_CSS: &[u8] = include_bytes!(concat!(env!("OUT_DIR"), "/web/style.css"));

/// What pages may load: this origin's script, style and API; nothing inline, no frames.
/// `wasm-unsafe-eval` lets the script compile its own embedded WebAssembly (Argon2id) and nothing
/// else: it does not allow `eval`. `worker-src blob:` is the proof-of-work worker, which app.js
/// carries inside itself (so app.js's integrity pins it) and starts from a blob URL.
const PAGE_POLICY: &str = "default-src 'none'; script-src 'self' 'wasm-unsafe-eval'; \
    style-src 'self'; connect-src 'self'; worker-src blob:; img-src 'self'; \
    frame-ancestors 'none'; base-uri 'none'; form-action 'none'";

/// An embedded asset and its digests.
pub struct Asset {
    pub bytes: &'static [u8],
    pub sha256_hex: String,
    /// For `integrity=`.
    pub sri: String,
}

impl Asset {
    fn of(bytes: &'static [u8]) -> Self {
        let digest = Sha256::digest(bytes);
        Asset {
            bytes,
            sha256_hex: crate::domain::hex(&digest),
            sri: format!(
                "sha256-{}",
                base64::engine::general_purpose::STANDARD.encode(digest)
            ),
        }
    }
}

/// The page script (with its proof-of-work worker inside) and the style sheet.
pub struct Assets {
    pub app: Asset,
    pub style: Asset,
}

/// The embedded assets, hashed once.
pub fn assets() -> &'static Assets {
    static ASSETS: OnceLock<Assets> = OnceLock::new();
    ASSETS.get_or_init(|| Assets {
        app: Asset::of(APP_JS),
        style: Asset::of(STYLE_CSS),
    })
}

/// The pages answer GET and HEAD, and a 405 problem to any other method, like the API.
pub fn configure(cfg: &mut web::ServiceConfig) {
    use super::routes::mount_get;
    mount_get(cfg, "/", web::to(root));
    mount_get(cfg, "/assets/app.js", web::to(app_js));
    mount_get(cfg, "/assets/style.css", web::to(style_css));
    mount_get(cfg, "/{lang}/", web::to(intake));
    mount_get(cfg, "/{lang}/followup", web::to(followup));
    mount_get(cfg, EXIT_PATH, web::to(exit));
}

/// 303 to the neutral site, with `Clear-Site-Data`: the pages store nothing and every answer is
/// `no-store`, so this is a second lock on the same door, for browsers that kept something anyway.
async fn exit(state: web::Data<AppState>) -> HttpResponse {
    HttpResponse::SeeOther()
        .insert_header((header::LOCATION, state.exit_url.as_str()))
        .insert_header(("Clear-Site-Data", r#""cache", "cookies", "storage""#))
        .finish()
}

fn asset(asset: &Asset, content_type: &str) -> HttpResponse {
    HttpResponse::Ok()
        .content_type(content_type)
        .body(asset.bytes)
}

async fn app_js() -> HttpResponse {
    asset(&assets().app, "text/javascript; charset=utf-8")
}

async fn style_css() -> HttpResponse {
    asset(&assets().style, "text/css; charset=utf-8")
}

/// `/` goes to the reader's language when it is one of ours, else to Spanish.
async fn root(req: HttpRequest) -> HttpResponse {
    let accepted = req
        .headers()
        .get(header::ACCEPT_LANGUAGE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    let lang = preferred(accepted);
    HttpResponse::SeeOther()
        .insert_header((header::LOCATION, format!("/{lang}/")))
        .finish()
}

/// The first of es, en, fr in an Accept-Language list (weights ignored: order is enough here).
fn preferred(accepted: &str) -> &'static str {
    accepted
        .split(',')
        .filter_map(|part| part.split(';').next())
        .map(|tag| tag.trim().to_ascii_lowercase())
        .find_map(|tag| match tag.get(..2) {
            Some("es") => Some("es"),
            Some("en") => Some("en"),
            Some("fr") => Some("fr"),
            _ => None,
        })
        .unwrap_or("es")
}

fn texts(lang: &str) -> Result<&'static Texts, ApiError> {
    texts::for_language(lang).ok_or(ApiError::NotFound)
}

/// Escapes text for HTML content and attribute values.
fn esc(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
        .replace('\'', "&#39;")
}

fn page(t: &Texts, title: &str, main: &str) -> HttpResponse {
    let a = assets();
    let other_languages: String = texts::ALL
        .iter()
        .filter(|o| o.code != t.code)
        .map(|o| {
            format!(
                r#"<a href="/{}/" hreflang="{0}" lang="{0}">{}</a>"#,
                o.code, o.name
            )
        })
        .collect();
    let html = format!(
        r#"<!doctype html>
<html lang="{lang}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<title>{title}</title>
<link rel="stylesheet" href="/assets/style.css" integrity="{style_sri}">
<script src="/assets/app.js" integrity="{app_sri}" defer></script>
</head>
<body>
<header><nav>{other_languages}</nav><a id="exit" href="{exit}" rel="noreferrer">{exit_label}</a></header>
<main>
<noscript><p class="notice" role="alert">{noscript}</p></noscript>
{main}
</main>
<footer><p>{footer}</p><p>{digest_label}: app.js {app_hash}</p></footer>
</body>
</html>
"#,
        lang = t.code,
        title = esc(title),
        style_sri = a.style.sri,
        app_sri = a.app.sri,
        exit = EXIT_PATH,
        exit_label = esc(t.exit),
        noscript = esc(t.noscript),
        footer = esc(t.footer),
        digest_label = esc(t.digest),
        app_hash = a.app.sha256_hex,
    );
    HttpResponse::Ok()
        .content_type("text/html; charset=utf-8")
        .insert_header(("Content-Security-Policy", PAGE_POLICY))
        .body(html)
}

fn desk_choice(t: &Texts, desks: &[DeskListing]) -> String {
    let open: Vec<&DeskListing> = desks.iter().filter(|d| d.key.is_some()).collect();
    match open.as_slice() {
        [] => format!(r#"<p class="notice">{}</p>"#, esc(t.no_desk)),
        [one] => format!(
            r#"<input type="hidden" name="desk" value="{}"><p>{}: <strong>{}</strong></p>"#,
            esc(one.slug.as_str()),
            esc(t.desk),
            esc(one.name.as_str())
        ),
        many => {
            let options: String = many
                .iter()
                .map(|d| {
                    format!(
                        r#"<option value="{}">{}</option>"#,
                        esc(d.slug.as_str()),
                        esc(d.name.as_str())
                    )
                })
                .collect();
            format!(
                r#"<label for="desk">{}</label><select id="desk" name="desk" required>{options}</select>"#,
                esc(t.desk)
            )
        }
    }
}

fn options(items: &[(&str, &str)]) -> String {
    items
        .iter()
        .map(|(value, label)| format!(r#"<option value="{value}">{}</option>"#, esc(label)))
        .collect()
}

fn checkboxes(name: &str, items: &[(&str, &str)]) -> String {
    items
        .iter()
        .map(|(value, label)| {
            format!(
                r#"<label><input type="checkbox" name="{name}" value="{value}"> {}</label>"#,
                esc(label)
            )
        })
        .collect()
}

async fn intake(
    state: web::Data<AppState>,
    lang: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let t = texts(&lang)?;
    let desks = state.store.desks().await?;
    let main = format!(
        r##"<h1>{title}</h1>
<p>{intro}</p>
<p class="notice">{who_reads}</p>
<form id="intake" class="js-only" novalidate>
{desk}
<label for="kind">{kind}</label>
<select id="kind" name="kind" required>{kinds}</select>
<label for="when">{when}</label>
<select id="when" name="when"><option value="">—</option>{whens}</select>
<label for="country">{country}</label>
<select id="country" name="country"><option value="">—</option>{countries}</select>
<label for="narrative">{narrative}</label>
<p class="hint" id="narrative-hint">{narrative_hint}</p>
<textarea id="narrative" name="narrative" required aria-describedby="narrative-hint"></textarea>
<fieldset><legend>{indicators}</legend>
<p class="hint" id="indicators-hint">{indicators_hint}</p>
<div id="indicators"><div class="indicator">
<select name="indicator_type" aria-label="{indicator_type}" aria-describedby="indicators-hint">{indicator_types}</select>
<input type="text" name="indicator_value" aria-label="{indicator_value}" autocomplete="off">
</div></div>
<button type="button" id="add-indicator">{add_indicator}</button>
</fieldset>
<fieldset><legend>{needs}</legend>{need_boxes}</fieldset>
<label for="safe_contact">{contact}</label>
<p class="hint" id="contact-hint">{contact_hint}</p>
<input type="text" id="safe_contact" name="safe_contact" autocomplete="off" aria-describedby="contact-hint">
<fieldset><legend>{consent}</legend>
<label><input type="radio" name="consent_referral" value="yes"> {yes}</label>
<label><input type="radio" name="consent_referral" value="no" checked> {no}</label>
</fieldset>
<fieldset><legend>{consent_statistics}</legend>
<label><input type="radio" name="consent_statistics" value="yes"> {yes}</label>
<label><input type="radio" name="consent_statistics" value="no" checked> {no}</label>
</fieldset>
<p class="hint">{before_sending}</p>
<button type="submit">{send}</button>
</form>
<div id="sending" hidden><p>{working}</p><progress id="progress" max="1" value="0"></progress></div>
<p id="error" role="alert" tabindex="-1" hidden></p>
<span id="error-server" hidden>{error_server}</span><span id="error-network" hidden>{error_network}</span>
<section id="receipt" tabindex="-1" hidden>
<h2>{receipt_title}</h2>
<p>{receipt_intro}</p>
<p id="phrase" lang="{lang}"></p>
<button type="button" id="print">{print}</button>
<p>{desk_number} <span id="desk-number" class="number"></span></p>
<p class="notice">{shared_device}</p>
<p><a href="/{lang}/followup">{followup_link}</a></p>
</section>
<p><a href="/{lang}/followup">{have_phrase}</a></p>"##,
        lang = t.code,
        title = esc(t.intake_title),
        intro = esc(t.intake_intro),
        who_reads = esc(t.who_reads),
        desk = desk_choice(t, &desks),
        kind = esc(t.kind),
        kinds = options(t.kinds),
        when = esc(t.when),
        whens = options(t.whens),
        indicators = esc(t.indicators),
        indicators_hint = esc(t.indicators_hint),
        indicator_type = esc(t.indicator_type),
        indicator_types = options(t.indicator_types),
        indicator_value = esc(t.indicator_value),
        add_indicator = esc(t.add_indicator),
        consent_statistics = esc(t.consent_statistics),
        country = esc(t.country),
        countries = options(t.countries),
        narrative = esc(t.narrative),
        narrative_hint = esc(t.narrative_hint),
        needs = esc(t.needs),
        need_boxes = checkboxes("needs", t.need_labels),
        contact = esc(t.contact),
        contact_hint = esc(t.contact_hint),
        consent = esc(t.consent),
        yes = esc(t.yes),
        no = esc(t.no),
        before_sending = esc(t.before_sending),
        send = esc(t.send),
        working = esc(t.working),
        error_server = esc(t.error_server),
        error_network = esc(t.error_network),
        receipt_title = esc(t.receipt_title),
        receipt_intro = esc(t.receipt_intro),
        desk_number = esc(t.desk_number),
        print = esc(t.print),
        shared_device = esc(t.shared_device),
        followup_link = esc(t.followup_title),
        have_phrase = esc(t.have_phrase),
    );
    Ok(page(t, t.intake_title, &main))
}

async fn followup(lang: web::Path<String>) -> Result<HttpResponse, ApiError> {
    let t = texts(&lang)?;
    let statuses: String = t
        .statuses
        .iter()
        .map(|(status, label)| {
            format!(r#"<span id="status-{status}" hidden>{}</span>"#, esc(label))
        })
        .collect();
    let word_inputs: String = (1..=8)
        .map(|i| {
            format!(
                r#"<label for="w{i}">{} {i}<input type="text" id="w{i}" name="word" list="wordlist" autocomplete="off" autocapitalize="none" spellcheck="false" aria-describedby="phrase-hint"></label>"#,
                esc(t.word)
            )
        })
        .collect();
    let main = format!(
        r##"<h1>{title}</h1>
<form id="followup" class="js-only" novalidate>
<fieldset><legend>{phrase_label}</legend>
<p class="hint" id="phrase-hint">{phrase_hint}</p>
<div class="words">{word_inputs}</div>
</fieldset>
<datalist id="wordlist"></datalist>
<button type="submit">{open}</button>
</form>
<div id="sending" hidden><p>{working}</p></div>
<p id="error" role="alert" tabindex="-1" hidden></p>
<span id="error-server" hidden>{error_server}</span><span id="error-network" hidden>{error_network}</span>
<section id="case" tabindex="-1" hidden>
<p>{status_label}: <strong id="status"></strong></p>
<ul id="thread"></ul>
<form id="write" novalidate>
<label for="message">{write}</label>
<textarea id="message" name="message"></textarea>
<button type="submit">{send}</button>
</form>
</section>
<span id="from-desk" hidden>{from_desk}</span><span id="from-you" hidden>{from_you}</span><span id="unreadable" hidden>{unreadable}</span>
{statuses}"##,
        title = esc(t.followup_title),
        phrase_label = esc(t.phrase_label),
        phrase_hint = esc(t.phrase_hint),
        word_inputs = word_inputs,
        open = esc(t.open),
        working = esc(t.working),
        error_server = esc(t.error_server),
        error_network = esc(t.error_network),
        status_label = esc(t.status),
        write = esc(t.write),
        send = esc(t.send),
        from_desk = esc(t.from_desk),
        from_you = esc(t.from_you),
        unreadable = esc(t.unreadable),
    );
    Ok(page(t, t.followup_title, &main))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accept_language_picks_the_first_of_ours() {
        assert_eq!(preferred("fr-CA,fr;q=0.9,en;q=0.8"), "fr");
        assert_eq!(preferred("de-DE,en-US;q=0.7"), "en");
        assert_eq!(preferred("de"), "es");
        assert_eq!(preferred(""), "es");
    }

    #[test]
    fn html_is_escaped() {
        assert_eq!(
            esc(r#"<a href="x">'&'</a>"#),
            "&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;"
        );
    }

    #[test]
    fn every_language_has_every_text() {
        for t in texts::ALL {
            assert_eq!(t.kinds.len(), 5, "{}", t.code);
            assert_eq!(t.need_labels.len(), 6, "{}", t.code);
            assert_eq!(t.statuses.len(), 5, "{}", t.code);
            assert_eq!(t.whens.len(), 4, "{}", t.code);
            assert_eq!(t.indicator_types.len(), 4, "{}", t.code);
            assert!(!t.noscript.is_empty() && !t.shared_device.is_empty());
        }
        assert_eq!(texts::ES.code, "es");
    }
}
