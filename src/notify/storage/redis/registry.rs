//! The subscription registry in Redis: one hash per subscription (`keys::subscription`), the
//! set of ids, an index from Graph's id to ours, and the owners' sessions. Lists are read
//! whole and filtered here: a deployment holds hundreds of subscriptions, not millions.

use std::collections::HashMap;
use std::sync::Arc;

use futures::future::BoxFuture;
use time::OffsetDateTime;
use tower_sessions_redis_store::fred::prelude::*;
use uuid::Uuid;

use super::fields::{self, Fields};
use super::{keys, scripts};
use crate::notify::model::{ApiKind, NewSubscription, Subscription, SubscriptionStatus};
use crate::notify::storage::{StorageError, StoreResult, SubscriptionRegistry};

#[derive(Clone)]
pub struct RedisRegistry {
    pool: Pool,
}

impl std::fmt::Debug for RedisRegistry {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RedisRegistry").finish_non_exhaustive()
    }
}

impl RedisRegistry {
    pub fn new(pool: Pool) -> Self {
        Self { pool }
    }

    /// Sets `set` and removes `clear` on subscription `id`, if it still exists, and tells
    /// every instance.
    fn update<'a>(
        &'a self,
        id: &'a str,
        set: Fields,
        clear: &'a [&'static str],
    ) -> BoxFuture<'a, StoreResult<()>> {
        Box::pin(async move {
            update(self.pool.next(), id, set, clear, true).await?;
            Ok(())
        })
    }

    async fn read(&self, id: &str) -> StoreResult<Option<Subscription>> {
        let hash: HashMap<String, String> = self.pool.hgetall(keys::subscription(id)).await?;
        fields::read(hash).map_err(StorageError::new)
    }

    /// Every subscription matching `keep`, in `order`.
    async fn filtered(
        &self,
        keep: impl Fn(&Subscription) -> bool,
        order: impl Fn(&Subscription, &Subscription) -> std::cmp::Ordering,
    ) -> StoreResult<Vec<Subscription>> {
        let mut subs: Vec<_> = self.all_subscriptions().await?;
        subs.retain(keep);
        subs.sort_by(order);
        Ok(subs)
    }

    async fn all_subscriptions(&self) -> StoreResult<Vec<Subscription>> {
        let ids: Vec<String> = self.pool.smembers(keys::SUBSCRIPTIONS).await?;
        if ids.is_empty() {
            return Ok(Vec::new());
        }
        let pipeline = self.pool.next().pipeline();
        for id in &ids {
            let () = pipeline.hgetall(keys::subscription(id)).await?;
        }
        let hashes: Vec<HashMap<String, String>> = pipeline.all().await?;
        let mut subs = Vec::with_capacity(hashes.len());
        for hash in hashes {
            // An id whose hash is gone was deleted between the two reads.
            if let Some(sub) = fields::read(hash).map_err(StorageError::new)? {
                subs.push(sub);
            }
        }
        Ok(subs)
    }
}

