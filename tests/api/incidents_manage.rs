//! Managing an incident from its page: each field changed and read back from the sandbox, refused
//! pairs, tags added and removed, comments, `awaitingAction`, and the write permission.

use graphsec::config::AlertsApiKind;
use graphsec_sandbox::seed::IncidentRecord;

use crate::alerts_support::*;
use crate::helpers::{TestApp, location, sandbox_options, select_attr, spawn_app_with};

fn incident(app: &TestApp, id: &str) -> IncidentRecord {
    app.sandbox
        .state()
        .security()
        .with_tenant(contoso(), |seed| {
            seed.incidents.iter().find(|i| i.id == id).cloned()
        })
        .expect("a seeded incident")
}

/// Posts the manage form (filled as the page fills it, then `changes`); returns the status and
/// the page it leads to (the result page after a redirect).
pub async fn manage(app: &TestApp, id: &str, changes: &[(&str, &str)]) -> (u16, String) {
    let (_, page) = app.get_html(&format!("/incidents/{id}")).await;
    let current =
        |selector: &str, attr: &str| select_attr(&page, selector, attr).unwrap_or_default();
    let mut fields: Vec<(String, String)> = vec![
        (
            "status".into(),
            current("#incident_status option[selected]", "value"),
        ),
        (
            "classification".into(),
            current("#incident_classification option[selected]", "value"),
        ),
        (
            "determination".into(),
            current("#incident_determination option[selected]", "value"),
        ),
        (
            "assigned_to".into(),
            current("#incident_assigned_to", "value"),
        ),
        ("tags".into(), current("#incident_tags", "value")),
    ];
    for (name, value) in changes {
        fields.retain(|(n, _)| n != name);
        fields.push((name.to_string(), value.to_string()));
    }
    let borrowed: Vec<(&str, &str)> = fields
        .iter()
        .map(|(n, v)| (n.as_str(), v.as_str()))
        .collect();
    let response = app
        .post_form(&format!("/incidents/{id}/update"), &borrowed)
        .await;
    let status = response.status().as_u16();
    if status == 303 {
        let (status, html) = app.get_html(&location(&response)).await;
        return (status.as_u16(), html);
    }
    (status, response.text().await.unwrap())
}

#[tokio::test]
async fn an_incident_changed_field_by_field_matches_the_sandbox_state() {
    let app = signed_in(AlertsApiKind::V2).await;
    let id = "101";
    let before = incident(&app, id).status.name();
    assert_ne!(before, "resolved");
    let (status, html) = manage(&app, id, &[("status", "resolved")]).await;
    assert_eq!(status, 200, "{html}");
    assert_eq!(incident(&app, id).status.name(), "resolved");
    assert_eq!(
        text_of(&html, "#original-incident .incident-status"),
        graphsec::alerts::labels::label_of(before)
    );
    assert_eq!(
        text_of(&html, "#updated-incident .incident-status"),
        "Resolved"
    );

    manage(&app, id, &[("assigned_to", "adele@contoso.example")]).await;
    assert_eq!(
        incident(&app, id).assigned_to.as_deref(),
        Some("adele@contoso.example")
    );
    manage(&app, id, &[("assign_to_me", "on")]).await;
    assert_eq!(
        incident(&app, id).assigned_to.as_deref(),
        Some("megan@contoso.example")
    );

    let (status, html) = manage(
        &app,
        id,
        &[
            ("classification", "true_positive"),
            ("determination", "phishing"),
        ],
    )
    .await;
    assert_eq!(status, 200, "{html}");
    let stored = incident(&app, id);
    assert_eq!(
        stored.classification.map(|c| c.name()),
        Some("truePositive")
    );
    assert_eq!(stored.determination.map(|d| d.name()), Some("phishing"));
    assert_eq!(
        text_of(&html, "#updated-incident .incident-determination"),
        "Phishing"
    );
    assert_eq!(stored.last_modified_by, "megan@contoso.example");
}

#[tokio::test]
async fn a_determination_that_does_not_fit_the_classification_is_refused_readably() {
    let app = signed_in(AlertsApiKind::V2).await;
    let before = incident(&app, "104");
    let (status, html) = manage(
        &app,
        "104",
        &[
            ("classification", "false_positive"),
            ("determination", "malware"),
            ("comment", "kept"),
        ],
    )
    .await;
    assert_eq!(status, 400);
    assert!(
        page_text(&html).contains("does not go with the classification"),
        "{html}"
    );
    assert_eq!(
        text_of(&html, "#incident_comment"),
        "kept",
        "the typed comment stays"
    );
    assert_eq!(incident(&app, "104"), before, "nothing was sent");
    let patches = app
        .sandbox
        .state()
        .requests()
        .into_iter()
        .filter(|r| r.method == "PATCH")
        .count();
    assert_eq!(patches, 0);
}

