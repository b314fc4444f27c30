//! Where sessions live: SQLite under `server.data_dir` (one instance), or Redis when
//! `redis.url` is set (several instances share sign-ins). Cookie flags are set here and only here.
//!
//! A session is written only when something in it changes: sign-in creates it, and reading
//! pages writes nothing, except that [`touch`] extends the inactivity expiry at most once a
//! minute. Anonymous requests never create one. With SQLite, sessions in use are answered
//! from memory (`recent.rs`).

mod recent;

use std::sync::Arc;
use std::time::Duration;

use anyhow::Context;
use async_trait::async_trait;
use axum::extract::Request;
use axum::middleware::Next;
use axum::response::Response;
use tower_sessions::Session;
use tower_sessions::cookie::SameSite;
use tower_sessions::session::{Id, Record};
use tower_sessions::session_store;
use tower_sessions::{Expiry, SessionManagerLayer, SessionStore};
use tower_sessions_redis_store::RedisStore;
use tower_sessions_redis_store::fred::prelude::{
    ClientLike, Config, ConnectionConfig, Error as RedisError, EventInterface, PerformanceConfig,
    Pool, ReconnectPolicy, Server as RedisServer,
};
use tower_sessions_sqlx_store::SqliteStore;

pub const SESSION_COOKIE: &str = "graphsec_session";

use recent::RecentSessions;

/// The one session store of the app, shared by the session layer and background work that
/// reads an owner's tokens (so both see the same sessions).
#[derive(Clone, Debug)]
pub enum SessionBackend {
    Sqlite(Arc<RecentSessions<SqliteStore>>),
    Redis(RedisStore<Pool>),
}

impl SessionBackend {
    fn store(&self) -> &dyn SessionStore {
        match self {
            Self::Sqlite(store) => store.as_ref(),
            Self::Redis(store) => store,
        }
    }
}

#[async_trait]
impl SessionStore for SessionBackend {
    async fn create(&self, record: &mut Record) -> session_store::Result<()> {
        self.store().create(record).await
    }

    async fn save(&self, record: &Record) -> session_store::Result<()> {
        self.store().save(record).await
    }

    async fn load(&self, id: &Id) -> session_store::Result<Option<Record>> {
        self.store().load(id).await
    }

    async fn delete(&self, id: &Id) -> session_store::Result<()> {
        self.store().delete(id).await
    }
}

/// How long a Redis command may take before the request that needs it gets a 503.
const REDIS_COMMAND_TIMEOUT: Duration = Duration::from_secs(5);

/// A connected Redis pool for `url`, or a message naming the key when the URL is wrong. The
/// pool reconnects by itself whenever Redis goes away; while Redis is unreachable at start,
/// start-up waits for it, saying so at once and then every 10 s. The URL appears in messages without its
/// credentials.
pub async fn connect_redis(url: &str) -> anyhow::Result<Pool> {
    let shown = crate::redact::without_credentials(url);
    let mut config = Config::from_url(url)
        .map_err(|_| anyhow::anyhow!("redis.url is not a valid Redis URL ({shown})"))?;
    config.fail_fast = false;
    let performance = PerformanceConfig {
        default_command_timeout: REDIS_COMMAND_TIMEOUT,
        ..PerformanceConfig::default()
    };
    let connection = ConnectionConfig {
        connection_timeout: Duration::from_secs(2),
        ..ConnectionConfig::default()
    };
    let reconnect = ReconnectPolicy::new_constant(0, 1_000);
    let pool = Pool::new(
        config,
        Some(performance),
        Some(connection),
        Some(reconnect),
        4,
    )
    .context("cannot create the Redis pool")?;
    // Subscribed before connecting, so the first refusal is reported as it happens.
    let mut errors = pool.next().error_rx();
    pool.connect();
    wait_for_redis(&pool, &mut errors, &shown).await;
    Ok(pool)
}

