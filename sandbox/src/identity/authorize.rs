//! `GET|POST /{tenant}/oauth2/v2.0/authorize`: the sign-in page and the user's decision.

use super::oauth_error::{error_redirect, redirect_with};
use super::pages::{AuthorizePage, UserChoice, error_page, render};
use super::scopes::{ADMIN_ONLY, RequestedScopes};
use super::store::CodeGrant;
use super::{TenantPath, unknown_tenant_message};
use crate::SandboxState;
use crate::users::{TENANTS, user_by_ref};
use axum::Form;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use std::collections::HashMap;
use std::time::Instant;
use url::Url;

/// Parameters carried from the page to its form as hidden fields.
const CARRIED: [&str; 12] = [
    "client_id",
    "response_type",
    "redirect_uri",
    "scope",
    "state",
    "nonce",
    "code_challenge",
    "code_challenge_method",
    "response_mode",
    "prompt",
    "login_hint",
    "domain_hint",
];

type Params = HashMap<String, String>;

/// A request that passed validation; errors from here on may be redirected to `redirect`.
struct Validated {
    tenant: TenantPath,
    client_id: String,
    redirect: Url,
    state: Option<String>,
    nonce: Option<String>,
    scopes: RequestedScopes,
    code_challenge: String,
    form_action: String,
    hidden: Vec<(String, String)>,
}

pub async fn show(
    State(state): State<SandboxState>,
    Path(segment): Path<String>,
    Query(query): Query<Vec<(String, String)>>,
) -> Response {
    let params: Params = query.into_iter().collect();
    let request = match validate(&state, &segment, &params) {
        Ok(request) => request,
        Err(response) => return response,
    };
    if params.get("prompt").is_some_and(|p| p == "none") {
        let message = "A silent sign-in request was sent but no user is signed in.";
        return error_redirect(
            &request.redirect,
            "interaction_required",
            50058,
            message,
            request.state.as_deref(),
        );
    }
    let hint = params.get("login_hint").and_then(|h| user_by_ref(h));
    let page = AuthorizePage {
        tenant_label: request.tenant.label().to_owned(),
        client_id: request.client_id.clone(),
        scopes: describe_scopes(&request.scopes),
        consent_note: consent_note(&state, &request),
        form_action: request.form_action.clone(),
        hidden: request.hidden.clone(),
        users: request
            .tenant
            .users()
            .into_iter()
            .map(|u| UserChoice::new(u, hint.is_some_and(|h| h.oid == u.oid)))
            .collect(),
    };
    render(&page, Some(&request.redirect))
}

pub async fn decide(
    State(state): State<SandboxState>,
    Path(segment): Path<String>,
    Query(query): Query<Vec<(String, String)>>,
    Form(body): Form<Vec<(String, String)>>,
) -> Response {
    let params: Params = query.into_iter().chain(body).collect();
    let request = match validate(&state, &segment, &params) {
        Ok(request) => request,
        Err(response) => return response,
    };
    match params.get("decision").map(String::as_str) {
        Some("approve") => {}
        Some("cancel") => {
            let message = "User declined to consent to access the app.";
            return error_redirect(
                &request.redirect,
                "access_denied",
                65004,
                message,
                request.state.as_deref(),
            );
        }
        _ => {
            let message = "The request body must contain 'decision' set to 'approve' or 'cancel'.";
            return error_page(StatusCode::BAD_REQUEST, 900144, message);
        }
    }
    let Some(reference) = params.get("user").filter(|u| !u.is_empty()) else {
        return error_page(
            StatusCode::BAD_REQUEST,
            900144,
            "Pick a demo user to sign in.",
        );
    };
    let user = match user_by_ref(reference) {
        Some(user) if request.tenant.admits(user.tenant()) => user,
        _ => {
            let message = format!(
                "User account '{reference}' does not exist in tenant '{}' and cannot access the \
                 application '{}' in that tenant.",
                request.tenant.label(),
                request.client_id
            );
            return error_page(StatusCode::BAD_REQUEST, 50020, message);
        }
    };
    let code = state.identity().issue_code(CodeGrant {
        client_id: request.client_id,
        redirect_uri: request.redirect.to_string(),
        user,
        requested: request.scopes,
        nonce: request.nonce,
        code_challenge: request.code_challenge,
        issued: Instant::now(),
    });
    let mut reply = vec![("code", code.as_str())];
    reply.extend(request.state.as_deref().map(|s| ("state", s)));
    redirect_with(&request.redirect, &reply)
}

