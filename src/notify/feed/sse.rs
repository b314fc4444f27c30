//! The Server-Sent Events form of a tenant stream: one `notification` event per stored
//! notification, with its store id as the event id, so a reconnecting browser's
//! `Last-Event-ID` resumes exactly where it stopped.

use std::{convert::Infallible, future::Future, time::Duration};

use axum::{
    body::Body,
    http::{HeaderMap, header},
    response::{IntoResponse, Response},
};
use bytes::Bytes;
use futures::{StreamExt, future, stream};
use serde::Serialize;
use tokio::time;
use tokio_stream::wrappers::IntervalStream;

use super::coalesce::coalesce;
use super::stream::{Resume, tenant_stream};
use crate::notify::{
    Notify,
    model::{EventId, Notification},
    summary::{Summary, SummaryView},
};

/// How many past notifications a fresh page shows.
pub const HISTORY: u32 = 50;

/// How long a browser waits before reconnecting.
const RETRY: Duration = Duration::from_secs(2);

/// How often an idle stream sends a comment line.
const KEEP_ALIVE: Duration = Duration::from_secs(15);

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
    /// An incident's id and page, for a change of an incident (from graphsec's mirror).
    pub incident_id: Option<&'a str>,
    pub incident_url: Option<String>,
    /// The alert's title, severity, status and what changed, in words (when it was read).
    pub summary: Option<SummaryView>,
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
            incident_id: incident_of(&n.resource),
            incident_url: incident_of(&n.resource).map(incident_url),
            summary: n
                .summary
                .as_deref()
                .and_then(Summary::from_json)
                .map(|s| SummaryView::from(&s)),
        }
    }
}

/// `/alerts/{id}` with the id percent-encoded as one path segment.
pub fn alert_url(id: &str) -> String {
    format!("/alerts/{}", crate::graph::encode_id(id))
}

/// The incident a notification's resource names (`security/incidents/{id}`).
pub fn incident_of(resource: &str) -> Option<&str> {
    resource
        .strip_prefix(INCIDENTS)
        .filter(|id| !id.is_empty() && !id.contains('/'))
}

/// Where incident changes are filed: `security/incidents/` and the id.
pub const INCIDENTS: &str = "security/incidents/";

pub fn incident_url(id: &str) -> String {
    format!("/incidents/{}", crate::graph::encode_id(id))
}

/// Where a stream starts: after `Last-Event-ID` on a reconnect, else after the `after`
/// query value (the newest id the page already shows), else with recent history. An id that
/// is not one, or that no log could have given out (such as `18446744073709551615-…`), counts
/// as none: the stream starts with recent history.
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
    let now_ms =
        u64::try_from(::time::OffsetDateTime::now_utc().unix_timestamp_nanos() / 1_000_000)
            .unwrap_or(0);
    raw.parse()
        .ok()
        .filter(|id: &EventId| id.could_exist(now_ms))
}

/// What a stream that reached back as far as it may tells the page.
pub const GAP_NOTICE: &str = "Older notifications are on the history page.";

/// The SSE response for `tenant_id`'s notifications from `resume`: a greeting (with the
/// reconnect delay), the gap notice when older ones were left out (`gap`), then one frame per
/// notification, with a comment line every [`KEEP_ALIVE`] so idle connections stay open through
/// proxies; it ends when `until` resolves. Frames ready at once leave in one write
/// (`coalesce`). The keep-alive ticks on its own schedule rather than being reset by each
/// event, which costs a timer change per event.
pub fn events(
    notify: &Notify,
    tenant_id: String,
    resume: Resume,
    gap: bool,
    until: impl Future<Output = ()> + Send + 'static,
) -> Response {
    let tenant_id_for_summaries = tenant_id.clone();
    let history = notify.history.clone();
    let notifications = tenant_stream(history, notify.journal.fanout().as_ref(), tenant_id, resume)
        .map(|n| Some(frame(&n)))
        // The end of the notifications ends the response (the browser then resumes).
        .chain(stream::once(future::ready(None)));
    let summaries = summary_updates(notify, tenant_id_for_summaries).map(Some);
    let keep_alive = IntervalStream::new(time::interval_at(
        time::Instant::now() + KEEP_ALIVE,
        KEEP_ALIVE,
    ))
    .map(|_| Some(Bytes::from_static(b":\n\n")));
    let greeting = format!(": live\nretry: {}\n\n", RETRY.as_millis());
    let notice = gap.then(|| Some(Bytes::from(format!("event: gap\ndata: {GAP_NOTICE}\n\n"))));
    let frames = stream::once(future::ready(Some(Bytes::from(greeting))))
        .chain(stream::iter(notice))
        .chain(stream::select(
            notifications,
            stream::select(summaries, keep_alive),
        ))
        .take_while(|frame| future::ready(frame.is_some()))
        .filter_map(future::ready)
        .take_until(until);
    let body = coalesce(frames).map(Ok::<_, Infallible>);
    let headers = [
        (header::CONTENT_TYPE, "text/event-stream"),
        (header::CACHE_CONTROL, "no-cache"),
    ];
    (headers, Body::from_stream(body)).into_response()
}

