use super::*;
use crate::faults::Fault;
use reqwest::header::RETRY_AFTER;
use std::time::Duration;

#[tokio::test]
async fn me_returns_the_signed_in_user_and_honours_select() {
    let h = Harness::start().await;
    let token = h.sign_in("megan@contoso.example", "User.Read").await["access_token"]
        .as_str()
        .unwrap()
        .to_owned();
    let me = h
        .client
        .get(h.url("/v1.0/me"))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap();
    assert_eq!(me.status(), StatusCode::OK);
    let me: Value = me.json().await.unwrap();
    assert_eq!(me["displayName"], "Megan Bowen");
    assert_eq!(me["userPrincipalName"], "megan@contoso.example");
    assert!(
        me["@odata.context"]
            .as_str()
            .unwrap()
            .ends_with("/v1.0/$metadata#users/$entity")
    );
    let selected: Value = h
        .client
        .get(h.url("/v1.0/me?$select=displayName,id"))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(selected.as_object().unwrap().len(), 3, "{selected}");
    let bad = h
        .client
        .get(h.url("/v1.0/me?$select=secret"))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap();
    assert_eq!(bad.status(), StatusCode::BAD_REQUEST);
}

#[tokio::test]
async fn graph_rejects_missing_foreign_and_app_tokens() {
    let h = Harness::start().await;
    let response = h
        .client
        .get(h.url("/v1.0/me"))
        .header("client-request-id", "c-42")
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::UNAUTHORIZED);
    assert!(response.headers().get("request-id").is_some());
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["error"]["code"], "InvalidAuthenticationToken");
    assert_eq!(body["error"]["message"], "Access token is empty.");
    assert_eq!(body["error"]["innerError"]["client-request-id"], "c-42");

    let other = Harness::start().await;
    let foreign = other.sign_in("megan@contoso.example", "User.Read").await;
    let response = h
        .client
        .get(h.url("/v1.0/me"))
        .bearer_auth(foreign["access_token"].as_str().unwrap())
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::UNAUTHORIZED);

    let (_, app) = h
        .app_token("contoso", "https://graph.microsoft.com/.default")
        .await;
    let response = h
        .client
        .get(h.url("/v1.0/me"))
        .bearer_auth(app["access_token"].as_str().unwrap())
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::BAD_REQUEST);
}

#[tokio::test]
async fn expired_tokens_get_the_expiry_message() {
    let h = Harness::start_with(SandboxOptions {
        token_lifetime: Duration::from_secs(1),
        ..SandboxOptions::default()
    })
    .await;
    let body = h.sign_in("megan@contoso.example", "User.Read").await;
    assert_eq!(body["expires_in"], 1);
    tokio::time::sleep(Duration::from_millis(1100)).await;
    let response = h
        .client
        .get(h.url("/v1.0/me"))
        .bearer_auth(body["access_token"].as_str().unwrap())
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::UNAUTHORIZED);
    let body: Value = response.json().await.unwrap();
    assert_eq!(
        body["error"]["message"],
        "Access token has expired or is not yet valid."
    );
}

#[tokio::test]
async fn each_fault_is_applied_once_and_requests_are_counted() {
    let h = Harness::start().await;
    let token = h.sign_in("megan@contoso.example", "User.Read").await["access_token"]
        .as_str()
        .unwrap()
        .to_owned();
    let state = h.sandbox.state();
    state.faults().push(
        "/v1.0/me",
        Fault::TooManyRequests {
            retry_after_secs: 2.5,
        },
    );
    state.faults().push("/v1.0/me", Fault::Unavailable);
    let get = || {
        h.client
            .get(h.url("/v1.0/me"))
            .bearer_auth(&token)
            .header("client-request-id", "c-7")
            .send()
    };
    let throttled = get().await.unwrap();
    assert_eq!(throttled.status(), StatusCode::TOO_MANY_REQUESTS);
    assert_eq!(throttled.headers()[RETRY_AFTER], "2.5");
    let body: Value = throttled.json().await.unwrap();
    assert_eq!(body["error"]["code"], "TooManyRequests");
    assert_eq!(
        get().await.unwrap().status(),
        StatusCode::SERVICE_UNAVAILABLE
    );
    assert_eq!(get().await.unwrap().status(), StatusCode::OK);
    assert_eq!(state.request_count("/v1.0/me"), 3);
    let logged = state
        .requests()
        .into_iter()
        .filter(|r| r.path() == "/v1.0/me")
        .collect::<Vec<_>>();
    assert_eq!(logged.len(), 3);
    assert_eq!(logged[0].header("client-request-id"), Some("c-7"));
    assert!(state.request_count("/common/oauth2/v2.0/token") >= 1);
}

#[tokio::test]
async fn unknown_graph_segments_get_a_graph_error() {
    let h = Harness::start().await;
    let response = h.client.get(h.url("/v1.0/nothing")).send().await.unwrap();
    assert_eq!(response.status(), StatusCode::BAD_REQUEST);
    let body: Value = response.json().await.unwrap();
    assert_eq!(
        body["error"]["message"],
        "Resource not found for the segment 'nothing'."
    );
    h.sandbox.shutdown().await.unwrap();
}
