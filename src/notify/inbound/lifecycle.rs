//! Lifecycle notifications (`POST /lifecycle`): verified like change notifications, then
//! recorded on the subscription as pending work, durably, before Graph gets its 202. Acting
//! on them (confirming a removal, renewing, catching up) is the renewal task's job
//! (`background/renewal.rs`), woken by the verified events this returns.

use serde::Deserialize;
use serde_json::Value;

use super::intake::{Intake, Report};
use crate::notify::model::Subscription;
use crate::notify::storage::StoreResult;

/// The documented lifecycle events.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum LifecycleEvent {
    /// Renew (which also reauthorizes) before access is lost.
    ReauthorizationRequired,
    /// Graph deleted the subscription; changes since the last notification may be lost.
    SubscriptionRemoved,
    /// Some notifications were not delivered.
    Missed,
}

impl LifecycleEvent {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::ReauthorizationRequired => "reauthorizationRequired",
            Self::SubscriptionRemoved => "subscriptionRemoved",
            Self::Missed => "missed",
        }
    }

    /// The event [`as_str`](Self::as_str) spells `name`.
    pub fn parse(name: &str) -> Option<Self> {
        [
            Self::ReauthorizationRequired,
            Self::SubscriptionRemoved,
            Self::Missed,
        ]
        .into_iter()
        .find(|e| e.as_str() == name.trim())
    }
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct EventItem {
    lifecycle_event: LifecycleEvent,
}

/// A lifecycle event whose subscription and clientState checked out.
#[derive(Debug, Clone)]
pub struct Verified {
    pub subscription: Subscription,
    pub event: LifecycleEvent,
}

impl Intake {
    /// Verifies a lifecycle batch and records each accepted event on its subscription as
    /// pending work. Returns the events, to wake the renewal task.
    pub async fn lifecycle(&self, items: Vec<Value>) -> StoreResult<(Vec<Verified>, Report)> {
        let mut verified = Vec::new();
        let mut rejected = 0;
        for item in items {
            let event = EventItem::deserialize(&item).map(|e| e.lifecycle_event);
            let subscription = match (self.verify(&item).await?, event) {
                (Ok(sub), Ok(event)) => Verified {
                    subscription: sub,
                    event,
                },
                (Err(why), _) => {
                    rejected += 1;
                    tracing::warn!(reason = ?why, "lifecycle notification rejected");
                    continue;
                }
                (Ok(_), Err(_)) => {
                    rejected += 1;
                    tracing::warn!("lifecycle notification with an unknown event rejected");
                    continue;
                }
            };
            self.registry()
                .record_lifecycle(&subscription.subscription.id, subscription.event.as_str())
                .await?;
            verified.push(subscription);
        }
        self.count(verified.len(), rejected);
        let report = Report {
            accepted: verified.len(),
            rejected,
        };
        Ok((verified, report))
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;
    use crate::notify::{
        feed::journal::Journal,
        model::{NewSubscription, SubscriptionStatus},
        storage::sqlite,
    };

    async fn intake() -> (Intake, Subscription) {
        let storage = sqlite::in_memory().await;
        let registry = storage.registry.clone();
        let sub = registry
            .insert(&NewSubscription::test_webhook())
            .await
            .unwrap();
        let journal = Journal::over(&storage);
        (Intake::new(registry, journal), sub)
    }

    fn event(sub: &str, state: &str, event: &str) -> Value {
        json!({"subscriptionId": sub, "clientState": state, "tenantId": "t",
               "lifecycleEvent": event, "subscriptionExpirationDateTime": "2030-01-01T00:00:00Z"})
    }

    #[tokio::test]
    async fn verified_events_are_recorded_and_returned() {
        let (intake, sub) = intake().await;
        let (events, report) = intake
            .lifecycle(vec![
                event("g1", "cs", "reauthorizationRequired"),
                event("g1", "wrong", "subscriptionRemoved"),
                event("nope", "cs", "missed"),
                event("g1", "cs", "somethingElse"),
            ])
            .await
            .unwrap();
        assert_eq!(
            report,
            Report {
                accepted: 1,
                rejected: 3
            }
        );
        assert_eq!(events[0].event, LifecycleEvent::ReauthorizationRequired);
        let stored = intake.registry().get(&sub.id).await.unwrap().unwrap();
        assert_eq!(
            stored.last_lifecycle_event.as_deref(),
            Some("reauthorizationRequired")
        );
        assert_eq!(stored.status, SubscriptionStatus::Active);
    }

    #[tokio::test]
    async fn events_are_stored_as_pending_work_each_once_and_nothing_is_marked_yet() {
        let (intake, sub) = intake().await;
        let burst = ["missed", "subscriptionRemoved", "missed", "missed"];
        let (events, _) = intake
            .lifecycle(burst.iter().map(|e| event("g1", "cs", e)).collect())
            .await
            .unwrap();
        assert_eq!(events.len(), 4);
        let stored = intake.registry().get(&sub.id).await.unwrap().unwrap();
        assert_eq!(
            stored.lifecycle_pending.as_deref(),
            Some("missed,subscriptionRemoved")
        );
        assert_eq!(
            stored.status,
            SubscriptionStatus::Active,
            "removal is confirmed later"
        );
    }
}
