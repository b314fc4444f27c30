//! `$batch` over HTTP: answers per request, the 20-request limit, `dependsOn`, throttling inside.

use axum::http::{Method, StatusCode as Status};
use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::SandboxOptions;
use crate::tests::{Harness, SECURITY_SCOPES, query_map};
use crate::throttling::RateLimit;

async fn token(h: &Harness) -> String {
    h.sign_in("megan@contoso.example", SECURITY_SCOPES).await["access_token"]
        .as_str()
        .unwrap()
        .to_owned()
}

async fn get(h: &Harness, token: &str, url: url::Url) -> Value {
    let response = h.client.get(url).bearer_auth(token).send().await.unwrap();
    response.json().await.unwrap()
}

async fn first_alert_ids(h: &Harness, token: &str, n: usize) -> Vec<String> {
    let url = h.url(&format!("/v1.0/security/alerts_v2?$top={n}"));
    let body = get(h, token, url).await;
    body["value"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["id"].as_str().unwrap().to_owned())
        .collect()
}

async fn batch(h: &Harness, token: &str, body: Value) -> (StatusCode, Value) {
    let response = h
        .client
        .post(h.url("/v1.0/$batch"))
        .bearer_auth(token)
        .json(&body)
        .send()
        .await
        .unwrap();
    (response.status(), response.json().await.unwrap())
}

fn by_id<'a>(answer: &'a Value, id: &str) -> &'a Value {
    answer["responses"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["id"] == id)
        .unwrap_or_else(|| panic!("no response {id} in {answer}"))
}

