//! Append-then-publish: the one path by which a notification enters the feed, whether it
//! came from a Graph webhook or from the v2 watcher. The log makes it durable, then the
//! fan-out delivers it to live streams.

use std::sync::Arc;

use tokio::sync::Mutex;

use crate::notify::model::{NewNotification, Notification};
use crate::notify::storage::{Fan, Log, Storage, StoreResult};

#[derive(Clone, Debug)]
pub struct Journal {
    log: Log,
    fanout: Fan,
    /// Held across commit and publish so notifications are published in id order;
    /// a stream that has seen id N may then safely ignore anything at or below N.
    order: Arc<Mutex<()>>,
}

impl Journal {
    pub fn new(log: Log, fanout: Fan) -> Self {
        Self {
            log,
            fanout,
            order: Arc::new(Mutex::new(())),
        }
    }

    /// The journal over a backend's log and fan-out.
    pub fn over(storage: &Storage) -> Self {
        Self::new(storage.log.clone(), storage.fanout.clone())
    }

    pub fn log(&self) -> &Log {
        &self.log
    }

    pub fn fanout(&self) -> &Fan {
        &self.fanout
    }

    /// Commits the batch durably, then publishes it. When this returns `Ok`, every
    /// notification is durable.
    pub async fn append(&self, batch: &[NewNotification]) -> StoreResult<Vec<Arc<Notification>>> {
        let _order = self.order.lock().await;
        let stored = self.log.append(batch).await?;
        let stored: Vec<_> = stored.into_iter().map(Arc::new).collect();
        for notification in &stored {
            self.fanout.publish(Arc::clone(notification));
        }
        Ok(stored)
    }
}
