//! Limits of the live stream: streams per session and in all, how far a resume reaches back,
//! and a stream ending with its session.

use std::time::Duration;

use eventsource_stream::Eventsource;
use futures::StreamExt;
use graphsec::config::AlertsApiKind;
use reqwest::StatusCode;

use crate::helpers::{TestApp, new_client, sandbox_options, spawn_app_with};
use crate::notify_support::{
    CONTOSO, change, post_batch, sandbox_subscriptions, sign_in_client, subscribe, tenant_id,
};

const WAIT: Duration = Duration::from_secs(10);

async fn limited_app(per_session: usize, total: usize, window: u32) -> TestApp {
    spawn_app_with(sandbox_options(), |s| {
        s.graph.alerts_api = AlertsApiKind::Legacy;
        s.notify.max_streams_per_session = per_session;
        s.notify.max_streams = total;
        s.notify.resume_window = window;
    })
    .await
}

async fn open(app: &TestApp, client: &reqwest::Client) -> reqwest::Response {
    client.get(app.url("/listen/events")).send().await.unwrap()
}

#[tokio::test]
async fn streams_beyond_the_session_and_global_caps_are_refused_with_a_readable_429() {
    let app = limited_app(2, 3, 1000).await;
    app.sign_in().await;
    let first = open(&app, &app.client).await;
    let _second = open(&app, &app.client).await;
    assert_eq!(first.status(), StatusCode::OK);
    let third = open(&app, &app.client).await;
    assert_eq!(third.status(), StatusCode::TOO_MANY_REQUESTS);
    let message = third.text().await.unwrap();
    assert!(
        message.contains("already has 2 live notification views open"),
        "{message}"
    );

    let other = new_client();
    sign_in_client(&app, &other, "adele@contoso.example").await;
    let _theirs = open(&app, &other).await;
    let over = open(&app, &other).await;
    assert_eq!(over.status(), StatusCode::TOO_MANY_REQUESTS);
    let message = over.text().await.unwrap();
    assert!(
        message.contains("as many live notification views as it can (3)"),
        "{message}"
    );

    // A closed stream frees its place.
    drop(first);
    let mut reopened = StatusCode::TOO_MANY_REQUESTS;
    for _ in 0..50 {
        reopened = open(&app, &app.client).await.status();
        if reopened == StatusCode::OK {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert_eq!(reopened, StatusCode::OK);
}

#[tokio::test]
async fn a_resume_from_too_far_back_starts_at_the_window_and_says_so() {
    let app = limited_app(5, 100, 3).await;
    app.sign_in().await;
    subscribe(&app, &[("severity", "high")]).await;
    let sub = sandbox_subscriptions(&app, CONTOSO)[0].clone();
    let state = sub.client_state.clone().unwrap();
    let batch = (1..=5)
        .map(|i| change(&sub.id, &state, tenant_id(CONTOSO), &format!("late-{i}")))
        .collect();
    assert_eq!(post_batch(&app, batch).await, StatusCode::ACCEPTED);

    let response = app
        .client
        .get(app.url("/listen/events"))
        .header("Last-Event-ID", "0")
        .send()
        .await
        .unwrap();
    let mut events = response.bytes_stream().eventsource();
    let mut seen = Vec::new();
    while seen.len() < 4 {
        let event = tokio::time::timeout(WAIT, events.next())
            .await
            .expect("events in time")
            .expect("the stream stays open")
            .unwrap();
        match event.event.as_str() {
            "gap" => seen.push(event.data),
            "notification" => {
                let data: serde_json::Value = serde_json::from_str(&event.data).unwrap();
                seen.push(data["alertId"].as_str().unwrap().to_string());
            }
            _ => {}
        }
    }
    assert_eq!(
        seen,
        [
            "Older notifications are on the history page.",
            "late-3",
            "late-4",
            "late-5"
        ]
    );
}

#[tokio::test]
async fn signing_out_ends_the_stream_and_a_reconnect_is_told_to_sign_in() {
    let app = limited_app(5, 100, 1000).await;
    app.sign_in().await;
    let response = open(&app, &app.client).await;
    assert_eq!(response.status(), StatusCode::OK);
    let mut body = response.bytes_stream();

    let signed_out = app.post_form("/logout", &[]).await;
    assert!(signed_out.status().is_redirection());
    let ended = tokio::time::timeout(WAIT, async {
        while let Some(chunk) = body.next().await {
            if chunk.is_err() {
                break;
            }
        }
    })
    .await;
    assert!(ended.is_ok(), "the stream ended with its session");

    let again = open(&app, &app.client).await;
    assert_eq!(again.status(), StatusCode::UNAUTHORIZED);
    assert!(again.text().await.unwrap().contains("Sign in again"));
}
