use std::time::Duration;

use graphsec::config::AlertsApiKind;
use graphsec_sandbox::SandboxOptions;
use reqwest::StatusCode;
use url::Url;

use crate::helpers::{
    MEGAN, location, new_client, sandbox_options, select_text, spawn_app, spawn_app_with, urlencode,
};

const NORTHWIND_ADMIN: &str = "nestor@northwind.example";

fn query(url: &Url, name: &str) -> Option<String> {
    url.query_pairs()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.into_owned())
}

#[tokio::test]
async fn sign_in_with_pkce_lands_on_the_signed_in_home_page() {
    let app = spawn_app().await;
    let authorize = app.begin_sign_in(None).await;
    assert!(
        authorize
            .as_str()
            .starts_with(app.sandbox.authority().as_str())
    );
    assert_eq!(
        query(&authorize, "code_challenge_method").as_deref(),
        Some("S256")
    );
    assert!(query(&authorize, "code_challenge").is_some_and(|c| c.len() >= 43));
    assert!(query(&authorize, "nonce").is_some());
    assert!(
        query(&authorize, "scope")
            .unwrap()
            .contains("offline_access")
    );
    assert_eq!(
        query(&authorize, "redirect_uri").unwrap(),
        format!("http://localhost:{}/login/authorized", app.port)
    );

    let callback = app.approve(&authorize, MEGAN).await;
    let response = app.client.get(callback).send().await.unwrap();
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    assert_eq!(location(&response), "/");

    let (status, html) = app.get_html("/").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(
        select_text(&html, "#user-name").as_deref(),
        Some("Megan Bowen")
    );
    assert_eq!(select_text(&html, "#user-upn").as_deref(), Some(MEGAN));
    assert!(!select_text(&html, "#user-tenant").unwrap().is_empty());
}

#[tokio::test]
async fn a_deep_link_returns_there_after_sign_in() {
    let app = spawn_app().await;
    let authorize = app.begin_sign_in(Some("/admin-consent?x=1")).await;
    let callback = app.approve(&authorize, MEGAN).await;
    let response = app.client.get(callback).send().await.unwrap();
    assert_eq!(location(&response), "/admin-consent?x=1");
}

#[tokio::test]
async fn a_signed_out_visit_to_a_protected_page_is_sent_to_sign_in_with_the_way_back() {
    let app = spawn_app().await;
    let response = app.get("/admin-consent?a=b").await;
    assert_eq!(
        location(&response),
        format!("/login?next={}", urlencode("/admin-consent?a=b"))
    );
}

#[tokio::test]
async fn a_callback_with_a_wrong_or_missing_state_is_refused() {
    let app = spawn_app().await;
    let authorize = app.begin_sign_in(None).await;
    let callback = app.approve(&authorize, MEGAN).await;
    let code = query(&callback, "code").unwrap();

    for bad in [
        format!("/login/authorized?code={code}&state=forged"),
        format!("/login/authorized?code={code}"),
    ] {
        let (status, html) = app.get_html(&bad).await;
        assert_eq!(status, StatusCode::BAD_REQUEST);
        assert!(
            select_text(&html, "#error-message")
                .unwrap()
                .contains("state"),
            "{html}"
        );
    }
    // The state is single use: even the right answer is refused once a callback consumed it.
    let response = app.client.get(callback).send().await.unwrap();
    assert_eq!(response.status(), StatusCode::BAD_REQUEST);
    let (_, html) = app.get_html("/").await;
    assert!(select_text(&html, "#sign-in").is_some());
}

