//! The v2 watcher: alerts_v2 has no change notifications, so each v2 watch is polled for
//! alerts updated since its cursor, and the changes enter the same journal as webhook
//! notifications. A throttled watch waits out Graph's `Retry-After` before its next poll.

use std::{collections::HashMap, sync::Arc, time::Duration};

use time::OffsetDateTime;
use tokio::time::Instant;

use super::changes::{self, ChangeSource, PollError};
use crate::notify::{
    feed::journal::Journal,
    model::Subscription,
    storage::{Registry, StorageError, StoreResult, lease::Lease},
};

pub struct Watcher<S> {
    registry: Registry,
    journal: Journal,
    source: S,
    interval: Duration,
    /// Watches that may not be polled before the instant (throttled).
    resting: HashMap<String, Instant>,
}

impl<S: ChangeSource> Watcher<S> {
    pub fn new(registry: Registry, journal: Journal, source: S, interval: Duration) -> Self {
        Self {
            registry,
            journal,
            source,
            interval,
            resting: HashMap::new(),
        }
    }

    /// Polls every live watch forever, one round per interval while `lease` is held.
    pub async fn run(mut self, lease: Arc<dyn Lease>) {
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

    /// One round: every active, unexpired, unthrottled watch polled once. Returns how
    /// many notifications were published.
    pub async fn round(&mut self) -> StoreResult<usize> {
        let now = Instant::now();
        self.resting.retain(|_, until| *until > now);
        let mut published = 0;
        for watch in self.registry.active_watches().await? {
            if self.resting.contains_key(&watch.id) || watch.expires_at < OffsetDateTime::now_utc()
            {
                continue;
            }
            match self.poll(&watch).await {
                Ok(n) => published += n,
                Err(PollError::Throttled(wait)) => {
                    tracing::info!(watch = %watch.id, ?wait, "v2 watch throttled");
                    self.resting.insert(watch.id.clone(), now + wait);
                }
                Err(error) => tracing::warn!(watch = %watch.id, %error, "v2 watch poll failed"),
            }
        }
        Ok(published)
    }

    /// Polls one watch, publishes its changes and advances its cursor.
    pub async fn poll(&self, watch: &Subscription) -> Result<usize, PollError> {
        let since = watch.watch_cursor.unwrap_or(watch.created_at);
        let alerts = self.source.changed_since(watch, since).await?;
        let (batch, newest) = changes::to_notifications(watch, &alerts, since);
        self.journal.append(&batch).await.map_err(store_error)?;
        if let Some(newest) = newest {
            self.registry
                .set_cursor(&watch.id, newest)
                .await
                .map_err(store_error)?;
        }
        Ok(batch.len())
    }

    /// Whether the watch is waiting out a throttling response.
    pub fn is_resting(&self, id: &str) -> bool {
        self.resting
            .get(id)
            .is_some_and(|until| *until > Instant::now())
    }
}

fn store_error(error: StorageError) -> PollError {
    PollError::Store(error.to_string())
}

#[cfg(test)]
mod tests;
