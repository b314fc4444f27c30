//! The v2 watcher: alerts_v2 has no change notifications, so each v2 watch is polled for
//! alerts updated since its cursor, and the changes enter the same journal as webhook
//! notifications. Each poll reaches `overlap` back before the cursor for changes Graph
//! indexes late, and skips the changes it already published there (see `published.rs`).
//! Polls run through a bounded pool of workers; a throttled watch waits out Graph's
//! `Retry-After`, a failing one backs off (see `health.rs`).

use crate::lease::Lease;
use std::{sync::Arc, time::Duration};

use futures::StreamExt;
use time::OffsetDateTime;

use super::changes::{self, ChangeSource, PollError};
use super::health::WatchHealth;
use super::published::Published;
use super::seen::Seen;
use crate::notify::{
    feed::journal::Journal,
    model::Subscription,
    storage::{Registry, StorageError, StoreResult},
};

/// Polls in flight at once, all watches together.
pub const WORKERS: usize = 8;

pub struct Watcher<S> {
    registry: Registry,
    journal: Journal,
    source: S,
    interval: Duration,
    overlap: Duration,
    health: WatchHealth,
    seen: Seen,
}

impl<S: ChangeSource> Watcher<S> {
    pub fn new(
        registry: Registry,
        journal: Journal,
        source: S,
        interval: Duration,
        overlap: Duration,
        health: WatchHealth,
    ) -> Self {
        Self {
            registry,
            journal,
            source,
            interval,
            overlap,
            health,
            seen: Seen::default(),
        }
    }

    /// Polls every live watch forever, one round per interval while `lease` is held.
    pub async fn run(self, lease: Arc<dyn Lease>) {
        let mut ticker = tokio::time::interval(self.interval);
        ticker.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            ticker.tick().await;
            if !lease.held() {
                continue;
            }
            if let Err(error) = self.round().await {
                tracing::error!(%error, "v2 watcher round failed");
            }
        }
    }

    /// One round: every active, unexpired watch that is not waiting polled once, at most
    /// [`WORKERS`] at a time. Returns how many notifications were published.
    pub async fn round(&self) -> StoreResult<usize> {
        let now = OffsetDateTime::now_utc();
        let due: Vec<Subscription> = self
            .registry
            .active_watches()
            .await?
            .into_iter()
            .filter(|w| w.expires_at >= now && self.health.due(&w.id, now))
            .collect();
        let outcomes: Vec<(String, Result<usize, PollError>)> = futures::stream::iter(due)
            .map(|watch| async move {
                let outcome = self.poll(&watch).await;
                (watch.id, outcome)
            })
            .buffer_unordered(WORKERS)
            .collect()
            .await;
        let mut published = 0;
        let now = OffsetDateTime::now_utc();
        for (id, outcome) in outcomes {
            match outcome {
                Ok(n) => {
                    published += n;
                    self.health.succeeded(&id);
                }
                Err(PollError::Throttled(wait)) => {
                    tracing::info!(watch = %id, ?wait, "v2 watch throttled");
                    self.health.throttled(&id, now, wait);
                }
                Err(error) => {
                    tracing::warn!(watch = %id, %error, "v2 watch poll failed");
                    self.health.failed(&id, now, self.interval);
                }
            }
        }
        Ok(published)
    }

    /// Polls one watch, publishes the changes it had not published and advances its cursor.
    pub async fn poll(&self, watch: &Subscription) -> Result<usize, PollError> {
        let cursor = watch.watch_cursor.unwrap_or(watch.created_at);
        let since = self.window_start(watch, cursor);
        let mut published = Published::read(watch.watch_published.as_deref(), cursor);
        let alerts = self.source.changed_since(watch, since).await?;
        // The query's time is cut to the second, so it may return changes just before
        // `since`: those lie outside the window `published` remembers, so they are left out.
        let changed = changes::changed_alerts(watch, &alerts, |id, at| {
            at >= since && published.first_time(id, at)
        });
        let Some(newest) = changed.iter().map(|(_, at)| *at).max() else {
            return Ok(0);
        };
        let mut batch: Vec<_> = changed.into_iter().map(|(note, _)| note).collect();
        let states = self.seen.summarize(&watch.id, &mut batch);
        self.journal.append(&batch).await.map_err(store_error)?;
        self.seen.remember(&watch.id, states);
        // A late change leaves the cursor where it is.
        let cursor = cursor.max(newest);
        published.forget_before(self.window_start(watch, cursor));
        self.registry
            .set_cursor(&watch.id, cursor, &published.to_stored())
            .await
            .map_err(store_error)?;
        Ok(batch.len())
    }

    /// Where a poll from `cursor` starts reading: `overlap` before it, but never before
    /// the watch existed (changes from before then are not the watch's). An overlap too
    /// large to subtract reaches back to that start.
    fn window_start(&self, watch: &Subscription, cursor: OffsetDateTime) -> OffsetDateTime {
        let overlap = time::Duration::try_from(self.overlap).unwrap_or(time::Duration::MAX);
        cursor
            .checked_sub(overlap)
            .map_or(watch.created_at, |start| start.max(watch.created_at))
    }

    /// Whether the watch is waiting (throttled or backing off).
    pub fn is_resting(&self, id: &str) -> bool {
        !self.health.due(id, OffsetDateTime::now_utc())
    }
}

fn store_error(error: StorageError) -> PollError {
    PollError::Store(error.to_string())
}

#[cfg(test)]
mod tests;
