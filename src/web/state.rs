//! The state every handler shares (one `Arc`, so the clone axum makes per request is one
//! counter increment), and every `FromRef` that hands a
//! handler or extractor one part of it. It lives with the handlers because only they (and
//! `startup`, which builds it) use it: feature modules take the parts they need.

use std::sync::Arc;

use axum::extract::FromRef;
use sqlx::SqlitePool;

use crate::alerts::api::AlertsApi;
use crate::config::{Settings, Urls};
use crate::graph::GraphClient;
use crate::notify::Notify;
use crate::notify::background::owners::Owners;
use crate::notify::feed::gate::StreamGate;
use crate::oauth::OAuth;
use crate::sync::Mirror;
use crate::triage::audit::AuditLog;

#[derive(Clone)]
pub struct AppState(Arc<Services>);

impl AppState {
    pub fn new(services: Services) -> Self {
        Self(Arc::new(services))
    }
}

impl std::ops::Deref for AppState {
    type Target = Services;

    fn deref(&self) -> &Services {
        &self.0
    }
}

/// What [`AppState`] holds.
pub struct Services {
    pub settings: Arc<Settings>,
    pub urls: Arc<Urls>,
    /// The OAuth client and the HTTP client for its token calls (redirects off).
    pub oauth: OAuth,
    pub graph: GraphClient,
    pub db: SqlitePool,
    /// Set when `redis.url` is configured: sessions shared between instances.
    pub redis: Option<tower_sessions_redis_store::fred::prelude::Pool>,
    /// With Redis: live subscriptions still in the SQLite file from before the switch.
    pub subscriptions_left_behind: i64,
    /// Subscriptions, notifications and their live fan-out.
    pub notify: Notify,
    /// Owners' and viewers' sessions as the session store holds them.
    pub owners: Owners,
    /// How many live notification streams are open, and ending them with their session.
    pub streams: StreamGate,
    /// The record of every write made to Graph.
    pub audit: AuditLog,
    /// graphsec's own copy of each tenant's alerts and incidents, which lists read.
    pub mirror: Mirror,
}

impl FromRef<AppState> for OAuth {
    fn from_ref(state: &AppState) -> Self {
        state.oauth.clone()
    }
}

impl FromRef<AppState> for Notify {
    fn from_ref(state: &AppState) -> Self {
        state.notify.clone()
    }
}

impl FromRef<AppState> for AlertsApi {
    fn from_ref(state: &AppState) -> Self {
        AlertsApi::new(state.settings.graph.alerts_api, state.graph.clone())
    }
}

impl FromRef<AppState> for StreamGate {
    fn from_ref(state: &AppState) -> Self {
        state.streams.clone()
    }
}

impl FromRef<AppState> for AuditLog {
    fn from_ref(state: &AppState) -> Self {
        state.audit.clone()
    }
}

impl FromRef<AppState> for Mirror {
    fn from_ref(state: &AppState) -> Self {
        state.mirror.clone()
    }
}
