//! Building and running the app: `Application::build` binds its own listener (port 0 works, and
//! a `public_url` on port 0 follows the bound port), `run_until_stopped` serves until Ctrl-C/SIGTERM.

use std::sync::Arc;
use std::time::Duration;

use anyhow::Context;
use tokio::net::TcpListener;
use url::Url;

use crate::auth::oauth;
use crate::config::AlertsApiKind;
use crate::config::Settings;
use crate::data_dir;
use crate::db;
use crate::db::sql::Db;
use crate::graph::{CallMeter, ClientOptions, GraphClient, RetryPolicy};
use crate::lease::{AlwaysHeld, Lease};
use crate::notify::Notify;
use crate::notify::background::{self, owners::Owners};
use crate::notify::feed::gate::StreamGate;
use crate::notify::storage::{redis, sqlite};
use crate::redact;
use crate::sessions;
use crate::sync::Mirror;
use crate::sync::budget::Budget;
use crate::sync::engine::{Engine, LeaseFor};
use crate::sync::store::MirrorStore;
use crate::sync::token::AppTokens;
use crate::triage::audit::redis::RedisAudit;
use crate::triage::audit::sql::SqlAudit;
use crate::triage::audit::{AuditLog, AuditStore, retention};
use crate::web;
use crate::web::state::{AppState, Services};

pub struct Application {
    port: u16,
    listener: TcpListener,
    router: axum::Router,
    state: AppState,
}

impl Application {
    pub async fn build(mut settings: Settings) -> anyhow::Result<Self> {
        let listener = TcpListener::bind(&settings.server.bind)
            .await
            .with_context(|| format!("cannot listen on {}", settings.server.bind))?;
        let port = listener.local_addr()?.port();
        follow_bound_port(&mut settings, port)?;
        let urls = settings.urls()?;

        // The data directory holds tokens: the owner's only, checked before and after opening.
        data_dir::prepare(&settings.server.data_dir)?;
        let db = db::connect(&settings.server.data_dir).await?;
        data_dir::secure(&settings.server.data_dir)?;
        let redis = match settings.redis.url.trim() {
            "" => None,
            url => Some(sessions::connect_redis(url).await?),
        };
        let backend = sessions::backend(&db, redis.as_ref()).await?;
        let shared_db = match settings.database.url.trim() {
            "" => None,
            url => Some(db::connect_postgres(url, &redact::without_credentials(url)).await?),
        };
        if shared_db.is_some() && redis.is_none() {
            tracing::warn!(
                "database.url is set without redis.url: run one instance only, since the lease \
                 that lets one instance at a time sync a tenant lives in Redis"
            );
        }
        let secure_cookies = urls.public_url.scheme() == "https";

        db::migrate(&db)
            .await
            .context("cannot prepare the notification tables")?;
        let (storage, left_behind) = match &redis {
            Some(pool) => {
                redis::persistence::warn_if_weak(pool).await;
                let left_behind = sqlite::left_behind(&db).await.unwrap_or(0);
                if left_behind > 0 {
                    tracing::warn!(
                        subscriptions = left_behind,
                        "with redis.url set, subscriptions start empty: the ones in {}'s database \
                         are not carried over; create them again on /subscriptions (the old ones \
                         expire at Graph by themselves)",
                        settings.server.data_dir.display()
                    );
                }
                let storage = redis::storage(pool.clone(), settings.notify.retention()).await;
                (storage, left_behind)
            }
            None => {
                let dir = &settings.server.data_dir;
                let database = dir.join(data_dir::DATABASE_FILE);
                (
                    sqlite::spooled_storage(
                        db.clone(),
                        &database,
                        &dir.join("spool"),
                        settings.notify.retention(),
                    )
                    .await?,
                    0,
                )
            }
        };
        let (notifications, lifecycle) = Notify::new(storage);

        let timeout = Duration::from_secs(settings.graph.timeout_secs.max(1));
        let oauth = oauth::build(&settings, &urls, timeout);
        let owners = Owners::new(
            notifications.registry.clone(),
            backend.clone(),
            oauth.clone(),
        );
        // The audit log lives in the shared database when there is one, else where everything
        // else does: Redis when it is shared, the app's SQLite file when alone.
        let audit_store: Arc<dyn AuditStore> = match (&shared_db, &redis) {
            (Some(pool), _) => Arc::new(SqlAudit::new(Db::Postgres(pool.clone()))),
            (None, Some(pool)) => Arc::new(RedisAudit::new(pool.clone())),
            (None, None) => Arc::new(SqlAudit::new(Db::Sqlite(db.clone()))),
        };
        let streams = StreamGate::new(
            settings.notify.max_streams_per_session,
            settings.notify.max_streams,
        );
        let meter = CallMeter::new();
        let mirror = Mirror::new(
            match &shared_db {
                Some(pool) => MirrorStore::new(Db::Postgres(pool.clone())),
                None => MirrorStore::sqlite(db.clone()),
            },
            settings.sync.enabled && settings.graph.alerts_api == AlertsApiKind::V2,
        );
        if mirror.enabled() {
            Engine {
                mirror: mirror.clone(),
                graph: GraphClient::with_options(
                    urls.graph.clone(),
                    ClientOptions {
                        timeout,
                        retry: RetryPolicy::PATIENT,
                        pacing: None,
                    },
                )
                .with_meter(meter.clone()),
                tokens: AppTokens::new(
                    urls.authority.clone(),
                    settings.identity.client_id.trim().to_string(),
                    settings.identity.client_secret.clone(),
                ),
                budget: Budget::new(meter.clone(), settings.graph.budget_per_minute),
                settings: settings.sync.clone(),
                leases: sync_leases(redis.as_ref()),
            }
            .spawn();
        }
        let state = AppState::new(Services {
            oauth,
            graph: GraphClient::new(urls.graph.clone(), timeout).with_meter(meter),
            mirror,
            urls: Arc::new(urls),
            settings: Arc::new(settings),
            db: db.clone(),
            redis,
            subscriptions_left_behind: left_behind,
            notify: notifications,
            owners: owners.clone(),
            streams,
            audit: AuditLog::new(audit_store),
        });
        retention::spawn(state.audit.clone(), state.settings.audit.retention_days);
        crate::memory::spawn_release();
        background::spawn(
            &state.notify,
            state.graph.clone(),
            owners,
            &state.settings.notify,
            lifecycle,
            state.audit.clone(),
            state.mirror.clone(),
        );
        let router = web::router(state.clone(), sessions::layer(backend, secure_cookies));
        Ok(Self {
            port,
            listener,
            router,
            state,
        })
    }

