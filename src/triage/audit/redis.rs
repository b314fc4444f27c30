//! The audit store in Redis, shared by every instance of a deployment: one list per tenant,
//! newest record first, each entry its time in milliseconds and the record as JSON. Ids come
//! from one counter, so they are unique across instances. Records are only ever added; the
//! retention task takes the oldest off the end of each list.

use futures::future::BoxFuture;
use time::OffsetDateTime;
use tower_sessions_redis_store::fred::prelude::*;
use tower_sessions_redis_store::fred::types::CustomCommand;

use super::{AuditError, AuditFilter, AuditRecord, AuditResult, AuditStore, RecordPage};

const NEXT_ID: &str = "graphsec:audit:next-id";
const TENANTS: &str = "graphsec:audit:tenants";
/// Entries read per round trip while a search walks back in time.
const CHUNK: i64 = 500;

/// KEYS: a tenant's list. ARGV: a time in milliseconds. Pops entries older than it from the
/// old end, in one step (two instances trimming at once never pop a younger entry).
const TRIM: &str = r"
local removed = 0
while true do
  local last = redis.call('LINDEX', KEYS[1], -1)
  if not last then break end
  local at = tonumber(string.match(last, '^(%d+) '))
  if not at or at >= tonumber(ARGV[1]) then break end
  redis.call('RPOP', KEYS[1])
  removed = removed + 1
end
return removed
";

fn records_key(tenant_id: &str) -> String {
    format!("graphsec:audit:records:{tenant_id}")
}

fn millis(at: OffsetDateTime) -> i64 {
    (at.unix_timestamp_nanos() / 1_000_000) as i64
}

impl From<Error> for AuditError {
    fn from(error: Error) -> Self {
        Self::new(error)
    }
}

impl From<serde_json::Error> for AuditError {
    fn from(error: serde_json::Error) -> Self {
        Self::new(error)
    }
}

#[derive(Clone)]
pub struct RedisAudit {
    pool: Pool,
}

impl std::fmt::Debug for RedisAudit {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RedisAudit").finish_non_exhaustive()
    }
}

impl RedisAudit {
    pub fn new(pool: Pool) -> Self {
        Self { pool }
    }
}

/// The record of one list entry (`<millis> <json>`).
fn entry_record(entry: &str) -> AuditResult<AuditRecord> {
    let json = entry.split_once(' ').map_or(entry, |(_, json)| json);
    Ok(serde_json::from_str(json)?)
}

impl AuditStore for RedisAudit {
    fn append<'a>(&'a self, record: &'a AuditRecord) -> BoxFuture<'a, AuditResult<i64>> {
        Box::pin(async move {
            let id: i64 = self.pool.incr(NEXT_ID).await?;
            let stored = AuditRecord {
                id,
                ..record.clone()
            };
            let entry = format!("{} {}", millis(stored.at), serde_json::to_string(&stored)?);
            let tenant = &stored.actor.tenant_id;
            let transaction = self.pool.next().multi();
            let () = transaction.lpush(records_key(tenant), entry).await?;
            let () = transaction.sadd(TENANTS, tenant.as_str()).await?;
            let _: Value = transaction.exec(true).await?;
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
            let key = records_key(tenant_id);
            let wanted = offset as usize + limit as usize + 1;
            let mut matching = Vec::new();
            let mut start = 0;
            while matching.len() < wanted {
                let entries: Vec<String> = self.pool.lrange(&key, start, start + CHUNK - 1).await?;
                for entry in &entries {
                    let record = entry_record(entry)?;
                    if filter.matches(&record) {
                        matching.push(record);
                    }
                }
                if (entries.len() as i64) < CHUNK {
                    break;
                }
                start += CHUNK;
            }
            let mut records: Vec<AuditRecord> =
                matching.into_iter().skip(offset as usize).collect();
            let more = records.len() > limit as usize;
            records.truncate(limit as usize);
            Ok(RecordPage { records, more })
        })
    }

    fn remove_older_than(&self, before: OffsetDateTime) -> BoxFuture<'_, AuditResult<u64>> {
        Box::pin(async move {
            let tenants: Vec<String> = self.pool.smembers(TENANTS).await?;
            let mut removed = 0;
            for tenant in tenants {
                let args: Vec<Value> = vec![
                    TRIM.into(),
                    1.into(),
                    records_key(&tenant).into(),
                    millis(before).into(),
                ];
                let popped: i64 = self
                    .pool
                    .next()
                    .custom(CustomCommand::new_static("EVAL", None, false), args)
                    .await?;
                removed += popped.max(0).unsigned_abs();
            }
            Ok(removed)
        })
    }
}
