//! What the subscriptions page shows: table rows and form selects as display text.

use time::OffsetDateTime;

use crate::{
    alerts::query::AlertQuery,
    notify::{
        changes::split_resource,
        model::{ApiKind, Subscription},
    },
};

/// One row of `#subscriptions-table`, every value as display text.
pub struct Row {
    pub id: String,
    pub kind: &'static str,
    pub filter: String,
    pub resource: String,
    pub status: String,
    pub expires: String,
    pub time_left: String,
    pub last_notification: String,
    pub last_lifecycle: String,
    pub yours: bool,
}

/// A select of the create form, with its current choice.
pub struct Select {
    pub name: &'static str,
    pub label: &'static str,
    pub options: Vec<(&'static str, bool)>,
}

pub fn row(sub: &Subscription, me: &str, now: OffsetDateTime) -> Row {
    Row {
        id: sub.id.clone(),
        kind: match sub.api_kind {
            ApiKind::LegacyWebhook => "Graph webhook",
            ApiKind::V2Watch => "alerts_v2 watch",
        },
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
        yours: sub.owner_oid == me,
    }
}

const SEVERITY: &[&str] = &["informational", "low", "medium", "high"];
const LEGACY_STATUS: &[&str] = &["newAlert", "inProgress", "resolved"];
const V2_STATUS: &[&str] = &["new", "inProgress", "resolved"];
const SERVICE_SOURCE: &[&str] = &[
    "microsoftDefenderForEndpoint",
    "microsoftDefenderForIdentity",
    "microsoftDefenderForCloudApps",
    "microsoftDefenderForOffice365",
    "microsoft365Defender",
    "azureAdIdentityProtection",
    "microsoftAppGovernance",
    "dataLossPrevention",
];
const CLASSIFICATION: &[&str] = &[
    "falsePositive",
    "truePositive",
    "informationalExpectedActivity",
];

pub fn selects(kind: ApiKind, form: &AlertQuery) -> Vec<Select> {
    let select = |name, label, values: &[&'static str], current: &Option<String>| Select {
        name,
        label,
        options: values
            .iter()
            .map(|v| (*v, current.as_deref() == Some(*v)))
            .collect(),
    };
    let mut out = vec![select("severity", "Severity", SEVERITY, &form.severity)];
    match kind {
        ApiKind::LegacyWebhook => {
            out.push(select("status", "Status", LEGACY_STATUS, &form.status));
        }
        ApiKind::V2Watch => {
            out.push(select("status", "Status", V2_STATUS, &form.status));
            out.push(select(
                "service_source",
                "Service source",
                SERVICE_SOURCE,
                &form.service_source,
            ));
            out.push(select(
                "classification",
                "Classification",
                CLASSIFICATION,
                &form.classification,
            ));
        }
    }
    out
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
