//! Shared application state, cloned into every handler.

use std::sync::Arc;

use axum::extract::FromRef;
use sqlx::SqlitePool;

use crate::config::{Settings, Urls};
use crate::graph::GraphClient;
use crate::notify::service::Notify;
use crate::oauth::OAuth;

#[derive(Clone)]
pub struct AppState {
    pub settings: Arc<Settings>,
    pub urls: Arc<Urls>,
    /// The OAuth client and the HTTP client for its token calls (redirects off).
    pub oauth: OAuth,
    pub graph: GraphClient,
    pub db: SqlitePool,
    /// Set when `redis.url` is configured: sessions shared between instances.
    pub redis: Option<tower_sessions_redis_store::fred::prelude::Pool>,
    /// Subscriptions, notifications and their live fan-out.
    pub notify: Notify,
}

impl FromRef<AppState> for OAuth {
    fn from_ref(state: &AppState) -> Self {
        state.oauth.clone()
    }
}
