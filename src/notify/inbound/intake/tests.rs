//! Tests of the intake: only verified notifications are stored and published; alert ids.

use serde_json::json;
use time::{Duration, OffsetDateTime};

use super::*;
use crate::notify::{
    model::{ApiKind, NewSubscription},
    storage::sqlite,
};

struct Fixture {
    intake: Intake,
    journal: Journal,
    sub: Subscription,
}

async fn fixture() -> Fixture {
    let storage = sqlite::in_memory().await;
    let registry = storage.registry.clone();
    let journal = Journal::over(&storage);
    let sub = registry
        .insert(&NewSubscription {
            graph_id: Some("graph-sub".into()),
            owner_oid: "owner".into(),
            tenant_id: "tenant-a".into(),
            resource: "security/alerts?$filter=x".into(),
            change_type: "updated".into(),
            client_state: "s3cret-state".into(),
            expires_at: OffsetDateTime::now_utc() + Duration::days(1),
            api_kind: ApiKind::LegacyWebhook,
            filters: "{}".into(),
        })
        .await
        .unwrap();
    Fixture {
        intake: Intake::new(registry, journal.clone()),
        journal,
        sub,
    }
}

fn item(sub: &str, state: &str, tenant: &str, alert: &str) -> Value {
    json!({
        "subscriptionId": sub,
        "clientState": state,
        "changeType": "updated",
        "tenantId": tenant,
        "resource": format!("Security/Alerts/{alert}"),
        "resourceData": {"@odata.type": "#Microsoft.Graph.alert", "id": alert},
    })
}

#[tokio::test]
async fn only_verified_notifications_are_stored_and_published() {
    let f = fixture().await;
    let mut rx = f.journal.fanout().subscribe();
    let batch = vec![
        item("graph-sub", "s3cret-state", "tenant-a", "good"),
        item("graph-sub", "s3cret-statf", "tenant-a", "wrong-state"),
        item("graph-sub", "", "tenant-a", "empty-state"),
        item("unknown", "s3cret-state", "tenant-a", "unknown-sub"),
        item("graph-sub", "s3cret-state", "tenant-b", "other-tenant"),
        json!({"subscriptionId": "graph-sub"}),
        json!("not an object"),
    ];
    let report = f.intake.changes(batch).await.unwrap();
    assert_eq!(
        report,
        Report {
            accepted: 1,
            rejected: 6
        }
    );
    assert_eq!(f.intake.counters().rejected.load(Ordering::Relaxed), 6);

    let stored = f
        .journal
        .log()
        .after("tenant-a", Default::default(), 10)
        .await
        .unwrap();
    assert_eq!(stored.len(), 1);
    assert_eq!(stored[0].alert_id.as_deref(), Some("good"));
    assert_eq!(stored[0].subscription_id, f.sub.id);
    assert_eq!(rx.try_recv().unwrap().alert_id.as_deref(), Some("good"));
    assert!(rx.try_recv().is_err());

    let sub = f.intake.registry().get(&f.sub.id).await.unwrap().unwrap();
    assert!(sub.last_notification_at.is_some());
}

#[tokio::test]
async fn a_removed_subscription_accepts_nothing() {
    let f = fixture().await;
    f.intake
        .registry()
        .set_status(&f.sub.id, SubscriptionStatus::Removed)
        .await
        .unwrap();
    let report = f
        .intake
        .changes(vec![item("graph-sub", "s3cret-state", "tenant-a", "a")])
        .await
        .unwrap();
    assert_eq!(
        report,
        Report {
            accepted: 0,
            rejected: 1
        }
    );
}

#[test]
fn alert_id_comes_from_resource_data_or_the_path() {
    let change = |resource: &str, data: Option<Value>| ChangeItem {
        change_type: "updated".into(),
        resource: resource.into(),
        resource_data: data,
    };
    assert_eq!(
        alert_id(&change("x/y", Some(json!({"id": "A1"})))).as_deref(),
        Some("A1")
    );
    assert_eq!(
        alert_id(&change("Security/Alerts/B2", None)).as_deref(),
        Some("B2")
    );
    assert_eq!(alert_id(&change("security/alerts?$filter=a", None)), None);
    assert_eq!(alert_id(&change(&"z".repeat(300), None)), None);
}
