//! The notification log in SQLite: pages of notifications (`page.rs`) in the
//! `notification_pages` table, and summaries learned later in `notification_summaries`, read
//! through the app's pool; a notification's id is the event id of the live stream. The app's
//! notifications arrive through the spool and `log_writer.rs`; appending here directly (one
//! transaction per batch) serves unit tests.

use std::sync::Arc;

use futures::future::BoxFuture;
use sqlx::SqlitePool;
use time::OffsetDateTime;

use super::page;
use super::record::Raw;
use crate::notify::model::{EventId, NewNotification, Notification};
use crate::notify::storage::{NotificationLog, StorageError, StoreResult};

#[derive(Clone, Debug)]
pub struct SqliteLog {
    pool: SqlitePool,
    /// Appends made here, one at a time: each takes the ids after the largest stored.
    appending: Arc<tokio::sync::Mutex<()>>,
}

impl SqliteLog {
    pub fn new(pool: SqlitePool) -> Self {
        Self {
            pool,
            appending: Arc::default(),
        }
    }

    /// The batch in one transaction (so one sync), stamping each subscription's
    /// `last_notification_at` inside it.
    async fn insert_batch(&self, batch: Vec<NewNotification>) -> StoreResult<Vec<Notification>> {
        if batch.is_empty() {
            return Ok(Vec::new());
        }
        let _one_at_a_time = self.appending.lock().await;
        let now = OffsetDateTime::now_utc();
        let first = self.largest_id().await? + 1;
        let stored: Vec<Notification> = batch
            .into_iter()
            .zip(first..)
            .map(|(new, id)| new.stored(EventId::row(id), now))
            .collect();
        let mut tx = self.pool.begin().await?;
        for page in page::paginate(&stored.iter().collect::<Vec<_>>()) {
            sqlx::query(
                "INSERT INTO notification_pages (first_id, last_id, tenant_id, newest_at, body) \
                 VALUES (?, ?, ?, ?, ?)",
            )
            .bind(row_id(EventId::row(page.first_id)))
            .bind(row_id(EventId::row(page.last_id)))
            .bind(page.tenant_id)
            .bind(page.newest_at)
            .bind(page.body())
            .execute(&mut *tx)
            .await?;
        }
        for (id, at) in
            newest_per_subscription(stored.iter().map(|n| (&*n.subscription_id, n.received_at)))
        {
            sqlx::query("UPDATE subscriptions SET last_notification_at = ? WHERE id = ?")
                .bind(at)
                .bind(id)
                .execute(&mut *tx)
                .await?;
        }
        tx.commit().await?;
        Ok(stored)
    }
}

/// Each subscription's newest time among `stamps` (a subscription's `last_notification_at`
/// is written once per transaction).
pub(super) fn newest_per_subscription<'s>(
    stamps: impl Iterator<Item = (&'s str, OffsetDateTime)>,
) -> Vec<(&'s str, OffsetDateTime)> {
    let mut newest: Vec<(&str, OffsetDateTime)> = Vec::new();
    for (id, at) in stamps {
        match newest.iter_mut().find(|(known, _)| *known == id) {
            Some((_, seen)) => *seen = (*seen).max(at),
            None => newest.push((id, at)),
        }
    }
    newest
}

impl SqliteLog {
    /// The largest id ever given to a notification here (0 for none), so new ones are above
    /// it: in pages, or given by the older `notifications` table (even to rows since deleted).
    pub async fn largest_id(&self) -> StoreResult<u64> {
        let largest: i64 = sqlx::query_scalar(
            "SELECT MAX(COALESCE((SELECT MAX(last_id) FROM notification_pages), 0), \
             COALESCE((SELECT MAX(id) FROM notifications), 0), \
             COALESCE((SELECT seq FROM sqlite_sequence WHERE name = 'notifications'), 0))",
        )
        .fetch_one(&self.pool)
        .await?;
        Ok(largest.max(0).unsigned_abs())
    }

