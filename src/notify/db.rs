//! The notification tables: applying the migrations in `migrations/`, and an in-memory
//! database for unit tests. The app's database itself is opened by `crate::db`.

use std::str::FromStr;

use sqlx::{
    SqlitePool,
    migrate::MigrateError,
    sqlite::{SqliteConnectOptions, SqlitePoolOptions},
};

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
