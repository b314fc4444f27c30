//! The embedded audit store: the `audit_records` table (see `migrations/`), insert-only (a
//! trigger refuses updates).

use futures::future::BoxFuture;
use sqlx::{QueryBuilder, Row, Sqlite, SqlitePool};
use time::OffsetDateTime;

use super::filter::Outcome;
use super::{Actor, AuditError, AuditFilter, AuditRecord, AuditResult, AuditStore, RecordPage};

#[derive(Debug, Clone)]
pub struct SqliteAudit {
    pool: SqlitePool,
}

impl SqliteAudit {
    pub fn new(pool: SqlitePool) -> Self {
        Self { pool }
    }
}

impl From<sqlx::Error> for AuditError {
    fn from(error: sqlx::Error) -> Self {
        Self::new(error)
    }
}

fn millis(at: OffsetDateTime) -> i64 {
    (at.unix_timestamp_nanos() / 1_000_000) as i64
}

/// `%text%` for LIKE, with the wildcards in `text` taken literally.
fn contains(text: &str) -> String {
    let escaped = text
        .replace('\\', "\\\\")
        .replace('%', "\\%")
        .replace('_', "\\_");
    format!("%{escaped}%")
}

fn push_filter(query: &mut QueryBuilder<'_, Sqlite>, tenant_id: &str, filter: &AuditFilter) {
    query
        .push(" WHERE tenant_id = ")
        .push_bind(tenant_id.to_string());
    if let Some(who) = &filter.who {
        let pattern = contains(who);
        query
            .push(" AND (actor_name LIKE ")
            .push_bind(pattern.clone())
            .push(" ESCAPE '\\' OR actor_oid LIKE ")
            .push_bind(pattern)
            .push(" ESCAPE '\\')");
    }
    if let Some(resource) = &filter.resource {
        let pattern = contains(resource);
        query
            .push(" AND (resource_type LIKE ")
            .push_bind(pattern.clone())
            .push(" ESCAPE '\\' OR resource_id LIKE ")
            .push_bind(pattern)
            .push(" ESCAPE '\\')");
    }
    match filter.outcome {
        Some(Outcome::Succeeded) => {
            query.push(" AND error = ''");
        }
        Some(Outcome::Failed) => {
            query.push(" AND error <> ''");
        }
        None => {}
    }
    if let Some(from) = filter.from {
        query.push(" AND at_ms >= ").push_bind(millis(from));
    }
    if let Some(until) = filter.until {
        query.push(" AND at_ms < ").push_bind(millis(until));
    }
}

fn record(row: &sqlx::sqlite::SqliteRow) -> Result<AuditRecord, sqlx::Error> {
    let json = |column: &str| -> Result<serde_json::Value, sqlx::Error> {
        let text: String = row.try_get(column)?;
        Ok(serde_json::from_str(&text).unwrap_or(serde_json::Value::String(text)))
    };
    let at_ms: i64 = row.try_get("at_ms")?;
    let status: i64 = row.try_get("status")?;
    Ok(AuditRecord {
        id: row.try_get("id")?,
        at: OffsetDateTime::from_unix_timestamp_nanos(i128::from(at_ms) * 1_000_000)
            .unwrap_or(OffsetDateTime::UNIX_EPOCH),
        actor: Actor {
            name: row.try_get("actor_name")?,
            oid: row.try_get("actor_oid")?,
            tenant_id: row.try_get("tenant_id")?,
        },
        action: row.try_get("action")?,
        resource_type: row.try_get("resource_type")?,
        resource_id: row.try_get("resource_id")?,
        before: json("before_json")?,
        after: json("after_json")?,
        comment: row.try_get("comment")?,
        status: u16::try_from(status).unwrap_or(0),
        request_id: row.try_get("request_id")?,
        client_request_id: row.try_get("client_request_id")?,
        error: row.try_get("error")?,
        run_id: row.try_get("run_id")?,
    })
}

