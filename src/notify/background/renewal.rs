//! The renewal task: keeping subscriptions alive, and acting on lifecycle events
//! (renew on `reauthorizationRequired`; catch up on `subscriptionRemoved` and `missed`
//! so that nothing is silently lost).

use crate::lease::Lease;
use std::future::Future;
use std::sync::Arc;

use time::OffsetDateTime;
use tokio::sync::mpsc;

use super::changes::{self, ChangeSource, PollError};
use crate::notify::{
    feed::journal::Journal,
    inbound::lifecycle::{LifecycleEvent, Verified},
    model::{ApiKind, Subscription, SubscriptionStatus},
    storage::{Registry, StoreResult},
    subscriptions::plan::{self, Lifetimes},
};

/// Why Graph did not renew a subscription.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RenewError {
    #[error("the owner can no longer get a token")]
    NoToken,
    #[error("Graph no longer has this subscription")]
    Gone,
    #[error("Graph refused the renewal: {0}")]
    Refused(String),
}

/// The Graph calls the background tasks make on behalf of a subscription's owner.
pub trait SubscriptionApi: Send + Sync + 'static {
    /// Moves the subscription's expiry at Graph; returns the expiry Graph granted.
    fn renew(
        &self,
        sub: &Subscription,
        until: OffsetDateTime,
    ) -> impl Future<Output = Result<OffsetDateTime, RenewError>> + Send;

    /// Whether the owner can still get a token (v2 watches renew without a Graph call).
    fn owner_can_act(&self, sub: &Subscription) -> impl Future<Output = bool> + Send;

    /// Whether Graph still has the subscription (`GET /subscriptions/{id}`): `Ok(false)` only
    /// when Graph answers that it does not.
    fn exists(&self, sub: &Subscription) -> impl Future<Output = Result<bool, RenewError>> + Send;
}

pub struct RenewalTask<A, S> {
    registry: Registry,
    journal: Journal,
    api: A,
    source: S,
    lifetimes: Lifetimes,
}

impl<A: SubscriptionApi, S: ChangeSource> RenewalTask<A, S> {
    pub fn new(
        registry: Registry,
        journal: Journal,
        api: A,
        source: S,
        lifetimes: Lifetimes,
    ) -> Self {
        Self {
            registry,
            journal,
            api,
            source,
            lifetimes,
        }
    }

