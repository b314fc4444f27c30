use super::*;
use crate::users::tenant_by_key;
use reqwest::header::{CONTENT_SECURITY_POLICY, SET_COOKIE};

#[tokio::test]
async fn authorize_page_lists_demo_users_without_cookies_or_script() {
    let h = Harness::start().await;
    let response = h
        .client
        .get(h.authorize_url("contoso", SECURITY_SCOPES))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    assert!(response.headers().get(SET_COOKIE).is_none());
    let csp = response.headers()[CONTENT_SECURITY_POLICY]
        .to_str()
        .unwrap()
        .to_owned();
    assert!(csp.contains("default-src 'none'") && csp.contains("http://localhost:5000"));
    let html = response.text().await.unwrap();
    assert!(html.contains("Megan Bowen") && html.contains("Adele Vance"));
    assert!(
        !html.contains("Diego Siciliani"),
        "other tenants' users are not offered"
    );
    assert!(
        html.contains(
            r#"name="code_challenge" value="E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM""#
        )
    );
    assert!(!html.contains("<script"));
}

#[tokio::test]
async fn unregistered_redirect_or_client_gets_an_error_page_never_a_redirect() {
    let h = Harness::start().await;
    let mut evil = h.authorize_url("common", "User.Read");
    let pairs: Vec<(String, String)> = evil.query_pairs().into_owned().collect();
    evil.query_pairs_mut()
        .clear()
        .extend_pairs(pairs.iter().map(|(k, v)| {
            let v = if k == "redirect_uri" {
                "http://evil.example/login/authorized"
            } else {
                v
            };
            (k.as_str(), v)
        }));
    let response = h.client.get(evil).send().await.unwrap();
    assert_eq!(response.status(), StatusCode::BAD_REQUEST);
    assert!(response.headers().get(LOCATION).is_none());
    assert!(response.text().await.unwrap().contains("AADSTS50011"));

    let other_client = h
        .authorize_url("common", "User.Read")
        .as_str()
        .replace("graphsec-sandbox", "other");
    let response = h.client.get(other_client).send().await.unwrap();
    assert_eq!(response.status(), StatusCode::BAD_REQUEST);
    assert!(response.text().await.unwrap().contains("AADSTS700016"));
}

#[tokio::test]
async fn missing_pkce_is_redirected_back_as_invalid_request_with_state() {
    let h = Harness::start().await;
    let url = h
        .authorize_url("common", "User.Read")
        .as_str()
        .replace("code_challenge_method=S256", "code_challenge_method=plain");
    let response = h.client.get(url).send().await.unwrap();
    assert_eq!(response.status(), StatusCode::FOUND);
    let back = query_map(&location(&response));
    assert_eq!(back["error"], "invalid_request");
    assert_eq!(back["state"], "st-1");
}

#[tokio::test]
async fn code_flow_issues_access_id_and_refresh_tokens() {
    let h = Harness::start().await;
    let body = h.sign_in("megan@contoso.example", SECURITY_SCOPES).await;
    assert_eq!(body["token_type"], "Bearer");
    assert_eq!(body["expires_in"], 3600);
    let scope = body["scope"].as_str().unwrap();
    for s in [
        "SecurityAlert.ReadWrite.All",
        "User.Read",
        "openid",
        "offline_access",
    ] {
        assert!(scope.split(' ').any(|x| x == s), "{s} in {scope}");
    }
    assert!(body["refresh_token"].is_string());
    let access = claims(&body["access_token"]);
    let contoso = tenant_by_key("contoso").unwrap();
    assert_eq!(access["tid"], contoso.id);
    assert_eq!(access["upn"], "megan@contoso.example");
    assert_eq!(access["name"], "Megan Bowen");
    assert!(
        access["scp"]
            .as_str()
            .unwrap()
            .contains("SecurityIncident.ReadWrite.All")
    );
    let id = claims(&body["id_token"]);
    assert_eq!(id["aud"], "graphsec-sandbox");
    assert_eq!(id["nonce"], "n-1");
    assert_eq!(id["preferred_username"], "megan@contoso.example");
    assert_eq!(
        id["wids"],
        serde_json::json!([crate::users::role_ids::SECURITY_OPERATOR]),
        "the user's directory roles"
    );
}

#[tokio::test]
async fn id_token_faults_blank_the_tenant_or_user_or_issue_from_the_consumers_tenant() {
    use crate::identity::store::{CONSUMERS_TENANT_ID, IdTokenFault};
    let h = Harness::start().await;
    let contoso = tenant_by_key("contoso").unwrap();
    for (fault, tid, oid_blank) in [
        (IdTokenFault::BlankTenant, "", false),
        (IdTokenFault::BlankObjectId, contoso.id, true),
        (IdTokenFault::PersonalAccount, CONSUMERS_TENANT_ID, false),
    ] {
        h.sandbox.state().identity().set_id_token_fault(Some(fault));
        let body = h.sign_in("megan@contoso.example", SECURITY_SCOPES).await;
        let id = claims(&body["id_token"]);
        assert_eq!(id["tid"], tid, "{fault:?}");
        assert_eq!(
            id["oid"].as_str().unwrap().is_empty(),
            oid_blank,
            "{fault:?}"
        );
        assert_eq!(id["nonce"], "n-1", "{fault:?}");
    }
}

