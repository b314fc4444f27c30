//! `GET|POST /{tenant}/adminconsent`: the (older) admin consent endpoint.

use super::oauth_error::redirect_with;
use super::pages::{AdminConsentPage, UserChoice, error_page, render};
use super::scopes::ADMIN_ONLY;
use super::{TenantPath, unknown_tenant_message};
use crate::SandboxState;
use crate::users::user_by_ref;
use axum::Form;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use std::collections::HashMap;
use url::Url;

type Params = HashMap<String, String>;

struct Validated {
    tenant: TenantPath,
    client_id: String,
    redirect: Url,
    state: Option<String>,
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
    let hidden = ["client_id", "redirect_uri", "state"]
        .iter()
        .filter_map(|name| Some(((*name).to_owned(), params.get(*name)?.clone())))
        .collect();
    let page = AdminConsentPage {
        tenant_label: request.tenant.label().to_owned(),
        client_id: request.client_id.clone(),
        scopes: ADMIN_ONLY.iter().map(|s| (*s).to_owned()).collect(),
        form_action: format!("/{segment}/adminconsent"),
        hidden,
        admins: request
            .tenant
            .users()
            .into_iter()
            .filter(|u| u.is_admin)
            .map(|u| UserChoice::new(u, false))
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
    let mut reply: Vec<(&str, &str)> = Vec::new();
    match params.get("decision").map(String::as_str) {
        Some("approve") => {
            let reference = params.get("user").map(String::as_str).unwrap_or_default();
            let admin =
                user_by_ref(reference).filter(|u| u.is_admin && request.tenant.admits(u.tenant()));
            let Some(admin) = admin else {
                let message = format!(
                    "'{reference}' is not an administrator of {}; only an administrator can grant \
                     consent for the organisation.",
                    request.tenant.label()
                );
                return error_page(StatusCode::BAD_REQUEST, 90094, message);
            };
            let tenant = admin.tenant();
            state.identity().set_consented(tenant, true);
            reply.push(("tenant", tenant.id));
            reply.extend(request.state.as_deref().map(|s| ("state", s)));
            reply.push(("admin_consent", "True"));
        }
        Some("deny") => {
            reply.push(("error", "permission_denied"));
            reply.push(("error_description", "The admin canceled the request"));
            reply.extend(request.state.as_deref().map(|s| ("state", s)));
        }
        _ => {
            let message = "The request body must contain 'decision' set to 'approve' or 'deny'.";
            return error_page(StatusCode::BAD_REQUEST, 900144, message);
        }
    }
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
    let client_id = get("client_id").unwrap_or_default();
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
    Ok(Validated {
        tenant,
        client_id: client_id.to_owned(),
        redirect,
        state: get("state").map(str::to_owned),
    })
}
