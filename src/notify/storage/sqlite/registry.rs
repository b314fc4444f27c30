//! The subscription registry in SQLite: the `subscriptions` and `subscription_owners` tables.

use std::sync::Arc;

use futures::future::BoxFuture;
use sqlx::SqlitePool;
use time::OffsetDateTime;
use uuid::Uuid;

use crate::notify::model::{ApiKind, NewSubscription, Subscription, SubscriptionStatus};
use crate::notify::storage::{StoreResult, SubscriptionRegistry};

type Update<'a> = sqlx::query::Query<'a, sqlx::Sqlite, sqlx::sqlite::SqliteArguments<'a>>;

#[derive(Clone, Debug)]
pub struct SqliteRegistry {
    pool: SqlitePool,
}

impl SqliteRegistry {
    pub fn new(pool: SqlitePool) -> Self {
        Self { pool }
    }

    /// Runs one UPDATE (or upsert).
    fn update<'a>(&'a self, query: Update<'a>) -> BoxFuture<'a, StoreResult<()>> {
        Box::pin(async move {
            query.execute(&self.pool).await?;
            Ok(())
        })
    }
}

fn utc(at: OffsetDateTime) -> OffsetDateTime {
    at.to_offset(time::UtcOffset::UTC)
}

impl SubscriptionRegistry for SqliteRegistry {
    fn insert<'a>(&'a self, new: &'a NewSubscription) -> BoxFuture<'a, StoreResult<Subscription>> {
        Box::pin(async move {
            let id = Uuid::new_v4().to_string();
            let now = OffsetDateTime::now_utc();
            sqlx::query(
                "INSERT INTO subscriptions (id, graph_id, owner_oid, tenant_id, resource, change_type, \
                 client_state, expires_at, status, api_kind, filters, watch_cursor, created_at) \
                 VALUES (?, ?, ?, ?, ?, ?, ?, ?, 'active', ?, ?, ?, ?)",
            )
            .bind(&id)
            .bind(&new.graph_id)
            .bind(&new.owner_oid)
            .bind(&new.tenant_id)
            .bind(&new.resource)
            .bind(&new.change_type)
            .bind(&new.client_state)
            .bind(utc(new.expires_at))
            .bind(new.api_kind)
            .bind(&new.filters)
            .bind((new.api_kind == ApiKind::V2Watch).then_some(now))
            .bind(now)
            .execute(&self.pool)
            .await?;
            Ok(self.get(&id).await?.ok_or(sqlx::Error::RowNotFound)?)
        })
    }

    fn get<'a>(&'a self, id: &'a str) -> BoxFuture<'a, StoreResult<Option<Subscription>>> {
        Box::pin(async move {
            Ok(sqlx::query_as("SELECT * FROM subscriptions WHERE id = ?")
                .bind(id)
                .fetch_optional(&self.pool)
                .await?)
        })
    }

