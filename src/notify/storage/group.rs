//! Group commit: the one way notifications enter a log. Concurrent appends are queued; a single
//! writer thread takes everything queued, stores it with one `append` (one write and one sync
//! in the spooled SQLite log), then publishes the commit in id order and answers every caller
//! it held. The writer is a thread of its own, not a task, so a log may block it while the
//! disk syncs (the spool does). It publishes and answers itself: a commit of a few dozen
//! notifications takes microseconds to publish, while handing it to another thread cost a
//! wake-up of tens (hundreds, with 128 senders) of microseconds before anyone was answered.
//!
//! Because only the writer commits and publishes, event ids are published in commit order, so
//! a stream that has seen id N may ignore anything at or below N (see `feed/stream.rs`). The
//! layer knows only the [`NotificationLog`] and [`FanOut`] traits, so any backend plugs in.
//!
//! [`NotificationLog`]: super::NotificationLog
//! [`FanOut`]: super::FanOut

use std::sync::{Arc, OnceLock};

use tokio::sync::{mpsc, oneshot};

use super::updates::Updates;
use super::{Fan, Log, StorageError, StoreResult};
use crate::notify::model::{EventId, NewNotification, Notification};

/// Most notifications stored by one commit; more stay queued for the next.
pub const MAX_GROUP: usize = 5_000;

/// Appends waiting for the writer; beyond this, callers wait to enqueue (backpressure).
const QUEUE: usize = 8_192;

type Reply = oneshot::Sender<StoreResult<Vec<EventId>>>;

struct Pending {
    batch: Vec<NewNotification>,
    reply: Reply,
}

/// The handle callers append through; cheap to clone. The writer thread starts on first use
/// (so building one needs no runtime) and stops when the last handle is dropped.
#[derive(Clone, Debug)]
pub struct GroupCommit {
    log: Log,
    fanout: Fan,
    /// Updates to published notifications, sent just before the next publication.
    updates: Arc<Updates>,
    queue: Arc<OnceLock<mpsc::Sender<Pending>>>,
}

/// A failed commit, shared by every caller whose notifications it held.
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
struct Shared(Arc<StorageError>);

/// The writer is gone (it panicked, or the runtime is shutting down).
#[derive(Debug, thiserror::Error)]
#[error("the notification writer has stopped")]
struct WriterStopped;

impl GroupCommit {
    pub fn new(log: Log, fanout: Fan) -> Self {
        Self {
            log,
            fanout,
            updates: Arc::default(),
            queue: Arc::new(OnceLock::new()),
        }
    }

    pub fn log(&self) -> &Log {
        &self.log
    }

    pub fn fanout(&self) -> &Fan {
        &self.fanout
    }

    pub fn updates(&self) -> &Arc<Updates> {
        &self.updates
    }

    /// Stores `batch` (in one commit with whatever else is queued), publishes it and returns
    /// the ids it was stored under, in order. When this returns `Ok`, all are durable; on
    /// `Err` none of them was published. (Ids, not the notifications: the writer hands those
    /// to the fan-out, and the callers' threads need not touch them again.)
    pub async fn append(&self, batch: Vec<NewNotification>) -> StoreResult<Vec<EventId>> {
        if batch.is_empty() {
            return Ok(Vec::new());
        }
        let queue = self.queue.get_or_init(|| {
            let (tx, rx) = mpsc::channel(QUEUE);
            let (log, fanout) = (self.log.clone(), self.fanout.clone());
            let updates = Arc::clone(&self.updates);
            let runtime = tokio::runtime::Handle::current();
            std::thread::Builder::new()
                .name("notification-writer".into())
                .spawn(move || writer(&runtime, &log, fanout.as_ref(), &updates, rx))
                .expect("a thread for the notification writer");
            tx
        });
        let (reply, answer) = oneshot::channel();
        queue
            .send(Pending { batch, reply })
            .await
            .map_err(|_| StorageError::new(WriterStopped))?;
        answer.await.map_err(|_| StorageError::new(WriterStopped))?
    }
}

/// A durable commit: the stored notifications in id order, and for each caller, in the same
/// order, how many are theirs and where to answer.
struct Committed {
    stored: Vec<Arc<Notification>>,
    sizes: Vec<usize>,
    replies: Vec<Reply>,
}

