//! The storage seam: everything the notification feature keeps, behind three traits, so a
//! second backend (Redis, for several instances) plugs in here and nowhere else.
//!
//! - [`SubscriptionRegistry`]: every subscription this app holds, with owner, tenant and
//!   clientState, and the session each owner last used (for background tokens).
//! - [`NotificationLog`]: the durable, ordered log of accepted notifications; an id is the
//!   SSE event id, so a browser resumes from it.
//! - [`FanOut`]: live delivery of logged notifications to every open stream.
//!
//! [`Storage`] bundles one implementation of each, with the [`crate::lease::Lease`] that lets one
//! instance at a time run the background work; `sqlite` is the embedded one (with the
//! in-process [`hub::Hub`] for fan-out), `redis` the one several instances share. Nothing
//! outside this folder names a backend type.
//!
//! Two layers work over any backend: [`group::GroupCommit`], the single writer through which
//! every append goes (concurrent deliveries share one commit, published in id order), and
//! [`cached::CachedRegistry`], which verifies webhooks against subscriptions held in memory.

pub mod cached;
pub mod group;
pub mod hub;
pub mod redis;
pub mod sqlite;
pub mod updates;

use std::fmt::Debug;
use std::sync::Arc;

use futures::future::BoxFuture;
use time::OffsetDateTime;
use tokio::sync::broadcast;

use super::model::{
    ApiKind, EventId, NewNotification, NewSubscription, Notification, Subscription,
    SubscriptionStatus,
};

/// A storage backend failed; the request or task that needed it cannot go on.
#[derive(Debug, thiserror::Error)]
#[error("notification storage failed: {0}")]
pub struct StorageError(#[source] Box<dyn std::error::Error + Send + Sync>);

impl StorageError {
    pub fn new(error: impl std::error::Error + Send + Sync + 'static) -> Self {
        Self(Box::new(error))
    }
}

pub type StoreResult<T> = Result<T, StorageError>;

/// A page that needs the store answers 503 with a message to try again (the cause is logged).
impl From<StorageError> for crate::error::AppError {
    fn from(error: StorageError) -> Self {
        tracing::error!(%error, "notification storage unavailable");
        Self::Unavailable(
            "Subscriptions and notifications cannot be read or saved right now; try again in a \
             moment."
                .into(),
        )
    }
}

/// The subscription registry.
pub trait SubscriptionRegistry: Debug + Send + Sync {
    /// Records a new subscription and returns it as stored (status active).
    fn insert<'a>(&'a self, new: &'a NewSubscription) -> BoxFuture<'a, StoreResult<Subscription>>;

    fn get<'a>(&'a self, id: &'a str) -> BoxFuture<'a, StoreResult<Option<Subscription>>>;

    /// Every subscription, whatever its status (to fill a cache).
    fn all(&self) -> BoxFuture<'_, StoreResult<Vec<Subscription>>>;

    /// The subscription Graph knows by `graph_id` (the `subscriptionId` of a notification).
    /// Shared, not copied: the webhook asks this for every delivery.
    fn by_graph_id<'a>(
        &'a self,
        graph_id: &'a str,
    ) -> BoxFuture<'a, StoreResult<Option<Arc<Subscription>>>>;

    /// The tenant's subscription to exactly this resource, if any.
    fn by_resource<'a>(
        &'a self,
        tenant_id: &'a str,
        api_kind: ApiKind,
        resource: &'a str,
    ) -> BoxFuture<'a, StoreResult<Option<Subscription>>>;

    /// The tenant's subscriptions, soonest expiry first.
    fn list_for_tenant<'a>(
        &'a self,
        tenant_id: &'a str,
    ) -> BoxFuture<'a, StoreResult<Vec<Subscription>>>;

    /// Active and renewal-failed subscriptions of `kind` that expire before `before`.
    fn due_for_renewal(
        &self,
        kind: ApiKind,
        before: OffsetDateTime,
    ) -> BoxFuture<'_, StoreResult<Vec<Subscription>>>;

    /// Every v2 watch that still runs, oldest first.
    fn active_watches(&self) -> BoxFuture<'_, StoreResult<Vec<Subscription>>>;

    /// A successful renewal: new expiry, status back to active.
    fn renewed<'a>(
        &'a self,
        id: &'a str,
        expires_at: OffsetDateTime,
    ) -> BoxFuture<'a, StoreResult<()>>;

    /// The subscription was created again at Graph: new id, secret and expiry, status active.
    fn recreated<'a>(
        &'a self,
        id: &'a str,
        graph_id: &'a str,
        client_state: &'a str,
        expires_at: OffsetDateTime,
    ) -> BoxFuture<'a, StoreResult<()>>;

    fn set_status<'a>(
        &'a self,
        id: &'a str,
        status: SubscriptionStatus,
    ) -> BoxFuture<'a, StoreResult<()>>;

    /// Remembers the last lifecycle event Graph sent for the subscription, and adds it to the
    /// subscription's pending lifecycle work (`lifecycle_pending`, each event once), durably.
    fn record_lifecycle<'a>(
        &'a self,
        id: &'a str,
        event: &'a str,
    ) -> BoxFuture<'a, StoreResult<()>>;

    /// Clears the pending lifecycle work if it is still exactly `pending` (nothing arrived
    /// since it was read); returns whether it did.
    fn clear_lifecycle<'a>(
        &'a self,
        id: &'a str,
        pending: &'a str,
    ) -> BoxFuture<'a, StoreResult<bool>>;

    /// Advances a v2 watch past the changes already published, and stores the changes it
    /// published within its poll overlap (`published`, the watcher's own form), in one write.
    fn set_cursor<'a>(
        &'a self,
        id: &'a str,
        cursor: OffsetDateTime,
        published: &'a str,
    ) -> BoxFuture<'a, StoreResult<()>>;

    /// Forgets a subscription; returns whether it existed.
    fn delete<'a>(&'a self, id: &'a str) -> BoxFuture<'a, StoreResult<bool>>;

    /// Records the session an owner is using now.
    fn remember_owner<'a>(
        &'a self,
        tenant_id: &'a str,
        oid: &'a str,
        session_id: &'a str,
    ) -> BoxFuture<'a, StoreResult<()>>;

    /// The session an owner last used, if any.
    fn owner_session<'a>(
        &'a self,
        tenant_id: &'a str,
        oid: &'a str,
    ) -> BoxFuture<'a, StoreResult<Option<String>>>;
}