    /// A tenant's notifications after `after`, oldest first, at most `limit`.
    async fn tenant_after(
        &self,
        tenant_id: &str,
        after: i64,
        limit: usize,
    ) -> StoreResult<Vec<Notification>> {
        let mut found = Vec::new();
        let mut pages = self.walk(tenant_id, Toward::Newer(after));
        while found.len() < limit {
            let Some(body) = pages.next().await? else {
                break;
            };
            let mut room = limit - found.len();
            let wanted = |id: u64| {
                let take = room > 0 && row_id(EventId::row(id)) > after;
                room -= usize::from(take);
                take
            };
            found.extend(
                inflate(&body)?
                    .read(wanted, Raw::Skip)
                    .map_err(StorageError::new)?,
            );
        }
        self.with_summaries(found).await
    }

    /// A tenant's newest `limit` notifications, oldest first.
    async fn tenant_recent(&self, tenant_id: &str, limit: usize) -> StoreResult<Vec<Notification>> {
        let mut newest_pages = Vec::new();
        let mut count = 0;
        let mut pages = self.walk(tenant_id, Toward::Older(i64::MAX));
        while count < limit {
            let Some(body) = pages.next().await? else {
                break;
            };
            // Only the page's newest notifications that are still wanted are decoded.
            let records = inflate(&body)?;
            let ids = records.ids().map_err(StorageError::new)?;
            let take = ids.len().min(limit - count);
            let Some(&oldest) = ids.get(ids.len() - take) else {
                continue;
            };
            let rows = records
                .read(|id| id >= oldest, Raw::Skip)
                .map_err(StorageError::new)?;
            count += rows.len();
            newest_pages.push(rows);
        }
        let found: Vec<Notification> = newest_pages.into_iter().rev().flatten().collect();
        self.with_summaries(found).await
    }

    /// A tenant's pages one after another, from `toward`'s page id.
    fn walk<'a>(&'a self, tenant_id: &'a str, toward: Toward) -> PageWalk<'a> {
        PageWalk {
            log: self,
            tenant_id,
            toward,
            at_once: 1,
            fetched: Vec::new().into_iter(),
        }
    }

    /// The next `at_once` of a tenant's pages from a page's last id, with their last ids. Not
    /// a stream: the driver would read ahead many more pages than a list needs.
    async fn pages(
        &self,
        tenant_id: &str,
        toward: Toward,
        at_once: i64,
    ) -> StoreResult<Vec<(i64, Vec<u8>)>> {
        let (sql, from) = match toward {
            Toward::Newer(from) => (
                "SELECT last_id, body FROM notification_pages WHERE tenant_id = ? AND last_id > ? \
                 ORDER BY last_id LIMIT ?",
                from,
            ),
            Toward::Older(from) => (
                "SELECT last_id, body FROM notification_pages WHERE tenant_id = ? AND last_id < ? \
                 ORDER BY last_id DESC LIMIT ?",
                from,
            ),
        };
        Ok(sqlx::query_as(sql)
            .bind(tenant_id)
            .bind(from)
            .bind(at_once)
            .fetch_all(&self.pool)
            .await?)
    }

    /// `rows` (in id order) with the summaries stored for them after they were.
    async fn with_summaries(&self, mut rows: Vec<Notification>) -> StoreResult<Vec<Notification>> {
        let (Some(first), Some(last)) = (rows.first(), rows.last()) else {
            return Ok(rows);
        };
        let later: Vec<(i64, String)> = sqlx::query_as(
            "SELECT id, summary FROM notification_summaries WHERE id BETWEEN ? AND ?",
        )
        .bind(row_id(first.id))
        .bind(row_id(last.id))
        .fetch_all(&self.pool)
        .await?;
        for (id, summary) in later {
            if let Ok(at) = rows.binary_search_by_key(&id, |n| row_id(n.id)) {
                rows[at].summary = Some(summary);
            }
        }
        Ok(rows)
    }

