//! Webhook deliveries and storage, through HTTP only: a delivery is answered once the spool has
//! it on disk, and reaches the database behind the answer; while the database refuses work,
//! what was acknowledged is kept and new deliveries are answered 503; deliveries posted in
//! parallel while a stream resumes arrive once each, in order, with no gap.

use std::str::FromStr;
use std::time::Duration;

use graphsec::config::AlertsApiKind;
use reqwest::StatusCode;
use sqlx::SqlitePool;
use sqlx::sqlite::SqliteConnectOptions;

use crate::helpers::TestApp;
use crate::notify_support::{
    CONTOSO, change, next_event, open_stream, post_batch, sandbox_subscriptions, spawn_notify_app,
    stored_alert_ids, subscribe, tenant_id,
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

async fn stored(db: &SqlitePool, alert_id: &str) -> usize {
    stored_alert_ids(db, tenant_id(CONTOSO))
        .await
        .iter()
        .filter(|stored| *stored == alert_id)
        .count()
}

/// How many rows hold `alert_id` once the database has caught up with the spool (it takes
/// acknowledged deliveries behind the answer), or after [`WAIT`].
async fn stored_soon(db: &SqlitePool, alert_id: &str) -> usize {
    let deadline = tokio::time::Instant::now() + WAIT;
    loop {
        let count = stored(db, alert_id).await;
        if count > 0 || tokio::time::Instant::now() > deadline {
            return count;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
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
async fn a_delivery_the_database_refuses_is_kept_and_later_ones_are_refused_until_it_takes_them() {
    let (app, sub, state) = subscribed_app().await;
    let tenant = tenant_id(CONTOSO);
    let db = database(&app).await;
    let mut stream = open_stream(&app, &app.client, None).await;

    // The database refuses every new notification, as a full or read-only disk would.
    sqlx::query(
        "CREATE TRIGGER refuse_notifications BEFORE INSERT ON notification_pages \
         BEGIN SELECT RAISE(ABORT, 'the disk is full (test)'); END",
    )
    .execute(&db)
    .await
    .unwrap();
    // The spool has it on disk before the answer, so it is acknowledged and shown.
    let item = change(&sub, &state, tenant, "kept");
    assert_eq!(post_batch(&app, vec![item]).await, StatusCode::ACCEPTED);
    let (_, data) = next_event(&mut stream, WAIT).await.expect("shown");
    assert_eq!(data["alertId"], "kept");

    // Once the database has refused it, deliveries are refused (Graph retries them later).
    let mut acknowledged = Vec::new();
    let refused = loop {
        let alert = format!("while-refusing-{}", acknowledged.len());
        match post_batch(&app, vec![change(&sub, &state, tenant, &alert)]).await {
            StatusCode::ACCEPTED if acknowledged.len() < 50 => acknowledged.push(alert),
            StatusCode::SERVICE_UNAVAILABLE => break alert,
            other => panic!("{alert}: answered {other}"),
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    };

    let health = app.client.get(app.url("/healthz")).send().await.unwrap();
    assert_eq!(health.status(), StatusCode::SERVICE_UNAVAILABLE);
    assert!(
        health
            .text()
            .await
            .unwrap()
            .contains("the database refuses writes")
    );

    // Storage is back: everything acknowledged reaches the database once, and deliveries are
    // taken again; the refused one was never stored nor shown.
    sqlx::query("DROP TRIGGER refuse_notifications")
        .execute(&db)
        .await
        .unwrap();
    assert_eq!(stored_soon(&db, "kept").await, 1);
    // As Graph would, the next delivery is sent again until it is taken.
    let deadline = tokio::time::Instant::now() + WAIT;
    while post_batch(&app, vec![change(&sub, &state, tenant, "after")]).await
        != StatusCode::ACCEPTED
    {
        assert!(tokio::time::Instant::now() < deadline, "never taken again");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    for alert in acknowledged
        .iter()
        .map(String::as_str)
        .chain(["kept", "after"])
    {
        assert_eq!(stored_soon(&db, alert).await, 1, "{alert}");
    }
    assert_eq!(stored(&db, &refused).await, 0);
    let mut shown = Vec::new();
    while let Some((_, data)) = next_event(&mut stream, QUIET).await {
        shown.push(data["alertId"].as_str().unwrap().to_string());
    }
    let mut expected = acknowledged.clone();
    expected.push("after".into());
    assert_eq!(
        shown, expected,
        "each acknowledged delivery once, none refused"
    );
}

#[tokio::test]
async fn a_delivery_acknowledged_while_another_writer_holds_the_database_is_stored_once_it_lets_go()
{
    let (app, sub, state) = subscribed_app().await;
    let db = database(&app).await;
    let mut stream = open_stream(&app, &app.client, None).await;
    // Another writer holds the database's write lock.
    let mut writer = db.acquire().await.unwrap();
    sqlx::query("BEGIN IMMEDIATE")
        .execute(&mut *writer)
        .await
        .unwrap();

    // The spool does not need the database: the delivery is durable and answered at once.
    let item = change(&sub, &state, tenant_id(CONTOSO), "while-locked");
    let status = tokio::time::timeout(WAIT, post_batch(&app, vec![item]))
        .await
        .expect("answered while the database is locked");
    assert_eq!(status, StatusCode::ACCEPTED);
    let (_, data) = next_event(&mut stream, WAIT).await.expect("shown");
    assert_eq!(data["alertId"], "while-locked");
    assert_eq!(
        stored(&db, "while-locked").await,
        0,
        "not in the database yet"
    );

    sqlx::query("ROLLBACK").execute(&mut *writer).await.unwrap();
    drop(writer);
    assert_eq!(stored_soon(&db, "while-locked").await, 1);
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
