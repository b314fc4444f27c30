//! `POST /listen` and `/lifecycle` as Graph calls them.

use graphsec::config::AlertsApiKind;
use reqwest::StatusCode;

use crate::helpers::spawn_app;
use crate::notify_support::{
    CONTOSO, change, post_batch, sandbox_subscriptions, spawn_notify_app, subscribe, tenant_id,
};

#[tokio::test]
async fn validation_echo_is_exact_and_plain_text() {
    let app = spawn_app().await;
    let token = "Validation: <script>alert('x')</script> 100%25 & more+";
    let encoded: String = url::form_urlencoded::byte_serialize(token.as_bytes()).collect();
    for path in ["/listen", "/lifecycle"] {
        let response = reqwest::Client::new()
            .post(app.url(&format!("{path}?validationToken={encoded}")))
            .header("content-type", "text/plain; charset=utf-8")
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), StatusCode::OK);
        assert_eq!(
            response.headers()["content-type"],
            "text/plain; charset=utf-8"
        );
        assert_eq!(response.headers()["x-content-type-options"], "nosniff");
        assert_eq!(response.text().await.unwrap(), token);
    }
}

#[tokio::test]
async fn percent_escapes_are_decoded_exactly_once() {
    let app = spawn_app().await;
    let response = reqwest::Client::new()
        .post(app.url("/listen?validationToken=a%2541%3Cb%3E"))
        .send()
        .await
        .unwrap();
    assert_eq!(response.text().await.unwrap(), "a%41<b>");
}

#[tokio::test]
async fn bad_batches_get_a_readable_4xx() {
    let app = spawn_app().await;
    let client = reqwest::Client::new();
    let wrong_type = client
        .post(app.url("/listen"))
        .body("{}")
        .header("content-type", "text/html");
    let response = wrong_type.send().await.unwrap();
    assert_eq!(response.status(), StatusCode::UNSUPPORTED_MEDIA_TYPE);
    // Outside the page layers, a refusal still tells a browser not to guess its type.
    assert_eq!(response.headers()["x-content-type-options"], "nosniff");
    assert!(response.text().await.unwrap().contains("application/json"));

    let not_json = client
        .post(app.url("/lifecycle"))
        .body("{oops")
        .header("content-type", "application/json");
    let response = not_json.send().await.unwrap();
    assert_eq!(response.status(), StatusCode::BAD_REQUEST);
    assert!(response.text().await.unwrap().contains("not valid JSON"));

    let huge = vec![b' '; 2 * 1024 * 1024];
    let response = client
        .post(app.url("/listen"))
        .body(huge)
        .header("content-type", "application/json")
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::PAYLOAD_TOO_LARGE);
    assert!(response.text().await.unwrap().contains("larger than"));

    // A body of tiny items over the item limit: refused with a readable 400.
    let many = format!("{{\"value\":[{}]}}", vec!["0"; 200_000].join(","));
    let response = client
        .post(app.url("/listen"))
        .body(many)
        .header("content-type", "application/json")
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::BAD_REQUEST);
    assert!(response.text().await.unwrap().contains("at most 1000"));
}

#[tokio::test]
async fn a_forged_notification_is_answered_but_never_stored() {
    let app = spawn_notify_app(AlertsApiKind::Legacy).await;
    app.sign_in().await;
    assert_eq!(
        subscribe(&app, &[("severity", "high")]).await.status(),
        StatusCode::SEE_OTHER
    );
    let sub = &sandbox_subscriptions(&app, CONTOSO)[0];
    let tenant = tenant_id(CONTOSO);
    let forged = vec![
        change(&sub.id, "guessed-state", tenant, "forged-1"),
        change(
            "00000000-0000-0000-0000-000000000000",
            sub.client_state.as_deref().unwrap(),
            tenant,
            "forged-2",
        ),
    ];
    assert_eq!(post_batch(&app, forged).await, StatusCode::ACCEPTED);
    let (_, html) = app.get_html("/listen").await;
    assert!(!html.contains("forged-"), "a forged notification was shown");
}