    async fn one(&self, id: i64) -> StoreResult<Option<Notification>> {
        // The pages of one write hold overlapping ranges, one per tenant: each is looked in.
        let bodies: Vec<Vec<u8>> = sqlx::query_scalar(
            "SELECT body FROM notification_pages WHERE first_id <= ?1 AND last_id >= ?1",
        )
        .bind(id)
        .fetch_all(&self.pool)
        .await?;
        for body in bodies {
            let wanted = |found: u64| row_id(EventId::row(found)) == id;
            let mut rows = inflate(&body)?
                .read(wanted, Raw::Read)
                .map_err(StorageError::new)?;
            if let Some(n) = rows.pop() {
                return Ok(self.with_summaries(vec![n]).await?.pop());
            }
        }
        Ok(None)
    }
}

/// Most pages read by one query (pages of a quiet tenant hold a few notifications each).
const MOST_PAGES_AT_ONCE: i64 = 16;

/// Which way a tenant's pages are read, from a page's last id (a tenant's pages hold ranges
/// of ids that do not overlap).
#[derive(Clone, Copy)]
enum Toward {
    Newer(i64),
    Older(i64),
}

/// A tenant's pages, read a few per query: one page first (a page of a busy tenant holds more
/// than a list shows), then twice as many each time, up to [`MOST_PAGES_AT_ONCE`].
struct PageWalk<'a> {
    log: &'a SqliteLog,
    tenant_id: &'a str,
    /// Where the next query starts: past the last page fetched.
    toward: Toward,
    at_once: i64,
    fetched: std::vec::IntoIter<(i64, Vec<u8>)>,
}

impl PageWalk<'_> {
    /// The next page's body, or `None` past the last.
    async fn next(&mut self) -> StoreResult<Option<Vec<u8>>> {
        if let Some((_, body)) = self.fetched.next() {
            return Ok(Some(body));
        }
        let pages = self
            .log
            .pages(self.tenant_id, self.toward, self.at_once)
            .await?;
        let Some(&(last_id, _)) = pages.last() else {
            return Ok(None);
        };
        self.toward = match self.toward {
            Toward::Newer(_) => Toward::Newer(last_id),
            Toward::Older(_) => Toward::Older(last_id),
        };
        self.at_once = (self.at_once * 2).min(MOST_PAGES_AT_ONCE);
        self.fetched = pages.into_iter();
        Ok(self.fetched.next().map(|(_, body)| body))
    }
}

/// A page's records, inflated.
fn inflate(body: &[u8]) -> StoreResult<page::Records> {
    page::inflate(body).map_err(StorageError::new)
}

impl NotificationLog for SqliteLog {
    fn append(
        &self,
        batch: Vec<NewNotification>,
    ) -> BoxFuture<'_, StoreResult<Vec<Arc<Notification>>>> {
        Box::pin(async move {
            Ok(self
                .insert_batch(batch)
                .await?
                .into_iter()
                .map(Arc::new)
                .collect())
        })
    }

    fn after<'a>(
        &'a self,
        tenant_id: &'a str,
        after_id: EventId,
        limit: u32,
    ) -> BoxFuture<'a, StoreResult<Vec<Notification>>> {
        Box::pin(async move {
            self.tenant_after(tenant_id, row_id(after_id), limit as usize)
                .await
        })
    }

    fn recent<'a>(
        &'a self,
        tenant_id: &'a str,
        limit: u32,
    ) -> BoxFuture<'a, StoreResult<Vec<Notification>>> {
        Box::pin(async move { self.tenant_recent(tenant_id, limit as usize).await })
    }

    fn get<'a>(
        &'a self,
        tenant_id: &'a str,
        id: EventId,
    ) -> BoxFuture<'a, StoreResult<Option<Notification>>> {
        Box::pin(async move {
            if id.seq.is_some() {
                return Ok(None);
            }
            let found = self.one(row_id(id)).await?;
            Ok(found.filter(|n| *n.tenant_id == *tenant_id))
        })
    }

    /// Row ids are unique across tenants: the id alone names the row.
    fn set_summary<'a>(
        &'a self,
        _tenant_id: &'a str,
        id: EventId,
        summary: &'a str,
    ) -> BoxFuture<'a, StoreResult<()>> {
        Box::pin(async move {
            sqlx::query(
                "INSERT INTO notification_summaries (id, summary) VALUES (?, ?) \
                 ON CONFLICT (id) DO UPDATE SET summary = excluded.summary",
            )
            .bind(row_id(id))
            .bind(summary)
            .execute(&self.pool)
            .await?;
            Ok(())
        })
    }
}

