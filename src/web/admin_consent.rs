//! `GET /admin-consent`: when the tenant has not granted the security permissions, hand the user
//! the admin-consent URL; and the page showing the admin's answer (served at the redirect URI).

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::State;
use axum::response::{IntoResponse, Response};
use tower_sessions::Session;

use crate::auth::User;
use crate::auth::consent;
use crate::auth::sign_in::CallbackQuery;
use crate::error::AppError;
use crate::web::layout::Layout;
use crate::web::state::AppState;

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

pub async fn show(
    State(state): State<AppState>,
    session: Session,
    user: User,
    layout: Layout,
) -> Result<Response, AppError> {
    let missing = consent::missing_scopes(&state.settings, &user.granted_scopes);
    let consent_url = consent::request_url(&state.settings, &state.urls, &session).await?;
    Ok(AdminConsentPage {
        layout: layout.active("home"),
        missing,
        granted: user.granted_scopes.clone(),
        consent_url: consent_url.to_string(),
        api: state.settings.graph.alerts_api.as_str(),
    }
    .into_response())
}

/// The tenant admin's answer, arriving at the redirect URI.
pub async fn answered(
    session: &Session,
    layout: Layout,
    query: CallbackQuery,
) -> Result<Response, AppError> {
    let (granted, message) = consent::outcome(session, &query).await?;
    Ok(ConsentResultPage {
        layout,
        granted,
        message,
    }
    .into_response())
}
