//! The routes table: every path, method and handler of the app, grouped by the policy each
//! group runs under.
//!
//! - **Browser pages**: on `public_url`'s host only (other hosts are redirected there first), the
//!   session, CSRF on every POST, HTML error pages.
//! - **Graph's webhooks** (`POST /listen`, `POST /lifecycle`): no session, no CSRF; they
//!   verify what they receive themselves and have their own body limit.
//! - **Public**: health and static files.
//!
//! Pages and public routes run under the body limit, security headers, tracing and request-id
//! layers. Graph's webhooks run under none of them: their answers go to a machine, not a
//! browser; their handlers log what they refuse or fail to store; and each layer (a clone of
//! the route's service and a boxed future) is paid by every delivery, thousands a second.

use axum::Router;
use axum::extract::{DefaultBodyLimit, MatchedPath, Request};
use axum::middleware::{from_fn, from_fn_with_state};
use axum::routing::{get, post};

mod table;
use tower_http::trace::TraceLayer;
use tower_sessions::{SessionManagerLayer, SessionStore};

pub use table::{BROWSER_ROUTES, Get, Route};

use super::{
    canonical_host, error_pages, health, request_id, security_headers, store_guard, webhooks,
};
use crate::auth::csrf;
use crate::notify::inbound::webhook::MAX_BODY_BYTES;
use crate::web::state::AppState;

pub fn router<S: SessionStore + Clone>(
    state: AppState,
    sessions: SessionManagerLayer<S>,
) -> Router {
    let public_origin = canonical_host::PublicOrigin::new(&state.urls.public_url);
    let transport = security_headers::Transport {
        https: state.urls.public_url.scheme() == "https",
    };
    Router::new()
        .merge(
            browser_pages()
                .layer(from_fn(crate::sessions::touch))
                .layer(sessions)
                .layer(from_fn_with_state(
                    state.redis.clone(),
                    store_guard::require_store,
                ))
                // The guard answers before any session exists: its page is rendered here.
                .layer(from_fn(error_pages::render))
                .layer(from_fn_with_state(public_origin, canonical_host::redirect)),
        )
        .merge(public())
        .layer(DefaultBodyLimit::max(1024 * 1024))
        .layer(from_fn_with_state(transport, security_headers::set))
        .layer(TraceLayer::new_for_http().make_span_with(span_for))
        .layer(from_fn(request_id::assign))
        // Merged after the layers above, so none of them runs for Graph's deliveries.
        .merge(graph_webhooks())
        .with_state(state)
}

/// Pages for people: signed-in where the handler asks for a `User`, CSRF-checked on POST.
/// Built from [`BROWSER_ROUTES`], so that list is every path the pages answer.
fn browser_pages() -> Router<AppState> {
    BROWSER_ROUTES
        .iter()
        .fold(Router::new(), |router, route| {
            router.route(route.path, (route.methods)())
        })
        .fallback(error_pages::not_found)
        .layer(from_fn(csrf::require_csrf))
        .layer(from_fn(error_pages::render))
}

/// What Graph calls: outside every layer of the other groups, with their own body limit.
fn graph_webhooks() -> Router<AppState> {
    Router::new()
        .route("/listen", post(webhooks::listen))
        .route("/lifecycle", post(webhooks::lifecycle))
        .layer(DefaultBodyLimit::max(MAX_BODY_BYTES))
}

/// Needs nothing: liveness and static files.
fn public() -> Router<AppState> {
    Router::new()
        .route("/healthz", get(health::healthz))
        .nest_service("/static", super::assets::service())
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
