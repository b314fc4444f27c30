//! Storing mirrored items: each page in one transaction, an item replaced only when Graph's JSON
//! for it changed, and what changed handed back (the live view's change feed).

use std::collections::HashMap;

use super::{MirrorStore, Resource};
use crate::db::sql::{Dialect, Sql, Tx, Value};
use crate::sync::record::{Record, severity_rank, status_rank};

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
        let mut tx = self.db.begin_write(tenant).await?;
        let changes = put_all(&mut tx, tenant, resource, records, Report::Changes).await?;
        tx.commit().await?;
        Ok(changes)
    }

    /// Stores a backfill page and where the backfill goes on, together: after a crash the
    /// backfill resumes at the page after the last one stored. Items new because the mirror is
    /// filling are not changes to anyone, so nothing is handed back.
    pub async fn put_backfill_page(
        &self,
        tenant: &str,
        resource: Resource,
        records: &[Record],
        next: Option<&str>,
        total: Option<i64>,
    ) -> sqlx::Result<()> {
        let mut tx = self.db.begin_write(tenant).await?;
        put_all(&mut tx, tenant, resource, records, Report::Nothing).await?;
        let mut place = Sql::new("UPDATE mirror_sync SET backfill_next = ");
        place
            .bind(next)
            .push(", backfill_read = backfill_read + ")
            .bind(records.len() as i64)
            .push(", backfill_total = COALESCE(")
            .bind(total)
            .push(", backfill_total) WHERE tenant_id = ")
            .bind(tenant)
            .push(" AND resource = ")
            .bind(resource.name());
        tx.execute(&place).await?;
        tx.commit().await
    }
}

/// Whether a write hands back what changed (a page of a backfill does not: it would copy every
/// item's JSON once more for no one).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Report {
    Changes,
    Nothing,
}

/// Rows per multi-row statement (15 values a row stays well under SQLite's 32,766 variables and
/// PostgreSQL's 65,535).
const ROWS_PER_STATEMENT: usize = 500;

