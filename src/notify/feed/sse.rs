//! The Server-Sent Events form of a tenant stream: one `notification` event per stored
//! notification, with its store id as the event id, so a reconnecting browser's
//! `Last-Event-ID` resumes exactly where it stopped.

use std::{convert::Infallible, sync::Arc, time::Duration};

use axum::{
    http::HeaderMap,
    response::sse::{Event, KeepAlive, Sse},
};
use futures::{Stream, StreamExt};
use serde::Serialize;

use super::stream::{Resume, tenant_stream};
use crate::notify::{
    Notify,
    model::{EventId, Notification},
};

/// How many past notifications a fresh page shows.
pub const HISTORY: u32 = 50;

/// How long a browser waits before reconnecting.
const RETRY: Duration = Duration::from_secs(2);

/// What the browser receives for one notification (all values are shown as text).
#[derive(Debug, Serialize, PartialEq, Eq)]
#[serde(rename_all = "camelCase")]
pub struct EventData<'a> {
    pub id: EventId,
    pub received_at: String,
    pub change_type: &'a str,
    pub resource: &'a str,
    pub alert_id: Option<&'a str>,
    /// The app's page for the alert, with the id percent-encoded.
    pub alert_url: Option<String>,
}

impl<'a> From<&'a Notification> for EventData<'a> {
    fn from(n: &'a Notification) -> Self {
        Self {
            id: n.id,
            received_at: crate::graph::odata::datetime(n.received_at),
            change_type: &n.change_type,
            resource: &n.resource,
            alert_id: n.alert_id.as_deref(),
            alert_url: n.alert_id.as_deref().map(alert_url),
        }
    }
}

/// `/alerts/{id}` with the id percent-encoded as one path segment.
pub fn alert_url(id: &str) -> String {
    format!("/alerts/{}", crate::graph::encode_id(id))
}

/// Where a stream starts: after `Last-Event-ID` on a reconnect, else after the `after`
/// query value (the newest id the page already shows), else with recent history.
pub fn resume_point(headers: &HeaderMap, after: Option<&str>) -> Resume {
    let header = headers
        .get("last-event-id")
        .and_then(|v| v.to_str().ok())
        .and_then(parse_id);
    match header.or_else(|| after.and_then(parse_id)) {
        Some(id) => Resume::After(id),
        None => Resume::Recent(HISTORY),
    }
}

fn parse_id(raw: &str) -> Option<EventId> {
    raw.parse().ok()
}

/// The SSE response for `tenant_id`'s notifications from `resume`.
pub fn events(
    notify: &Notify,
    tenant_id: String,
    resume: Resume,
) -> Sse<impl Stream<Item = Result<Event, Infallible>> + Send + 'static> {
    let log = notify.journal.log().clone();
    let stream = tenant_stream(log, notify.journal.fanout().as_ref(), tenant_id, resume);
    let hello = futures::stream::once(async { Ok(Event::default().comment("live").retry(RETRY)) });
    let events = stream.map(|n| Ok(to_event(&n)));
    Sse::new(hello.chain(events)).keep_alive(KeepAlive::default())
}

fn to_event(n: &Arc<Notification>) -> Event {
    let data = serde_json::to_string(&EventData::from(n.as_ref())).unwrap_or_default();
    Event::default()
        .event("notification")
        .id(n.id.to_string())
        .data(data)
}

#[cfg(test)]
mod tests {
    use axum::http::HeaderValue;

    use super::*;

    #[test]
    fn last_event_id_wins_over_the_query_and_bad_values_mean_history() {
        let mut headers = HeaderMap::new();
        assert_eq!(resume_point(&headers, None), Resume::Recent(HISTORY));
        assert_eq!(
            resume_point(&headers, Some("7")),
            Resume::After(EventId::row(7))
        );
        assert_eq!(resume_point(&headers, Some("x")), Resume::Recent(HISTORY));
        headers.insert("last-event-id", HeaderValue::from_static("12"));
        assert_eq!(
            resume_point(&headers, Some("7")),
            Resume::After(EventId::row(12))
        );
        headers.insert("last-event-id", HeaderValue::from_static("-3"));
        assert_eq!(resume_point(&headers, None), Resume::After(EventId::row(0)));
        headers.insert("last-event-id", HeaderValue::from_static("1700000000000-2"));
        assert_eq!(
            resume_point(&headers, None),
            Resume::After(EventId::stream(1_700_000_000_000, 2))
        );
    }

    #[test]
    fn alert_links_keep_the_id_in_one_segment() {
        assert_eq!(alert_url("da637/../x?y"), "/alerts/da637%2F..%2Fx%3Fy");
        assert_eq!(alert_url(".."), "/alerts/%2E%2E");
    }
}
