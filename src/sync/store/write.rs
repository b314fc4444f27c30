//! Storing mirrored items: each page in one transaction, an item replaced only when Graph's JSON
//! for it changed, and what changed handed back (the live view's change feed).

use std::collections::HashMap;

use sqlx::{QueryBuilder, Sqlite, Transaction};

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
        if !changes.is_empty() {
            self.counts.changed();
        }
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
        if !changes.is_empty() {
            self.counts.changed();
        }
        Ok(changes)
    }
}

/// Rows per multi-row statement (15 values a row stays well under SQLite's 32,766 variables).
const ROWS_PER_STATEMENT: usize = 500;

/// Stores `records` with a few statements per 500 items: what is held is read at once, new items
/// are inserted together, changed ones updated, unchanged ones left alone.
async fn put_all(
    tx: &mut Transaction<'_, Sqlite>,
    tenant: &str,
    resource: Resource,
    records: &[Record],
) -> sqlx::Result<Vec<Change>> {
    // The last of an id wins, should a page carry one twice.
    let mut latest: HashMap<&str, &Record> = HashMap::new();
    for record in records {
        latest.insert(record.id.as_str(), record);
    }
    let records: Vec<&Record> = records
        .iter()
        .filter(|r| std::ptr::eq(latest[r.id.as_str()], *r))
        .collect();
    let mut changes = Vec::new();
    for chunk in records.chunks(ROWS_PER_STATEMENT) {
        let mut held = held(tx, tenant, resource, chunk).await?;
        let mut fresh = Vec::new();
        let mut stored: Vec<(i64, &Record)> = Vec::new();
        for record in chunk {
            match held.remove(record.id.as_str()) {
                Some((_, body)) if body == record.body => {}
                Some((seq, body)) => {
                    update(tx, seq, record).await?;
                    stored.push((seq, record));
                    changes.push(Change::of(resource, record, Some(body)));
                }
                None => {
                    fresh.push(*record);
                    changes.push(Change::of(resource, record, None));
                }
            }
        }
        if !stored.is_empty() {
            let mut forget =
                QueryBuilder::<Sqlite>::new("DELETE FROM mirror_search WHERE rowid IN (");
            let mut list = forget.separated(", ");
            for (seq, _) in &stored {
                list.push_bind(*seq);
            }
            forget.push(")");
            forget.build().execute(&mut **tx).await?;
        }
        stored.extend(insert(tx, tenant, resource, &fresh).await?);
        if stored.is_empty() {
            continue;
        }
        let mut bodies =
            QueryBuilder::<Sqlite>::new("INSERT OR REPLACE INTO mirror_bodies (seq, body) ");
        bodies.push_values(&stored, |mut row, (seq, record)| {
            row.push_bind(*seq).push_bind(&record.body);
        });
        bodies.build().execute(&mut **tx).await?;
        let mut search =
            QueryBuilder::<Sqlite>::new("INSERT INTO mirror_search (rowid, hosts, users, words) ");
        search.push_values(&stored, |mut row, (seq, record)| {
            row.push_bind(*seq)
                .push_bind(&record.hosts)
                .push_bind(&record.users)
                .push_bind(&record.words);
        });
        search.build().execute(&mut **tx).await?;
    }
    Ok(changes)
}

impl Change {
    fn of(resource: Resource, record: &Record, before: Option<String>) -> Self {
        Self {
            resource,
            id: record.id.clone(),
            before,
            after: record.body.clone(),
        }
    }
}

/// The row numbers and bodies the mirror holds for these records' ids.
async fn held(
    tx: &mut Transaction<'_, Sqlite>,
    tenant: &str,
    resource: Resource,
    records: &[&Record],
) -> sqlx::Result<HashMap<String, (i64, String)>> {
    let mut query = QueryBuilder::<Sqlite>::new(
        "SELECT i.id, i.seq, b.body FROM mirror_items i JOIN mirror_bodies b ON b.seq = i.seq \
         WHERE i.tenant_id = ",
    );
    query.push_bind(tenant);
    query.push(" AND i.resource = ");
    query.push_bind(resource.name());
    query.push(" AND i.id IN (");
    let mut list = query.separated(", ");
    for record in records {
        list.push_bind(record.id.as_str());
    }
    query.push(")");
    let rows: Vec<(String, i64, String)> = query.build_query_as().fetch_all(&mut **tx).await?;
    Ok(rows
        .into_iter()
        .map(|(id, seq, body)| (id, (seq, body)))
        .collect())
}

const COLUMNS: &str = "incident_id, severity, severity_rank, status, status_rank, \
     service_source, classification, determination, assigned_to, alert_count, created_ms, \
     updated_ms";

/// Inserts new items together; returns each one's row number.
async fn insert<'r>(
    tx: &mut Transaction<'_, Sqlite>,
    tenant: &str,
    resource: Resource,
    records: &[&'r Record],
) -> sqlx::Result<Vec<(i64, &'r Record)>> {
    if records.is_empty() {
        return Ok(Vec::new());
    }
    let mut query = QueryBuilder::<Sqlite>::new(format!(
        "INSERT INTO mirror_items (tenant_id, resource, id, {COLUMNS}) "
    ));
    query.push_values(records, |mut row, r| {
        row.push_bind(tenant)
            .push_bind(resource.name())
            .push_bind(&r.id)
            .push_bind(&r.incident_id)
            .push_bind(&r.severity)
            .push_bind(severity_rank(&r.severity))
            .push_bind(&r.status)
            .push_bind(status_rank(&r.status))
            .push_bind(&r.service_source)
            .push_bind(&r.classification)
            .push_bind(&r.determination)
            .push_bind(&r.assigned_to)
            .push_bind(r.alert_count)
            .push_bind(r.created_ms)
            .push_bind(r.updated_ms);
    });
    query.push(" RETURNING id, seq");
    let rows: Vec<(String, i64)> = query.build_query_as().fetch_all(&mut **tx).await?;
    let by_id: HashMap<&str, &'r Record> = records.iter().map(|r| (r.id.as_str(), *r)).collect();
    Ok(rows
        .into_iter()
        .filter_map(|(id, seq)| by_id.get(id.as_str()).map(|r| (seq, *r)))
        .collect())
}

async fn update(tx: &mut Transaction<'_, Sqlite>, seq: i64, r: &Record) -> sqlx::Result<()> {
    sqlx::query(
        "UPDATE mirror_items SET incident_id = ?, severity = ?, severity_rank = ?, status = ?, \
         status_rank = ?, service_source = ?, classification = ?, determination = ?, \
         assigned_to = ?, alert_count = ?, created_ms = ?, updated_ms = ? WHERE seq = ?",
    )
    .bind(&r.incident_id)
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
    .bind(seq)
    .execute(&mut **tx)
    .await?;
    Ok(())
}
