//! With `redis.url` set, instances share sign-ins (Redis on 127.0.0.1:6379, as on CI machines).

use graphsec::startup::Application;
use graphsec_sandbox::SandboxOptions;
use reqwest::StatusCode;

use crate::helpers::{sandbox_settings, select_text, spawn_app_with, start};

const REDIS: &str = "redis://127.0.0.1:6379";

#[tokio::test]
async fn a_user_signed_in_on_one_instance_is_signed_in_on_another() {
    let mut app = spawn_app_with(SandboxOptions::default(), |s| s.redis.url = REDIS.into()).await;
    app.sign_in().await;

    let other_dir = tempfile::tempdir().unwrap();
    let mut settings = sandbox_settings(&app.sandbox, other_dir.path());
    settings.redis.url = REDIS.into();
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
    let app = spawn_app_with(SandboxOptions::default(), |_| {}).await;
    let dir = tempfile::tempdir().unwrap();
    for url in ["not-a-redis-url", "redis://127.0.0.1:1"] {
        let mut settings = sandbox_settings(&app.sandbox, dir.path());
        settings.redis.url = url.into();
        let err = Application::build(settings)
            .await
            .err()
            .expect("start-up fails");
        assert!(format!("{err:#}").contains("redis.url"), "{err:#}");
    }
}
