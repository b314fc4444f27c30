//! Reading "what changed since T" for a subscription's resource, and turning the alerts
//! read into notifications. Shared by the v2 watcher and the legacy catch-up read.

use std::{future::Future, sync::Arc, time::Duration};

use serde_json::Value;
use time::OffsetDateTime;

use crate::graph::odata;
use crate::notify::model::{ApiKind, NewNotification, Subscription};
use crate::notify::summary::{AlertFields, Summary};

/// A read of changed alerts failed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PollError {
    #[error("Graph is throttling; retry after {0:?}")]
    Throttled(Duration),
    #[error("the subscription owner has no usable token")]
    NoToken,
    #[error("reading changed alerts failed: {0}")]
    Failed(String),
    #[error("storing the changes failed: {0}")]
    Store(String),
}

/// Where changed alerts come from (Graph, through the owner's token).
pub trait ChangeSource: Send + Sync + 'static {
    /// Every alert of `sub`'s resource updated at or after `since`, all pages.
    fn changed_since(
        &self,
        sub: &Subscription,
        since: OffsetDateTime,
    ) -> impl Future<Output = Result<Vec<Value>, PollError>> + Send;
}

/// The alert property that tells when an alert last changed, per API.
pub fn time_field(kind: ApiKind) -> &'static str {
    match kind {
        ApiKind::LegacyWebhook => "lastModifiedDateTime",
        ApiKind::V2Watch => "lastUpdateDateTime",
    }
}

/// The Graph path and query (relative to `/v1.0/`) that lists the resource's alerts
/// changed since `since`: the subscription's own `$filter`, and the time clause. The
/// subscription filter comes from the alerts filter builder, whose clauses are all
/// joined with `and`, so appending one more clause needs no parentheses.
pub fn changed_since_query(sub: &Subscription, since: OffsetDateTime) -> String {
    let (path, filter) = split_resource(&sub.resource);
    let clause = format!(
        "{} ge {}",
        time_field(sub.api_kind),
        crate::graph::odata::datetime(since)
    );
    let filter = match filter {
        Some(existing) if !existing.is_empty() => format!("{existing} and {clause}"),
        _ => clause,
    };
    let encoded: String = url::form_urlencoded::byte_serialize(filter.as_bytes()).collect();
    format!("{path}?$filter={encoded}")
}

/// `security/alerts?$filter=…` into the path and the decoded filter.
pub fn split_resource(resource: &str) -> (&str, Option<String>) {
    let Some((path, query)) = resource.split_once('?') else {
        return (resource, None);
    };
    let filter = url::form_urlencoded::parse(query.as_bytes())
        .find(|(k, _)| k == "$filter")
        .map(|(_, v)| v.into_owned());
    (path, filter)
}

/// The alerts changed strictly after `since`, as notifications of `sub`.
pub fn to_notifications(
    sub: &Subscription,
    alerts: &[Value],
    since: OffsetDateTime,
) -> Vec<NewNotification> {
    changed_alerts(sub, alerts, |_, changed| changed > since)
        .into_iter()
        .map(|(note, _)| note)
        .collect()
}

/// Each alert with an id and a change time that `keep(id, time)` accepts, as a notification
/// of `sub`, with its change time.
pub fn changed_alerts(
    sub: &Subscription,
    alerts: &[Value],
    mut keep: impl FnMut(&str, OffsetDateTime) -> bool,
) -> Vec<(NewNotification, OffsetDateTime)> {
    let field = time_field(sub.api_kind);
    let (path, _) = split_resource(&sub.resource);
    // Shared by every notification of the poll, as the webhook's intake shares them.
    let tenant_id: Arc<str> = sub.tenant_id.as_str().into();
    let subscription_id: Arc<str> = sub.id.as_str().into();
    let mut out = Vec::new();
    for alert in alerts {
        let Some(id) = alert.get("id").and_then(Value::as_str) else {
            continue;
        };
        let changed = alert
            .get(field)
            .and_then(Value::as_str)
            .and_then(odata::parse_datetime);
        let Some(changed) = changed.filter(|c| keep(id, *c)) else {
            continue;
        };
        let note = NewNotification {
            tenant_id: Arc::clone(&tenant_id),
            subscription_id: Arc::clone(&subscription_id),
            change_type: "updated".into(),
            resource: format!("{path}/{id}"),
            alert_id: Some(id.to_owned()),
            raw: alert.to_string(),
            // The alert was just read: its current values need no second read.
            summary: Some(Summary::between(None, AlertFields::of(alert)).to_json()),
        };
        out.push((note, changed));
    }
    out
}

#[cfg(test)]
mod tests {
    use serde_json::json;
    use time::macros::datetime;

    use super::*;

    fn sub(resource: &str, kind: ApiKind) -> Subscription {
        Subscription {
            id: "local".into(),
            graph_id: None,
            owner_oid: "o".into(),
            tenant_id: "t".into(),
            resource: resource.into(),
            change_type: "updated".into(),
            client_state: "c".into(),
            expires_at: datetime!(2030-01-01 0:00 UTC),
            status: crate::notify::model::SubscriptionStatus::Active,
            last_notification_at: None,
            last_lifecycle_event: None,
            api_kind: kind,
            filters: "{}".into(),
            watch_cursor: None,
            watch_published: None,
            lifecycle_pending: None,
            created_at: datetime!(2026-01-01 0:00 UTC),
        }
    }

    #[test]
    fn the_time_clause_is_anded_with_the_subscription_filter() {
        let s = sub(
            "security/alerts_v2?$filter=severity%20eq%20'high'",
            ApiKind::V2Watch,
        );
        let q = changed_since_query(&s, datetime!(2026-11-24 12:00:00.5 +1));
        let (path, filter) = split_resource(&q);
        assert_eq!(path, "security/alerts_v2");
        assert_eq!(
            filter.unwrap(),
            "severity eq 'high' and lastUpdateDateTime ge 2026-11-24T11:00:00Z"
        );
        let legacy = sub("security/alerts", ApiKind::LegacyWebhook);
        let q = changed_since_query(&legacy, datetime!(2026-11-24 12:00 UTC));
        assert_eq!(
            split_resource(&q).1.unwrap(),
            "lastModifiedDateTime ge 2026-11-24T12:00:00Z"
        );
    }

    #[test]
    fn only_alerts_changed_after_the_cursor_become_notifications() {
        let s = sub("security/alerts_v2?$filter=x", ApiKind::V2Watch);
        let since = datetime!(2026-11-24 12:00 UTC);
        let alerts = [
            json!({"id": "old", "lastUpdateDateTime": "2026-11-24T12:00:00Z"}),
            json!({"id": "new", "lastUpdateDateTime": "2026-11-24T12:00:01.25Z"}),
            json!({"id": "newer", "lastUpdateDateTime": "2026-11-24T12:05:00Z"}),
            json!({"id": "no-time"}),
            json!({"lastUpdateDateTime": "2026-11-24T12:05:00Z"}),
        ];
        let notes = to_notifications(&s, &alerts, since);
        let ids: Vec<_> = notes
            .iter()
            .map(|n| n.alert_id.as_deref().unwrap())
            .collect();
        assert_eq!(ids, ["new", "newer"]);
        assert_eq!(notes[0].resource, "security/alerts_v2/new");
    }
}
