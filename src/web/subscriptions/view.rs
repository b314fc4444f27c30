//! What the subscriptions page shows: table rows and form selects as display text.

use time::OffsetDateTime;

use crate::web::alerts::choices::{self, Choice};
use crate::{
    alerts::query::AlertQuery,
    auth::User,
    notify::{
        background::{changes::split_resource, health::Waiting},
        model::{ApiKind, Subscription},
        subscriptions::manage,
    },
};

/// One row of `#subscriptions-table`, every value as display text.
pub struct Row {
    pub id: String,
    pub kind: &'static str,
    /// The filters in words, e.g. "Severity: High · Status: New".
    pub summary: String,
    pub filter: String,
    pub resource: String,
    pub status: String,
    pub expires: String,
    pub time_left: String,
    pub last_notification: String,
    pub last_lifecycle: String,
    pub yours: bool,
    /// Whether the viewer may renew and delete it (its owner or a tenant admin).
    pub manageable: bool,
    /// A v2 watch that is not polled every round: "failing since …, next try …".
    pub waiting: Option<String>,
}

/// A select of the create form, with its current choice.
pub struct Select {
    pub name: &'static str,
    pub label: &'static str,
    pub options: Vec<Choice>,
}

pub fn row(sub: &Subscription, me: &User, now: OffsetDateTime, waiting: Option<Waiting>) -> Row {
    Row {
        id: sub.id.clone(),
        kind: match sub.api_kind {
            ApiKind::LegacyWebhook => "Graph webhook",
            ApiKind::V2Watch => "alerts_v2 watch",
        },
        summary: serde_json::from_str::<AlertQuery>(&sub.filters)
            .map(|q| q.summary())
            .unwrap_or_default(),
        filter: split_resource(&sub.resource).1.unwrap_or_default(),
        resource: sub.resource.clone(),
        status: sub.status.to_string(),
        expires: when(sub.expires_at),
        time_left: time_left(sub.expires_at - now),
        last_notification: sub
            .last_notification_at
            .map(when)
            .unwrap_or_else(|| "never".into()),
        last_lifecycle: sub.last_lifecycle_event.clone().unwrap_or_default(),
        yours: sub.owner_oid == me.oid,
        manageable: manage::may_manage(me, sub),
        waiting: waiting.map(|w| match w.failing_since {
            Some(since) => format!(
                "failing since {}, next try {}",
                when(since),
                when(w.next_try)
            ),
            None => format!("throttled by Graph, next try {}", when(w.next_try)),
        }),
    }
}

/// The same choices, labels and "Any" as the alerts filter form.
pub fn selects(kind: ApiKind, form: &AlertQuery, providers: &[String]) -> Vec<Select> {
    let severity = Select {
        name: "severity",
        label: "Severity",
        options: choices::severities(form.severity.as_deref()),
    };
    match kind {
        ApiKind::LegacyWebhook => {
            let mut out = vec![severity];
            if !providers.is_empty() {
                out.push(Select {
                    name: "provider",
                    label: "Provider",
                    options: choices::texts(providers, form.provider.as_deref()),
                });
            }
            out.extend([
                Select {
                    name: "status",
                    label: "Status",
                    options: choices::legacy_statuses(form.status.as_deref()),
                },
                Select {
                    name: "category",
                    label: "Category",
                    options: choices::texts(
                        &choices::LEGACY_CATEGORIES.map(String::from),
                        form.category.as_deref(),
                    ),
                },
            ]);
            out
        }
        ApiKind::V2Watch => vec![
            severity,
            Select {
                name: "status",
                label: "Status",
                options: choices::v2_statuses(form.status.as_deref()),
            },
            Select {
                name: "service_source",
                label: "Service source",
                options: choices::service_sources(form.service_source.as_deref()),
            },
            Select {
                name: "classification",
                label: "Classification",
                options: choices::classifications(form.classification.as_deref()),
            },
        ],
    }
}

pub fn describe(sub: &Subscription) -> String {
    split_resource(&sub.resource)
        .1
        .unwrap_or_else(|| sub.resource.clone())
}

pub fn when(at: OffsetDateTime) -> String {
    let format = time::macros::format_description!("[year]-[month]-[day] [hour]:[minute] UTC");
    at.to_offset(time::UtcOffset::UTC)
        .format(format)
        .unwrap_or_default()
}

fn time_left(left: time::Duration) -> String {
    if left.is_negative() {
        return "expired".into();
    }
    let (days, hours, minutes) = (
        left.whole_days(),
        left.whole_hours() % 24,
        left.whole_minutes() % 60,
    );
    match (days, hours) {
        (0, 0) => format!("{minutes} min"),
        (0, h) => format!("{h} h {minutes} min"),
        (d, h) => format!("{d} d {h} h"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn time_left_reads_naturally() {
        assert_eq!(time_left(time::Duration::minutes(-1)), "expired");
        assert_eq!(time_left(time::Duration::minutes(42)), "42 min");
        assert_eq!(time_left(time::Duration::minutes(125)), "2 h 5 min");
        assert_eq!(time_left(time::Duration::hours(50)), "2 d 2 h");
    }
}
