//! The Lua scripts that change a subscription atomically (Redis runs a script as one step),
//! so a change never half-applies and never recreates a subscription another instance
//! deleted. Each announces the change on [`CHANGED`](super::keys::CHANGED) so every
//! instance's cache re-reads it.

use tower_sessions_redis_store::fred::prelude::*;
use tower_sessions_redis_store::fred::types::CustomCommand;

/// KEYS: the subscription hash, the graph-id index. ARGV: the channel to announce on (empty:
/// no announcement), the number of fields to set, those field/value pairs, then fields to
/// remove. Returns 1, or 0 when the subscription does not exist.
pub const UPDATE: &str = r"
if redis.call('EXISTS', KEYS[1]) == 0 then return 0 end
local id = redis.call('HGET', KEYS[1], 'id')
local n = tonumber(ARGV[2])
local i = 3
for _ = 1, n do
  local field, value = ARGV[i], ARGV[i + 1]
  if field == 'graph_id' then
    local old = redis.call('HGET', KEYS[1], 'graph_id')
    if old and redis.call('HGET', KEYS[2], old) == id then redis.call('HDEL', KEYS[2], old) end
    redis.call('HSET', KEYS[2], value, id)
  end
  redis.call('HSET', KEYS[1], field, value)
  i = i + 2
end
for j = i, #ARGV do redis.call('HDEL', KEYS[1], ARGV[j]) end
if ARGV[1] ~= '' then redis.call('PUBLISH', ARGV[1], id) end
return 1
";

/// KEYS: the subscription hash, the graph-id index, the set of ids. ARGV: the channel, the
/// id. Returns 1 when the subscription existed.
pub const DELETE: &str = r"
local graph_id = redis.call('HGET', KEYS[1], 'graph_id')
if graph_id and redis.call('HGET', KEYS[2], graph_id) == ARGV[2] then
  redis.call('HDEL', KEYS[2], graph_id)
end
local existed = redis.call('DEL', KEYS[1])
redis.call('SREM', KEYS[3], ARGV[2])
redis.call('PUBLISH', ARGV[1], ARGV[2])
return existed
";

/// Runs `script` with `keys` and `args` (EVAL; the scripts are short).
pub async fn eval<R: FromValue>(
    client: &impl ClientLike,
    script: &str,
    keys: &[String],
    args: Vec<String>,
) -> FredResult<R> {
    let mut all: Vec<Value> = vec![script.into(), (keys.len() as i64).into()];
    all.extend(keys.iter().map(|k| Value::from(k.as_str())));
    all.extend(args.into_iter().map(Value::from));
    client
        .custom(CustomCommand::new_static("EVAL", None, false), all)
        .await
}

/// KEYS: the subscription hash. ARGV: the channel, the lifecycle event. Remembers the event as
/// the last one and adds it to `lifecycle_pending` (comma-separated, each event once). Returns
/// 1, or 0 when the subscription does not exist.
pub const RECORD_LIFECYCLE: &str = r"
if redis.call('EXISTS', KEYS[1]) == 0 then return 0 end
redis.call('HSET', KEYS[1], 'last_lifecycle_event', ARGV[2])
local pending = redis.call('HGET', KEYS[1], 'lifecycle_pending')
if not pending or pending == '' then
  redis.call('HSET', KEYS[1], 'lifecycle_pending', ARGV[2])
elseif not string.find(',' .. pending .. ',', ',' .. ARGV[2] .. ',', 1, true) then
  redis.call('HSET', KEYS[1], 'lifecycle_pending', pending .. ',' .. ARGV[2])
end
redis.call('PUBLISH', ARGV[1], redis.call('HGET', KEYS[1], 'id'))
return 1
";

/// KEYS: the subscription hash. ARGV: the channel, the pending work as it was read. Clears
/// `lifecycle_pending` only if it is still exactly that; returns 1 when it did.
pub const CLEAR_LIFECYCLE: &str = r"
if redis.call('HGET', KEYS[1], 'lifecycle_pending') ~= ARGV[2] then return 0 end
redis.call('HDEL', KEYS[1], 'lifecycle_pending')
redis.call('PUBLISH', ARGV[1], redis.call('HGET', KEYS[1], 'id'))
return 1
";
