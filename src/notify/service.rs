//! The notification feature's shared state: registry, journal and intake over one pool,
//! and the queue of lifecycle events for the subscription manager.

use sqlx::SqlitePool;
use tokio::sync::mpsc;

use super::{
    hub::Hub, intake::Intake, journal::Journal, lifecycle::Verified, registry::Registry,
    store::NotificationStore,
};

/// Lifecycle events waiting for the manager; beyond this they are dropped (and logged),
/// which the next renewal round makes good.
const LIFECYCLE_QUEUE: usize = 256;

impl axum::extract::FromRef<crate::state::AppState> for Notify {
    fn from_ref(state: &crate::state::AppState) -> Self {
        state.notify.clone()
    }
}

#[derive(Clone, Debug)]
pub struct Notify {
    pub registry: Registry,
    pub journal: Journal,
    pub intake: Intake,
    lifecycle: mpsc::Sender<Verified>,
}

impl Notify {
    /// The feature over `pool` (migrated), and the receiving end of the lifecycle queue.
    pub fn new(pool: SqlitePool, hub: Hub) -> (Self, mpsc::Receiver<Verified>) {
        let registry = Registry::new(pool.clone());
        let journal = Journal::new(NotificationStore::new(pool), hub);
        let intake = Intake::new(registry.clone(), journal.clone());
        let (lifecycle, rx) = mpsc::channel(LIFECYCLE_QUEUE);
        let notify = Self {
            registry,
            journal,
            intake,
            lifecycle,
        };
        (notify, rx)
    }

    /// Hands verified lifecycle events to the manager without waiting for it.
    pub fn enqueue_lifecycle(&self, events: Vec<Verified>) {
        for event in events {
            if let Err(error) = self.lifecycle.try_send(event) {
                tracing::warn!(%error, "lifecycle event dropped; renewal will retry");
            }
        }
    }
}
