//! The notify page says what changed: each notification shows its alert's title, severity
//! and status, and what changed since the previous state seen.

use std::time::Duration;

use graphsec::config::AlertsApiKind;
use graphsec_sandbox::security::TenantRef;
use graphsec_sandbox::seed::{AlertRecord, render};
use graphsec_sandbox::subscriptions::activity::step_matching;
use reqwest::StatusCode;
use serde_json::Value;
use time::OffsetDateTime;

use eventsource_stream::Eventsource;
use futures::StreamExt;

use crate::helpers::{TestApp, sandbox_options, select_text};
use crate::notify_support::{
    CONTOSO, change, eventually, graph_calls, next_event, open_stream, post_batch,
    spawn_notify_app, subscribe, subscribed_app, tenant_id,
};

const WAIT: Duration = Duration::from_secs(10);

fn contoso() -> TenantRef<'static> {
    TenantRef {
        key: CONTOSO,
        id: tenant_id(CONTOSO),
    }
}

/// A high-severity alert whose status is `new`, as `render` (either API's shape) shows it.
fn new_high_alert(app: &TestApp, render: fn(&AlertRecord) -> Value, new: &str) -> Value {
    app.sandbox
        .state()
        .security()
        .with_tenant(contoso(), |seed| {
            seed.alerts
                .iter()
                .map(render)
                .find(|a| a["severity"] == "high" && a["status"] == new)
                .expect("a new high-severity alert")
        })
}

/// Marks the alert updated now without changing any field the page shows.
fn touch(app: &TestApp, id: &str) {
    app.sandbox
        .state()
        .security()
        .update_alert(contoso(), id, |a| {
            a.last_update = OffsetDateTime::now_utc();
            Ok(())
        })
        .unwrap();
}

#[tokio::test]
async fn a_v2_watch_change_says_what_changed_on_the_page_and_in_the_stream() {
    let app = spawn_notify_app(AlertsApiKind::V2).await;
    app.sign_in().await;
    let response = subscribe(&app, &[("severity", "high")]).await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    let mut stream = open_stream(&app, &app.client, None).await;
    // Changes made before the watcher's first poll are its baseline, not notifications.
    let polls = || {
        app.sandbox
            .state()
            .request_count("/v1.0/security/alerts_v2")
    };
    let before = polls();
    assert!(eventually(WAIT, || async { polls() >= before + 2 }).await);

    let alert = new_high_alert(&app, render::alert_v2, "new");
    let id = alert["id"].as_str().unwrap().to_owned();
    let title = alert["title"].as_str().unwrap().to_owned();
    touch(&app, &id);
    let (_, first) = next_event(&mut stream, WAIT).await.expect("first change");
    assert_eq!(first["alertId"], id.as_str());
    let summary = &first["summary"];
    assert_eq!(summary["title"], title.as_str());
    assert_eq!(summary["severity"], "High");
    assert_eq!(summary["status"], "New");
    assert_eq!(
        summary["changes"],
        serde_json::json!([]),
        "no previous state: current values only"
    );

    step_matching(&app.sandbox.state(), CONTOSO, |a| a["id"] == id.as_str()).unwrap();
    let (event_id, second) = next_event(&mut stream, WAIT).await.expect("second change");
    let summary = &second["summary"];
    assert_eq!(summary["status"], "In progress");
    assert_eq!(summary["severityClass"], "severity severity-high");
    assert_eq!(
        summary["changes"][0].as_str().unwrap().to_lowercase(),
        "status new → in progress"
    );

    let (_, html) = app.get_html("/listen").await;
    let row = format!("#notifications [data-notification-id=\"{event_id}\"]");
    let text = select_text(&html, &row).expect("the change is listed");
    assert!(text.contains(&title), "{text}");
    assert!(
        text.contains("High") && text.contains("In progress"),
        "{text}"
    );
    let line = select_text(&html, &format!("{row} .notification-changes li")).unwrap();
    assert_eq!(line.to_lowercase(), "status new → in progress");
}

