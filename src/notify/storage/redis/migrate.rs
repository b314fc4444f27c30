//! Moving the one notification log of earlier versions (`keys::OLD_NOTIFICATIONS`, every
//! tenant's entries together, and its summaries) into each tenant's own log, at start. Each
//! step moves up to [`STEP`] entries as one script, so instances starting together share the
//! work and an entry is never moved twice; an entry keeps its id (the id browsers resume
//! from) unless the tenant's log already holds a later one, and then takes a new one.

use tower_sessions_redis_store::fred::prelude::*;

use super::{keys, scripts};

/// Entries moved per step.
const STEP: usize = 1_000;

/// KEYS: the old stream, the old summaries. ARGV: the tenant log key's prefix and suffix, the
/// summaries key's suffix, how many to move, the retention in seconds. Returns how many
/// entries were moved (0 when the old stream is empty, which is then deleted with its
/// summaries).
const MOVE: &str = r"
local entries = redis.call('XRANGE', KEYS[1], '-', '+', 'COUNT', tonumber(ARGV[4]))
for _, entry in ipairs(entries) do
  local id, fields = entry[1], entry[2]
  local tenant
  for i = 1, #fields, 2 do
    if fields[i] == 'tenant' then tenant = fields[i + 1] end
  end
  if tenant then
    local log = ARGV[1] .. tenant .. ARGV[2]
    local new_id = redis.pcall('XADD', log, id, unpack(fields))
    if type(new_id) == 'table' then new_id = redis.call('XADD', log, '*', unpack(fields)) end
    redis.call('EXPIRE', log, tonumber(ARGV[5]))
    local summary = redis.call('HGET', KEYS[2], id)
    if summary then
      local summaries = ARGV[1] .. tenant .. ARGV[3]
      redis.call('HSET', summaries, new_id, summary)
      redis.call('EXPIRE', summaries, tonumber(ARGV[5]))
    end
  end
  redis.call('XDEL', KEYS[1], id)
end
if #entries == 0 then redis.call('DEL', KEYS[1], KEYS[2]) end
return #entries
";

/// Moves every entry of the old log into its tenant's log; returns how many were moved.
pub async fn old_log(pool: &Pool, retention_secs: u64) -> Result<u64, Error> {
    let example = keys::notifications("TENANT");
    let (prefix, rest) = example
        .split_once("TENANT")
        .expect("the key names the tenant");
    let summaries = keys::summaries("TENANT");
    let (_, summaries_suffix) = summaries
        .split_once("TENANT")
        .expect("the key names the tenant");
    let keys = [
        keys::OLD_NOTIFICATIONS.to_string(),
        keys::OLD_SUMMARIES.to_string(),
    ];
    let mut moved = 0;
    loop {
        let args = vec![
            prefix.to_string(),
            rest.to_string(),
            summaries_suffix.to_string(),
            STEP.to_string(),
            retention_secs.max(1).to_string(),
        ];
        let step: u64 = scripts::eval(pool.next(), MOVE, &keys, args).await?;
        if step == 0 {
            return Ok(moved);
        }
        moved += step;
    }
}
