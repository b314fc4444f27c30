//! With `redis.url` set, instances share sign-ins (on a Redis server of the test's own).

use graphsec::startup::Application;
use std::time::Duration;

use reqwest::StatusCode;

use crate::helpers::{sandbox_options, sandbox_settings, select_text, spawn_app_with, start};
use crate::redis_support::RedisServer;

#[tokio::test]
async fn a_user_signed_in_on_one_instance_is_signed_in_on_another() {
    let redis = RedisServer::start().await;
    let mut app = spawn_app_with(sandbox_options(), |s| s.redis.url = redis.url()).await;
    app.sign_in().await;

    let other_dir = tempfile::tempdir().unwrap();
    let mut settings = sandbox_settings(&app.sandbox, other_dir.path());
    settings.redis.url = redis.url();
    let (port, _, _server) = start(settings).await;
    app.address = format!("http://localhost:{port}");
    let (status, html) = app.get_html("/").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(
        select_text(&html, "#user-name").as_deref(),
        Some("Megan Bowen")
    );
}

#[tokio::test]
async fn a_wrong_redis_url_stops_start_up_with_a_message_naming_the_key() {
    let app = spawn_app_with(sandbox_options(), |_| {}).await;
    let dir = tempfile::tempdir().unwrap();
    let mut settings = sandbox_settings(&app.sandbox, dir.path());
    settings.redis.url = "not-a-redis-url".into();
    let err = Application::build(settings)
        .await
        .err()
        .expect("start-up fails");
    assert!(format!("{err:#}").contains("redis.url"), "{err:#}");
}

#[tokio::test]
async fn an_instance_started_while_redis_is_down_serves_once_redis_answers() {
    let app = spawn_app_with(sandbox_options(), |_| {}).await;
    let mut redis = RedisServer::start().await;
    redis.stop().await;
    let dir = tempfile::tempdir().unwrap();
    let mut settings = sandbox_settings(&app.sandbox, dir.path());
    settings.redis.url = redis.url();
    let mut building = tokio::spawn(Application::build(settings));
    let early = tokio::time::timeout(Duration::from_secs(2), &mut building).await;
    assert!(
        early.is_err(),
        "start-up waits for Redis instead of failing"
    );

    redis.restart().await;
    let built = tokio::time::timeout(Duration::from_secs(30), building)
        .await
        .expect("starts once Redis answers")
        .unwrap()
        .expect("app builds");
    let port = built.port();
    tokio::spawn(built.run_until_stopped());
    let health = reqwest::get(format!("http://localhost:{port}/healthz"))
        .await
        .unwrap();
    assert_eq!(health.status(), StatusCode::OK);
}
