//! A registry that answers `by_graph_id` (asked once per notification received) from memory.
//!
//! Every subscription is loaded once, on first use; every change made through this registry
//! (create, renew, recreate, status, lifecycle, delete) is written to the inner registry
//! first and then re-read into the cache, one change at a time. An unknown `subscriptionId`
//! (a forged notification) therefore costs no query either. Everything else reads through.
//!
//! The cached rows' `last_notification_at` is not kept current (the log stamps it in the
//! database); readers that need it use `get`. A subscription made by another process on the
//! same database is found by a reload on a miss, at most one a second (so a flood of forged
//! ids costs at most one query a second). A backend shared by several instances
//! ([`shared_across_instances`](CachedRegistry::shared_across_instances)) instead asks it on
//! every miss, and tells the cache of every change through [`refresh`](CachedRegistry::refresh)
//! and [`reload`](CachedRegistry::reload).

use std::collections::HashMap;
use std::sync::{Arc, RwLock};
use std::time::{Duration, Instant};

use futures::future::BoxFuture;
use time::OffsetDateTime;
use tokio::sync::{Mutex, OnceCell};

use super::{Registry, StoreResult, SubscriptionRegistry};
use crate::notify::model::{ApiKind, NewSubscription, Subscription, SubscriptionStatus};

#[derive(Debug, Default)]
struct Index {
    /// Shared with the webhook's lookups, so a delivery copies no subscription.
    by_id: HashMap<String, Arc<Subscription>>,
    /// Graph's subscription id → our id.
    by_graph: HashMap<String, String>,
}

impl Index {
    fn upsert(&mut self, sub: Subscription) {
        self.remove(&sub.id);
        if let Some(graph_id) = &sub.graph_id {
            self.by_graph.insert(graph_id.clone(), sub.id.clone());
        }
        self.by_id.insert(sub.id.clone(), Arc::new(sub));
    }

    fn remove(&mut self, id: &str) {
        if let Some(old) = self.by_id.remove(id)
            && let Some(graph_id) = &old.graph_id
            && self.by_graph.get(graph_id).is_some_and(|v| v == id)
        {
            self.by_graph.remove(graph_id);
        }
    }
}

#[derive(Debug)]
pub struct CachedRegistry {
    inner: Registry,
    index: OnceCell<RwLock<Index>>,
    /// One change at a time, so a re-read never lands after a later change's.
    writes: Mutex<()>,
    /// When the whole index was last read from the inner registry.
    loaded_at: std::sync::Mutex<Option<Instant>>,
    /// Other instances change the inner registry too: a miss asks it before answering.
    shared: bool,
}

/// Shortest time between two reloads caused by unknown ids.
const RELOAD_AFTER: Duration = Duration::from_secs(1);

impl CachedRegistry {
    pub fn new(inner: Registry) -> Self {
        Self {
            inner,
            index: OnceCell::new(),
            writes: Mutex::new(()),
            loaded_at: std::sync::Mutex::new(None),
            shared: false,
        }
    }

    pub fn shared(inner: Registry) -> Registry {
        Arc::new(Self::new(inner))
    }

    /// The cache of a registry that other instances change too.
    pub fn shared_across_instances(inner: Registry) -> Arc<Self> {
        Arc::new(Self {
            shared: true,
            ..Self::new(inner)
        })
    }

    /// Re-reads subscription `id` (another instance changed it).
    pub async fn refresh(&self, id: &str) -> StoreResult<()> {
        if let Some(index) = self.index.get() {
            let _one_at_a_time = self.writes.lock().await;
            self.reread(index, id).await?;
        }
        Ok(())
    }

    /// Puts the inner registry's subscription `id` (or its absence) into the index; the
    /// caller holds `writes`.
    async fn reread(&self, index: &RwLock<Index>, id: &str) -> StoreResult<()> {
        let fresh = self.inner.get(id).await?;
        let mut index = index.write().unwrap_or_else(|e| e.into_inner());
        match fresh {
            Some(sub) => index.upsert(sub),
            None => index.remove(id),
        }
        Ok(())
    }

    /// Reads every subscription again (changes may have been missed).
    pub async fn reload(&self) -> StoreResult<()> {
        if let Some(index) = self.index.get() {
            *self.loaded_at.lock().unwrap_or_else(|e| e.into_inner()) = None;
            self.reload_if_due(index).await?;
        }
        Ok(())
    }

    async fn index(&self) -> StoreResult<&RwLock<Index>> {
        self.index
            .get_or_try_init(|| async {
                let mut index = Index::default();
                for sub in self.inner.all().await? {
                    index.upsert(sub);
                }
                *self.loaded_at.lock().unwrap_or_else(|e| e.into_inner()) = Some(Instant::now());
                Ok(RwLock::new(index))
            })
            .await
    }

    /// Reads every subscription again, unless that was done within [`RELOAD_AFTER`].
    /// Returns whether it reloaded.
    async fn reload_if_due(&self, index: &RwLock<Index>) -> StoreResult<bool> {
        {
            let mut loaded_at = self.loaded_at.lock().unwrap_or_else(|e| e.into_inner());
            if loaded_at.is_some_and(|at| at.elapsed() < RELOAD_AFTER) {
                return Ok(false);
            }
            *loaded_at = Some(Instant::now());
        }
        let _one_at_a_time = self.writes.lock().await;
        let mut fresh = Index::default();
        for sub in self.inner.all().await? {
            fresh.upsert(sub);
        }
        *index.write().unwrap_or_else(|e| e.into_inner()) = fresh;
        Ok(true)
    }

