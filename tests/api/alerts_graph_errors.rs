//! Graph failures become friendly pages: missing permissions point at admin consent, lasting
//! throttling says when to retry.

use graphsec::config::AlertsApiKind;
use graphsec_sandbox::Fault;

use crate::alerts_support::*;
use crate::helpers::{TestApp, sandbox_options, select_attr, spawn_app_with};

async fn signed_in_with_scopes(scopes: &str) -> TestApp {
    let scopes = scopes.to_string();
    let app = spawn_app_with(sandbox_options(), move |s| s.identity.scopes = scopes).await;
    app.sign_in().await;
    app
}

#[tokio::test]
async fn a_missing_security_permission_names_it_and_links_admin_consent() {
    let app = signed_in_with_scopes("openid profile offline_access User.Read Mail.Send").await;
    let (status, html) = app.get_html("/alerts").await;
    assert_eq!(status, 403);
    assert!(
        page_text(&html).contains("needs the SecurityAlert.ReadWrite.All permission"),
        "{html}"
    );
    assert_eq!(
        select_attr(&html, "#graph-notice a", "href").as_deref(),
        Some("/admin-consent")
    );
    let (status, html) = app.get_html("/incidents").await;
    assert_eq!(status, 403);
    assert!(page_text(&html).contains("SecurityIncident.Read.All"));
}

#[tokio::test]
async fn email_without_mail_send_says_why_it_failed() {
    let app = signed_in_with_scopes(
        "openid profile offline_access User.Read SecurityAlert.ReadWrite.All",
    )
    .await;
    let id = alerts(&app)[0].id.clone();
    let response = app
        .post_form(
            &format!("/alerts/{id}/email"),
            &[("recipients", "soc@contoso.example")],
        )
        .await;
    assert_eq!(response.status(), 403);
    assert!(page_text(&response.text().await.unwrap()).contains("needs the Mail.Send permission"));
    assert!(app.sandbox.state().security().outbox().is_empty());
}

#[tokio::test]
async fn lasting_throttling_says_when_to_retry() {
    let app = signed_in(AlertsApiKind::V2).await;
    for _ in 0..4 {
        app.sandbox.state().faults().push(
            "/v1.0/security/alerts_v2",
            Fault::TooManyRequests {
                retry_after_secs: 0.2,
            },
        );
    }
    let (status, html) = app.get_html("/alerts").await;
    assert_eq!(status, 429);
    let text = page_text(&html);
    assert!(
        text.contains("Microsoft Graph is throttling requests. Retry in about 1 second."),
        "{text}"
    );
    let (status, html) = app.get_html("/alerts").await;
    assert_eq!(status, 200, "the next try succeeds");
    assert!(!row_ids(&html).is_empty());
}
