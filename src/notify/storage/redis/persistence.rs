//! Whether Redis keeps what it acknowledged: only the append-only file synced on every write
//! (`appendonly yes`, `appendfsync always`) survives a Redis crash without losing an answered
//! notification. Checked at start (a warning in the log) and by `/healthz`.

use tower_sessions_redis_store::fred::prelude::*;
use tower_sessions_redis_store::fred::types::CustomCommand;

/// What Redis says about its persistence.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Persistence {
    pub appendonly: String,
    pub appendfsync: String,
}

impl Persistence {
    /// Why an acknowledged notification could be lost, if it could.
    pub fn weakness(&self) -> Option<String> {
        (self.appendonly != "yes" || self.appendfsync != "always").then(|| {
            format!(
                "Redis runs with appendonly {} and appendfsync {}: notifications answered 202 \
                 can be lost if Redis crashes (set appendonly yes and appendfsync always)",
                self.appendonly, self.appendfsync
            )
        })
    }
}

/// Asks Redis (CONFIG GET).
pub async fn read(pool: &Pool) -> FredResult<Persistence> {
    Ok(Persistence {
        appendonly: config_get(pool, "appendonly").await?,
        appendfsync: config_get(pool, "appendfsync").await?,
    })
}

async fn config_get(pool: &Pool, name: &'static str) -> FredResult<String> {
    let pair: Vec<String> = pool
        .next()
        .custom(
            CustomCommand::new_static("CONFIG", None, false),
            vec!["GET", name],
        )
        .await?;
    // CONFIG GET answers [name, value]; a server that hides CONFIG answers nothing.
    Ok(pair.into_iter().nth(1).unwrap_or_else(|| "unknown".into()))
}

/// Logs at warn level when Redis cannot keep an acknowledged write across a crash.
pub async fn warn_if_weak(pool: &Pool) {
    match read(pool).await {
        Ok(persistence) => match persistence.weakness() {
            Some(weakness) => tracing::warn!("{weakness}"),
            None => tracing::info!("Redis syncs every write to its append-only file"),
        },
        Err(error) => tracing::warn!(%error, "cannot read Redis's persistence settings"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_an_append_only_file_synced_always_counts_as_durable() {
        let settings = |appendonly: &str, appendfsync: &str| Persistence {
            appendonly: appendonly.into(),
            appendfsync: appendfsync.into(),
        };
        assert_eq!(settings("yes", "always").weakness(), None);
        assert!(settings("yes", "everysec").weakness().is_some());
        assert!(
            settings("no", "always")
                .weakness()
                .unwrap()
                .contains("appendonly no")
        );
    }
}
