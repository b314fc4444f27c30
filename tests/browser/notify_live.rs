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
    session.subscribe_to_severity("high").await;
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

/// Megan on the notify page of the legacy API, its stream live.
async fn live_notify_page() -> Session {
    let session = browser::start(AlertsApiKind::Legacy).await;
    session.sign_in(MEGAN).await;
    session.goto("/listen").await;
    session
        .wait_for_attr("#connection", "data-state", "live")
        .await;
    session
}

#[tokio::test]
async fn the_notify_page_goes_to_sign_in_once_its_session_has_ended() {
    let session = live_notify_page().await;
    // Sign out in another tab: the stream ends, its reconnect answers 401.
    let notify_tab = session.client.window().await.unwrap();
    let tab = session.client.new_window(true).await.unwrap();
    session.client.switch_to_window(tab.handle).await.unwrap();
    session.goto("/").await;
    session
        .click_and_wait("form[action='/logout'] button[type=submit]")
        .await;
    session.client.close_window().await.unwrap();
    session.client.switch_to_window(notify_tab).await.unwrap();

    let mut url = session.current_url().await;
    for _ in 0..150 {
        if !url.contains("/listen") {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
        url = session.current_url().await;
    }
    assert!(
        url.contains("/authorize"),
        "the page went to sign in, not {url}"
    );
    session.close().await;
}

#[tokio::test]
async fn the_notify_page_without_notifications_says_so() {
    let session = live_notify_page().await;
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

/// A TCP relay in front of the app, so a test can cut the browser's connections (as a network
/// drop would) and hold new ones off until it resumes. Bound on port 0; the listener it binds
/// is the one it serves.
struct Relay {
    port: u16,
    open: std::sync::Arc<std::sync::Mutex<Vec<tokio::task::AbortHandle>>>,
    paused: std::sync::Arc<std::sync::atomic::AtomicBool>,
    task: tokio::task::JoinHandle<()>,
}

impl Relay {
    async fn start(target: u16) -> Self {
        use std::sync::atomic::Ordering;
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let port = listener.local_addr().unwrap().port();
        let open = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
        let paused = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
        let (handles, held) = (open.clone(), paused.clone());
        let task = tokio::spawn(async move {
            while let Ok((mut inbound, _)) = listener.accept().await {
                if held.load(Ordering::SeqCst) {
                    continue; // dropped: the browser sees the connection fail
                }
                let relay = tokio::spawn(async move {
                    if let Ok(mut outbound) =
                        tokio::net::TcpStream::connect(("127.0.0.1", target)).await
                    {
                        let _ = tokio::io::copy_bidirectional(&mut inbound, &mut outbound).await;
                    }
                });
                handles.lock().unwrap().push(relay.abort_handle());
            }
        });
        Self {
            port,
            open,
            paused,
            task,
        }
    }

    /// Drops every open connection and refuses new ones until [`Relay::resume`].
    fn cut(&self) {
        self.paused.store(true, std::sync::atomic::Ordering::SeqCst);
        for handle in self.open.lock().unwrap().drain(..) {
            handle.abort();
        }
    }

    fn resume(&self) {
        self.paused
            .store(false, std::sync::atomic::Ordering::SeqCst);
    }
}

impl Drop for Relay {
    fn drop(&mut self) {
        self.task.abort();
        self.cut();
    }
}

/// Posts one change notification for the tenant's subscription to the app, as Graph would.
async fn deliver(session: &Session, alert_id: &str) {
    let tenant = graphsec_sandbox::users::tenant_by_key("contoso").unwrap();
    let sub = session
        .sandbox
        .state()
        .subscriptions()
        .store()
        .list(tenant.id)
        .remove(0);
    let item = serde_json::json!({
        "subscriptionId": sub.id,
        "clientState": sub.client_state,
        "changeType": "updated",
        "tenantId": tenant.id,
        "resource": format!("Security/Alerts/{alert_id}"),
        "resourceData": {"@odata.type": "#Microsoft.Graph.alert", "id": alert_id},
    });
    let status = reqwest::Client::new()
        .post(session.url("/listen"))
        .json(&serde_json::json!({ "value": [item] }))
        .send()
        .await
        .unwrap()
        .status();
    assert_eq!(status, 202);
}

#[tokio::test]
async fn after_a_dropped_connection_the_page_reconnects_and_shows_what_it_missed_once() {
    let session = browser::start(AlertsApiKind::Legacy).await;
    session.sign_in(MEGAN).await;
    subscribe_to_high_alerts(&session).await;
    let app_port: u16 = session.app_url.rsplit(':').next().unwrap().parse().unwrap();
    let relay = Relay::start(app_port).await;
    // Cookies do not depend on the port, so the session carries over to the relay's address.
    session
        .client
        .goto(&format!("http://localhost:{}/listen", relay.port))
        .await
        .unwrap();
    session
        .wait_for_attr("#connection", "data-state", "live")
        .await;
    session.mark_page().await;
    deliver(&session, "before-drop").await;
    session.wait_for_text("#notifications", "before-drop").await;

    relay.cut();
    session
        .wait_for_attr("#connection", "data-state", "reconnecting")
        .await;
    deliver(&session, "while-away-1").await;
    deliver(&session, "while-away-2").await;
    relay.resume();
    session
        .wait_for_attr("#connection", "data-state", "live")
        .await;
    session
        .wait_for_text("#notifications", "while-away-2")
        .await;
    deliver(&session, "after-return").await;
    let list = session
        .wait_for_text("#notifications", "after-return")
        .await;

    assert!(
        session.is_marked().await,
        "the page reloaded instead of reconnecting"
    );
    for alert in [
        "before-drop",
        "while-away-1",
        "while-away-2",
        "after-return",
    ] {
        assert_eq!(list.matches(alert).count(), 1, "{alert} once: {list}");
    }
    let mut ids = Vec::new();
    for item in session
        .elements("#notifications [data-notification-id]")
        .await
    {
        ids.push(item.attr("data-notification-id").await.unwrap().unwrap());
    }
    let mut unique = ids.clone();
    unique.sort();
    unique.dedup();
    assert_eq!(
        unique.len(),
        ids.len(),
        "no notification shown twice: {ids:?}"
    );
    assert_eq!(ids.len(), 4, "{ids:?}");
    // The dropped connection is reported in the console; that is expected here.
    let _ = session.console_problems().await;
    session.close().await;
}
