//! In-process fan-out (one instance): a broadcast channel from the journal to every live
//! stream of this process. Every subscriber receives every notification; each stream keeps
//! only its own tenant's (see `feed/stream.rs`).

use std::sync::Arc;

use tokio::sync::broadcast;

use super::FanOut;
use crate::notify::model::Notification;

/// How many notifications a slow stream may fall behind before it re-reads the log.
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
}

impl FanOut for Hub {
    /// Sends a stored notification to every live stream.
    fn publish(&self, notification: Arc<Notification>) {
        // No receiver simply means no browser is watching right now.
        let _ = self.tx.send(notification);
    }

    fn subscribe(&self) -> broadcast::Receiver<Arc<Notification>> {
        self.tx.subscribe()
    }

    /// Number of live streams, for logs and benchmarks.
    fn receivers(&self) -> usize {
        self.tx.receiver_count()
    }
}
