//! `GET /login`: start the authorization-code flow with PKCE, state and nonce.

use axum::extract::{Query, State};
use axum::response::Redirect;
use oauth2::{CsrfToken, PkceCodeChallenge, Scope};
use serde::Deserialize;
use tower_sessions::Session;

use super::session_data::{PENDING_SIGN_IN, PendingSignIn};
use crate::error::AppError;
use crate::random;
use crate::state::AppState;

#[derive(Debug, Deserialize)]
pub struct LoginQuery {
    next: Option<String>,
}

pub async fn start(
    State(state): State<AppState>,
    session: Session,
    Query(query): Query<LoginQuery>,
) -> Result<Redirect, AppError> {
    let (challenge, verifier) = PkceCodeChallenge::new_random_sha256();
    let nonce = random::token(24);
    let (url, csrf_state) = state
        .oauth
        .authorize_url(CsrfToken::new_random)
        .add_scopes(state.settings.scopes().into_iter().map(Scope::new))
        .set_pkce_challenge(challenge)
        .add_extra_param("nonce", &nonce)
        .add_extra_param("response_mode", "query")
        .url();
    let pending = PendingSignIn {
        state: csrf_state.secret().clone(),
        pkce_verifier: verifier.secret().clone(),
        nonce,
        return_to: safe_return_to(query.next.as_deref()),
    };
    session.insert(PENDING_SIGN_IN, pending).await?;
    Ok(Redirect::to(url.as_str()))
}

/// Only same-site paths are accepted as a place to return to, so `/login?next=` cannot be used
/// to send a user to another site after sign-in.
pub fn safe_return_to(next: Option<&str>) -> String {
    match next {
        Some(path)
            if path.starts_with('/')
                && !path.starts_with("//")
                && !path.starts_with("/\\")
                && path.len() <= 2048
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
    }
}