/// The durable notification log.
pub trait NotificationLog: Debug + Send + Sync {
    /// Stores a batch atomically (stamping each subscription's `last_notification_at`) and
    /// returns the stored notifications in id order. When this returns `Ok`, all are durable.
    /// Takes the batch by value, so the stored notifications are made of its strings.
    fn append(
        &self,
        batch: Vec<NewNotification>,
    ) -> BoxFuture<'_, StoreResult<Vec<Arc<Notification>>>>;

    /// The tenant's notifications with an id above `after_id`, oldest first, at most `limit`.
    /// Streams read these: `raw` may be left empty (it is never shown).
    fn after<'a>(
        &'a self,
        tenant_id: &'a str,
        after_id: EventId,
        limit: u32,
    ) -> BoxFuture<'a, StoreResult<Vec<Notification>>>;

    /// The tenant's newest `limit` notifications, oldest first (`raw` may be left empty).
    fn recent<'a>(
        &'a self,
        tenant_id: &'a str,
        limit: u32,
    ) -> BoxFuture<'a, StoreResult<Vec<Notification>>>;

    /// One of the tenant's notifications, with its `raw` text.
    fn get<'a>(
        &'a self,
        tenant_id: &'a str,
        id: EventId,
    ) -> BoxFuture<'a, StoreResult<Option<Notification>>>;

    /// Why new deliveries are refused right now, if they are (`/healthz` says it).
    fn refusing(&self) -> Option<&'static str> {
        None
    }

    /// Stores the summary of a notification already logged (read after it was stored, so the
    /// webhook is answered without waiting on Graph). Reads then return it with the row.
    fn set_summary<'a>(
        &'a self,
        tenant_id: &'a str,
        id: EventId,
        summary: &'a str,
    ) -> BoxFuture<'a, StoreResult<()>>;
}

/// Live fan-out of logged notifications. Every receiver gets every notification; streams
/// keep their own tenant's. A receiver that lags re-reads the log.
pub trait FanOut: Debug + Send + Sync {
    fn publish(&self, notification: Arc<Notification>);

    fn subscribe(&self) -> broadcast::Receiver<Arc<Notification>>;

    /// Number of live receivers, for logs and benchmarks.
    fn receivers(&self) -> usize;
}

pub type Registry = Arc<dyn SubscriptionRegistry>;
pub type Log = Arc<dyn NotificationLog>;
pub type Fan = Arc<dyn FanOut>;

/// One backend's registry, log and fan-out, and the lease on background work.
#[derive(Clone, Debug)]
pub struct Storage {
    pub registry: Registry,
    pub log: Log,
    pub fanout: Fan,
    pub lease: Arc<dyn crate::lease::Lease>,
}
