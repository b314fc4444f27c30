//! HTTP-level tests of the security routes, driven the way the app drives them.

use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::tests::{Harness, SECURITY_SCOPES};

const MEGAN: &str = "megan@contoso.example";
const LEGACY_SCOPES: &str = "openid profile offline_access User.Read SecurityEvents.ReadWrite.All";

async fn token(h: &Harness, scope: &str) -> String {
    h.sign_in(MEGAN, scope).await["access_token"]
        .as_str()
        .unwrap()
        .to_owned()
}

async fn get(h: &Harness, token: &str, url: &str) -> (StatusCode, Value) {
    let response = h.client.get(url).bearer_auth(token).send().await.unwrap();
    let status = response.status();
    (status, response.json().await.unwrap_or(Value::Null))
}

#[tokio::test]
async fn v2_pages_through_next_links_on_the_sandbox_host() {
    let h = Harness::start().await;
    let token = token(&h, SECURITY_SCOPES).await;
    let mut url = h.url("/v1.0/security/alerts_v2?$top=20").to_string();
    let mut seen = Vec::new();
    loop {
        let (status, body) = get(&h, &token, &url).await;
        assert_eq!(status, StatusCode::OK, "{body}");
        seen.extend(
            body["value"]
                .as_array()
                .unwrap()
                .iter()
                .map(|a| a["id"].clone()),
        );
        match body["@odata.nextLink"].as_str() {
            Some(next) => {
                assert!(next.starts_with(h.sandbox.base_url().as_str()));
                url = next.to_owned();
            }
            None => break,
        }
    }
    assert_eq!(seen.len(), 44);
}

#[tokio::test]
async fn bad_filters_and_missing_permissions_get_graph_errors() {
    let h = Harness::start().await;
    let token = token(&h, SECURITY_SCOPES).await;
    let (status, body) = get(
        &h,
        &token,
        h.url("/v1.0/security/alerts_v2?$filter=not status eq 'new'")
            .as_str(),
    )
    .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(body["error"]["code"], "BadRequest");
    assert!(
        body["error"]["message"]
            .as_str()
            .unwrap()
            .starts_with("Invalid filter clause")
    );

    let (status, body) = get(&h, &token, h.url("/v1.0/security/alerts?$top=1").as_str()).await;
    assert_eq!(
        status,
        StatusCode::FORBIDDEN,
        "legacy needs SecurityEvents.*: {body}"
    );

    let plain = self::token(&h, "openid User.Read").await;
    let (status, body) = get(&h, &plain, h.url("/v1.0/security/alerts_v2").as_str()).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    assert_eq!(body["error"]["code"], "Authorization_RequestDenied");
}

#[tokio::test]
async fn legacy_patch_needs_vendor_information_and_honours_prefer() {
    let h = Harness::start().await;
    let token = token(&h, LEGACY_SCOPES).await;
    let (_, list) = get(&h, &token, h.url("/v1.0/security/alerts?$top=1").as_str()).await;
    let alert = &list["value"][0];
    let url = h.url(&format!(
        "/v1.0/security/alerts/{}",
        alert["id"].as_str().unwrap()
    ));
    let patch = |body: Value, prefer: bool| {
        let mut request = h.client.patch(url.clone()).bearer_auth(&token).json(&body);
        if prefer {
            request = request.header("Prefer", "return=representation");
        }
        request.send()
    };
    let response = patch(json!({"status": "resolved"}), false).await.unwrap();
    assert_eq!(response.status(), StatusCode::BAD_REQUEST);
    let vendor = alert["vendorInformation"].clone();
    let response = patch(
        json!({"status": "inProgress", "vendorInformation": vendor}),
        false,
    )
    .await
    .unwrap();
    assert_eq!(response.status(), StatusCode::NO_CONTENT);
    let response = patch(
        json!({"status": "resolved", "vendorInformation": vendor}),
        true,
    )
    .await
    .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["status"], "resolved");
}

#[tokio::test]
async fn v2_comments_answer_with_the_whole_list() {
    let h = Harness::start().await;
    let token = token(&h, SECURITY_SCOPES).await;
    let (_, list) = get(
        &h,
        &token,
        h.url("/v1.0/security/alerts_v2?$top=1").as_str(),
    )
    .await;
    let id = list["value"][0]["id"].as_str().unwrap().to_owned();
    let before = list["value"][0]["comments"].as_array().unwrap().len();
    let response = h
        .client
        .post(h.url(&format!("/v1.0/security/alerts_v2/{id}/comments")))
        .bearer_auth(&token)
        .json(&json!({"@odata.type": "microsoft.graph.security.alertComment", "comment": "seen"}))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    let body: Value = response.json().await.unwrap();
    let comments = body["value"].as_array().unwrap();
    assert_eq!(comments.len(), before + 1);
    assert_eq!(
        comments.last().unwrap()["createdByDisplayName"],
        "Megan Bowen"
    );
    let (status, _) = get(&h, &token, h.url("/v1.0/security/alerts_v2/nope").as_str()).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn send_mail_keeps_the_message_in_the_outbox() {
    let h = Harness::start().await;
    let token = token(&h, SECURITY_SCOPES).await;
    let message = |to: &str| {
        json!({"message": {"subject": "s", "body": {"contentType": "text", "content": "c"},
               "toRecipients": [{"emailAddress": {"address": to}}]}})
    };
    let send = |body: Value, token: String| {
        h.client
            .post(h.url("/v1.0/me/sendMail"))
            .bearer_auth(token)
            .json(&body)
            .send()
    };
    let response = send(message("a@contoso.example"), token.clone())
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::ACCEPTED);
    let response = send(message("nobody"), token.clone()).await.unwrap();
    assert_eq!(response.status(), StatusCode::BAD_REQUEST);
    let no_mail = self::token(&h, "openid User.Read SecurityAlert.Read.All").await;
    let response = send(message("a@contoso.example"), no_mail).await.unwrap();
    assert_eq!(response.status(), StatusCode::FORBIDDEN);
    let outbox = h.sandbox.state().security().outbox();
    assert_eq!(outbox.len(), 1);
    assert_eq!(outbox[0].to, ["a@contoso.example"]);
    assert_eq!(outbox[0].from, MEGAN);
}

