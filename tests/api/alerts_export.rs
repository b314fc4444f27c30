//! Exports and resilience: every matching alert in CSV and JSON; a throttled call retried.

use std::time::Duration;

use graphsec::config::AlertsApiKind;
use graphsec_sandbox::Fault;
use graphsec_sandbox::schema::security::AlertStatus;

use crate::alerts_support::*;

#[tokio::test]
async fn export_returns_every_matching_alert() {
    for api in APIS {
        let app = signed_in(api).await;
        let new_status = if api == AlertsApiKind::Legacy {
            "new_alert"
        } else {
            "new"
        };
        let want = expected(&app, |a| a.status == AlertStatus::New);

        let response = app
            .get(&format!("/alerts/export.csv?status={new_status}"))
            .await;
        assert_eq!(response.status(), 200);
        assert!(
            response.headers()["content-type"]
                .to_str()
                .unwrap()
                .starts_with("text/csv")
        );
        let csv = response.text().await.unwrap();
        let mut lines = csv.lines();
        assert_eq!(
            lines.next(),
            Some(r#""id","title","category","severity","status","source","assigned_to","created""#)
        );
        let mut ids: Vec<String> = lines
            .map(|l| l.split(',').next().unwrap().trim_matches('"').to_string())
            .collect();
        ids.sort();
        assert_eq!(ids, want, "{api:?} csv");

        let response = app.get("/alerts/export.json").await;
        assert_eq!(response.status(), 200);
        let all: Vec<serde_json::Value> = response.json().await.unwrap();
        let mut ids: Vec<String> = all
            .iter()
            .map(|a| a["id"].as_str().expect("every alert has an id").to_string())
            .collect();
        ids.sort();
        assert_eq!(ids, expected(&app, |_| true), "{api:?} json ids");
        // Each element is that alert as Graph sent it, not only something with its id.
        let records = alerts(&app);
        for alert in &all {
            let record = records.iter().find(|r| r.id == alert["id"]).unwrap();
            assert_eq!(alert["title"], record.title.as_str(), "{api:?} json title");
            let status = match api {
                AlertsApiKind::V2 => record.status.name(),
                AlertsApiKind::Legacy => {
                    graphsec_sandbox::schema::legacy::AlertStatus::from_v2(record.status).name()
                }
            };
            assert_eq!(alert["status"], status, "{api:?} json status");
        }
    }
}

#[tokio::test]
async fn csv_quotes_titles_with_commas_and_quotes() {
    let app = signed_in(AlertsApiKind::V2).await;
    let csv = app.get("/alerts/export.csv").await.text().await.unwrap();
    assert!(
        csv.contains("\"Suspicious script <script>alert('x')</script> in an email attachment\"")
    );
    assert!(csv.contains("\"Suspected DCSync attack (replication of directory services)\""));
}

#[tokio::test]
async fn a_throttled_call_is_retried_after_retry_after_and_the_page_loads() {
    for api in APIS {
        let app = signed_in(api).await;
        let path = if api == AlertsApiKind::V2 {
            "/v1.0/security/alerts_v2"
        } else {
            "/v1.0/security/alerts"
        };
        app.get_html("/alerts").await;
        let before = app.sandbox.state().request_count(path);
        app.sandbox.state().faults().push(
            path,
            Fault::TooManyRequests {
                retry_after_secs: 1.0,
            },
        );
        let (status, html) = app.get_html("/alerts?top=5").await;
        assert_eq!(status, 200, "{api:?}: {html}");
        assert!(!row_ids(&html).is_empty());
        // Measured where Graph would see it: the retry came no sooner than Retry-After.
        let (waited, retry_after) = crate::helpers::wait_after_429(&app.sandbox, path);
        assert_eq!(retry_after, 1.0);
        assert!(
            waited >= Duration::from_secs(1),
            "{api:?} retried after {waited:?}"
        );
        assert_eq!(
            app.sandbox.state().request_count(path) - before,
            2,
            "{api:?}"
        );
    }
}
