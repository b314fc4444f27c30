//! Subscribing, then watching a change made in another tab arrive live on the notify page, on
//! both alert APIs (legacy: Graph webhooks; v2: the polling watcher).

use graphsec::config::AlertsApiKind;
use graphsec_sandbox::schema::security::{AlertSeverity, AlertStatus};

use crate::browser::{self, MEGAN, Session};
use crate::sandbox_data;

/// A high-severity contoso alert the update below really changes.
fn a_high_alert(session: &Session) -> String {
    sandbox_data::alerts(session)
        .into_iter()
        .find(|a| a.severity == AlertSeverity::High && a.status != AlertStatus::Resolved)
        .expect("an open high-severity alert")
        .id
}

async fn subscribe_to_high_alerts(session: &Session) {
    session
        .click_and_wait("#main-nav a[href='/subscriptions']")
        .await;
    session.assert_clean_page().await;
    session.choose("#f-severity", "high").await;
    session
        .click_and_wait("#subscribe-form button[type=submit]")
        .await;
    session
        .element("#subscriptions-table tr[data-subscription-id]")
        .await;
    assert!(session.elements("#subscribe-error").await.is_empty());
    session.assert_clean_page().await;
}

/// In a new tab: resolve the alert through the manage form, then close the tab.
async fn resolve_in_another_tab(session: &Session, id: &str) {
    let notify_tab = session.client.window().await.unwrap();
    let tab = session.client.new_window(true).await.unwrap();
    session.client.switch_to_window(tab.handle).await.unwrap();
    session.goto("/alerts").await;
    session.fill("#alert_id", id).await;
    session.choose("#update_status", "resolved").await;
    session
        .fill("#comment", "Resolved while the notify page watched")
        .await;
    session
        .click_and_wait("#manage-form button[type=submit]")
        .await;
    assert_eq!(
        session.text("#updated-alert .alert-status").await,
        "Resolved"
    );
    session.assert_clean_page().await;
    session.client.close_window().await.unwrap();
    session.client.switch_to_window(notify_tab).await.unwrap();
}

async fn a_change_in_another_tab_appears_live(api: AlertsApiKind) {
    let session = browser::start(api).await;
    session.sign_in(MEGAN).await;
    subscribe_to_high_alerts(&session).await;
    if api == AlertsApiKind::V2 {
        session.screenshot("subscriptions").await;
    }

    session.click_and_wait("#main-nav a[href='/listen']").await;
    session
        .wait_for_attr("#connection", "data-state", "live")
        .await;
    assert_eq!(session.text("#connection").await, "Live");
    session.assert_clean_page().await;
    // Marks this very document: if it reloads, the mark is gone.
    session.mark_page().await;

    let id = a_high_alert(&session);
    resolve_in_another_tab(&session, &id).await;

    let list = session.wait_for_text("#notifications", &id).await;
    assert!(list.contains("updated"), "{list}");
    assert!(session.elements("#notifications-empty").await.is_empty());
    assert!(
        session.is_marked().await,
        "the notify page reloaded instead of updating live"
    );
    session.assert_clean_page().await;
    if api == AlertsApiKind::V2 {
        session.screenshot("notify-events").await;
    }

    // A reload shows the history, rendered by the server, with a link to the alert.
    session.reload().await;
    let link = format!("#notifications [data-notification-id] a[href='/alerts/{id}']");
    assert_eq!(session.text(&link).await, id);
    session
        .wait_for_attr("#connection", "data-state", "live")
        .await;
    session.assert_clean_page().await;
    session.click_and_wait(&link).await;
    assert!(
        session
            .current_url()
            .await
            .ends_with(&format!("/alerts/{id}"))
    );
    session.close().await;
}

#[tokio::test]
async fn a_change_made_in_another_tab_appears_live_on_the_notify_page_with_alerts_v2() {
    a_change_in_another_tab_appears_live(AlertsApiKind::V2).await;
}

#[tokio::test]
async fn a_change_made_in_another_tab_appears_live_on_the_notify_page_with_the_legacy_api() {
    a_change_in_another_tab_appears_live(AlertsApiKind::Legacy).await;
}

#[tokio::test]
async fn the_notify_page_without_notifications_says_so() {
    let session = browser::start(AlertsApiKind::Legacy).await;
    session.sign_in(MEGAN).await;
    session.goto("/listen").await;
    session
        .wait_for_attr("#connection", "data-state", "live")
        .await;
    assert_eq!(
        session.text("#notifications-empty").await,
        "No notifications yet."
    );
    session.assert_clean_page().await;
    session.goto("/subscriptions").await;
    assert!(
        session
            .text("#subscriptions-table tbody")
            .await
            .contains("No subscriptions yet.")
    );
    session.assert_clean_page().await;
    // Subscribing to everything is refused with a reason.
    session
        .click_and_wait("#subscribe-form button[type=submit]")
        .await;
    let error = session.text("#subscribe-error").await;
    assert!(error.contains("at least one filter"), "{error}");
    session.assert_clean_error_page(400).await;
    session.close().await;
}