    /// Acts on lifecycle work as it arrives, and every `every` (the first time at start), while
    /// `lease` is held, on any left from before (a restart, a failed attempt) and on due renewals.
    pub async fn run(
        self,
        mut events: mpsc::Receiver<Verified>,
        every: std::time::Duration,
        lease: Arc<dyn Lease>,
    ) {
        let mut ticker = tokio::time::interval(every);
        ticker.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            let outcome = tokio::select! {
                Some(first) = events.recv() => {
                    // A burst is acted on once per subscription: the stored work covers it all.
                    let mut ids = vec![first.subscription.id];
                    while let Ok(more) = events.try_recv() {
                        ids.push(more.subscription.id);
                    }
                    ids.sort_unstable();
                    ids.dedup();
                    self.handle_each(&ids).await
                }
                _ = ticker.tick() => if lease.held() {
                    self.resume_pending().await.and(self.renew_due().await.map(drop))
                } else {
                    Ok(())
                },
            };
            if let Err(error) = outcome {
                tracing::error!(%error, "subscription upkeep failed");
            }
        }
    }

    async fn handle_each(&self, ids: &[String]) -> StoreResult<()> {
        for id in ids {
            self.handle_pending(id).await?;
        }
        Ok(())
    }

    /// Acts on every subscription's pending lifecycle work.
    pub async fn resume_pending(&self) -> StoreResult<()> {
        let pending: Vec<String> = self
            .registry
            .all()
            .await?
            .into_iter()
            .filter(|s| {
                s.lifecycle_pending
                    .as_deref()
                    .is_some_and(|p| !p.is_empty())
            })
            .map(|s| s.id)
            .collect();
        self.handle_each(&pending).await
    }

    /// Takes the subscription's pending lifecycle work (read afresh, cleared only if nothing
    /// arrived meanwhile) and acts on it: every event once, one catch-up for any number of
    /// `missed`. Work that cannot be done now is put back for the next round.
    pub async fn handle_pending(&self, id: &str) -> StoreResult<()> {
        let (sub, events) = loop {
            let Some(sub) = self.registry.get(id).await? else {
                return Ok(());
            };
            let Some(pending) = sub.lifecycle_pending.clone().filter(|p| !p.is_empty()) else {
                return Ok(());
            };
            if self.registry.clear_lifecycle(id, &pending).await? {
                break (sub, parse_events(&pending));
            }
        };
        tracing::info!(subscription = %sub.id, events = ?events, "lifecycle work");
        let mut catch_up = events.contains(&LifecycleEvent::Missed);
        if events.contains(&LifecycleEvent::SubscriptionRemoved) {
            match self.api.exists(&sub).await {
                Ok(false) => {
                    self.registry
                        .set_status(&sub.id, SubscriptionStatus::Removed)
                        .await?;
                    catch_up = true;
                }
                Ok(true) => tracing::warn!(
                    subscription = %sub.id,
                    "Graph still has a subscription reported removed; left as it is"
                ),
                Err(error) => {
                    tracing::warn!(subscription = %sub.id, %error, "could not confirm a removal");
                    self.put_back(&sub.id, LifecycleEvent::SubscriptionRemoved)
                        .await?;
                }
            }
        }
        if events.contains(&LifecycleEvent::ReauthorizationRequired) {
            self.renew(&sub).await?;
        }
        if catch_up {
            match self.catch_up(&sub).await {
                Ok(n) => tracing::info!(subscription = %sub.id, n, "caught up"),
                Err(error) => {
                    tracing::warn!(subscription = %sub.id, %error, "catch-up failed");
                    self.put_back(&sub.id, LifecycleEvent::Missed).await?;
                }
            }
        }
        Ok(())
    }

    async fn put_back(&self, id: &str, event: LifecycleEvent) -> StoreResult<()> {
        self.registry.record_lifecycle(id, event.as_str()).await
    }

    /// Renews every subscription that expires within the renewal margin. Returns how
    /// many were renewed.
    pub async fn renew_due(&self) -> StoreResult<usize> {
        let horizon = OffsetDateTime::now_utc() + self.lifetimes.renew_before;
        let mut renewed = 0;
        for kind in [ApiKind::LegacyWebhook, ApiKind::V2Watch] {
            for sub in self.registry.due_for_renewal(kind, horizon).await? {
                renewed += usize::from(self.renew(&sub).await?);
            }
        }
        Ok(renewed)
    }

    /// Renews one subscription, recording the outcome on it: active with a new expiry,
    /// `renewal-failed` when the owner cannot act, `removed` when Graph lost it.
    pub async fn renew(&self, sub: &Subscription) -> StoreResult<bool> {
        let until = plan::expiry(OffsetDateTime::now_utc(), self.lifetimes.lifetime);
        let outcome = match sub.api_kind {
            ApiKind::LegacyWebhook => self.api.renew(sub, until).await,
            ApiKind::V2Watch if self.api.owner_can_act(sub).await => Ok(until),
            ApiKind::V2Watch => Err(RenewError::NoToken),
        };
        match outcome {
            Ok(granted) => {
                self.registry.renewed(&sub.id, granted).await?;
                Ok(true)
            }
            Err(error) => {
                tracing::warn!(subscription = %sub.id, %error, "renewal failed");
                let status = match error {
                    RenewError::Gone => SubscriptionStatus::Removed,
                    RenewError::NoToken | RenewError::Refused(_) => {
                        SubscriptionStatus::RenewalFailed
                    }
                };
                self.registry.set_status(&sub.id, status).await?;
                Ok(false)
            }
        }
    }

    /// Reads the alerts changed since the subscription's last notification and publishes
    /// them, so a gap in delivery does not lose a change.
    pub async fn catch_up(&self, sub: &Subscription) -> Result<usize, PollError> {
        let since = sub.last_notification_at.unwrap_or(sub.created_at);
        let alerts = self.source.changed_since(sub, since).await?;
        let batch = changes::to_notifications(sub, &alerts, since);
        self.journal
            .append(&batch)
            .await
            .map_err(|e| PollError::Store(e.to_string()))?;
        Ok(batch.len())
    }
}

/// The distinct events of a pending list such as `missed,subscriptionRemoved`.
fn parse_events(pending: &str) -> Vec<LifecycleEvent> {
    let mut events: Vec<LifecycleEvent> = pending
        .split(',')
        .filter_map(LifecycleEvent::parse)
        .collect();
    events.dedup();
    events
}

#[cfg(test)]
mod tests;
