//! The SQLite database under `server.data_dir` (sessions, subscriptions, notifications, owners):
//! opening it, applying the migrations in `migrations/`, and an in-memory one for unit tests.
//! And the PostgreSQL database of `[database] url`, shared by instances (the mirror and the
//! audit log), with its own migrations in `migrations/postgres/`. `sql.rs` runs one statement
//! on either.

pub mod sql;

use std::path::Path;
use std::str::FromStr;
use std::time::Duration;

use anyhow::Context;
use sqlx::SqlitePool;
use sqlx::migrate::MigrateError;
use sqlx::postgres::{PgConnectOptions, PgPool, PgPoolOptions};
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};

/// How often the WAL is checkpointed.
const CHECKPOINT_EVERY: Duration = Duration::from_millis(500);

pub async fn connect(data_dir: &Path) -> anyhow::Result<SqlitePool> {
    std::fs::create_dir_all(data_dir)
        .with_context(|| format!("cannot create the data directory {}", data_dir.display()))?;
    let file = data_dir.join("graphsec.db");
    let pool = SqlitePoolOptions::new()
        .max_connections(8)
        // A connection idle this long is closed with its page cache and prepared statements
        // (megabytes each): a burst's connections do not outlive it.
        .min_connections(1)
        .idle_timeout(IDLE_CONNECTION)
        .connect_with(options(&file)?)
        .await
        .with_context(|| format!("cannot open the database {}", file.display()))?;
    tokio::spawn(checkpoints(pool.clone()));
    Ok(pool)
}

/// How long a database connection may sit unused before it is closed.
const IDLE_CONNECTION: Duration = Duration::from_secs(30);

fn options(file: &Path) -> anyhow::Result<SqliteConnectOptions> {
    Ok(SqliteConnectOptions::from_str("sqlite:")?
        .filename(file)
        .create_if_missing(true)
        .journal_mode(SqliteJournalMode::Wal)
        // FULL: a row is on disk when the statement returns.
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

/// Connects to the PostgreSQL server at `url` and applies its pending migrations; errors name
/// the server as `shown` (the URL without its password).
pub async fn connect_postgres(url: &str, shown: &str) -> anyhow::Result<PgPool> {
    let options = PgConnectOptions::from_str(url)
        .with_context(|| format!("database.url is not a PostgreSQL URL ({shown})"))?
        // Every statement is planned for its own values: a plan made once for any values walks
        // an order's index and filters each row by the search (1.4 s for a page at 200,000
        // alerts), where the values' own plan reads the trigram index (1 ms).
        .options([("plan_cache_mode", "force_custom_plan")]);
    let pool = PgPoolOptions::new()
        .max_connections(16)
        .idle_timeout(IDLE_CONNECTION)
        .acquire_timeout(Duration::from_secs(10))
        .connect_with(options)
        .await
        .with_context(|| format!("cannot connect to the database at {shown}"))?;
    sqlx::migrate!("./migrations/postgres")
        .run(&pool)
        .await
        .with_context(|| format!("cannot prepare the tables of the database at {shown}"))?;
    Ok(pool)
}
