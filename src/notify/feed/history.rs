//! A fresh stream's history, read once for every stream of a tenant that starts at about the
//! same time. When a thousand viewers open the live page together (a shift change, a proxy
//! that dropped every connection), they share one read of the log: the same notifications,
//! and so each one's frame rendered once, instead of a thousand copies held at once.
//!
//! A stream asks after it has subscribed to the fan-out, and is answered by a read that
//! starts after it asked, so nothing committed in between is missed. Reads of one tenant
//! run one at a time: whoever asks during a read joins the next one.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};

use tokio::sync::watch;

use crate::notify::model::{EventId, Notification};
use crate::notify::storage::{Log, StorageError, StoreResult};

/// What one read gave: shared by everyone who asked for it.
type Outcome = Result<Arc<[Arc<Notification>]>, Arc<StorageError>>;

/// Cheap to clone.
#[derive(Clone, Debug)]
pub struct History {
    log: Log,
    tenants: Arc<Mutex<HashMap<String, NextRead>>>,
}

/// The read a tenant's streams wait for: not started yet, so anyone may still join.
#[derive(Debug)]
struct NextRead {
    /// The most notifications anyone joining asked for.
    most: u32,
    done: watch::Sender<Option<Outcome>>,
}

/// A shared read failed: every stream that waited for it gets this.
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
struct ReadFailed(Arc<StorageError>);

/// The reader stopped before answering (the runtime is shutting down).
#[derive(Debug, thiserror::Error)]
#[error("the history reader has stopped")]
struct ReaderStopped;

impl History {
    pub fn new(log: Log) -> Self {
        Self {
            log,
            tenants: Arc::default(),
        }
    }

    /// The tenant's notifications after `id`, oldest first (not shared: a resuming stream
    /// starts from its own place).
    pub async fn after(
        &self,
        tenant_id: &str,
        id: EventId,
        limit: u32,
    ) -> StoreResult<Vec<Arc<Notification>>> {
        let rows = self.log.after(tenant_id, id, limit).await?;
        Ok(rows.into_iter().map(Arc::new).collect())
    }

    /// The tenant's newest `n` notifications, oldest first, from a read that started after
    /// this call.
    pub async fn recent(&self, tenant_id: &str, n: u32) -> StoreResult<Vec<Arc<Notification>>> {
        let mut done = self.join(tenant_id, n);
        let outcome = done
            .wait_for(Option::is_some)
            .await
            .ok()
            .and_then(|answer| answer.clone())
            .ok_or_else(|| StorageError::new(ReaderStopped))?;
        let shared = outcome.map_err(|e| StorageError::new(ReadFailed(e)))?;
        let skip = shared.len().saturating_sub(n as usize);
        Ok(shared[skip..].to_vec())
    }

    /// Joins the tenant's next read, starting a reader when none is running.
    fn join(&self, tenant_id: &str, n: u32) -> watch::Receiver<Option<Outcome>> {
        let mut tenants = lock(&self.tenants);
        if let Some(next) = tenants.get_mut(tenant_id) {
            next.most = next.most.max(n);
            return next.done.subscribe();
        }
        let (done, answer) = watch::channel(None);
        tenants.insert(tenant_id.to_owned(), NextRead { most: n, done });
        drop(tenants);
        // A task of its own, so a stream that goes away does not end a read others wait for.
        tokio::spawn(self.clone().read_while_asked(tenant_id.to_owned()));
        answer
    }

    /// Runs the tenant's reads one after the other until nobody is waiting. Each read serves
    /// those who joined before it started; whoever joins while it runs waits for the next.
    async fn read_while_asked(self, tenant_id: String) {
        let mut running = Running {
            tenants: Arc::clone(&self.tenants),
            tenant_id,
            ended: false,
        };
        loop {
            let next = {
                let mut tenants = lock(&self.tenants);
                match tenants.get_mut(&running.tenant_id) {
                    Some(slot) if slot.done.receiver_count() > 0 => take_next(slot),
                    _ => {
                        // Under the same lock as the check: whoever asks next starts a reader.
                        tenants.remove(&running.tenant_id);
                        running.ended = true;
                        return;
                    }
                }
            };
            let outcome = match self.log.recent(&running.tenant_id, next.most).await {
                Ok(rows) => Ok(rows.into_iter().map(Arc::new).collect()),
                Err(error) => Err(Arc::new(error)),
            };
            let _ = next.done.send(Some(outcome));
        }
    }
}

/// The tenants' reads. Nothing panics while holding it, so a poisoned lock still holds
/// consistent entries.
fn lock(tenants: &Mutex<HashMap<String, NextRead>>) -> MutexGuard<'_, HashMap<String, NextRead>> {
    tenants.lock().unwrap_or_else(PoisonError::into_inner)
}

/// A tenant's reader while it runs. If it ends early (a panic, the runtime shutting down),
/// the tenant's entry goes with it: anyone still waiting then learns the reader stopped
/// instead of waiting forever, and the next to ask starts a new reader.
struct Running {
    tenants: Arc<Mutex<HashMap<String, NextRead>>>,
    tenant_id: String,
    /// Set when the reader removed its entry itself (a newer reader's must stay).
    ended: bool,
}

impl Drop for Running {
    fn drop(&mut self) {
        if self.ended {
            return;
        }
        lock(&self.tenants).remove(&self.tenant_id);
    }
}

