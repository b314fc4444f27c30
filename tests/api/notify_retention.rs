//! The embedded log keeps `notify.retention_days`: the real binary, restarted on a data
//! directory holding a notification older than that, removes it and keeps the younger one,
//! and the ids go on from where they were (a browser resumes by id).

use std::path::Path;
use std::time::Duration;

use graphsec_sandbox::Sandbox;
use reqwest::StatusCode;

use crate::helpers::{new_client, sandbox_options};
use crate::notify_crash::{Server, events, next, post, signed_in_and_subscribed, write_config};
use crate::notify_support::{CONTOSO, change, eventually, stored_alert_ids, tenant_id};

const WAIT: Duration = Duration::from_secs(15);

/// The alert ids the database file holds for Contoso, read as another process would.
async fn stored(data_dir: &Path) -> Vec<String> {
    let options = sqlx::sqlite::SqliteConnectOptions::new()
        .filename(data_dir.join("graphsec.db"))
        .read_only(true);
    let pool = sqlx::SqlitePool::connect_with(options).await.unwrap();
    let rows = stored_alert_ids(&pool, tenant_id(CONTOSO)).await;
    pool.close().await;
    rows
}

#[tokio::test]
async fn notifications_older_than_the_retention_period_are_removed_at_start() {
    let sandbox = Sandbox::start(sandbox_options())
        .await
        .expect("sandbox starts");
    let data_dir = tempfile::tempdir().unwrap();
    let config = write_config(
        &sandbox,
        data_dir.path(),
        &[("notify.retention_days", "1".into())],
    );
    let server = Server::start(&config).await;
    let browser = new_client();
    let (sub_id, state) = signed_in_and_subscribed(&server, &sandbox, &browser).await;
    let tenant = tenant_id(CONTOSO);
    let graph = reqwest::Client::new();

    // Two deliveries, each in the database before the next is sent (so each has its page).
    let mut held = Vec::new();
    for alert in ["from-last-week", "from-today"] {
        let item = change(&sub_id, &state, tenant, alert);
        assert_eq!(
            post(&graph, &server.url, item).await,
            Some(StatusCode::ACCEPTED)
        );
        held.push(alert.to_string());
        let dir = data_dir.path();
        assert!(
            eventually(WAIT, || async { stored(dir).await == held }).await,
            "{alert} reaches the database"
        );
    }
    let mut stream = events(&browser, &server.url, None).await;
    let (_, _) = next(&mut stream).await.expect("the first notification");
    let (today_id, today) = next(&mut stream).await.expect("the second notification");
    assert_eq!(today, "from-today");
    drop(stream);
    server.kill().await;

    // The first page is made a week old, as if the app had been running since.
    {
        let options =
            sqlx::sqlite::SqliteConnectOptions::new().filename(data_dir.path().join("graphsec.db"));
        let pool = sqlx::SqlitePool::connect_with(options).await.unwrap();
        let aged = sqlx::query(
            "UPDATE notification_pages SET newest_at = newest_at - 7 * 86400 \
             WHERE first_id = (SELECT MIN(first_id) FROM notification_pages)",
        )
        .execute(&pool)
        .await
        .unwrap();
        assert_eq!(aged.rows_affected(), 1);
        pool.close().await;
    }

    let server = Server::start(&config).await;
    let dir = data_dir.path();
    assert!(
        eventually(WAIT, || async { stored(dir).await == ["from-today"] }).await,
        "only the young notification is left: {:?}",
        stored(dir).await
    );
    assert!(server.has_logged("notifications older than the retention period were removed"));

    // A browser opening the live page is told how long notifications are kept, sees what is
    // left, and the next id follows the old ones.
    let page = browser.get(server.url("/listen")).send().await.unwrap();
    assert_eq!(page.status(), StatusCode::OK);
    let text = page.text().await.unwrap();
    let words = text.split_whitespace().collect::<Vec<_>>().join(" ");
    assert!(words.contains("each is kept for 1 day."), "{words}");
    assert!(!words.contains("from-last-week"), "{words}");
    assert!(words.contains("from-today"), "{words}");
    let mut stream = events(&browser, &server.url, None).await;
    assert_eq!(
        next(&mut stream).await.map(|(_, alert)| alert).as_deref(),
        Some("from-today")
    );
    let item = change(&sub_id, &state, tenant, "after-restart");
    assert_eq!(
        post(&graph, &server.url, item).await,
        Some(StatusCode::ACCEPTED)
    );
    let (id, alert) = next(&mut stream)
        .await
        .expect("the next delivery is streamed");
    assert_eq!(alert, "after-restart");
    assert!(id > today_id, "{id} follows {today_id}");
    server.kill().await;
}
