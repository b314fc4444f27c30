//! Helpers for the notification tests: subscribing through the app, reading the event
//! stream, posting notifications as Graph would.

use std::time::Duration;

use eventsource_stream::{Event, Eventsource};
use futures::{Stream, StreamExt};
use graphsec::config::AlertsApiKind;
use graphsec::notify::model::EventId;
use graphsec::notify::storage::NotificationLog;
use graphsec::notify::storage::sqlite::SqliteLog;
use graphsec_sandbox::subscriptions::SandboxSubscription;
use reqwest::StatusCode;
use serde_json::{Value, json};
use sqlx::SqlitePool;

use crate::helpers::{TestApp, sandbox_options, spawn_app_with};

pub const CONTOSO: &str = "contoso";

/// The app on the legacy API (Graph webhooks) or v2 (polling), with fast background tasks.
pub async fn spawn_notify_app(api: AlertsApiKind) -> TestApp {
    spawn_app_with(sandbox_options(), |s| {
        s.graph.alerts_api = api;
        s.notify.poll_interval_secs = 1;
    })
    .await
}

/// A legacy-API app whose renewal task runs every second and renews every subscription (an
/// hour's lifetime, renewed two hours before expiry).
pub async fn spawn_renewing_app() -> TestApp {
    spawn_app_with(sandbox_options(), |s| {
        s.graph.alerts_api = AlertsApiKind::Legacy;
        s.notify.subscription_minutes = 60;
        s.notify.renew_before_minutes = 120;
        s.notify.renew_interval_secs = 1;
    })
    .await
}

/// Subscribes through the app's form; returns the response (a redirect on success).
pub async fn subscribe(app: &TestApp, fields: &[(&str, &str)]) -> reqwest::Response {
    app.post_form("/subscriptions", fields).await
}

/// The sandbox's live subscriptions of a tenant (it knows each clientState).
pub fn sandbox_subscriptions(app: &TestApp, tenant_key: &str) -> Vec<SandboxSubscription> {
    let tenant = graphsec_sandbox::users::tenant_by_key(tenant_key).expect("tenant");
    app.sandbox.state().subscriptions().store().list(tenant.id)
}

pub fn tenant_id(key: &str) -> &'static str {
    graphsec_sandbox::users::tenant_by_key(key)
        .expect("tenant")
        .id
}

/// Opens `/listen/events` with the client's session, optionally resuming after an id.
pub async fn open_stream(
    app: &TestApp,
    client: &reqwest::Client,
    last_event_id: Option<&str>,
) -> EventStream {
    open_stream_at(&app.url("/listen/events"), client, last_event_id).await
}

/// An open `/listen/events`, its notification events only.
pub type EventStream = std::pin::Pin<Box<dyn Stream<Item = Event> + Send>>;

/// [`open_stream`] on the instance at `url`.
pub async fn open_stream_at(
    url: &str,
    client: &reqwest::Client,
    last_event_id: Option<&str>,
) -> EventStream {
    let mut request = client.get(url);
    if let Some(id) = last_event_id {
        request = request.header("Last-Event-ID", id);
    }
    let response = request.send().await.expect("stream opens");
    assert_eq!(response.status(), StatusCode::OK);
    let content_type = response.headers()["content-type"]
        .to_str()
        .unwrap()
        .to_string();
    assert!(
        content_type.starts_with("text/event-stream"),
        "{content_type}"
    );
    Box::pin(
        response
            .bytes_stream()
            .eventsource()
            .filter_map(|e| async move { e.ok().filter(|e| e.event == "notification") }),
    )
}

/// The next notification event within `wait`, if any: its event id and data.
pub async fn next_event(
    stream: &mut (impl Stream<Item = Event> + Unpin),
    wait: Duration,
) -> Option<(String, Value)> {
    let event = tokio::time::timeout(wait, stream.next()).await.ok()??;
    let data: Value = serde_json::from_str(&event.data).expect("event data is JSON");
    assert_eq!(
        data["id"].as_str(),
        Some(event.id.as_str()),
        "data names the event id"
    );
    Some((event.id, data))
}

/// A change notification as Graph sends it.
pub fn change(subscription_id: &str, client_state: &str, tenant_id: &str, alert_id: &str) -> Value {
    json!({
        "subscriptionId": subscription_id,
        "clientState": client_state,
        "changeType": "updated",
        "tenantId": tenant_id,
        "resource": format!("Security/Alerts/{alert_id}"),
        "resourceData": {"@odata.type": "#Microsoft.Graph.alert", "id": alert_id},
    })
}

/// POSTs a batch to the app's `/listen` as Graph does.
pub async fn post_batch(app: &TestApp, items: Vec<Value>) -> StatusCode {
    post_batch_to(&app.url("/listen"), items).await
}

