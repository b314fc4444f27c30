//! The notification log of a running app: a notification is durable once the spool has it
//! (one write and one `fdatasync` per group, `spool.rs`), and is answered then; a task puts
//! the same rows into SQLite behind the answer, many groups per transaction. Until SQLite
//! holds them, the rows are kept in memory (`pending`) and every read merges them in, so a
//! reader never sees a gap: SQLite takes rows in id order, and a row leaves `pending` only
//! after SQLite holds it.
//!
//! When SQLite refuses work, new deliveries are refused (503, so Graph retries) until it
//! takes work again; what was acknowledged stays in the spool and in memory meanwhile.

use std::collections::{HashMap, VecDeque};
use std::path::Path;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Condvar, Mutex, PoisonError};
use std::time::Duration;

use futures::future::BoxFuture;
use time::OffsetDateTime;
use tokio::sync::{mpsc, oneshot};

use super::log::SqliteLog;
use super::log_writer::{Apply, LogWriter};
use super::spool::Spool;
use crate::notify::model::{EventId, NewNotification, Notification};
use crate::notify::storage::{NotificationLog, StorageError, StoreResult};
use shared::{Shared, Work, Writer, lock};

/// Rows acknowledged and not yet in SQLite, past which a new group waits for SQLite.
const MAX_PENDING: usize = 50_000;

/// How long a group waits for SQLite to catch up before it is refused.
const CATCH_UP: Duration = Duration::from_secs(5);

#[derive(Debug)]
pub struct SpooledLog {
    rows: SqliteLog,
    shared: Arc<Shared>,
    work: mpsc::UnboundedSender<Work>,
}

#[derive(Debug, thiserror::Error)]
enum Refused {
    #[error("the database is refusing writes; the delivery was not accepted")]
    Failing,
    #[error("the database is {0} notifications behind; the delivery was not accepted")]
    Behind(usize),
    #[error("the database writer has stopped")]
    Stopped,
}

impl SpooledLog {
    /// Opens the spool in `spool_dir`, puts into SQLite (the file `database`, migrated) whatever
    /// an earlier run acknowledged that it does not hold, then starts the thread that feeds
    /// SQLite, which also removes notifications older than `keep`. Needs a runtime.
    pub async fn open(
        rows: SqliteLog,
        database: &Path,
        spool_dir: &Path,
        keep: Duration,
    ) -> anyhow::Result<Self> {
        let (mut spool, left) = Spool::open(spool_dir)?;
        let mut largest = rows.largest_id().await?;
        let unapplied: Vec<Arc<Notification>> = left
            .into_iter()
            .filter(|n| n.id.head > largest)
            .map(Arc::new)
            .collect();
        let replayed = unapplied.len();
        largest = unapplied.last().map_or(largest, |n| n.id.head);
        let database = database.to_owned();
        let writer = tokio::task::spawn_blocking(move || {
            let mut writer = LogWriter::open(&database)?;
            if !unapplied.is_empty() {
                writer.apply(&[Apply::Rows(unapplied)], true)?;
            }
            anyhow::Ok(writer)
        })
        .await??;
        if replayed > 0 {
            tracing::info!(
                notifications = replayed,
                "acknowledged notifications from before a stop were put into the database"
            );
        }
        spool.release_through(largest);
        let release_at = spool.oldest_closed().unwrap_or(u64::MAX);
        let shared = Arc::new(Shared {
            spool: Mutex::new(Writer {
                spool,
                next_id: largest + 1,
            }),
            pending: Mutex::new(VecDeque::new()),
            drained: Condvar::new(),
            summaries: Mutex::new(HashMap::new()),
            durable: AtomicU64::new(largest),
            release_at: AtomicU64::new(release_at),
            failing: AtomicBool::new(false),
        });
        let (work, queue) = mpsc::unbounded_channel();
        let feeder = Arc::clone(&shared);
        std::thread::Builder::new()
            .name("notification-store".into())
            .spawn(move || feed::feed_sqlite(writer, feeder, queue))?;
        retention::spawn(work.downgrade(), keep);
        Ok(Self { rows, shared, work })
    }

