//! Rows of the notification tables: subscriptions and accepted notifications.

use std::fmt;
use std::sync::{Arc, OnceLock};

use bytes::Bytes;

pub use super::event_id::EventId;

use serde::Serialize;
use sqlx::FromRow;
use time::OffsetDateTime;

/// How changes reach us: Graph change notifications (legacy alerts) or polling (alerts_v2).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, sqlx::Type)]
#[sqlx(type_name = "TEXT", rename_all = "kebab-case")]
#[serde(rename_all = "kebab-case")]
pub enum ApiKind {
    LegacyWebhook,
    V2Watch,
}

/// Where a subscription stands, as the subscriptions page shows it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, sqlx::Type)]
#[sqlx(type_name = "TEXT", rename_all = "kebab-case")]
#[serde(rename_all = "kebab-case")]
pub enum SubscriptionStatus {
    Active,
    RenewalFailed,
    Removed,
}

impl SubscriptionStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Active => "active",
            Self::RenewalFailed => "renewal-failed",
            Self::Removed => "removed",
        }
    }
}

impl fmt::Display for SubscriptionStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A stored subscription. `client_state` is a secret shared with Graph only.
#[derive(Clone, FromRow)]
pub struct Subscription {
    pub id: String,
    pub graph_id: Option<String>,
    pub owner_oid: String,
    pub tenant_id: String,
    pub resource: String,
    pub change_type: String,
    pub client_state: String,
    pub expires_at: OffsetDateTime,
    pub status: SubscriptionStatus,
    pub last_notification_at: Option<OffsetDateTime>,
    pub last_lifecycle_event: Option<String>,
    pub api_kind: ApiKind,
    /// The filter fields the subscription was created from, as JSON.
    pub filters: String,
    /// v2 watches: the newest `lastUpdateDateTime` already published.
    pub watch_cursor: Option<OffsetDateTime>,
    /// v2 watches: the changes published within the poll overlap before the cursor, as
    /// stored by the watcher (`None` until it first publishes).
    #[sqlx(default)]
    pub watch_published: Option<String>,
    pub created_at: OffsetDateTime,
    /// Lifecycle events received and not yet acted on, comma-separated.
    #[sqlx(default)]
    pub lifecycle_pending: Option<String>,
}

impl fmt::Debug for Subscription {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Subscription")
            .field("id", &self.id)
            .field("graph_id", &self.graph_id)
            .field("tenant_id", &self.tenant_id)
            .field("resource", &self.resource)
            .field("status", &self.status)
            .field("api_kind", &self.api_kind)
            .field("expires_at", &self.expires_at)
            .finish_non_exhaustive()
    }
}

/// What is needed to record a new subscription.
#[derive(Debug, Clone)]
pub struct NewSubscription {
    pub graph_id: Option<String>,
    pub owner_oid: String,
    pub tenant_id: String,
    pub resource: String,
    pub change_type: String,
    pub client_state: String,
    pub expires_at: OffsetDateTime,
    pub api_kind: ApiKind,
    pub filters: String,
}

#[cfg(test)]
impl NewSubscription {
    /// A legacy webhook subscription of tenant "t", clientState "cs", valid for a day (unit tests).
    pub fn test_webhook() -> Self {
        Self {
            graph_id: Some("g1".into()),
            owner_oid: "o".into(),
            tenant_id: "t".into(),
            resource: "security/alerts?$filter=a".into(),
            change_type: "updated".into(),
            client_state: "cs".into(),
            expires_at: OffsetDateTime::now_utc() + time::Duration::days(1),
            api_kind: ApiKind::LegacyWebhook,
            filters: "{}".into(),
        }
    }
}

/// An accepted notification, as stored. `id` is the SSE event id.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, FromRow)]
pub struct Notification {
    #[sqlx(try_from = "i64")]
    pub id: EventId,
    /// Shared by the notifications of one delivery (see `inbound::intake`).
    #[sqlx(try_from = "String")]
    pub tenant_id: Arc<str>,
    #[sqlx(try_from = "String")]
    pub subscription_id: Arc<str>,
    /// One of the change types its subscription asked for, shared with the others like it.
    #[sqlx(try_from = "String")]
    pub change_type: Arc<str>,
    pub resource: String,
    pub alert_id: Option<String>,
    #[serde(with = "time::serde::rfc3339")]
    pub received_at: OffsetDateTime,
    #[serde(skip)]
    pub raw: String,
    /// What the notification says about its alert, as `summary::Summary` JSON (`None` until
    /// the alert was read).
    #[serde(skip)]
    #[sqlx(default)]
    pub summary: Option<String>,
    /// The notification's live-stream frame, rendered by the first stream that sends it and
    /// shared by every other (see `feed/sse.rs`), so a thousand viewers cost one rendering.
    #[serde(skip)]
    #[sqlx(skip)]
    pub frame: OnceLock<Bytes>,
}

/// A notification about to be stored.
#[derive(Debug, Clone)]
pub struct NewNotification {
    pub tenant_id: Arc<str>,
    pub subscription_id: Arc<str>,
    pub change_type: Arc<str>,
    pub resource: String,
    pub alert_id: Option<String>,
    pub raw: String,
    /// `summary::Summary` JSON, when the alert was read before storing.
    pub summary: Option<String>,
}

impl NewNotification {
    /// The notification as a log stored it, under `id` at `received_at`.
    pub fn stored(self, id: EventId, received_at: OffsetDateTime) -> Notification {
        Notification {
            id,
            tenant_id: self.tenant_id,
            subscription_id: self.subscription_id,
            change_type: self.change_type,
            resource: self.resource,
            alert_id: self.alert_id,
            received_at,
            raw: self.raw,
            summary: self.summary,
            frame: Default::default(),
        }
    }
}

/// A notification of tenant `tenant` about alert `alert` (unit tests).
#[cfg(test)]
pub fn note(tenant: &str, alert: &str) -> NewNotification {
    NewNotification {
        tenant_id: tenant.into(),
        subscription_id: "sub".into(),
        change_type: "updated".into(),
        resource: format!("security/alerts/{alert}"),
        alert_id: Some(alert.into()),
        raw: "{}".into(),
        summary: None,
    }
}