/// Takes the tenant's next read out, leaving a fresh one for those who ask while it runs.
fn take_next(slot: &mut NextRead) -> NextRead {
    let (done, _) = watch::channel(None);
    std::mem::replace(slot, NextRead { most: 0, done })
}

#[cfg(test)]
mod tests {
    use std::sync::atomic::{AtomicUsize, Ordering};

    use futures::future::BoxFuture;
    use tokio::sync::Semaphore;

    use super::*;
    use crate::notify::model::{NewNotification, note};
    use crate::notify::storage::{NotificationLog, sqlite};

    /// A log whose `recent` counts its calls and, once it has read, waits for a permit
    /// before answering (or fails, when told to).
    #[derive(Debug)]
    struct Gated {
        inner: Log,
        reads: AtomicUsize,
        gate: Semaphore,
        fail: bool,
    }

    #[derive(Debug, thiserror::Error)]
    #[error("the disk is gone")]
    struct DiskGone;

    impl NotificationLog for Gated {
        fn append(
            &self,
            batch: Vec<NewNotification>,
        ) -> BoxFuture<'_, StoreResult<Vec<Arc<Notification>>>> {
            self.inner.append(batch)
        }

        fn after<'a>(
            &'a self,
            tenant_id: &'a str,
            after_id: EventId,
            limit: u32,
        ) -> BoxFuture<'a, StoreResult<Vec<Notification>>> {
            self.inner.after(tenant_id, after_id, limit)
        }

        fn recent<'a>(
            &'a self,
            tenant_id: &'a str,
            limit: u32,
        ) -> BoxFuture<'a, StoreResult<Vec<Notification>>> {
            Box::pin(async move {
                self.reads.fetch_add(1, Ordering::SeqCst);
                let rows = self.inner.recent(tenant_id, limit).await;
                self.gate.acquire().await.expect("gate open").forget();
                if self.fail {
                    return Err(StorageError::new(DiskGone));
                }
                rows
            })
        }

        fn get<'a>(
            &'a self,
            tenant_id: &'a str,
            id: EventId,
        ) -> BoxFuture<'a, StoreResult<Option<Notification>>> {
            self.inner.get(tenant_id, id)
        }

        fn set_summary<'a>(
            &'a self,
            tenant_id: &'a str,
            id: EventId,
            summary: &'a str,
        ) -> BoxFuture<'a, StoreResult<()>> {
            self.inner.set_summary(tenant_id, id, summary)
        }
    }

    async fn gated(fail: bool) -> (Arc<Gated>, History) {
        let inner = sqlite::in_memory().await.log;
        let log = Arc::new(Gated {
            inner,
            reads: AtomicUsize::new(0),
            gate: Semaphore::new(0),
            fail,
        });
        (Arc::clone(&log), History::new(log))
    }

    fn alerts(rows: &[Arc<Notification>]) -> Vec<&str> {
        rows.iter().filter_map(|n| n.alert_id.as_deref()).collect()
    }

    #[tokio::test]
    async fn streams_that_start_together_share_one_read() {
        let (log, history) = gated(false).await;
        log.append((1..=5).map(|i| note("a", &i.to_string())).collect())
            .await
            .unwrap();
        log.gate.add_permits(10);
        let (three, five) = tokio::join!(history.recent("a", 3), history.recent("a", 5));
        let (three, five) = (three.unwrap(), five.unwrap());
        assert_eq!(alerts(&three), ["3", "4", "5"]);
        assert_eq!(alerts(&five), ["1", "2", "3", "4", "5"]);
        assert!(Arc::ptr_eq(&three[0], &five[2]), "the same notification");
        assert_eq!(log.reads.load(Ordering::SeqCst), 1);
    }

    #[tokio::test]
    async fn a_stream_that_asks_during_a_read_gets_the_next_one() {
        let (log, history) = gated(false).await;
        log.append(vec![note("a", "1")]).await.unwrap();
        let early = tokio::spawn({
            let history = history.clone();
            async move { history.recent("a", 10).await }
        });
        while log.reads.load(Ordering::SeqCst) == 0 {
            tokio::task::yield_now().await;
        }
        // Committed after the first read was made: only a later read may answer the next ask.
        log.append(vec![note("a", "2")]).await.unwrap();
        let late = tokio::spawn({
            let history = history.clone();
            async move { history.recent("a", 10).await }
        });
        tokio::task::yield_now().await;
        log.gate.add_permits(2);
        assert_eq!(alerts(&early.await.unwrap().unwrap()), ["1"]);
        assert_eq!(alerts(&late.await.unwrap().unwrap()), ["1", "2"]);
        assert_eq!(log.reads.load(Ordering::SeqCst), 2);
        // Nobody waits now: the reader is gone, and the next ask starts another.
        log.gate.add_permits(1);
        assert_eq!(alerts(&history.recent("a", 1).await.unwrap()), ["2"]);
        assert!(history.tenants.lock().unwrap().is_empty());
    }

    #[tokio::test]
    async fn a_failed_read_fails_every_stream_that_waited_for_it() {
        let (log, history) = gated(true).await;
        log.gate.add_permits(10);
        let (one, two) = tokio::join!(history.recent("a", 3), history.recent("a", 5));
        assert!(one.unwrap_err().to_string().contains("the disk is gone"));
        assert!(two.unwrap_err().to_string().contains("the disk is gone"));
        assert_eq!(log.reads.load(Ordering::SeqCst), 1);
    }
}
