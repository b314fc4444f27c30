//! The notification log as one Redis Stream per tenant (`keys::notifications`), so a view
//! reads its own tenant's entries only, whatever the other tenants hold. Stream ids order a
//! tenant's appends from every instance and are the SSE event ids. Each append also adds one
//! short entry per tenant to `keys::APPENDED`, which the fan-out follows. Each append trims
//! entries older than the retention period (`XADD … MINID ~`), and a tenant's log expires whole
//! after that period without appends.

use std::collections::{BTreeSet, HashMap};
use std::sync::Arc;
use std::time::Duration;

use futures::future::BoxFuture;
use time::OffsetDateTime;
use tower_sessions_redis_store::fred::prelude::*;

use super::{fields, keys, registry};
use crate::notify::model::{EventId, NewNotification, Notification};
use crate::notify::storage::{NotificationLog, StorageError, StoreResult};

/// About how many entries `keys::APPENDED` keeps: the fan-out reads it as it grows, so only a
/// reader that fell this far behind misses a wake-up (and catches up at the tenant's next).
const APPENDED_KEPT: u64 = 100_000;

#[derive(Clone)]
pub struct RedisLog {
    pool: Pool,
    retention: Duration,
}

impl std::fmt::Debug for RedisLog {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RedisLog")
            .field("retention", &self.retention)
            .finish_non_exhaustive()
    }
}

/// An entry that is not a notification (not written by this backend).
#[derive(Debug, thiserror::Error)]
#[error("stream entry {0} is not a stored notification")]
struct BadEntry(String);

impl RedisLog {
    pub fn new(pool: Pool, retention: Duration) -> Self {
        Self { pool, retention }
    }

    /// One MULTI: every XADD, then `last_notification_at` of each subscription named.
    /// With `appendfsync always` Redis answers EXEC only after the AOF is synced.
    async fn add(&self, batch: Vec<NewNotification>) -> StoreResult<Vec<Notification>> {
        if batch.is_empty() {
            return Ok(Vec::new());
        }
        let now = OffsetDateTime::now_utc();
        let received = fields::time(now);
        let oldest_kept = (now - self.retention).unix_timestamp() * 1000;
        let tx = self.pool.next().multi();
        // Sent once, now or never: a write queued while Redis is away would land after its
        // caller was told it failed (and Graph sent it again).
        let once = Options {
            fail_fast: true,
            max_attempts: Some(1),
            ..Options::default()
        };
        for new in &batch {
            let mut entry = vec![
                ("tenant", new.tenant_id.to_string()),
                ("subscription", new.subscription_id.to_string()),
                ("change_type", new.change_type.to_string()),
                ("resource", new.resource.clone()),
                ("received_at", received.clone()),
                ("raw", new.raw.clone()),
            ];
            if let Some(alert) = &new.alert_id {
                entry.push(("alert_id", alert.clone()));
            }
            if let Some(summary) = &new.summary {
                entry.push(("summary", summary.clone()));
            }
            let () = tx
                .with_options(&once)
                .xadd(
                    keys::notifications(&new.tenant_id),
                    false,
                    ("MINID", "~", oldest_kept),
                    "*",
                    entry,
                )
                .await?;
        }
        let expire = i64::try_from(self.retention.as_secs()).unwrap_or(i64::MAX);
        let tenants: BTreeSet<&str> = batch.iter().map(|n| &*n.tenant_id).collect();
        for tenant in tenants {
            let () = tx.expire(keys::notifications(tenant), expire, None).await?;
            let () = tx
                .xadd(
                    keys::APPENDED,
                    false,
                    ("MAXLEN", "~", APPENDED_KEPT),
                    "*",
                    ("tenant", tenant),
                )
                .await?;
        }
        let subscriptions: BTreeSet<&str> = batch.iter().map(|n| &*n.subscription_id).collect();
        for id in subscriptions {
            let set = vec![("last_notification_at", received.clone())];
            registry::update(&tx, id, set, &[], false).await?;
        }
        let replies: Vec<Value> = tx.exec(true).await?;
        let mut stored = Vec::with_capacity(batch.len());
        for (reply, new) in replies.into_iter().zip(batch) {
            let raw_id: String = reply.convert()?;
            let id = raw_id
                .parse()
                .map_err(|_| StorageError::new(BadEntry(raw_id)))?;
            stored.push(new.stored(id, now));
        }
        Ok(stored)
    }

    /// The tenant's entries from `start` (inclusive) on, at most `count`.
    async fn forward(
        &self,
        tenant_id: &str,
        start: String,
        count: u32,
    ) -> StoreResult<Vec<Notification>> {
        let entries: Vec<Entry> = self
            .pool
            .xrange_values(
                keys::notifications(tenant_id),
                start,
                "+",
                Some(u64::from(count)),
            )
            .await?;
        self.notifications(tenant_id, entries).await
    }

    /// The tenant's newest `count` entries, newest first.
    async fn newest(&self, tenant_id: &str, count: u32) -> StoreResult<Vec<Notification>> {
        let entries: Vec<Entry> = self
            .pool
            .xrevrange_values(
                keys::notifications(tenant_id),
                "+",
                "-",
                Some(u64::from(count)),
            )
            .await?;
        self.notifications(tenant_id, entries).await
    }

    async fn notifications(
        &self,
        tenant_id: &str,
        entries: Vec<Entry>,
    ) -> StoreResult<Vec<Notification>> {
        let mut found = Vec::with_capacity(entries.len());
        for entry in entries {
            found.extend(read(entry, Some(tenant_id))?);
        }
        self.with_summaries(tenant_id, found).await
    }

