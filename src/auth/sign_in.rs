//! The authorization-code flow with PKCE, state and nonce: starting a sign-in (the URL to send
//! the browser to, with what must be checked on return kept in a signed cookie,
//! `pending_cookie.rs`) and completing it (checking the answer and the id token, exchanging the
//! code, storing the user and tokens in a fresh session: the first the server keeps).

use oauth2::basic::BasicRequestTokenError;
use oauth2::{
    AuthorizationCode, CsrfToken, PkceCodeChallenge, PkceCodeVerifier, Scope, TokenResponse as _,
};
use serde::Deserialize;
use subtle::ConstantTimeEq;
use tower_sessions::Session;
use url::Url;

use super::csrf;
use super::id_token;
use super::pending_cookie::Refused;
use super::provider_errors;
use super::scopes;
use super::session_data::{PendingSignIn, TOKENS, Tokens, USER, UserInfo};
use super::tenant_policy;
use crate::config::{Settings, Urls};
use crate::error::AppError;
use crate::graph::{GraphClient, me};
use crate::oauth::OAuth;
use crate::random;

/// What Entra sends back to the redirect URI, for sign-in and for admin consent alike.
#[derive(Debug, Deserialize, Default)]
pub struct CallbackQuery {
    pub code: Option<String>,
    pub state: Option<String>,
    pub error: Option<String>,
    pub error_description: Option<String>,
    pub admin_consent: Option<String>,
    pub tenant: Option<String>,
}

/// Where a completed sign-in goes next.
#[derive(Debug)]
pub enum SignedIn {
    /// The security permission was not granted: explain admin consent.
    NeedsConsent,
    /// Back to the page the user asked for.
    ReturnTo(String),
}

/// Starts a sign-in: the authorize URL, and what the answer must match (state, PKCE verifier,
/// nonce) with the page to return to, for the browser's sign-in cookie.
pub fn start(oauth: &OAuth, settings: &Settings, next: Option<&str>) -> (Url, PendingSignIn) {
    let (challenge, verifier) = PkceCodeChallenge::new_random_sha256();
    let nonce = random::token(24);
    let (url, csrf_state) = oauth
        .client
        .authorize_url(CsrfToken::new_random)
        .add_scopes(settings.scopes().into_iter().map(Scope::new))
        .set_pkce_challenge(challenge)
        .add_extra_param("nonce", &nonce)
        .add_extra_param("response_mode", "query")
        .url();
    let pending = PendingSignIn {
        state: csrf_state.secret().clone(),
        pkce_verifier: verifier.secret().clone(),
        nonce,
        return_to: safe_return_to(next),
    };
    (url, pending)
}

/// A sign-in the user cancelled on the authorize page (`access_denied` answering a sign-in this
/// browser started): the page it was to return to, for "Try again". Any other answer is left
/// for [`complete`].
pub fn cancelled(
    pending: &Result<PendingSignIn, Refused>,
    query: &CallbackQuery,
) -> Option<String> {
    if query.error.as_deref() != Some("access_denied") {
        return None;
    }
    match (pending, &query.state) {
        (Ok(pending), Some(got)) if bool::from(pending.state.as_bytes().ct_eq(got.as_bytes())) => {
            Some(pending.return_to.clone())
        }
        _ => None,
    }
}

