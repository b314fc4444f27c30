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

    session.click("form[action='/logout'] button").await;
    assert_eq!(session.text("#sign-in").await, "Sign in with Microsoft");
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
