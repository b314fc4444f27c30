//! Signing in and out: `GET /login` (start), `GET /login/authorized` (the redirect URI, which
//! also receives the tenant admin's answer to an admin-consent request), `POST /logout`.

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;
use tower_sessions::Session;

use crate::auth::consent;
use crate::auth::sign_in::{self, CallbackQuery, SignedIn};
use crate::error::AppError;
use crate::notify::feed::gate::StreamGate;
use crate::web::admin_consent;
use crate::web::layout::Layout;
use crate::web::state::AppState;

/// Shown when the user cancelled on the sign-in page: nothing went wrong, they can try again.
#[derive(Template, WebTemplate)]
#[template(path = "auth/sign_in_cancelled.html")]
pub struct SignInCancelledPage {
    layout: Layout,
    /// `/login` with the way back to the page first asked for.
    retry: String,
}

#[derive(Debug, Deserialize)]
pub struct LoginQuery {
    next: Option<String>,
}

/// `GET /login`: off to the authorize endpoint.
pub async fn start(
    State(state): State<AppState>,
    session: Session,
    Query(query): Query<LoginQuery>,
) -> Result<Redirect, AppError> {
    let url = sign_in::start(
        &state.oauth,
        &state.settings,
        &session,
        query.next.as_deref(),
    )
    .await?;
    Ok(Redirect::to(url.as_str()))
}

/// `GET /login/authorized`: the sign-in answer or the admin-consent answer.
pub async fn authorized(
    State(state): State<AppState>,
    session: Session,
    layout: Layout,
    Query(query): Query<CallbackQuery>,
) -> Result<Response, AppError> {
    if consent::is_consent_answer(&session, &query).await? {
        return admin_consent::answered(&session, layout, query).await;
    }
    if let Some(return_to) = sign_in::cancelled(&session, &query).await? {
        let retry = format!(
            "/login?next={}",
            url::form_urlencoded::byte_serialize(return_to.as_bytes()).collect::<String>()
        );
        return Ok(SignInCancelledPage {
            layout: layout.active("home"),
            retry,
        }
        .into_response());
    }
    let signed_in =
        sign_in::complete(&state.oauth, &state.graph, &state.settings, &session, query).await?;
    Ok(match signed_in {
        SignedIn::NeedsConsent => Redirect::to("/admin-consent"),
        SignedIn::ReturnTo(path) => Redirect::to(&path),
    }
    .into_response())
}

/// `POST /logout` (CSRF-checked like every browser POST): forget the session and its tokens,
/// and end its live notification streams.
pub async fn sign_out(
    State(streams): State<StreamGate>,
    session: Session,
) -> Result<Redirect, AppError> {
    if let Some(id) = session.id() {
        streams.end_session(&id.to_string());
    }
    sign_in::sign_out(&session).await?;
    Ok(Redirect::to("/"))
}
