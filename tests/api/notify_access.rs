//! Who may see notifications and manage subscriptions: the security permission for every
//! notification page; renew and delete for the owner and tenant administrators only.

use graphsec::config::AlertsApiKind;
use reqwest::StatusCode;

use crate::helpers::{new_client, select_text};
use crate::notify_support::{
    CONTOSO, first_subscription_id, graph_calls, html_as, post_form_as, sandbox_subscriptions,
    sign_in_client, spawn_notify_app, subscribe,
};

/// Megan subscribes; returns our id and Graph's id of the subscription.
async fn megans_subscription(app: &crate::helpers::TestApp) -> (String, String) {
    app.sign_in().await;
    let created = subscribe(app, &[("severity", "high")]).await;
    assert_eq!(created.status(), StatusCode::SEE_OTHER);
    let id = first_subscription_id(app).await;
    (id, sandbox_subscriptions(app, CONTOSO)[0].id.clone())
}

#[tokio::test]
async fn a_colleague_cannot_renew_or_delete_another_analysts_subscription() {
    let app = spawn_notify_app(AlertsApiKind::Legacy).await;
    let (id, graph_id) = megans_subscription(&app).await;
    let alex = new_client();
    sign_in_client(&app, &alex, "alex@contoso.example").await;

    let html = html_as(&app, &alex, "/subscriptions").await;
    let actions = select_text(&html, "#subscriptions-table tbody tr td:last-child").unwrap();
    assert_eq!(actions, "owner or admin manages it", "no buttons for Alex");

    let graph_path = format!("/v1.0/subscriptions/{graph_id}");
    for action in ["renew", "delete"] {
        let response =
            post_form_as(&app, &alex, &format!("/subscriptions/{id}/{action}"), &[]).await;
        assert_eq!(response.status(), StatusCode::FORBIDDEN, "{action}");
        let page = response.text().await.unwrap();
        let message = select_text(&page, "#error-message").unwrap_or_default();
        assert!(
            message.starts_with("Only the subscription's owner or a tenant administrator"),
            "{action}: {message}"
        );
    }
    assert_eq!(
        graph_calls(&app, "PATCH", &graph_path),
        0,
        "no renewal sent"
    );
    assert_eq!(
        graph_calls(&app, "DELETE", &graph_path),
        0,
        "no deletion sent"
    );
    assert_eq!(sandbox_subscriptions(&app, CONTOSO).len(), 1);

    // Subscribing to the same filters tells Alex it exists, and changes nothing at Graph.
    let again = post_form_as(&app, &alex, "/subscriptions", &[("severity", "high")]).await;
    assert_eq!(again.status(), StatusCode::SEE_OTHER);
    assert_eq!(graph_calls(&app, "PATCH", &graph_path), 0);
    let html = html_as(&app, &alex, "/subscriptions").await;
    let notice = select_text(&html, "div.alert-info[role=status]").unwrap_or_default();
    assert!(notice.contains("already has this subscription"), "{notice}");
}

#[tokio::test]
async fn a_tenant_admin_may_renew_and_delete_and_the_owner_stays_the_owner() {
    let app = spawn_notify_app(AlertsApiKind::Legacy).await;
    let (id, graph_id) = megans_subscription(&app).await;
    let adele = new_client();
    sign_in_client(&app, &adele, "adele@contoso.example").await;
    let graph_path = format!("/v1.0/subscriptions/{graph_id}");

    let renewed = post_form_as(&app, &adele, &format!("/subscriptions/{id}/renew"), &[]).await;
    assert_eq!(renewed.status(), StatusCode::SEE_OTHER);
    assert_eq!(
        graph_calls(&app, "PATCH", &graph_path),
        1,
        "renewed at Graph"
    );
    let (_, html) = app.get_html("/subscriptions").await;
    let summary = select_text(&html, "#subscriptions-table tbody tr td:first-child").unwrap();
    assert!(summary.contains("yours"), "Megan still owns it: {summary}");

    let deleted = post_form_as(&app, &adele, &format!("/subscriptions/{id}/delete"), &[]).await;
    assert_eq!(deleted.status(), StatusCode::SEE_OTHER);
    assert_eq!(
        graph_calls(&app, "DELETE", &graph_path),
        1,
        "deleted at Graph"
    );
    assert!(sandbox_subscriptions(&app, CONTOSO).is_empty());
}

#[tokio::test]
async fn notification_pages_need_the_security_permission() {
    let app = spawn_notify_app(AlertsApiKind::Legacy).await;
    // Northwind has not consented: its admin signs in without the security permission.
    let signed_in = app.sign_in_as("nestor@northwind.example").await;
    assert_eq!(crate::helpers::location(&signed_in), "/admin-consent");
    for path in ["/listen", "/listen/events", "/subscriptions"] {
        let (status, page) = app.get_html(path).await;
        assert_eq!(status, StatusCode::FORBIDDEN, "{path}");
        let message = select_text(&page, "#error-message").unwrap_or_default();
        assert!(
            message.contains("need the SecurityEvents.ReadWrite.All permission"),
            "{path}: {message}"
        );
    }
    let create = app
        .post_form("/subscriptions", &[("severity", "high")])
        .await;
    assert_eq!(create.status(), StatusCode::FORBIDDEN);
    assert_eq!(graph_calls(&app, "POST", "/v1.0/subscriptions"), 0);
}
