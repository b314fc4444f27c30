//! The Secure Score page, reached from the navigation and the home page's summary.

use graphsec::config::AlertsApiKind;

use crate::browser::{self, MEGAN};

#[tokio::test]
async fn the_secure_score_page_shows_the_tenant_figures_from_the_navigation() {
    let session = browser::start(AlertsApiKind::V2).await;
    session.sign_in(MEGAN).await;
    let summary = session.text("#home-secure-score").await;
    assert!(summary.contains("43.5 of 88 points"), "{summary}");
    session.assert_clean_page().await;

    session
        .click_and_wait("#main-nav a[href='/secure-score']")
        .await;
    assert_eq!(session.current_url().await, session.url("/secure-score"));
    assert_eq!(session.text("#current-score").await, "43.5");
    assert_eq!(session.text("#max-score").await, "88");
    assert_eq!(
        session
            .elements("#control-profiles tr.control-profile")
            .await
            .len(),
        12
    );
    assert_eq!(session.elements("#control-scores tbody tr").await.len(), 12);
    // Remediation is Microsoft's HTML, sanitised: nothing in it may run or load.
    assert!(session.elements(".remediation script").await.is_empty());
    assert!(session.elements(".remediation [onerror]").await.is_empty());
    session.assert_clean_page().await;
    session.screenshot("secure-score").await;
    session.close().await;
}
