//! The embedded backend: subscriptions, owners and the notification log in the app's SQLite
//! database (tables from `migrations/`), fan-out through the in-process hub. The registry is
//! wrapped in the in-memory cache (`../cached.rs`) that verifies webhooks without a query.

mod log;
mod log_writer;
mod page;
mod priority;
mod record;
mod registry;
mod spool;
mod spooled;

use crate::lease::AlwaysHeld;
use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use sqlx::SqlitePool;

pub use log::SqliteLog;
pub use registry::SqliteRegistry;
pub use spooled::SpooledLog;

use super::{Storage, StorageError, StoreResult, cached::CachedRegistry, hub::Hub};

impl From<sqlx::Error> for StorageError {
    fn from(error: sqlx::Error) -> Self {
        Self::new(error)
    }
}

impl From<rusqlite::Error> for StorageError {
    fn from(error: rusqlite::Error) -> Self {
        Self::new(error)
    }
}

/// The storage over `pool` (migrated), for one instance, with notifications appended straight
/// to SQLite (unit tests; the app spools them first: [`spooled_storage`]).
pub fn storage(pool: SqlitePool) -> Storage {
    over_log(pool.clone(), Arc::new(SqliteLog::new(pool.clone())))
}

/// The app's storage over `pool` (the file `database`): notifications made durable in the
/// spool under `spool_dir`, then put into SQLite by a connection of their own
/// (`log_writer.rs`) behind the acknowledgement, and kept for `keep`. Whatever an earlier run
/// left in the spool is in SQLite when this returns.
pub async fn spooled_storage(
    pool: SqlitePool,
    database: &Path,
    spool_dir: &Path,
    keep: Duration,
) -> anyhow::Result<Storage> {
    let log = SpooledLog::open(SqliteLog::new(pool.clone()), database, spool_dir, keep).await?;
    Ok(over_log(pool, Arc::new(log)))
}

fn over_log(pool: SqlitePool, log: super::Log) -> Storage {
    Storage {
        registry: CachedRegistry::shared(Arc::new(SqliteRegistry::new(pool))),
        log,
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