#[tokio::test]
async fn each_request_in_a_batch_is_served_by_its_route_and_answered_by_id() {
    let h = Harness::start().await;
    let token = token(&h).await;
    let id = first_alert_ids(&h, &token, 1).await.remove(0);
    let (status, answer) = batch(
        &h,
        &token,
        json!({"requests": [
            {"id": "1", "method": "GET", "url": format!("/security/alerts_v2/{id}")},
            {"id": "2", "method": "PATCH", "url": format!("/security/alerts_v2/{id}"),
             "headers": {"Content-Type": "application/json"}, "body": {"status": "inProgress"}},
            {"id": "3", "method": "GET", "url": "/security/alerts_v2/no-such-alert"},
        ]}),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{answer}");
    assert_eq!(by_id(&answer, "1")["status"], 200);
    assert_eq!(by_id(&answer, "1")["body"]["id"], id.as_str());
    let patched = by_id(&answer, "2");
    assert_eq!(patched["status"], 200);
    assert_eq!(patched["body"]["status"], "inProgress");
    assert!(patched["headers"]["request-id"].is_string(), "{patched}");
    assert_eq!(by_id(&answer, "3")["status"], 404);
    assert_eq!(by_id(&answer, "3")["body"]["error"]["code"], "NotFound");
    let log = h.sandbox.state().requests();
    assert!(
        log.iter()
            .any(|r| r.method == "PATCH" && r.status == Some(200)),
        "the PATCH inside the batch is logged as a request of its own"
    );
}

#[tokio::test]
async fn a_batch_of_more_than_twenty_or_with_a_bad_dependency_is_refused() {
    let h = Harness::start().await;
    let token = token(&h).await;
    let requests: Vec<Value> = (0..21)
        .map(|i| json!({"id": i.to_string(), "method": "GET", "url": "/me"}))
        .collect();
    let (status, answer) = batch(&h, &token, json!({ "requests": requests })).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(answer["error"]["code"], "BadRequest");
    assert!(answer["error"]["message"].as_str().unwrap().contains("20"));
    let (status, _) = batch(
        &h,
        &token,
        json!({"requests": [
            {"id": "1", "method": "GET", "url": "/me", "dependsOn": ["2"]},
            {"id": "2", "method": "GET", "url": "/me"},
        ]}),
    )
    .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
}

#[tokio::test]
async fn a_request_whose_dependency_failed_is_answered_424_without_running() {
    let h = Harness::start().await;
    let token = token(&h).await;
    let id = first_alert_ids(&h, &token, 1).await.remove(0);
    let (status, answer) = batch(
        &h,
        &token,
        json!({"requests": [
            {"id": "a", "method": "GET", "url": "/security/alerts_v2/missing"},
            {"id": "b", "method": "PATCH", "url": format!("/security/alerts_v2/{id}"),
             "headers": {"Content-Type": "application/json"}, "body": {"status": "resolved"},
             "dependsOn": ["a"]},
        ]}),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(by_id(&answer, "b")["status"], 424);
    let patches = h
        .sandbox
        .state()
        .requests()
        .into_iter()
        .filter(|r| r.method == "PATCH")
        .count();
    assert_eq!(patches, 0);
}

#[tokio::test]
async fn throttled_requests_inside_a_batch_get_their_own_429_and_retry_after() {
    let h = Harness::start_with(SandboxOptions {
        graph_rate_limit: Some(RateLimit {
            burst: 3,
            per_second: 0.5,
        }),
        ..SandboxOptions::default()
    })
    .await;
    let token = token(&h).await;
    let requests: Vec<Value> = (0..6)
        .map(|i| json!({"id": i.to_string(), "method": "GET", "url": "/me"}))
        .collect();
    let (status, answer) = batch(&h, &token, json!({ "requests": requests })).await;
    assert_eq!(status, StatusCode::OK);
    let statuses: Vec<u64> = answer["responses"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["status"].as_u64().unwrap())
        .collect();
    assert_eq!(statuses, [200, 200, 200, 429, 429, 429]);
    let throttled = by_id(&answer, "5");
    assert_eq!(throttled["headers"]["Retry-After"], "2");
    assert_eq!(throttled["body"]["error"]["code"], "TooManyRequests");
}

#[tokio::test]
async fn a_failing_id_fails_only_the_requests_naming_it() {
    let h = Harness::start().await;
    let token = token(&h).await;
    let ids = first_alert_ids(&h, &token, 2).await;
    h.sandbox
        .state()
        .faults()
        .fail_id(&ids[0], Some(Method::PATCH), Status::INTERNAL_SERVER_ERROR);
    let requests: Vec<Value> = ids
        .iter()
        .map(|id| {
            json!({"id": id, "method": "PATCH", "url": format!("/security/alerts_v2/{id}"),
                   "headers": {"Content-Type": "application/json"}, "body": {"status": "inProgress"}})
        })
        .collect();
    let (_, answer) = batch(&h, &token, json!({ "requests": requests })).await;
    assert_eq!(by_id(&answer, &ids[0])["status"], 500);
    assert_eq!(by_id(&answer, &ids[1])["status"], 200);
}

#[tokio::test]
async fn a_batched_listing_is_paged_by_the_server_too() {
    let h = Harness::start_with(SandboxOptions {
        page_size: Some(5),
        ..SandboxOptions::default()
    })
    .await;
    let token = token(&h).await;
    let (status, answer) = batch(
        &h,
        &token,
        json!({"requests": [
            {"id": "1", "method": "GET", "url": "/security/alerts_v2?$top=20"},
            {"id": "2", "method": "GET", "url": "/security/incidents?$top=20&$skip=5"},
        ]}),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    let link = |body: &Value| url::Url::parse(body["@odata.nextLink"].as_str().unwrap()).unwrap();
    let alerts = &by_id(&answer, "1")["body"];
    assert_eq!(alerts["value"].as_array().unwrap().len(), 5);
    let next = link(alerts);
    assert!(next.as_str().starts_with(h.sandbox.base_url().as_str()));
    assert_eq!(next.path(), "/v1.0/security/alerts_v2");
    assert_eq!(query_map(&next)["$skip"], "5");
    let incidents = &by_id(&answer, "2")["body"];
    assert_eq!(incidents["value"].as_array().unwrap().len(), 5);
    let next = link(incidents);
    assert_eq!(query_map(&next)["$skip"], "10");
    let last = get(&h, &token, next).await;
    assert_eq!(last["value"].as_array().unwrap().len(), 5);
    assert!(last.get("@odata.nextLink").is_none());
}
