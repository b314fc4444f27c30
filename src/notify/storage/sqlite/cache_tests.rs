//! Tests of the in-memory registry cache over the SQLite registry.

use std::sync::Arc;

use time::OffsetDateTime;

use super::SqliteRegistry;
use crate::notify::model::{NewSubscription, SubscriptionStatus};
use crate::notify::storage::{Registry, SubscriptionRegistry, cached::CachedRegistry};

#[tokio::test]
async fn the_cache_follows_every_change() {
    let pool = crate::db::in_memory().await.unwrap();
    let raw: Registry = Arc::new(SqliteRegistry::new(pool));
    let cached = CachedRegistry::new(raw.clone());
    assert!(cached.by_graph_id("g1").await.unwrap().is_none());
    let sub = cached
        .insert(&NewSubscription::test_webhook())
        .await
        .unwrap();
    assert_eq!(cached.by_graph_id("g1").await.unwrap().unwrap().id, sub.id);

    cached
        .set_status(&sub.id, SubscriptionStatus::Removed)
        .await
        .unwrap();
    let seen = cached.by_graph_id("g1").await.unwrap().unwrap();
    assert_eq!(seen.status, SubscriptionStatus::Removed);

    let later = OffsetDateTime::now_utc() + time::Duration::days(2);
    cached.recreated(&sub.id, "g2", "cs2", later).await.unwrap();
    assert!(cached.by_graph_id("g1").await.unwrap().is_none());
    let seen = cached.by_graph_id("g2").await.unwrap().unwrap();
    assert_eq!(
        (seen.client_state.as_str(), seen.status),
        ("cs2", SubscriptionStatus::Active)
    );

    assert!(cached.delete(&sub.id).await.unwrap());
    assert!(cached.by_graph_id("g2").await.unwrap().is_none());
}

#[tokio::test]
async fn rows_present_before_first_use_are_loaded() {
    let pool = crate::db::in_memory().await.unwrap();
    let raw: Registry = Arc::new(SqliteRegistry::new(pool));
    raw.insert(&NewSubscription::test_webhook()).await.unwrap();
    let cached = CachedRegistry::new(raw);
    assert!(cached.by_graph_id("g1").await.unwrap().is_some());
}

#[tokio::test]
async fn a_subscription_made_by_another_process_is_found_after_a_reload() {
    let pool = crate::db::in_memory().await.unwrap();
    let raw: Registry = Arc::new(SqliteRegistry::new(pool));
    let cached = CachedRegistry::new(raw.clone());
    assert!(cached.by_graph_id("g1").await.unwrap().is_none());
    // Written behind the cache's back (as another instance on the same database would).
    raw.insert(&NewSubscription::test_webhook()).await.unwrap();
    tokio::time::sleep(std::time::Duration::from_millis(1100)).await;
    assert!(cached.by_graph_id("g1").await.unwrap().is_some());
}
