use fantoccini::Locator;
use graphsec::config::AlertsApiKind;
use graphsec::sandbox::subscriptions::activity::step_matching;

use crate::browser;

#[tokio::test]
async fn the_notify_page_goes_live_and_shows_a_changed_alert_as_text() {
    let session = browser::start(AlertsApiKind::Legacy).await;
    session.sign_in("megan@contoso.example").await;
    session.goto("/subscriptions").await;
    session.click("#f-severity option[value='high']").await;
    session.click("#subscribe-form button[type=submit]").await;
    session
        .text("#subscriptions-table tbody tr[data-status='active']")
        .await;
    session.assert_clean_page().await;

    session.goto("/listen").await;
    session
        .client
        .wait()
        .for_element(Locator::Css("#connection[data-state='live']"))
        .await
        .unwrap();
    assert_eq!(session.text("#connection").await, "Live");

    let changed = step_matching(&session.sandbox.state(), "contoso", |alert| {
        alert["severity"] == "high"
    })
    .expect("a high-severity alert changed");
    let link = session
        .text("#notifications li[data-notification-id] a")
        .await;
    assert_eq!(link, changed);
    session.assert_clean_page().await;
    session.screenshot("notify").await;
    session.close().await;
}
