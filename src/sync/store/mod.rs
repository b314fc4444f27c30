//! The mirror store: mirrored items (`write.rs` stores a page of them and says what changed,
//! `read.rs` answers lists and counts) and where each tenant's sync stands (`progress.rs`).
//! SQLite in `data_dir` (the database the rest of the app uses) or, with `[database] url`,
//! PostgreSQL shared by every instance; `sql.rs` runs one statement on either.

mod kept;
mod matches;
mod progress;
mod read;
mod write;

pub use progress::{Progress, TenantRow};
pub use read::ReadError;
pub use write::Change;

use std::sync::Arc;

use crate::db::sql::Db;
use kept::Kept;
use matches::Found;

/// A mirrored Graph resource.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Resource {
    Alerts,
    Incidents,
}

impl Resource {
    pub const ALL: [Resource; 2] = [Resource::Alerts, Resource::Incidents];

    /// The name stored and shown: `alerts`, `incidents`.
    pub fn name(self) -> &'static str {
        match self {
            Resource::Alerts => "alerts",
            Resource::Incidents => "incidents",
        }
    }
}

/// The mirror's tables (`mirror_items`, `mirror_search`, `mirror_sync`); clones share the pool.
#[derive(Debug, Clone)]
pub struct MirrorStore {
    db: Db,
    counts: Arc<Kept<u64>>,
    matches: Arc<Kept<Found>>,
}

impl MirrorStore {
    pub fn new(db: Db) -> Self {
        Self {
            db,
            counts: Arc::new(kept::counts()),
            matches: Arc::new(matches::matches()),
        }
    }

    /// The mirror in the app's own SQLite database.
    pub fn sqlite(pool: sqlx::SqlitePool) -> Self {
        Self::new(Db::Sqlite(pool))
    }

    /// Which database holds the mirror, in words (for `/sync`).
    pub fn engine(&self) -> &'static str {
        match self.db {
            Db::Sqlite(_) => "SQLite",
            Db::Postgres(_) => "PostgreSQL",
        }
    }
}

/// Milliseconds since the epoch, as the mirror stores times.
pub fn now_ms() -> i64 {
    (time::OffsetDateTime::now_utc().unix_timestamp_nanos() / 1_000_000) as i64
}

#[cfg(test)]
mod tests;
