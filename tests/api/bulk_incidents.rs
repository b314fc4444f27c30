//! Bulk changes on the incident list: per-item results with failures beside successes, each
//! write audited.

use axum::http::Method;
use graphsec::config::AlertsApiKind;
use graphsec_sandbox::schema::security::IncidentStatus;
use reqwest::StatusCode;
use scraper::{Html, Selector};

use crate::alerts_support::{contoso, signed_in};
use crate::audit::{all_audit_rows, executed_writes};
use crate::helpers::{MEGAN, TestApp, location, select_text};

pub fn incidents(app: &TestApp) -> Vec<graphsec_sandbox::seed::IncidentRecord> {
    app.sandbox
        .state()
        .security()
        .with_tenant(contoso(), |seed| seed.incidents.clone())
}

#[tokio::test]
async fn incidents_selected_on_the_list_change_together_and_a_failure_is_shown_beside_them() {
    let app = signed_in(AlertsApiKind::V2).await;
    let (_, list) = app.get_html("/incidents").await;
    let doc = Html::parse_document(&list);
    let boxes = Selector::parse("#incidents-table input[name=ids][form=bulk-form]").unwrap();
    let ids: Vec<String> = doc
        .select(&boxes)
        .take(5)
        .map(|b| b.value().attr("value").unwrap().to_string())
        .collect();
    assert_eq!(ids.len(), 5);
    let before = incidents(&app);
    app.sandbox.state().faults().fail_id(
        &ids[2],
        Some(Method::PATCH),
        axum::http::StatusCode::NOT_FOUND,
    );
    let mut fields: Vec<(&str, &str)> = ids.iter().map(|id| ("ids", id.as_str())).collect();
    fields.extend([
        ("status", "in_progress"),
        ("assign_to_me", "on"),
        ("comment", "Triaged together"),
    ]);
    let response = app.post_form("/incidents/bulk", &fields).await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    let (status, html) = app.get_html(&location(&response)).await;
    assert_eq!(status, StatusCode::OK);
    let summary = select_text(&html, "#bulk-summary").unwrap();
    assert!(
        summary.contains("4 changed, 0 unchanged, 1 failed"),
        "{summary}"
    );
    let failed = select_text(&html, "#bulk-result tr[data-result=Failed]").unwrap();
    assert!(
        failed.contains(&ids[2]) && failed.contains("not found"),
        "{failed}"
    );

    let after = incidents(&app);
    for id in &ids {
        let incident = after.iter().find(|i| &i.id == id).unwrap();
        if id == &ids[2] {
            let was = before.iter().find(|i| &i.id == id).unwrap();
            assert_eq!(
                incident.comments.len(),
                was.comments.len(),
                "nothing written"
            );
            assert_eq!(incident.status, was.status);
        } else {
            assert_eq!(incident.status, IncidentStatus::InProgress);
            assert_eq!(incident.assigned_to.as_deref(), Some(MEGAN));
            assert_eq!(incident.comments.last().unwrap().text, "Triaged together");
        }
    }
    let audit = all_audit_rows(&app, "resource=incident").await;
    assert_eq!(
        audit.len(),
        executed_writes(&app),
        "one record per incident write"
    );
    assert!(all_audit_rows(&app, "resource=bulk").await[0][2].contains("bulk run on incidents"));
}

#[tokio::test]
async fn an_alert_status_is_refused_for_incidents_and_nothing_is_sent() {
    let app = signed_in(AlertsApiKind::V2).await;
    let id = incidents(&app)[0].id.clone();
    let response = app
        .post_form(
            "/incidents/bulk",
            &[("ids", id.as_str()), ("status", "new")],
        )
        .await;
    assert_eq!(response.status(), StatusCode::BAD_REQUEST);
    let problems = select_text(&response.text().await.unwrap(), "#bulk-problems").unwrap();
    assert!(problems.contains("incident status"), "{problems}");
    assert_eq!(executed_writes(&app), 0);
}
