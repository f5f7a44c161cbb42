//! The enrolment page of the desk dashboard (`/{lang}/enrol`, docs/decisions/0008 §5): a new case
//! worker enrols with the code a supervisor gave them. Its own script (`enrol.js`) carries the
//! password policy's dictionaries and the QR encoder, which the daily dashboard does not need; the
//! page's policy is the dashboard's. The key pair and the unlock share are made in the browser and
//! the password never leaves it (web/src/enrolment.ts).

use actix_web::{web, HttpResponse};
use maud::{html, Markup};

use super::{assets, layout, DeskAssets};
use crate::server::pages::asset;
use crate::server::problem::ApiError;
use crate::server::AppState;
use crate::texts::Texts;

pub(super) async fn script() -> HttpResponse {
    asset(&assets().enrol, "text/javascript; charset=utf-8")
}

pub(super) async fn page(
    state: web::Data<AppState>,
    lang: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    super::answer(&state, &lang, render)
}

/// The three steps, in the reader's language: the form, the authenticator (its QR code drawn by
/// the script), the safety number. The script shows one at a time; its other words are in
/// `data-` attributes.
fn render(t: &Texts, assets: &DeskAssets) -> Markup {
    let d = &t.dashboard;
    let w = |key: &str| d.word(key).to_owned();
    let main = html! {
        main id="enrol"
            data-weak-too-short=(w("weak-too-short")) data-weak-too-long=(w("weak-too-long"))
            data-weak-common=(w("weak-common"))
            data-weak-contains-username=(w("weak-contains-username"))
            data-weak-guessable=(w("weak-guessable")) data-weak-ok=(w("weak-ok"))
            data-mismatch=(w("enrol-mismatch")) data-error-code=(w("enrol-error-code"))
            data-error-taken=(w("enrol-error-taken")) data-error=(w("enrol-error"))
            data-totp-error=(w("totp-error")) data-qr-label=(w("qr-label"))
        {
            noscript { p class="notice" role="alert" { (d.noscript) } }
            (form(t))
            section id="enrol-totp" tabindex="-1" hidden {
                h2 { (w("totp-title")) }
                p { (w("totp-intro")) }
                div id="qr" {}
                p { (w("totp-secret")) " " code id="totp-secret" class="code" translate="no" {} }
                form id="confirm-form" {
                    p {
                        label for="confirm-code" { (w("totp-code")) }
                        input id="confirm-code" inputmode="numeric" autocomplete="one-time-code"
                            pattern="[0-9]{6}" maxlength="6" required;
                    }
                    p id="confirm-error" class="notice" role="alert" hidden {}
                    button type="submit" { (w("totp-confirm")) }
                }
            }
            section id="enrol-done" tabindex="-1" hidden {
                h2 { (w("safety-title")) }
                p { (w("safety-intro")) }
                p id="safety-number" class="safety" translate="no" {}
                p { (w("enrol-next")) " " a href={ "/" (t.code) "/" } { (w("enrol-sign-in")) } }
            }
        }
    };
    layout(t, &w("enrol-title"), ("enrol.js", &assets.enrol), main)
}

fn form(t: &Texts) -> Markup {
    let d = &t.dashboard;
    let w = |key: &str| d.word(key).to_owned();
    html! {
        form id="enrol-form" hidden {
            p { (w("enrol-intro")) }
            p {
                label for="enrol-desk" { (d.desk) }
                input id="enrol-desk" autocomplete="off" required autocapitalize="none" spellcheck="false";
            }
            p {
                label for="enrol-code" { (w("enrol-code")) }
                input id="enrol-code" autocomplete="off" required autocapitalize="characters" spellcheck="false";
            }
            p {
                label for="enrol-username" { (d.username) }
                input id="enrol-username" autocomplete="username" required autocapitalize="none" spellcheck="false";
            }
            p {
                label for="enrol-password" { (d.password) }
                input id="enrol-password" type="password" autocomplete="new-password" required
                    aria-describedby="enrol-password-hint enrol-weakness";
                small id="enrol-password-hint" { (w("enrol-password-hint")) }
                small id="enrol-weakness" role="status" {}
            }
            p {
                label for="enrol-password2" { (w("enrol-password-again")) }
                input id="enrol-password2" type="password" autocomplete="new-password" required;
            }
            p id="enrol-error" class="notice" role="alert" tabindex="-1" hidden {}
            p id="enrol-working" role="status" hidden { (w("enrol-working")) }
            button type="submit" id="enrol-button" { (w("enrol-submit")) }
        }
    }
}
