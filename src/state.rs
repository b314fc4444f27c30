//! Shared application state, cloned into every handler.

use std::sync::Arc;

use sqlx::SqlitePool;

use crate::auth::oauth::OAuthClient;
use crate::config::{Settings, Urls};
use crate::graph::GraphClient;
use crate::notify::service::Notify;

#[derive(Clone)]
pub struct AppState {
    pub settings: Arc<Settings>,
    pub urls: Arc<Urls>,
    pub oauth: Arc<OAuthClient>,
    /// For token calls only: redirects off.
    pub token_http: oauth2::reqwest::Client,
    pub graph: GraphClient,
    pub db: SqlitePool,
    /// Set when `redis.url` is configured: sessions shared between instances.
    pub redis: Option<tower_sessions_redis_store::fred::prelude::Pool>,
    /// Subscriptions, notifications and their live fan-out.
    pub notify: Notify,
}
