//! Tests of the webhook endpoints over a router: validation echo, 202 after storing, 4xx.

use axum::{Router, body::Body, http::Request, routing::post};
use serde_json::json;
use tower::ServiceExt;

use super::*;
use crate::notify::{model::NewSubscription, storage::sqlite};

async fn app() -> (Router, Notify) {
    let (notify, _rx) = Notify::new(sqlite::in_memory().await);
    notify
        .registry
        .insert(&NewSubscription::test_webhook())
        .await
        .unwrap();
    let router = Router::new()
        .route("/listen", post(listen))
        .route("/lifecycle", post(lifecycle))
        .with_state(notify.clone());
    (router, notify)
}

async fn send(
    router: &Router,
    uri: &str,
    content_type: &str,
    body: String,
) -> (StatusCode, HeaderMap, String) {
    let request = Request::post(uri)
        .header(header::CONTENT_TYPE, content_type)
        .body(Body::from(body))
        .unwrap();
    let response = router.clone().oneshot(request).await.unwrap();
    let (parts, body) = response.into_parts();
    let bytes = axum::body::to_bytes(body, usize::MAX).await.unwrap();
    (
        parts.status,
        parts.headers,
        String::from_utf8(bytes.to_vec()).unwrap(),
    )
}

#[tokio::test]
async fn validation_is_echoed_as_plain_text_on_both_endpoints() {
    let (router, _) = app().await;
    for path in ["/listen", "/lifecycle"] {
        let uri = format!("{path}?validationToken=%3Cscript%3E%2525+ok");
        let (status, headers, body) =
            send(&router, &uri, "text/plain; charset=utf-8", String::new()).await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(headers[header::CONTENT_TYPE], "text/plain; charset=utf-8");
        assert_eq!(body, "<script>%25 ok");
    }
}

#[tokio::test]
async fn a_verified_batch_is_stored_before_the_202() {
    let (router, notify) = app().await;
    let batch = json!({"value": [
        {"subscriptionId": "g1", "clientState": "cs", "tenantId": "t", "changeType": "updated",
         "resource": "Security/Alerts/A1", "resourceData": {"id": "A1"}},
        {"subscriptionId": "g1", "clientState": "forged", "tenantId": "t", "changeType": "updated",
         "resource": "Security/Alerts/A2"}
    ]});
    let (status, _, _) = send(&router, "/listen", "application/json", batch.to_string()).await;
    assert_eq!(status, StatusCode::ACCEPTED);
    let stored = notify
        .journal
        .log()
        .after("t", Default::default(), 10)
        .await
        .unwrap();
    assert_eq!(stored.len(), 1);
    assert_eq!(stored[0].alert_id.as_deref(), Some("A1"));
}

#[tokio::test]
async fn bad_batches_get_readable_4xx_answers() {
    let (router, _) = app().await;
    let (status, _, body) = send(&router, "/listen", "text/html", "{}".into()).await;
    assert_eq!(status, StatusCode::UNSUPPORTED_MEDIA_TYPE);
    assert!(body.contains("application/json"));
    let (status, _, body) = send(&router, "/lifecycle", "application/json", "[1,".into()).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(body.contains("not a notification batch"), "{body}");
}

#[tokio::test]
async fn a_lifecycle_event_is_recorded() {
    let (router, notify) = app().await;
    let batch = json!({"value": [{"subscriptionId": "g1", "clientState": "cs", "tenantId": "t",
        "lifecycleEvent": "subscriptionRemoved"}]});
    let (status, _, _) = send(&router, "/lifecycle", "application/json", batch.to_string()).await;
    assert_eq!(status, StatusCode::ACCEPTED);
    let sub = notify.registry.by_graph_id("g1").await.unwrap().unwrap();
    assert_eq!(
        sub.last_lifecycle_event.as_deref(),
        Some("subscriptionRemoved")
    );
}

#[tokio::test]
async fn an_unwritable_database_gets_503_and_publishes_nothing() {
    let pool = crate::db::in_memory().await.unwrap();
    let (notify, _rx) = Notify::new(sqlite::storage(pool.clone()));
    notify
        .registry
        .insert(&NewSubscription::test_webhook())
        .await
        .unwrap();
    let router = Router::new()
        .route("/listen", post(listen))
        .with_state(notify.clone());
    let mut live = notify.journal.fanout().subscribe();
    // The one connection of the in-memory database refuses every write from now on.
    sqlx::query("PRAGMA query_only = ON")
        .execute(&pool)
        .await
        .unwrap();
    let batch = json!({"value": [
        {"subscriptionId": "g1", "clientState": "cs", "tenantId": "t", "changeType": "updated",
         "resource": "Security/Alerts/A1", "resourceData": {"id": "A1"}}
    ]});
    let (status, _, body) = send(&router, "/listen", "application/json", batch.to_string()).await;
    assert_eq!(status, StatusCode::SERVICE_UNAVAILABLE);
    assert!(body.contains("retry later"), "{body}");
    assert!(live.try_recv().is_err(), "nothing was published");
    assert!(
        notify
            .journal
            .log()
            .after("t", Default::default(), 10)
            .await
            .unwrap()
            .is_empty()
    );

    // The next delivery is stored once the database accepts writes again.
    sqlx::query("PRAGMA query_only = OFF")
        .execute(&pool)
        .await
        .unwrap();
    let (status, _, _) = send(&router, "/listen", "application/json", batch.to_string()).await;
    assert_eq!(status, StatusCode::ACCEPTED);
    assert_eq!(live.try_recv().unwrap().alert_id.as_deref(), Some("A1"));
}

#[tokio::test]
async fn a_streamed_body_over_the_limit_is_refused_readably() {
    let (router, _) = app().await;
    let chunks = (0..40).map(|_| Ok::<_, std::io::Error>(vec![b' '; 64 * 1024]));
    let body = Body::from_stream(futures::stream::iter(chunks));
    let request = Request::post("/listen")
        .header(header::CONTENT_TYPE, "application/json")
        .body(body)
        .unwrap();
    let router = router.layer(axum::extract::DefaultBodyLimit::max(
        crate::notify::inbound::webhook::MAX_BODY_BYTES,
    ));
    let response = router.oneshot(request).await.unwrap();
    assert_eq!(response.status(), StatusCode::PAYLOAD_TOO_LARGE);
    let bytes = axum::body::to_bytes(response.into_body(), usize::MAX)
        .await
        .unwrap();
    assert!(String::from_utf8_lossy(&bytes).contains("larger than"));
}