/// Takes everything queued (up to [`MAX_GROUP`] notifications), commits it at once, publishes
/// it and answers. Runs until every sender is gone; a log that awaits I/O is driven by
/// `runtime`.
fn writer(
    runtime: &tokio::runtime::Handle,
    log: &Log,
    fanout: &dyn super::FanOut,
    updates: &Updates,
    mut rx: mpsc::Receiver<Pending>,
) {
    while let Some(first) = rx.blocking_recv() {
        let mut total = first.batch.len();
        let mut group = vec![first];
        while total < MAX_GROUP {
            match rx.try_recv() {
                Ok(next) => {
                    total += next.batch.len();
                    group.push(next);
                }
                Err(_) => break,
            }
        }
        if let Some(committed) = runtime.block_on(commit(log.as_ref(), group, total)) {
            publish(fanout, updates, committed);
        }
    }
}

/// Stores a group; on failure answers its callers with the error (nothing was published).
async fn commit(
    log: &dyn super::NotificationLog,
    group: Vec<Pending>,
    total: usize,
) -> Option<Committed> {
    let mut sizes = Vec::with_capacity(group.len());
    let mut replies = Vec::with_capacity(group.len());
    let mut all = Vec::with_capacity(total);
    for pending in group {
        sizes.push(pending.batch.len());
        replies.push(pending.reply);
        all.extend(pending.batch);
    }
    match log.append(all).await {
        Ok(stored) => {
            debug_assert_eq!(stored.len(), total);
            Some(Committed {
                stored,
                sizes,
                replies,
            })
        }
        Err(error) => {
            tracing::error!(%error, notifications = total, "committing notifications failed");
            let error = Arc::new(error);
            for reply in replies {
                let _ = reply.send(Err(StorageError::new(Shared(Arc::clone(&error)))));
            }
            None
        }
    }
}

/// Publishes a commit in id order, each caller's notifications followed by its answer.
fn publish(fanout: &dyn super::FanOut, updates: &Updates, committed: Committed) {
    let Committed {
        stored,
        sizes,
        replies,
    } = committed;
    // Held updates go out just before, so a stream wakes once for both.
    updates.release();
    let mut stored = stored.into_iter();
    for (size, reply) in sizes.into_iter().zip(replies) {
        let mut ids = Vec::with_capacity(size);
        for notification in stored.by_ref().take(size) {
            ids.push(notification.id);
            fanout.publish(notification);
        }
        // A caller that went away still had its notifications stored and published.
        let _ = reply.send(Ok(ids));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::notify::model::note;
    use crate::notify::storage::sqlite;

    #[tokio::test]
    async fn concurrent_appends_share_commits_and_publish_in_id_order() {
        let storage = sqlite::in_memory().await;
        let group = GroupCommit::new(storage.log.clone(), storage.fanout.clone());
        let mut rx = storage.fanout.subscribe();
        let tasks: Vec<_> = (0..50)
            .map(|i| {
                let group = group.clone();
                tokio::spawn(async move {
                    group
                        .append(vec![
                            note("a", &format!("{i}-0")),
                            note("a", &format!("{i}-1")),
                        ])
                        .await
                        .unwrap()
                })
            })
            .collect();
        for task in tasks {
            let mine = task.await.unwrap();
            assert_eq!(mine.len(), 2);
            assert_eq!(
                mine[1],
                EventId::row(mine[0].head + 1),
                "a request's items stay together"
            );
        }
        let mut last = EventId::default();
        for _ in 0..100 {
            let n = rx.recv().await.unwrap();
            assert!(n.id > last, "published in id order");
            last = n.id;
        }
        assert_eq!(
            storage
                .log
                .after("a", EventId::default(), 1000)
                .await
                .unwrap()
                .len(),
            100
        );
    }

    #[tokio::test]
    async fn held_updates_go_out_with_the_next_publication() {
        let storage = sqlite::in_memory().await;
        let group = GroupCommit::new(storage.log.clone(), storage.fanout.clone());
        let first = group.append(vec![note("a", "1")]).await.unwrap();
        let stored = storage
            .log
            .get("a", first[0])
            .await
            .unwrap()
            .expect("stored");
        let mut updates = group.updates().subscribe();
        group.updates().hold(Arc::new(stored));
        assert!(updates.try_recv().is_err(), "held");
        group.append(vec![note("a", "2")]).await.unwrap();
        let update = updates
            .try_recv()
            .expect("sent by the publication, not the timer");
        assert_eq!(update.id, first[0]);
    }
}