/// Waits until `pool` is connected, reporting at once that Redis cannot be reached (with
/// why, such as a refused connection) and then at most every 10 s while it stays so.
async fn wait_for_redis(
    pool: &Pool,
    errors: &mut tokio::sync::broadcast::Receiver<(RedisError, Option<RedisServer>)>,
    shown: &str,
) {
    const REPORT_EVERY: Duration = Duration::from_secs(10);
    let mut reported: Option<tokio::time::Instant> = None;
    let mut report = |why: Option<String>| {
        if reported.is_some_and(|at| at.elapsed() < REPORT_EVERY) {
            return;
        }
        reported = Some(tokio::time::Instant::now());
        match why {
            Some(error) => {
                tracing::warn!(redis = %shown, %error, "Redis at redis.url is not reachable; start-up waits for it")
            }
            None => {
                tracing::warn!(redis = %shown, "Redis at redis.url is not reachable; start-up waits for it")
            }
        }
    };
    let mut errors_open = true;
    let mut waiting = std::pin::pin!(pool.wait_for_connect());
    loop {
        tokio::select! {
            connected = &mut waiting => match connected {
                Ok(()) => return,
                Err(error) => {
                    report(Some(error.to_string()));
                    tokio::time::sleep(Duration::from_secs(1)).await;
                    waiting.set(pool.wait_for_connect());
                }
            },
            received = errors.recv(), if errors_open => match received {
                Ok((error, _)) => report(Some(error.to_string())),
                Err(tokio::sync::broadcast::error::RecvError::Lagged(_)) => {}
                Err(tokio::sync::broadcast::error::RecvError::Closed) => errors_open = false,
            },
            () = tokio::time::sleep(REPORT_EVERY) => report(None),
        }
    }
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
    Ok(SessionBackend::Sqlite(Arc::new(RecentSessions::new(store))))
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

/// When the session was last saved (Unix seconds), so [`touch`] can tell whether its expiry
/// needs extending.
const TOUCHED: &str = "session.touched";

/// How stale the stored expiry may get before a request extends it.
const TOUCH_EVERY_SECS: i64 = 60;

/// Middleware inside the session layer: an existing session that is not being saved anyway
/// is saved (which moves its inactivity expiry) only when its last save is a minute old, so
/// page views make at most one session write a minute. Sessions that do not exist (no
/// cookie, or one the store does not know) are left alone: nothing is created.
pub async fn touch(request: Request, next: Next) -> Response {
    let session = request.extensions().get::<Session>().cloned();
    let response = next.run(request).await;
    let Some(session) = session else {
        return response;
    };
    if session.id().is_none() && !session.is_modified() {
        return response;
    }
    let now = time::OffsetDateTime::now_utc().unix_timestamp();
    let last = session.get::<i64>(TOUCHED).await;
    // Loading may have found the cookie's session gone; then there is nothing to extend.
    if session.id().is_none() && !session.is_modified() {
        return response;
    }
    let due = match last {
        Ok(Some(at)) => now - at >= TOUCH_EVERY_SECS || now < at,
        Ok(None) => true,
        Err(_) => false,
    };
    if (due || session.is_modified()) && !session.is_empty().await {
        let _ = session.insert(TOUCHED, now).await;
    }
    response
}

#[cfg(test)]
mod tests {
    use axum::Router;
    use axum::body::Body;
    use axum::http::{Request as HttpRequest, header};
    use axum::middleware::from_fn;
    use axum::routing::get;
    use tower::ServiceExt;

    use super::*;

    async fn router() -> (Router, SessionBackend) {
        let sqlite = SqliteStore::new(crate::db::in_memory().await.unwrap());
        sqlite.migrate().await.unwrap();
        let store = SessionBackend::Sqlite(Arc::new(RecentSessions::new(sqlite)));
        let router = Router::new()
            .route("/", get(|| async { "page" }))
            .route(
                "/sign-in",
                get(|session: Session| async move {
                    session.insert("user", "u").await.unwrap();
                }),
            )
            .layer(from_fn(touch))
            .layer(layer(store.clone(), false));
        (router, store)
    }

    /// Makes the stored session's last save 61 s old, as if a minute had passed.
    async fn age(store: &SessionBackend, cookie: &str) {
        let id: tower_sessions::session::Id = cookie.split_once('=').unwrap().1.parse().unwrap();
        let mut record = store.load(&id).await.unwrap().unwrap();
        let old = time::OffsetDateTime::now_utc().unix_timestamp() - 61;
        record.data.insert(TOUCHED.into(), old.into());
        store.save(&record).await.unwrap();
    }

    /// GETs `path` with `cookie`; returns the Set-Cookie value, if any.
    async fn get_path(router: &Router, path: &str, cookie: Option<&str>) -> Option<String> {
        let mut request = HttpRequest::get(path);
        if let Some(cookie) = cookie {
            request = request.header(header::COOKIE, cookie);
        }
        let response = router
            .clone()
            .oneshot(request.body(Body::empty()).unwrap())
            .await
            .unwrap();
        response
            .headers()
            .get(header::SET_COOKIE)
            .map(|v| v.to_str().unwrap().split(';').next().unwrap().to_string())
    }

    #[tokio::test]
    async fn sessions_are_saved_on_change_and_touched_at_most_once_a_minute() {
        let (router, store) = router().await;
        assert_eq!(
            get_path(&router, "/", None).await,
            None,
            "anonymous: nothing"
        );
        let cookie = get_path(&router, "/sign-in", None)
            .await
            .expect("signed in");
        assert_eq!(
            get_path(&router, "/", Some(&cookie)).await,
            None,
            "fresh: no save"
        );
        assert_eq!(get_path(&router, "/", Some(&cookie)).await, None);
        // The last save is a minute old: the next view extends the expiry (one save)...
        age(&store, &cookie).await;
        assert_eq!(
            get_path(&router, "/", Some(&cookie)).await.as_deref(),
            Some(cookie.as_str())
        );
        // ...and the one after writes nothing again.
        assert_eq!(get_path(&router, "/", Some(&cookie)).await, None);
        // An unknown session id creates nothing (the stale cookie is only cleared).
        let unknown = "graphsec_session=AAAAAAAAAAAAAAAAAAAAAA";
        let answer = get_path(&router, "/", Some(unknown)).await;
        assert!(
            answer.as_deref().is_none_or(|c| c == "graphsec_session="),
            "{answer:?}"
        );
    }
}
