//! The v2 watcher: alerts_v2 has no change notifications, so each v2 watch is polled for
//! alerts updated since its cursor, and the changes enter the same journal as webhook
//! notifications. Polls run through a bounded pool of workers; a throttled watch waits out
//! Graph's `Retry-After`, a failing one backs off (see `health.rs`).

use std::{sync::Arc, time::Duration};

use futures::StreamExt;
use time::OffsetDateTime;

use super::changes::{self, ChangeSource, PollError};
use super::health::WatchHealth;
use super::seen::Seen;
use crate::notify::{
    feed::journal::Journal,
    model::Subscription,
    storage::{Registry, StorageError, StoreResult, lease::Lease},
};

/// Polls in flight at once, all watches together.
pub const WORKERS: usize = 8;

pub struct Watcher<S> {
    registry: Registry,
    journal: Journal,
    source: S,
    interval: Duration,
    health: WatchHealth,
    seen: Seen,
}

impl<S: ChangeSource> Watcher<S> {
    pub fn new(
        registry: Registry,
        journal: Journal,
        source: S,
        interval: Duration,
        health: WatchHealth,
    ) -> Self {
        Self {
            registry,
            journal,
            source,
            interval,
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

    /// Polls one watch, publishes its changes and advances its cursor.
    pub async fn poll(&self, watch: &Subscription) -> Result<usize, PollError> {
        let since = watch.watch_cursor.unwrap_or(watch.created_at);
        let alerts = self.source.changed_since(watch, since).await?;
        let (mut batch, newest) = changes::to_notifications(watch, &alerts, since);
        let states = self.seen.summarize(&watch.id, &mut batch);
        self.journal.append(&batch).await.map_err(store_error)?;
        self.seen.remember(&watch.id, states);
        if let Some(newest) = newest {
            self.registry
                .set_cursor(&watch.id, newest)
                .await
                .map_err(store_error)?;
        }
        Ok(batch.len())
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
