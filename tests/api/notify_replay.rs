//! Notifications that could be replayed or inflated, and lifecycle events in bursts, across
//! a restart, and when they claim a removal Graph denies.

use std::time::Duration;

use graphsec::config::AlertsApiKind;
use reqwest::StatusCode;

use crate::helpers::{new_client, sandbox_options, sandbox_settings, spawn_app_with, start};
use crate::notify_support::{
    CONTOSO, catch_up_reads, change, eventually, graph_calls, lifecycle, post_batch,
    post_lifecycle, sandbox_subscriptions, sign_in_client, subscribe, subscribed_app, tenant_id,
};

const WAIT: Duration = Duration::from_secs(10);

#[tokio::test]
async fn a_burst_of_missed_events_leads_to_one_catch_up_read() {
    let (app, sub) = subscribed_app().await;
    let state = sub.client_state.clone().unwrap();
    let missed = || lifecycle(&sub.id, &state, tenant_id(CONTOSO), "missed");
    let burst = (0..5).map(|_| missed()).collect();
    assert_eq!(post_lifecycle(&app, burst).await, StatusCode::ACCEPTED);

    assert!(eventually(WAIT, || async { catch_up_reads(&app) >= 1 }).await);
    // Give any further (wrong) catch-up the time the first one took, several times over.
    tokio::time::sleep(Duration::from_secs(1)).await;
    assert_eq!(catch_up_reads(&app), 1, "one catch-up for the burst");
}

#[tokio::test]
async fn a_removal_graph_denies_is_checked_and_the_subscription_stays() {
    let (app, sub) = subscribed_app().await;
    let state = sub.client_state.clone().unwrap();
    let removed = lifecycle(&sub.id, &state, tenant_id(CONTOSO), "subscriptionRemoved");
    assert_eq!(
        post_lifecycle(&app, vec![removed]).await,
        StatusCode::ACCEPTED
    );

    let path = format!("/v1.0/subscriptions/{}", sub.id);
    assert!(eventually(WAIT, || async { graph_calls(&app, "GET", &path) == 1 }).await);
    let (_, html) = app.get_html("/subscriptions").await;
    let status = crate::helpers::select_attr(&html, "#subscriptions-table tbody tr", "data-status");
    assert_eq!(status.as_deref(), Some("active"));
    assert_eq!(sandbox_subscriptions(&app, CONTOSO).len(), 1);
}

#[tokio::test]
async fn lifecycle_work_answered_202_is_done_after_a_restart() {
    let options = sandbox_options();
    let fast = |s: &mut graphsec::config::Settings| {
        s.graph.alerts_api = AlertsApiKind::Legacy;
        s.notify.renew_interval_secs = 1;
    };
    let mut app = spawn_app_with(options, fast).await;
    app.sign_in().await;
    subscribe(&app, &[("severity", "high")]).await;
    let sub = sandbox_subscriptions(&app, CONTOSO)[0].clone();
    let state = sub.client_state.clone().unwrap();
    // The owner signs out: the catch-up cannot be made now, the work waits.
    assert!(
        app.post_form("/logout", &[])
            .await
            .status()
            .is_redirection()
    );
    let missed = lifecycle(&sub.id, &state, tenant_id(CONTOSO), "missed");
    assert_eq!(
        post_lifecycle(&app, vec![missed]).await,
        StatusCode::ACCEPTED
    );
    app.server.abort();
    assert!((&mut app.server).await.unwrap_err().is_cancelled());
    assert_eq!(catch_up_reads(&app), 0);

    let mut settings = sandbox_settings(&app.sandbox, app.data_dir.path());
    fast(&mut settings);
    let (port, _, _server) = start(settings).await;
    let restarted = crate::helpers::TestApp {
        address: format!("http://localhost:{port}"),
        port,
        ..app
    };
    let owner = new_client();
    sign_in_client(&restarted, &owner, crate::helpers::MEGAN).await;
    // The owner's session is on record again once the owner opens the subscriptions page.
    let page = owner
        .get(restarted.url("/subscriptions"))
        .send()
        .await
        .unwrap();
    assert_eq!(page.status(), StatusCode::OK);
    assert!(
        eventually(WAIT, || async { catch_up_reads(&restarted) == 1 }).await,
        "the catch-up stored before the restart was made after it"
    );
}

#[tokio::test]
async fn a_replayed_notification_is_stored_once() {
    let (app, sub) = subscribed_app().await;
    let state = sub.client_state.clone().unwrap();
    let item = change(&sub.id, &state, tenant_id(CONTOSO), "replayed-1");
    for _ in 0..3 {
        assert_eq!(
            post_batch(&app, vec![item.clone(), item.clone()]).await,
            StatusCode::ACCEPTED
        );
    }
    let (_, html) = app.get_html("/listen").await;
    assert_eq!(html.matches("data-notification-id").count(), 1, "{html}");
    assert!(html.contains("replayed-1"));
}
