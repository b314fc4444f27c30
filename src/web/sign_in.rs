//! Signing in and out: `GET /login` (start), `GET /login/authorized` (the redirect URI, which
//! also receives the tenant admin's answer to an admin-consent request), `POST /logout`.

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{Query, State};
use axum::http::{HeaderMap, header};
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;
use time::OffsetDateTime;
use tower_sessions::Session;

use crate::auth::consent;
use crate::auth::pending_cookie::PendingCookies;
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

/// The sign-in cookie's keys, as this app's settings give them.
fn pending_cookies(state: &AppState) -> PendingCookies {
    PendingCookies::new(
        &state.settings.identity.client_secret,
        state.urls.public_url.scheme() == "https",
    )
}

fn now() -> i64 {
    OffsetDateTime::now_utc().unix_timestamp()
}

/// `GET /login`: off to the authorize endpoint, with the sign-in's cookie (no session yet).
pub async fn start(State(state): State<AppState>, Query(query): Query<LoginQuery>) -> Response {
    let (url, pending) = sign_in::start(&state.oauth, &state.settings, query.next.as_deref());
    let cookie = pending_cookies(&state).seal(pending, now());
    let mut response = Redirect::to(url.as_str()).into_response();
    response.headers_mut().append(header::SET_COOKIE, cookie);
    response
}

/// `GET /login/authorized`: the sign-in answer or the admin-consent answer.
pub async fn authorized(
    State(state): State<AppState>,
    session: Session,
    layout: Layout,
    headers: HeaderMap,
    Query(query): Query<CallbackQuery>,
) -> Result<Response, AppError> {
    if consent::is_consent_answer(&session, &query).await? {
        return admin_consent::answered(&session, layout, query).await;
    }
    let cookies = pending_cookies(&state);
    let pending = cookies.open(&headers, now());
    let mut response = if let Some(return_to) = sign_in::cancelled(&pending, &query) {
        let retry = format!(
            "/login?next={}",
            url::form_urlencoded::byte_serialize(return_to.as_bytes()).collect::<String>()
        );
        SignInCancelledPage {
            layout: layout.active("home"),
            retry,
        }
        .into_response()
    } else {
        let signed_in = sign_in::complete(
            &state.oauth,
            &state.graph,
            &state.settings,
            &state.urls,
            &session,
            pending,
            query,
        )
        .await;
        match signed_in {
            Ok(SignedIn::NeedsConsent) => Redirect::to("/admin-consent").into_response(),
            Ok(SignedIn::ReturnTo(path)) => Redirect::to(&path).into_response(),
            Err(refused) => refused.into_response(),
        }
    };
    // Answered, well or not: the sign-in's cookie is spent, so its state is used once.
    response
        .headers_mut()
        .append(header::SET_COOKIE, cookies.clear());
    Ok(response)
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
