//! What the desk dashboard says (`desk-*` messages, docs/decisions/0008): signing in, the lock,
//! signing out, and the inbox. Statuses and kinds have the desk's own words (the reporter pages
//! say "received" for `new` and "closed" for `spam` on purpose); countries, needs and "when" are
//! the reporter pages' labels.

use super::catalogue::Messages;
use super::{Options, KINDS, STATUSES};

/// The words of the case screen (`desk-word-<key>`), handed to the script in one template: field
/// labels, authors, referral statuses, the trail's actions, the actions' buttons and notices.
const CASE_WORDS: &[&str] = &[
    "open",
    "back",
    "case",
    "field-kind",
    "field-when",
    "field-country",
    "field-needs",
    "field-narrative",
    "field-safe_contact",
    "field-indicators",
    "field-consent_referral",
    "field-consent_statistics",
    "field-lang",
    "thread",
    "from-reporter",
    "from-desk",
    "not-signed",
    "unreadable",
    "notes",
    "nothing-yet",
    "referrals",
    "from-partner",
    "referral-status-sent",
    "referral-status-accepted",
    "referral-status-declined",
    "referral-status-closed",
    "trail",
    "action-case-open",
    "action-case-status",
    "action-case-assign",
    "action-case-note",
    "action-case-reply",
    "action-case-seal",
    "action-case-reencrypt",
    "action-referral-create",
    "action-referral-consent_override",
    "action-referral-message",
    "action-referral-open",
    "action-referral-update",
    "change-status",
    "assign-to",
    "nobody",
    "save",
    "note",
    "note-save",
    "reply",
    "reply-hint",
    "reply-review",
    "reply-send",
    "done",
    "error-action",
    "error-case",
    "refer",
    "refer-partner",
    "fit-serves",
    "fit-country",
    "fit-language",
    "no-partners",
    "refer-fields",
    "refer-preview",
    "consent-given",
    "consent-missing",
    "refer-reason",
    "refer-send",
    "refer-untrusted",
    "override-reason",
    "to-partner",
    "to-partner-send",
    "print",
    "print-hint",
    "action-case-export",
];

pub struct DeskTexts {
    pub title: String,
    /// Without JavaScript: why the dashboard needs it.
    pub noscript: String,
    pub desk: String,
    pub username: String,
    pub password: String,
    /// The authenticator app's one-time code.
    pub code: String,
    /// The desk root safety number, typed once per browser.
    pub root: String,
    pub root_hint: String,
    pub sign_in: String,
    pub working: String,
    pub signed_in_as: String,
    /// Before the desk key's version, once the device verified the desk's statements.
    pub key_verified: String,
    pub lock: String,
    pub sign_out: String,
    pub locked: String,
    pub unlock: String,
    /// Login refused: the same words whatever was wrong, with the one-time code's rule.
    pub error_login: String,
    /// The desk's statements do not verify from the root this browser trusts.
    pub error_untrusted: String,
    pub error_network: String,
    /// No root pinned for the desk and none typed, or one typed that is not a safety number.
    pub error_root: String,
    /// The browser could not run the password's Argon2id (no WebAssembly, no memory).
    pub error_device: String,
    /// The inbox's heading.
    pub inbox: String,
    pub search: String,
    /// Under the search field: it runs on the device.
    pub search_hint: String,
    pub filter_status: String,
    pub filter_kind: String,
    pub filter_need: String,
    pub filter_country: String,
    pub filter_assignee: String,
    /// The filters' "any" option.
    pub any: String,
    pub unassigned: String,
    /// While reports are decrypted: `{done}` of `{total}`.
    pub loading: String,
    /// Above the list: `{shown}` of `{total}` cases.
    pub count: String,
    pub no_match: String,
    pub error_inbox: String,
    /// Before the day a case arrived.
    pub received: String,
    /// Before the day since which the reporter waits for the desk.
    pub waiting: String,
    /// Before the number of the reporter's messages this account has not opened yet.
    pub unread_messages: String,
    /// Before the number of partners' answers this account has not opened yet.
    pub unread_answers: String,
    /// Before the user name a case is assigned to.
    pub assigned: String,
    /// Instead of a kind, for a report no desk key this account holds opens.
    pub unopened: String,
    pub statuses: Options,
    pub kinds: Options,
    /// The case screen's words, by key (`CASE_WORDS`).
    pub words: Options,
}

impl DeskTexts {
    pub(super) fn take(m: &mut Messages) -> Self {
        DeskTexts {
            title: m.take("desk-title"),
            noscript: m.take("desk-noscript"),
            desk: m.take("desk-desk"),
            username: m.take("desk-username"),
            password: m.take("desk-password"),
            code: m.take("desk-code"),
            root: m.take("desk-root"),
            root_hint: m.take("desk-root-hint"),
            sign_in: m.take("desk-sign-in"),
            working: m.take("desk-working"),
            signed_in_as: m.take("desk-signed-in-as"),
            key_verified: m.take("desk-key-verified"),
            lock: m.take("desk-lock"),
            sign_out: m.take("desk-sign-out"),
            locked: m.take("desk-locked"),
            unlock: m.take("desk-unlock"),
            error_login: m.take("desk-error-login"),
            error_untrusted: m.take("desk-error-untrusted"),
            error_network: m.take("desk-error-network"),
            error_root: m.take("desk-error-root"),
            error_device: m.take("desk-error-device"),
            inbox: m.take("desk-inbox"),
            search: m.take("desk-search"),
            search_hint: m.take("desk-search-hint"),
            filter_status: m.take("desk-filter-status"),
            filter_kind: m.take("desk-filter-kind"),
            filter_need: m.take("desk-filter-need"),
            filter_country: m.take("desk-filter-country"),
            filter_assignee: m.take("desk-filter-assignee"),
            any: m.take("desk-any"),
            unassigned: m.take("desk-unassigned"),
            loading: m.take("desk-loading"),
            count: m.take("desk-count"),
            no_match: m.take("desk-no-match"),
            error_inbox: m.take("desk-error-inbox"),
            received: m.take("desk-received"),
            waiting: m.take("desk-waiting"),
            unread_messages: m.take("desk-unread-messages"),
            unread_answers: m.take("desk-unread-answers"),
            assigned: m.take("desk-assigned"),
            unopened: m.take("desk-unopened"),
            statuses: m.options("desk-status", STATUSES),
            kinds: m.options("desk-kind", KINDS),
            words: m.options("desk-word", CASE_WORDS),
        }
    }
}