/// The `summary` events of `/listen/events` as the app's browser receives them.
async fn summary_events(app: &TestApp) -> impl futures::Stream<Item = Value> + Unpin {
    let response = app
        .client
        .get(app.url("/listen/events"))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    Box::pin(
        response
            .bytes_stream()
            .eventsource()
            .filter_map(|e| async move {
                let e = e.ok().filter(|e| e.event == "summary")?;
                serde_json::from_str(&e.data).ok()
            }),
    )
}

/// Delivers a change of `alert_id` as Graph would; returns the alert's path at Graph.
async fn deliver(
    app: &TestApp,
    sub: &graphsec_sandbox::subscriptions::SandboxSubscription,
    alert_id: &str,
) -> String {
    let client_state = sub.client_state.as_deref().unwrap();
    let item = change(&sub.id, client_state, tenant_id(CONTOSO), alert_id);
    assert_eq!(post_batch(app, vec![item]).await, StatusCode::ACCEPTED);
    format!("/v1.0/security/alerts/{alert_id}")
}

#[tokio::test]
async fn a_webhook_notification_gets_its_summary_from_one_read_of_the_alert() {
    let (app, sub) = subscribed_app().await;
    let alert = new_high_alert(&app, render::alert_legacy, "newAlert");
    let id = alert["id"].as_str().unwrap();
    let title = alert["title"].as_str().unwrap();
    let mut summaries = summary_events(&app).await;
    let path = deliver(&app, &sub, id).await;

    let update = tokio::time::timeout(WAIT, summaries.next())
        .await
        .expect("a summary event")
        .unwrap();
    assert_eq!(update["summary"]["title"], title);
    assert_eq!(update["summary"]["severity"], "High");
    assert_eq!(update["summary"]["status"], "New");
    assert_eq!(graph_calls(&app, "GET", &path), 1, "one read of the alert");

    let (_, html) = app.get_html("/listen").await;
    let row = format!(
        "#notifications [data-notification-id=\"{}\"]",
        update["id"].as_str().unwrap()
    );
    let text = select_text(&html, &row).expect("the notification is listed");
    assert!(text.contains(id) && text.contains(title), "{text}");
    assert!(text.contains("High") && text.contains("New"), "{text}");
    assert_eq!(
        graph_calls(&app, "GET", &path),
        1,
        "read once, not per page view"
    );
}

/// Contoso's first legacy alerts with titles of their own, `n` of them.
fn alerts_with_distinct_titles(app: &TestApp, n: usize) -> Vec<Value> {
    app.sandbox
        .state()
        .security()
        .with_tenant(contoso(), |seed| {
            let mut titles = std::collections::HashSet::new();
            seed.alerts
                .iter()
                .map(render::alert_legacy)
                .filter(|a| titles.insert(a["title"].to_string()))
                .take(n)
                .collect()
        })
}

