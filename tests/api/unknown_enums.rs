//! Values Graph adds after graphsec's lists: every call asks for them
//! (`Prefer: include-unknown-enum-members`), and a value graphsec has no label for is shown as it
//! came on every page that shows it, never an error; filters offer only documented values.

use graphsec::config::AlertsApiKind;
use graphsec_sandbox::seed::AlertRecord;

use crate::alerts_support::*;
use crate::helpers::TestApp;

/// The seeded alert from Microsoft Sentinel, a service source newer than graphsec's list.
fn sentinel_alert(app: &TestApp) -> AlertRecord {
    alerts(app)
        .into_iter()
        .find(|a| a.service_source.is_evolvable())
        .expect("the seed has an alert from a newer source")
}

#[tokio::test]
async fn an_unknown_service_source_is_shown_as_it_came_on_every_page() {
    let app = signed_in(AlertsApiKind::V2).await;
    let alert = sentinel_alert(&app);
    let row = format!("tr[data-alert-id=\"{}\"] .cell-source", alert.id);

    let (status, list) = app.get_html("/alerts?top=100").await;
    assert_eq!(status, 200);
    assert_eq!(text_of(&list, &row), "microsoftSentinel");

    let (status, detail) = app.get_html(&format!("/alerts/{}", alert.id)).await;
    assert_eq!(status, 200);
    assert!(page_text(&detail).contains("microsoftSentinel"), "{detail}");
    assert!(
        page_text(&detail).contains("scheduledAlerts"),
        "detection source in the JSON"
    );

    let (status, incident) = app
        .get_html(&format!("/incidents/{}", alert.incident_id))
        .await;
    assert_eq!(status, 200);
    assert_eq!(text_of(&incident, &row), "microsoftSentinel");

    let csv = app.get("/alerts/export.csv").await.text().await.unwrap();
    let line = csv
        .lines()
        .find(|l| l.starts_with(&format!("\"{}\"", alert.id)))
        .expect("exported");
    assert!(line.contains(",\"microsoftSentinel\","), "{line}");
    let json = app.get("/alerts/export.json").await.text().await.unwrap();
    assert!(json.contains("\"microsoftSentinel\""));
}

#[tokio::test]
async fn the_service_source_filter_offers_only_documented_values() {
    let app = signed_in(AlertsApiKind::V2).await;
    let (_, list) = app.get_html("/alerts").await;
    assert!(list.contains("value=\"microsoft_defender_for_endpoint\""));
    assert!(!list.contains("value=\"microsoft_sentinel\""));
    let (status, _) = app
        .get_html("/alerts?service_source=microsoft_sentinel")
        .await;
    assert_eq!(status, 400);
}
