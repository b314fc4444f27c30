//! The renewal task: it renews a subscription that is due, with the configured lifetime as the new
//! `expirationDateTime`, and leaves one that is not yet due alone. Runs are observed through the
//! PATCHes the sandbox receives, not by waiting.

use std::str::FromStr;
use std::time::Duration;

use graphsec::config::AlertsApiKind;
use reqwest::StatusCode;
use serde_json::Value;
use sqlx::SqlitePool;
use sqlx::sqlite::SqliteConnectOptions;
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

use crate::helpers::{TestApp, sandbox_options, spawn_app_with};
use crate::notify_support::{CONTOSO, eventually, sandbox_subscriptions, subscribe};

const WAIT: Duration = Duration::from_secs(10);
const LIFETIME_MINUTES: i64 = 60;

async fn database(app: &TestApp) -> SqlitePool {
    let options = SqliteConnectOptions::from_str("sqlite:")
        .unwrap()
        .filename(app.data_dir.path().join("graphsec.db"))
        .busy_timeout(Duration::from_secs(5));
    SqlitePool::connect_with(options).await.unwrap()
}

/// The PATCH bodies the sandbox received for one Graph subscription.
fn renewals(app: &TestApp, graph_id: &str) -> Vec<Value> {
    app.sandbox
        .state()
        .requests()
        .into_iter()
        .filter(|r| r.method == "PATCH" && r.path() == format!("/v1.0/subscriptions/{graph_id}"))
        .map(|r| serde_json::from_str(&r.body).unwrap())
        .collect()
}

/// Makes a subscription expire in ten minutes, inside the renewal window.
async fn make_due(db: &SqlitePool, graph_id: &str) {
    let soon = OffsetDateTime::now_utc() + time::Duration::minutes(10);
    let changed = sqlx::query("UPDATE subscriptions SET expires_at = ? WHERE graph_id = ?")
        .bind(soon)
        .bind(graph_id)
        .execute(db)
        .await
        .unwrap()
        .rows_affected();
    assert_eq!(changed, 1);
}

/// Waits for one renewal PATCH of `graph_id`; checks its expiry is now plus the lifetime.
async fn renewed_with_the_lifetime(app: &TestApp, graph_id: &str) {
    let asked_at = OffsetDateTime::now_utc();
    let arrived = eventually(WAIT, || async { !renewals(app, graph_id).is_empty() }).await;
    assert!(arrived, "{graph_id} was renewed");
    let answered_by = OffsetDateTime::now_utc();
    let bodies = renewals(app, graph_id);
    assert_eq!(bodies.len(), 1, "{graph_id}: {bodies:?}");
    let keys: Vec<&String> = bodies[0].as_object().unwrap().keys().collect();
    assert_eq!(keys, ["expirationDateTime"], "only the expiry is sent");
    let until =
        OffsetDateTime::parse(bodies[0]["expirationDateTime"].as_str().unwrap(), &Rfc3339).unwrap();
    let lifetime = time::Duration::minutes(LIFETIME_MINUTES);
    assert!(
        until >= asked_at + lifetime - time::Duration::seconds(2)
            && until <= answered_by + lifetime + time::Duration::seconds(1),
        "{graph_id}: expirationDateTime {until} is not now + {LIFETIME_MINUTES} minutes"
    );
    let granted = sandbox_subscriptions(app, CONTOSO)
        .into_iter()
        .find(|s| s.id == graph_id)
        .unwrap()
        .expiration;
    assert!((granted - until).abs() < time::Duration::seconds(1));
}

#[tokio::test]
async fn only_due_subscriptions_are_renewed_and_with_the_configured_lifetime() {
    let app = spawn_app_with(sandbox_options(), |s| {
        s.graph.alerts_api = AlertsApiKind::Legacy;
        s.notify.subscription_minutes = LIFETIME_MINUTES;
        s.notify.renew_before_minutes = 30;
        s.notify.renew_interval_secs = 1;
    })
    .await;
    app.sign_in().await;
    for severity in ["high", "medium", "low"] {
        let response = subscribe(&app, &[("severity", severity)]).await;
        assert_eq!(response.status(), StatusCode::SEE_OTHER);
    }
    let ids: Vec<String> = sandbox_subscriptions(&app, CONTOSO)
        .into_iter()
        .map(|s| s.id)
        .collect();
    assert_eq!(ids.len(), 3);
    let (first, later, never) = (&ids[0], &ids[1], &ids[2]);
    let db = database(&app).await;

    make_due(&db, first).await;
    renewed_with_the_lifetime(&app, first).await;
    // A second run, seen by its own PATCH: the first subscription is not due any more, and the
    // one that never was has been left alone through both runs.
    make_due(&db, later).await;
    renewed_with_the_lifetime(&app, later).await;
    assert_eq!(renewals(&app, first).len(), 1, "renewed once, then not due");
    assert!(
        renewals(&app, never).is_empty(),
        "a not-yet-due subscription was renewed"
    );
}
