//! The sandbox's subscriptions, and a log of every notification it delivered (for tests).

use std::{
    collections::HashMap,
    sync::{Mutex, MutexGuard},
};

use serde_json::{Value, json};
use time::OffsetDateTime;
use url::Url;

use time::format_description::well_known::Rfc3339;

/// One subscription as the sandbox keeps it.
#[derive(Debug, Clone)]
pub struct SandboxSubscription {
    pub id: String,
    pub tenant_id: String,
    pub application_id: String,
    pub creator_id: String,
    pub resource: String,
    /// The decoded `$filter` of `resource`.
    pub filter: String,
    pub change_type: String,
    pub notification_url: Url,
    pub lifecycle_url: Option<Url>,
    pub client_state: Option<String>,
    pub expiration: OffsetDateTime,
    pub tls: String,
}

impl SandboxSubscription {
    /// The subscription resource as Graph returns it (clientState included only on create).
    pub fn to_json(&self, with_client_state: bool) -> Value {
        json!({
            "id": self.id,
            "resource": self.resource,
            "applicationId": self.application_id,
            "changeType": self.change_type,
            "clientState": if with_client_state { json!(self.client_state) } else { Value::Null },
            "notificationUrl": self.notification_url.as_str(),
            "lifecycleNotificationUrl": self.lifecycle_url.as_ref().map(Url::as_str),
            "expirationDateTime": iso(self.expiration),
            "creatorId": self.creator_id,
            "latestSupportedTlsVersion": self.tls,
            "notificationContentType": "application/json",
        })
    }
}

/// A POST the sandbox made to a subscriber: what, where and what came back.
#[derive(Debug, Clone)]
pub struct Delivery {
    pub subscription_id: String,
    pub url: Url,
    pub payload: Value,
    /// The HTTP status, or `None` when the endpoint could not be reached in time.
    pub status: Option<u16>,
}

#[derive(Default)]
pub struct SubscriptionStore {
    subscriptions: Mutex<HashMap<String, SandboxSubscription>>,
    deliveries: Mutex<Vec<Delivery>>,
}

impl SubscriptionStore {
    pub fn insert(&self, sub: SandboxSubscription) {
        lock(&self.subscriptions).insert(sub.id.clone(), sub);
    }

    /// The tenant's subscription `id`, if it exists and has not expired.
    pub fn get(&self, tenant_id: &str, id: &str) -> Option<SandboxSubscription> {
        let now = OffsetDateTime::now_utc();
        lock(&self.subscriptions)
            .get(id)
            .filter(|s| s.tenant_id == tenant_id && s.expiration > now)
            .cloned()
    }

    /// The tenant's live subscriptions.
    pub fn list(&self, tenant_id: &str) -> Vec<SandboxSubscription> {
        let now = OffsetDateTime::now_utc();
        let mut subs: Vec<_> = lock(&self.subscriptions)
            .values()
            .filter(|s| s.tenant_id == tenant_id && s.expiration > now)
            .cloned()
            .collect();
        subs.sort_by(|a, b| a.id.cmp(&b.id));
        subs
    }

    /// Sets a new expiry; returns the updated subscription.
    pub fn renew(
        &self,
        tenant_id: &str,
        id: &str,
        until: OffsetDateTime,
    ) -> Option<SandboxSubscription> {
        self.get(tenant_id, id)?;
        let mut subs = lock(&self.subscriptions);
        let sub = subs.get_mut(id)?;
        sub.expiration = until;
        Some(sub.clone())
    }

    pub fn remove(&self, tenant_id: &str, id: &str) -> Option<SandboxSubscription> {
        self.get(tenant_id, id)?;
        lock(&self.subscriptions).remove(id)
    }

    /// Finds a subscription by id in any tenant (for lifecycle events on demand).
    pub fn find(&self, id: &str) -> Option<SandboxSubscription> {
        lock(&self.subscriptions).get(id).cloned()
    }

    pub fn record(&self, delivery: Delivery) {
        let mut log = lock(&self.deliveries);
        if log.len() >= 10_000 {
            log.remove(0);
        }
        log.push(delivery);
    }

    /// Every delivery made so far, oldest first.
    pub fn deliveries(&self) -> Vec<Delivery> {
        lock(&self.deliveries).clone()
    }
}

fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}

/// A Graph DateTimeOffset string in UTC.
pub fn iso(at: OffsetDateTime) -> String {
    at.to_offset(time::UtcOffset::UTC)
        .format(&Rfc3339)
        .unwrap_or_default()
}
