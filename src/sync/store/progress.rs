//! Where each tenant's sync stands, per resource: the cursor of the last read, a backfill's
//! place and progress, the last run and its error. And the tenants the sync mirrors.

use super::{MirrorStore, Resource, now_ms};

/// One tenant's sync of one resource.
#[derive(Debug, Clone, Default, PartialEq, Eq, sqlx::FromRow)]
pub struct Progress {
    /// The newest `lastUpdateDateTime` read, once the backfill is done.
    pub cursor_ms: Option<i64>,
    /// When the running backfill began: its end is the first cursor.
    pub backfill_started_ms: Option<i64>,
    /// The next page of a backfill under way.
    pub backfill_next: Option<String>,
    pub backfill_done: bool,
    /// How many items the backfill reads in all, as Graph counted them.
    pub backfill_total: Option<i64>,
    pub backfill_read: i64,
    pub last_run_ms: Option<i64>,
    pub last_ok_ms: Option<i64>,
    /// Empty when the last run succeeded.
    pub last_error: String,
}

impl Progress {
    /// The backfill's progress, 0–100.
    pub fn percent(&self) -> u8 {
        if self.backfill_done {
            return 100;
        }
        match self.backfill_total {
            Some(total) if total > 0 => (self.backfill_read * 100 / total).clamp(0, 99) as u8,
            _ => 0,
        }
    }
}

/// A mirrored tenant and when it joined.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct TenantRow {
    pub tenant_id: String,
    pub added_ms: i64,
}

impl MirrorStore {
    /// Adds a tenant to mirror; `true` when it is new.
    pub async fn add_tenant(&self, tenant: &str) -> sqlx::Result<bool> {
        let done = sqlx::query(
            "INSERT INTO mirror_tenants (tenant_id, added_ms) VALUES (?, ?) \
             ON CONFLICT (tenant_id) DO NOTHING",
        )
        .bind(tenant.to_ascii_lowercase())
        .bind(now_ms())
        .execute(&self.db)
        .await?;
        Ok(done.rows_affected() > 0)
    }

    pub async fn tenants(&self) -> sqlx::Result<Vec<TenantRow>> {
        sqlx::query_as(
            "SELECT tenant_id, added_ms FROM mirror_tenants ORDER BY added_ms, tenant_id",
        )
        .fetch_all(&self.db)
        .await
    }

    /// The sync's place for a tenant and resource (all empty before the first run).
    pub async fn progress(&self, tenant: &str, resource: Resource) -> sqlx::Result<Progress> {
        let row: Option<Progress> = sqlx::query_as(
            "SELECT cursor_ms, backfill_started_ms, backfill_next, backfill_done != 0 AS backfill_done, \
             backfill_total, backfill_read, last_run_ms, last_ok_ms, last_error \
             FROM mirror_sync WHERE tenant_id = ? AND resource = ?",
        )
        .bind(tenant)
        .bind(resource.name())
        .fetch_optional(&self.db)
        .await?;
        Ok(row.unwrap_or_default())
    }

    /// Starts a backfill reading from `started_ms` (a new one: earlier progress is forgotten).
    pub async fn start_backfill(
        &self,
        tenant: &str,
        resource: Resource,
        started_ms: i64,
    ) -> sqlx::Result<()> {
        sqlx::query(
            "INSERT INTO mirror_sync (tenant_id, resource, backfill_started_ms, backfill_next, \
             backfill_done, backfill_total, backfill_read) VALUES (?, ?, ?, NULL, 0, NULL, 0) \
             ON CONFLICT (tenant_id, resource) DO UPDATE SET \
             backfill_started_ms = excluded.backfill_started_ms, backfill_next = NULL, \
             backfill_done = 0, backfill_total = NULL, backfill_read = 0",
        )
        .bind(tenant)
        .bind(resource.name())
        .bind(started_ms)
        .execute(&self.db)
        .await?;
        Ok(())
    }

    /// Ends a backfill: from now on the sync reads what changed since `cursor_ms`.
    pub async fn finish_backfill(
        &self,
        tenant: &str,
        resource: Resource,
        cursor_ms: i64,
    ) -> sqlx::Result<()> {
        sqlx::query(
            "UPDATE mirror_sync SET backfill_done = 1, backfill_next = NULL, cursor_ms = ? \
             WHERE tenant_id = ? AND resource = ?",
        )
        .bind(cursor_ms)
        .bind(tenant)
        .bind(resource.name())
        .execute(&self.db)
        .await?;
        Ok(())
    }

    /// Records a run: its new cursor when it read changes, and its error or success.
    pub async fn record_run(
        &self,
        tenant: &str,
        resource: Resource,
        cursor_ms: Option<i64>,
        error: Option<&str>,
    ) -> sqlx::Result<()> {
        let now = now_ms();
        sqlx::query(
            "INSERT INTO mirror_sync (tenant_id, resource, cursor_ms, last_run_ms, last_ok_ms, last_error) \
             VALUES (?, ?, ?, ?, ?, ?) \
             ON CONFLICT (tenant_id, resource) DO UPDATE SET \
             cursor_ms = COALESCE(MAX(excluded.cursor_ms, mirror_sync.cursor_ms), \
                                  excluded.cursor_ms, mirror_sync.cursor_ms), \
             last_run_ms = excluded.last_run_ms, \
             last_ok_ms = COALESCE(excluded.last_ok_ms, mirror_sync.last_ok_ms), \
             last_error = excluded.last_error",
        )
        .bind(tenant)
        .bind(resource.name())
        .bind(cursor_ms)
        .bind(now)
        .bind(error.is_none().then_some(now))
        .bind(error.unwrap_or_default())
        .execute(&self.db)
        .await?;
        Ok(())
    }

    /// How many items the mirror holds for a tenant.
    pub async fn held(&self, tenant: &str, resource: Resource) -> sqlx::Result<i64> {
        let (n,): (i64,) = sqlx::query_as(
            "SELECT COUNT(*) FROM mirror_items WHERE tenant_id = ? AND resource = ?",
        )
        .bind(tenant)
        .bind(resource.name())
        .fetch_one(&self.db)
        .await?;
        Ok(n)
    }
}
