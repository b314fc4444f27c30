//! Bulk triage in the browser: select rows on the alert list (one by one, then all on the page)
//! and on the incident list, apply one change, read the per-item result; then find the run on
//! the audit page.

use graphsec::config::AlertsApiKind;
use graphsec_sandbox::schema::security::AlertStatus;

use crate::browser::{self, MEGAN};
use crate::sandbox_data;

#[tokio::test]
async fn rows_selected_on_the_alert_list_change_together_and_the_audit_page_shows_it() {
    let session = browser::start(AlertsApiKind::V2).await;
    session.sign_in(MEGAN).await;
    session.goto("/alerts").await;
    let boxes = session.elements("#alerts-table input.bulk-select").await;
    assert!(boxes.len() >= 2);
    boxes[0].click().await.unwrap();
    assert_eq!(session.text("#bulk-count").await, "1 selected");
    session.click("#select-all").await;
    let selected = session.text("#bulk-count").await;
    assert_eq!(selected, format!("{} selected", boxes.len()));
    let ids: Vec<String> = {
        let mut ids = Vec::new();
        for b in &boxes {
            ids.push(b.attr("value").await.unwrap().unwrap());
        }
        ids
    };
    session.choose("#bulk_status", "in_progress").await;
    session.click("#bulk_assign_to_me").await;
    session.click_and_wait("#bulk-apply").await;

    let summary = session.text("#bulk-summary").await;
    assert!(
        summary.contains(&format!("on {} selected", ids.len())),
        "{summary}"
    );
    assert_eq!(
        session.elements("#bulk-result tbody tr").await.len(),
        ids.len()
    );
    for id in &ids {
        let alert = sandbox_data::alert(&session, id);
        assert_eq!(alert.status, AlertStatus::InProgress, "{id}");
        assert_eq!(alert.assigned_to.as_deref(), Some(MEGAN));
    }
    session.assert_clean_page().await;
    session.screenshot("bulk-result").await;

    session.goto("/audit").await;
    let table = session.text("#audit-table").await;
    assert!(table.contains("bulk run on alerts"), "{table}");
    assert!(table.contains("alert update"));
    session.screenshot("audit").await;
    session.fill("#audit_resource", &ids[0]).await;
    session
        .click_and_wait("#audit-filter button[type=submit]")
        .await;
    assert_eq!(session.elements("#audit-table tbody tr").await.len(), 1);
    session.assert_clean_page().await;
    session.close().await;
}

#[tokio::test]
async fn rows_selected_on_the_incident_list_change_together() {
    let session = browser::start(AlertsApiKind::V2).await;
    session.sign_in(MEGAN).await;
    session.goto("/incidents").await;
    let boxes = session.elements("#incidents-table input.bulk-select").await;
    assert!(boxes.len() >= 2);
    let mut ids = Vec::new();
    for b in &boxes[..2] {
        b.click().await.unwrap();
        ids.push(b.attr("value").await.unwrap().unwrap());
    }
    assert_eq!(session.text("#bulk-count").await, "2 selected");
    session.choose("#bulk_status", "in_progress").await;
    session.click("#bulk_assign_to_me").await;
    session.click_and_wait("#bulk-apply").await;

    let summary = session.text("#bulk-summary").await;
    assert!(summary.contains("on 2 selected"), "{summary}");
    assert_eq!(session.elements("#bulk-result tbody tr").await.len(), 2);
    for id in &ids {
        let incident = sandbox_data::incident(&session, id);
        assert_eq!(incident.status.name(), "inProgress", "{id}");
        assert_eq!(incident.assigned_to.as_deref(), Some(MEGAN), "{id}");
    }
    session.assert_clean_page().await;
    session.close().await;
}
