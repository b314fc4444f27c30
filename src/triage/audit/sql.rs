//! The audit store in a database: the `audit_records` table, in the app's SQLite file (see
//! `migrations/`) or, with `[database] url`, in PostgreSQL shared by every instance (see
//! `migrations/postgres/`). Insert-only: a trigger refuses updates.

use futures::future::BoxFuture;
use time::OffsetDateTime;

use super::filter::Outcome;
use super::{Actor, AuditError, AuditFilter, AuditRecord, AuditResult, AuditStore, RecordPage};
use crate::db::sql::{Db, Dialect, Sql, like_contains};

#[derive(Debug, Clone)]
pub struct SqlAudit {
    db: Db,
}

impl SqlAudit {
    pub fn new(db: Db) -> Self {
        Self { db }
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

fn push_filter(query: &mut Sql, dialect: Dialect, tenant_id: &str, filter: &AuditFilter) {
    // Names and ids are matched without case, as SQLite's LIKE does.
    let like = match dialect {
        Dialect::Sqlite => "LIKE",
        Dialect::Postgres => "ILIKE",
    };
    query.push(" WHERE tenant_id = ").bind(tenant_id);
    for (text, columns) in [
        (&filter.who, ["actor_name", "actor_oid"]),
        (&filter.resource, ["resource_type", "resource_id"]),
    ] {
        if let Some(text) = text {
            let pattern = like_contains(text);
            query
                .push(&format!(" AND ({} {like} ", columns[0]))
                .bind(pattern.as_str())
                .push(&format!(" ESCAPE '\\' OR {} {like} ", columns[1]))
                .bind(pattern)
                .push(" ESCAPE '\\')");
        }
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
        query.push(" AND at_ms >= ").bind(millis(from));
    }
    if let Some(until) = filter.until {
        query.push(" AND at_ms < ").bind(millis(until));
    }
}

/// A row of `audit_records`.
#[derive(sqlx::FromRow)]
struct Row {
    id: i64,
    at_ms: i64,
    tenant_id: String,
    actor_name: String,
    actor_oid: String,
    action: String,
    resource_type: String,
    resource_id: String,
    before_json: String,
    after_json: String,
    comment: String,
    status: i64,
    request_id: String,
    client_request_id: String,
    error: String,
    run_id: String,
}

const COLUMNS: &str = "id, at_ms, tenant_id, actor_name, actor_oid, action, resource_type, \
     resource_id, before_json, after_json, comment, status, request_id, client_request_id, error, \
     run_id";

impl From<Row> for AuditRecord {
    fn from(row: Row) -> Self {
        let json =
            |text: String| serde_json::from_str(&text).unwrap_or(serde_json::Value::String(text));
        AuditRecord {
            id: row.id,
            at: OffsetDateTime::from_unix_timestamp_nanos(i128::from(row.at_ms) * 1_000_000)
                .unwrap_or(OffsetDateTime::UNIX_EPOCH),
            actor: Actor {
                name: row.actor_name,
                oid: row.actor_oid,
                tenant_id: row.tenant_id,
            },
            action: row.action,
            resource_type: row.resource_type,
            resource_id: row.resource_id,
            before: json(row.before_json),
            after: json(row.after_json),
            comment: row.comment,
            status: u16::try_from(row.status).unwrap_or(0),
            request_id: row.request_id,
            client_request_id: row.client_request_id,
            error: row.error,
            run_id: row.run_id,
        }
    }
}

impl AuditStore for SqlAudit {
    fn append<'a>(&'a self, r: &'a AuditRecord) -> BoxFuture<'a, AuditResult<i64>> {
        Box::pin(async move {
            let mut query = Sql::new(
                "INSERT INTO audit_records (at_ms, tenant_id, actor_name, actor_oid, action, \
                 resource_type, resource_id, before_json, after_json, comment, status, request_id, \
                 client_request_id, error, run_id) VALUES (",
            );
            query
                .bind_list::<crate::db::sql::Value>([
                    millis(r.at).into(),
                    (&r.actor.tenant_id).into(),
                    (&r.actor.name).into(),
                    (&r.actor.oid).into(),
                    (&r.action).into(),
                    (&r.resource_type).into(),
                    (&r.resource_id).into(),
                    r.before.to_string().into(),
                    r.after.to_string().into(),
                    (&r.comment).into(),
                    i64::from(r.status).into(),
                    (&r.request_id).into(),
                    (&r.client_request_id).into(),
                    (&r.error).into(),
                    (&r.run_id).into(),
                ])
                .push(") RETURNING id");
            let (id,): (i64,) = self.db.fetch_one(&query).await?;
            Ok(id)
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
            let mut query = Sql::new(format!("SELECT {COLUMNS} FROM audit_records"));
            push_filter(&mut query, self.db.dialect(), tenant_id, filter);
            query
                .push(" ORDER BY at_ms DESC, id DESC LIMIT ")
                .bind(i64::from(limit) + 1)
                .push(" OFFSET ")
                .bind(i64::from(offset));
            let rows: Vec<Row> = self.db.fetch_all(&query).await?;
            let mut records: Vec<AuditRecord> = rows.into_iter().map(AuditRecord::from).collect();
            let more = records.len() > limit as usize;
            records.truncate(limit as usize);
            Ok(RecordPage { records, more })
        })
    }

    fn remove_older_than(&self, before: OffsetDateTime) -> BoxFuture<'_, AuditResult<u64>> {
        Box::pin(async move {
            let mut query = Sql::new("DELETE FROM audit_records WHERE at_ms < ");
            query.bind(millis(before));
            Ok(self.db.execute(&query).await?)
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
        let log = AuditLog::new(std::sync::Arc::new(SqlAudit::new(Db::Sqlite(pool.clone()))));
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
        let store = SqlAudit::new(Db::Sqlite(pool.clone()));
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