/// Delivers a change of each alert in one POST, as Graph does with a burst.
async fn deliver_all(
    app: &TestApp,
    sub: &graphsec_sandbox::subscriptions::SandboxSubscription,
    alerts: &[Value],
) {
    let client_state = sub.client_state.as_deref().unwrap();
    let items = alerts
        .iter()
        .map(|a| {
            change(
                &sub.id,
                client_state,
                tenant_id(CONTOSO),
                a["id"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(post_batch(app, items).await, StatusCode::ACCEPTED);
}

#[tokio::test]
async fn the_alerts_of_a_burst_are_read_together_in_one_batch_request() {
    let (app, sub) = subscribed_app().await;
    let alerts = alerts_with_distinct_titles(&app, 3);
    let mut summaries = summary_events(&app).await;
    deliver_all(&app, &sub, &alerts).await;

    let mut titles = Vec::new();
    for _ in &alerts {
        let update = tokio::time::timeout(WAIT, summaries.next())
            .await
            .expect("a summary for every notification")
            .unwrap();
        titles.push(update["summary"]["title"].as_str().unwrap().to_string());
    }
    titles.sort();
    let mut expected: Vec<String> = alerts
        .iter()
        .map(|a| a["title"].as_str().unwrap().to_string())
        .collect();
    expected.sort();
    assert_eq!(titles, expected);
    for alert in &alerts {
        let path = format!("/v1.0/security/alerts/{}", alert["id"].as_str().unwrap());
        assert_eq!(graph_calls(&app, "GET", &path), 1, "{path} read once");
    }
    assert_eq!(
        graph_calls(&app, "POST", "/v1.0/$batch"),
        1,
        "read in one request"
    );
}

#[tokio::test]
async fn reads_past_one_batch_wait_for_graphs_budget() {
    let (app, sub) = subscribed_app().await;
    let alerts: Vec<Value> = app
        .sandbox
        .state()
        .security()
        .with_tenant(contoso(), |seed| {
            seed.alerts
                .iter()
                .take(24)
                .map(render::alert_legacy)
                .collect()
        });
    assert_eq!(alerts.len(), 24, "the seed has enough alerts");
    let mut summaries = summary_events(&app).await;
    deliver_all(&app, &sub, &alerts).await;
    for _ in &alerts {
        tokio::time::timeout(WAIT, summaries.next())
            .await
            .expect("every notification gets its summary")
            .unwrap();
    }

    let batches: Vec<_> = app
        .sandbox
        .state()
        .requests()
        .into_iter()
        .filter(|r| r.method == "POST" && r.path() == "/v1.0/$batch")
        .collect();
    let sizes: Vec<usize> = batches
        .iter()
        .map(|b| {
            let body: Value = serde_json::from_str(&b.body).unwrap();
            body["requests"].as_array().unwrap().len()
        })
        .collect();
    assert_eq!(sizes.iter().sum::<usize>(), 24, "{sizes:?}");
    assert_eq!(sizes[0], 20, "one full batch at once: {sizes:?}");
    // The other four follow at the budget's pace (100 reads a minute: 0.6 s each).
    let spread = batches.last().unwrap().received_at - batches[0].received_at;
    assert!(
        spread >= Duration::from_millis(1800),
        "{spread:?} {sizes:?}"
    );
}

#[tokio::test]
async fn a_notification_whose_alert_graph_refuses_shows_the_id_and_says_so() {
    let (app, sub) = subscribed_app().await;
    let alert = new_high_alert(&app, render::alert_legacy, "newAlert");
    let id = alert["id"].as_str().unwrap();
    app.sandbox.state().faults().fail_id(
        id,
        Some(axum::http::Method::GET),
        axum::http::StatusCode::FORBIDDEN,
    );
    let path = deliver(&app, &sub, id).await;
    let read = eventually(WAIT, || async { graph_calls(&app, "GET", &path) >= 1 }).await;
    assert!(read, "the alert was asked for");
    let shown = eventually(WAIT, || async {
        let (_, html) = app.get_html("/listen").await;
        select_text(&html, "#notifications .notification-unreadable").is_some()
    })
    .await;
    assert!(shown, "the page says the details could not be read");
    let (_, html) = app.get_html("/listen").await;
    let text = select_text(&html, "#notifications li").unwrap();
    assert!(text.contains(id), "{text}");
    assert!(text.contains("could not be read"), "{text}");
}

#[tokio::test]
async fn with_redis_a_webhook_notification_summary_is_kept_beside_the_stream() {
    let redis = crate::redis_support::RedisServer::start().await;
    let app = crate::helpers::spawn_app_with(sandbox_options(), |s| {
        s.graph.alerts_api = AlertsApiKind::Legacy;
        s.redis.url = redis.url();
    })
    .await;
    app.sign_in().await;
    assert_eq!(
        subscribe(&app, &[("severity", "high")]).await.status(),
        StatusCode::SEE_OTHER
    );
    let sub = crate::notify_support::sandbox_subscriptions(&app, CONTOSO)[0].clone();
    let alert = new_high_alert(&app, render::alert_legacy, "newAlert");
    let title = alert["title"].as_str().unwrap();
    deliver(&app, &sub, alert["id"].as_str().unwrap()).await;
    let shown = eventually(WAIT, || async {
        let (_, html) = app.get_html("/listen").await;
        select_text(&html, "#notifications .notification-title").as_deref() == Some(title)
    })
    .await;
    assert!(shown, "the page shows the summary read from Redis");
    let kept = redis
        .command(&format!(
            "HLEN graphsec:{{{}}}:notification-summaries",
            crate::notify_support::tenant_id(CONTOSO)
        ))
        .await
        .unwrap();
    assert_eq!(kept, ":1\r\n");
}