/// Completes a sign-in from the redirect URI's answer: state and nonce must be those of the
/// sign-in this browser started (`pending`, from its cookie), the code is exchanged with the
/// PKCE verifier, the id token must be the user's tenant's, for this app, within its lifetime,
/// and the session starts with a new id.
pub async fn complete(
    oauth: &OAuth,
    graph: &GraphClient,
    settings: &Settings,
    urls: &Urls,
    session: &Session,
    pending: Result<PendingSignIn, Refused>,
    query: CallbackQuery,
) -> Result<SignedIn, AppError> {
    // The state first: an answer that is not this browser's sign-in gets no further, whatever
    // else it carries.
    let pending = match (pending, &query.state) {
        (Err(Refused::Expired), _) => {
            return Err(AppError::bad_request(
                "This sign-in was started more than 10 minutes ago and has expired. Please sign in again.",
            ));
        }
        (Ok(pending), Some(got)) if bool::from(pending.state.as_bytes().ct_eq(got.as_bytes())) => {
            pending
        }
        _ => {
            return Err(AppError::bad_request(
                "This sign-in answer does not belong to a sign-in started in this browser (missing or wrong state). Please sign in again.",
            ));
        }
    };
    if let Some(error) = &query.error {
        return Err(AppError::bad_request(format!(
            "Sign-in did not complete. {} Please sign in again.",
            provider_errors::describe(error)
        )));
    }
    let code = query.code.ok_or_else(|| {
        AppError::bad_request(
            "The sign-in answer carried no authorization code. Please sign in again.",
        )
    })?;

    let response = oauth
        .client
        .exchange_code(AuthorizationCode::new(code))
        .set_pkce_verifier(PkceCodeVerifier::new(pending.pkce_verifier))
        .request_async(&oauth.http)
        .await
        .map_err(token_error)?;

    // We always ask for `openid`, so an answer without a readable id token is not the one we asked for;
    // without it the nonce could not be checked.
    let claims = response
        .extra_fields()
        .id_token
        .as_deref()
        .and_then(id_token::claims)
        .ok_or_else(|| {
            AppError::bad_request(
                "The sign-in answer carried no ID token, so it cannot be tied to this sign-in. \
                 Please sign in again.",
            )
        })?;
    if !bool::from(claims.nonce.as_bytes().ct_eq(pending.nonce.as_bytes())) {
        return Err(AppError::bad_request(
            "The sign-in answer was not issued for this sign-in (nonce mismatch). Please sign in again.",
        ));
    }
    tenant_policy::check(&claims, &settings.identity.allowed_tenants)?;
    id_token::verify(
        &claims,
        &urls.authority,
        settings.identity.client_id.trim(),
        time::OffsetDateTime::now_utc().unix_timestamp(),
    )?;
    let granted: Vec<String> = match response.scopes() {
        Some(scopes) => scopes.iter().map(|s| s.to_string()).collect(),
        None => settings.scopes(),
    };
    let tokens = Tokens::new(
        response.access_token().secret().clone(),
        response.refresh_token().map(|t| t.secret().clone()),
        response
            .expires_in()
            .map(|d| d.as_secs() as i64)
            .unwrap_or(3600),
    );
    let profile = me::get_me(graph, &tokens.access_token()).await?;
    let user = UserInfo {
        oid: claims.oid,
        tenant_id: claims.tid,
        display_name: profile.display_name.unwrap_or(claims.name),
        upn: profile
            .user_principal_name
            .unwrap_or(claims.preferred_username),
        granted_scopes: granted,
        tenant_admin: super::roles::is_tenant_admin(&claims.wids),
    };
    // A new session id and a new CSRF token at sign-in, so nothing fixed before sign-in carries over.
    session.cycle_id().await?;
    session.remove::<String>(csrf::SESSION_KEY).await?;
    tracing::info!(tenant = %user.tenant_id, "user signed in");
    let needs_consent = !scopes::has_scope(
        &user.granted_scopes,
        settings.graph.alerts_api.security_scope(),
    );
    session.insert(TOKENS, tokens).await?;
    session.insert(USER, user).await?;
    if needs_consent {
        return Ok(SignedIn::NeedsConsent);
    }
    Ok(SignedIn::ReturnTo(pending.return_to))
}

/// Signs out: the session and its tokens are forgotten.
pub async fn sign_out(session: &Session) -> Result<(), AppError> {
    session.flush().await?;
    Ok(())
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

/// The longest path kept to return to (it travels in the sign-in cookie); a longer one returns
/// to the home page.
pub const MAX_RETURN_TO: usize = 2 * 1024;

/// Only same-site paths are accepted as a place to return to, so `/login?next=` cannot be used
/// to send a user to another site after sign-in.
pub fn safe_return_to(next: Option<&str>) -> String {
    match next {
        Some(path)
            if path.starts_with('/')
                && !path.starts_with("//")
                && !path.starts_with("/\\")
                && path.len() <= MAX_RETURN_TO
                && !path.chars().any(char::is_control) =>
        {
            path.to_string()
        }
        _ => "/".to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::safe_return_to;

    #[test]
    fn return_paths_stay_on_this_site() {
        assert_eq!(
            safe_return_to(Some("/alerts?severity=high")),
            "/alerts?severity=high"
        );
        assert_eq!(safe_return_to(Some("//evil.example/")), "/");
        assert_eq!(safe_return_to(Some("/\\evil.example")), "/");
        assert_eq!(safe_return_to(Some("https://evil.example/")), "/");
        assert_eq!(safe_return_to(Some("/a\nb")), "/");
        assert_eq!(safe_return_to(None), "/");
        let longest = format!("/alerts?q={}", "x".repeat(super::MAX_RETURN_TO - 10));
        assert_eq!(safe_return_to(Some(&longest)), longest);
        assert_eq!(safe_return_to(Some(&format!("{longest}x"))), "/");
    }
}
