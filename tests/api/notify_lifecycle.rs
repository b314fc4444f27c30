//! Renewal, lifecycle events, restart durability and the v2 watcher.

use std::time::Duration;

use graphsec::config::AlertsApiKind;
use reqwest::StatusCode;
use time::OffsetDateTime;

use crate::helpers::{
    new_client, sandbox_options, sandbox_settings, select_attr, spawn_app_with, start,
};
use graphsec_sandbox::subscriptions::activity::step_matching;

use crate::notify_support::{
    CONTOSO, change, eventually, next_event, open_stream, post_batch, sandbox_subscriptions,
    sign_in_client, spawn_notify_app, subscribe, tenant_id,
};

const WAIT: Duration = Duration::from_secs(10);

/// The status and lifecycle cells of the first subscription row, as `client` sees them.
async fn row_state(app: &crate::helpers::TestApp, client: &reqwest::Client) -> (String, String) {
    let html = crate::notify_support::html_as(app, client, "/subscriptions").await;
    let status =
        select_attr(&html, "#subscriptions-table tbody tr", "data-status").unwrap_or_default();
    let lifecycle =
        crate::helpers::select_text(&html, "#subscriptions-table tbody tr td:nth-child(7)")
            .unwrap_or_default();
    (status, lifecycle)
}

#[tokio::test]
async fn reauthorization_required_renews_the_subscription() {
    let app = spawn_notify_app(AlertsApiKind::Legacy).await;
    app.sign_in().await;
    subscribe(&app, &[("severity", "high")]).await;
    let sub = sandbox_subscriptions(&app, CONTOSO)[0].clone();
    let soon = OffsetDateTime::now_utc() + time::Duration::hours(1);
    let sandbox = app.sandbox.state();
    let store = sandbox.subscriptions();
    store.store().renew(&sub.tenant_id, &sub.id, soon);

    let answer = store
        .lifecycle_event(&sub.id, "reauthorizationRequired")
        .await;
    assert_eq!(answer, Some(202));
    let renewed = eventually(WAIT, || async {
        let now = sandbox_subscriptions(&app, CONTOSO);
        now.first()
            .is_some_and(|s| s.expiration > soon + time::Duration::hours(1))
    })
    .await;
    assert!(renewed, "the app renewed the subscription at Graph");
    let (status, lifecycle) = row_state(&app, &app.client).await;
    assert_eq!(status, "active");
    assert_eq!(lifecycle, "reauthorizationRequired");
}

#[tokio::test]
async fn subscription_removed_marks_it_and_catches_up_on_missed_changes() {
    let app = spawn_notify_app(AlertsApiKind::Legacy).await;
    app.sign_in().await;
    subscribe(&app, &[("severity", "high")]).await;
    let sub = sandbox_subscriptions(&app, CONTOSO)[0].clone();
    let mut stream = open_stream(&app, &app.client, None).await;

    // Graph loses the way to us: the change below is never delivered.
    let sandbox = app.sandbox.state();
    let mut unreachable = sub.clone();
    unreachable.notification_url = url::Url::parse("http://127.0.0.1:9/listen").unwrap();
    sandbox.subscriptions().store().insert(unreachable);
    let changed = step_matching(&sandbox, CONTOSO, |a| a["severity"] == "high").unwrap();
    let failed = eventually(WAIT, || async {
        let deliveries = sandbox.subscriptions().deliveries();
        deliveries
            .iter()
            .any(|d| d.subscription_id == sub.id && d.status.is_none())
    })
    .await;
    assert!(failed, "the delivery to the dead URL was attempted");

    let answer = sandbox
        .subscriptions()
        .lifecycle_event(&sub.id, "subscriptionRemoved")
        .await;
    assert_eq!(answer, Some(202));
    // Marked removed once Graph confirms it no longer has the subscription.
    let removed = eventually(WAIT, || async {
        row_state(&app, &app.client).await == ("removed".into(), "subscriptionRemoved".into())
    })
    .await;
    assert!(removed, "{:?}", row_state(&app, &app.client).await);
    let confirmations =
        crate::notify_support::graph_calls(&app, "GET", &format!("/v1.0/subscriptions/{}", sub.id));
    assert_eq!(confirmations, 1, "the removal was confirmed with Graph");

    let (_, data) = next_event(&mut stream, WAIT)
        .await
        .expect("the catch-up read published the missed change");
    assert_eq!(data["alertId"], changed);
    assert_eq!(data["resource"], format!("security/alerts/{changed}"));

    // Renewing a removed subscription creates it at Graph again.
    let id = crate::notify_support::first_subscription_id(&app).await;
    let renew = app
        .post_form(&format!("/subscriptions/{id}/renew"), &[])
        .await;
    assert_eq!(renew.status(), StatusCode::SEE_OTHER);
    let again = sandbox_subscriptions(&app, CONTOSO);
    assert_eq!(again.len(), 1, "created again at Graph");
    assert_ne!(again[0].id, sub.id);
    assert_ne!(
        again[0].client_state, sub.client_state,
        "with a fresh clientState"
    );
    assert_eq!(row_state(&app, &app.client).await.0, "active");
}

