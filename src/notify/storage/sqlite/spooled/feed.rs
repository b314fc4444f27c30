//! The thread that puts spooled work into SQLite, behind the answers: it gathers what is
//! queued, does it in one transaction, then lets go of the rows SQLite now holds. A thread,
//! not a task: SQLite's calls block, and the runtime's workers answer requests meanwhile.

use std::sync::Arc;
use std::sync::atomic::Ordering;
use std::thread;
use std::time::{Duration, Instant};

use tokio::sync::{mpsc, oneshot};

use super::retention::Trimming;
use super::shared::{Shared, Work, lock};
use crate::notify::storage::sqlite::log_writer::{Apply, LogWriter};
use crate::notify::storage::sqlite::{priority, spool};

/// Most work items SQLite takes in one transaction.
const MAX_APPLY: usize = 256;

/// How often the writer checkpoints the database between its own commits. (Once a second
/// instead made each checkpoint's syncs larger, and the 99th percentile of the answers longer.)
const CHECKPOINT_EVERY: Duration = Duration::from_millis(250);

/// How long work gathers before SQLite takes it: a few large transactions cost far less
/// than one per group, and nobody waits for them (reads merge what is pending).
const GATHER: Duration = Duration::from_millis(20);

/// Puts spooled work into SQLite, everything queued at once, in order; on failure it waits
/// and tries the same work again (refusing new deliveries meanwhile). A trim asked for is done
/// a step at a time whenever nothing else is queued. Ends when the log is dropped and the
/// queue is empty.
pub(super) fn feed_sqlite(
    mut rows: LogWriter,
    shared: Arc<Shared>,
    mut queue: mpsc::UnboundedReceiver<Work>,
) {
    priority::give_way();
    let mut work: Vec<Apply> = Vec::new();
    let mut waiting: Vec<oneshot::Sender<()>> = Vec::new();
    let mut backoff = Duration::from_millis(50);
    let mut checkpointed = Instant::now();
    let mut trimming: Option<Trimming> = None;
    loop {
        if work.is_empty() && waiting.is_empty() {
            if let Some(trim) = trimming.as_mut() {
                if !trim.step(&mut rows) {
                    trimming = None;
                }
            } else {
                match queue.blocking_recv() {
                    Some(first) => take(first, &mut work, &mut waiting, &mut trimming),
                    None => return,
                }
                thread::sleep(GATHER);
            }
        }
        while work.len() < MAX_APPLY {
            match queue.try_recv() {
                Ok(next) => take(next, &mut work, &mut waiting, &mut trimming),
                Err(_) => break,
            }
        }
        let newest = work.iter().rev().find_map(|w| match w {
            Apply::Rows(rows) => rows.last().map(|n| n.id.head),
            Apply::Summary(..) => None,
        });
        let durable = newest >= Some(shared.release_at.load(Ordering::Acquire));
        let result = if work.is_empty() {
            Ok(())
        } else {
            rows.apply(&work, durable)
        };
        match result {
            Ok(()) => {
                if let Some(newest) = newest {
                    if durable {
                        shared.durable.store(newest, Ordering::Release);
                    }
                    let mut pending = lock(&shared.pending);
                    while pending.front().is_some_and(|n| n.id.head <= newest) {
                        pending.pop_front();
                    }
                    shared.drained.notify_all();
                }
                forget_applied_summaries(&shared, &work);
                if shared.failing.swap(false, Ordering::AcqRel) {
                    tracing::info!("the database takes notifications again");
                }
                work.clear();
                for done in waiting.drain(..) {
                    let _ = done.send(());
                }
                backoff = Duration::from_millis(50);
                if checkpointed.elapsed() >= CHECKPOINT_EVERY {
                    checkpointed = Instant::now();
                    if let Err(error) = rows.checkpoint() {
                        tracing::warn!(%error, "WAL checkpoint failed");
                    }
                }
            }
            Err(error) => {
                if !shared.failing.swap(true, Ordering::AcqRel) {
                    tracing::error!(
                        %error,
                        "the database refused notifications already acknowledged; they are kept \
                         in the spool, and new deliveries are refused until it takes them"
                    );
                }
                thread::sleep(backoff);
                backoff = (backoff * 2).min(Duration::from_secs(2));
            }
        }
    }
}

/// SQLite holds these summaries now (unless a newer one for the same row is queued).
fn forget_applied_summaries(shared: &Shared, work: &[Apply]) {
    let mut queued = lock(&shared.summaries);
    if queued.is_empty() {
        return;
    }
    for item in work {
        if let Apply::Summary(id, summary) = item
            && queued.get(id) == Some(summary)
        {
            queued.remove(id);
        }
    }
}

fn take(
    item: Work,
    work: &mut Vec<Apply>,
    waiting: &mut Vec<oneshot::Sender<()>>,
    trimming: &mut Option<Trimming>,
) {
    match item {
        Work::Apply(apply) => work.push(apply),
        Work::Remove(files) => spool::remove(files),
        Work::Done(done) => waiting.push(done),
        Work::Trim(before) => *trimming = Some(Trimming::new(before)),
    }
}
