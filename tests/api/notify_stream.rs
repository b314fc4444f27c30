//! The notify page and its event stream: same tenant only, live, resumable.

use std::time::Duration;

use graphsec::config::AlertsApiKind;
use reqwest::StatusCode;

use crate::helpers::{new_client, select_attr};
use crate::notify_support::{
    CONTOSO, change, next_event, open_stream, post_batch, sandbox_subscriptions, sign_in_client,
    spawn_notify_app, subscribe, tenant_id,
};

const WAIT: Duration = Duration::from_secs(10);
const QUIET: Duration = Duration::from_millis(800);

#[tokio::test]
async fn updating_an_alert_reaches_an_sse_client_of_the_same_tenant() {
    let app = spawn_notify_app(AlertsApiKind::Legacy).await;
    app.sign_in().await;
    assert_eq!(
        subscribe(&app, &[("severity", "high")]).await.status(),
        StatusCode::SEE_OTHER
    );
    let mut stream = open_stream(&app, &app.client, None).await;

    let changed = graphsec_sandbox::subscriptions::activity::step_matching(
        &app.sandbox.state(),
        CONTOSO,
        |alert| alert["severity"] == "high",
    )
    .expect("a high-severity alert changed");

    let (id, data) = next_event(&mut stream, WAIT)
        .await
        .expect("a notification arrives");
    assert!(id.parse::<u64>().is_ok_and(|id| id > 0), "{id}");
    assert_eq!(data["alertId"], changed);
    assert_eq!(data["alertUrl"], format!("/alerts/{changed}"));
    let delivered = app.sandbox.state().subscriptions().deliveries();
    assert_eq!(delivered.last().unwrap().status, Some(202));
}

#[tokio::test]
async fn forged_notifications_reach_no_sse_client() {
    let app = spawn_notify_app(AlertsApiKind::Legacy).await;
    app.sign_in().await;
    subscribe(&app, &[("severity", "high")]).await;
    let sub = &sandbox_subscriptions(&app, CONTOSO)[0];
    let state = sub.client_state.clone().unwrap();
    let tenant = tenant_id(CONTOSO);
    let mut stream = open_stream(&app, &app.client, None).await;

    let forged = vec![
        change(&sub.id, &format!("{state}x"), tenant, "forged-state"),
        change("unknown-subscription", &state, tenant, "forged-unknown"),
        change(&sub.id, &state, tenant_id("fabrikam"), "forged-tenant"),
    ];
    assert_eq!(post_batch(&app, forged).await, StatusCode::ACCEPTED);
    assert_eq!(
        post_batch(&app, vec![change(&sub.id, &state, tenant, "genuine")]).await,
        StatusCode::ACCEPTED
    );

    let (_, data) = next_event(&mut stream, WAIT)
        .await
        .expect("the genuine one arrives");
    assert_eq!(
        data["alertId"], "genuine",
        "a forged notification was streamed first"
    );
    assert!(next_event(&mut stream, QUIET).await.is_none());
}