    /// Spools `batch` (blocking: one write and one sync) and queues it for SQLite.
    fn spool(&self, batch: Vec<NewNotification>) -> StoreResult<Vec<Arc<Notification>>> {
        if batch.is_empty() {
            return Ok(Vec::new());
        }
        if self.shared.failing.load(Ordering::Acquire) {
            return Err(StorageError::new(Refused::Failing));
        }
        self.wait_for_room()?;
        let mut writer = lock(&self.shared.spool);
        let now = OffsetDateTime::now_utc();
        let first = writer.next_id;
        let stored: Vec<Arc<Notification>> = batch
            .into_iter()
            .zip(first..)
            .map(|(new, id)| Arc::new(new.stored(EventId::row(id), now)))
            .collect();
        writer.spool.write(&stored).map_err(StorageError::new)?;
        writer.next_id += stored.len() as u64;
        let released = writer
            .spool
            .released_through(self.shared.durable.load(Ordering::Acquire));
        if !released.is_empty() {
            // Deleted by the feeder's thread; one left by a failure is found at the next start.
            let _ = self.work.send(Work::Remove(released));
        }
        let release_at = writer.spool.oldest_closed().unwrap_or(u64::MAX);
        self.shared.release_at.store(release_at, Ordering::Release);
        // Under the spool's lock, so `pending` and the queue stay in id order.
        lock(&self.shared.pending).extend(stored.iter().cloned());
        self.work
            .send(Work::Apply(Apply::Rows(stored.clone())))
            .map_err(|_| StorageError::new(Refused::Stopped))?;
        Ok(stored)
    }

    fn wait_for_room(&self) -> StoreResult<()> {
        let pending = lock(&self.shared.pending);
        let (pending, waited) = self
            .shared
            .drained
            .wait_timeout_while(pending, CATCH_UP, |p| p.len() >= MAX_PENDING)
            .unwrap_or_else(PoisonError::into_inner);
        if waited.timed_out() {
            return Err(StorageError::new(Refused::Behind(pending.len())));
        }
        Ok(())
    }

    /// The tenant's first `limit` rows after `after_id` still waiting for SQLite, oldest
    /// first (`raw` left out). The rows wait in id order, so those at or before `after_id`
    /// are skipped by a binary search rather than read.
    fn pending_after(&self, tenant_id: &str, after_id: EventId, limit: usize) -> Vec<Notification> {
        let pending = lock(&self.shared.pending);
        let start = pending.partition_point(|n| n.id <= after_id);
        pending
            .range(start..)
            .filter(|n| &*n.tenant_id == tenant_id)
            .take(limit)
            .map(|n| without_raw(n))
            .collect()
    }

    /// The tenant's newest `limit` rows still waiting for SQLite, oldest first.
    fn pending_newest(&self, tenant_id: &str, limit: usize) -> Vec<Notification> {
        let mut newest: Vec<_> = lock(&self.shared.pending)
            .iter()
            .rev()
            .filter(|n| &*n.tenant_id == tenant_id)
            .take(limit)
            .map(|n| without_raw(n))
            .collect();
        newest.reverse();
        newest
    }

    /// Resolves once SQLite holds everything acknowledged so far (for tests, which read SQLite
    /// itself).
    pub async fn flushed(&self) -> StoreResult<()> {
        let (done, answer) = oneshot::channel();
        self.work
            .send(Work::Done(done))
            .map_err(|_| StorageError::new(Refused::Stopped))?;
        answer
            .await
            .map_err(|_| StorageError::new(Refused::Stopped))
    }
}

impl SpooledLog {
    /// The summaries not yet in SQLite; taken before reading, so one applied meanwhile is
    /// found in SQLite instead.
    fn queued_summaries(&self) -> HashMap<EventId, String> {
        let queued = lock(&self.shared.summaries);
        if queued.is_empty() {
            HashMap::new()
        } else {
            queued.clone()
        }
    }
}

/// Gives each row the summary queued for it, if any.
fn overlay(mut rows: Vec<Notification>, queued: &HashMap<EventId, String>) -> Vec<Notification> {
    if !queued.is_empty() {
        for n in &mut rows {
            if let Some(summary) = queued.get(&n.id) {
                n.summary = Some(summary.clone());
            }
        }
    }
    rows
}

