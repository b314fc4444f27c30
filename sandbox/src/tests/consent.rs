//! Client credentials and admin consent.

use super::*;
use crate::users::tenant_by_key;

#[tokio::test]
async fn client_credentials_carry_roles_per_resource() {
    let h = Harness::start().await;
    let (status, body) = h
        .app_token("contoso", "https://graph.microsoft.com/.default")
        .await;
    assert_eq!(status, StatusCode::OK);
    assert!(body.get("refresh_token").is_none() && body.get("scope").is_none());
    let graph = claims(&body["access_token"]);
    assert_eq!(graph["appid"], "graphsec-sandbox");
    assert_eq!(graph["tid"], tenant_by_key("contoso").unwrap().id);
    assert!(
        graph["roles"]
            .as_array()
            .unwrap()
            .contains(&"SecurityIncident.Read.All".into())
    );
    let (_, body) = h
        .app_token(
            "fabrikam.example",
            "https://api.security.microsoft.com/.default",
        )
        .await;
    let defender = claims(&body["access_token"]);
    assert_eq!(defender["roles"], serde_json::json!(["Incident.Read.All"]));
    assert_eq!(defender["aud"], "https://api.security.microsoft.com");
    let (status, body) = h
        .app_token("common", "https://graph.microsoft.com/.default")
        .await;
    assert_eq!(
        (status, body["error"].as_str()),
        (StatusCode::BAD_REQUEST, Some("invalid_request"))
    );
    let (_, body) = h.app_token("contoso", "User.Read").await;
    assert_eq!(body["error"], "invalid_scope");
    let (_, body) = h
        .app_token("northwind", "https://graph.microsoft.com/.default")
        .await;
    assert!(claims(&body["access_token"]).get("roles").is_none());
}

#[tokio::test]
async fn admin_consent_grants_northwind_the_security_scopes() {
    let h = Harness::start().await;
    let before = h.sign_in("nestor@northwind.example", SECURITY_SCOPES).await;
    let scope = before["scope"].as_str().unwrap();
    assert!(
        !scope.contains("Security") && scope.contains("User.Read") && scope.contains("Mail.Send")
    );

    let mut consent = h.url("/common/adminconsent");
    consent.query_pairs_mut().extend_pairs([
        ("client_id", "graphsec-sandbox"),
        ("state", "ac-1"),
        ("redirect_uri", REDIRECT),
    ]);
    let page = h
        .client
        .get(consent.clone())
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(page.contains("Nestor Wilke") && !page.contains("Megan Bowen"));
    let not_admin = h
        .client
        .post(consent.clone())
        .form(&[("user", "megan@contoso.example"), ("decision", "approve")])
        .send()
        .await
        .unwrap();
    assert_eq!(not_admin.status(), StatusCode::BAD_REQUEST);
    let denied = query_map(
        &h.decide(consent.clone(), "nestor@northwind.example", "deny")
            .await,
    );
    assert_eq!(
        (denied["error"].as_str(), denied["state"].as_str()),
        ("permission_denied", "ac-1")
    );
    assert!(!h.sandbox.state().is_consented("northwind"));

    let approved = query_map(
        &h.decide(consent, "nestor@northwind.example", "approve")
            .await,
    );
    assert_eq!(approved["admin_consent"], "True");
    assert_eq!(approved["tenant"], tenant_by_key("northwind").unwrap().id);
    assert_eq!(approved["state"], "ac-1");
    assert!(h.sandbox.state().is_consented("northwind"));

    let (status, after) = h
        .refresh("northwind", before["refresh_token"].as_str().unwrap(), None)
        .await;
    assert_eq!(status, StatusCode::OK, "{after}");
    assert!(
        after["scope"]
            .as_str()
            .unwrap()
            .contains("SecurityAlert.ReadWrite.All")
    );
}
