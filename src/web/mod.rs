//! Routes grouped by policy: browser pages (session, CSRF, HTML error pages), public endpoints
//! (static files, health), all under the security-header, tracing and request-id layers.

pub mod alerts;
pub mod assets;
pub mod error_pages;
mod home;
pub mod incidents;
pub mod layout;
pub mod notify;
pub mod request_id;
pub mod secure_score;
mod security_headers;
pub mod subscriptions;
pub mod time;

use axum::Router;
use axum::extract::{DefaultBodyLimit, MatchedPath, Request};
use axum::middleware::from_fn;
use axum::routing::get;
use tower_http::trace::TraceLayer;
use tower_sessions::{SessionManagerLayer, SessionStore};

use crate::auth;
use crate::state::AppState;

pub fn router<S: SessionStore + Clone>(
    state: AppState,
    sessions: SessionManagerLayer<S>,
) -> Router {
    let browser = Router::new()
        .merge(home::router())
        .merge(alerts::router())
        .merge(incidents::router())
        .merge(secure_score::router())
        .merge(auth::router())
        .merge(subscriptions::router())
        .merge(notify::router())
        .fallback(error_pages::not_found)
        .layer(from_fn(auth::csrf::require_csrf))
        .layer(from_fn(error_pages::render))
        .layer(sessions);
    let public = Router::new()
        .merge(notify::webhook_router())
        .route("/healthz", get(|| async { "ok" }))
        .nest_service("/static", assets::service());
    Router::new()
        .merge(browser)
        .merge(public)
        .layer(DefaultBodyLimit::max(1024 * 1024))
        .layer(from_fn(security_headers::set))
        .layer(TraceLayer::new_for_http().make_span_with(span_for))
        .layer(from_fn(request_id::assign))
        .with_state(state)
}

/// Method, matched route and request id; never headers, so cookies and tokens stay out of logs.
fn span_for(request: &Request) -> tracing::Span {
    let path = request
        .extensions()
        .get::<MatchedPath>()
        .map(|p| p.as_str().to_string())
        .unwrap_or_else(|| "<unmatched>".into());
    let request_id = request
        .extensions()
        .get::<request_id::RequestId>()
        .map(|r| r.0.as_str())
        .unwrap_or_default();
    tracing::info_span!("request", method = %request.method(), path, request_id)
}