    pub fn port(&self) -> u16 {
        self.port
    }

    pub fn state(&self) -> &AppState {
        &self.state
    }

    pub async fn run_until_stopped(self) -> anyhow::Result<()> {
        tracing::info!(url = %self.state.urls.public_url, "graphsec is listening");
        let limits = web::serve::Limits::from_settings(&self.state.settings.server);
        web::serve::serve(self.listener, self.router, limits, shutdown_signal()).await;
        self.state.notify.lease.release().await;
        Ok(())
    }
}

/// Each tenant's sync lease: in Redis when instances share it, else always this instance's.
fn sync_leases(redis: Option<&tower_sessions_redis_store::fred::prelude::Pool>) -> LeaseFor {
    match redis {
        Some(pool) => {
            let pool = pool.clone();
            Arc::new(move |tenant: &str| -> Arc<dyn Lease> {
                redis::RedisLease::start(pool.clone(), &format!("sync:{tenant}"))
            })
        }
        None => Arc::new(|_: &str| -> Arc<dyn Lease> { Arc::new(AlwaysHeld) }),
    }
}

/// With `public_url` on port 0 (tests, demo) the redirect URI must name the real port.
fn follow_bound_port(settings: &mut Settings, port: u16) -> anyhow::Result<()> {
    let mut public_url = Url::parse(&settings.server.public_url).with_context(|| {
        format!(
            "server.public_url is not a valid URL ({})",
            settings.server.public_url
        )
    })?;
    if public_url.port() == Some(0) {
        public_url
            .set_port(Some(port))
            .map_err(|_| anyhow::anyhow!("server.public_url cannot carry a port"))?;
        settings.server.public_url = public_url.to_string().trim_end_matches('/').to_string();
    }
    Ok(())
}

pub async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        _ = ctrl_c => {},
        _ = terminate => {},
    }
    tracing::info!("shutting down");
}