#[tokio::test]
async fn the_sandbox_refuses_a_wrong_pkce_verifier() {
    let app = spawn_app().await;
    let authorize = app.begin_sign_in(None).await;
    let callback = app.approve(&authorize, MEGAN).await;
    let code = query(&callback, "code").unwrap();
    let token_url = app
        .sandbox
        .authority()
        .join("common/oauth2/v2.0/token")
        .unwrap();
    let redirect_uri = query(&authorize, "redirect_uri").unwrap();
    let response = new_client()
        .post(token_url)
        .form(&[
            ("grant_type", "authorization_code"),
            ("client_id", "graphsec-sandbox"),
            ("client_secret", "sandbox-secret"),
            ("code", code.as_str()),
            ("redirect_uri", redirect_uri.as_str()),
            (
                "code_verifier",
                "this-is-not-the-verifier-the-app-generated-0123456789",
            ),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::BAD_REQUEST);
    let body: serde_json::Value = response.json().await.unwrap();
    assert_eq!(body["error"], "invalid_grant");
}

#[tokio::test]
async fn an_expired_token_is_refreshed_and_the_page_still_loads() {
    let options = SandboxOptions {
        token_lifetime: Duration::from_secs(1),
        ..sandbox_options()
    };
    let app = spawn_app_with(options, |_| {}).await;
    app.sign_in().await;
    tokio::time::sleep(Duration::from_millis(1500)).await;
    let (status, html) = app.get_html("/admin-consent").await;
    assert_eq!(status, StatusCode::OK, "{html}");
    let refreshes = app
        .sandbox
        .state()
        .requests()
        .iter()
        .filter(|r| {
            r.path().ends_with("/oauth2/v2.0/token") && r.body.contains("grant_type=refresh_token")
        })
        .count();
    assert_eq!(refreshes, 1);
}

#[tokio::test]
async fn logout_clears_the_session() {
    let app = spawn_app().await;
    app.sign_in().await;
    let response = app.post_form("/logout", &[]).await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    let (_, html) = app.get_html("/").await;
    assert!(select_text(&html, "#sign-in").is_some());
    assert!(app.get("/admin-consent").await.status().is_redirection());
}

#[tokio::test]
async fn a_post_without_a_valid_csrf_token_is_forbidden() {
    let app = spawn_app().await;
    app.sign_in().await;
    let missing = app
        .client
        .post(app.url("/logout"))
        .form(&[("a", "b")])
        .send()
        .await
        .unwrap();
    assert_eq!(missing.status(), StatusCode::FORBIDDEN);
    let wrong = app
        .client
        .post(app.url("/logout"))
        .form(&[("csrf_token", "nope")])
        .send()
        .await
        .unwrap();
    assert_eq!(wrong.status(), StatusCode::FORBIDDEN);
    let html = wrong.text().await.unwrap();
    assert!(
        select_text(&html, "#error-message")
            .unwrap()
            .contains("CSRF")
    );
    // Still signed in: the forged sign-out did nothing.
    let (_, home) = app.get_html("/").await;
    assert_eq!(
        select_text(&home, "#user-name").as_deref(),
        Some("Megan Bowen")
    );
}

#[tokio::test]
async fn a_tenant_without_consent_is_sent_to_admin_consent_with_the_right_url() {
    let app = spawn_app().await;
    let response = app.sign_in_as(NORTHWIND_ADMIN).await;
    assert_eq!(location(&response), "/admin-consent");
    let (status, html) = app.get_html("/admin-consent").await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        select_text(&html, "#missing-scopes")
            .unwrap()
            .contains("SecurityAlert.ReadWrite.All")
    );
    let consent =
        Url::parse(&crate::helpers::select_attr(&html, "#consent-url", "value").unwrap()).unwrap();
    assert_eq!(consent.path(), "/common/adminconsent");
    assert_eq!(
        query(&consent, "client_id").as_deref(),
        Some("graphsec-sandbox")
    );
    assert_eq!(
        query(&consent, "redirect_uri").unwrap(),
        format!("http://localhost:{}/login/authorized", app.port)
    );
    let state = query(&consent, "state").unwrap();

    // The admin approves on the sandbox; the answer comes back to the redirect URI.
    let answer = app
        .client
        .post(consent.clone())
        .form(&[("user", NORTHWIND_ADMIN), ("decision", "approve")])
        .send()
        .await
        .unwrap();
    let back = Url::parse(&location(&answer)).unwrap();
    assert_eq!(query(&back, "admin_consent").as_deref(), Some("True"));
    assert_eq!(query(&back, "state").as_deref(), Some(state.as_str()));
    let (status, html) = app
        .get_html(&format!("{}?{}", back.path(), back.query().unwrap()))
        .await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        select_text(&html, "#consent-result")
            .unwrap()
            .contains("granted consent")
    );

    // Signing in again now brings the security permission.
    let again = app.sign_in_as(NORTHWIND_ADMIN).await;
    assert_eq!(location(&again), "/");
}

