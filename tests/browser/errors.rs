//! What a user sees when something is wrong: a readable message, the navigation, a way on.

use graphsec::config::AlertsApiKind;

use crate::browser::{self, MEGAN};

#[tokio::test]
async fn unknown_alerts_and_pages_get_a_readable_not_found_page() {
    let session = browser::start(AlertsApiKind::Legacy).await;
    session.sign_in(MEGAN).await;
    session.goto("/alerts/no-such-alert").await;
    let message = session.text("#error-message").await;
    assert!(message.to_lowercase().contains("no alert"), "{message}");
    assert!(!session.text("#error-request-id").await.is_empty());
    session.assert_clean_error_page(404).await;

    session.goto("/no/such/page").await;
    assert_eq!(
        session.text("#error-message").await,
        "There is no page at this address."
    );
    session.assert_clean_error_page(404).await;
    session.click_and_wait("#error ~ p a").await;
    assert_eq!(session.current_url().await, session.url("/"));
    session.close().await;
}

#[tokio::test]
async fn a_tenant_without_consent_is_told_what_is_missing_and_where_to_get_it() {
    let session = browser::start(AlertsApiKind::V2).await;
    session.sign_in("nestor@northwind.example").await;
    assert_eq!(session.current_url().await, session.url("/admin-consent"));
    assert!(
        session
            .text("#missing-scopes")
            .await
            .contains("SecurityAlert.ReadWrite.All")
    );
    session.assert_clean_page().await;

    session.goto("/alerts").await;
    let notice = session.text("#graph-notice").await;
    assert!(notice.contains("SecurityAlert.ReadWrite.All"), "{notice}");
    session.assert_clean_error_page(403).await;
    session.click_and_wait("#graph-notice a").await;
    assert_eq!(session.current_url().await, session.url("/admin-consent"));
    session.close().await;
}

/// The clean-page check can fail: an error the page logs is reported (the positive control for
/// every `assert_clean_page`), and a log that is not a list is a failure, not a clean page.
#[tokio::test]
async fn the_console_check_sees_what_a_page_logs() {
    let session = browser::start(AlertsApiKind::V2).await;
    session.goto("/").await;
    assert!(session.console_problems().await.is_empty());
    session
        .client
        .execute("console.error('graphsec-test-error'); return null;", vec![])
        .await
        .unwrap();
    let problems = session.console_problems().await;
    assert!(
        problems.iter().any(|p| p.contains("graphsec-test-error")),
        "{problems:?}"
    );
    session.close().await;

    let unreadable = std::panic::catch_unwind(|| {
        browser::browser_log_problems(&serde_json::Value::Null);
    });
    assert!(
        unreadable.is_err(),
        "an unreadable log must not pass as clean"
    );
}
