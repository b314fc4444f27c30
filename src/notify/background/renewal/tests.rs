//! Tests of the renewal task: renewals, their outcomes, and lifecycle catch-up.

use std::sync::{Arc, Mutex};

use serde_json::{Value, json};

use super::*;
use crate::notify::{model::NewSubscription, storage::sqlite};
use time::Duration;

#[derive(Clone, Default)]
struct FakeApi {
    renew_reply: Arc<Mutex<Option<Result<(), RenewError>>>>,
    can_act: bool,
    renewed: Arc<Mutex<Vec<String>>>,
    /// What `exists` answers (Graph lost it, unless set).
    still_at_graph: Option<Result<bool, RenewError>>,
}

impl SubscriptionApi for FakeApi {
    async fn renew(
        &self,
        sub: &Subscription,
        until: OffsetDateTime,
    ) -> Result<OffsetDateTime, RenewError> {
        self.renewed.lock().unwrap().push(sub.id.clone());
        let reply = self.renew_reply.lock().unwrap().clone().unwrap_or(Ok(()));
        reply.map(|()| until)
    }

    async fn owner_can_act(&self, _sub: &Subscription) -> bool {
        self.can_act
    }

    async fn exists(&self, _sub: &Subscription) -> Result<bool, RenewError> {
        self.still_at_graph.clone().unwrap_or(Ok(false))
    }
}

#[derive(Clone, Default)]
struct FakeSource(Vec<Value>);

impl ChangeSource for FakeSource {
    async fn changed_since(
        &self,
        _: &Subscription,
        _: OffsetDateTime,
    ) -> Result<Vec<Value>, PollError> {
        Ok(self.0.clone())
    }
}

const LIFETIMES: Lifetimes = Lifetimes {
    lifetime: Duration::days(2),
    renew_before: Duration::hours(12),
};

async fn setup(
    api: FakeApi,
    source: FakeSource,
) -> (RenewalTask<FakeApi, FakeSource>, Registry, Journal) {
    let storage = sqlite::in_memory().await;
    let registry = storage.registry.clone();
    let journal = Journal::over(&storage);
    let manager = RenewalTask::new(registry.clone(), journal.clone(), api, source, LIFETIMES);
    (manager, registry, journal)
}

async fn add(registry: &Registry, name: &str, kind: ApiKind, expires_in: Duration) -> Subscription {
    registry
        .insert(&NewSubscription {
            graph_id: (kind == ApiKind::LegacyWebhook).then(|| format!("g-{name}")),
            owner_oid: "o".into(),
            tenant_id: "t".into(),
            resource: format!("security/alerts?$filter=category%20eq%20'{name}'"),
            change_type: "updated".into(),
            client_state: "cs".into(),
            expires_at: OffsetDateTime::now_utc() + expires_in,
            api_kind: kind,
            filters: "{}".into(),
        })
        .await
        .unwrap()
}

#[tokio::test]
async fn due_subscriptions_are_renewed_and_others_left_alone() {
    let api = FakeApi {
        can_act: true,
        ..FakeApi::default()
    };
    let (manager, registry, _) = setup(api.clone(), FakeSource::default()).await;
    let soon = add(
        &registry,
        "soon",
        ApiKind::LegacyWebhook,
        Duration::hours(1),
    )
    .await;
    add(
        &registry,
        "later",
        ApiKind::LegacyWebhook,
        Duration::days(2),
    )
    .await;
    let watch = add(&registry, "watch", ApiKind::V2Watch, Duration::hours(1)).await;

    assert_eq!(manager.renew_due().await.unwrap(), 2);
    assert_eq!(*api.renewed.lock().unwrap(), vec![soon.id.clone()]);
    for id in [&soon.id, &watch.id] {
        let sub = registry.get(id).await.unwrap().unwrap();
        assert!(sub.expires_at > OffsetDateTime::now_utc() + Duration::days(1));
        assert_eq!(sub.status, SubscriptionStatus::Active);
    }
}

#[tokio::test]
async fn a_renewal_the_owner_cannot_make_is_marked_failed() {
    let api = FakeApi {
        can_act: false,
        ..FakeApi::default()
    };
    *api.renew_reply.lock().unwrap() = Some(Err(RenewError::NoToken));
    let (manager, registry, _) = setup(api, FakeSource::default()).await;
    let legacy = add(&registry, "l", ApiKind::LegacyWebhook, Duration::hours(1)).await;
    let watch = add(&registry, "w", ApiKind::V2Watch, Duration::hours(1)).await;
    assert_eq!(manager.renew_due().await.unwrap(), 0);
    for id in [&legacy.id, &watch.id] {
        let status = registry.get(id).await.unwrap().unwrap().status;
        assert_eq!(status, SubscriptionStatus::RenewalFailed);
    }
}

