//! Delivering to subscribers: change notifications when a matching alert changes, and
//! lifecycle notifications on demand. Each POST has Graph's 3 s deadline and is logged.

use std::time::Duration;

use serde_json::{Value, json};
use url::Url;

use super::store::{Delivery, SandboxSubscription, SubscriptionStore, iso};

/// Graph's deadline for a notification answer.
pub const TIMEOUT: Duration = Duration::from_secs(3);

/// One change notification (`changeNotification`) for a legacy alert.
pub fn change(sub: &SandboxSubscription, alert_id: &str, change_type: &str) -> Value {
    let resource = format!("Security/Alerts/{alert_id}");
    json!({
        "id": uuid::Uuid::new_v4().to_string(),
        "subscriptionId": sub.id,
        "subscriptionExpirationDateTime": iso(sub.expiration),
        "clientState": sub.client_state,
        "changeType": change_type,
        "resource": resource,
        "tenantId": sub.tenant_id,
        "resourceData": {
            "@odata.type": "#Microsoft.Graph.alert",
            "@odata.id": resource,
            "id": alert_id,
        },
    })
}

/// One lifecycle notification.
pub fn lifecycle(sub: &SandboxSubscription, event: &str) -> Value {
    json!({
        "subscriptionId": sub.id,
        "subscriptionExpirationDateTime": iso(sub.expiration),
        "tenantId": sub.tenant_id,
        "clientState": sub.client_state,
        "lifecycleEvent": event,
    })
}

/// POSTs `{"value": [item]}` to `url` and records the outcome.
pub async fn post(
    http: &reqwest::Client,
    store: &SubscriptionStore,
    sub: &SandboxSubscription,
    url: &Url,
    item: Value,
) -> Option<u16> {
    let payload = json!({ "value": [item] });
    let status = http
        .post(url.clone())
        .json(&payload)
        .timeout(TIMEOUT)
        .send()
        .await
        .map(|r| r.status().as_u16())
        .inspect_err(|error| tracing::warn!(%error, %url, "notification delivery failed"))
        .ok();
    store.record(Delivery {
        subscription_id: sub.id.clone(),
        url: url.clone(),
        payload,
        status,
    });
    status
}
