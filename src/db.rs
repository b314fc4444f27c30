//! The SQLite database under `server.data_dir` (sessions, subscriptions, notifications, owners):
//! opening it, applying the migrations in `migrations/`, and an in-memory one for unit tests.

use std::path::Path;
use std::str::FromStr;
use std::time::Duration;

use anyhow::Context;
use sqlx::SqlitePool;
use sqlx::migrate::MigrateError;
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};

/// How often the WAL is checkpointed.
const CHECKPOINT_EVERY: Duration = Duration::from_millis(500);

pub async fn connect(data_dir: &Path) -> anyhow::Result<SqlitePool> {
    std::fs::create_dir_all(data_dir)
        .with_context(|| format!("cannot create the data directory {}", data_dir.display()))?;
    let file = data_dir.join("graphsec.db");
    let pool = SqlitePoolOptions::new()
        .max_connections(8)
        .connect_with(options(&file)?)
        .await
        .with_context(|| format!("cannot open the database {}", file.display()))?;
    tokio::spawn(checkpoints(pool.clone()));
    Ok(pool)
}

/// One connection of its own for putting notifications into the log (call after [`connect`]
/// and [`migrate`]). Only it writes the log, so its page cache stays valid from one commit to
/// the next: with a connection shared with other writers, every commit first re-read the
/// pages they had changed. Its commits are not synced (`synchronous=NORMAL`): the spool
/// holds those rows durably until the writer makes a commit durable on purpose
/// (`SqliteLog::apply`).
pub async fn log_writer(data_dir: &Path) -> anyhow::Result<SqlitePool> {
    let file = data_dir.join("graphsec.db");
    SqlitePoolOptions::new()
        .max_connections(1)
        .min_connections(1)
        .idle_timeout(None)
        .max_lifetime(None)
        .connect_with(options(&file)?.synchronous(SqliteSynchronous::Normal))
        .await
        .with_context(|| format!("cannot open the database {}", file.display()))
}

fn options(file: &Path) -> anyhow::Result<SqliteConnectOptions> {
    Ok(SqliteConnectOptions::from_str("sqlite:")?
        .filename(file)
        .create_if_missing(true)
        .journal_mode(SqliteJournalMode::Wal)
        // FULL: a row is on disk when the insert returns (webhook deliveries are acknowledged after it).
        .synchronous(SqliteSynchronous::Full)
        // Checkpoints run in the background (below), not inside a webhook's commit.
        .pragma("wal_autocheckpoint", "0")
        .busy_timeout(Duration::from_secs(5)))
}

/// Copies the WAL back into the database file every [`CHECKPOINT_EVERY`], without blocking
/// writers (PASSIVE), so commits never pay for a checkpoint; stops when the pool is closed.
async fn checkpoints(pool: SqlitePool) {
    let mut tick = tokio::time::interval(CHECKPOINT_EVERY);
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        tick.tick().await;
        if pool.is_closed() {
            return;
        }
        if let Err(error) = sqlx::query("PRAGMA wal_checkpoint(PASSIVE)")
            .execute(&pool)
            .await
        {
            tracing::warn!(%error, "WAL checkpoint failed");
        }
    }
}

/// Applies the pending migrations.
pub async fn migrate(pool: &SqlitePool) -> Result<(), MigrateError> {
    sqlx::migrate!("./migrations").run(pool).await
}

/// A fresh in-memory database with the schema applied (one connection: each
/// in-memory connection would otherwise get its own database).
pub async fn in_memory() -> Result<SqlitePool, sqlx::Error> {
    let options = SqliteConnectOptions::from_str("sqlite::memory:")?;
    let pool = SqlitePoolOptions::new()
        .max_connections(1)
        .connect_with(options)
        .await?;
    migrate(&pool).await?;
    Ok(pool)
}
