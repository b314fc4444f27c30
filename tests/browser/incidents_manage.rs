//! Managing an incident from its page: status, a tag and a comment, then the updated side.

use graphsec::config::AlertsApiKind;

use crate::browser::{self, MEGAN};
use crate::sandbox_data;

#[tokio::test]
async fn an_incident_is_managed_from_its_page_and_the_updated_side_shows_it() {
    let session = browser::start(AlertsApiKind::V2).await;
    session.sign_in(MEGAN).await;
    let id = "101";
    let before = sandbox_data::incident(&session, id);
    assert_ne!(before.status.name(), "awaitingAction");
    session.goto(&format!("/incidents/{id}")).await;
    session.assert_clean_page().await;
    session.screenshot("incident").await;
    session.choose("#incident_status", "awaiting_action").await;
    let tags = session
        .attr("#incident_tags", "value")
        .await
        .unwrap_or_default();
    let tags = if tags.is_empty() {
        "Escalated".to_string()
    } else {
        format!("{tags}, Escalated")
    };
    session.fill("#incident_tags", &tags).await;
    session
        .fill("#incident_comment", "Waiting for the user's manager.")
        .await;
    session
        .click_and_wait("#manage-incident-form button[type=submit]")
        .await;

    assert_eq!(
        session.text("#updated-incident .incident-status").await,
        "Awaiting action"
    );
    assert!(
        session
            .text("#updated-incident .incident-tags")
            .await
            .contains("Escalated")
    );
    assert!(
        session
            .text("#updated-incident .incident-comments")
            .await
            .contains("Waiting for the user's manager.")
    );
    assert!(
        !session
            .text("#original-incident .incident-tags")
            .await
            .contains("Escalated")
    );
    session.assert_clean_page().await;
    session.screenshot("incident-update").await;

    let stored = sandbox_data::incident(&session, id);
    assert_eq!(stored.status.name(), "awaitingAction");
    assert!(stored.custom_tags.iter().any(|t| t == "Escalated"));
    session.close().await;
}

#[tokio::test]
async fn the_determination_list_follows_the_chosen_classification() {
    let session = browser::start(AlertsApiKind::V2).await;
    session.sign_in(MEGAN).await;
    session.goto("/incidents/101").await;
    session
        .choose("#incident_classification", "false_positive")
        .await;
    let malware = session
        .attr("#incident_determination option[value=malware]", "disabled")
        .await;
    assert!(malware.is_some(), "malware cannot go with a false positive");
    let not_malicious = session
        .attr(
            "#incident_determination option[value=not_malicious]",
            "disabled",
        )
        .await;
    assert!(not_malicious.is_none());
    session.assert_clean_page().await;
    session.close().await;
}
