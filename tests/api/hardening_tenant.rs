//! Issue 15, item 3: a sign-in finishes only with an id token naming a work tenant and a user:
//! `openid` is always asked for, personal accounts and tenants outside
//! `identity.allowed_tenants` are refused with a readable page.

use graphsec_sandbox::identity::store::IdTokenFault;
use graphsec_sandbox::users::tenant_by_key;
use reqwest::StatusCode;

use crate::helpers::{MEGAN, TestApp, sandbox_options, select_text, spawn_app_with};

const DIEGO: &str = "diego@fabrikam.example";

async fn signed_in_name(app: &TestApp) -> Option<String> {
    let (_, home) = app.get_html("/").await;
    select_text(&home, "#user-name")
}

async fn refused(app: &TestApp, upn: &str, status: StatusCode, says: &str) {
    let response = app.sign_in_as(upn).await;
    assert_eq!(response.status(), status, "{upn}");
    let page = response.text().await.unwrap();
    let message = select_text(&page, "#error-message").unwrap_or_default();
    assert!(message.contains(says), "{upn}: {page}");
    assert_eq!(
        signed_in_name(app).await,
        None,
        "{upn} must not be signed in"
    );
}

#[tokio::test]
async fn sign_in_needs_a_known_work_tenant() {
    // Scopes configured without openid: it is asked for anyway.
    let app = spawn_app_with(sandbox_options(), |s| {
        s.identity.scopes = "User.Read SecurityAlert.Read.All SecurityIncident.Read.All".into();
    })
    .await;
    let authorize = app.begin_sign_in(None).await;
    let scope = authorize
        .query_pairs()
        .find(|(k, _)| k == "scope")
        .map(|(_, v)| v.to_string())
        .unwrap();
    assert!(scope.split(' ').any(|s| s == "openid"), "{scope}");

    let state = app.sandbox.state();
    let identity = state.identity();
    for (fault, status, says) in [
        (
            IdTokenFault::BlankTenant,
            StatusCode::BAD_REQUEST,
            "did not say which organization",
        ),
        (
            IdTokenFault::BlankObjectId,
            StatusCode::BAD_REQUEST,
            "did not say which organization",
        ),
        (
            IdTokenFault::PersonalAccount,
            StatusCode::FORBIDDEN,
            "needs a work or school account",
        ),
    ] {
        identity.set_id_token_fault(Some(fault));
        refused(&app, MEGAN, status, says).await;
    }
    identity.set_id_token_fault(None);
    app.sign_in().await;
    assert_eq!(signed_in_name(&app).await.as_deref(), Some("Megan Bowen"));

    // Only fabrikam allowed: contoso's Megan is refused, fabrikam's Diego gets in.
    let fabrikam = tenant_by_key("fabrikam").unwrap().id.to_uppercase();
    let app = spawn_app_with(sandbox_options(), |s| {
        s.identity.allowed_tenants = vec![fabrikam.to_ascii_lowercase()];
    })
    .await;
    refused(
        &app,
        MEGAN,
        StatusCode::FORBIDDEN,
        "not allowed to use this console",
    )
    .await;
    let response = app.sign_in_as(DIEGO).await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    assert!(signed_in_name(&app).await.is_some());
}
