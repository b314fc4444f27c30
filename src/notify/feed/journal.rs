//! Append-then-publish: the one path by which a notification enters the feed, whether it
//! came from a Graph webhook or from the v2 watcher. The log makes it durable, then the
//! fan-out delivers it to live streams.

use std::sync::Arc;

use tokio::sync::broadcast;

use crate::notify::model::{EventId, NewNotification, Notification};
use crate::notify::storage::{Fan, Log, Storage, StoreResult, group::GroupCommit};

/// Appends go through the storage's group commit: concurrent callers share one commit, and
/// notifications are published in id order (a stream that has seen id N may safely ignore
/// anything at or below N).
#[derive(Clone, Debug)]
pub struct Journal {
    group: GroupCommit,
}

impl Journal {
    pub fn new(log: Log, fanout: Fan) -> Self {
        Self {
            group: GroupCommit::new(log, fanout),
        }
    }

    /// The journal over a backend's log and fan-out.
    pub fn over(storage: &Storage) -> Self {
        Self::new(storage.log.clone(), storage.fanout.clone())
    }

    pub fn log(&self) -> &Log {
        self.group.log()
    }

    pub fn fanout(&self) -> &Fan {
        self.group.fanout()
    }

    /// Commits the batch durably, then publishes it, and returns the ids it was stored under.
    /// When this returns `Ok`, every notification is durable.
    pub async fn append(&self, batch: &[NewNotification]) -> StoreResult<Vec<EventId>> {
        self.group.append(batch.to_vec()).await
    }

    /// [`append`](Self::append) for a batch the caller no longer needs.
    pub async fn append_owned(&self, batch: Vec<NewNotification>) -> StoreResult<Vec<EventId>> {
        self.group.append(batch).await
    }

    /// Stores the summary of logged notification `n` and tells open streams (of this
    /// instance; another instance's page shows it when reloaded), with the next publication.
    pub async fn add_summary(&self, mut n: Notification, summary: String) -> StoreResult<()> {
        self.log().set_summary(&n.tenant_id, n.id, &summary).await?;
        n.summary = Some(summary);
        n.frame = Default::default();
        self.group.updates().hold(Arc::new(n));
        Ok(())
    }

    /// Notifications whose summary was stored after they were published.
    pub fn summaries(&self) -> broadcast::Receiver<Arc<Notification>> {
        self.group.updates().subscribe()
    }
}