/// Runs the update script on `client` (a pool connection or a transaction); `announce`
/// says whether caches must re-read the subscription.
pub async fn update<C: ClientLike>(
    client: &C,
    id: &str,
    set: Fields,
    clear: &[&'static str],
    announce: bool,
) -> FredResult<()> {
    let mut args = vec![
        if announce { keys::CHANGED } else { "" }.to_string(),
        set.len().to_string(),
    ];
    for (field, value) in set {
        args.push(field.to_string());
        args.push(value);
    }
    args.extend(clear.iter().map(|f| f.to_string()));
    let keys = [keys::subscription(id), keys::BY_GRAPH_ID.to_string()];
    let _: Value = scripts::eval(client, scripts::UPDATE, &keys, args).await?;
    Ok(())
}

impl SubscriptionRegistry for RedisRegistry {
    fn insert<'a>(&'a self, new: &'a NewSubscription) -> BoxFuture<'a, StoreResult<Subscription>> {
        Box::pin(async move {
            let id = Uuid::new_v4().to_string();
            let now = OffsetDateTime::now_utc();
            let fields = fields::of_new(&id, new, now);
            let tx = self.pool.next().multi();
            let () = tx.hset(keys::subscription(&id), fields).await?;
            let () = tx.sadd(keys::SUBSCRIPTIONS, id.as_str()).await?;
            if let Some(graph_id) = &new.graph_id {
                let () = tx
                    .hset(keys::BY_GRAPH_ID, (graph_id.as_str(), id.as_str()))
                    .await?;
            }
            let () = tx.publish(keys::CHANGED, id.as_str()).await?;
            let _: Value = tx.exec(true).await?;
            self.read(&id)
                .await?
                .ok_or_else(|| StorageError::new(fields::BadField("id")))
        })
    }

    fn get<'a>(&'a self, id: &'a str) -> BoxFuture<'a, StoreResult<Option<Subscription>>> {
        Box::pin(self.read(id))
    }

    fn all(&self) -> BoxFuture<'_, StoreResult<Vec<Subscription>>> {
        Box::pin(self.all_subscriptions())
    }

    fn by_graph_id<'a>(
        &'a self,
        graph_id: &'a str,
    ) -> BoxFuture<'a, StoreResult<Option<Arc<Subscription>>>> {
        Box::pin(async move {
            let id: Option<String> = self.pool.hget(keys::BY_GRAPH_ID, graph_id).await?;
            match id {
                Some(id) => Ok(self.read(&id).await?.map(Arc::new)),
                None => Ok(None),
            }
        })
    }

    fn by_resource<'a>(
        &'a self,
        tenant_id: &'a str,
        api_kind: ApiKind,
        resource: &'a str,
    ) -> BoxFuture<'a, StoreResult<Option<Subscription>>> {
        Box::pin(async move {
            let found = self
                .filtered(
                    |s| {
                        s.tenant_id == tenant_id && s.api_kind == api_kind && s.resource == resource
                    },
                    |a, b| a.created_at.cmp(&b.created_at),
                )
                .await?;
            Ok(found.into_iter().next())
        })
    }

    fn list_for_tenant<'a>(
        &'a self,
        tenant_id: &'a str,
    ) -> BoxFuture<'a, StoreResult<Vec<Subscription>>> {
        Box::pin(self.filtered(
            move |s| s.tenant_id == tenant_id,
            |a, b| (a.expires_at, &a.id).cmp(&(b.expires_at, &b.id)),
        ))
    }

    fn due_for_renewal(
        &self,
        kind: ApiKind,
        before: OffsetDateTime,
    ) -> BoxFuture<'_, StoreResult<Vec<Subscription>>> {
        Box::pin(self.filtered(
            move |s| {
                s.api_kind == kind
                    && s.status != SubscriptionStatus::Removed
                    && s.expires_at < before
            },
            |a, b| a.expires_at.cmp(&b.expires_at),
        ))
    }

    fn active_watches(&self) -> BoxFuture<'_, StoreResult<Vec<Subscription>>> {
        Box::pin(self.filtered(
            |s| s.api_kind == ApiKind::V2Watch && s.status == SubscriptionStatus::Active,
            |a, b| a.created_at.cmp(&b.created_at),
        ))
    }

    fn renewed<'a>(
        &'a self,
        id: &'a str,
        expires_at: OffsetDateTime,
    ) -> BoxFuture<'a, StoreResult<()>> {
        let set = vec![
            ("expires_at", fields::time(expires_at)),
            ("status", fields::status(SubscriptionStatus::Active)),
        ];
        self.update(id, set, &[])
    }

    fn recreated<'a>(
        &'a self,
        id: &'a str,
        graph_id: &'a str,
        client_state: &'a str,
        expires_at: OffsetDateTime,
    ) -> BoxFuture<'a, StoreResult<()>> {
        let set = vec![
            ("graph_id", graph_id.to_string()),
            ("client_state", client_state.to_string()),
            ("expires_at", fields::time(expires_at)),
            ("status", fields::status(SubscriptionStatus::Active)),
        ];
        self.update(id, set, &["last_lifecycle_event"])
    }

    fn set_status<'a>(
        &'a self,
        id: &'a str,
        status: SubscriptionStatus,
    ) -> BoxFuture<'a, StoreResult<()>> {
        self.update(id, vec![("status", fields::status(status))], &[])
    }

    fn record_lifecycle<'a>(
        &'a self,
        id: &'a str,
        event: &'a str,
    ) -> BoxFuture<'a, StoreResult<()>> {
        Box::pin(async move {
            let args = vec![keys::CHANGED.to_string(), event.to_string()];
            let keys = [keys::subscription(id)];
            let _: i64 =
                scripts::eval(self.pool.next(), scripts::RECORD_LIFECYCLE, &keys, args).await?;
            Ok(())
        })
    }

    fn clear_lifecycle<'a>(
        &'a self,
        id: &'a str,
        pending: &'a str,
    ) -> BoxFuture<'a, StoreResult<bool>> {
        Box::pin(async move {
            let args = vec![keys::CHANGED.to_string(), pending.to_string()];
            let keys = [keys::subscription(id)];
            let cleared: i64 =
                scripts::eval(self.pool.next(), scripts::CLEAR_LIFECYCLE, &keys, args).await?;
            Ok(cleared == 1)
        })
    }

    fn set_cursor<'a>(
        &'a self,
        id: &'a str,
        cursor: OffsetDateTime,
        published: &'a str,
    ) -> BoxFuture<'a, StoreResult<()>> {
        Box::pin(async move {
            // Not part of verification: no cache needs telling.
            let set = vec![
                ("watch_cursor", fields::time(cursor)),
                ("watch_published", published.to_owned()),
            ];
            update(self.pool.next(), id, set, &[], false).await?;
            Ok(())
        })
    }

    fn delete<'a>(&'a self, id: &'a str) -> BoxFuture<'a, StoreResult<bool>> {
        Box::pin(async move {
            let keys = [
                keys::subscription(id),
                keys::BY_GRAPH_ID.to_string(),
                keys::SUBSCRIPTIONS.to_string(),
            ];
            let args = vec![keys::CHANGED.to_string(), id.to_string()];
            let existed: i64 =
                scripts::eval(self.pool.next(), scripts::DELETE, &keys, args).await?;
            Ok(existed == 1)
        })
    }

    fn remember_owner<'a>(
        &'a self,
        tenant_id: &'a str,
        oid: &'a str,
        session_id: &'a str,
    ) -> BoxFuture<'a, StoreResult<()>> {
        Box::pin(async move {
            let () = self
                .pool
                .hset(keys::OWNERS, (keys::owner(tenant_id, oid), session_id))
                .await?;
            Ok(())
        })
    }

    fn owner_session<'a>(
        &'a self,
        tenant_id: &'a str,
        oid: &'a str,
    ) -> BoxFuture<'a, StoreResult<Option<String>>> {
        Box::pin(async move {
            Ok(self
                .pool
                .hget(keys::OWNERS, keys::owner(tenant_id, oid))
                .await?)
        })
    }
}