#[tokio::test]
async fn the_renewal_task_renews_and_marks_what_it_cannot_renew() {
    let app = crate::notify_support::spawn_renewing_app().await;
    app.sign_in().await;
    subscribe(&app, &[("severity", "high")]).await;
    let sub = sandbox_subscriptions(&app, CONTOSO)[0].clone();
    let renewed = eventually(WAIT, || async {
        let patches = app.sandbox.state().requests();
        patches.iter().any(|r| {
            r.method == "PATCH" && r.path_and_query == format!("/v1.0/subscriptions/{}", sub.id)
        })
    })
    .await;
    assert!(renewed, "the renewal task renewed at Graph");

    let signed_out = app.post_form("/logout", &[]).await;
    assert!(signed_out.status().is_redirection());
    let colleague = new_client();
    sign_in_client(&app, &colleague, "adele@contoso.example").await;
    let failed = eventually(WAIT, || async {
        row_state(&app, &colleague).await.0 == "renewal-failed"
    })
    .await;
    assert!(
        failed,
        "a subscription whose owner signed out is marked renewal-failed"
    );
}

#[tokio::test]
async fn a_notification_answered_202_survives_a_restart() {
    let mut app = spawn_notify_app(AlertsApiKind::Legacy).await;
    app.sign_in().await;
    subscribe(&app, &[("severity", "high")]).await;
    let sub = sandbox_subscriptions(&app, CONTOSO)[0].clone();
    let item = change(
        &sub.id,
        sub.client_state.as_deref().unwrap(),
        tenant_id(CONTOSO),
        "durable-1",
    );
    assert_eq!(post_batch(&app, vec![item]).await, StatusCode::ACCEPTED);

    app.server.abort();
    // The server task has ended once its handle resolves (cancelled), not after a guessed delay.
    assert!((&mut app.server).await.unwrap_err().is_cancelled());
    let mut settings = sandbox_settings(&app.sandbox, app.data_dir.path());
    settings.graph.alerts_api = AlertsApiKind::Legacy;
    let (port, _, _server) = start(settings).await;
    let client = new_client();
    let restarted = format!("http://localhost:{port}");
    let login = client
        .get(format!("{restarted}/login"))
        .send()
        .await
        .unwrap();
    let authorize = crate::helpers::location(&login);
    let approved = client
        .post(authorize)
        .form(&[("user", crate::helpers::MEGAN), ("decision", "approve")])
        .send()
        .await
        .unwrap();
    client
        .get(crate::helpers::location(&approved))
        .send()
        .await
        .unwrap();
    let html = client
        .get(format!("{restarted}/listen"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        html.contains("durable-1"),
        "the stored notification is listed after the restart"
    );
}

#[tokio::test]
async fn the_v2_watcher_publishes_a_changed_alert() {
    let app = spawn_notify_app(AlertsApiKind::V2).await;
    app.sign_in().await;
    let response = subscribe(&app, &[("severity", "high")]).await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    assert!(
        sandbox_subscriptions(&app, CONTOSO).is_empty(),
        "v2 uses a watch, not a Graph webhook"
    );
    let (_, html) = app.get_html("/subscriptions").await;
    assert!(html.contains("alerts_v2 watch"));

    let mut stream = open_stream(&app, &app.client, None).await;
    // A watcher poll sets its baseline; a change made before it would be that baseline. The
    // watcher polls one at a time, so once a second poll arrives the first has been read.
    let polls = |app: &crate::helpers::TestApp| {
        app.sandbox
            .state()
            .request_count("/v1.0/security/alerts_v2")
    };
    let before = polls(&app);
    assert!(
        eventually(WAIT, || async { polls(&app) >= before + 2 }).await,
        "the watcher polled alerts_v2"
    );
    let changed = graphsec_sandbox::subscriptions::activity::step_matching(
        &app.sandbox.state(),
        CONTOSO,
        |a| a["severity"] == "high",
    )
    .unwrap();
    let (_, data) = next_event(&mut stream, WAIT)
        .await
        .expect("the watcher published the change");
    assert_eq!(data["alertId"], changed);
    assert_eq!(data["resource"], format!("security/alerts_v2/{changed}"));
    let polled = app.sandbox.state().requests().iter().any(|r| {
        r.path_and_query.starts_with("/v1.0/security/alerts_v2?")
            && r.path_and_query.contains("lastUpdateDateTime")
    });
    assert!(polled);
}

#[tokio::test]
async fn with_redis_sessions_the_renewal_task_still_finds_the_owner_token() {
    let redis = crate::redis_support::RedisServer::start().await;
    let app = spawn_app_with(sandbox_options(), |s| {
        s.graph.alerts_api = AlertsApiKind::Legacy;
        s.redis.url = redis.url();
        s.notify.subscription_minutes = 60;
        s.notify.renew_before_minutes = 120;
        s.notify.renew_interval_secs = 1;
    })
    .await;
    app.sign_in().await;
    subscribe(&app, &[("severity", "high")]).await;
    let sub = sandbox_subscriptions(&app, CONTOSO)[0].clone();
    let renewed = eventually(WAIT, || async {
        let path = format!("/v1.0/subscriptions/{}", sub.id);
        let requests = app.sandbox.state().requests();
        requests
            .iter()
            .any(|r| r.method == "PATCH" && r.path_and_query == path)
    })
    .await;
    assert!(
        renewed,
        "renewed with the owner's token from the Redis session"
    );
    assert_eq!(row_state(&app, &app.client).await.0, "active");
}
