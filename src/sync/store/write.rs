//! Storing mirrored items: each page in one transaction, an item replaced only when Graph's JSON
//! for it changed, and what changed handed back (the live view's change feed).

use sqlx::{Sqlite, Transaction};

use super::{MirrorStore, Resource};
use crate::sync::record::{Record, severity_rank, status_rank};

/// Writes take the lock at once: a transaction that reads, then writes, would otherwise fail
/// with "database is locked" when another writer committed in between.
const WRITE: &str = "BEGIN IMMEDIATE";

/// An item that is new or differs from what the mirror held.
#[derive(Debug, Clone)]
pub struct Change {
    pub resource: Resource,
    pub id: String,
    /// The JSON held before; `None` for an item new to the mirror.
    pub before: Option<String>,
    pub after: String,
}

impl MirrorStore {
    /// Stores `records` of one tenant; returns the ones that changed.
    pub async fn put(
        &self,
        tenant: &str,
        resource: Resource,
        records: &[Record],
    ) -> sqlx::Result<Vec<Change>> {
        let mut tx = self.db.begin_with(WRITE).await?;
        let changes = put_all(&mut tx, tenant, resource, records).await?;
        tx.commit().await?;
        Ok(changes)
    }

    /// Stores a backfill page and where the backfill goes on, together: after a crash the
    /// backfill resumes at the page after the last one stored.
    pub async fn put_backfill_page(
        &self,
        tenant: &str,
        resource: Resource,
        records: &[Record],
        next: Option<&str>,
        total: Option<i64>,
    ) -> sqlx::Result<Vec<Change>> {
        let mut tx = self.db.begin_with(WRITE).await?;
        let changes = put_all(&mut tx, tenant, resource, records).await?;
        sqlx::query(
            "UPDATE mirror_sync SET backfill_next = ?, backfill_read = backfill_read + ?, \
             backfill_total = COALESCE(?, backfill_total) WHERE tenant_id = ? AND resource = ?",
        )
        .bind(next)
        .bind(records.len() as i64)
        .bind(total)
        .bind(tenant)
        .bind(resource.name())
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(changes)
    }
}

async fn put_all(
    tx: &mut Transaction<'_, Sqlite>,
    tenant: &str,
    resource: Resource,
    records: &[Record],
) -> sqlx::Result<Vec<Change>> {
    let mut changes = Vec::new();
    for record in records {
        let held: Option<(i64, String)> = sqlx::query_as(
            "SELECT seq, body FROM mirror_items WHERE tenant_id = ? AND resource = ? AND id = ?",
        )
        .bind(tenant)
        .bind(resource.name())
        .bind(&record.id)
        .fetch_optional(&mut **tx)
        .await?;
        let seq = match &held {
            Some((_, body)) if *body == record.body => continue,
            Some((seq, _)) => {
                update(tx, *seq, record).await?;
                sqlx::query("DELETE FROM mirror_search WHERE rowid = ?")
                    .bind(seq)
                    .execute(&mut **tx)
                    .await?;
                *seq
            }
            None => insert(tx, tenant, resource, record).await?,
        };
        sqlx::query("INSERT INTO mirror_search (rowid, hosts, users, words) VALUES (?, ?, ?, ?)")
            .bind(seq)
            .bind(&record.hosts)
            .bind(&record.users)
            .bind(&record.words)
            .execute(&mut **tx)
            .await?;
        changes.push(Change {
            resource,
            id: record.id.clone(),
            before: held.map(|(_, body)| body),
            after: record.body.clone(),
        });
    }
    Ok(changes)
}

const COLUMNS: &str = "incident_id, title, severity, severity_rank, status, status_rank, \
     service_source, classification, determination, assigned_to, alert_count, created_ms, \
     updated_ms, body";

async fn insert(
    tx: &mut Transaction<'_, Sqlite>,
    tenant: &str,
    resource: Resource,
    r: &Record,
) -> sqlx::Result<i64> {
    let sql = format!(
        "INSERT INTO mirror_items (tenant_id, resource, id, {COLUMNS}) \
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
    );
    let query = sqlx::query(&sql)
        .bind(tenant)
        .bind(resource.name())
        .bind(&r.id);
    Ok(bind_columns(query, r)
        .execute(&mut **tx)
        .await?
        .last_insert_rowid())
}

async fn update(tx: &mut Transaction<'_, Sqlite>, seq: i64, r: &Record) -> sqlx::Result<()> {
    let assignments: Vec<String> = COLUMNS
        .split(',')
        .map(|c| format!("{} = ?", c.trim()))
        .collect();
    let sql = format!(
        "UPDATE mirror_items SET {} WHERE seq = ?",
        assignments.join(", ")
    );
    bind_columns(sqlx::query(&sql), r)
        .bind(seq)
        .execute(&mut **tx)
        .await?;
    Ok(())
}

type Query<'q> = sqlx::query::Query<'q, Sqlite, sqlx::sqlite::SqliteArguments<'q>>;

/// Binds [`COLUMNS`] in order.
fn bind_columns<'q>(query: Query<'q>, r: &'q Record) -> Query<'q> {
    query
        .bind(&r.incident_id)
        .bind(&r.title)
        .bind(&r.severity)
        .bind(severity_rank(&r.severity))
        .bind(&r.status)
        .bind(status_rank(&r.status))
        .bind(&r.service_source)
        .bind(&r.classification)
        .bind(&r.determination)
        .bind(&r.assigned_to)
        .bind(r.alert_count)
        .bind(r.created_ms)
        .bind(r.updated_ms)
        .bind(&r.body)
}
