//! Redis keeps one notification log per tenant: 200,000 notifications of other tenants cost a
//! tenant with none nothing on `/listen`, home or a resumed stream; ids no log gave out start a
//! stream with history instead of failing; the idle fan-out reader waits quietly; and the one
//! log earlier versions kept is moved into the tenants' logs at start.

use std::process::Stdio;
use std::sync::Arc;
use std::time::Duration;

use graphsec::config::AlertsApiKind;
use graphsec::notify::model::NewNotification;
use graphsec::notify::storage::NotificationLog;
use graphsec::notify::storage::redis::RedisLog;
use reqwest::StatusCode;
use tokio::io::AsyncReadExt;

use crate::helpers::{TestApp, sandbox_options, serve_example, spawn_app_with};
use crate::notify_support::{
    CONTOSO, change, next_event, open_stream, post_batch, sandbox_subscriptions, subscribe,
    tenant_id,
};
use crate::redis_support::RedisServer;

const WAIT: Duration = Duration::from_secs(10);

async fn app_on(redis: &RedisServer) -> TestApp {
    let url = redis.url();
    let app = spawn_app_with(sandbox_options(), |s| {
        s.graph.alerts_api = AlertsApiKind::Legacy;
        s.redis.url = url;
        // Each odd id below opens a stream of its own.
        s.notify.max_streams_per_session = 50;
    })
    .await;
    app.sign_in().await;
    app
}

/// Calls Redis has counted of the commands that read a stream's entries by range.
async fn range_reads(redis: &RedisServer) -> u64 {
    let stats = redis.command("INFO commandstats").await.unwrap();
    ["cmdstat_xrange:", "cmdstat_xrevrange:"]
        .iter()
        .filter_map(|name| stats.lines().find(|l| l.starts_with(name)))
        .map(|line| {
            let calls = line.split("calls=").nth(1).unwrap();
            calls.split(',').next().unwrap().parse::<u64>().unwrap()
        })
        .sum()
}

/// The views of one viewer: the notify page, home, and a stream resumed from an early id
/// (returned, so it stays open while its reads are counted).
async fn views(app: &TestApp) -> impl futures::Stream {
    for path in ["/listen", "/"] {
        assert_eq!(app.get(path).await.status(), StatusCode::OK, "{path}");
    }
    let response = app
        .client
        .get(app.url("/listen/events"))
        .header("Last-Event-ID", "1-0")
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    let mut stream = Box::pin(response.bytes_stream());
    // The greeting: the stream has read where it resumes.
    use futures::StreamExt;
    tokio::time::timeout(WAIT, stream.next()).await.unwrap();
    stream
}

/// Waits until the range reads Redis counts stop moving (the fan-out has read what it was
/// told of), and returns their number.
async fn settled_reads(redis: &RedisServer) -> u64 {
    let mut last = range_reads(redis).await;
    let mut still = 0;
    while still < 2 {
        tokio::time::sleep(Duration::from_millis(500)).await;
        let now = range_reads(redis).await;
        still = if now == last { still + 1 } else { 0 };
        last = now;
    }
    last
}

#[tokio::test]
async fn other_tenants_notifications_cost_a_tenant_with_none_nothing() {
    let redis = RedisServer::start().await;
    let app = app_on(&redis).await;

    let before = settled_reads(&redis).await;
    let stream = views(&app).await;
    let reference = settled_reads(&redis).await - before;
    drop(stream);

    // 200,000 notifications of 20 other tenants, stored as the app stores them.
    let pool = graphsec::sessions::connect_redis(&redis.url())
        .await
        .unwrap();
    let log = RedisLog::new(pool, Duration::from_secs(86_400));
    for batch in 0..40 {
        let notes = (0..5_000)
            .map(|i| NewNotification {
                tenant_id: Arc::from(format!("other-tenant-{}", i % 20)),
                subscription_id: Arc::from("other-subscription"),
                change_type: Arc::from("updated"),
                resource: format!("security/alerts/other-{batch}-{i}"),
                alert_id: Some(format!("other-{batch}-{i}")),
                raw: "{}".to_string(),
                summary: None,
            })
            .collect();
        log.append(notes).await.unwrap();
    }

    let before = settled_reads(&redis).await;
    let stream = views(&app).await;
    let after = settled_reads(&redis).await - before;
    drop(stream);
    assert_eq!(
        after, reference,
        "the same range reads as with no other tenant's notification ({reference})"
    );
    assert!(after <= 6, "a handful of reads for three views: {after}");
}

