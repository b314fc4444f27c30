//! The notify page says what changed: each notification shows its alert's title, severity
//! and status, and what changed since the previous state seen.

use std::time::Duration;

use graphsec::config::AlertsApiKind;
use graphsec_sandbox::security::TenantRef;
use graphsec_sandbox::seed::render;
use graphsec_sandbox::subscriptions::activity::step_matching;
use reqwest::StatusCode;
use serde_json::Value;
use time::OffsetDateTime;

use crate::helpers::{TestApp, select_text};
use crate::notify_support::{
    CONTOSO, eventually, next_event, open_stream, spawn_notify_app, subscribe, tenant_id,
};

const WAIT: Duration = Duration::from_secs(10);

fn contoso() -> TenantRef<'static> {
    TenantRef {
        key: CONTOSO,
        id: tenant_id(CONTOSO),
    }
}

/// A high-severity alert whose status is new, as alerts_v2 shows it.
fn new_high_alert(app: &TestApp) -> Value {
    app.sandbox
        .state()
        .security()
        .with_tenant(contoso(), |seed| {
            seed.alerts
                .iter()
                .map(render::alert_v2)
                .find(|a| a["severity"] == "high" && a["status"] == "new")
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

    let alert = new_high_alert(&app);
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
