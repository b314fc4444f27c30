//! The sandbox's `/v1.0/subscriptions` as any Graph client sees it.

use graphsec_sandbox::tokens::{AccessClaims, GRAPH_AUDIENCE, now_secs};
use graphsec_sandbox::users::user_by_ref;
use reqwest::StatusCode;
use serde_json::{Value, json};
use time::OffsetDateTime;

use crate::helpers::{TestApp, spawn_app};

/// A delegated Graph token for Megan with `scopes`, signed by the sandbox.
fn token(app: &TestApp, scopes: &str) -> String {
    let megan = user_by_ref("megan@contoso.example").unwrap();
    let now = now_secs();
    app.sandbox.state().signer().sign(&AccessClaims {
        aud: GRAPH_AUDIENCE.into(),
        iss: "sandbox".into(),
        iat: now,
        nbf: now,
        exp: now + 600,
        tid: megan.tenant().id.into(),
        appid: "graphsec-sandbox".into(),
        uti: "test".into(),
        oid: Some(megan.oid.into()),
        upn: Some(megan.upn.into()),
        name: Some(megan.display_name.into()),
        scp: Some(scopes.into()),
        roles: None,
        idtyp: None,
    })
}

fn graph(app: &TestApp, path: &str) -> String {
    format!("{}v1.0/{path}", app.sandbox.base_url())
}

fn body(app: &TestApp, resource: &str) -> Value {
    let expiry = OffsetDateTime::now_utc() + time::Duration::hours(2);
    json!({
        "changeType": "updated",
        "notificationUrl": app.url("/listen"),
        "lifecycleNotificationUrl": app.url("/lifecycle"),
        "resource": resource,
        "expirationDateTime": expiry.format(&time::format_description::well_known::Rfc3339).unwrap(),
        "clientState": "client-state-for-test",
    })
}

async fn error_code(response: reqwest::Response) -> (StatusCode, String, String) {
    let status = response.status();
    let json: Value = response.json().await.unwrap();
    let error = &json["error"];
    (
        status,
        error["code"].as_str().unwrap().into(),
        error["message"].as_str().unwrap().into(),
    )
}

#[tokio::test]
async fn the_subscription_lifecycle_follows_the_documented_shapes() {
    let app = spawn_app().await;
    let http = reqwest::Client::new();
    let bearer = token(&app, "SecurityEvents.ReadWrite.All");
    let created = http
        .post(graph(&app, "subscriptions"))
        .bearer_auth(&bearer)
        .json(&body(
            &app,
            "security/alerts?$filter=severity%20eq%20'high'",
        ))
        .send()
        .await
        .unwrap();
    assert_eq!(created.status(), StatusCode::CREATED);
    let created: Value = created.json().await.unwrap();
    let id = created["id"].as_str().unwrap().to_string();
    assert_eq!(created["clientState"], "client-state-for-test");
    assert_eq!(created["changeType"], "updated");

    let listed: Value = http
        .get(graph(&app, "subscriptions"))
        .bearer_auth(&bearer)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(listed["value"][0]["id"], id.as_str());
    assert!(
        listed["value"][0]["clientState"].is_null(),
        "not returned when listing"
    );

    let later = OffsetDateTime::now_utc() + time::Duration::hours(5);
    let renewed = http
        .patch(graph(&app, &format!("subscriptions/{id}")))
        .bearer_auth(&bearer)
        .json(&json!({"expirationDateTime": later.format(&time::format_description::well_known::Rfc3339).unwrap()}))
        .send()
        .await
        .unwrap();
    assert_eq!(renewed.status(), StatusCode::OK);

    let too_far = http
        .patch(graph(&app, &format!("subscriptions/{id}")))
        .bearer_auth(&bearer)
        .json(&json!({"expirationDateTime": "2099-01-01T00:00:00Z"}))
        .send()
        .await
        .unwrap();
    let (status, code, message) = error_code(too_far).await;
    assert_eq!(
        (status, code.as_str()),
        (StatusCode::BAD_REQUEST, "InvalidRequest")
    );
    assert!(message.contains("43200"), "{message}");

    let url = graph(&app, &format!("subscriptions/{id}"));
    let deleted = http.delete(&url).bearer_auth(&bearer).send().await.unwrap();
    assert_eq!(deleted.status(), StatusCode::NO_CONTENT);
    let gone = http.get(&url).bearer_auth(&bearer).send().await.unwrap();
    assert_eq!(error_code(gone).await.0, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn refusals_are_graph_errors_and_create_nothing() {
    let app = spawn_app().await;
    let http = reqwest::Client::new();
    let read_only = token(&app, "SecurityAlert.Read.All");
    let denied = http
        .post(graph(&app, "subscriptions"))
        .bearer_auth(&read_only)
        .json(&body(
            &app,
            "security/alerts?$filter=severity%20eq%20'high'",
        ))
        .send()
        .await
        .unwrap();
    assert_eq!(error_code(denied).await.0, StatusCode::FORBIDDEN);

    let bearer = token(&app, "SecurityEvents.ReadWrite.All");
    for (resource, expected) in [
        ("security/alerts", "too broad"),
        (
            "security/alerts_v2?$filter=severity%20eq%20'high'",
            "does not support",
        ),
    ] {
        let response = http
            .post(graph(&app, "subscriptions"))
            .bearer_auth(&bearer)
            .json(&body(&app, resource))
            .send()
            .await
            .unwrap();
        let (status, _, message) = error_code(response).await;
        assert_eq!(status, StatusCode::BAD_REQUEST);
        assert!(message.contains(expected), "{message}");
    }
    let mut bad_url = body(&app, "security/alerts?$filter=severity%20eq%20'high'");
    bad_url["notificationUrl"] = json!(app.url("/healthz"));
    let response = http
        .post(graph(&app, "subscriptions"))
        .bearer_auth(&bearer)
        .json(&bad_url)
        .send()
        .await
        .unwrap();
    let (status, code, message) = error_code(response).await;
    assert_eq!(
        (status, code.as_str()),
        (StatusCode::BAD_REQUEST, "InvalidRequest")
    );
    assert!(message.contains("validation request failed"), "{message}");
    let tenant = user_by_ref("megan@contoso.example").unwrap().tenant().id;
    assert!(
        app.sandbox
            .state()
            .subscriptions()
            .store()
            .list(tenant)
            .is_empty()
    );
}
