//! Two instances on one Redis (a server of the test's own): what one accepts, every viewer on
//! either sees exactly once; a viewer moving to the other instance resumes with no gap and no
//! repeat.

use std::time::Duration;

use graphsec::config::AlertsApiKind;
use reqwest::StatusCode;
use serde_json::Value;

use crate::helpers::{TestApp, select_attr};
use crate::notify_support::{
    CONTOSO, change, next_event, open_stream, open_stream_at, post_batch, post_batch_to,
    sandbox_subscriptions, subscribe, tenant_id,
};
use crate::redis_support::{Instance, RedisServer, pair};

const WAIT: Duration = Duration::from_secs(10);
const QUIET: Duration = Duration::from_millis(800);

/// Instance A (signed in, subscribed to high-severity alerts) and instance B on the same
/// sandbox and Redis; `(a, b, subscription id, clientState)`. A's browser is signed in on both.
async fn two_instances(redis: &RedisServer) -> (TestApp, Instance, String, String) {
    let (a, b) = pair(redis, |s| s.graph.alerts_api = AlertsApiKind::Legacy).await;
    assert_eq!(
        subscribe(&a, &[("severity", "high")]).await.status(),
        StatusCode::SEE_OTHER
    );
    let sub = sandbox_subscriptions(&a, CONTOSO)[0].clone();
    (a, b, sub.id, sub.client_state.unwrap())
}

fn alert(data: &Value) -> &str {
    data["alertId"].as_str().unwrap()
}

#[tokio::test]
async fn a_delivery_to_one_instance_reaches_the_viewers_of_both_once() {
    let redis = RedisServer::start().await;
    let (a, b, sub, state) = two_instances(&redis).await;
    let mut on_a = open_stream(&a, &a.client, None).await;
    let mut on_b = open_stream_at(&b.url("/listen/events"), &a.client, None).await;

    let item = change(&sub, &state, tenant_id(CONTOSO), "via-b");
    assert_eq!(
        post_batch_to(&b.url("/listen"), vec![item]).await,
        StatusCode::ACCEPTED
    );

    for viewer in [&mut on_a, &mut on_b] {
        let (id, data) = next_event(viewer, WAIT).await.expect("delivered");
        assert_eq!(alert(&data), "via-b");
        assert!(id.contains('-'), "a stream id: {id}");
        assert!(next_event(viewer, QUIET).await.is_none(), "only once");
    }
}

#[tokio::test]
async fn a_viewer_moving_to_the_other_instance_resumes_without_gap_or_repeat() {
    let redis = RedisServer::start().await;
    let (a, b, sub, state) = two_instances(&redis).await;
    let tenant = tenant_id(CONTOSO);
    let mut on_b = open_stream_at(&b.url("/listen/events"), &a.client, None).await;
    assert_eq!(
        post_batch(&a, vec![change(&sub, &state, tenant, "seen-0")]).await,
        StatusCode::ACCEPTED
    );
    let (last_seen, _) = next_event(&mut on_b, WAIT).await.unwrap();
    drop(on_b);

    // Deliveries keep arriving at both instances while the viewer is away and moving.
    let listeners = [a.url("/listen"), b.url("/listen")];
    let deliver = |i: usize| {
        let item = change(&sub, &state, tenant, &format!("seen-{i}"));
        post_batch_to(&listeners[i % 2], vec![item])
    };
    for i in 1..=6 {
        assert_eq!(deliver(i).await, StatusCode::ACCEPTED);
    }
    let mut on_a = open_stream(&a, &a.client, Some(&last_seen)).await;
    for i in 7..=9 {
        assert_eq!(deliver(i).await, StatusCode::ACCEPTED);
    }
    let mut got = Vec::new();
    while let Some((_, data)) = next_event(&mut on_a, QUIET * 3).await {
        got.push(alert(&data).to_string());
    }
    let want: Vec<String> = (1..=9).map(|i| format!("seen-{i}")).collect();
    assert_eq!(got, want);
}

