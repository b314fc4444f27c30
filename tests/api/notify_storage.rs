//! Webhook deliveries and storage, through HTTP only: a delivery the database cannot take is
//! answered 503 and reaches nobody; no 202 is sent before the delivery is committed; deliveries
//! posted in parallel while a stream resumes arrive once each, in order, with no gap.

use std::str::FromStr;
use std::time::Duration;

use graphsec::config::AlertsApiKind;
use reqwest::StatusCode;
use sqlx::SqlitePool;
use sqlx::sqlite::SqliteConnectOptions;

use crate::helpers::TestApp;
use crate::notify_support::{
    CONTOSO, change, next_event, open_stream, post_batch, sandbox_subscriptions, spawn_notify_app,
    subscribe, tenant_id,
};

const WAIT: Duration = Duration::from_secs(10);
const QUIET: Duration = Duration::from_millis(800);

/// A second connection to the app's own database file, as another process would open it.
async fn database(app: &TestApp) -> SqlitePool {
    let file = app.data_dir.path().join("graphsec.db");
    assert!(file.exists(), "{}", file.display());
    let options = SqliteConnectOptions::from_str("sqlite:")
        .unwrap()
        .filename(&file)
        .busy_timeout(Duration::from_secs(5));
    SqlitePool::connect_with(options).await.unwrap()
}

async fn stored(db: &SqlitePool, alert_id: &str) -> i64 {
    sqlx::query_scalar("SELECT COUNT(*) FROM notifications WHERE alert_id = ?")
        .bind(alert_id)
        .fetch_one(db)
        .await
        .unwrap()
}

/// The app on the legacy API, signed in and subscribed; `(app, subscription id, clientState)`.
async fn subscribed_app() -> (TestApp, String, String) {
    let app = spawn_notify_app(AlertsApiKind::Legacy).await;
    app.sign_in().await;
    assert_eq!(
        subscribe(&app, &[("severity", "high")]).await.status(),
        StatusCode::SEE_OTHER
    );
    let sub = sandbox_subscriptions(&app, CONTOSO)[0].clone();
    let state = sub.client_state.clone().unwrap();
    (app, sub.id, state)
}

#[tokio::test]
async fn a_delivery_the_database_refuses_is_answered_503_and_published_to_nobody() {
    let (app, sub, state) = subscribed_app().await;
    let db = database(&app).await;
    let mut stream = open_stream(&app, &app.client, None).await;

    // The database refuses every new notification, as a full or read-only disk would.
    sqlx::query(
        "CREATE TRIGGER refuse_notifications BEFORE INSERT ON notifications \
         BEGIN SELECT RAISE(ABORT, 'the disk is full (test)'); END",
    )
    .execute(&db)
    .await
    .unwrap();
    let item = change(&sub, &state, tenant_id(CONTOSO), "unstored");
    assert_eq!(
        post_batch(&app, vec![item]).await,
        StatusCode::SERVICE_UNAVAILABLE
    );
    assert_eq!(stored(&db, "unstored").await, 0);

    // Storage is back: the next delivery is stored and is the first (and only) event streamed.
    sqlx::query("DROP TRIGGER refuse_notifications")
        .execute(&db)
        .await
        .unwrap();
    let item = change(&sub, &state, tenant_id(CONTOSO), "stored");
    assert_eq!(post_batch(&app, vec![item]).await, StatusCode::ACCEPTED);
    let (_, data) = next_event(&mut stream, WAIT)
        .await
        .expect("the stream works");
    assert_eq!(
        data["alertId"], "stored",
        "the refused delivery was published"
    );
    assert!(next_event(&mut stream, QUIET).await.is_none());
    let (_, html) = app.get_html("/listen").await;
    assert!(html.contains("stored") && !html.contains("unstored"));
}

#[tokio::test]
async fn no_202_is_sent_while_the_delivery_cannot_be_committed() {
    let (app, sub, state) = subscribed_app().await;
    let db = database(&app).await;
    // Another writer holds the database's write lock: the app cannot commit until it lets go.
    let mut writer = db.acquire().await.unwrap();
    sqlx::query("BEGIN IMMEDIATE")
        .execute(&mut *writer)
        .await
        .unwrap();

    let item = change(&sub, &state, tenant_id(CONTOSO), "committed-first");
    let url = app.url("/listen");
    let mut delivery = tokio::spawn(async move {
        reqwest::Client::new()
            .post(url)
            .json(&serde_json::json!({ "value": [item] }))
            .send()
            .await
            .unwrap()
            .status()
    });
    // While the lock is held, any answer would be an acknowledgement of an uncommitted row.
    let early = tokio::time::timeout(Duration::from_millis(1500), &mut delivery).await;
    assert!(
        early.is_err(),
        "answered {early:?} before the notification could be committed"
    );
    sqlx::query("ROLLBACK").execute(&mut *writer).await.unwrap();
    drop(writer);
    let status = tokio::time::timeout(WAIT, delivery)
        .await
        .expect("answered once the lock is released")
        .unwrap();
    assert_eq!(status, StatusCode::ACCEPTED);
    assert_eq!(stored(&db, "committed-first").await, 1, "202 means stored");
}

#[tokio::test]
async fn parallel_deliveries_while_a_stream_resumes_arrive_once_each_in_order() {
    let (app, sub, state) = subscribed_app().await;
    let tenant = tenant_id(CONTOSO);
    let mut first = open_stream(&app, &app.client, None).await;
    assert_eq!(
        post_batch(&app, vec![change(&sub, &state, tenant, "p-0")]).await,
        StatusCode::ACCEPTED
    );
    let (last_seen, _) = next_event(&mut first, WAIT).await.unwrap();
    drop(first);

    const N: usize = 24;
    let posts = (1..=N).map(|i| {
        let item = change(&sub, &state, tenant, &format!("p-{i}"));
        let url = app.url("/listen");
        tokio::spawn(async move {
            reqwest::Client::new()
                .post(url)
                .json(&serde_json::json!({ "value": [item] }))
                .send()
                .await
                .unwrap()
                .status()
        })
    });
    let posts: Vec<_> = posts.collect();
    // The stream resumes while the deliveries are still arriving.
    let mut resumed = open_stream(&app, &app.client, Some(&last_seen)).await;
    for post in posts {
        assert_eq!(post.await.unwrap(), StatusCode::ACCEPTED);
    }
    let mut ids = Vec::new();
    let mut alerts = Vec::new();
    while alerts.len() < N {
        let Some((id, data)) = next_event(&mut resumed, WAIT).await else {
            break;
        };
        ids.push(id);
        alerts.push(data["alertId"].as_str().unwrap().to_string());
    }
    assert!(
        next_event(&mut resumed, QUIET).await.is_none(),
        "no repeats"
    );
    let last_seen: u64 = last_seen.parse().expect("a row id");
    let expected: Vec<String> = (last_seen + 1..=last_seen + N as u64)
        .map(|id| id.to_string())
        .collect();
    assert_eq!(ids, expected, "contiguous ids after the resume point");
    let mut unique = alerts.clone();
    unique.sort();
    unique.dedup();
    assert_eq!(unique.len(), N, "each delivery once: {alerts:?}");
    assert!(
        !alerts.contains(&"p-0".to_string()),
        "nothing before the resume point"
    );
}
