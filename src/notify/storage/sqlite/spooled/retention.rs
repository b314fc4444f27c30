//! Keeping the log to `[notify] retention_days`: once at start and then hourly, the feeder is
//! asked to remove what arrived before the retention period, and does it a few hundred pages
//! at a time between its other work (`feed.rs`, `LogWriter::trim`).

use std::time::Duration;

use time::OffsetDateTime;
use tokio::sync::mpsc::WeakUnboundedSender;

use super::shared::Work;
use crate::notify::storage::sqlite::log_writer::{LogWriter, Trimmed};

const TRIM_EVERY: Duration = Duration::from_secs(3_600);

/// Asks the feeder behind `queue` to trim now and every hour after. Holds the queue weakly,
/// so the feeder still ends when the log is dropped.
pub(super) fn spawn(queue: WeakUnboundedSender<Work>, keep: Duration) {
    tokio::spawn(async move {
        let mut every = tokio::time::interval(TRIM_EVERY);
        every.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            every.tick().await;
            let Some(queue) = queue.upgrade() else {
                return;
            };
            if queue
                .send(Work::Trim(OffsetDateTime::now_utc() - keep))
                .is_err()
            {
                return;
            }
        }
    });
}

/// A trim under way: what is older than `before` goes, some pages per step.
#[derive(Debug)]
pub(super) struct Trimming {
    before: OffsetDateTime,
    pages: usize,
}

impl Trimming {
    pub(super) fn new(before: OffsetDateTime) -> Self {
        Self { before, pages: 0 }
    }

    /// Removes some pages; `false` once there is nothing more to remove (or SQLite refused:
    /// the next hourly trim tries again).
    pub(super) fn step(&mut self, rows: &mut LogWriter) -> bool {
        match rows.trim(self.before) {
            Ok(Trimmed { pages, more }) => {
                self.pages += pages;
                if !more && self.pages > 0 {
                    tracing::info!(
                        pages = self.pages,
                        before = %self.before,
                        "notifications older than the retention period were removed"
                    );
                }
                more
            }
            Err(error) => {
                tracing::warn!(%error, "removing notifications past the retention period failed");
                false
            }
        }
    }
}