#[tokio::test]
async fn a_user_of_another_tenant_sees_nothing() {
    let app = spawn_notify_app(AlertsApiKind::Legacy).await;
    app.sign_in().await;
    subscribe(&app, &[("severity", "high")]).await;
    let sub = &sandbox_subscriptions(&app, CONTOSO)[0];
    let state = sub.client_state.clone().unwrap();

    let other = new_client();
    sign_in_client(&app, &other, "diego@fabrikam.example").await;
    // Diego subscribes too, so his stream has something of his own to show (the positive control).
    let page = other.get(app.url("/")).send().await.unwrap();
    let token = crate::helpers::select_attr(
        &page.text().await.unwrap(),
        "input[name=csrf_token]",
        "value",
    )
    .unwrap();
    let subscribed = other
        .post(app.url("/subscriptions"))
        .form(&[("severity", "high"), ("csrf_token", token.as_str())])
        .send()
        .await
        .unwrap();
    assert_eq!(subscribed.status(), StatusCode::SEE_OTHER);
    let diegos = &sandbox_subscriptions(&app, "fabrikam")[0];
    let diegos_state = diegos.client_state.clone().unwrap();

    let mut theirs = open_stream(&app, &other, None).await;
    let mut ours = open_stream(&app, &app.client, None).await;

    let item = change(&sub.id, &state, tenant_id(CONTOSO), "contoso-only");
    assert_eq!(post_batch(&app, vec![item]).await, StatusCode::ACCEPTED);
    let item = change(
        &diegos.id,
        &diegos_state,
        tenant_id("fabrikam"),
        "fabrikam-only",
    );
    assert_eq!(post_batch(&app, vec![item]).await, StatusCode::ACCEPTED);
    assert_eq!(
        next_event(&mut ours, WAIT).await.unwrap().1["alertId"],
        "contoso-only"
    );
    // Diego's stream works (his own notification arrives) and its first event is not Contoso's.
    assert_eq!(
        next_event(&mut theirs, WAIT)
            .await
            .expect("the other tenant's stream delivers its own notification")
            .1["alertId"],
        "fabrikam-only"
    );
    assert!(next_event(&mut theirs, QUIET).await.is_none());
    assert!(next_event(&mut ours, QUIET).await.is_none());
    let html = other
        .get(app.url("/listen"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(html.contains(r#"id="notifications""#));
    assert!(html.contains("fabrikam-only"), "his own history is listed");
    assert!(!html.contains("contoso-only"));
}

#[tokio::test]
async fn last_event_id_resume_loses_nothing_and_repeats_nothing() {
    let app = spawn_notify_app(AlertsApiKind::Legacy).await;
    app.sign_in().await;
    subscribe(&app, &[("severity", "high")]).await;
    let sub = &sandbox_subscriptions(&app, CONTOSO)[0];
    let (state, tenant) = (sub.client_state.clone().unwrap(), tenant_id(CONTOSO));
    let post = |alert: &'static str| post_batch(&app, vec![change(&sub.id, &state, tenant, alert)]);

    let mut first = open_stream(&app, &app.client, None).await;
    post("a1").await;
    let (a1, _) = next_event(&mut first, WAIT).await.unwrap();
    drop(first);
    post("a2").await;
    post("a3").await;

    let mut resumed = open_stream(&app, &app.client, Some(&a1)).await;
    post("a4").await;
    let mut seen = Vec::new();
    while let Some((_, data)) = next_event(&mut resumed, QUIET).await {
        seen.push(data["alertId"].as_str().unwrap().to_string());
    }
    assert_eq!(seen, ["a2", "a3", "a4"]);
}

#[tokio::test]
async fn the_page_shows_history_escaped_with_the_stream_after_it() {
    let app = spawn_notify_app(AlertsApiKind::Legacy).await;
    app.sign_in().await;
    subscribe(&app, &[("severity", "high")]).await;
    let sub = &sandbox_subscriptions(&app, CONTOSO)[0];
    let item = change(
        &sub.id,
        sub.client_state.as_deref().unwrap(),
        tenant_id(CONTOSO),
        "<b>x</b>",
    );
    post_batch(&app, vec![item]).await;

    let (status, html) = app.get_html("/listen").await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        !html.contains("<b>x</b>"),
        "notification text rendered as markup"
    );
    let shown = crate::helpers::select_text(&html, "#notifications li a").unwrap();
    assert_eq!(shown, "<b>x</b>", "shown as text");
    let href = select_attr(&html, "#notifications li a", "href").unwrap();
    assert_eq!(href, "/alerts/%3Cb%3Ex%3C%2Fb%3E");
    assert!(html.contains(r#"id="connection""#));
    let events_url = select_attr(&html, "#notifications", "data-events-url").unwrap();
    let newest = select_attr(&html, "#notifications li", "data-notification-id").unwrap();
    assert_eq!(events_url, format!("/listen/events?after={newest}"));
    let script = select_attr(&html, "script[src*='notify.js']", "src").unwrap();
    assert!(script.starts_with("/static/notify.js?v="), "{script}");
}

#[tokio::test]
async fn the_notify_page_and_stream_need_a_signed_in_user() {
    let app = spawn_notify_app(AlertsApiKind::Legacy).await;
    let page = app.get("/listen").await;
    assert!(page.status().is_redirection(), "{}", page.status());
    // The stream cannot redirect an EventSource: it answers 401 and the page's script signs in.
    let stream = app.get("/listen/events").await;
    assert_eq!(stream.status(), StatusCode::UNAUTHORIZED);
    assert!(stream.text().await.unwrap().contains("Sign in again"));
}