#[tokio::test]
async fn a_consent_answer_with_a_forged_state_is_not_acted_on() {
    let app = spawn_app().await;
    app.sign_in_as(NORTHWIND_ADMIN).await;
    app.get_html("/admin-consent").await;
    let (status, html) = app
        .get_html("/login/authorized?admin_consent=True&tenant=x&state=forged")
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(
        select_text(&html, "#error-message")
            .unwrap()
            .contains("consent")
    );
}

#[tokio::test]
async fn legacy_mode_asks_for_the_legacy_permission() {
    let app = spawn_app_with(sandbox_options(), |s| {
        s.graph.alerts_api = AlertsApiKind::Legacy
    })
    .await;
    let authorize = app.begin_sign_in(None).await;
    assert!(
        query(&authorize, "scope")
            .unwrap()
            .contains("SecurityEvents.ReadWrite.All")
    );
    app.sign_in().await;
}

#[tokio::test]
async fn serve_with_placeholder_credentials_exits_with_a_clear_message() {
    let output = crate::helpers::graphsec_command()
        .arg("serve")
        .arg("--config")
        .arg(concat!(env!("CARGO_MANIFEST_DIR"), "/config.example.toml"))
        .env_remove("GRAPHSEC__IDENTITY__CLIENT_ID")
        .output()
        .await
        .unwrap();
    assert!(!output.status.success());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("identity.client_id") && stderr.contains("GRAPHSEC__IDENTITY__CLIENT_ID"),
        "{stderr}"
    );

    let output = crate::helpers::serve_example()
        .env_remove("GRAPHSEC__IDENTITY__CLIENT_SECRET")
        .output()
        .await
        .unwrap();
    assert!(!output.status.success());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("identity.client_secret"), "{stderr}");
}

#[tokio::test]
async fn a_restart_does_not_sign_anyone_out() {
    let mut app = spawn_app().await;
    app.sign_in().await;
    app.server.abort();
    let _ = (&mut app.server).await;

    let settings = crate::helpers::sandbox_settings(&app.sandbox, app.data_dir.path());
    let (port, _, server) = crate::helpers::start(settings).await;
    app.address = format!("http://localhost:{port}");
    app.server = server;
    let (status, html) = app.get_html("/").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(
        select_text(&html, "#user-name").as_deref(),
        Some("Megan Bowen")
    );
}

#[tokio::test]
async fn a_failed_refresh_sends_the_user_to_sign_in_and_back_to_the_page() {
    let options = SandboxOptions {
        token_lifetime: Duration::from_secs(1),
        ..sandbox_options()
    };
    let app = spawn_app_with(options, |_| {}).await;
    app.sign_in().await;
    // The tenant revokes every refresh token it issued (no restart: nothing rebinds a port).
    assert_eq!(app.sandbox.state().identity().revoke_refresh_tokens(), 1);
    // The one-second access token expires on the wall clock, which the console reads directly.
    tokio::time::sleep(Duration::from_millis(1500)).await;

    let response = app.get("/admin-consent?from=refresh").await;
    assert_eq!(
        location(&response),
        format!("/login?next={}", urlencode("/admin-consent?from=refresh"))
    );
    let authorize = app.begin_sign_in(Some("/admin-consent?from=refresh")).await;
    let callback = app.approve(&authorize, MEGAN).await;
    let back = app.client.get(callback).send().await.unwrap();
    assert_eq!(location(&back), "/admin-consent?from=refresh");
}
