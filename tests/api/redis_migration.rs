//! Switching an instance from the embedded store to Redis: it starts with no subscriptions,
//! says how to get them back, and the old SQLite file does no harm.

use graphsec::config::AlertsApiKind;
use reqwest::StatusCode;

use crate::helpers::{sandbox_options, select_text, spawn_app_with, start};
use crate::notify_support::subscribe;
use crate::redis_support::RedisServer;

#[tokio::test]
async fn an_instance_switched_to_redis_starts_clean_and_says_how_to_recreate_subscriptions() {
    let mut app = spawn_app_with(sandbox_options(), |s| {
        s.graph.alerts_api = AlertsApiKind::Legacy;
    })
    .await;
    app.sign_in().await;
    let created = subscribe(&app, &[("severity", "high")]).await;
    assert_eq!(created.status(), StatusCode::SEE_OTHER);
    let (_, before) = app.get_html("/subscriptions").await;
    assert!(select_text(&before, "#subscriptions-left-behind").is_none());

    // The same data directory, now with Redis.
    let redis = RedisServer::start().await;
    let mut settings = app.settings.clone();
    settings.server.public_url = "http://localhost:0".into();
    settings.redis.url = redis.url();
    let (port, _, _server) = start(settings).await;
    app.address = format!("http://localhost:{port}");
    app.client = crate::helpers::new_client();
    app.sign_in().await;
    let (status, html) = app.get_html("/subscriptions").await;
    assert_eq!(status, StatusCode::OK);
    let note = select_text(&html, "#subscriptions-left-behind").expect("a note");
    assert!(note.contains("create them again"), "{note}");
    let rows = scraper::Html::parse_document(&html)
        .select(
            &scraper::Selector::parse("#subscriptions-table tbody tr[data-subscription-id]")
                .unwrap(),
        )
        .count();
    assert_eq!(rows, 0, "Redis starts with no subscriptions");
}
