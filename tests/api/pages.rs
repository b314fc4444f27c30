use reqwest::StatusCode;
use reqwest::header::{CONTENT_SECURITY_POLICY, SET_COOKIE};

use crate::helpers::{select_text, spawn_app};

#[tokio::test]
async fn the_signed_out_home_page_offers_sign_in() {
    let app = spawn_app().await;
    let (status, html) = app.get_html("/").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(
        select_text(&html, "#sign-in").as_deref(),
        Some("Sign in with Microsoft")
    );
    assert!(html.contains("/static/vendor/bootstrap/bootstrap.min.css"));
}

#[tokio::test]
async fn pages_carry_security_headers_and_a_locked_down_cookie() {
    let app = spawn_app().await;
    let response = app.get("/").await;
    let headers = response.headers();
    let csp = headers[CONTENT_SECURITY_POLICY].to_str().unwrap();
    assert!(csp.contains("frame-ancestors 'none'") && csp.contains("script-src 'self'"));
    assert!(!csp.contains("unsafe-inline"));
    assert_eq!(headers["x-content-type-options"], "nosniff");
    assert!(headers.contains_key("referrer-policy"));
    assert!(headers.contains_key("x-request-id"));
    assert!(
        !headers.contains_key(SET_COOKIE),
        "a signed-out page starts no session"
    );
    // Starting a sign-in sets only the short-lived sign-in cookie, for the sign-in routes.
    let response = app.get("/login").await;
    let cookies: Vec<&str> = response
        .headers()
        .get_all(SET_COOKIE)
        .iter()
        .map(|v| v.to_str().unwrap())
        .collect();
    assert_eq!(cookies.len(), 1, "{cookies:?}");
    let cookie = cookies[0];
    assert!(cookie.starts_with("graphsec_sign_in="), "{cookie}");
    assert!(cookie.contains("HttpOnly") && cookie.contains("SameSite=Lax"));
    assert!(cookie.contains("Path=/login") && cookie.contains("Max-Age=600"));
    assert!(!cookie.contains("Secure"), "http public_url: not Secure");
    // The session starts at sign-in, with the locked-down cookie.
    let authorize = crate::helpers::location(&response);
    let callback = app
        .approve(&url::Url::parse(&authorize).unwrap(), crate::helpers::MEGAN)
        .await;
    let response = app.client.get(callback).send().await.unwrap();
    let cookie = response
        .headers()
        .get_all(SET_COOKIE)
        .iter()
        .map(|v| v.to_str().unwrap())
        .find(|c| c.starts_with("graphsec_session="))
        .expect("a session cookie at sign-in")
        .to_string();
    assert!(cookie.contains("HttpOnly") && cookie.contains("SameSite=Lax"));
    assert!(!cookie.contains("Secure"), "http public_url: not Secure");
}

#[tokio::test]
async fn the_session_id_rotates_at_sign_in() {
    let app = spawn_app().await;
    let session_of = |response: &reqwest::Response| {
        response
            .cookies()
            .find(|c| c.name() == "graphsec_session")
            .unwrap()
            .value()
            .to_string()
    };
    let first = session_of(&app.sign_in_as(crate::helpers::MEGAN).await);
    // Signing in again in the same browser, session and all, starts another session id.
    let again = session_of(&app.sign_in_as(crate::helpers::MEGAN).await);
    assert_ne!(first, again);
}

#[tokio::test]
async fn an_unknown_page_shows_a_404_with_the_request_id() {
    let app = spawn_app().await;
    let response = app
        .client
        .get(app.url("/no/such/page"))
        .header("x-request-id", "test-req-42")
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::NOT_FOUND);
    assert_eq!(response.headers()["x-request-id"], "test-req-42");
    let html = response.text().await.unwrap();
    assert_eq!(
        select_text(&html, "#error-request-id").as_deref(),
        Some("test-req-42")
    );
}

#[tokio::test]
async fn a_bad_query_string_gets_a_readable_400_page() {
    let app = spawn_app().await;
    let (status, html) = app.get_html("/login/authorized?code=a&code=b").await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(
        select_text(&html, "#error-message")
            .unwrap()
            .contains("duplicate field"),
        "{html}"
    );
}

#[tokio::test]
async fn static_assets_and_health_are_served() {
    let app = spawn_app().await;
    assert_eq!(app.get("/healthz").await.status(), StatusCode::OK);
    let css = app.get("/static/vendor/bootstrap/bootstrap.min.css").await;
    assert_eq!(css.status(), StatusCode::OK);
    assert!(
        css.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/css")
    );
}

#[tokio::test]
async fn a_wrong_method_gets_a_readable_page() {
    let app = spawn_app().await;
    let response = app.client.delete(app.url("/")).send().await.unwrap();
    assert_eq!(response.status(), StatusCode::METHOD_NOT_ALLOWED);
    let html = response.text().await.unwrap();
    assert!(
        select_text(&html, "#error-message")
            .unwrap()
            .contains("does not accept")
    );
}