fn without_raw(n: &Notification) -> Notification {
    Notification {
        id: n.id,
        tenant_id: n.tenant_id.clone(),
        subscription_id: n.subscription_id.clone(),
        change_type: n.change_type.clone(),
        resource: n.resource.clone(),
        alert_id: n.alert_id.clone(),
        received_at: n.received_at,
        raw: String::new(),
        summary: n.summary.clone(),
        frame: Default::default(),
    }
}

/// Both lists in id order, each id once.
fn merge(mut stored: Vec<Notification>, pending: Vec<Notification>) -> Vec<Notification> {
    let newest = stored.last().map(|n| n.id);
    stored.extend(pending.into_iter().filter(|n| Some(n.id) > newest));
    stored
}

impl NotificationLog for SpooledLog {
    /// Blocks while the spool writes and syncs: the group commit calls it on its own thread.
    fn append(
        &self,
        batch: Vec<NewNotification>,
    ) -> BoxFuture<'_, StoreResult<Vec<Arc<Notification>>>> {
        let stored = self.spool(batch);
        Box::pin(std::future::ready(stored))
    }

    fn after<'a>(
        &'a self,
        tenant_id: &'a str,
        after_id: EventId,
        limit: u32,
    ) -> BoxFuture<'a, StoreResult<Vec<Notification>>> {
        Box::pin(async move {
            let queued = self.queued_summaries();
            // Pending first: a row that leaves it meanwhile is then in SQLite.
            let pending = self.pending_after(tenant_id, after_id, limit as usize);
            let stored = self.rows.after(tenant_id, after_id, limit).await?;
            let mut all = if stored.len() < limit as usize {
                merge(stored, pending)
            } else {
                stored
            };
            all.truncate(limit as usize);
            Ok(overlay(all, &queued))
        })
    }

    fn recent<'a>(
        &'a self,
        tenant_id: &'a str,
        limit: u32,
    ) -> BoxFuture<'a, StoreResult<Vec<Notification>>> {
        Box::pin(async move {
            let queued = self.queued_summaries();
            let pending = self.pending_newest(tenant_id, limit as usize);
            let stored = self.rows.recent(tenant_id, limit).await?;
            let all = merge(stored, pending);
            let skip = all.len().saturating_sub(limit as usize);
            Ok(overlay(all.into_iter().skip(skip).collect(), &queued))
        })
    }

    fn get<'a>(
        &'a self,
        tenant_id: &'a str,
        id: EventId,
    ) -> BoxFuture<'a, StoreResult<Option<Notification>>> {
        Box::pin(async move {
            let queued = self.queued_summaries();
            let waiting = {
                let pending = lock(&self.shared.pending);
                pending
                    .binary_search_by(|n| n.id.cmp(&id))
                    .ok()
                    .map(|at| Notification::clone(&pending[at]))
            };
            let found = match waiting {
                Some(n) => Some(n),
                None => self.rows.get(tenant_id, id).await?,
            };
            let found = found.filter(|n| *n.tenant_id == *tenant_id);
            Ok(overlay(found.into_iter().collect(), &queued).pop())
        })
    }

    fn refusing(&self) -> Option<&'static str> {
        self.shared.failing.load(Ordering::Acquire).then_some(
            "the database refuses writes: notifications are refused (503) until it takes them",
        )
    }

    /// Queued behind the row itself, and read from memory until SQLite holds it: the
    /// summary is a help, not the record, so nobody waits for it to reach the disk.
    fn set_summary<'a>(
        &'a self,
        _tenant_id: &'a str,
        id: EventId,
        summary: &'a str,
    ) -> BoxFuture<'a, StoreResult<()>> {
        // Row ids are unique across tenants: the id alone names the row.
        let queued = {
            let mut summaries = lock(&self.shared.summaries);
            summaries.insert(id, summary.to_owned());
            self.work
                .send(Work::Apply(Apply::Summary(id, summary.to_owned())))
                .map_err(|_| StorageError::new(Refused::Stopped))
        };
        Box::pin(std::future::ready(queued))
    }
}

mod feed;
mod retention;
mod shared;

#[cfg(test)]
mod tests;