    fn lookup(index: &RwLock<Index>, graph_id: &str) -> Option<Arc<Subscription>> {
        let index = index.read().unwrap_or_else(|e| e.into_inner());
        index
            .by_graph
            .get(graph_id)
            .and_then(|id| index.by_id.get(id))
            .cloned()
    }

    /// Runs `change` on the inner registry, then re-reads subscription `id` into the cache.
    async fn change<'a, T>(
        &'a self,
        id: &'a str,
        change: BoxFuture<'a, StoreResult<T>>,
    ) -> StoreResult<T> {
        let index = self.index().await?;
        let _one_at_a_time = self.writes.lock().await;
        let out = change.await;
        // Re-read even after an error: the change may have been applied.
        self.reread(index, id).await?;
        out
    }
}

impl SubscriptionRegistry for CachedRegistry {
    fn insert<'a>(&'a self, new: &'a NewSubscription) -> BoxFuture<'a, StoreResult<Subscription>> {
        Box::pin(async move {
            let index = self.index().await?;
            let _one_at_a_time = self.writes.lock().await;
            let sub = self.inner.insert(new).await?;
            index
                .write()
                .unwrap_or_else(|e| e.into_inner())
                .upsert(sub.clone());
            Ok(sub)
        })
    }

    fn get<'a>(&'a self, id: &'a str) -> BoxFuture<'a, StoreResult<Option<Subscription>>> {
        self.inner.get(id)
    }

    fn all(&self) -> BoxFuture<'_, StoreResult<Vec<Subscription>>> {
        self.inner.all()
    }

    fn by_graph_id<'a>(
        &'a self,
        graph_id: &'a str,
    ) -> BoxFuture<'a, StoreResult<Option<Arc<Subscription>>>> {
        Box::pin(async move {
            let index = self.index().await?;
            if let Some(sub) = Self::lookup(index, graph_id) {
                return Ok(Some(sub));
            }
            if self.shared {
                let found = self.inner.by_graph_id(graph_id).await?;
                if let Some(sub) = &found {
                    let _one_at_a_time = self.writes.lock().await;
                    index
                        .write()
                        .unwrap_or_else(|e| e.into_inner())
                        .upsert(Subscription::clone(sub));
                }
                return Ok(found);
            }
            if self.reload_if_due(index).await? {
                return Ok(Self::lookup(index, graph_id));
            }
            Ok(None)
        })
    }

    fn by_resource<'a>(
        &'a self,
        tenant_id: &'a str,
        api_kind: ApiKind,
        resource: &'a str,
    ) -> BoxFuture<'a, StoreResult<Option<Subscription>>> {
        self.inner.by_resource(tenant_id, api_kind, resource)
    }

    fn list_for_tenant<'a>(
        &'a self,
        tenant_id: &'a str,
    ) -> BoxFuture<'a, StoreResult<Vec<Subscription>>> {
        self.inner.list_for_tenant(tenant_id)
    }

    fn due_for_renewal(
        &self,
        kind: ApiKind,
        before: OffsetDateTime,
    ) -> BoxFuture<'_, StoreResult<Vec<Subscription>>> {
        self.inner.due_for_renewal(kind, before)
    }

    fn active_watches(&self) -> BoxFuture<'_, StoreResult<Vec<Subscription>>> {
        self.inner.active_watches()
    }

    fn renewed<'a>(
        &'a self,
        id: &'a str,
        expires_at: OffsetDateTime,
    ) -> BoxFuture<'a, StoreResult<()>> {
        Box::pin(self.change(id, self.inner.renewed(id, expires_at)))
    }

    fn recreated<'a>(
        &'a self,
        id: &'a str,
        graph_id: &'a str,
        client_state: &'a str,
        expires_at: OffsetDateTime,
    ) -> BoxFuture<'a, StoreResult<()>> {
        Box::pin(self.change(
            id,
            self.inner.recreated(id, graph_id, client_state, expires_at),
        ))
    }

    fn set_status<'a>(
        &'a self,
        id: &'a str,
        status: SubscriptionStatus,
    ) -> BoxFuture<'a, StoreResult<()>> {
        Box::pin(self.change(id, self.inner.set_status(id, status)))
    }

    fn record_lifecycle<'a>(
        &'a self,
        id: &'a str,
        event: &'a str,
    ) -> BoxFuture<'a, StoreResult<()>> {
        Box::pin(self.change(id, self.inner.record_lifecycle(id, event)))
    }

    fn clear_lifecycle<'a>(
        &'a self,
        id: &'a str,
        pending: &'a str,
    ) -> BoxFuture<'a, StoreResult<bool>> {
        // Pending lifecycle work is not part of verification; readers of it use `get`.
        self.inner.clear_lifecycle(id, pending)
    }

    fn set_cursor<'a>(
        &'a self,
        id: &'a str,
        cursor: OffsetDateTime,
        published: &'a str,
    ) -> BoxFuture<'a, StoreResult<()>> {
        // The cursor is not part of verification; no need to re-read.
        self.inner.set_cursor(id, cursor, published)
    }

    fn delete<'a>(&'a self, id: &'a str) -> BoxFuture<'a, StoreResult<bool>> {
        Box::pin(self.change(id, self.inner.delete(id)))
    }

    fn remember_owner<'a>(
        &'a self,
        tenant_id: &'a str,
        oid: &'a str,
        session_id: &'a str,
    ) -> BoxFuture<'a, StoreResult<()>> {
        self.inner.remember_owner(tenant_id, oid, session_id)
    }

    fn owner_session<'a>(
        &'a self,
        tenant_id: &'a str,
        oid: &'a str,
    ) -> BoxFuture<'a, StoreResult<Option<String>>> {
        self.inner.owner_session(tenant_id, oid)
    }
}
