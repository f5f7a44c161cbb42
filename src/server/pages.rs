//! The reporter pages: intake and follow-up in every language of the catalogues (`crate::texts`:
//! Spanish, English, French, and any a network adds). The HTML is rendered
//! here (maud templates in `pages/templates.rs`, which escape every value), complete with labels
//! and texts (so it reads well to screen readers and explains itself
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
use super::problem::{store_failure, ApiError};
use super::AppState;
use crate::store::DeskListing;

mod templates;

use crate::texts::{Catalogues, Texts};

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
    pub(crate) fn of(bytes: &'static [u8]) -> Self {
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
    mount_get(cfg, ICON_PATH, web::to(icon));
    mount_get(cfg, "/{lang}/", web::to(intake));
    mount_get(cfg, "/{lang}/d/{desk}/", web::to(desk_intake));
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

pub(crate) fn asset(asset: &Asset, content_type: &str) -> HttpResponse {
    HttpResponse::Ok()
        .content_type(content_type)
        .body(asset.bytes)
}

async fn app_js() -> HttpResponse {
    asset(&assets().app, "text/javascript; charset=utf-8")
}

/// The pages' icon: a plain shield, so that browsers find one and ask for nothing else
/// (`/favicon.ico` answered 404 before). Written here, no third-party artwork.
pub(crate) const ICON_PATH: &str = "/assets/icon.svg";
const ICON_SVG: &str = r##"<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 32 32"><path fill="#2d5d8a" d="M16 2 4 7v8c0 7.5 5.1 13.4 12 15 6.9-1.6 12-7.5 12-15V7z"/><path fill="#fff" d="M14 21.5 8.5 16l2-2 3.5 3.5 7.5-7.5 2 2z"/></svg>"##;

async fn icon() -> HttpResponse {
    HttpResponse::Ok()
        .content_type("image/svg+xml")
        .body(ICON_SVG)
}

async fn style_css() -> HttpResponse {
    asset(&assets().style, "text/css; charset=utf-8")
}

/// `/` goes to the reader's language when it is one of ours, else to Spanish.
pub(crate) async fn root(state: web::Data<AppState>, req: HttpRequest) -> HttpResponse {
    let accepted = req
        .headers()
        .get(header::ACCEPT_LANGUAGE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    let lang = &state.languages.preferred(accepted).code;
    HttpResponse::SeeOther()
        .insert_header((header::LOCATION, format!("/{lang}/")))
        .finish()
}

fn texts<'a>(state: &'a AppState, lang: &str) -> Result<&'a Texts, ApiError> {
    state.languages.get(lang).ok_or(ApiError::NotFound)
}

fn page(
    t: &Texts,
    languages: &Catalogues,
    here: templates::Here,
    notice: maud::Markup,
    main: maud::Markup,
) -> HttpResponse {
    let html = templates::page(t, languages, assets(), here, notice, main);
    HttpResponse::Ok()
        .content_type("text/html; charset=utf-8")
        .insert_header(("Content-Security-Policy", PAGE_POLICY))
        .body(html.into_string())
}

/// The desks' other ways in, for those of `desks` that configured one (`web.contacts`).
fn contacts<'a>(state: &'a AppState, desks: &[&'a DeskListing]) -> Vec<templates::Contact<'a>> {
    desks
        .iter()
        .filter_map(|d| {
            let text = state.contacts.get(d.slug.as_str())?;
            Some(templates::Contact {
                desk: d.name.as_str(),
                text: text.as_str(),
            })
        })
        .collect()
}

/// The desks that take reports (those with a key).
async fn open_desks(state: &AppState) -> Result<Vec<DeskListing>, ApiError> {
    let mut desks = state.intake().desks().await.map_err(store_failure)?;
    desks.retain(|d| d.key.is_some());
    Ok(desks)
}

/// The report form for every desk that takes reports: the reporter chooses one.
async fn intake(
    state: web::Data<AppState>,
    lang: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let t = texts(&state, &lang)?;
    let desks = open_desks(&state).await?;
    let open: Vec<&DeskListing> = desks.iter().collect();
    let notice = templates::noscript(t, &t.noscript, &contacts(&state, &open));
    Ok(page(
        t,
        &state.languages,
        templates::Here(""),
        notice,
        templates::intake(t, &open),
    ))
}

/// A desk's own address (`/es/d/hn/`, for its leaflets): the form sends to that desk only.
async fn desk_intake(
    state: web::Data<AppState>,
    path: web::Path<(String, String)>,
) -> Result<HttpResponse, ApiError> {
    let (lang, slug) = path.into_inner();
    let t = texts(&state, &lang)?;
    let desks = open_desks(&state).await?;
    let desk = (desks.iter())
        .find(|d| d.slug.as_str() == slug)
        .ok_or(ApiError::DeskNotFound)?;
    let notice = templates::noscript(t, &t.noscript, &contacts(&state, &[desk]));
    let here = format!("d/{}/", desk.slug.as_str());
    let main = templates::intake(t, &[desk]);
    Ok(page(
        t,
        &state.languages,
        templates::Here(&here),
        notice,
        main,
    ))
}

async fn followup(
    state: web::Data<AppState>,
    lang: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let t = texts(&state, &lang)?;
    let desks = open_desks(&state).await?;
    let open: Vec<&DeskListing> = desks.iter().collect();
    let notice = templates::noscript(t, &t.noscript_followup, &contacts(&state, &open));
    Ok(page(
        t,
        &state.languages,
        templates::Here("followup"),
        notice,
        templates::followup(t),
    ))
}
