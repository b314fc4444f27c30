//! alerts_v2 changes Graph shows late: each watch poll reaches back before its cursor, and
//! every change still arrives exactly once.

use std::time::Duration;

use graphsec::config::AlertsApiKind;
use graphsec_sandbox::security::TenantRef;
use graphsec_sandbox::subscriptions::activity::{step_matching, step_matching_dated};
use reqwest::StatusCode;
use serde_json::Value;
use time::OffsetDateTime;

use crate::helpers::TestApp;
use crate::notify_support::{
    CONTOSO, eventually, next_event, open_stream, spawn_notify_app, subscribe,
};

const WAIT: Duration = Duration::from_secs(10);
/// Long enough for a stray event already published to reach the stream.
const QUIET: Duration = Duration::from_millis(500);

/// Waits until the watcher has polled alerts_v2 `n` more times.
async fn wait_for_polls(app: &TestApp, n: u64) {
    let polls = || {
        app.sandbox
            .state()
            .request_count("/v1.0/security/alerts_v2")
    };
    let before = polls();
    assert!(
        eventually(WAIT, || async { polls() >= before + n }).await,
        "the watcher polled alerts_v2 {n} more times"
    );
}

/// When the sandbox says the alert last changed.
fn changed_at(app: &TestApp, alert_id: &str) -> OffsetDateTime {
    let tenant = graphsec_sandbox::users::tenant_by_key(CONTOSO).expect("tenant");
    let tenant = TenantRef {
        key: tenant.key,
        id: tenant.id,
    };
    let alert = app.sandbox.state().security().alert(tenant, alert_id);
    alert.expect("the alert").last_update
}

fn high(alert: &Value) -> bool {
    alert["severity"] == "high"
}

#[tokio::test]
async fn a_change_shown_late_arrives_once_and_the_overlap_repeats_nothing() {
    let app = spawn_notify_app(AlertsApiKind::V2).await;
    app.sign_in().await;
    let response = subscribe(&app, &[("severity", "high")]).await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    let watching_since = OffsetDateTime::now_utc();
    let mut stream = open_stream(&app, &app.client, None).await;
    // Two polls: the change below is dated a poll interval after the watch began.
    wait_for_polls(&app, 2).await;

    let state = app.sandbox.state();
    let normal = step_matching(&state, CONTOSO, high).expect("a high alert");
    let (first_event, data) = next_event(&mut stream, WAIT)
        .await
        .expect("the change is published");
    assert_eq!(data["alertId"], normal);

    // Dated after the watch began but before the change already read (the watch's cursor).
    let late_at = watching_since + Duration::from_millis(200);
    assert!(late_at < changed_at(&app, &normal));
    let late = step_matching_dated(&state, CONTOSO, |a| high(a) && a["id"] != normal, late_at)
        .expect("another high alert");
    let (_, data) = next_event(&mut stream, WAIT)
        .await
        .expect("the late change is published");
    assert_eq!(data["alertId"], late);

    // Both changes stay within the overlap of every poll from now on.
    wait_for_polls(&app, 3).await;
    assert!(
        next_event(&mut stream, QUIET).await.is_none(),
        "no change is published twice"
    );
    let mut stored = open_stream(&app, &app.client, Some(&first_event)).await;
    let (_, data) = next_event(&mut stored, WAIT)
        .await
        .expect("the late change is stored");
    assert_eq!(data["alertId"], late);
    assert!(
        next_event(&mut stored, QUIET).await.is_none(),
        "each change is stored once"
    );
}
