use graphsec::config::AlertsApiKind;

use crate::browser;

#[tokio::test]
async fn sign_in_in_a_real_browser_shows_the_demo_user() {
    let session = browser::start(AlertsApiKind::V2).await;
    session.goto("/").await;
    assert_eq!(session.text("#sign-in").await, "Sign in with Microsoft");
    session.assert_clean_page().await;

    session.sign_in("megan@contoso.example").await;
    assert!(session.current_url().await.starts_with(&session.app_url));
    assert_eq!(session.text("#user-name").await, "Megan Bowen");
    assert_eq!(session.text("#user-upn").await, "megan@contoso.example");
    session.assert_clean_page().await;
    session.screenshot("home").await;

    session
        .click_and_wait("form[action='/logout'] button")
        .await;
    assert_eq!(session.text("#sign-in").await, "Sign in with Microsoft");
    session.assert_clean_page().await;
    // Signed out for real: a page that needs a user sends the browser to sign in again.
    session.goto("/alerts").await;
    session.element("#approve").await;
    assert!(!session.current_url().await.starts_with(&session.app_url));
    session.close().await;
}

#[tokio::test]
async fn a_signed_out_deep_link_to_filtered_alerts_returns_there_after_sign_in() {
    let session = browser::start(AlertsApiKind::V2).await;
    let deep = "/alerts?top=10&severity=high&upn=lee%40contoso.example";
    session.goto(deep).await;
    session
        .click(&format!(
            "input[name=user][value='{}']",
            browser::oid_of(browser::MEGAN)
        ))
        .await;
    session.click_and_wait("#approve").await;
    session.element("#signed-in-user").await;
    assert_eq!(session.current_url().await, session.url(deep));
    assert_eq!(
        session.attr("#upn", "value").await.as_deref(),
        Some("lee@contoso.example")
    );
    session.element("#alerts-table").await;
    session.assert_clean_page().await;
    session.close().await;
}

#[tokio::test]
async fn a_signed_out_deep_link_returns_there_after_sign_in() {
    let session = browser::start(AlertsApiKind::Legacy).await;
    session.goto("/admin-consent").await;
    session
        .click(&format!(
            "input[name=user][value='{}']",
            browser::oid_of("megan@contoso.example")
        ))
        .await;
    session.click("#approve").await;
    session.text("#signed-in-user").await;
    assert_eq!(session.current_url().await, session.url("/admin-consent"));
    session.assert_clean_page().await;
    session.close().await;
}