    /// Fills in the summaries stored beside the stream for notifications whose entry has none.
    async fn with_summaries(
        &self,
        tenant_id: &str,
        mut found: Vec<Notification>,
    ) -> StoreResult<Vec<Notification>> {
        let missing: Vec<String> = found
            .iter()
            .filter(|n| n.summary.is_none())
            .map(|n| stream_id(n.id))
            .collect();
        if missing.is_empty() {
            return Ok(found);
        }
        let summaries: Vec<Option<String>> =
            self.pool.hmget(keys::summaries(tenant_id), missing).await?;
        let mut summaries = summaries.into_iter();
        for n in found.iter_mut().filter(|n| n.summary.is_none()) {
            n.summary = summaries.next().flatten();
        }
        Ok(found)
    }

    async fn add_summary(&self, tenant_id: &str, id: EventId, summary: &str) -> StoreResult<()> {
        let expire = i64::try_from(self.retention.as_secs()).unwrap_or(i64::MAX);
        let key = keys::summaries(tenant_id);
        let tx = self.pool.next().multi();
        let () = tx.hset(&key, (stream_id(id), summary)).await?;
        let () = tx.expire(&key, expire, None).await?;
        let _: Vec<Value> = tx.exec(true).await?;
        Ok(())
    }
}

type Entry = (String, HashMap<String, String>);

/// The id as Redis writes it; a row id (from the embedded log) counts as `<id>-0`.
pub fn stream_id(id: EventId) -> String {
    format!("{}-{}", id.head, id.seq.unwrap_or(0))
}

/// The first stream id after `id`, or `None` when `id` is the largest a stream can hold.
/// (Redis refuses an exclusive range start at the largest id, so the next one is computed.)
pub fn next_stream_id(id: EventId) -> Option<String> {
    let seq = id.seq.unwrap_or(0);
    match seq.checked_add(1) {
        Some(seq) => Some(format!("{}-{seq}", id.head)),
        None => id.head.checked_add(1).map(|head| format!("{head}-0")),
    }
}

/// The notification an entry holds, if it is `tenant`'s (any tenant's for `None`). `raw` is
/// kept only for a single read by id.
pub fn read((id, mut fields): Entry, tenant: Option<&str>) -> StoreResult<Option<Notification>> {
    if tenant.is_some_and(|t| fields.get("tenant").is_none_or(|f| f != t)) {
        return Ok(None);
    }
    let bad = || StorageError::new(BadEntry(id.clone()));
    let mut take = |name: &str| fields.remove(name).ok_or_else(bad);
    let received_at = take("received_at")?;
    let notification = Notification {
        frame: Default::default(),
        id: id.parse().map_err(|_| bad())?,
        tenant_id: take("tenant")?.into(),
        subscription_id: take("subscription")?.into(),
        change_type: take("change_type")?.into(),
        resource: take("resource")?,
        alert_id: take("alert_id").ok(),
        summary: take("summary").ok(),
        received_at: OffsetDateTime::parse(
            &received_at,
            &time::format_description::well_known::Rfc3339,
        )
        .map_err(|_| bad())?,
        raw: if tenant.is_none() {
            take("raw").unwrap_or_default()
        } else {
            String::new()
        },
    };
    Ok(Some(notification))
}

impl NotificationLog for RedisLog {
    fn append(
        &self,
        batch: Vec<NewNotification>,
    ) -> BoxFuture<'_, StoreResult<Vec<Arc<Notification>>>> {
        Box::pin(async move { Ok(self.add(batch).await?.into_iter().map(Arc::new).collect()) })
    }

    fn after<'a>(
        &'a self,
        tenant_id: &'a str,
        after_id: EventId,
        limit: u32,
    ) -> BoxFuture<'a, StoreResult<Vec<Notification>>> {
        Box::pin(async move {
            match next_stream_id(after_id) {
                Some(start) => self.forward(tenant_id, start, limit.max(1)).await,
                None => Ok(Vec::new()),
            }
        })
    }

    fn recent<'a>(
        &'a self,
        tenant_id: &'a str,
        limit: u32,
    ) -> BoxFuture<'a, StoreResult<Vec<Notification>>> {
        Box::pin(async move {
            let mut rows = self.newest(tenant_id, limit.max(1)).await?;
            rows.reverse();
            Ok(rows)
        })
    }

    fn get<'a>(
        &'a self,
        tenant_id: &'a str,
        id: EventId,
    ) -> BoxFuture<'a, StoreResult<Option<Notification>>> {
        Box::pin(async move {
            let id = stream_id(id);
            let entries: Vec<Entry> = self
                .pool
                .xrange_values(
                    keys::notifications(tenant_id),
                    id.as_str(),
                    id.as_str(),
                    Some(1),
                )
                .await?;
            match entries.into_iter().next() {
                Some(entry) => Ok(self
                    .with_summaries(tenant_id, read(entry, None)?.into_iter().collect())
                    .await?
                    .pop()),
                None => Ok(None),
            }
        })
    }

    fn set_summary<'a>(
        &'a self,
        tenant_id: &'a str,
        id: EventId,
        summary: &'a str,
    ) -> BoxFuture<'a, StoreResult<()>> {
        Box::pin(self.add_summary(tenant_id, id, summary))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_next_id_after_the_largest_is_none() {
        assert_eq!(
            next_stream_id(EventId::stream(5, 7)).as_deref(),
            Some("5-8")
        );
        assert_eq!(next_stream_id(EventId::row(42)).as_deref(), Some("42-1"));
        assert_eq!(
            next_stream_id(EventId::stream(5, u64::MAX)).as_deref(),
            Some("6-0")
        );
        assert_eq!(next_stream_id(EventId::stream(u64::MAX, u64::MAX)), None);
    }
}
