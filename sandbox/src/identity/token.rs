//! `POST /{tenant}/oauth2/v2.0/token`: client authentication and grant dispatch.

use super::oauth_error::{OAuthError, no_store};
use super::params::{Params, param};
use super::{TenantPath, grants, unknown_tenant_message};
use crate::SandboxState;
use axum::Json;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, header};
use axum::response::{IntoResponse, Response};
use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use serde_json::Value;
use subtle::ConstantTimeEq;

pub async fn exchange(
    State(state): State<SandboxState>,
    Path(segment): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    match handle(&state, &segment, &headers, &body) {
        Ok(json) => no_store(Json(json).into_response()),
        Err(error) => error.into_response(),
    }
}

fn handle(
    state: &SandboxState,
    segment: &str,
    headers: &HeaderMap,
    body: &[u8],
) -> Result<Value, OAuthError> {
    let params: Params = serde_urlencoded::from_bytes::<Vec<(String, String)>>(body)
        .map_err(|_| {
            OAuthError::invalid_request(
                9002313,
                "Invalid request. The body must be form-urlencoded.",
            )
        })?
        .into_iter()
        .collect();
    let tenant = TenantPath::parse(segment)
        .ok_or_else(|| OAuthError::invalid_request(90002, unknown_tenant_message(segment)))?;
    let grant_type = param(&params, "grant_type")?;
    let client_id = authenticate_client(state, headers, &params, tenant)?;
    match grant_type {
        "authorization_code" => grants::authorization_code(state, tenant, &client_id, &params),
        "refresh_token" => grants::refresh_token(state, tenant, &client_id, &params),
        "client_credentials" => grants::client_credentials(state, tenant, &client_id, &params),
        other => Err(OAuthError::unsupported_grant_type(other)),
    }
}

/// Checks the client id and secret, sent as form fields or with HTTP Basic; returns the client id.
fn authenticate_client(
    state: &SandboxState,
    headers: &HeaderMap,
    params: &Params,
    tenant: TenantPath,
) -> Result<String, OAuthError> {
    let basic = basic_credentials(headers)?;
    let form_id = params.get("client_id").filter(|v| !v.is_empty());
    let form_secret = params.get("client_secret").filter(|v| !v.is_empty());
    let (client_id, secret) = match (basic, form_id, form_secret) {
        (Some(_), _, Some(_)) => {
            return Err(OAuthError::invalid_request(
                9002313,
                "Invalid request. Send the client secret either in the body or with HTTP Basic, not both.",
            ));
        }
        (Some((id, _)), Some(form_id), None) if &id != form_id => {
            return Err(OAuthError::invalid_request(
                9002313,
                "Invalid request. The client_id in the body differs from the one in the Authorization header.",
            ));
        }
        (Some((id, secret)), _, None) => (id, Some(secret)),
        (None, Some(id), secret) => (id.clone(), secret.cloned()),
        (None, None, _) => return Err(OAuthError::missing("client_id")),
    };
    if !state.is_registered_client(&client_id) {
        return Err(OAuthError::unauthorized_client(
            700016,
            format!(
                "Application with identifier '{client_id}' was not found in the directory '{}'.",
                tenant.label()
            ),
        ));
    }
    let Some(secret) = secret else {
        return Err(OAuthError::invalid_client(
            7000218,
            "The request body must contain the following parameter: 'client_assertion' or 'client_secret'.",
        ));
    };
    let expected = state.options().client_secret.as_bytes();
    if !bool::from(secret.as_bytes().ct_eq(expected)) {
        return Err(OAuthError::invalid_client(
            7000215,
            format!(
                "Invalid client secret provided. Ensure the secret being sent in the request is the \
                 client secret value, not the client secret ID, for a secret added to app '{client_id}'."
            ),
        ));
    }
    Ok(client_id)
}

/// `Authorization: Basic base64(urlencode(id):urlencode(secret))`, when present.
fn basic_credentials(headers: &HeaderMap) -> Result<Option<(String, String)>, OAuthError> {
    let Some(value) = headers.get(header::AUTHORIZATION) else {
        return Ok(None);
    };
    let malformed =
        || OAuthError::invalid_client(7000218, "The Authorization header is not valid HTTP Basic.");
    let encoded = value
        .to_str()
        .ok()
        .and_then(|v| v.strip_prefix("Basic "))
        .ok_or_else(malformed)?;
    let decoded = STANDARD.decode(encoded.trim()).map_err(|_| malformed())?;
    let decoded = String::from_utf8(decoded).map_err(|_| malformed())?;
    let (id, secret) = decoded.split_once(':').ok_or_else(malformed)?;
    let unescape = |s: &str| -> Option<String> {
        let spaced = s.replace('+', " ");
        percent_encoding::percent_decode_str(&spaced)
            .decode_utf8()
            .ok()
            .map(|c| c.into_owned())
    };
    Ok(Some((
        unescape(id).ok_or_else(malformed)?,
        unescape(secret).ok_or_else(malformed)?,
    )))
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderValue;

    #[test]
    fn basic_credentials_are_url_decoded() {
        let mut headers = HeaderMap::new();
        let value = format!("Basic {}", STANDARD.encode("my%20app:s%3Acret+x"));
        headers.insert(
            header::AUTHORIZATION,
            HeaderValue::from_str(&value).unwrap(),
        );
        assert_eq!(
            basic_credentials(&headers).unwrap(),
            Some(("my app".into(), "s:cret x".into()))
        );
        headers.insert(header::AUTHORIZATION, HeaderValue::from_static("Basic !!"));
        assert!(basic_credentials(&headers).is_err());
        assert_eq!(basic_credentials(&HeaderMap::new()).unwrap(), None);
    }
}