/// A `summary` event for each of the tenant's notifications whose summary was read after it
/// was sent: its id and the summary in words (the page updates the row it shows).
fn summary_updates(
    notify: &Notify,
    tenant_id: String,
) -> impl futures::Stream<Item = Bytes> + Send + 'static {
    stream::unfold(notify.journal.summaries(), |mut rx| async move {
        loop {
            match rx.recv().await {
                Ok(n) => return Some((n, rx)),
                Err(tokio::sync::broadcast::error::RecvError::Lagged(missed)) => {
                    tracing::debug!(missed, "a stream missed summary updates");
                }
                Err(tokio::sync::broadcast::error::RecvError::Closed) => return None,
            }
        }
    })
    .filter(move |n| future::ready(*n.tenant_id == *tenant_id))
    .map(|n| {
        // A summary update travels as its own notification value, so its `frame` holds the
        // `summary` event: rendered by the first stream, shared by the others.
        let frame = n.frame.get_or_init(|| {
            let data = EventData::from(n.as_ref());
            let update = serde_json::json!({"id": data.id, "summary": data.summary});
            Bytes::from(format!("event: summary\ndata: {update}\n\n"))
        });
        frame.clone()
    })
}

/// The notification's `notification` event, rendered once and shared by every stream.
fn frame(n: &Notification) -> Bytes {
    n.frame
        .get_or_init(|| {
            // Compact JSON holds no line break, so the data fits on one `data:` line.
            let data = serde_json::to_string(&EventData::from(n)).unwrap_or_default();
            Bytes::from(format!(
                "event: notification\nid: {}\ndata: {data}\n\n",
                n.id
            ))
        })
        .clone()
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
        let largest = "18446744073709551615-18446744073709551615";
        assert_eq!(
            resume_point(&headers, Some(largest)),
            Resume::Recent(HISTORY)
        );
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
    fn a_frame_is_one_event_with_the_store_id_and_is_rendered_once() {
        let n = Notification {
            id: 42.into(),
            tenant_id: "t".into(),
            subscription_id: "s".into(),
            change_type: "updated".into(),
            resource: "Security/Alerts/a\nb".into(),
            alert_id: Some("a\nb".into()),
            received_at: ::time::OffsetDateTime::UNIX_EPOCH,
            raw: String::new(),
            summary: None,
            frame: Default::default(),
        };
        let text = frame(&n);
        let text = std::str::from_utf8(&text).unwrap();
        let lines: Vec<_> = text.strip_suffix("\n\n").unwrap().split('\n').collect();
        assert_eq!(lines[..2], ["event: notification", "id: 42"]);
        assert_eq!(lines.len(), 3, "one data line: {text}");
        let data: serde_json::Value = serde_json::from_str(&lines[2]["data: ".len()..]).unwrap();
        assert_eq!(data["alertId"], "a\nb");
        assert_eq!(
            frame(&n).as_ptr(),
            n.frame.get().unwrap().as_ptr(),
            "shared"
        );
    }

    #[test]
    fn alert_links_keep_the_id_in_one_segment() {
        assert_eq!(alert_url("da637/../x?y"), "/alerts/da637%2F..%2Fx%3Fy");
        assert_eq!(alert_url(".."), "/alerts/%2E%2E");
    }
}
