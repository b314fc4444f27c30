//! Tests of the intake: only verified notifications are stored and published; alert ids.

use serde_json::{json, value::RawValue};
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

/// The items read one by one from their JSON, as the webhook reads them within a body.
async fn changes(intake: &Intake, items: &[Value]) -> Report {
    let raw: Vec<Box<RawValue>> = items
        .iter()
        .map(|item| serde_json::value::to_raw_value(item).unwrap())
        .collect();
    let read = raw.iter().map(|raw| ChangeItem::read(raw)).collect();
    intake.changes(read).await.unwrap()
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
    let report = changes(&f.intake, &batch).await;
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
    assert_eq!(*stored[0].subscription_id, *f.sub.id);
    assert_eq!(rx.try_recv().unwrap().alert_id.as_deref(), Some("good"));
    assert!(rx.try_recv().is_err());
    let row = f
        .journal
        .log()
        .get("tenant-a", stored[0].id)
        .await
        .unwrap()
        .unwrap();
    let raw: Value = serde_json::from_str(&row.raw).unwrap();
    assert_eq!(raw["resourceData"]["id"], "good");
    assert!(raw.get("clientState").is_none(), "the secret is not stored");

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
    let report = changes(
        &f.intake,
        &[item("graph-sub", "s3cret-state", "tenant-a", "a")],
    )
    .await;
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
    assert_eq!(alert_id(Some("A1"), "x/y").as_deref(), Some("A1"));
    assert_eq!(alert_id(None, "Security/Alerts/B2").as_deref(), Some("B2"));
    assert_eq!(alert_id(None, "security/alerts?$filter=a"), None);
    assert_eq!(alert_id(None, &"z".repeat(300)), None);
}

#[tokio::test]
async fn a_notification_outside_what_was_subscribed_is_refused() {
    let f = fixture().await;
    let good = || item("graph-sub", "s3cret-state", "tenant-a", "a1");
    let with = |key: &str, value: Value| {
        let mut changed = good();
        changed[key] = value;
        changed
    };
    let mut no_tenant = good();
    no_tenant.as_object_mut().unwrap().remove("tenantId");
    let batch = vec![
        no_tenant,
        with("changeType", json!("deleted")),
        with("changeType", json!("updated".repeat(10))),
        with("resource", json!("Security/Incidents/a1")),
        with("resource", json!("Security/Alerts/a1/../../users")),
        with(
            "resource",
            json!(format!("Security/Alerts/{}", "x".repeat(600))),
        ),
    ];
    let report = changes(&f.intake, &batch).await;
    assert_eq!(
        report,
        Report {
            accepted: 0,
            rejected: 6
        }
    );
    assert!(
        f.journal
            .log()
            .after("tenant-a", Default::default(), 10)
            .await
            .unwrap()
            .is_empty()
    );
}

#[tokio::test]
async fn a_repeated_change_is_stored_once_and_without_its_client_state() {
    let f = fixture().await;
    let change = || item("graph-sub", "s3cret-state", "tenant-a", "a1");
    changes(&f.intake, &[change(), change()]).await;
    changes(&f.intake, &[change()]).await;
    let stored = f
        .journal
        .log()
        .after("tenant-a", Default::default(), 10)
        .await
        .unwrap();
    assert_eq!(stored.len(), 1);
    let raw = f
        .journal
        .log()
        .get("tenant-a", stored[0].id)
        .await
        .unwrap()
        .unwrap()
        .raw;
    assert!(
        !raw.contains("clientState") && !raw.contains("s3cret"),
        "{raw}"
    );
    assert!(raw.contains("Security/Alerts/a1"));
}

#[test]
fn a_secret_is_the_same_only_when_every_byte_is() {
    let kept = b"AbCdEfGhIjKlMnOpQrStUvWxYz0123456789-_abcde";
    assert!(same_secret(kept, kept));
    assert!(same_secret(b"", b""));
    for at in [0, 7, 8, 39, kept.len() - 1] {
        let mut presented = *kept;
        presented[at] ^= 1;
        assert!(!same_secret(&presented, kept), "a difference at byte {at}");
    }
    assert!(!same_secret(&kept[..kept.len() - 1], kept), "a prefix");
    assert!(!same_secret(b"", kept));
}
