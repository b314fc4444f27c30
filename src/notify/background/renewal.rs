//! The renewal task: keeping subscriptions alive, and acting on lifecycle events
//! (renew on `reauthorizationRequired`; catch up on `subscriptionRemoved` and `missed`
//! so that nothing is silently lost).

use std::future::Future;
use std::sync::Arc;

use time::OffsetDateTime;
use tokio::sync::mpsc;

use super::changes::{self, ChangeSource, PollError};
use crate::notify::{
    feed::journal::Journal,
    inbound::lifecycle::{LifecycleEvent, Verified},
    model::{ApiKind, Subscription, SubscriptionStatus},
    storage::{Registry, StoreResult, lease::Lease},
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

    /// Acts on lifecycle events as they arrive and renews due subscriptions every `every`
    /// while `lease` is held.
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
                Some(event) = events.recv() => self.handle(event).await,
                _ = ticker.tick() => if lease.held() {
                    self.renew_due().await.map(drop)
                } else {
                    Ok(())
                },
            };
            if let Err(error) = outcome {
                tracing::error!(%error, "subscription upkeep failed");
            }
        }
    }

    /// Acts on one verified lifecycle event.
    pub async fn handle(&self, verified: Verified) -> StoreResult<()> {
        let sub = verified.subscription;
        tracing::info!(subscription = %sub.id, event = verified.event.as_str(), "lifecycle event");
        match verified.event {
            LifecycleEvent::ReauthorizationRequired => self.renew(&sub).await.map(drop),
            LifecycleEvent::SubscriptionRemoved | LifecycleEvent::Missed => {
                match self.catch_up(&sub).await {
                    Ok(n) => tracing::info!(subscription = %sub.id, n, "caught up"),
                    Err(error) => tracing::warn!(subscription = %sub.id, %error, "catch-up failed"),
                }
                Ok(())
            }
        }
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
        let (batch, _) = changes::to_notifications(sub, &alerts, since);
        self.journal
            .append(&batch)
            .await
            .map_err(|e| PollError::Store(e.to_string()))?;
        Ok(batch.len())
    }
}

#[cfg(test)]
mod tests;
