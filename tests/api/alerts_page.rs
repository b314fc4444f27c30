//! One alert's page leads with the facts and returns to the list it was opened from.

use graphsec::config::AlertsApiKind;

use crate::alerts_support::*;
use crate::helpers::select_attr;

#[tokio::test]
async fn the_alert_page_leads_with_the_facts() {
    let app = signed_in(AlertsApiKind::V2).await;
    let alert = alerts(&app)
        .into_iter()
        .find(|a| !a.hosts.is_empty() && !a.accounts.is_empty() && !a.mitre_techniques.is_empty())
        .expect("an alert with devices, users and techniques");
    let (status, html) = app.get_html(&format!("/alerts/{}", alert.id)).await;
    assert_eq!(status, 200);
    let facts = text_of(&html, "#alert-facts");
    for technique in &alert.mitre_techniques {
        assert!(text_of(&html, "#alert-mitre").contains(technique.as_str()));
    }
    let host = &alert.hosts[0];
    let devices = text_of(&html, "#alert-hosts");
    assert!(
        devices.contains(&host.fqdn) && devices.contains(&host.os),
        "{devices}"
    );
    assert!(
        devices.contains("Medium") && devices.contains("Suspicious"),
        "{devices}"
    );
    let users = text_of(&html, "#alert-users");
    assert!(users.contains(&alert.accounts[0].display_name), "{users}");
    assert_eq!(
        select_attr(&html, "#alert-incident", "href"),
        Some(format!("/incidents/{}", alert.incident_id))
    );
    assert!(facts.contains("First activity") && facts.contains("UTC"));
    assert!(!text_of(&html, "#alert-first-activity").is_empty());
    // The JSON stays, collapsed.
    assert!(select_attr(&html, "#alert-json-details", "open").is_none());
    assert!(text_of(&html, "#alert-json").contains(&alert.id));
    // Facts come before the forms.
    let facts_at = html.find("id=\"alert-facts\"").unwrap();
    assert!(facts_at < html.find("id=\"manage-form\"").unwrap());
}

#[tokio::test]
async fn back_returns_to_the_filtered_list() {
    let app = signed_in(AlertsApiKind::V2).await;
    let (_, list) = app
        .get_html("/alerts?top=5&severity=high&sort=status")
        .await;
    let link = select_attr(
        &list,
        "#alerts-table tr[data-alert-id] .cell-title a",
        "href",
    )
    .unwrap();
    let (status, page) = app.get_html(&link).await;
    assert_eq!(status, 200);
    assert_eq!(
        select_attr(&page, "#back-to-list", "href").as_deref(),
        Some("/alerts?top=5&severity=high&sort=status")
    );
    // Only the list can be the way back.
    let id = row_ids(&list).remove(0);
    for back in ["%2F%2Fevil.example", "x%23y", "%3Fa"] {
        let (_, page) = app.get_html(&format!("/alerts/{id}?back={back}")).await;
        assert_eq!(
            select_attr(&page, "#back-to-list", "href").as_deref(),
            Some("/alerts")
        );
    }
}
