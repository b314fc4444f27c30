//! `/subscriptions` through the app against the sandbox's Graph subscriptions.

use graphsec::config::AlertsApiKind;
use reqwest::StatusCode;
use wiremock::matchers::method;
use wiremock::{Mock, MockServer, ResponseTemplate};

use crate::helpers::{sandbox_options, select_text, spawn_app_with};
use crate::notify_support::{CONTOSO, sandbox_subscriptions, spawn_notify_app, subscribe};

#[tokio::test]
async fn creating_a_subscription_through_the_app_succeeds_against_the_sandbox() {
    let app = spawn_notify_app(AlertsApiKind::Legacy).await;
    app.sign_in().await;
    let response = subscribe(
        &app,
        &[("severity", "high"), ("upn", "o'neil@contoso.example")],
    )
    .await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);

    let subs = sandbox_subscriptions(&app, CONTOSO);
    assert_eq!(subs.len(), 1);
    let sub = &subs[0];
    assert!(
        sub.resource.starts_with("security/alerts?$filter="),
        "{}",
        sub.resource
    );
    assert!(sub.filter.contains("severity eq 'high'"));
    assert!(
        sub.filter.contains("'o''neil@contoso.example'"),
        "{}",
        sub.filter
    );
    assert_eq!(sub.change_type, "updated");
    assert!(sub.notification_url.as_str().ends_with("/listen"));
    assert!(
        sub.lifecycle_url
            .as_ref()
            .unwrap()
            .as_str()
            .ends_with("/lifecycle")
    );
    let client_state = sub.client_state.as_deref().unwrap();
    assert!(client_state.len() >= 40);

    let (status, html) = app.get_html("/subscriptions").await;
    assert_eq!(status, StatusCode::OK);
    let table = select_text(&html, "#subscriptions-table").unwrap();
    assert!(table.contains("severity eq 'high'"), "{table}");
    assert!(table.contains("active"));
    assert!(table.contains("never"), "last notification column");
    assert!(
        !html.contains(client_state),
        "the clientState must stay server-side"
    );
}

#[tokio::test]
async fn the_same_filters_again_renew_instead_of_duplicating() {
    let app = spawn_notify_app(AlertsApiKind::Legacy).await;
    app.sign_in().await;
    subscribe(&app, &[("severity", "high")]).await;
    let first = sandbox_subscriptions(&app, CONTOSO)[0].clone();
    let again = subscribe(&app, &[("severity", "high")]).await;
    assert_eq!(again.status(), StatusCode::SEE_OTHER);
    let subs = sandbox_subscriptions(&app, CONTOSO);
    assert_eq!(subs.len(), 1);
    assert_eq!(subs[0].id, first.id);
    // Renewed at Graph: a PATCH of that subscription with a new expirationDateTime.
    let renewals: Vec<_> = app
        .sandbox
        .state()
        .requests()
        .into_iter()
        .filter(|r| r.method == "PATCH" && r.path() == format!("/v1.0/subscriptions/{}", first.id))
        .collect();
    assert_eq!(renewals.len(), 1, "one renewal PATCH");
    assert!(
        renewals[0].body.contains("expirationDateTime"),
        "{}",
        renewals[0].body
    );
    assert_eq!(renewals[0].status, Some(200));
    assert!(subs[0].expiration >= first.expiration);
    let (_, html) = app.get_html("/subscriptions").await;
    // The flash message, not the page's fixed help text (which also says "renewed").
    let notice = select_text(&html, "div.alert-info[role=status]").unwrap_or_default();
    assert!(
        notice.starts_with("You already had this subscription") && notice.contains("renewed until"),
        "the user is told it was renewed: {notice:?}"
    );
}

#[tokio::test]
async fn a_subscription_needs_a_filter() {
    let app = spawn_notify_app(AlertsApiKind::Legacy).await;
    app.sign_in().await;
    let response = subscribe(&app, &[("severity", "")]).await;
    assert_eq!(response.status(), StatusCode::BAD_REQUEST);
    let html = response.text().await.unwrap();
    let error = select_text(&html, "#subscribe-error").unwrap();
    assert!(error.contains("at least one filter"), "{error}");
    assert!(sandbox_subscriptions(&app, CONTOSO).is_empty());
}