/// The row id an event id names (a stream id, from another backend, by its first number).
pub(super) fn row_id(id: EventId) -> i64 {
    i64::try_from(id.head).unwrap_or(i64::MAX)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::db;
    use crate::notify::model::note;

    async fn in_memory() -> SqliteLog {
        let pool = db::in_memory().await.unwrap();
        SqliteLog::new(pool)
    }

    #[tokio::test]
    async fn ids_are_monotonic_and_reads_are_per_tenant() {
        let store = in_memory().await;
        let first = store
            .append(vec![note("a", "1"), note("b", "2"), note("a", "3")])
            .await
            .unwrap();
        let second = store.append(vec![note("a", "4")]).await.unwrap();
        assert!(first.windows(2).all(|w| w[0].id < w[1].id));
        assert!(second[0].id > first[2].id);

        let a_all = store.after("a", EventId::default(), 100).await.unwrap();
        let alerts: Vec<_> = a_all.iter().filter_map(|n| n.alert_id.as_deref()).collect();
        assert_eq!(alerts, ["1", "3", "4"]);
        let a_after = store.after("a", first[2].id, 100).await.unwrap();
        let ids = |rows: &[Notification]| rows.iter().map(|n| n.id).collect::<Vec<_>>();
        assert_eq!(
            ids(&a_after),
            second.iter().map(|n| n.id).collect::<Vec<_>>()
        );
        let recent = store.recent("a", 2).await.unwrap();
        assert_eq!(
            recent.iter().map(|n| n.id).collect::<Vec<_>>(),
            [first[2].id, second[0].id]
        );
        assert!(store.recent("c", 10).await.unwrap().is_empty());
    }

    #[tokio::test]
    async fn a_batch_of_any_size_gets_the_ids_its_rows_were_stored_under() {
        let store = in_memory().await;
        store.append(vec![note("a", "first")]).await.unwrap();
        let batch: Vec<_> = (0..300).map(|i| note("a", &i.to_string())).collect();
        let stored = store.append(batch).await.unwrap();
        assert_eq!(stored.len(), 300);
        for n in [&stored[0], &stored[255], &stored[256], &stored[299]] {
            let row = store.get("a", n.id).await.unwrap().unwrap();
            assert_eq!(row.alert_id, n.alert_id);
        }
    }

    #[tokio::test]
    async fn lists_reach_across_many_small_pages() {
        let store = in_memory().await;
        let mut ids = Vec::new();
        for i in 0..40 {
            let stored = store
                .append(vec![note("a", &i.to_string()), note("b", "other")])
                .await
                .unwrap();
            ids.push(stored[0].id);
        }
        let recent = store.recent("a", 30).await.unwrap();
        assert_eq!(recent.iter().map(|n| n.id).collect::<Vec<_>>(), ids[10..]);
        let after = store.after("a", ids[4], 100).await.unwrap();
        assert_eq!(after.iter().map(|n| n.id).collect::<Vec<_>>(), ids[5..]);
        let some = store.after("a", ids[4], 20).await.unwrap();
        assert_eq!(some.iter().map(|n| n.id).collect::<Vec<_>>(), ids[5..25]);
        assert!(
            recent.iter().all(|n| n.raw.is_empty()),
            "lists leave out raw"
        );
    }

    #[tokio::test]
    async fn a_summary_set_later_is_read_with_the_row() {
        let store = in_memory().await;
        let stored = store.append(vec![note("a", "x")]).await.unwrap();
        store.set_summary("a", stored[0].id, "{}").await.unwrap();
        let read = store.recent("a", 1).await.unwrap();
        assert_eq!(read[0].summary.as_deref(), Some("{}"));
    }

    #[tokio::test]
    async fn stored_rows_read_back_identical() {
        let store = in_memory().await;
        let stored = store.append(vec![note("a", "x")]).await.unwrap();
        assert_eq!(
            store.get("a", stored[0].id).await.unwrap().as_ref(),
            Some(&*stored[0])
        );
    }
}