#[tokio::test]
async fn ids_no_log_gave_out_start_a_stream_with_history_and_live_notifications() {
    let redis = RedisServer::start().await;
    let app = app_on(&redis).await;
    assert_eq!(
        subscribe(&app, &[("severity", "high")]).await.status(),
        StatusCode::SEE_OTHER
    );
    let sub = sandbox_subscriptions(&app, CONTOSO)[0].clone();
    let state = sub.client_state.clone().unwrap();
    for (n, odd) in [
        "18446744073709551615-18446744073709551615",
        "0-18446744073709551615",
        "18446744073709551615",
        "99999999999999999999-0",
        "1-2-3",
        "-",
        "x",
    ]
    .into_iter()
    .enumerate()
    {
        let mut stream = open_stream(&app, &app.client, Some(odd)).await;
        let alert = format!("after-odd-id-{n}");
        let item = change(&sub.id, &state, tenant_id(CONTOSO), &alert);
        assert_eq!(post_batch(&app, vec![item]).await, StatusCode::ACCEPTED);
        let mut seen = Vec::new();
        while let Some((_, data)) = next_event(&mut stream, WAIT).await {
            let id = data["alertId"].as_str().unwrap().to_string();
            seen.push(id.clone());
            if id == alert {
                break;
            }
        }
        assert!(seen.contains(&alert), "{odd}: live after it, saw {seen:?}");
    }
    let asked = app
        .client
        .get(app.url("/listen/events?after=18446744073709551615-18446744073709551615"))
        .send()
        .await
        .unwrap();
    assert_eq!(asked.status(), StatusCode::OK);
}

#[tokio::test]
async fn the_idle_fan_out_reader_waits_without_errors() {
    let redis = RedisServer::start().await;
    let data_dir = tempfile::tempdir().unwrap();
    let mut serve = serve_example()
        .env("GRAPHSEC__SERVER__DATA_DIR", data_dir.path())
        .env("GRAPHSEC__REDIS__URL", redis.url())
        .env("GRAPHSEC__SYNC__ENABLED", "false")
        .env("NO_COLOR", "1")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .kill_on_drop(true)
        .spawn()
        .unwrap();
    // Three of the reader's two-second waits with nothing to read.
    tokio::time::sleep(Duration::from_secs(7)).await;
    serve.start_kill().unwrap();
    let mut logs = String::new();
    serve
        .stdout
        .take()
        .unwrap()
        .read_to_string(&mut logs)
        .await
        .unwrap();
    serve
        .stderr
        .take()
        .unwrap()
        .read_to_string(&mut logs)
        .await
        .unwrap();
    assert!(
        logs.contains("listening") || logs.contains("http://"),
        "it started: {logs}"
    );
    for bad in [
        "Parse Error",
        "Cannot convert",
        "notification stream failed",
    ] {
        assert!(!logs.contains(bad), "an idle reader logged {bad:?}: {logs}");
    }
}

#[tokio::test]
async fn the_single_log_of_earlier_versions_is_moved_into_each_tenants_log() {
    let redis = RedisServer::start().await;
    let contoso = tenant_id(CONTOSO);
    let mut ids = Vec::new();
    for (alert, tenant) in [
        ("moved-1", contoso),
        ("elsewhere", "other-tenant"),
        ("moved-2", contoso),
    ] {
        let line = format!(
            "XADD graphsec:notifications * tenant {tenant} subscription s change_type updated \
             resource security/alerts/{alert} received_at 2026-12-01T10:00:00Z raw {{}} alert_id {alert}"
        );
        let reply = redis.command(&line).await.unwrap();
        ids.push(reply.lines().nth(1).expect("the entry's id").to_string());
    }
    let app = app_on(&redis).await;
    assert_eq!(
        redis
            .command("EXISTS graphsec:notifications")
            .await
            .unwrap(),
        ":0\r\n",
        "the old log is gone"
    );
    assert_eq!(
        redis
            .command(&format!("XLEN graphsec:{{{contoso}}}:notifications"))
            .await
            .unwrap(),
        ":2\r\n"
    );
    let (status, html) = app.get_html("/listen").await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        html.contains("moved-1") && html.contains("moved-2"),
        "{html}"
    );
    assert!(!html.contains("elsewhere"));
    for id in [&ids[0], &ids[2]] {
        assert!(
            html.contains(&format!("data-notification-id=\"{id}\"")),
            "{id} kept its id: {html}"
        );
    }
}
