//! The audit log: every write graphsec makes to Graph, recorded before the page that made it
//! answers. Who (name, object id, tenant), what (resource type and id, fields before and after,
//! comment text) and the outcome (HTTP status, Graph's request ids, error message).
//!
//! Records are appended and read, never changed: there is no update or delete through the app,
//! and only [`retention`] removes records older than `[audit] retention_days`. Storage sits behind
//! [`AuditStore`]: `sql` keeps it in a database (the app's SQLite file, or PostgreSQL with
//! `[database] url`), `redis` in Redis when instances share Redis but no database.

pub mod filter;
pub mod incident;
pub mod outcome;
pub mod redis;
pub mod retention;
pub mod sql;
pub mod writes;

use std::fmt::Debug;
use std::sync::Arc;

use futures::future::BoxFuture;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use time::OffsetDateTime;

pub use filter::{AuditFilter, FilterError, Outcome as OutcomeFilter};
pub use outcome::WriteOutcome;

use crate::auth::User;

/// The audit store failed: the write it should have recorded is reported as not recorded.
#[derive(Debug, thiserror::Error)]
#[error("the audit log could not be written or read: {0}")]
pub struct AuditError(#[source] Box<dyn std::error::Error + Send + Sync>);

impl AuditError {
    pub fn new(error: impl std::error::Error + Send + Sync + 'static) -> Self {
        Self(Box::new(error))
    }
}

pub type AuditResult<T> = Result<T, AuditError>;

/// Who made a write: the signed-in user.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Actor {
    pub name: String,
    pub oid: String,
    pub tenant_id: String,
}

impl From<&User> for Actor {
    fn from(user: &User) -> Self {
        Self {
            name: user.display_name.clone(),
            oid: user.oid.clone(),
            tenant_id: user.tenant_id.clone(),
        }
    }
}

/// What kind of thing was written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Resource {
    Alert,
    Incident,
    Mail,
    Subscription,
    BulkRun,
}

impl Resource {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Alert => "alert",
            Self::Incident => "incident",
            Self::Mail => "email",
            Self::Subscription => "subscription",
            Self::BulkRun => "bulk run",
        }
    }
}

/// One write about to be recorded, without its outcome.
#[derive(Debug, Clone, PartialEq)]
pub struct Write {
    /// In words: "alert update", "alert comment", "email sent", "subscription created", …
    pub action: String,
    pub resource: Resource,
    pub resource_id: String,
    /// The fields the write touched, as they were (an object; empty when not known).
    pub before: Value,
    /// As they are afterwards (Graph's answer), or as asked for when the write failed.
    pub after: Value,
    pub comment: String,
    /// The bulk run this write belongs to, empty for a single write.
    pub run_id: String,
}

impl Write {
    pub fn new(action: &str, resource: Resource, resource_id: &str) -> Self {
        Self {
            action: action.to_string(),
            resource,
            resource_id: resource_id.to_string(),
            before: Value::Object(Default::default()),
            after: Value::Object(Default::default()),
            comment: String::new(),
            run_id: String::new(),
        }
    }

    pub fn fields(mut self, before: Value, after: Value) -> Self {
        self.before = before;
        self.after = after;
        self
    }

    pub fn comment(mut self, text: &str) -> Self {
        self.comment = text.to_string();
        self
    }

    pub fn in_run(mut self, run_id: &str) -> Self {
        self.run_id = run_id.to_string();
        self
    }
}

/// A stored record.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AuditRecord {
    pub id: i64,
    #[serde(with = "time::serde::rfc3339")]
    pub at: OffsetDateTime,
    pub actor: Actor,
    pub action: String,
    pub resource_type: String,
    pub resource_id: String,
    pub before: Value,
    pub after: Value,
    pub comment: String,
    /// HTTP status of Graph's answer; 0 when none arrived.
    pub status: u16,
    pub request_id: String,
    pub client_request_id: String,
    /// Empty when the write succeeded.
    pub error: String,
    pub run_id: String,
}

impl AuditRecord {
    /// A write failed when it has an error message; a change kept by graphsec alone (a watch)
    /// has no Graph status and succeeds.
    pub fn succeeded(&self) -> bool {
        self.error.is_empty()
    }
}

/// A page of records, newest first, and whether older ones follow.
#[derive(Debug, Clone, PartialEq)]
pub struct RecordPage {
    pub records: Vec<AuditRecord>,
    pub more: bool,
}

/// Where records are kept. Append and read only: there is deliberately no update, and delete
/// exists only for the retention task.
pub trait AuditStore: Debug + Send + Sync {
    fn append<'a>(&'a self, record: &'a AuditRecord) -> BoxFuture<'a, AuditResult<i64>>;

    /// One tenant's records matching `filter`, newest first, skipping `offset`.
    fn search<'a>(
        &'a self,
        tenant_id: &'a str,
        filter: &'a AuditFilter,
        offset: u32,
        limit: u32,
    ) -> BoxFuture<'a, AuditResult<RecordPage>>;

    /// Removes records older than `before`; returns how many.
    fn remove_older_than(&self, before: OffsetDateTime) -> BoxFuture<'_, AuditResult<u64>>;
}

/// The handle pages and features record through.
#[derive(Debug, Clone)]
pub struct AuditLog {
    store: Arc<dyn AuditStore>,
}

impl AuditLog {
    pub fn new(store: Arc<dyn AuditStore>) -> Self {
        Self { store }
    }

    /// Records `write` by `actor` with its outcome; returns the record's id.
    pub async fn record(
        &self,
        actor: &Actor,
        write: Write,
        outcome: &WriteOutcome,
    ) -> AuditResult<i64> {
        let record = AuditRecord {
            id: 0,
            at: OffsetDateTime::now_utc(),
            actor: actor.clone(),
            action: write.action,
            resource_type: write.resource.as_str().to_string(),
            resource_id: write.resource_id,
            before: write.before,
            after: write.after,
            comment: write.comment,
            status: outcome.status,
            request_id: outcome.request_id.clone(),
            client_request_id: outcome.client_request_id.clone(),
            error: outcome.error.clone(),
            run_id: write.run_id,
        };
        self.store.append(&record).await
    }

    pub async fn search(
        &self,
        tenant_id: &str,
        filter: &AuditFilter,
        offset: u32,
        limit: u32,
    ) -> AuditResult<RecordPage> {
        self.store.search(tenant_id, filter, offset, limit).await
    }

    pub(crate) fn store(&self) -> &Arc<dyn AuditStore> {
        &self.store
    }
}
