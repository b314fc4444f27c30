//! Fan-out of stored notifications to live streams. Every subscriber receives every
//! notification; each stream keeps only its own tenant's (see `stream.rs`).

use std::sync::Arc;

use tokio::sync::broadcast;

use super::model::Notification;

/// How many notifications a slow stream may fall behind before it re-reads the store.
const CAPACITY: usize = 1024;

#[derive(Clone, Debug)]
pub struct Hub {
    tx: broadcast::Sender<Arc<Notification>>,
}

impl Default for Hub {
    fn default() -> Self {
        Self::new()
    }
}

impl Hub {
    pub fn new() -> Self {
        let (tx, _) = broadcast::channel(CAPACITY);
        Self { tx }
    }

    /// Sends a stored notification to every live stream.
    pub fn publish(&self, notification: Arc<Notification>) {
        // No receiver simply means no browser is watching right now.
        let _ = self.tx.send(notification);
    }

    pub fn subscribe(&self) -> broadcast::Receiver<Arc<Notification>> {
        self.tx.subscribe()
    }

    /// Number of live streams, for logs and benchmarks.
    pub fn receivers(&self) -> usize {
        self.tx.receiver_count()
    }
}
