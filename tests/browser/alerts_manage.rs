//! Updating an alert through the manage form and emailing one, on both alert APIs.

use graphsec::config::AlertsApiKind;
use graphsec_sandbox::schema::security::AlertStatus;

use crate::browser::{self, MEGAN};
use crate::sandbox_data::{self, a_new_alert};

/// WebDriver's Enter key.
const ENTER: &str = "\u{E007}";

async fn update_shows_original_and_updated(api: AlertsApiKind) {
    let session = browser::start(api).await;
    session.sign_in(MEGAN).await;
    let id = a_new_alert(&session);
    session.goto("/alerts").await;
    session.fill("#alert_id", &id).await;
    let (before, after) = match api {
        AlertsApiKind::V2 => {
            session.choose("#update_status", "in_progress").await;
            session
                .choose("#update_classification", "true_positive")
                .await;
            session.choose("#update_determination", "malware").await;
            ("New", "In progress")
        }
        AlertsApiKind::Legacy => {
            session.choose("#update_status", "resolved").await;
            session.choose("#feedback", "benign_positive").await;
            ("New", "Resolved")
        }
    };
    session.fill("#comment", "Checked from the browser").await;
    session.click("#assign_to_me").await;
    session
        .click_and_wait("#manage-form button[type=submit]")
        .await;

    assert_eq!(session.text("#original-alert .alert-status").await, before);
    assert_eq!(session.text("#updated-alert .alert-status").await, after);
    assert_eq!(
        session.text("#updated-alert .alert-assigned-to").await,
        MEGAN
    );
    assert!(
        session
            .text("#updated-alert .alert-comments")
            .await
            .contains("Checked from the browser")
    );
    session.assert_clean_page().await;
    if api == AlertsApiKind::V2 {
        // The REST calls come first; the picture is of the two alerts side by side.
        session
            .client
            .execute(
                "document.getElementById('original-alert').scrollIntoView();",
                vec![],
            )
            .await
            .unwrap();
        session.screenshot("update-result").await;
    }

    let stored = sandbox_data::alert(&session, &id);
    assert_ne!(stored.status, AlertStatus::New);
    assert_eq!(stored.assigned_to.as_deref(), Some(MEGAN));
    session.close().await;
}

#[tokio::test]
async fn updating_an_alert_shows_the_original_and_the_updated_alert_on_alerts_v2() {
    update_shows_original_and_updated(AlertsApiKind::V2).await;
}

#[tokio::test]
async fn updating_an_alert_shows_the_original_and_the_updated_alert_on_the_legacy_api() {
    update_shows_original_and_updated(AlertsApiKind::Legacy).await;
}

#[tokio::test]
async fn an_unknown_alert_id_in_the_manage_form_gets_a_readable_error() {
    let session = browser::start(AlertsApiKind::V2).await;
    session.sign_in(MEGAN).await;
    session.goto("/alerts").await;
    session.fill("#alert_id", "no-such-alert").await;
    session.choose("#update_status", "resolved").await;
    session
        .click_and_wait("#manage-form button[type=submit]")
        .await;
    // Back on the form, the id kept and the reason beside it.
    let message = session.text("#alert_id ~ .invalid-feedback").await;
    assert!(message.to_lowercase().contains("no alert"), "{message}");
    assert_eq!(
        session
            .client
            .find(fantoccini::Locator::Css("#alert_id"))
            .await
            .unwrap()
            .prop("value")
            .await
            .unwrap()
            .as_deref(),
        Some("no-such-alert")
    );
    session.assert_clean_error_page(404).await;
    session.close().await;
}

async fn email_reaches_the_outbox(api: AlertsApiKind) {
    let session = browser::start(api).await;
    session.sign_in(MEGAN).await;
    let id = a_new_alert(&session);
    session.goto(&format!("/alerts/{id}")).await;
    session.assert_clean_page().await;
    if api == AlertsApiKind::V2 {
        session.screenshot("alert").await;
    }

    // Keyboard only: type the recipients and press Enter.
    session
        .fill("#recipients", "soc@contoso.example, lead@fabrikam.example")
        .await;
    session.mark_page().await;
    session
        .element("#recipients")
        .await
        .send_keys(ENTER)
        .await
        .unwrap();
    session.wait_for_new_page("pressing Enter").await;
    let status = session
        .wait_for_text("main [role=status]", "soc@contoso.example")
        .await;
    assert!(
        status.contains("sent to soc@contoso.example, lead@fabrikam.example"),
        "{status}"
    );
    assert!(
        session
            .current_url()
            .await
            .ends_with(&format!("/alerts/{id}"))
    );
    session.assert_clean_page().await;

    let outbox = session.sandbox.state().security().outbox();
    assert_eq!(outbox.len(), 1, "{api:?}");
    assert_eq!(
        outbox[0].to,
        ["soc@contoso.example", "lead@fabrikam.example"]
    );
    assert_eq!(outbox[0].from, MEGAN);
    assert!(outbox[0].content.contains(&format!("/alerts/{id}")));
    session.close().await;
}

#[tokio::test]
async fn emailing_an_alert_by_keyboard_lands_in_the_outbox_on_alerts_v2() {
    email_reaches_the_outbox(AlertsApiKind::V2).await;
}

#[tokio::test]
async fn emailing_an_alert_by_keyboard_lands_in_the_outbox_on_the_legacy_api() {
    email_reaches_the_outbox(AlertsApiKind::Legacy).await;
}
