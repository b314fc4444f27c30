use super::*;
use serde_json::json;

const PREFER: (&str, &str) = ("prefer", "include-unknown-enum-members");

async fn token(h: &Harness, scope: &str) -> String {
    h.sign_in("megan@contoso.example", scope).await["access_token"]
        .as_str()
        .unwrap()
        .to_owned()
}

async fn get(h: &Harness, token: &str, path: &str, prefer: bool) -> Value {
    let mut request = h.client.get(h.url(path)).bearer_auth(token);
    if prefer {
        request = request.header(PREFER.0, PREFER.1);
    }
    let response = request.send().await.unwrap();
    assert_eq!(response.status(), StatusCode::OK, "{path}");
    response.json().await.unwrap()
}

#[tokio::test]
async fn an_incident_patched_to_awaiting_action_reads_back_as_graph_serves_it() {
    let h = Harness::start().await;
    let token = token(&h, SECURITY_SCOPES).await;
    let patch = |prefer: bool| {
        let mut request = h
            .client
            .patch(h.url("/v1.0/security/incidents/101"))
            .bearer_auth(&token)
            .json(&json!({"status": "awaitingAction", "customTags": ["Escalated"]}));
        if prefer {
            request = request.header(PREFER.0, PREFER.1);
        }
        request.send()
    };
    let refused = patch(false).await.unwrap();
    assert_eq!(refused.status(), StatusCode::BAD_REQUEST);
    let accepted = patch(true).await.unwrap();
    assert_eq!(accepted.status(), StatusCode::OK);
    let body: Value = accepted.json().await.unwrap();
    assert_eq!(body["status"], "awaitingAction");
    assert_eq!(body["customTags"], json!(["Escalated"]));
    assert_eq!(body["lastModifiedBy"], "megan@contoso.example");

    let plain = get(&h, &token, "/v1.0/security/incidents/101", false).await;
    assert_eq!(plain["status"], "unknownFutureValue");
    let revealed = get(&h, &token, "/v1.0/security/incidents/101", true).await;
    assert_eq!(revealed["status"], "awaitingAction");
    assert_eq!(revealed["customTags"], json!(["Escalated"]));
}

#[tokio::test]
async fn a_newer_service_source_is_shown_only_to_clients_that_ask() {
    let h = Harness::start().await;
    let token = token(&h, SECURITY_SCOPES).await;
    let path = "/v1.0/security/alerts_v2?$top=100";
    let sources = |page: &Value| -> Vec<String> {
        page["value"]
            .as_array()
            .unwrap()
            .iter()
            .map(|a| a["serviceSource"].as_str().unwrap().to_owned())
            .collect()
    };
    let plain = sources(&get(&h, &token, path, false).await);
    assert!(plain.iter().any(|s| s == "unknownFutureValue"));
    assert!(!plain.iter().any(|s| s == "microsoftSentinel"));
    let revealed = sources(&get(&h, &token, path, true).await);
    assert!(revealed.iter().any(|s| s == "microsoftSentinel"));
    assert!(!revealed.iter().any(|s| s == "unknownFutureValue"));
}

#[tokio::test]
async fn incident_comments_answer_the_whole_list_and_writes_need_the_write_permission() {
    let h = Harness::start().await;
    let token = token(&h, SECURITY_SCOPES).await;
    let response = h
        .client
        .post(h.url("/v1.0/security/incidents/102/comments"))
        .bearer_auth(&token)
        .json(
            &json!({"@odata.type": "microsoft.graph.security.alertComment",
                      "comment": "Isolated the device."}),
        )
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    let body: Value = response.json().await.unwrap();
    let last = body["value"].as_array().unwrap().last().unwrap().clone();
    assert_eq!(last["comment"], "Isolated the device.");
    assert_eq!(last["createdByDisplayName"], "Megan Bowen");

    let reader = token_for_reader(&h).await;
    let response = h
        .client
        .patch(h.url("/v1.0/security/incidents/102"))
        .bearer_auth(&reader)
        .json(&json!({"status": "resolved"}))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::FORBIDDEN);
    let missing = h
        .client
        .patch(h.url("/v1.0/security/incidents/9999"))
        .bearer_auth(&token)
        .json(&json!({"status": "resolved"}))
        .send()
        .await
        .unwrap();
    assert_eq!(missing.status(), StatusCode::NOT_FOUND);
}

async fn token_for_reader(h: &Harness) -> String {
    token(
        h,
        "openid User.Read https://graph.microsoft.com/SecurityIncident.Read.All",
    )
    .await
}
