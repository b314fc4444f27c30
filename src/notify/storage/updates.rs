//! Updates to notifications already published: a webhook notification's summary, read from
//! Graph after the notification went out. Every update wakes every open stream of this
//! instance, so an update waits (up to [`MAY_WAIT`]) and goes out just before the next
//! publication, sharing its wake-up and its write.

use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use tokio::sync::broadcast;

use crate::notify::model::Notification;

/// The longest an update waits for a publication to go out with.
pub const MAY_WAIT: Duration = Duration::from_millis(100);

/// Updates a slow stream may fall behind by before it misses some.
const QUEUE: usize = 1024;

#[derive(Debug)]
pub struct Updates {
    held: Mutex<Vec<Arc<Notification>>>,
    sender: broadcast::Sender<Arc<Notification>>,
}

impl Default for Updates {
    fn default() -> Self {
        Self {
            held: Mutex::default(),
            sender: broadcast::channel(QUEUE).0,
        }
    }
}

impl Updates {
    pub fn subscribe(&self) -> broadcast::Receiver<Arc<Notification>> {
        self.sender.subscribe()
    }

    /// Keeps `update` for the next [`release`](Self::release), which happens at the latest
    /// [`MAY_WAIT`] from now.
    pub fn hold(self: &Arc<Self>, update: Arc<Notification>) {
        let first = {
            let mut held = self.held.lock().unwrap_or_else(PoisonError::into_inner);
            held.push(update);
            held.len() == 1
        };
        if first {
            let updates = Arc::clone(self);
            tokio::spawn(async move {
                tokio::time::sleep(MAY_WAIT).await;
                updates.release();
            });
        }
    }

    /// Sends every held update to the open streams, oldest first.
    pub fn release(&self) {
        let held = std::mem::take(&mut *self.held.lock().unwrap_or_else(PoisonError::into_inner));
        for update in held {
            // No stream open is no error: the page reads the summary with the row.
            let _ = self.sender.send(update);
        }
    }
}

#[cfg(test)]
mod tests {
    use tokio::sync::broadcast::error::TryRecvError;
    use tokio::time::Instant;

    use super::*;
    use crate::notify::model::{EventId, note};

    fn update(id: u64) -> Arc<Notification> {
        Arc::new(note("t", "a").stored(EventId::row(id), time::OffsetDateTime::UNIX_EPOCH))
    }

    #[tokio::test(start_paused = true)]
    async fn an_update_waits_for_a_release() {
        let updates = Arc::new(Updates::default());
        let mut rx = updates.subscribe();
        updates.hold(update(1));
        updates.hold(update(2));
        assert_eq!(rx.try_recv().unwrap_err(), TryRecvError::Empty);
        updates.release();
        assert_eq!(rx.try_recv().unwrap().id, EventId::row(1));
        assert_eq!(rx.try_recv().unwrap().id, EventId::row(2));
    }

    #[tokio::test(start_paused = true)]
    async fn an_update_goes_out_alone_after_waiting_long_enough() {
        let updates = Arc::new(Updates::default());
        let mut rx = updates.subscribe();
        let start = Instant::now();
        updates.hold(update(1));
        assert_eq!(rx.recv().await.unwrap().id, EventId::row(1));
        assert_eq!(start.elapsed(), MAY_WAIT);
    }
}
