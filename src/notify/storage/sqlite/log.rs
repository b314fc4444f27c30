//! The notification log in SQLite: the `notifications` table, read through the app's pool; a
//! row's id is the event id of the live stream. The app's rows arrive through the spool and
//! `log_writer.rs`; appending here directly (one transaction per batch) serves unit tests.

use std::sync::Arc;

use futures::future::BoxFuture;
use sqlx::{Executor, QueryBuilder, Sqlite, SqlitePool};
use time::OffsetDateTime;

use crate::notify::model::{EventId, NewNotification, Notification};
use crate::notify::storage::{NotificationLog, StoreResult};

/// Largest number of rows per INSERT statement (8 bound values each, well under SQLite's
/// variable limit). A larger batch is stored in one transaction of statements of power-of-two
/// sizes up to this, so only a handful of distinct statements exist and each stays in the
/// connection's statement cache instead of being prepared again for every batch size.
const ROWS_PER_INSERT: usize = 256;

#[derive(Clone, Debug)]
pub struct SqliteLog {
    pool: SqlitePool,
}

impl SqliteLog {
    pub fn new(pool: SqlitePool) -> Self {
        Self { pool }
    }

    /// The batch in one transaction (so one sync), stamping each subscription's
    /// `last_notification_at` inside it.
    async fn insert_batch(&self, batch: Vec<NewNotification>) -> StoreResult<Vec<Notification>> {
        if batch.is_empty() {
            return Ok(Vec::new());
        }
        let now = OffsetDateTime::now_utc();
        let mut ids = Vec::with_capacity(batch.len());
        let mut tx = self.pool.begin().await?;
        let mut rest = &batch[..];
        while !rest.is_empty() {
            let size = ROWS_PER_INSERT.min(1 << rest.len().ilog2());
            let (chunk, after) = rest.split_at(size);
            rest = after;
            insert(&mut *tx, chunk, now, &mut ids).await?;
        }
        stamp(
            &mut tx,
            batch.iter().map(|n| (n.subscription_id.as_str(), now)),
        )
        .await?;
        tx.commit().await?;
        Ok(batch
            .into_iter()
            .zip(ids)
            .map(|(new, id)| new.stored(id, now))
            .collect())
    }
}

/// One multi-row INSERT of `chunk`; the rows' ids are pushed onto `ids`.
async fn insert<'c>(
    db: impl Executor<'c, Database = Sqlite>,
    chunk: &[NewNotification],
    now: OffsetDateTime,
    ids: &mut Vec<EventId>,
) -> StoreResult<()> {
    let mut insert = QueryBuilder::<Sqlite>::new(
        "INSERT INTO notifications (tenant_id, subscription_id, change_type, resource, \
         alert_id, received_at, raw, summary) ",
    );
    insert.push_values(chunk, |mut row, new| {
        row.push_bind(&new.tenant_id)
            .push_bind(&new.subscription_id)
            .push_bind(&new.change_type)
            .push_bind(&new.resource)
            .push_bind(&new.alert_id)
            .push_bind(now)
            .push_bind(&new.raw)
            .push_bind(&new.summary);
    });
    let done = insert.build().execute(db).await?;
    if done.rows_affected() != chunk.len() as u64 {
        return Err(sqlx::Error::RowNotFound.into());
    }
    // One statement inside a write transaction gives its rows consecutive ids in VALUES
    // order (each the largest id so far plus one), ending at the last one.
    let first = done.last_insert_rowid() - chunk.len() as i64 + 1;
    ids.extend((first..).take(chunk.len()).map(EventId::from));
    Ok(())
}

/// Sets each subscription's `last_notification_at` to the newest of its `stamps`, one UPDATE
/// per subscription.
async fn stamp<'s>(
    tx: &mut sqlx::Transaction<'_, Sqlite>,
    stamps: impl Iterator<Item = (&'s str, OffsetDateTime)>,
) -> StoreResult<()> {
    for (id, at) in newest_per_subscription(stamps) {
        sqlx::query("UPDATE subscriptions SET last_notification_at = ? WHERE id = ?")
            .bind(at)
            .bind(id)
            .execute(&mut **tx)
            .await?;
    }
    Ok(())
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
    /// it even when the newest rows were deleted.
    pub async fn largest_id(&self) -> StoreResult<u64> {
        let largest: i64 = sqlx::query_scalar(
            "SELECT MAX(COALESCE((SELECT MAX(id) FROM notifications), 0), \
             COALESCE((SELECT seq FROM sqlite_sequence WHERE name = 'notifications'), 0))",
        )
        .fetch_one(&self.pool)
        .await?;
        Ok(largest.max(0).unsigned_abs())
    }
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
            Ok(sqlx::query_as(
                "SELECT id, tenant_id, subscription_id, change_type, resource, alert_id, received_at, \
                 '' AS raw, summary FROM notifications WHERE tenant_id = ? AND id > ? ORDER BY id LIMIT ?",
            )
            .bind(tenant_id)
            .bind(row_id(after_id))
            .bind(limit)
            .fetch_all(&self.pool)
            .await?)
        })
    }

    fn recent<'a>(
        &'a self,
        tenant_id: &'a str,
        limit: u32,
    ) -> BoxFuture<'a, StoreResult<Vec<Notification>>> {
        Box::pin(async move {
            let mut rows: Vec<Notification> = sqlx::query_as(
                "SELECT id, tenant_id, subscription_id, change_type, resource, alert_id, received_at, \
                 '' AS raw, summary FROM notifications WHERE tenant_id = ? ORDER BY id DESC LIMIT ?",
            )
            .bind(tenant_id)
            .bind(limit)
            .fetch_all(&self.pool)
            .await?;
            rows.reverse();
            Ok(rows)
        })
    }

    fn get(&self, id: EventId) -> BoxFuture<'_, StoreResult<Option<Notification>>> {
        Box::pin(async move {
            if id.seq.is_some() {
                return Ok(None);
            }
            Ok(sqlx::query_as("SELECT * FROM notifications WHERE id = ?")
                .bind(row_id(id))
                .fetch_optional(&self.pool)
                .await?)
        })
    }

    fn set_summary<'a>(&'a self, id: EventId, summary: &'a str) -> BoxFuture<'a, StoreResult<()>> {
        Box::pin(self.update_summary(id, summary))
    }
}

impl SqliteLog {
    async fn update_summary(&self, id: EventId, summary: &str) -> StoreResult<()> {
        sqlx::query("UPDATE notifications SET summary = ? WHERE id = ?")
            .bind(summary)
            .bind(row_id(id))
            .execute(&self.pool)
            .await?;
        Ok(())
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
            let row = store.get(n.id).await.unwrap().unwrap();
            assert_eq!(row.alert_id, n.alert_id);
        }
    }

    #[tokio::test]
    async fn a_summary_set_later_is_read_with_the_row() {
        let store = in_memory().await;
        let stored = store.append(vec![note("a", "x")]).await.unwrap();
        store.set_summary(stored[0].id, "{}").await.unwrap();
        let read = store.recent("a", 1).await.unwrap();
        assert_eq!(read[0].summary.as_deref(), Some("{}"));
    }

    #[tokio::test]
    async fn stored_rows_read_back_identical() {
        let store = in_memory().await;
        let stored = store.append(vec![note("a", "x")]).await.unwrap();
        assert_eq!(
            store.get(stored[0].id).await.unwrap().as_ref(),
            Some(&*stored[0])
        );
    }
}
