//! Where sessions live: SQLite under `server.data_dir` (one instance), or Redis when
//! `redis.url` is set (several instances share sign-ins). Cookie flags are set here and only here.

use std::time::Duration;

use anyhow::Context;
use tower_sessions::cookie::SameSite;
use tower_sessions::{Expiry, SessionManagerLayer, SessionStore};
use tower_sessions_redis_store::RedisStore;
use tower_sessions_redis_store::fred::prelude::{ClientLike, Config, Pool};
use tower_sessions_sqlx_store::SqliteStore;

pub const SESSION_COOKIE: &str = "graphsec_session";

pub enum SessionBackend {
    Sqlite(SqliteStore),
    Redis(RedisStore<Pool>),
}

/// A connected Redis pool for `url`, or a message naming the key when it is wrong or unreachable.
/// The URL appears in messages without its credentials.
pub async fn connect_redis(url: &str) -> anyhow::Result<Pool> {
    let shown = crate::redact::without_credentials(url);
    let config = Config::from_url(url)
        .map_err(|_| anyhow::anyhow!("redis.url is not a valid Redis URL ({shown})"))?;
    let pool = Pool::new(config, None, None, None, 4).context("cannot create the Redis pool")?;
    tokio::time::timeout(Duration::from_secs(10), pool.init())
        .await
        .map_err(|_| anyhow::anyhow!("Redis at redis.url ({shown}) did not answer within 10 s"))?
        .with_context(|| format!("cannot connect to Redis at redis.url ({shown})"))?;
    Ok(pool)
}

pub async fn backend(
    db: &sqlx::SqlitePool,
    redis: Option<&Pool>,
) -> anyhow::Result<SessionBackend> {
    if let Some(pool) = redis {
        return Ok(SessionBackend::Redis(RedisStore::new(pool.clone())));
    }
    let store = SqliteStore::new(db.clone());
    store
        .migrate()
        .await
        .context("cannot prepare the session table")?;
    tokio::spawn(delete_expired_sessions(store.clone()));
    Ok(SessionBackend::Sqlite(store))
}

/// HttpOnly, SameSite=Lax, Secure when the app is served over https; eight hours of inactivity ends a session.
pub fn layer<S: SessionStore + Clone>(store: S, secure: bool) -> SessionManagerLayer<S> {
    SessionManagerLayer::new(store)
        .with_name(SESSION_COOKIE)
        .with_http_only(true)
        .with_same_site(SameSite::Lax)
        .with_secure(secure)
        .with_expiry(Expiry::OnInactivity(
            tower_sessions::cookie::time::Duration::hours(8),
        ))
}

/// Redis expires keys itself; SQLite rows are swept here.
async fn delete_expired_sessions(store: SqliteStore) {
    let mut tick = tokio::time::interval(Duration::from_secs(600));
    loop {
        tick.tick().await;
        if let Err(err) = tower_sessions::ExpiredDeletion::delete_expired(&store).await {
            tracing::warn!(error = %err, "could not delete expired sessions");
        }
    }
}