/// [`post_batch`] to the `/listen` at `url`.
pub async fn post_batch_to(url: &str, items: Vec<Value>) -> StatusCode {
    reqwest::Client::new()
        .post(url)
        .json(&json!({ "value": items }))
        .send()
        .await
        .unwrap()
        .status()
}

/// Waits until `check` holds, polling every 100 ms, for at most `wait`.
pub async fn eventually<F, Fut>(wait: Duration, mut check: F) -> bool
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = bool>,
{
    let deadline = tokio::time::Instant::now() + wait;
    loop {
        if check().await {
            return true;
        }
        if tokio::time::Instant::now() > deadline {
            return false;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// Signs `client` (a second browser) in as `upn` through the sandbox's authorize page.
pub async fn sign_in_client(app: &TestApp, client: &reqwest::Client, upn: &str) {
    let login = client.get(app.url("/login")).send().await.unwrap();
    let authorize = crate::helpers::location(&login);
    let approved = client
        .post(authorize)
        .form(&[("user", upn), ("decision", "approve")])
        .send()
        .await
        .unwrap();
    let callback = crate::helpers::location(&approved);
    let done = client.get(callback).send().await.unwrap();
    assert_eq!(done.status(), StatusCode::SEE_OTHER, "sign-in as {upn}");
}

/// POSTs a form as `client` (another browser), with that session's CSRF token.
pub async fn post_form_as(
    app: &TestApp,
    client: &reqwest::Client,
    path: &str,
    fields: &[(&str, &str)],
) -> reqwest::Response {
    let home = client.get(app.url("/")).send().await.unwrap();
    let html = home.text().await.unwrap();
    let token = crate::helpers::select_attr(&html, "input[name=csrf_token]", "value")
        .expect("a form with a CSRF token");
    let mut body: Vec<(&str, &str)> = fields.to_vec();
    body.push(("csrf_token", &token));
    client.post(app.url(path)).form(&body).send().await.unwrap()
}

/// The Graph requests the sandbox received with `method` on `path`.
pub fn graph_calls(app: &TestApp, method: &str, path: &str) -> usize {
    app.sandbox
        .state()
        .requests()
        .iter()
        .filter(|r| r.method == method && r.path() == path)
        .count()
}

/// The HTML of `path` as `client` (another browser) sees it.
pub async fn html_as(app: &TestApp, client: &reqwest::Client, path: &str) -> String {
    let response = client.get(app.url(path)).send().await.unwrap();
    response.text().await.unwrap()
}

/// Our id of the first subscription listed on `/subscriptions` for the app's own client.
pub async fn first_subscription_id(app: &TestApp) -> String {
    let (_, html) = app.get_html("/subscriptions").await;
    crate::helpers::select_attr(
        &html,
        "#subscriptions-table tbody tr",
        "data-subscription-id",
    )
    .expect("a subscription row")
}

/// A lifecycle notification as Graph sends it.
pub fn lifecycle(subscription_id: &str, client_state: &str, tenant_id: &str, event: &str) -> Value {
    json!({
        "subscriptionId": subscription_id,
        "clientState": client_state,
        "tenantId": tenant_id,
        "lifecycleEvent": event,
        "subscriptionExpirationDateTime": "2030-01-01T00:00:00Z",
    })
}

/// POSTs a lifecycle batch to the app's `/lifecycle` as Graph does.
pub async fn post_lifecycle(app: &TestApp, items: Vec<Value>) -> StatusCode {
    reqwest::Client::new()
        .post(app.url("/lifecycle"))
        .json(&json!({ "value": items }))
        .send()
        .await
        .unwrap()
        .status()
}

/// Catch-up reads the sandbox received: legacy alert reads of what changed since a time.
pub fn catch_up_reads(app: &TestApp) -> usize {
    app.sandbox
        .state()
        .requests()
        .iter()
        .filter(|r| {
            r.path() == "/v1.0/security/alerts" && r.path_and_query.contains("lastModifiedDateTime")
        })
        .count()
}

/// The app on the legacy API with Megan signed in and subscribed to high-severity alerts; the
/// sandbox's copy of the subscription (its id and clientState are what Graph would send).
pub async fn subscribed_app() -> (TestApp, SandboxSubscription) {
    let app = spawn_notify_app(AlertsApiKind::Legacy).await;
    app.sign_in().await;
    let created = subscribe(&app, &[("severity", "high")]).await;
    assert_eq!(created.status(), StatusCode::SEE_OTHER);
    let sub = sandbox_subscriptions(&app, CONTOSO)[0].clone();
    (app, sub)
}

/// The alert ids of every notification the database file behind `db` holds for `tenant_id`,
/// in id order (not those only in the spool yet).
pub async fn stored_alert_ids(db: &SqlitePool, tenant_id: &str) -> Vec<String> {
    SqliteLog::new(db.clone())
        .after(tenant_id, EventId::default(), u32::MAX)
        .await
        .unwrap()
        .into_iter()
        .filter_map(|n| n.alert_id)
        .collect()
}
