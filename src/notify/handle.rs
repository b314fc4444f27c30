//! The notification feature's shared handle: the registry, the journal and the intake over
//! one storage backend, and the queue of lifecycle events for the renewal task.

use crate::lease::Lease;
use std::sync::Arc;

use tokio::sync::mpsc;

use super::{
    background::health::WatchHealth,
    feed::{history::History, journal::Journal},
    inbound::{intake::Intake, lifecycle::Verified},
    storage::{Registry, Storage},
};

/// Lifecycle events waiting for the renewal task; beyond this they are dropped (and
/// logged), which the next renewal round makes good.
const LIFECYCLE_QUEUE: usize = 256;

/// Cheap to clone (one `Arc`): axum hands a clone to every webhook request.
#[derive(Clone, Debug)]
pub struct Notify(Arc<Parts>);

impl std::ops::Deref for Notify {
    type Target = Parts;

    fn deref(&self) -> &Parts {
        &self.0
    }
}

/// What a [`Notify`] holds.
#[derive(Debug)]
pub struct Parts {
    pub registry: Registry,
    /// Whether this instance runs the background work now.
    pub lease: Arc<dyn Lease>,
    pub journal: Journal,
    /// Fresh streams' history, one read shared by those that start together.
    pub history: History,
    pub intake: Intake,
    /// How the v2 watches are doing (waiting after failures or throttling).
    pub watches: WatchHealth,
    lifecycle: mpsc::Sender<Verified>,
}

impl Notify {
    /// The feature over `storage`, and the receiving end of the lifecycle queue.
    pub fn new(storage: Storage) -> (Self, mpsc::Receiver<Verified>) {
        let registry = storage.registry.clone();
        let lease = storage.lease.clone();
        let journal = Journal::over(&storage);
        let intake = Intake::new(registry.clone(), journal.clone());
        let history = History::new(storage.log.clone());
        let (lifecycle, rx) = mpsc::channel(LIFECYCLE_QUEUE);
        let notify = Self(Arc::new(Parts {
            registry,
            lease,
            journal,
            history,
            intake,
            watches: WatchHealth::default(),
            lifecycle,
        }));
        (notify, rx)
    }

    /// Hands verified lifecycle events to the renewal task without waiting for it.
    pub fn enqueue_lifecycle(&self, events: Vec<Verified>) {
        for event in events {
            if let Err(error) = self.lifecycle.try_send(event) {
                tracing::warn!(%error, "lifecycle event dropped; renewal will retry");
            }
        }
    }
}