/// Stores `records` with a few statements per 500 items: what is held is read at once, new items
/// are inserted together, changed ones updated, unchanged ones left alone. When anything changed,
/// the tenant's mirror version moves on (kept counts are out of date).
async fn put_all(
    tx: &mut Tx,
    tenant: &str,
    resource: Resource,
    records: &[Record],
    report: Report,
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
    let mut changed = false;
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
                    changed = true;
                    if report == Report::Changes {
                        changes.push(Change::of(resource, record, Some(body)));
                    }
                }
                None => {
                    fresh.push(*record);
                    changed = true;
                    if report == Report::Changes {
                        changes.push(Change::of(resource, record, None));
                    }
                }
            }
        }
        // FTS5 replaces a row of its contentless table by deleting it first.
        if !stored.is_empty() && tx.dialect() == Dialect::Sqlite {
            let mut forget = Sql::new("DELETE FROM mirror_search WHERE rowid IN (");
            forget
                .bind_list(stored.iter().map(|(seq, _)| *seq))
                .push(")");
            tx.execute(&forget).await?;
        }
        stored.extend(insert(tx, tenant, resource, &fresh).await?);
        if stored.is_empty() {
            continue;
        }
        let mut bodies = Sql::new("INSERT INTO mirror_bodies (seq, body) VALUES ");
        for (i, (seq, record)) in stored.iter().enumerate() {
            bodies.push(if i == 0 { "(" } else { ", (" });
            bodies.bind(*seq).push(", ").bind(&record.body).push(")");
        }
        bodies.push(" ON CONFLICT (seq) DO UPDATE SET body = excluded.body");
        tx.execute(&bodies).await?;
        let (search_table, row_column, upsert) = match tx.dialect() {
            Dialect::Sqlite => ("mirror_search", "rowid", ""),
            Dialect::Postgres => (
                "mirror_search",
                "seq",
                " ON CONFLICT (seq) DO UPDATE SET hosts = excluded.hosts, \
                 users = excluded.users, words = excluded.words",
            ),
        };
        let mut search = Sql::new(format!(
            "INSERT INTO {search_table} ({row_column}, hosts, users, words) VALUES "
        ));
        for (i, (seq, record)) in stored.iter().enumerate() {
            search.push(if i == 0 { "(" } else { ", (" });
            search
                .bind(*seq)
                .push(", ")
                .bind(&record.hosts)
                .push(", ")
                .bind(&record.users)
                .push(", ")
                .bind(&record.words)
                .push(")");
        }
        search.push(upsert);
        tx.execute(&search).await?;
    }
    if changed {
        let mut version = Sql::new("INSERT INTO mirror_versions (tenant_id, version) VALUES (");
        version.bind(tenant).push(
            ", 1) ON CONFLICT (tenant_id) DO UPDATE SET version = mirror_versions.version + 1",
        );
        tx.execute(&version).await?;
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
    tx: &mut Tx,
    tenant: &str,
    resource: Resource,
    records: &[&Record],
) -> sqlx::Result<HashMap<String, (i64, String)>> {
    let mut query = Sql::new(
        "SELECT i.id, i.seq, b.body FROM mirror_items i JOIN mirror_bodies b ON b.seq = i.seq \
         WHERE i.tenant_id = ",
    );
    query
        .bind(tenant)
        .push(" AND i.resource = ")
        .bind(resource.name())
        .push(" AND i.id IN (")
        .bind_list(records.iter().map(|r| r.id.as_str()))
        .push(")");
    let rows: Vec<(String, i64, String)> = tx.fetch_all(&query).await?;
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
    tx: &mut Tx,
    tenant: &str,
    resource: Resource,
    records: &[&'r Record],
) -> sqlx::Result<Vec<(i64, &'r Record)>> {
    if records.is_empty() {
        return Ok(Vec::new());
    }
    let mut query = Sql::new(format!(
        "INSERT INTO mirror_items (tenant_id, resource, id, {COLUMNS}) VALUES "
    ));
    for (i, r) in records.iter().enumerate() {
        query.push(if i == 0 { "(" } else { ", (" });
        query
            .bind(tenant)
            .push(", ")
            .bind(resource.name())
            .push(", ")
            .bind(&r.id)
            .push(", ")
            .bind_list::<Value>([
                (&r.incident_id).into(),
                (&r.severity).into(),
                severity_rank(&r.severity).into(),
                (&r.status).into(),
                status_rank(&r.status).into(),
                (&r.service_source).into(),
                (&r.classification).into(),
                (&r.determination).into(),
                (&r.assigned_to).into(),
                r.alert_count.into(),
                r.created_ms.into(),
                r.updated_ms.into(),
            ])
            .push(")");
    }
    query.push(" RETURNING id, seq");
    let rows: Vec<(String, i64)> = tx.fetch_all(&query).await?;
    let by_id: HashMap<&str, &'r Record> = records.iter().map(|r| (r.id.as_str(), *r)).collect();
    Ok(rows
        .into_iter()
        .filter_map(|(id, seq)| by_id.get(id.as_str()).map(|r| (seq, *r)))
        .collect())
}

async fn update(tx: &mut Tx, seq: i64, r: &Record) -> sqlx::Result<()> {
    let mut query = Sql::new("UPDATE mirror_items SET ");
    let columns: [(&str, Value); 12] = [
        ("incident_id", (&r.incident_id).into()),
        ("severity", (&r.severity).into()),
        ("severity_rank", severity_rank(&r.severity).into()),
        ("status", (&r.status).into()),
        ("status_rank", status_rank(&r.status).into()),
        ("service_source", (&r.service_source).into()),
        ("classification", (&r.classification).into()),
        ("determination", (&r.determination).into()),
        ("assigned_to", (&r.assigned_to).into()),
        ("alert_count", r.alert_count.into()),
        ("created_ms", r.created_ms.into()),
        ("updated_ms", r.updated_ms.into()),
    ];
    for (i, (column, value)) in columns.into_iter().enumerate() {
        if i > 0 {
            query.push(", ");
        }
        query.push(&format!("{column} = ")).bind(value);
    }
    query.push(" WHERE seq = ").bind(seq);
    tx.execute(&query).await?;
    Ok(())
}
