//! The shared backend for several instances (`redis.url` set): subscriptions, the
//! notification log and fan-out in one Redis, which every instance reads and writes. The
//! registry is wrapped in the in-memory cache (`../cached.rs`), kept true across instances by
//! change announcements (`changes.rs`). Keys are listed in `keys.rs`.

mod changes;
mod fanout;
mod fields;
pub mod keys;
mod lease;
mod log;
mod migrate;
pub mod persistence;
mod registry;
mod scripts;

use std::sync::Arc;
use std::time::Duration;

use tower_sessions_redis_store::fred::prelude::{Error as RedisError, Pool};

pub use lease::RedisLease;
pub use log::RedisLog;
pub use registry::RedisRegistry;

use super::{Storage, StorageError, cached::CachedRegistry};

impl From<RedisError> for StorageError {
    fn from(error: RedisError) -> Self {
        Self::new(error)
    }
}

/// The storage over `pool`, keeping notifications for `retention`. Moves the notifications of
/// the one log earlier versions kept into each tenant's log, then starts this instance's
/// stream reader and change listener.
pub async fn storage(pool: Pool, retention: Duration) -> Storage {
    match migrate::old_log(&pool, retention.as_secs()).await {
        Ok(0) => {}
        Ok(moved) => tracing::info!(moved, "notifications moved into each tenant's own log"),
        Err(error) => tracing::warn!(
            %error,
            "cannot move the notifications of the earlier single log yet; the next start tries again"
        ),
    }
    let cache = CachedRegistry::shared_across_instances(Arc::new(RedisRegistry::new(pool.clone())));
    changes::follow(&pool, Arc::clone(&cache)).await;
    Storage {
        registry: cache,
        log: Arc::new(RedisLog::new(pool.clone(), retention)),
        fanout: Arc::new(fanout::StreamFanOut::start(&pool).await),
        lease: lease::RedisLease::start(pool, "background"),
    }
}
