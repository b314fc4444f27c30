//! A subscription as a Redis hash: one field per column, times in RFC 3339, absent fields
//! for empty values.

use std::collections::HashMap;

use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

use crate::notify::model::{ApiKind, NewSubscription, Subscription, SubscriptionStatus};

/// A hash that does not hold a whole subscription (never written so by this backend).
#[derive(Debug, thiserror::Error)]
#[error("the stored subscription has no valid '{0}' field")]
pub struct BadField(pub &'static str);

pub type Fields = Vec<(&'static str, String)>;

pub fn time(at: OffsetDateTime) -> String {
    at.to_offset(time::UtcOffset::UTC)
        .format(&Rfc3339)
        .unwrap_or_default()
}

pub fn status(status: SubscriptionStatus) -> String {
    status.as_str().to_string()
}

fn api_kind(kind: ApiKind) -> &'static str {
    match kind {
        ApiKind::LegacyWebhook => "legacy-webhook",
        ApiKind::V2Watch => "v2-watch",
    }
}

/// The fields of a new subscription with id `id`, created `now`.
pub fn of_new(id: &str, new: &NewSubscription, now: OffsetDateTime) -> Fields {
    let mut fields = vec![
        ("id", id.to_string()),
        ("owner_oid", new.owner_oid.clone()),
        ("tenant_id", new.tenant_id.clone()),
        ("resource", new.resource.clone()),
        ("change_type", new.change_type.clone()),
        ("client_state", new.client_state.clone()),
        ("expires_at", time(new.expires_at)),
        ("status", status(SubscriptionStatus::Active)),
        ("api_kind", api_kind(new.api_kind).to_string()),
        ("filters", new.filters.clone()),
        ("created_at", time(now)),
    ];
    if let Some(graph_id) = &new.graph_id {
        fields.push(("graph_id", graph_id.clone()));
    }
    if new.api_kind == ApiKind::V2Watch {
        fields.push(("watch_cursor", time(now)));
    }
    fields
}

/// The subscription a hash holds; `None` for an empty hash (no such subscription).
pub fn read(mut hash: HashMap<String, String>) -> Result<Option<Subscription>, BadField> {
    if hash.is_empty() {
        return Ok(None);
    }
    let mut take = |name: &'static str| hash.remove(name).ok_or(BadField(name));
    let at = |name: &'static str, raw: String| {
        OffsetDateTime::parse(&raw, &Rfc3339).map_err(|_| BadField(name))
    };
    let status = match take("status")?.as_str() {
        "active" => SubscriptionStatus::Active,
        "renewal-failed" => SubscriptionStatus::RenewalFailed,
        "removed" => SubscriptionStatus::Removed,
        _ => return Err(BadField("status")),
    };
    let api_kind = match take("api_kind")?.as_str() {
        "legacy-webhook" => ApiKind::LegacyWebhook,
        "v2-watch" => ApiKind::V2Watch,
        _ => return Err(BadField("api_kind")),
    };
    let sub = Subscription {
        id: take("id")?,
        graph_id: take("graph_id").ok(),
        owner_oid: take("owner_oid")?,
        tenant_id: take("tenant_id")?,
        resource: take("resource")?,
        change_type: take("change_type")?,
        client_state: take("client_state")?,
        expires_at: at("expires_at", take("expires_at")?)?,
        status,
        last_notification_at: take("last_notification_at")
            .ok()
            .map(|raw| at("last_notification_at", raw))
            .transpose()?,
        last_lifecycle_event: take("last_lifecycle_event").ok(),
        lifecycle_pending: take("lifecycle_pending").ok(),
        api_kind,
        filters: take("filters")?,
        watch_cursor: take("watch_cursor")
            .ok()
            .map(|raw| at("watch_cursor", raw))
            .transpose()?,
        watch_published: take("watch_published").ok(),
        created_at: at("created_at", take("created_at")?)?,
    };
    Ok(Some(sub))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_new_subscription_reads_back_with_every_field() {
        let new = NewSubscription::test_webhook();
        let now = OffsetDateTime::now_utc().replace_nanosecond(0).unwrap();
        let hash = of_new("s1", &new, now)
            .into_iter()
            .map(|(k, v)| (k.to_string(), v))
            .collect();
        let sub = read(hash).unwrap().unwrap();
        assert_eq!(sub.id, "s1");
        assert_eq!(sub.graph_id.as_deref(), Some("g1"));
        assert_eq!(sub.client_state, "cs");
        assert_eq!(sub.status, SubscriptionStatus::Active);
        assert_eq!(sub.api_kind, ApiKind::LegacyWebhook);
        assert_eq!(sub.created_at, now);
        assert_eq!(sub.watch_cursor, None);
        assert!(read(HashMap::new()).unwrap().is_none());
        let partial = HashMap::from([("last_notification_at".to_string(), time(now))]);
        assert!(read(partial).is_err());
    }
}
