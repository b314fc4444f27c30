//! Incidents: the list and one incident with its alerts.

use graphsec::config::AlertsApiKind;
use scraper::{Html, Selector};

use crate::alerts_support::*;

fn incident_ids(html: &str) -> Vec<String> {
    let doc = Html::parse_document(html);
    let rows = Selector::parse("#incidents-table tr[data-incident-id]").unwrap();
    doc.select(&rows)
        .filter_map(|r| r.value().attr("data-incident-id").map(str::to_string))
        .collect()
}

#[tokio::test]
async fn incidents_list_and_open_with_their_alerts() {
    let app = signed_in(AlertsApiKind::V2).await;
    let incidents = app
        .sandbox
        .state()
        .security()
        .with_tenant(contoso(), |seed| seed.incidents.clone());
    let (status, html) = app.get_html("/incidents").await;
    assert_eq!(status, 200);
    assert_eq!(incident_ids(&html).len(), incidents.len().min(20));

    let (status, html) = app.get_html("/incidents?status=resolved").await;
    assert_eq!(status, 200, "{html}");
    let mut resolved: Vec<String> = incidents
        .iter()
        .filter(|i| i.status.name() == "resolved")
        .map(|i| i.id.clone())
        .collect();
    assert!(
        resolved.len() >= 2 && resolved.len() < incidents.len(),
        "the seed has resolved incidents, and others"
    );
    let mut shown = incident_ids(&html);
    shown.sort();
    resolved.sort();
    assert_eq!(shown, resolved);

    let first = &incidents[0];
    let (status, html) = app.get_html(&format!("/incidents/{}", first.id)).await;
    assert_eq!(status, 200);
    let mut shown = row_ids(&html);
    shown.sort();
    let mut want = first.alert_ids.clone();
    want.sort();
    assert_eq!(shown, want);

    let (status, _) = app.get_html("/incidents/999999").await;
    assert_eq!(status, 404);
    let (status, html) = app.get_html("/incidents?status=bogus").await;
    assert_eq!(status, 400);
    assert!(page_text(&html).contains("is not a valid incident status"));
}