fn validate(state: &SandboxState, segment: &str, params: &Params) -> Result<Validated, Response> {
    let get = |name: &str| {
        params
            .get(name)
            .map(String::as_str)
            .filter(|v| !v.is_empty())
    };
    let Some(tenant) = TenantPath::parse(segment) else {
        return Err(error_page(
            StatusCode::BAD_REQUEST,
            90002,
            unknown_tenant_message(segment),
        ));
    };
    let Some(client_id) = get("client_id") else {
        let message = "The request body must contain the following parameter: 'client_id'.";
        return Err(error_page(StatusCode::BAD_REQUEST, 900144, message));
    };
    if !state.is_registered_client(client_id) {
        let message = format!(
            "Application with identifier '{client_id}' was not found in the directory '{}'.",
            tenant.label()
        );
        return Err(error_page(StatusCode::BAD_REQUEST, 700016, message));
    }
    let raw_redirect = get("redirect_uri").unwrap_or_default();
    let Some(redirect) = state.registered_redirect(raw_redirect) else {
        let message = format!(
            "The redirect URI '{raw_redirect}' specified in the request does not match the redirect \
             URIs configured for the application '{client_id}'."
        );
        return Err(error_page(StatusCode::BAD_REQUEST, 50011, message));
    };
    let app_state = get("state");
    let fail = |error: &str, code: u32, message: &str| {
        Err(error_redirect(&redirect, error, code, message, app_state))
    };
    match get("response_type") {
        Some("code") => {}
        Some(other) => {
            let message = format!("response_type '{other}' is not enabled for the application.");
            return fail("unsupported_response_type", 70005, &message);
        }
        None => {
            return fail(
                "invalid_request",
                900144,
                "The request body must contain the following parameter: 'response_type'.",
            );
        }
    }
    if get("response_mode").is_some_and(|m| m != "query") {
        return fail(
            "invalid_request",
            9002313,
            "Invalid request. The sandbox supports response_mode=query only.",
        );
    }
    let Some(raw_scope) = get("scope") else {
        return fail(
            "invalid_request",
            900144,
            "The request body must contain the following parameter: 'scope'.",
        );
    };
    let scopes = match RequestedScopes::parse(raw_scope) {
        Ok(scopes) if !scopes.is_empty() => scopes,
        Ok(_) => {
            return fail(
                "invalid_scope",
                70011,
                "The provided value for the input parameter 'scope' is not valid.",
            );
        }
        Err(bad) => {
            let message = format!(
                "The provided value for the input parameter 'scope' is not valid. The scope '{bad}' does not exist."
            );
            return fail("invalid_scope", 70011, &message);
        }
    };
    let Some(code_challenge) = get("code_challenge") else {
        return fail(
            "invalid_request",
            9002325,
            "Proof Key for Code Exchange is required: send code_challenge and code_challenge_method=S256.",
        );
    };
    if get("code_challenge_method") != Some("S256") {
        return fail(
            "invalid_request",
            9002313,
            "Invalid request. code_challenge_method must be S256.",
        );
    }
    let challenge_ok = code_challenge.len() == 43
        && code_challenge
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_');
    if !challenge_ok {
        return fail(
            "invalid_request",
            9002313,
            "Invalid request. code_challenge is not a base64url SHA-256 value.",
        );
    }
    let hidden = CARRIED
        .iter()
        .filter_map(|name| Some(((*name).to_owned(), params.get(*name)?.clone())))
        .collect();
    Ok(Validated {
        tenant,
        client_id: client_id.to_owned(),
        state: app_state.map(str::to_owned),
        nonce: get("nonce").map(str::to_owned),
        scopes,
        code_challenge: code_challenge.to_owned(),
        form_action: format!("/{segment}/oauth2/v2.0/authorize"),
        hidden,
        redirect,
    })
}

fn describe_scopes(scopes: &RequestedScopes) -> Vec<String> {
    scopes
        .graph
        .iter()
        .chain(&scopes.oidc)
        .map(|s| (*s).to_owned())
        .collect()
}

fn consent_note(state: &SandboxState, request: &Validated) -> Option<String> {
    if !request.scopes.graph.iter().any(|s| ADMIN_ONLY.contains(s)) {
        return None;
    }
    let pending: Vec<&str> = TENANTS
        .iter()
        .filter(|t| request.tenant.admits(t) && !state.identity().is_consented(t))
        .map(|t| t.display_name)
        .collect();
    (!pending.is_empty()).then(|| {
        format!(
            "An administrator of {} has not approved the security permissions yet; users there \
             get only the permissions they may consent to themselves.",
            pending.join(", ")
        )
    })
}