    fn all(&self) -> BoxFuture<'_, StoreResult<Vec<Subscription>>> {
        Box::pin(async move {
            Ok(sqlx::query_as("SELECT * FROM subscriptions")
                .fetch_all(&self.pool)
                .await?)
        })
    }

    fn by_graph_id<'a>(
        &'a self,
        graph_id: &'a str,
    ) -> BoxFuture<'a, StoreResult<Option<Arc<Subscription>>>> {
        Box::pin(async move {
            let found: Option<Subscription> =
                sqlx::query_as("SELECT * FROM subscriptions WHERE graph_id = ?")
                    .bind(graph_id)
                    .fetch_optional(&self.pool)
                    .await?;
            Ok(found.map(Arc::new))
        })
    }

    fn by_resource<'a>(
        &'a self,
        tenant_id: &'a str,
        api_kind: ApiKind,
        resource: &'a str,
    ) -> BoxFuture<'a, StoreResult<Option<Subscription>>> {
        Box::pin(async move {
            Ok(sqlx::query_as(
                "SELECT * FROM subscriptions WHERE tenant_id = ? AND api_kind = ? AND resource = ?",
            )
            .bind(tenant_id)
            .bind(api_kind)
            .bind(resource)
            .fetch_optional(&self.pool)
            .await?)
        })
    }

    fn list_for_tenant<'a>(
        &'a self,
        tenant_id: &'a str,
    ) -> BoxFuture<'a, StoreResult<Vec<Subscription>>> {
        Box::pin(async move {
            Ok(sqlx::query_as(
                "SELECT * FROM subscriptions WHERE tenant_id = ? ORDER BY expires_at, id",
            )
            .bind(tenant_id)
            .fetch_all(&self.pool)
            .await?)
        })
    }

    fn due_for_renewal(
        &self,
        kind: ApiKind,
        before: OffsetDateTime,
    ) -> BoxFuture<'_, StoreResult<Vec<Subscription>>> {
        Box::pin(async move {
            Ok(sqlx::query_as(
                "SELECT * FROM subscriptions WHERE api_kind = ? AND status != 'removed' \
                 AND expires_at < ? ORDER BY expires_at",
            )
            .bind(kind)
            .bind(utc(before))
            .fetch_all(&self.pool)
            .await?)
        })
    }

    fn active_watches(&self) -> BoxFuture<'_, StoreResult<Vec<Subscription>>> {
        Box::pin(async move {
            Ok(sqlx::query_as(
                "SELECT * FROM subscriptions WHERE api_kind = 'v2-watch' AND status = 'active' \
                 ORDER BY created_at",
            )
            .fetch_all(&self.pool)
            .await?)
        })
    }

    fn renewed<'a>(
        &'a self,
        id: &'a str,
        expires_at: OffsetDateTime,
    ) -> BoxFuture<'a, StoreResult<()>> {
        self.update(
            sqlx::query("UPDATE subscriptions SET expires_at = ?, status = 'active' WHERE id = ?")
                .bind(utc(expires_at))
                .bind(id),
        )
    }

    fn recreated<'a>(
        &'a self,
        id: &'a str,
        graph_id: &'a str,
        client_state: &'a str,
        expires_at: OffsetDateTime,
    ) -> BoxFuture<'a, StoreResult<()>> {
        self.update(
            sqlx::query(
                "UPDATE subscriptions SET graph_id = ?, client_state = ?, expires_at = ?, \
                 status = 'active', last_lifecycle_event = NULL WHERE id = ?",
            )
            .bind(graph_id)
            .bind(client_state)
            .bind(utc(expires_at))
            .bind(id),
        )
    }

    fn set_status<'a>(
        &'a self,
        id: &'a str,
        status: SubscriptionStatus,
    ) -> BoxFuture<'a, StoreResult<()>> {
        self.update(
            sqlx::query("UPDATE subscriptions SET status = ? WHERE id = ?")
                .bind(status)
                .bind(id),
        )
    }

    fn record_lifecycle<'a>(
        &'a self,
        id: &'a str,
        event: &'a str,
    ) -> BoxFuture<'a, StoreResult<()>> {
        self.update(
            sqlx::query(
                "UPDATE subscriptions SET last_lifecycle_event = ?1, lifecycle_pending = CASE \
                 WHEN lifecycle_pending IS NULL OR lifecycle_pending = '' THEN ?1 \
                 WHEN instr(',' || lifecycle_pending || ',', ',' || ?1 || ',') > 0 \
                 THEN lifecycle_pending ELSE lifecycle_pending || ',' || ?1 END WHERE id = ?2",
            )
            .bind(event)
            .bind(id),
        )
    }

    fn clear_lifecycle<'a>(
        &'a self,
        id: &'a str,
        pending: &'a str,
    ) -> BoxFuture<'a, StoreResult<bool>> {
        Box::pin(async move {
            let done = sqlx::query(
                "UPDATE subscriptions SET lifecycle_pending = NULL \
                 WHERE id = ? AND lifecycle_pending = ?",
            )
            .bind(id)
            .bind(pending)
            .execute(&self.pool)
            .await?;
            Ok(done.rows_affected() > 0)
        })
    }

    fn set_cursor<'a>(
        &'a self,
        id: &'a str,
        cursor: OffsetDateTime,
        published: &'a str,
    ) -> BoxFuture<'a, StoreResult<()>> {
        self.update(
            sqlx::query(
                "UPDATE subscriptions SET watch_cursor = ?, watch_published = ? WHERE id = ?",
            )
            .bind(utc(cursor))
            .bind(published)
            .bind(id),
        )
    }

    fn delete<'a>(&'a self, id: &'a str) -> BoxFuture<'a, StoreResult<bool>> {
        Box::pin(async move {
            let done = sqlx::query("DELETE FROM subscriptions WHERE id = ?")
                .bind(id)
                .execute(&self.pool)
                .await?;
            Ok(done.rows_affected() > 0)
        })
    }

    fn remember_owner<'a>(
        &'a self,
        tenant_id: &'a str,
        oid: &'a str,
        session_id: &'a str,
    ) -> BoxFuture<'a, StoreResult<()>> {
        self.update(
            sqlx::query(
                "INSERT INTO subscription_owners (tenant_id, oid, session_id) VALUES (?, ?, ?) \
                 ON CONFLICT (tenant_id, oid) DO UPDATE SET session_id = excluded.session_id",
            )
            .bind(tenant_id)
            .bind(oid)
            .bind(session_id),
        )
    }

    fn owner_session<'a>(
        &'a self,
        tenant_id: &'a str,
        oid: &'a str,
    ) -> BoxFuture<'a, StoreResult<Option<String>>> {
        Box::pin(async move {
            Ok(sqlx::query_scalar(
                "SELECT session_id FROM subscription_owners WHERE tenant_id = ? AND oid = ?",
            )
            .bind(tenant_id)
            .bind(oid)
            .fetch_optional(&self.pool)
            .await?)
        })
    }
}

#[cfg(test)]
mod tests;