#[tokio::test]
async fn a_bad_filter_value_gets_a_readable_400() {
    let app = spawn_notify_app(AlertsApiKind::Legacy).await;
    app.sign_in().await;
    let response = subscribe(&app, &[("severity", "high' or 1 eq 1")]).await;
    assert_eq!(response.status(), StatusCode::BAD_REQUEST);
    let error = select_text(&response.text().await.unwrap(), "#subscribe-error").unwrap();
    assert!(error.contains("severity"), "{error}");
}

#[tokio::test]
async fn creating_fails_with_a_clear_message_when_the_echo_is_wrong() {
    let wrong = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(200).set_body_string("not the token"))
        .mount(&wrong)
        .await;
    let html_echo = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(200).set_body_raw("token", "text/html"))
        .mount(&html_echo)
        .await;
    for (server, reason) in [(&wrong, "exactly match"), (&html_echo, "text/plain")] {
        let url = format!("{}/listen", server.uri());
        let app = spawn_app_with(sandbox_options(), |s| {
            s.graph.alerts_api = AlertsApiKind::Legacy;
            s.server.notification_url = Some(url);
        })
        .await;
        app.sign_in().await;
        let response = subscribe(&app, &[("severity", "high")]).await;
        assert_eq!(response.status(), StatusCode::BAD_REQUEST);
        let error = select_text(&response.text().await.unwrap(), "#subscribe-error").unwrap();
        assert!(error.contains("validation request failed"), "{error}");
        assert!(error.contains(reason), "{error}");
        assert!(sandbox_subscriptions(&app, CONTOSO).is_empty());
        let (_, html) = app.get_html("/subscriptions").await;
        assert!(html.contains("No subscriptions yet"));
    }
}

#[tokio::test]
async fn delete_removes_the_subscription_here_and_at_graph() {
    let app = spawn_notify_app(AlertsApiKind::Legacy).await;
    app.sign_in().await;
    subscribe(&app, &[("severity", "high")]).await;
    let (_, html) = app.get_html("/subscriptions").await;
    let id = crate::helpers::select_attr(
        &html,
        "#subscriptions-table tbody tr",
        "data-subscription-id",
    )
    .unwrap();
    let response = app
        .post_form(&format!("/subscriptions/{id}/delete"), &[])
        .await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    assert!(sandbox_subscriptions(&app, CONTOSO).is_empty());
    let (_, html) = app.get_html("/subscriptions").await;
    assert!(html.contains("No subscriptions yet"));

    let missing = app
        .post_form("/subscriptions/not-a-real-id/renew", &[])
        .await;
    assert_eq!(missing.status(), StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn a_legacy_subscription_offers_the_tenants_providers_and_the_sample_categories() {
    let app = spawn_notify_app(AlertsApiKind::Legacy).await;
    app.sign_in().await;
    let (_, html) = app.get_html("/subscriptions").await;
    let categories = select_text(&html, "select#f-category").unwrap();
    assert!(categories.contains("Any"));
    let category = graphsec::web::alerts::choices::LEGACY_CATEGORIES[0];
    assert!(categories.contains(category));
    // The providers the sandbox tenant returns, learned from Graph, not typed in.
    let provider =
        crate::helpers::select_attr(&html, "select#f-provider option:nth-child(2)", "value")
            .expect("a provider choice");
    assert!(!provider.is_empty());

    let response = subscribe(
        &app,
        &[("provider", provider.as_str()), ("category", category)],
    )
    .await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    let subs = sandbox_subscriptions(&app, CONTOSO);
    let filter = &subs[0].filter;
    assert!(
        filter.contains(&format!("vendorInformation/provider eq '{provider}'")),
        "{filter}"
    );
    assert!(
        filter.contains(&format!("category eq '{category}'")),
        "{filter}"
    );
}
