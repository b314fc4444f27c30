//! Issue 15, item 10: a browser that opens the console on another host than `public_url`'s
//! (127.0.0.1 instead of localhost) is sent to the same page on `public_url` first, so its
//! sign-in can finish; Graph's webhooks, health checks and static files answer on any host.

use reqwest::StatusCode;
use reqwest::header::SET_COOKIE;

use crate::helpers::{MEGAN, location, select_text, spawn_app};

#[tokio::test]
async fn pages_on_another_host_go_to_public_url_first_and_sign_in_finishes() {
    let app = spawn_app().await;
    let other = format!("http://127.0.0.1:{}", app.port);

    let response = app
        .client
        .get(format!("{other}/alerts?status=new&severity=high"))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::TEMPORARY_REDIRECT);
    assert!(
        response.headers().get(SET_COOKIE).is_none(),
        "no session on the wrong host"
    );
    let back = location(&response);
    assert_eq!(back, app.url("/alerts?status=new&severity=high"));

    // Following it, the sign-in started there finishes and returns to the page.
    let response = app.client.get(&back).send().await.unwrap();
    let login = location(&response);
    let response = app.client.get(app.url(&login)).send().await.unwrap();
    let authorize = url::Url::parse(&location(&response)).unwrap();
    let callback = app.approve(&authorize, MEGAN).await;
    let response = app.client.get(callback).send().await.unwrap();
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    assert_eq!(location(&response), "/alerts?status=new&severity=high");
    let (_, home) = app.get_html("/").await;
    assert_eq!(
        select_text(&home, "#user-name").as_deref(),
        Some("Megan Bowen")
    );

    // Graph reaches these through a tunnel's host; they are never redirected.
    let validation = app
        .client
        .post(format!("{other}/listen?validationToken=token-123"))
        .send()
        .await
        .unwrap();
    assert_eq!(validation.status(), StatusCode::OK);
    assert_eq!(validation.text().await.unwrap(), "token-123");
    for path in ["/healthz", "/static/app.css", "/listen", "/listen/events"] {
        let response = app
            .client
            .get(format!("{other}{path}"))
            .send()
            .await
            .unwrap();
        assert_ne!(response.status(), StatusCode::TEMPORARY_REDIRECT, "{path}");
    }
    // Only reads are redirected: a POST gets its usual answer (here: no CSRF token).
    let response = app
        .client
        .post(format!("{other}/logout"))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::FORBIDDEN);
}
