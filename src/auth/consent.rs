//! Admin consent: which security permissions the signed-in user lacks, the admin-consent URL
//! (with a single-use state kept in the session), and checking the tenant admin's answer.

use subtle::ConstantTimeEq;
use tower_sessions::Session;
use url::Url;

use super::provider_errors;
use super::scopes;
use super::session_data::CONSENT_STATE;
use super::sign_in::CallbackQuery;
use crate::config::{Settings, Urls, join};
use crate::error::AppError;
use crate::random;

/// Scopes that are about identity, not data; they never need an admin.
const SIGN_IN_SCOPES: &[&str] = &["openid", "profile", "offline_access", "email"];

/// The configured scopes a user with `granted` still lacks (identity scopes aside).
pub fn missing_scopes(settings: &Settings, granted: &[String]) -> Vec<String> {
    settings
        .scopes()
        .into_iter()
        .filter(|s| !SIGN_IN_SCOPES.contains(&s.to_ascii_lowercase().as_str()))
        .filter(|s| !scopes::has_scope(granted, s))
        .collect()
}

/// The admin-consent URL for this browser, its state created on first use.
pub async fn request_url(
    settings: &Settings,
    urls: &Urls,
    session: &Session,
) -> Result<Url, AppError> {
    let consent_state = match session.get::<String>(CONSENT_STATE).await? {
        Some(existing) => existing,
        None => {
            let fresh = random::token(24);
            session.insert(CONSENT_STATE, &fresh).await?;
            fresh
        }
    };
    Ok(consent_url(settings, urls, &consent_state))
}

/// `{authority}/adminconsent?client_id=…&state=…&redirect_uri=…` (the endpoint that grants every
/// permission configured on the app registration).
pub fn consent_url(settings: &Settings, urls: &Urls, consent_state: &str) -> Url {
    let mut url = join(&urls.authority, "adminconsent");
    url.query_pairs_mut()
        .append_pair("client_id", &settings.identity.client_id)
        .append_pair("state", consent_state)
        .append_pair("redirect_uri", urls.redirect_url.as_str());
    url
}

/// The redirect URI serves two flows; an answer is about consent when it says so or carries our consent state.
pub async fn is_consent_answer(session: &Session, query: &CallbackQuery) -> Result<bool, AppError> {
    if query.admin_consent.is_some() {
        return Ok(true);
    }
    let expected: Option<String> = session.get(CONSENT_STATE).await?;
    Ok(matches!((expected, &query.state), (Some(e), Some(s)) if e == *s))
}

/// The outcome of an admin-consent answer whose state is this browser's (single use):
/// whether consent was granted, and a message saying so.
pub async fn outcome(session: &Session, query: &CallbackQuery) -> Result<(bool, String), AppError> {
    let expected: Option<String> = session.remove(CONSENT_STATE).await?;
    let state_ok = matches!((&expected, &query.state), (Some(e), Some(s)) if bool::from(e.as_bytes().ct_eq(s.as_bytes())));
    if !state_ok {
        return Err(AppError::bad_request(
            "This admin-consent answer does not match a consent request started in this browser (missing or wrong state), so it was not acted on.",
        ));
    }
    Ok(match (&query.error, query.admin_consent.as_deref()) {
        (None, Some(flag)) if flag.eq_ignore_ascii_case("true") => (
            true,
            "An administrator granted consent for your organization.".to_string(),
        ),
        (Some(error), _) => (
            false,
            format!(
                "Consent was not granted. {}",
                provider_errors::describe(error)
            ),
        ),
        _ => (false, "Consent was not granted.".to_string()),
    })
}