#[tokio::test]
async fn id_token_faults_name_another_issuer_or_audience_or_a_lifetime_out_of_reach() {
    use crate::identity::store::{ANOTHER_APP_ID, ANOTHER_TENANT_ID, IdTokenFault};
    let h = Harness::start().await;
    let contoso = tenant_by_key("contoso").unwrap();
    let now = crate::tokens::now_secs();
    let seconds = |v: &serde_json::Value| v.as_u64().unwrap();

    h.sandbox
        .state()
        .identity()
        .set_id_token_fault(Some(IdTokenFault::IssuedByAnotherTenant));
    let id = claims(&h.sign_in("megan@contoso.example", SECURITY_SCOPES).await["id_token"]);
    assert_eq!(id["tid"], contoso.id);
    assert!(
        id["iss"].as_str().unwrap().contains(ANOTHER_TENANT_ID),
        "{id}"
    );

    h.sandbox
        .state()
        .identity()
        .set_id_token_fault(Some(IdTokenFault::IssuedForAnotherApp));
    let id = claims(&h.sign_in("megan@contoso.example", SECURITY_SCOPES).await["id_token"]);
    assert_eq!(id["aud"], ANOTHER_APP_ID);
    assert!(id["iss"].as_str().unwrap().contains(contoso.id), "{id}");

    h.sandbox
        .state()
        .identity()
        .set_id_token_fault(Some(IdTokenFault::Expired));
    let id = claims(&h.sign_in("megan@contoso.example", SECURITY_SCOPES).await["id_token"]);
    assert!(seconds(&id["exp"]) + 3000 < now, "{id}");

    h.sandbox
        .state()
        .identity()
        .set_id_token_fault(Some(IdTokenFault::NotYetValid));
    let id = claims(&h.sign_in("megan@contoso.example", SECURITY_SCOPES).await["id_token"]);
    assert!(seconds(&id["nbf"]) > now + 3000, "{id}");
}

#[tokio::test]
async fn without_offline_access_or_openid_no_refresh_or_id_token() {
    let h = Harness::start().await;
    let body = h.sign_in("megan@contoso.example", "User.Read").await;
    assert!(body.get("refresh_token").is_none() && body.get("id_token").is_none());
    assert_eq!(body["scope"], "User.Read");
}

#[tokio::test]
async fn wrong_verifier_and_reused_code_are_invalid_grant() {
    let h = Harness::start().await;
    let code = h
        .code_for("common", "megan@contoso.example", "User.Read")
        .await;
    let wrong = "x".repeat(43);
    let (status, body) = h.redeem("common", &code, &wrong).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(body["error"], "invalid_grant");
    assert_eq!(body["error_codes"][0], 501481);
    let code = h
        .code_for("common", "megan@contoso.example", "User.Read")
        .await;
    assert_eq!(h.redeem("common", &code, VERIFIER).await.0, StatusCode::OK);
    let (status, body) = h.redeem("common", &code, VERIFIER).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(body["error"], "invalid_grant");
    assert!(
        body["error_description"]
            .as_str()
            .unwrap()
            .starts_with("AADSTS54005")
    );
}

#[tokio::test]
async fn wrong_secret_is_invalid_client_and_basic_auth_is_accepted() {
    let h = Harness::start().await;
    let form = [
        ("grant_type", "client_credentials"),
        ("scope", "https://graph.microsoft.com/.default"),
    ];
    let url = h.url("/contoso/oauth2/v2.0/token");
    let response = h
        .client
        .post(url.clone())
        .basic_auth("graphsec-sandbox", Some("nope"))
        .form(&form)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::UNAUTHORIZED);
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["error"], "invalid_client");
    for key in [
        "error_description",
        "timestamp",
        "trace_id",
        "correlation_id",
    ] {
        assert!(body[key].is_string(), "{key}");
    }
    let response = h
        .client
        .post(url)
        .basic_auth("graphsec-sandbox", Some("sandbox-secret"))
        .form(&form)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
}

#[tokio::test]
async fn refresh_rotates_the_refresh_token() {
    let h = Harness::start().await;
    let first = h.sign_in("adele@contoso.example", SECURITY_SCOPES).await;
    let old = first["refresh_token"].as_str().unwrap();
    let (status, second) = h
        .refresh("common", old, Some("User.Read offline_access"))
        .await;
    assert_eq!(status, StatusCode::OK, "{second}");
    assert_eq!(second["scope"], "User.Read offline_access");
    let new = second["refresh_token"].as_str().unwrap();
    assert_ne!(new, old);
    let (status, body) = h.refresh("common", old, None).await;
    assert_eq!(
        (status, body["error"].as_str()),
        (StatusCode::BAD_REQUEST, Some("invalid_grant"))
    );
    let (status, body) = h.refresh("common", new, Some("Files.Read.All")).await;
    assert_eq!(
        (status, body["error"].as_str()),
        (StatusCode::BAD_REQUEST, Some("invalid_scope"))
    );
    assert_eq!(h.refresh("common", new, None).await.0, StatusCode::OK);
}

#[tokio::test]
async fn cancel_and_foreign_users_are_refused() {
    let h = Harness::start().await;
    let back = h
        .decide(
            h.authorize_url("common", "User.Read"),
            "megan@contoso.example",
            "cancel",
        )
        .await;
    let back = query_map(&back);
    assert_eq!(back["error"], "access_denied");
    assert!(back["error_description"].starts_with("AADSTS65004: User declined to consent"));
    assert_eq!(back["state"], "st-1");
    let response = h
        .client
        .post(h.authorize_url("fabrikam", "User.Read"))
        .form(&[("user", "megan@contoso.example"), ("decision", "approve")])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::BAD_REQUEST);
    assert!(response.headers().get(LOCATION).is_none());
}