#[tokio::test]
async fn a_subscription_graph_lost_is_marked_removed() {
    let api = FakeApi::default();
    *api.renew_reply.lock().unwrap() = Some(Err(RenewError::Gone));
    let (manager, registry, _) = setup(api, FakeSource::default()).await;
    let sub = add(&registry, "l", ApiKind::LegacyWebhook, Duration::hours(1)).await;
    assert!(!manager.renew(&sub).await.unwrap());
    let status = registry.get(&sub.id).await.unwrap().unwrap().status;
    assert_eq!(status, SubscriptionStatus::Removed);
}

#[tokio::test]
async fn reauthorization_required_renews_the_subscription() {
    let api = FakeApi::default();
    let (manager, registry, _) = setup(api.clone(), FakeSource::default()).await;
    let sub = add(&registry, "l", ApiKind::LegacyWebhook, Duration::days(1)).await;
    pending(&registry, &sub, &[LifecycleEvent::ReauthorizationRequired]).await;
    manager.handle_pending(&sub.id).await.unwrap();
    assert_eq!(*api.renewed.lock().unwrap(), vec![sub.id.clone()]);
    let renewed = registry.get(&sub.id).await.unwrap().unwrap();
    assert!(renewed.expires_at > sub.expires_at);
}

#[tokio::test]
async fn missed_and_removed_trigger_a_catch_up_read() {
    let changed = OffsetDateTime::now_utc() + Duration::minutes(1);
    let alert =
        json!({"id": "caught", "lastModifiedDateTime": crate::graph::odata::datetime(changed)});
    let (manager, registry, journal) = setup(FakeApi::default(), FakeSource(vec![alert])).await;
    let sub = add(&registry, "l", ApiKind::LegacyWebhook, Duration::days(1)).await;
    for event in [LifecycleEvent::Missed, LifecycleEvent::SubscriptionRemoved] {
        pending(&registry, &sub, &[event]).await;
        manager.handle_pending(&sub.id).await.unwrap();
    }
    let stored = journal
        .log()
        .after("t", Default::default(), 10)
        .await
        .unwrap();
    assert_eq!(stored.len(), 2);
    assert_eq!(stored[0].alert_id.as_deref(), Some("caught"));
    assert_eq!(stored[0].resource, "security/alerts/caught");
    let status = registry.get(&sub.id).await.unwrap().unwrap().status;
    assert_eq!(status, SubscriptionStatus::Removed);
}

#[tokio::test]
async fn a_burst_of_pending_events_is_one_catch_up_and_work_is_taken_once() {
    let changed = OffsetDateTime::now_utc() + Duration::minutes(1);
    let alert =
        json!({"id": "caught", "lastModifiedDateTime": crate::graph::odata::datetime(changed)});
    let (manager, registry, journal) = setup(FakeApi::default(), FakeSource(vec![alert])).await;
    let sub = add(&registry, "l", ApiKind::LegacyWebhook, Duration::days(1)).await;
    let missed = [LifecycleEvent::Missed; 5];
    pending(&registry, &sub, &missed).await;
    manager.resume_pending().await.unwrap();
    manager.handle_pending(&sub.id).await.unwrap();
    assert_eq!(
        journal
            .log()
            .after("t", Default::default(), 10)
            .await
            .unwrap()
            .len(),
        1
    );
    let stored = registry.get(&sub.id).await.unwrap().unwrap();
    assert_eq!(stored.lifecycle_pending, None);
}

#[tokio::test]
async fn a_removal_graph_denies_leaves_the_subscription_and_one_it_cannot_confirm_is_kept() {
    let api = FakeApi {
        still_at_graph: Some(Ok(true)),
        ..FakeApi::default()
    };
    let (manager, registry, _) = setup(api, FakeSource::default()).await;
    let sub = add(&registry, "l", ApiKind::LegacyWebhook, Duration::days(1)).await;
    pending(&registry, &sub, &[LifecycleEvent::SubscriptionRemoved]).await;
    manager.handle_pending(&sub.id).await.unwrap();
    let stored = registry.get(&sub.id).await.unwrap().unwrap();
    assert_eq!(stored.status, SubscriptionStatus::Active);
    assert_eq!(stored.lifecycle_pending, None);

    let unsure = FakeApi {
        still_at_graph: Some(Err(RenewError::NoToken)),
        ..FakeApi::default()
    };
    let (manager, registry, _) = setup(unsure, FakeSource::default()).await;
    let sub = add(&registry, "l", ApiKind::LegacyWebhook, Duration::days(1)).await;
    pending(&registry, &sub, &[LifecycleEvent::SubscriptionRemoved]).await;
    manager.handle_pending(&sub.id).await.unwrap();
    let stored = registry.get(&sub.id).await.unwrap().unwrap();
    assert_eq!(stored.status, SubscriptionStatus::Active);
    assert_eq!(
        stored.lifecycle_pending.as_deref(),
        Some("subscriptionRemoved"),
        "kept for the next round"
    );
}

/// Records lifecycle events on `sub` as `/lifecycle` does.
async fn pending(registry: &Registry, sub: &Subscription, events: &[LifecycleEvent]) {
    for event in events {
        registry
            .record_lifecycle(&sub.id, event.as_str())
            .await
            .unwrap();
    }
}
