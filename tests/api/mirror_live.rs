//! The live view from the mirror: a v2 watch is a saved filter graphsec evaluates against the
//! mirror (no Graph call of its own), and incidents arrive live with what changed, from → to.

use std::time::Duration;

use graphsec_sandbox::subscriptions::activity::{step_incident, step_matching};
use reqwest::StatusCode;

use crate::helpers::select_text;
use crate::mirror_support::spawn_mirrored;
use crate::notify_support::{next_event, open_stream, subscribe};

/// Generous: the sync reads every second and watches read the mirror every second.
const WAIT: Duration = Duration::from_secs(15);

/// The alerts_v2 reads that carried a filter on `property` (a watch's own poll would).
fn filtered_reads(app: &crate::helpers::TestApp, property: &str) -> usize {
    app.sandbox
        .state()
        .requests()
        .iter()
        .filter(|r| r.path() == "/v1.0/security/alerts_v2" && r.path_and_query.contains(property))
        .count()
}

#[tokio::test]
async fn a_watch_is_matched_against_the_mirror_with_no_graph_call_of_its_own() {
    let app = spawn_mirrored().await;
    let response = subscribe(&app, &[("severity", "high")]).await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    // Creating a watch tries its filter on Graph once.
    let probes = filtered_reads(&app, "severity");
    let mut stream = open_stream(&app, &app.client, None).await;
    // The watch's first reads set its baseline.
    tokio::time::sleep(Duration::from_millis(1_500)).await;

    let id = step_matching(&app.sandbox.state(), "contoso", |a| {
        a["severity"] == "high" && a["status"] == "newAlert"
    })
    .expect("a new high-severity alert moved on");
    let (_, event) = next_event(&mut stream, WAIT)
        .await
        .expect("the change arrives");
    assert_eq!(event["alertId"], id.as_str());
    assert_eq!(event["summary"]["status"], "In progress");
    // A low-severity change is not the watch's.
    step_matching(&app.sandbox.state(), "contoso", |a| {
        a["severity"] == "low" && a["status"] == "newAlert"
    })
    .expect("a low-severity alert moved on");
    let again = step_matching(&app.sandbox.state(), "contoso", |a| a["id"] == id.as_str());
    assert!(again.is_some());
    let (_, second) = next_event(&mut stream, WAIT)
        .await
        .expect("the second change");
    assert_eq!(second["alertId"], id.as_str(), "only the watch's alerts");
    assert_eq!(
        second["summary"]["changes"][0]
            .as_str()
            .unwrap()
            .to_lowercase(),
        "status in progress → resolved"
    );
    assert_eq!(
        filtered_reads(&app, "severity"),
        probes,
        "the watch read Graph itself"
    );
}

#[tokio::test]
async fn an_incident_change_arrives_live_with_from_and_to_and_who_made_it() {
    let app = spawn_mirrored().await;
    let mut stream = open_stream(&app, &app.client, None).await;

    // Changed in the tenant: the sync finds it.
    let id = step_incident(&app.sandbox.state(), "contoso", 0).expect("an incident changed");
    let (_, event) = next_event(&mut stream, WAIT)
        .await
        .expect("the change arrives");
    assert_eq!(event["incidentId"], id.as_str());
    assert_eq!(event["incidentUrl"], format!("/incidents/{id}"));
    let line = event["summary"]["changes"][0]
        .as_str()
        .unwrap()
        .to_lowercase();
    assert!(
        line.starts_with("status ") && line.contains(" → "),
        "{line}"
    );
    assert_eq!(event["summary"]["by"], "");

    // Changed through graphsec: it says who.
    let (target, shown) = if event["summary"]["status"] == "In progress" {
        ("active", "active")
    } else {
        ("in_progress", "in progress")
    };
    let (status, html) = crate::incidents_manage::manage(&app, &id, &[("status", target)]).await;
    assert_eq!(
        status,
        200,
        "{}",
        select_text(&html, "main").unwrap_or(html.clone())
    );
    let (_, mine) = next_event(&mut stream, WAIT)
        .await
        .expect("the write arrives");
    assert_eq!(mine["incidentId"], id.as_str());
    assert_eq!(mine["summary"]["by"], "by Megan Bowen");
    assert!(
        mine["summary"]["changes"]
            .as_array()
            .unwrap()
            .iter()
            .any(|c| c
                .as_str()
                .unwrap()
                .to_lowercase()
                .ends_with(&format!("→ {shown}"))),
        "{mine}"
    );
    let (_, html) = app.get_html("/listen").await;
    let listed = select_text(&html, "#notifications .notification-incident").unwrap();
    assert_eq!(listed, format!("Incident {id}"));
    let (_, home) = app.get_html("/").await;
    let newest = select_text(&home, "#newest-notifications").unwrap();
    assert!(newest.contains(&format!("incident {id}")), "{newest}");
}