impl AuditStore for SqliteAudit {
    fn append<'a>(&'a self, r: &'a AuditRecord) -> BoxFuture<'a, AuditResult<i64>> {
        Box::pin(async move {
            let done = sqlx::query(
                "INSERT INTO audit_records (at_ms, tenant_id, actor_name, actor_oid, action, \
                 resource_type, resource_id, before_json, after_json, comment, status, request_id, \
                 client_request_id, error, run_id) \
                 VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            )
            .bind(millis(r.at))
            .bind(&r.actor.tenant_id)
            .bind(&r.actor.name)
            .bind(&r.actor.oid)
            .bind(&r.action)
            .bind(&r.resource_type)
            .bind(&r.resource_id)
            .bind(r.before.to_string())
            .bind(r.after.to_string())
            .bind(&r.comment)
            .bind(i64::from(r.status))
            .bind(&r.request_id)
            .bind(&r.client_request_id)
            .bind(&r.error)
            .bind(&r.run_id)
            .execute(&self.pool)
            .await?;
            Ok(done.last_insert_rowid())
        })
    }

    fn search<'a>(
        &'a self,
        tenant_id: &'a str,
        filter: &'a AuditFilter,
        offset: u32,
        limit: u32,
    ) -> BoxFuture<'a, AuditResult<RecordPage>> {
        Box::pin(async move {
            let mut query = QueryBuilder::<Sqlite>::new("SELECT * FROM audit_records");
            push_filter(&mut query, tenant_id, filter);
            query
                .push(" ORDER BY at_ms DESC, id DESC LIMIT ")
                .push_bind(i64::from(limit) + 1)
                .push(" OFFSET ")
                .push_bind(i64::from(offset));
            let rows = query.build().fetch_all(&self.pool).await?;
            let mut records = rows.iter().map(record).collect::<Result<Vec<_>, _>>()?;
            let more = records.len() > limit as usize;
            records.truncate(limit as usize);
            Ok(RecordPage { records, more })
        })
    }

    fn remove_older_than(&self, before: OffsetDateTime) -> BoxFuture<'_, AuditResult<u64>> {
        Box::pin(async move {
            let done = sqlx::query("DELETE FROM audit_records WHERE at_ms < ?")
                .bind(millis(before))
                .execute(&self.pool)
                .await?;
            Ok(done.rows_affected())
        })
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;
    use time::Duration;

    use super::*;
    use crate::db;
    use crate::triage::audit::{AuditLog, Resource, Write, WriteOutcome};

    fn actor(tenant: &str, name: &str) -> Actor {
        Actor {
            name: name.into(),
            oid: format!("oid-{name}"),
            tenant_id: tenant.into(),
        }
    }

    #[tokio::test]
    async fn records_are_per_tenant_newest_first_and_filtered() {
        let pool = db::in_memory().await.unwrap();
        let log = AuditLog::new(std::sync::Arc::new(SqliteAudit::new(pool.clone())));
        let ok = WriteOutcome {
            status: 200,
            request_id: "r1".into(),
            ..WriteOutcome::default()
        };
        let failed = WriteOutcome {
            status: 404,
            error: "gone".into(),
            ..WriteOutcome::default()
        };
        let write = |id: &str| {
            Write::new("alert update", Resource::Alert, id)
                .fields(json!({"status": "new"}), json!({"status": "resolved"}))
        };
        log.record(&actor("t1", "Megan"), write("a1"), &ok)
            .await
            .unwrap();
        log.record(&actor("t1", "Alex"), write("a_2"), &failed)
            .await
            .unwrap();
        log.record(&actor("t2", "Other"), write("a3"), &ok)
            .await
            .unwrap();
        let all = log
            .search("t1", &AuditFilter::default(), 0, 10)
            .await
            .unwrap();
        let ids: Vec<&str> = all.records.iter().map(|r| r.resource_id.as_str()).collect();
        assert_eq!(ids, ["a_2", "a1"]);
        assert_eq!(all.records[1].after, json!({"status": "resolved"}));
        assert!(!all.more);
        let failed_only = AuditFilter {
            outcome: Some(Outcome::Failed),
            ..AuditFilter::default()
        };
        let page = log.search("t1", &failed_only, 0, 10).await.unwrap();
        assert_eq!(page.records.len(), 1);
        assert_eq!(page.records[0].error, "gone");
        let underscore = AuditFilter {
            resource: Some("a_".into()),
            ..AuditFilter::default()
        };
        let page = log.search("t1", &underscore, 0, 10).await.unwrap();
        assert_eq!(page.records.len(), 1, "LIKE wildcards are literal");
        let paged = log
            .search("t1", &AuditFilter::default(), 0, 1)
            .await
            .unwrap();
        assert!(paged.more);
    }

    #[tokio::test]
    async fn records_cannot_be_changed_and_old_ones_are_trimmed() {
        let pool = db::in_memory().await.unwrap();
        let store = SqliteAudit::new(pool.clone());
        let log = AuditLog::new(std::sync::Arc::new(store.clone()));
        log.record(
            &actor("t1", "Megan"),
            Write::new("email sent", Resource::Mail, "a1"),
            &WriteOutcome::default(),
        )
        .await
        .unwrap();
        let changed = sqlx::query("UPDATE audit_records SET actor_name = 'someone else'")
            .execute(&pool)
            .await;
        assert!(changed.is_err());
        let future = OffsetDateTime::now_utc() + Duration::minutes(1);
        assert_eq!(store.remove_older_than(future).await.unwrap(), 1);
    }
}