#[tokio::test]
async fn tags_are_added_and_removed_and_a_comment_is_posted() {
    let app = signed_in(AlertsApiKind::V2).await;
    let id = "102";
    assert_eq!(incident(&app, id).custom_tags, ["Demo"]);
    let (status, html) = manage(
        &app,
        id,
        &[
            ("tags", "Escalated, Ransomware"),
            ("comment", "Isolated <the> device."),
        ],
    )
    .await;
    assert_eq!(status, 200, "{html}");
    let stored = incident(&app, id);
    assert_eq!(stored.custom_tags, ["Escalated", "Ransomware"]);
    assert_eq!(
        stored.comments.last().unwrap().text,
        "Isolated <the> device."
    );
    let change = text_of(&html, "#tag-change");
    assert!(
        change.contains("Tags added: Escalated, Ransomware"),
        "{change}"
    );
    assert!(change.contains("Tags removed: Demo"), "{change}");
    assert!(
        text_of(&html, "#updated-incident .incident-comments").contains("Isolated <the> device.")
    );
    assert!(!html.contains("<the>"), "the comment is escaped");
    let comment_posts = app
        .sandbox
        .state()
        .requests()
        .into_iter()
        .filter(|r| r.method == "POST" && r.path() == "/v1.0/security/incidents/102/comments")
        .count();
    assert_eq!(comment_posts, 1);

    // Each write Graph was sent is in the audit log, with what it changed.
    let records: serde_json::Value = app
        .get(&format!("/audit/export.json?resource={id}"))
        .await
        .json()
        .await
        .unwrap();
    let records = records.as_array().unwrap();
    assert_eq!(
        records.len(),
        crate::audit::executed_writes(&app),
        "{records:?}"
    );
    let actions: Vec<&str> = records
        .iter()
        .filter_map(|r| r["action"].as_str())
        .collect();
    assert!(actions.contains(&"incident update"), "{actions:?}");
    assert!(actions.contains(&"incident comment"), "{actions:?}");
    let comment = records
        .iter()
        .find(|r| r["action"] == "incident comment")
        .unwrap();
    assert_eq!(comment["comment"], "Isolated <the> device.", "{comment}");
}

#[tokio::test]
async fn awaiting_action_is_shown_offered_and_can_be_set() {
    let app = signed_in(AlertsApiKind::V2).await;
    let (_, list) = app.get_html("/incidents").await;
    assert!(page_text(&list).contains("Awaiting action"), "{list}");
    let (_, filtered) = app.get_html("/incidents?status=awaiting_action").await;
    assert!(filtered.contains("data-incident-id=\"103\""), "{filtered}");
    let (status, html) = manage(&app, "104", &[("status", "awaiting_action")]).await;
    assert_eq!(status, 200, "{html}");
    assert_eq!(incident(&app, "104").status.name(), "awaitingAction");
    assert_eq!(
        text_of(&html, "#updated-incident .incident-status"),
        "Awaiting action"
    );
    let every_call_asks = app
        .sandbox
        .state()
        .requests()
        .into_iter()
        .filter(|r| r.path().starts_with("/v1.0/"))
        .all(|r| {
            r.headers
                .iter()
                .any(|(n, v)| n == "prefer" && v.contains("include-unknown-enum-members"))
        });
    assert!(every_call_asks, "every Graph call sends the preference");
}

#[tokio::test]
async fn a_missing_write_permission_leads_to_the_admin_consent_help_and_keeps_the_form() {
    let app = spawn_app_with(sandbox_options(), |s| {
        s.identity.scopes = "openid profile offline_access User.Read SecurityAlert.ReadWrite.All \
                             SecurityIncident.Read.All"
            .into()
    })
    .await;
    app.sign_in().await;
    let (status, html) = manage(&app, "101", &[("comment", "Called the user.")]).await;
    assert_eq!(status, 403, "{html}");
    assert!(
        page_text(&html).contains("SecurityIncident.ReadWrite.All"),
        "{html}"
    );
    assert_eq!(
        select_attr(&html, "#graph-notice a", "href").as_deref(),
        Some("/admin-consent")
    );
    assert_eq!(text_of(&html, "#incident_comment"), "Called the user.");
}
