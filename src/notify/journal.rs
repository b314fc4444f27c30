//! Append-then-publish: the one path by which a notification enters the system, whether
//! it came from a Graph webhook or from the v2 watcher.

use std::sync::Arc;

use tokio::sync::Mutex;

use super::{
    hub::Hub,
    model::{NewNotification, Notification},
    store::NotificationStore,
};

#[derive(Clone, Debug)]
pub struct Journal {
    store: NotificationStore,
    hub: Hub,
    /// Held across commit and publish so notifications are published in id order;
    /// a stream that has seen id N may then safely ignore anything at or below N.
    order: Arc<Mutex<()>>,
}

impl Journal {
    pub fn new(store: NotificationStore, hub: Hub) -> Self {
        Self {
            store,
            hub,
            order: Arc::new(Mutex::new(())),
        }
    }

    pub fn store(&self) -> &NotificationStore {
        &self.store
    }

    pub fn hub(&self) -> &Hub {
        &self.hub
    }

    /// Commits the batch durably, then publishes it. When this returns `Ok`, every
    /// notification is on disk.
    pub async fn append(
        &self,
        batch: &[NewNotification],
    ) -> Result<Vec<Arc<Notification>>, sqlx::Error> {
        let _order = self.order.lock().await;
        let stored = self.store.insert_batch(batch).await?;
        let stored: Vec<_> = stored.into_iter().map(Arc::new).collect();
        for notification in &stored {
            self.hub.publish(Arc::clone(notification));
        }
        Ok(stored)
    }
}
