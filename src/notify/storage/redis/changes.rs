//! Keeps this instance's subscription cache true to Redis: every change to a subscription is
//! announced on `keys::CHANGED` (by the scripts that make it) and re-read here; after the
//! connection comes back, when announcements may have been missed, the whole cache is read again.

use std::sync::Arc;

use tokio::sync::broadcast::error::RecvError;
use tower_sessions_redis_store::fred::prelude::*;

use super::keys;
use crate::notify::storage::cached::CachedRegistry;

/// Starts listening on a connection of its own.
pub async fn follow(pool: &Pool, cache: Arc<CachedRegistry>) {
    let client = pool.next().clone_new();
    let mut messages = client.message_rx();
    let on_reconnect = client.clone();
    let reload = Arc::clone(&cache);
    client.on_reconnect(move |_| resubscribe(on_reconnect.clone(), Arc::clone(&reload)));
    if client.init().await.is_ok() {
        let _ = resubscribe(client.clone(), Arc::clone(&cache)).await;
    }
    tokio::spawn(async move {
        loop {
            match messages.recv().await {
                Ok(message) => {
                    let Ok(id) = message.value.convert::<String>() else {
                        continue;
                    };
                    if let Err(error) = cache.refresh(&id).await {
                        tracing::warn!(%error, "cannot re-read a changed subscription");
                    }
                }
                Err(RecvError::Lagged(_)) => {
                    if let Err(error) = cache.reload().await {
                        tracing::warn!(%error, "cannot reload the subscription cache");
                    }
                }
                Err(RecvError::Closed) => return,
            }
        }
    });
}

/// Listens again and reads every subscription again (changes may have been missed).
async fn resubscribe(client: Client, cache: Arc<CachedRegistry>) -> FredResult<()> {
    if let Err(error) = client.subscribe(keys::CHANGED).await {
        tracing::warn!(%error, "cannot follow subscription changes");
    }
    if let Err(error) = cache.reload().await {
        tracing::warn!(%error, "cannot reload the subscription cache");
    }
    Ok(())
}
