//! The background lease in Redis: one key holding the holder's random token with an expiry
//! (`SET NX PX`). The holder extends it every third of the period, only while the key still
//! holds its token (a compare-and-extend script), and deletes it at shutdown the same way
//! (compare-and-delete). An instance that dies stops extending; the key expires and another
//! instance takes it within one period. An instance counts the lease as held only until its
//! last confirmation plus the period, less a margin, so two never both believe they hold it.

use std::sync::Mutex;
use std::time::Duration;

use futures::future::BoxFuture;
use tokio::time::Instant;
use tower_sessions_redis_store::fred::prelude::*;
use tower_sessions_redis_store::fred::types::{Expiration, SetOptions};

use super::{keys, scripts};
use crate::lease::Lease;

/// How long a lease lasts without being extended.
pub const PERIOD: Duration = Duration::from_secs(9);
/// Counted off the period on this side, for clock drift and the round trip.
const MARGIN: Duration = Duration::from_secs(1);

const EXTEND: &str = r"
if redis.call('GET', KEYS[1]) == ARGV[1] then
  return redis.call('PEXPIRE', KEYS[1], ARGV[2])
end
return 0
";

const RELEASE: &str = r"
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0
";

pub struct RedisLease {
    pool: Pool,
    key: String,
    token: String,
    /// Until when this instance may count the lease as its own.
    held_until: Mutex<Option<Instant>>,
}

impl std::fmt::Debug for RedisLease {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RedisLease")
            .field("key", &self.key)
            .finish_non_exhaustive()
    }
}

impl RedisLease {
    /// The lease `name`, kept (taken when free, extended while held) by a task of its own.
    pub fn start(pool: Pool, name: &str) -> std::sync::Arc<Self> {
        let lease = std::sync::Arc::new(Self {
            pool,
            key: keys::lease(name),
            token: crate::random::token(16),
            held_until: Mutex::new(None),
        });
        let keeper = std::sync::Arc::clone(&lease);
        tokio::spawn(async move {
            let mut ticker = tokio::time::interval(PERIOD / 3);
            ticker.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
            loop {
                ticker.tick().await;
                keeper.keep().await;
            }
        });
        lease
    }

    /// Takes the lease if free, or extends it if ours; records until when it is ours.
    async fn keep(&self) {
        let asked_at = Instant::now();
        let ours = match self.take_or_extend().await {
            Ok(ours) => ours,
            Err(error) => {
                tracing::warn!(%error, "cannot renew the background lease");
                false
            }
        };
        let mut held_until = self.held_until.lock().unwrap_or_else(|e| e.into_inner());
        let was_held = held_until.is_some_and(|until| until > Instant::now());
        *held_until = ours.then(|| asked_at + PERIOD - MARGIN);
        if ours && !was_held {
            tracing::info!(lease = %self.key, "this instance runs the background work now");
        }
    }

    async fn take_or_extend(&self) -> FredResult<bool> {
        let millis = PERIOD.as_millis() as i64;
        let taken: Option<String> = self
            .pool
            .set(
                &self.key,
                self.token.as_str(),
                Some(Expiration::PX(millis)),
                Some(SetOptions::NX),
                false,
            )
            .await?;
        if taken.is_some() {
            return Ok(true);
        }
        let args = vec![self.token.clone(), millis.to_string()];
        let extended: i64 = scripts::eval(
            self.pool.next(),
            EXTEND,
            std::slice::from_ref(&self.key),
            args,
        )
        .await?;
        Ok(extended == 1)
    }
}

impl Lease for RedisLease {
    fn held(&self) -> bool {
        let held_until = self.held_until.lock().unwrap_or_else(|e| e.into_inner());
        held_until.is_some_and(|until| until > Instant::now())
    }

    fn release(&self) -> BoxFuture<'_, ()> {
        Box::pin(async move {
            *self.held_until.lock().unwrap_or_else(|e| e.into_inner()) = None;
            let args = vec![self.token.clone()];
            let released: FredResult<i64> = scripts::eval(
                self.pool.next(),
                RELEASE,
                std::slice::from_ref(&self.key),
                args,
            )
            .await;
            if let Err(error) = released {
                tracing::warn!(%error, "cannot release the background lease; it expires by itself");
            }
        })
    }
}
