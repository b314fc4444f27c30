//! The audit log: a record for every write the app sent to Graph (and none for reads), the
//! `/audit` page with its filters, and the exports.

use graphsec::config::AlertsApiKind;
use graphsec_sandbox::schema::security::AlertStatus;
use reqwest::StatusCode;
use scraper::{Html, Selector};

use crate::alerts_forms::update_and_follow;
use crate::alerts_support::{APIS, alerts, signed_in};
use crate::helpers::{TestApp, select_attr};
use crate::notify_support::{spawn_notify_app, subscribe};

/// Writes Graph executed, as the sandbox logged them: every request that is not a read, not a
/// batch envelope and not refused with 429 (a throttled request was never run).
pub fn executed_writes(app: &TestApp) -> usize {
    app.sandbox
        .state()
        .requests()
        .iter()
        .filter(|r| r.path().starts_with("/v1.0/") && r.path() != "/v1.0/$batch")
        .filter(|r| r.method != "GET" && r.status != Some(429))
        .count()
}

/// The rows of `#audit-table`, each as its cells' text.
pub fn audit_rows(html: &str) -> Vec<Vec<String>> {
    let doc = Html::parse_document(html);
    let rows = Selector::parse("#audit-table tbody tr").unwrap();
    let cells = Selector::parse("td").unwrap();
    doc.select(&rows)
        .map(|row| {
            row.select(&cells)
                .map(|c| c.text().collect::<String>().trim().to_string())
                .collect()
        })
        .collect()
}

/// Every audit row the signed-in user can see, following the "Older" links.
pub async fn all_audit_rows(app: &TestApp, query: &str) -> Vec<Vec<String>> {
    let mut rows = Vec::new();
    let mut path = format!("/audit?{query}");
    loop {
        let (status, html) = app.get_html(&path).await;
        assert_eq!(status, StatusCode::OK, "{path}: {html}");
        rows.extend(audit_rows(&html));
        match select_attr(&html, "#next-page", "href") {
            Some(next) => path = next,
            None => return rows,
        }
    }
}

fn new_alert(app: &TestApp) -> String {
    alerts(app)
        .into_iter()
        .find(|a| a.status == AlertStatus::New && a.assigned_to.is_none())
        .expect("a new alert")
        .id
}

#[tokio::test]
async fn an_alert_update_and_an_email_each_leave_a_record_with_graphs_answer() {
    for api in APIS {
        let app = signed_in(api).await;
        let id = new_alert(&app);
        update_and_follow(
            &app,
            &[
                ("alert_id", id.as_str()),
                ("status", "in_progress"),
                ("comment", "Looking into it"),
            ],
        )
        .await;
        let response = app
            .post_form(
                &format!("/alerts/{id}/email"),
                &[("recipients", "soc@contoso.example")],
            )
            .await;
        assert_eq!(response.status(), StatusCode::SEE_OTHER);
        let rows = all_audit_rows(&app, "").await;
        assert_eq!(rows.len(), executed_writes(&app), "{api:?}: {rows:?}");
        let email = &rows[0];
        assert!(email[1].contains("Megan Bowen"), "{email:?}");
        assert!(email[2].contains("email sent"));
        assert!(email[4].contains("soc@contoso.example"));
        assert!(email[5].contains("Succeeded (202)"));
        let update = rows
            .iter()
            .find(|r| r[2].contains("alert update"))
            .expect("an alert update row");
        assert!(update[3].contains(&id));
        assert!(
            update[4].contains("Status: New → In progress"),
            "in words on both APIs: {update:?}"
        );
        assert!(!update[6].is_empty(), "Graph's request id is kept");
        assert!(rows.iter().any(|r| r[4].contains("Looking into it")));
    }
}

#[tokio::test]
async fn reading_alerts_and_incidents_leaves_no_record() {
    let app = signed_in(AlertsApiKind::V2).await;
    for page in [
        "/alerts",
        "/incidents",
        &format!("/alerts/{}", new_alert(&app)),
    ] {
        let (status, _) = app.get_html(page).await;
        assert_eq!(status, StatusCode::OK, "{page}");
    }
    let (_, html) = app.get_html("/audit").await;
    assert!(audit_rows(&html).is_empty());
    assert!(html.contains("No matching records"));
}