#[tokio::test]
async fn redis_stopped_and_restarted_loses_no_acknowledged_notification() {
    let mut redis = RedisServer::start().await;
    let (a, b, sub, state) = two_instances(&redis).await;
    let tenant = tenant_id(CONTOSO);
    let listeners = [a.url("/listen"), b.url("/listen")];
    let deliver = |i: usize| {
        let item = change(&sub, &state, tenant, &format!("kept-{i}"));
        post_batch_to(&listeners[i % 2], vec![item])
    };
    let mut acknowledged = Vec::new();
    for i in 0..4 {
        assert_eq!(deliver(i).await, StatusCode::ACCEPTED);
        acknowledged.push(format!("kept-{i}"));
    }

    redis.stop().await;
    // Graph retries what is not answered 202; nothing is acknowledged while Redis is away.
    assert_eq!(deliver(100).await, StatusCode::SERVICE_UNAVAILABLE);
    assert_eq!(deliver(101).await, StatusCode::SERVICE_UNAVAILABLE);
    let health = reqwest::get(b.url("/healthz")).await.unwrap();
    assert_eq!(health.status(), StatusCode::SERVICE_UNAVAILABLE);
    assert!(health.text().await.unwrap().contains("redis unreachable"));
    // Pages need the session store: a readable 503, not a bare error.
    let page = a.client.get(b.url("/alerts")).send().await.unwrap();
    assert_eq!(page.status(), StatusCode::SERVICE_UNAVAILABLE);
    let text = page.text().await.unwrap();
    assert!(text.contains("cannot reach its session store"), "{text}");
    redis.restart().await;

    // Graph retries until it gets a 202; every delivery ends accepted.
    let deadline = tokio::time::Instant::now() + Duration::from_secs(30);
    for i in 4..8 {
        while deliver(i).await != StatusCode::ACCEPTED {
            assert!(
                tokio::time::Instant::now() < deadline,
                "accepted again once Redis is back"
            );
            tokio::time::sleep(Duration::from_millis(200)).await;
        }
        acknowledged.push(format!("kept-{i}"));
    }
    // The same browser session works again without signing in anew.
    let (status, _) = a.get_html("/alerts").await;
    assert_eq!(status, StatusCode::OK);

    // Every acknowledged notification is in the log, in order, on both instances. A refused
    // attempt may have reached Redis all the same (its answer was lost), so a retried one may
    // show twice: Graph's own retries are at-least-once too.
    for events in [a.url("/listen/events"), b.url("/listen/events")] {
        let mut viewer = open_stream_at(&events, &a.client, Some("0")).await;
        let mut got: Vec<String> = Vec::new();
        while let Some((_, data)) = next_event(&mut viewer, QUIET * 3).await {
            let alert = alert(&data).to_string();
            if acknowledged.contains(&alert) && !got.contains(&alert) {
                got.push(alert);
            }
        }
        assert_eq!(got, acknowledged, "at {events}");
    }
}

#[tokio::test]
async fn healthz_warns_while_redis_could_lose_an_acknowledged_notification() {
    let redis = RedisServer::start().await;
    let (a, _b, _, _) = two_instances(&redis).await;
    let health = a.get("/healthz").await;
    assert_eq!(health.status(), StatusCode::OK);
    assert!(!health.text().await.unwrap().contains("warning"));

    let set = redis.command("CONFIG SET appendfsync everysec").await;
    assert_eq!(set.as_deref(), Some("+OK\r\n"));
    let health = a.get("/healthz").await;
    assert_eq!(health.status(), StatusCode::OK);
    let body = health.text().await.unwrap();
    assert!(
        body.contains("warning") && body.contains("appendfsync everysec"),
        "{body}"
    );
}

#[tokio::test]
async fn a_subscription_deleted_on_one_instance_is_refused_by_the_other() {
    let redis = RedisServer::start().await;
    let (a, b, sub, state) = two_instances(&redis).await;
    let tenant = tenant_id(CONTOSO);
    let mut on_a = open_stream(&a, &a.client, None).await;
    // B has the subscription in its cache: it accepts a delivery for it.
    let first = change(&sub, &state, tenant, "before-delete");
    assert_eq!(
        post_batch_to(&b.url("/listen"), vec![first]).await,
        StatusCode::ACCEPTED
    );
    assert_eq!(
        alert(&next_event(&mut on_a, WAIT).await.unwrap().1),
        "before-delete"
    );

    let (_, html) = a.get_html("/subscriptions").await;
    let id = select_attr(
        &html,
        "#subscriptions-table tbody tr",
        "data-subscription-id",
    )
    .unwrap();
    let deleted = a
        .post_form(&format!("/subscriptions/{id}/delete"), &[])
        .await;
    assert_eq!(deleted.status(), StatusCode::SEE_OTHER);

    let late = change(&sub, &state, tenant, "after-delete");
    post_batch_to(&b.url("/listen"), vec![late]).await;
    assert!(
        next_event(&mut on_a, QUIET).await.is_none(),
        "a deleted subscription's notification reached a viewer"
    );
}

#[tokio::test]
async fn a_write_made_on_one_instance_is_in_the_audit_log_read_on_the_other() {
    let redis = RedisServer::start().await;
    let (a, b, _, _) = two_instances(&redis).await;
    let records: Value = a
        .client
        .get(b.url("/audit/export.json"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let records = records.as_array().expect("a list of records");
    assert_eq!(records.len(), 1, "{records:?}");
    assert_eq!(records[0]["action"], "subscription created");
    assert_eq!(records[0]["status"], 201, "{}", records[0]);
    // B keeps its own data directory, so it read the record from Redis; A reads the same.
    let (_, html) = a.get_html("/audit").await;
    assert!(html.contains("subscription created"), "{html}");
}