#[tokio::test]
async fn incidents_expand_their_alerts() {
    let h = Harness::start().await;
    let token = token(&h, SECURITY_SCOPES).await;
    let (status, body) = get(
        &h,
        &token,
        h.url("/v1.0/security/incidents/101?$expand=alerts")
            .as_str(),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["alerts"].as_array().unwrap().len(), 3);
    let (status, body) = get(
        &h,
        &token,
        h.url("/v1.0/security/incidents?$top=5&$count=true")
            .as_str(),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(body["value"].as_array().unwrap().len(), 5);
    assert_eq!(body["@odata.count"], 15);
}

#[tokio::test]
async fn a_patch_naming_a_field_in_another_case_gets_graphs_400_and_changes_nothing() {
    let h = Harness::start().await;
    let token = token(&h, SECURITY_SCOPES).await;
    let (_, list) = get(
        &h,
        &token,
        h.url("/v1.0/security/alerts_v2?$top=1").as_str(),
    )
    .await;
    let alert = &list["value"][0];
    let url = h.url(&format!(
        "/v1.0/security/alerts_v2/{}",
        alert["id"].as_str().unwrap()
    ));
    for body in [
        json!({"Status": "resolved"}),
        json!({"status": "resolved", "AssignedTo": "megan@contoso.example"}),
        json!({"assigned_to": "megan@contoso.example"}),
        json!({"status": "Resolved"}),
    ] {
        let response = h
            .client
            .patch(url.clone())
            .bearer_auth(&token)
            .json(&body)
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), StatusCode::BAD_REQUEST, "{body}");
        assert!(response.headers().contains_key("request-id"));
        let error: Value = response.json().await.unwrap();
        assert_eq!(error["error"]["code"], "BadRequest", "{body}");
        let message = error["error"]["message"].as_str().unwrap();
        assert!(
            message.contains("does not exist on type 'microsoft.graph.security.alert'")
                || message.starts_with("Requested value 'Resolved' was not found"),
            "{body}: {message}"
        );
        assert!(error["error"]["innerError"]["request-id"].is_string());
        assert!(error["error"]["innerError"]["date"].is_string());
    }
    let (_, after) = get(&h, &token, url.as_str()).await;
    assert_eq!(after["status"], alert["status"], "nothing changed");
    assert_eq!(after["assignedTo"], alert["assignedTo"]);
}

#[tokio::test]
async fn filters_spell_properties_and_enumeration_values_exactly() {
    let h = Harness::start().await;
    let token = token(&h, SECURITY_SCOPES).await;
    let legacy = self::token(&h, LEGACY_SCOPES).await;
    for (token, path, refused) in [
        (
            &token,
            "alerts_v2?$filter=status eq 'New'",
            "not a valid enumerated type constant",
        ),
        (
            &token,
            "alerts_v2?$filter=Status eq 'new'",
            "Could not find a property named 'Status'",
        ),
        (
            &legacy,
            "alerts?$filter=status eq 'NewAlert'",
            "not a valid enumerated type constant",
        ),
        (
            &legacy,
            "alerts?$filter=Severity eq 'high'",
            "Could not find a property named 'Severity' on type 'microsoft.graph.alert'",
        ),
    ] {
        let (status, body) =
            get(&h, token, h.url(&format!("/v1.0/security/{path}")).as_str()).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{path}");
        let message = body["error"]["message"].as_str().unwrap();
        assert!(message.contains(refused), "{path}: {message}");
    }
    // The exact spellings are answered.
    for (token, path) in [
        (&token, "alerts_v2?$filter=status eq 'new'"),
        (
            &legacy,
            "alerts?$filter=status eq 'newAlert' and severity eq 'high'",
        ),
    ] {
        let (status, body) =
            get(&h, token, h.url(&format!("/v1.0/security/{path}")).as_str()).await;
        assert_eq!(status, StatusCode::OK, "{path}: {body}");
        assert!(!body["value"].as_array().unwrap().is_empty(), "{path}");
    }
}

#[tokio::test]
async fn the_evidence_switch_refuses_evidence_filters_and_only_them() {
    let h = Harness::start_with(crate::SandboxOptions {
        refuse_evidence_filters: true,
        ..crate::SandboxOptions::default()
    })
    .await;
    let token = token(&h, SECURITY_SCOPES).await;
    let evidence = "alerts_v2?$filter=evidence/any(e:e/microsoft.graph.security.deviceEvidence/deviceDnsName eq 'srv-dc01.contoso.example')";
    let (status, body) = get(
        &h,
        &token,
        h.url(&format!("/v1.0/security/{evidence}")).as_str(),
    )
    .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(
        body["error"]["message"],
        "Invalid filter clause: filtering on 'evidence' is not supported."
    );
    let (status, _) = get(
        &h,
        &token,
        h.url("/v1.0/security/alerts_v2?$filter=severity eq 'high'")
            .as_str(),
    )
    .await;
    assert_eq!(status, StatusCode::OK);

    let lenient = Harness::start().await;
    let token = self::token(&lenient, SECURITY_SCOPES).await;
    let (status, body) = get(
        &lenient,
        &token,
        lenient.url(&format!("/v1.0/security/{evidence}")).as_str(),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "off by default: {body}");
    assert!(!body["value"].as_array().unwrap().is_empty());
}