#[tokio::test]
async fn a_subscription_created_and_deleted_leaves_two_records() {
    let app = spawn_notify_app(AlertsApiKind::Legacy).await;
    app.sign_in().await;
    assert_eq!(
        subscribe(&app, &[("severity", "high")]).await.status(),
        StatusCode::SEE_OTHER
    );
    let (_, html) = app.get_html("/subscriptions").await;
    let id = select_attr(
        &html,
        "#subscriptions-table tbody tr",
        "data-subscription-id",
    )
    .unwrap();
    let response = app
        .post_form(&format!("/subscriptions/{id}/delete"), &[])
        .await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    let rows = all_audit_rows(&app, "resource=subscription").await;
    let actions: Vec<&str> = rows.iter().map(|r| r[2].as_str()).collect();
    assert_eq!(actions, ["subscription deleted", "subscription created"]);
    assert!(
        rows[1][4].contains("security/alerts?$filter=severity"),
        "{rows:?}"
    );
    assert!(rows[0][5].contains("Succeeded (204)"));
    assert!(rows[1][5].contains("Succeeded (201)"));
    assert_eq!(rows.len(), executed_writes(&app));
}

#[tokio::test]
async fn the_audit_page_and_exports_honour_the_filters() {
    let app = signed_in(AlertsApiKind::V2).await;
    let ids: Vec<String> = alerts(&app)
        .into_iter()
        .filter(|a| a.status == AlertStatus::New)
        .take(2)
        .map(|a| a.id)
        .collect();
    app.sandbox.state().faults().fail_id(
        &ids[1],
        Some(axum::http::Method::PATCH),
        axum::http::StatusCode::INTERNAL_SERVER_ERROR,
    );
    update_and_follow(
        &app,
        &[
            ("alert_id", ids[0].as_str()),
            ("status", "resolved"),
            ("comment", "=HYPERLINK(\"http://x\")"),
        ],
    )
    .await;
    let failed = app
        .post_form(
            "/alerts/update",
            &[("alert_id", ids[1].as_str()), ("status", "resolved")],
        )
        .await;
    assert!(failed.status().is_server_error() || failed.status().is_client_error());

    let rows = all_audit_rows(&app, "outcome=failed").await;
    assert_eq!(rows.len(), 1, "{rows:?}");
    assert!(rows[0][3].contains(&ids[1]));
    assert!(rows[0][5].contains("Failed (500)"));
    assert!(rows[0][5].contains("internal server error"), "{rows:?}");
    let by_resource = all_audit_rows(&app, &format!("resource={}", ids[0])).await;
    assert_eq!(by_resource.len(), 2, "the update and its comment");
    assert!(all_audit_rows(&app, "who=Megan").await.len() >= 3);
    assert!(all_audit_rows(&app, "who=Nobody").await.is_empty());
    assert!(
        all_audit_rows(&app, "from=2000-01-01&to=2000-01-02")
            .await
            .is_empty()
    );

    let csv = app.get("/audit/export.csv?outcome=failed").await;
    assert_eq!(csv.status(), StatusCode::OK);
    let csv = csv.text().await.unwrap();
    assert_eq!(csv.lines().count(), 2, "{csv}");
    assert!(csv.lines().nth(1).unwrap().contains(&ids[1]));
    let all_csv = app.get("/audit/export.csv").await.text().await.unwrap();
    assert!(
        all_csv.contains("'=HYPERLINK"),
        "formulas are defused: {all_csv}"
    );
    let json: serde_json::Value = app
        .get(&format!("/audit/export.json?resource={}", ids[0]))
        .await
        .json()
        .await
        .unwrap();
    let records = json.as_array().unwrap();
    assert_eq!(records.len(), 2);
    assert!(records.iter().all(|r| r["resource_id"] == ids[0].as_str()));
    assert!(records.iter().all(|r| r["actor"]["name"] == "Megan Bowen"));

    let (status, html) = app.get_html("/audit?from=yesterday&outcome=maybe").await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(html.contains("Outcome must be succeeded or failed."));
    assert!(html.contains("value=\"yesterday\""), "what was typed stays");
}

#[tokio::test]
async fn a_renewal_by_the_background_task_is_recorded_for_the_owner() {
    let app = crate::notify_support::spawn_renewing_app().await;
    app.sign_in().await;
    subscribe(&app, &[("severity", "high")]).await;
    let renewed = crate::notify_support::eventually(std::time::Duration::from_secs(10), || async {
        !all_audit_rows(&app, "who=automatic").await.is_empty()
    })
    .await;
    assert!(renewed, "the background renewal left a record");
    let rows = all_audit_rows(&app, "who=automatic").await;
    assert!(
        rows[0][1].contains("graphsec (automatic renewal)"),
        "{rows:?}"
    );
    assert!(rows[0][2].contains("subscription renewed"));
    assert!(rows[0][5].contains("Succeeded (200)"));
}
