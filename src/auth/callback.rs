//! `GET /login/authorized`: the redirect URI. Receives both the sign-in answer (code or error)
//! and the tenant admin's answer to an admin-consent request.

use axum::extract::{Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use oauth2::basic::BasicRequestTokenError;
use oauth2::{AuthorizationCode, PkceCodeVerifier, TokenResponse as _};
use serde::Deserialize;
use subtle::ConstantTimeEq;
use tower_sessions::Session;

use super::admin_consent;
use super::id_token;
use super::scopes;
use super::session_data::{PENDING_SIGN_IN, PendingSignIn, TOKENS, Tokens, USER, UserInfo};
use crate::auth::csrf;
use crate::error::AppError;
use crate::graph::me;
use crate::state::AppState;
use crate::web::layout::Layout;

#[derive(Debug, Deserialize, Default)]
pub struct CallbackQuery {
    pub code: Option<String>,
    pub state: Option<String>,
    pub error: Option<String>,
    pub error_description: Option<String>,
    pub admin_consent: Option<String>,
    pub tenant: Option<String>,
}

pub async fn authorized(
    State(state): State<AppState>,
    session: Session,
    layout: Layout,
    Query(query): Query<CallbackQuery>,
) -> Result<Response, AppError> {
    if admin_consent::is_consent_answer(&session, &query).await? {
        return admin_consent::finish(&session, layout, query).await;
    }
    let pending: Option<PendingSignIn> = session.remove(PENDING_SIGN_IN).await?;
    if let Some(error) = &query.error {
        let description = query
            .error_description
            .as_deref()
            .unwrap_or("no description was given");
        return Err(AppError::bad_request(format!(
            "Sign-in did not complete. Microsoft answered {error}: {description}"
        )));
    }
    let pending = match (pending, &query.state) {
        (Some(pending), Some(got))
            if bool::from(pending.state.as_bytes().ct_eq(got.as_bytes())) =>
        {
            pending
        }
        _ => {
            return Err(AppError::bad_request(
                "This sign-in answer does not belong to a sign-in started in this browser (missing or wrong state). Please sign in again.",
            ));
        }
    };
    let code = query.code.ok_or_else(|| {
        AppError::bad_request(
            "The sign-in answer carried no authorization code. Please sign in again.",
        )
    })?;

    let response = state
        .oauth
        .exchange_code(AuthorizationCode::new(code))
        .set_pkce_verifier(PkceCodeVerifier::new(pending.pkce_verifier))
        .request_async(&state.token_http)
        .await
        .map_err(token_error)?;

    let claims = response
        .extra_fields()
        .id_token
        .as_deref()
        .and_then(id_token::claims);
    if let Some(claims) = &claims
        && !bool::from(claims.nonce.as_bytes().ct_eq(pending.nonce.as_bytes()))
    {
        return Err(AppError::bad_request(
            "The sign-in answer was not issued for this sign-in (nonce mismatch). Please sign in again.",
        ));
    }
    let granted: Vec<String> = match response.scopes() {
        Some(scopes) => scopes.iter().map(|s| s.to_string()).collect(),
        None => state.settings.scopes(),
    };
    let tokens = Tokens::new(
        response.access_token().secret().clone(),
        response.refresh_token().map(|t| t.secret().clone()),
        response
            .expires_in()
            .map(|d| d.as_secs() as i64)
            .unwrap_or(3600),
    );
    let profile = me::get_me(&state.graph, &tokens.access_token()).await?;
    let claims = claims.unwrap_or_default();
    let user = UserInfo {
        oid: if claims.oid.is_empty() {
            profile.id.clone()
        } else {
            claims.oid
        },
        tenant_id: claims.tid,
        display_name: profile.display_name.unwrap_or(claims.name),
        upn: profile
            .user_principal_name
            .unwrap_or(claims.preferred_username),
        granted_scopes: granted,
    };
    // A new session id and a new CSRF token at sign-in, so nothing fixed before sign-in carries over.
    session.cycle_id().await?;
    session.remove::<String>(csrf::SESSION_KEY).await?;
    tracing::info!(tenant = %user.tenant_id, "user signed in");
    let needs_consent = !scopes::has_scope(
        &user.granted_scopes,
        state.settings.graph.alerts_api.security_scope(),
    );
    session.insert(TOKENS, tokens).await?;
    session.insert(USER, user).await?;
    if needs_consent {
        return Ok(Redirect::to("/admin-consent").into_response());
    }
    Ok(Redirect::to(&pending.return_to).into_response())
}

fn token_error(
    err: BasicRequestTokenError<oauth2::HttpClientError<oauth2::reqwest::Error>>,
) -> AppError {
    match err {
        oauth2::RequestTokenError::ServerResponse(body) => {
            let description = body
                .error_description()
                .map(String::as_str)
                .unwrap_or_default();
            AppError::bad_request(format!(
                "Microsoft refused to complete the sign-in ({}): {description}",
                body.error()
            ))
        }
        other => {
            tracing::warn!(error = %other, "token endpoint failed");
            AppError::Upstream("The sign-in service could not be reached. Please try again.".into())
        }
    }
}
