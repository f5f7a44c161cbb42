//! Knowing there is work without leaking it (`[notifications]`, docs/operations.md): for each desk
//! that has an address configured, once when the server starts and then at each multiple of the
//! interval (an hour at least), when N of its cases wait for the desk, one POST of
//! `{"waiting": N, "text": "…"}` to that address — a chat bot's or a push service's webhook. The
//! number and nothing else: no id, no kind, no time finer than the interval. Nothing is retried:
//! the next interval says it again. The address is checked as a partner's webhook is.

use std::time::Duration;

use crate::config::{NotificationSettings, WebhookSettings};
use crate::domain::{DeskSlug, WebhookUrl};
use crate::store::Database;

/// `text` is the notice's words with `{n}` where the number goes (the default language's
/// `desk-notice`).
pub fn spawn(db: Database, notices: NotificationSettings, hooks: WebhookSettings, text: String) {
    if notices.desks.is_empty() {
        return;
    }
    tokio::spawn(async move {
        loop {
            round(&db, &notices, &hooks, &text).await;
            let interval = notices.interval_secs.max(1);
            let now = u64::try_from(crate::time::now_secs()).unwrap_or(0);
            let next = (now / interval + 1) * interval;
            tokio::time::sleep(Duration::from_secs(next - now)).await;
        }
    });
}

/// How many of the desk's cases wait for an answer (`CaseSummary::waiting_since`).
async fn waiting(db: &Database, slug: &DeskSlug) -> Option<usize> {
    match db.desk(slug).cases().await {
        Ok(cases) => Some(cases.iter().filter(|c| c.waiting_since().is_some()).count()),
        Err(e) => {
            tracing::warn!(error = %e, "a desk notice could not count its cases");
            None
        }
    }
}

async fn round(db: &Database, notices: &NotificationSettings, hooks: &WebhookSettings, text: &str) {
    for (slug, desk) in &notices.desks {
        let (Ok(slug), Ok(url)) = (
            DeskSlug::parse(slug),
            WebhookUrl::parse(&desk.url, hooks.allow_http),
        ) else {
            continue;
        };
        let Some(count) = waiting(db, &slug).await.filter(|n| *n > 0) else {
            continue;
        };
        let Some(http) = super::webhooks::client_for(&url, hooks).await else {
            continue;
        };
        let body = serde_json::json!({
            "waiting": count,
            "text": text.replace("{n}", &count.to_string()),
        });
        let sent = http.post(url.as_str()).json(&body).send().await;
        if !matches!(sent, Ok(ref r) if r.status().is_success()) {
            tracing::warn!("a desk notice was not delivered");
        }
    }
}
