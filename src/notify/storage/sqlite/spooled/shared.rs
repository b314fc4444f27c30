//! What the spooled log and its SQLite feeder share: the spool's writer, the rows waiting for
//! SQLite, the queued summaries and how far SQLite has durably got.

use std::collections::{HashMap, VecDeque};
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, AtomicU64};
use std::sync::{Arc, Condvar, Mutex, MutexGuard, PoisonError};

use time::OffsetDateTime;
use tokio::sync::oneshot;

use crate::notify::model::{EventId, Notification};
use crate::notify::storage::sqlite::log_writer::Apply;
use crate::notify::storage::sqlite::spool::Spool;

#[derive(Debug)]
pub(super) struct Shared {
    pub(super) spool: Mutex<Writer>,
    /// Acknowledged rows SQLite does not hold yet, in id order.
    pub(super) pending: Mutex<VecDeque<Arc<Notification>>>,
    /// Signalled when rows leave `pending`.
    pub(super) drained: Condvar,
    /// Summaries queued for SQLite and not yet there, laid over what reads return.
    pub(super) summaries: Mutex<HashMap<EventId, String>>,
    /// The newest id SQLite holds durably (its commits are synced only now and then).
    pub(super) durable: AtomicU64,
    /// The newest id of the oldest spool file no longer written (`u64::MAX`: none): once
    /// SQLite holds that id, its next commit is made durable so the file can go.
    pub(super) release_at: AtomicU64,
    /// SQLite refused the last work it was given.
    pub(super) failing: AtomicBool,
}

#[derive(Debug)]
pub(super) struct Writer {
    pub(super) spool: Spool,
    pub(super) next_id: u64,
}

#[derive(Debug)]
pub(super) enum Work {
    Apply(Apply),
    /// Spool files SQLite no longer needs, to delete.
    Remove(Vec<PathBuf>),
    /// Answered once SQLite holds everything queued before it.
    Done(oneshot::Sender<()>),
    /// Remove the notifications that arrived before this time (`retention.rs`).
    Trim(OffsetDateTime),
}

pub(super) fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(PoisonError::into_inner)
}
