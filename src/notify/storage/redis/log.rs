//! The notification log as one Redis Stream (`keys::NOTIFICATIONS`), each entry carrying its
//! tenant; reads keep only the asked tenant's. Stream ids order every instance's appends and
//! are the SSE event ids. Each append trims entries older than the retention period
//! (`XADD … MINID ~`), and the stream expires whole after that period without appends.

use std::collections::{BTreeSet, HashMap};
use std::sync::Arc;
use std::time::Duration;

use futures::future::BoxFuture;
use time::OffsetDateTime;
use tower_sessions_redis_store::fred::prelude::*;

use super::{fields, keys, registry};
use crate::notify::model::{EventId, NewNotification, Notification};
use crate::notify::storage::{NotificationLog, StorageError, StoreResult};

/// Most entries read per XRANGE while looking for one tenant's. A scan starts with a page of
/// the size it was asked for (enough when one tenant's entries are all there is) and doubles
/// it up to this, so a thousand streams opening at once do not each hold this many entries.
const PAGE: u64 = 500;

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
                    keys::NOTIFICATIONS,
                    false,
                    ("MINID", "~", oldest_kept),
                    "*",
                    entry,
                )
                .await?;
        }
        let expire = i64::try_from(self.retention.as_secs()).unwrap_or(i64::MAX);
        let () = tx.expire(keys::NOTIFICATIONS, expire, None).await?;
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

    /// Entries from `start` up to the newest (or down to the oldest when `reverse`), at most
    /// `count`.
    async fn page(&self, start: String, reverse: bool, count: u64) -> StoreResult<Vec<Entry>> {
        Ok(if reverse {
            self.pool
                .xrevrange_values(keys::NOTIFICATIONS, start, "-", Some(count))
                .await?
        } else {
            self.pool
                .xrange_values(keys::NOTIFICATIONS, start, "+", Some(count))
                .await?
        })
    }

    /// Up to `limit` of the tenant's notifications, walking from `start` forwards or back.
    async fn scan(
        &self,
        tenant_id: &str,
        mut start: String,
        reverse: bool,
        limit: u32,
    ) -> StoreResult<Vec<Notification>> {
        let mut found = Vec::new();
        let mut count = u64::from(limit).clamp(1, PAGE);
        loop {
            let page = self.page(start, reverse, count).await?;
            let full = page.len() as u64 == count;
            count = (count * 2).min(PAGE);
            let Some((last, _)) = page.last() else { break };
            start = format!("({last}");
            for entry in page {
                if let Some(n) = read(entry, Some(tenant_id))? {
                    found.push(n);
                    if found.len() as u32 >= limit {
                        return self.with_summaries(found).await;
                    }
                }
            }
            if !full {
                break;
            }
        }
        self.with_summaries(found).await
    }

    /// Fills in the summaries stored beside the stream for notifications whose entry has none.
    async fn with_summaries(&self, mut found: Vec<Notification>) -> StoreResult<Vec<Notification>> {
        let missing: Vec<String> = found
            .iter()
            .filter(|n| n.summary.is_none())
            .map(|n| stream_id(n.id))
            .collect();
        if missing.is_empty() {
            return Ok(found);
        }
        let summaries: Vec<Option<String>> = self.pool.hmget(keys::SUMMARIES, missing).await?;
        let mut summaries = summaries.into_iter();
        for n in found.iter_mut().filter(|n| n.summary.is_none()) {
            n.summary = summaries.next().flatten();
        }
        Ok(found)
    }

    async fn add_summary(&self, id: EventId, summary: &str) -> StoreResult<()> {
        let expire = i64::try_from(self.retention.as_secs()).unwrap_or(i64::MAX);
        let tx = self.pool.next().multi();
        let () = tx.hset(keys::SUMMARIES, (stream_id(id), summary)).await?;
        let () = tx.expire(keys::SUMMARIES, expire, None).await?;
        let _: Vec<Value> = tx.exec(true).await?;
        Ok(())
    }
}

type Entry = (String, HashMap<String, String>);

/// The id as Redis writes it; a row id (from the embedded log) counts as `<id>-0`.
pub fn stream_id(id: EventId) -> String {
    format!("{}-{}", id.head, id.seq.unwrap_or(0))
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
        Box::pin(self.scan(tenant_id, format!("({}", stream_id(after_id)), false, limit))
    }

    fn recent<'a>(
        &'a self,
        tenant_id: &'a str,
        limit: u32,
    ) -> BoxFuture<'a, StoreResult<Vec<Notification>>> {
        Box::pin(async move {
            let mut rows = self.scan(tenant_id, "+".into(), true, limit).await?;
            rows.reverse();
            Ok(rows)
        })
    }

    fn get(&self, id: EventId) -> BoxFuture<'_, StoreResult<Option<Notification>>> {
        Box::pin(async move {
            let id = stream_id(id);
            let entries: Vec<Entry> = self
                .pool
                .xrange_values(keys::NOTIFICATIONS, id.as_str(), id.as_str(), Some(1))
                .await?;
            match entries.into_iter().next() {
                Some(entry) => Ok(self
                    .with_summaries(read(entry, None)?.into_iter().collect())
                    .await?
                    .pop()),
                None => Ok(None),
            }
        })
    }

    fn set_summary<'a>(&'a self, id: EventId, summary: &'a str) -> BoxFuture<'a, StoreResult<()>> {
        Box::pin(self.add_summary(id, summary))
    }
}
