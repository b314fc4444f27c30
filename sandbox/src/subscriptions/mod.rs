//! The sandbox's change-notification subscriptions: `/v1.0/subscriptions` with the real
//! validation handshake, change notifications POSTed to every subscription whose filter
//! matches a changed alert, lifecycle notifications on demand, and optional generated
//! activity so a demo's notify page moves.

pub mod activity;
pub mod delivery;
pub mod handshake;
pub mod listener;
pub mod request;
mod routes;
pub mod store;

pub use routes::router;
pub use store::{Delivery, SandboxSubscription};

use std::time::Duration;

use serde_json::Value;

use crate::odata;
use store::SubscriptionStore;

/// The subscriptions part of the sandbox state.
pub struct Subscriptions {
    store: SubscriptionStore,
    http: reqwest::Client,
}

impl Default for Subscriptions {
    fn default() -> Self {
        let http = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .connect_timeout(Duration::from_secs(3))
            .build()
            .unwrap_or_default();
        Self {
            store: SubscriptionStore::default(),
            http,
        }
    }
}

impl Subscriptions {
    pub fn store(&self) -> &SubscriptionStore {
        &self.store
    }

    pub fn http(&self) -> &reqwest::Client {
        &self.http
    }

    /// Every notification POSTed so far (change and lifecycle), oldest first.
    pub fn deliveries(&self) -> Vec<Delivery> {
        self.store.deliveries()
    }

    /// Sends a change notification for `alert` (legacy shape) to each of the tenant's
    /// subscriptions whose filter it matches. Returns how many were sent.
    pub async fn alert_changed(&self, tenant_id: &str, alert: &Value, change_type: &str) -> usize {
        let Some(alert_id) = alert.get("id").and_then(Value::as_str) else {
            return 0;
        };
        let mut sent = 0;
        for sub in self.store.list(tenant_id) {
            let types = sub.change_type.split(',').map(str::trim);
            if !types.clone().any(|t| t == change_type) || !matches(&sub.filter, alert) {
                continue;
            }
            let item = delivery::change(&sub, alert_id, change_type);
            delivery::post(&self.http, &self.store, &sub, &sub.notification_url, item).await;
            sent += 1;
        }
        sent
    }

    /// Sends a lifecycle event for subscription `id` to its lifecycle URL (or its
    /// notification URL when it has none); `subscriptionRemoved` also deletes it.
    /// Returns the subscriber's HTTP status, or `None` when there is no such subscription
    /// or the endpoint could not be reached.
    pub async fn lifecycle_event(&self, id: &str, event: &str) -> Option<u16> {
        let sub = self.store.find(id)?;
        if event == "subscriptionRemoved" {
            self.store.remove(&sub.tenant_id, id);
        }
        let url = sub
            .lifecycle_url
            .clone()
            .unwrap_or_else(|| sub.notification_url.clone());
        let item = delivery::lifecycle(&sub, event);
        delivery::post(&self.http, &self.store, &sub, &url, item).await
    }
}

fn matches(filter: &str, alert: &Value) -> bool {
    odata::parse(filter).is_ok_and(|expr| expr.matches(alert))
}
