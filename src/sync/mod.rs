//! The mirror: graphsec's own copy of each tenant's alerts and incidents, which every list,
//! count and search reads instead of Graph (Graph cannot sort or search a list, and allows a
//! tenant 150 alert requests a minute).
//!
//! - `engine.rs` keeps it: one task per tenant, with an app-only token (`token.rs`) within the
//!   tenant's Graph budget (`budget.rs`);
//! - `store/` holds it (SQLite), `record.rs` says what is kept of an item, `selection.rs` what a
//!   list asks of it;
//! - [`Mirror`] is what pages hold: the store, which tenants it serves, writes read back.

pub mod budget;
pub mod engine;
pub mod record;
pub mod selection;
pub mod store;
pub mod token;

use std::sync::Arc;

use serde_json::Value;
use tokio::sync::{Notify, broadcast};

use record::Record;
use store::{Change, MirrorStore, Resource};

/// What one sync run (or a write read back) changed in a tenant's mirror.
#[derive(Debug, Clone)]
pub struct Changed {
    pub tenant: String,
    pub changes: Arc<Vec<Change>>,
    /// Who made the change, when it was made through graphsec (its writes read back).
    pub by: Option<String>,
}

/// The mirror as pages and the engine share it; clones share everything.
#[derive(Clone)]
pub struct Mirror(Arc<Inner>);

struct Inner {
    store: MirrorStore,
    enabled: bool,
    /// Names this instance among those sharing the mirror (`/sync` says which one syncs).
    instance: String,
    joined: Notify,
    changes: broadcast::Sender<Changed>,
}

/// How fresh a tenant's mirror is, for the pages that read it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Freshness {
    /// When a sync run last succeeded (ms since the epoch).
    pub synced_ms: Option<i64>,
}

impl Mirror {
    pub fn new(store: MirrorStore, enabled: bool) -> Self {
        Self(Arc::new(Inner {
            store,
            enabled,
            instance: format!("{}-{}", std::process::id(), crate::random::token(4)),
            joined: Notify::new(),
            changes: broadcast::channel(256).0,
        }))
    }

    pub fn store(&self) -> &MirrorStore {
        &self.0.store
    }

    pub fn enabled(&self) -> bool {
        self.0.enabled
    }

    /// This instance's name, as the sync records it with each run.
    pub fn instance(&self) -> &str {
        &self.0.instance
    }

    /// Mirrors `tenant` from now on (a person of it opened a list).
    pub async fn join(&self, tenant: &str) {
        if !self.0.enabled {
            return;
        }
        match self.0.store.add_tenant(tenant).await {
            Ok(true) => self.0.joined.notify_one(),
            Ok(false) => {}
            Err(error) => tracing::warn!(%error, "could not add a tenant to the mirror"),
        }
    }

    /// Whether the tenant's mirror of `resource` can answer lists: its backfill is done.
    pub async fn serves(&self, tenant: &str, resource: Resource) -> Option<Freshness> {
        if !self.0.enabled {
            return None;
        }
        let tenant = tenant.to_ascii_lowercase();
        let progress = self.0.store.progress(&tenant, resource).await.ok()?;
        progress.backfill_done.then_some(Freshness {
            synced_ms: progress.last_ok_ms,
        })
    }

    /// Stores an alert as Graph answered a read or a write, so lists show it at once; `by`
    /// names who made the change when it was made through graphsec.
    pub async fn put_alert(&self, tenant: &str, alert: &Value, by: Option<&str>) {
        self.put(tenant, Resource::Alerts, Record::alert(alert), by)
            .await;
    }

    /// Stores an incident as Graph answered (with its alerts, when expanded).
    pub async fn put_incident(&self, tenant: &str, incident: &Value, by: Option<&str>) {
        self.put(tenant, Resource::Incidents, Record::incident(incident), by)
            .await;
    }

    async fn put(
        &self,
        tenant: &str,
        resource: Resource,
        record: Option<Record>,
        by: Option<&str>,
    ) {
        let Some(record) = record else { return };
        if !self.0.enabled {
            return;
        }
        let tenant = tenant.to_ascii_lowercase();
        match self.0.store.put(&tenant, resource, &[record]).await {
            Ok(changes) => self.send(&tenant, changes, by.map(str::to_string)),
            Err(error) => tracing::warn!(%error, "could not store a written item in the mirror"),
        }
    }

    /// Hands what a sync run changed to whoever follows the mirror (the live view).
    pub fn publish(&self, tenant: &str, changes: Vec<Change>) {
        self.send(tenant, changes, None);
    }

    fn send(&self, tenant: &str, changes: Vec<Change>, by: Option<String>) {
        if changes.is_empty() {
            return;
        }
        let _ = self.0.changes.send(Changed {
            tenant: tenant.to_string(),
            changes: Arc::new(changes),
            by,
        });
    }

    /// Every change from now on.
    pub fn follow(&self) -> broadcast::Receiver<Changed> {
        self.0.changes.subscribe()
    }

    pub(crate) async fn joined(&self) {
        self.0.joined.notified().await;
    }
}
