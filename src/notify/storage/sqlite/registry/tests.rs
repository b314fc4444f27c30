//! Tests of the SQLite subscription registry: lookups, uniqueness, renewal due dates, cursors.

use super::*;
use crate::db;
use time::Duration;

fn new_sub(resource: &str, kind: ApiKind, expires_in: Duration) -> NewSubscription {
    NewSubscription {
        graph_id: (kind == ApiKind::LegacyWebhook).then(|| format!("g-{resource}")),
        owner_oid: "owner".into(),
        tenant_id: "tenant-a".into(),
        resource: resource.into(),
        change_type: "updated".into(),
        client_state: "secret".into(),
        expires_at: OffsetDateTime::now_utc() + expires_in,
        api_kind: kind,
        filters: "{}".into(),
    }
}

#[tokio::test]
async fn inserted_subscription_is_found_by_every_key() {
    let reg = SqliteRegistry::new(db::in_memory().await.unwrap());
    let sub = reg
        .insert(&new_sub("r1", ApiKind::LegacyWebhook, Duration::days(1)))
        .await
        .unwrap();
    assert_eq!(sub.status, SubscriptionStatus::Active);
    assert_eq!(reg.by_graph_id("g-r1").await.unwrap().unwrap().id, sub.id);
    let found = reg.by_resource("tenant-a", ApiKind::LegacyWebhook, "r1");
    assert_eq!(found.await.unwrap().unwrap().id, sub.id);
    assert!(
        reg.by_resource("tenant-b", ApiKind::LegacyWebhook, "r1")
            .await
            .unwrap()
            .is_none()
    );
    assert_eq!(reg.list_for_tenant("tenant-a").await.unwrap().len(), 1);
    assert!(reg.delete(&sub.id).await.unwrap());
    assert!(reg.get(&sub.id).await.unwrap().is_none());
}

#[tokio::test]
async fn same_resource_twice_in_a_tenant_is_refused_by_the_schema() {
    let reg = SqliteRegistry::new(db::in_memory().await.unwrap());
    let mut new = new_sub("r1", ApiKind::LegacyWebhook, Duration::days(1));
    reg.insert(&new).await.unwrap();
    new.graph_id = Some("other".into());
    assert!(reg.insert(&new).await.is_err());
}

#[tokio::test]
async fn due_for_renewal_lists_only_soon_expiring_live_subscriptions() {
    let reg = SqliteRegistry::new(db::in_memory().await.unwrap());
    let soon = reg
        .insert(&new_sub(
            "soon",
            ApiKind::LegacyWebhook,
            Duration::minutes(5),
        ))
        .await
        .unwrap();
    reg.insert(&new_sub("later", ApiKind::LegacyWebhook, Duration::days(2)))
        .await
        .unwrap();
    let gone = reg
        .insert(&new_sub(
            "gone",
            ApiKind::LegacyWebhook,
            Duration::minutes(5),
        ))
        .await
        .unwrap();
    reg.set_status(&gone.id, SubscriptionStatus::Removed)
        .await
        .unwrap();
    let horizon = OffsetDateTime::now_utc() + Duration::hours(1);
    let due = reg
        .due_for_renewal(ApiKind::LegacyWebhook, horizon)
        .await
        .unwrap();
    assert_eq!(
        due.iter().map(|s| &s.id).collect::<Vec<_>>(),
        vec![&soon.id]
    );

    let new_expiry = OffsetDateTime::now_utc() + Duration::days(2);
    reg.renewed(&soon.id, new_expiry).await.unwrap();
    assert!(
        reg.due_for_renewal(ApiKind::LegacyWebhook, horizon)
            .await
            .unwrap()
            .is_empty()
    );
}

#[tokio::test]
async fn watches_start_with_a_cursor_and_can_be_advanced() {
    let reg = SqliteRegistry::new(db::in_memory().await.unwrap());
    let watch = reg
        .insert(&new_sub("w", ApiKind::V2Watch, Duration::days(1)))
        .await
        .unwrap();
    assert!(watch.watch_cursor.is_some());
    assert!(watch.graph_id.is_none());
    let later = OffsetDateTime::now_utc() + Duration::minutes(1);
    reg.set_cursor(&watch.id, later, "[]").await.unwrap();
    let watches = reg.active_watches().await.unwrap();
    assert_eq!(watches.len(), 1);
    assert_eq!(watches[0].watch_cursor, Some(later));
    assert_eq!(watches[0].watch_published.as_deref(), Some("[]"));
}
