//! Where each tenant's sync stands, per resource: the cursor of the last read, a backfill's
//! place and progress, the last run and its error. And the tenants the sync mirrors.

use super::{MirrorStore, Resource, now_ms};
use crate::db::sql::{Dialect, Sql};

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
    /// The instance that ran the last sync (`Engine::instance`).
    pub synced_by: String,
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
        let mut query = Sql::new("INSERT INTO mirror_tenants (tenant_id, added_ms) VALUES (");
        query
            .bind(tenant.to_ascii_lowercase())
            .push(", ")
            .bind(now_ms())
            .push(") ON CONFLICT (tenant_id) DO NOTHING");
        Ok(self.db.execute(&query).await? > 0)
    }

    pub async fn tenants(&self) -> sqlx::Result<Vec<TenantRow>> {
        self.db
            .fetch_all(&Sql::new(
                "SELECT tenant_id, added_ms FROM mirror_tenants ORDER BY added_ms, tenant_id",
            ))
            .await
    }

    /// The sync's place for a tenant and resource (all empty before the first run).
    pub async fn progress(&self, tenant: &str, resource: Resource) -> sqlx::Result<Progress> {
        let mut query = Sql::new(
            "SELECT cursor_ms, backfill_started_ms, backfill_next, backfill_done <> 0 AS backfill_done, \
             backfill_total, backfill_read, last_run_ms, last_ok_ms, last_error, synced_by \
             FROM mirror_sync WHERE tenant_id = ",
        );
        query
            .bind(tenant)
            .push(" AND resource = ")
            .bind(resource.name());
        let row: Option<Progress> = self.db.fetch_optional(&query).await?;
        Ok(row.unwrap_or_default())
    }

    /// Starts a backfill reading from `started_ms` (a new one: earlier progress is forgotten).
    pub async fn start_backfill(
        &self,
        tenant: &str,
        resource: Resource,
        started_ms: i64,
    ) -> sqlx::Result<()> {
        let mut query = Sql::new(
            "INSERT INTO mirror_sync (tenant_id, resource, backfill_started_ms, backfill_next, \
             backfill_done, backfill_total, backfill_read) VALUES (",
        );
        query
            .bind(tenant)
            .push(", ")
            .bind(resource.name())
            .push(", ")
            .bind(started_ms)
            .push(
                ", NULL, 0, NULL, 0) ON CONFLICT (tenant_id, resource) DO UPDATE SET \
                 backfill_started_ms = excluded.backfill_started_ms, backfill_next = NULL, \
                 backfill_done = 0, backfill_total = NULL, backfill_read = 0",
            );
        self.db.execute(&query).await?;
        Ok(())
    }

    /// Ends a backfill: from now on the sync reads what changed since `cursor_ms`.
    pub async fn finish_backfill(
        &self,
        tenant: &str,
        resource: Resource,
        cursor_ms: i64,
    ) -> sqlx::Result<()> {
        let mut query = Sql::new(
            "UPDATE mirror_sync SET backfill_done = 1, backfill_next = NULL, cursor_ms = ",
        );
        query
            .bind(cursor_ms)
            .push(" WHERE tenant_id = ")
            .bind(tenant)
            .push(" AND resource = ")
            .bind(resource.name());
        self.db.execute(&query).await?;
        Ok(())
    }

    /// Brings the database's statistics up to date after a backfill: a freshly filled table has
    /// none until PostgreSQL's autovacuum gets to it, and without them its planner walks the
    /// wrong index (a filtered page took 0.7 s instead of 0.3 ms at 1,000,000 alerts). SQLite's
    /// plans are fixed by the queries themselves (`read.rs`), so it has nothing to do.
    pub async fn refresh_statistics(&self) -> sqlx::Result<()> {
        if self.db.dialect() == Dialect::Postgres {
            self.db
                .execute(&Sql::new("ANALYZE mirror_items, mirror_search"))
                .await?;
        }
        Ok(())
    }

    /// After a backfill, PostgreSQL also marks the new rows visible to all (`VACUUM`), so counts
    /// read the indexes alone instead of visiting every row (about 1 s for a filter matching a
    /// quarter of 1,000,000 alerts, before).
    pub async fn settle(&self) -> sqlx::Result<()> {
        match self.db.dialect() {
            Dialect::Postgres => {
                self.db
                    .execute(&Sql::new("VACUUM (ANALYZE) mirror_items, mirror_search"))
                    .await?;
                Ok(())
            }
            Dialect::Sqlite => Ok(()),
        }
    }

    /// Records a run by `instance`: its new cursor when it read changes (the cursor never moves
    /// back), and its error or success.
    pub async fn record_run(
        &self,
        tenant: &str,
        resource: Resource,
        cursor_ms: Option<i64>,
        error: Option<&str>,
        instance: &str,
    ) -> sqlx::Result<()> {
        let now = now_ms();
        let mut query = Sql::new(
            "INSERT INTO mirror_sync (tenant_id, resource, cursor_ms, last_run_ms, last_ok_ms, \
             last_error, synced_by) VALUES (",
        );
        query
            .bind(tenant)
            .push(", ")
            .bind(resource.name())
            .push(", ")
            .bind(cursor_ms)
            .push(", ")
            .bind(now)
            .push(", ")
            .bind(error.is_none().then_some(now))
            .push(", ")
            .bind(error.unwrap_or_default())
            .push(", ")
            .bind(instance)
            .push(
                ") ON CONFLICT (tenant_id, resource) DO UPDATE SET \
                 cursor_ms = CASE WHEN mirror_sync.cursor_ms IS NULL \
                     OR excluded.cursor_ms > mirror_sync.cursor_ms \
                     THEN COALESCE(excluded.cursor_ms, mirror_sync.cursor_ms) \
                     ELSE mirror_sync.cursor_ms END, \
                 last_run_ms = excluded.last_run_ms, \
                 last_ok_ms = COALESCE(excluded.last_ok_ms, mirror_sync.last_ok_ms), \
                 last_error = excluded.last_error, \
                 synced_by = excluded.synced_by",
            );
        self.db.execute(&query).await?;
        Ok(())
    }

    /// How many items the mirror holds for a tenant.
    pub async fn held(&self, tenant: &str, resource: Resource) -> sqlx::Result<i64> {
        let mut query = Sql::new("SELECT COUNT(*) FROM mirror_items WHERE tenant_id = ");
        query
            .bind(tenant)
            .push(" AND resource = ")
            .bind(resource.name());
        let (n,): (i64,) = self.db.fetch_one(&query).await?;
        Ok(n)
    }
}
