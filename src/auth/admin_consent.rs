//! Admin consent: when the tenant has not granted the security permissions, hand the user the
//! admin-consent URL; when the admin comes back to the redirect URI, show the outcome.

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::State;
use axum::response::{IntoResponse, Response};
use subtle::ConstantTimeEq;
use tower_sessions::Session;
use url::Url;

use super::callback::CallbackQuery;
use super::scopes;
use super::session_data::CONSENT_STATE;
use super::user::User;
use crate::config::join;
use crate::error::AppError;
use crate::random;
use crate::state::AppState;
use crate::web::layout::Layout;

/// Scopes that are about identity, not data; they never need an admin.
const SIGN_IN_SCOPES: &[&str] = &["openid", "profile", "offline_access", "email"];

#[derive(Template, WebTemplate)]
#[template(path = "auth/admin_consent.html")]
pub struct AdminConsentPage {
    layout: Layout,
    missing: Vec<String>,
    granted: Vec<String>,
    consent_url: String,
    api: &'static str,
}

#[derive(Template, WebTemplate)]
#[template(path = "auth/consent_result.html")]
pub struct ConsentResultPage {
    layout: Layout,
    granted: bool,
    message: String,
}

pub async fn page(
    State(state): State<AppState>,
    session: Session,
    user: User,
    layout: Layout,
) -> Result<Response, AppError> {
    let needed = state.settings.scopes();
    let missing: Vec<String> = needed
        .iter()
        .filter(|s| !SIGN_IN_SCOPES.contains(&s.to_ascii_lowercase().as_str()))
        .filter(|s| !scopes::has_scope(&user.granted_scopes, s))
        .cloned()
        .collect();
    let consent_state = match session.get::<String>(CONSENT_STATE).await? {
        Some(existing) => existing,
        None => {
            let fresh = random::token(24);
            session.insert(CONSENT_STATE, &fresh).await?;
            fresh
        }
    };
    let consent_url = consent_url(&state, &consent_state);
    Ok(AdminConsentPage {
        layout: layout.active("home"),
        missing,
        granted: user.granted_scopes.clone(),
        consent_url: consent_url.to_string(),
        api: state.settings.graph.alerts_api.as_str(),
    }
    .into_response())
}

/// `{authority}/adminconsent?client_id=…&state=…&redirect_uri=…` (the endpoint that grants every
/// permission configured on the app registration).
pub fn consent_url(state: &AppState, consent_state: &str) -> Url {
    let mut url = join(&state.urls.authority, "adminconsent");
    url.query_pairs_mut()
        .append_pair("client_id", &state.settings.identity.client_id)
        .append_pair("state", consent_state)
        .append_pair("redirect_uri", state.urls.redirect_url.as_str());
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

pub async fn finish(
    session: &Session,
    layout: Layout,
    query: CallbackQuery,
) -> Result<Response, AppError> {
    let expected: Option<String> = session.remove(CONSENT_STATE).await?;
    let state_ok = matches!((&expected, &query.state), (Some(e), Some(s)) if bool::from(e.as_bytes().ct_eq(s.as_bytes())));
    if !state_ok {
        return Err(AppError::bad_request(
            "This admin-consent answer does not match a consent request started in this browser (missing or wrong state), so it was not acted on.",
        ));
    }
    let (granted, message) = match (&query.error, query.admin_consent.as_deref()) {
        (None, Some(flag)) if flag.eq_ignore_ascii_case("true") => {
            let tenant = query.tenant.as_deref().unwrap_or("your tenant");
            (
                true,
                format!("An administrator granted consent for {tenant}."),
            )
        }
        (Some(error), _) => {
            let description = query
                .error_description
                .as_deref()
                .unwrap_or("no description was given");
            (
                false,
                format!("Consent was not granted. Microsoft answered {error}: {description}"),
            )
        }
        _ => (false, "Consent was not granted.".to_string()),
    };
    Ok(ConsentResultPage {
        layout,
        granted,
        message,
    }
    .into_response())
}
