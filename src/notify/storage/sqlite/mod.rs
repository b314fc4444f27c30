//! The embedded backend: subscriptions, owners and the notification log in the app's SQLite
//! database (tables from `migrations/`), fan-out through the in-process hub. The registry is
//! wrapped in the in-memory cache (`../cached.rs`) that verifies webhooks without a query.

mod log;
mod registry;

use std::sync::Arc;

use sqlx::SqlitePool;

pub use log::SqliteLog;
pub use registry::SqliteRegistry;

use super::{
    Storage, StorageError, StoreResult, cached::CachedRegistry, hub::Hub, lease::AlwaysHeld,
};

impl From<sqlx::Error> for StorageError {
    fn from(error: sqlx::Error) -> Self {
        Self::new(error)
    }
}

/// The storage over `pool` (migrated), for one instance.
pub fn storage(pool: SqlitePool) -> Storage {
    storage_with_log_writer(pool.clone(), pool)
}

/// The storage over `pool`, with notifications appended through `writer` (see
/// `db::log_writer`).
pub fn storage_with_log_writer(pool: SqlitePool, writer: SqlitePool) -> Storage {
    Storage {
        registry: CachedRegistry::shared(Arc::new(SqliteRegistry::new(pool.clone()))),
        log: Arc::new(SqliteLog::new(pool, writer)),
        fanout: Arc::new(Hub::new()),
        lease: Arc::new(AlwaysHeld),
    }
}

/// How many live subscriptions the file holds: after a switch to Redis they are not used
/// (Redis starts clean), and the user is told to create them again.
pub async fn left_behind(pool: &SqlitePool) -> StoreResult<i64> {
    Ok(
        sqlx::query_scalar("SELECT COUNT(*) FROM subscriptions WHERE status != 'removed'")
            .fetch_one(pool)
            .await?,
    )
}

/// A fresh in-memory storage (unit tests).
#[cfg(test)]
pub async fn in_memory() -> Storage {
    storage(crate::db::in_memory().await.expect("in-memory database"))
}

#[cfg(test)]
mod cache_tests;
