//! One statement for either database (the mirror and the audit log): text with bound values,
//! rendered with each engine's placeholders (`?` for SQLite, `$1`, `$2`… for PostgreSQL), and the
//! pool or transaction it runs on. Statements are written once; where the engines differ (search,
//! write locks) their authors ask [`Dialect`].

use std::borrow::Cow;

use sqlx::postgres::{PgPool, PgRow};
use sqlx::sqlite::{SqlitePool, SqliteRow};
use sqlx::{FromRow, Postgres, Sqlite, Transaction};

/// Which SQL the database speaks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Dialect {
    Sqlite,
    Postgres,
}

/// A value bound to a statement.
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    Int(Option<i64>),
    Text(Option<String>),
}

impl From<i64> for Value {
    fn from(n: i64) -> Self {
        Value::Int(Some(n))
    }
}

impl From<Option<i64>> for Value {
    fn from(n: Option<i64>) -> Self {
        Value::Int(n)
    }
}

impl From<&str> for Value {
    fn from(text: &str) -> Self {
        Value::Text(Some(text.to_string()))
    }
}

impl From<&String> for Value {
    fn from(text: &String) -> Self {
        Value::Text(Some(text.clone()))
    }
}

impl From<String> for Value {
    fn from(text: String) -> Self {
        Value::Text(Some(text))
    }
}

impl From<Option<String>> for Value {
    fn from(text: Option<String>) -> Self {
        Value::Text(text)
    }
}

impl From<Option<&str>> for Value {
    fn from(text: Option<&str>) -> Self {
        Value::Text(text.map(str::to_string))
    }
}

/// SQL text with a value bound between each two parts.
#[derive(Debug, Clone, PartialEq)]
pub struct Sql {
    parts: Vec<String>,
    values: Vec<Value>,
}

impl Sql {
    pub fn new(text: impl Into<String>) -> Self {
        Self {
            parts: vec![text.into()],
            values: Vec::new(),
        }
    }

    pub fn push(&mut self, text: &str) -> &mut Self {
        if let Some(last) = self.parts.last_mut() {
            last.push_str(text);
        }
        self
    }

    pub fn bind(&mut self, value: impl Into<Value>) -> &mut Self {
        self.values.push(value.into());
        self.parts.push(String::new());
        self
    }

    /// `a, b, c`, each bound.
    pub fn bind_list<V: Into<Value>>(&mut self, values: impl IntoIterator<Item = V>) -> &mut Self {
        for (i, value) in values.into_iter().enumerate() {
            if i > 0 {
                self.push(", ");
            }
            self.bind(value);
        }
        self
    }

    /// The text with `dialect`'s placeholders.
    pub fn text(&self, dialect: Dialect) -> String {
        let mut text = String::with_capacity(self.parts.iter().map(String::len).sum::<usize>());
        for (i, part) in self.parts.iter().enumerate() {
            if i > 0 {
                match dialect {
                    Dialect::Sqlite => text.push('?'),
                    Dialect::Postgres => {
                        text.push('$');
                        text.push_str(&i.to_string());
                    }
                }
            }
            text.push_str(part);
        }
        text
    }
}

/// A `LIKE` pattern matching `text` anywhere, its wildcards taken literally (with `ESCAPE '\'`).
pub fn like_contains(text: &str) -> String {
    let escaped = text
        .replace('\\', "\\\\")
        .replace('%', "\\%")
        .replace('_', "\\_");
    format!("%{escaped}%")
}

/// A row type either database can decode.
pub trait Decode:
    for<'r> FromRow<'r, SqliteRow> + for<'r> FromRow<'r, PgRow> + Send + Unpin
{
}

impl<T> Decode for T where
    T: for<'r> FromRow<'r, SqliteRow> + for<'r> FromRow<'r, PgRow> + Send + Unpin
{
}

/// The values as `dialect` can store them: PostgreSQL's text holds no NUL character, which
/// JSON may carry (`\u0000`), so there it becomes U+FFFD.
fn storable(dialect: Dialect, values: &[Value]) -> Cow<'_, [Value]> {
    let has_nul = |v: &Value| matches!(v, Value::Text(Some(t)) if t.contains('\0'));
    if dialect == Dialect::Sqlite || !values.iter().any(has_nul) {
        return Cow::Borrowed(values);
    }
    Cow::Owned(
        values
            .iter()
            .map(|v| match v {
                Value::Text(Some(t)) => Value::Text(Some(t.replace('\0', "\u{fffd}"))),
                other => other.clone(),
            })
            .collect(),
    )
}

/// Binds `values` to a query of either engine (the two differ only in their types).
macro_rules! bound {
    ($query:expr, $values:expr) => {{
        let mut query = $query;
        for value in $values.iter() {
            query = match value {
                Value::Int(n) => query.bind(*n),
                Value::Text(text) => query.bind(text.as_deref()),
            };
        }
        query
    }};
}

/// The database the mirror lives in; clones share the pool.
#[derive(Debug, Clone)]
pub enum Db {
    /// The embedded default: the app's own file in `data_dir`.
    Sqlite(SqlitePool),
    /// `[database] url`: shared by every instance.
    Postgres(PgPool),
}

/// Runs `$sql` on `$executor` of `$engine` (`Sqlite` or `Postgres`): `execute` gives the rows
/// changed, the `fetch_*` methods decoded rows.
macro_rules! on {
    ($engine:ident, $executor:expr, $sql:expr, execute) => {{
        let text = $sql.text(Dialect::$engine);
        let values = storable(Dialect::$engine, &$sql.values);
        bound!(sqlx::query::<$engine>(&text), values)
            .execute($executor)
            .await
            .map(|done| done.rows_affected())
    }};
    ($engine:ident, $executor:expr, $sql:expr, $fetch:ident) => {{
        let text = $sql.text(Dialect::$engine);
        let values = storable(Dialect::$engine, &$sql.values);
        bound!(sqlx::query_as::<$engine, _>(&text), values)
            .$fetch($executor)
            .await
    }};
}

impl Db {
    pub fn dialect(&self) -> Dialect {
        match self {
            Db::Sqlite(_) => Dialect::Sqlite,
            Db::Postgres(_) => Dialect::Postgres,
        }
    }

    pub async fn execute(&self, sql: &Sql) -> sqlx::Result<u64> {
        match self {
            Db::Sqlite(pool) => on!(Sqlite, pool, sql, execute),
            Db::Postgres(pool) => on!(Postgres, pool, sql, execute),
        }
    }

    pub async fn fetch_all<T: Decode>(&self, sql: &Sql) -> sqlx::Result<Vec<T>> {
        match self {
            Db::Sqlite(pool) => on!(Sqlite, pool, sql, fetch_all),
            Db::Postgres(pool) => on!(Postgres, pool, sql, fetch_all),
        }
    }

    pub async fn fetch_optional<T: Decode>(&self, sql: &Sql) -> sqlx::Result<Option<T>> {
        match self {
            Db::Sqlite(pool) => on!(Sqlite, pool, sql, fetch_optional),
            Db::Postgres(pool) => on!(Postgres, pool, sql, fetch_optional),
        }
    }

    pub async fn fetch_one<T: Decode>(&self, sql: &Sql) -> sqlx::Result<T> {
        match self {
            Db::Sqlite(pool) => on!(Sqlite, pool, sql, fetch_one),
            Db::Postgres(pool) => on!(Postgres, pool, sql, fetch_one),
        }
    }

    /// A transaction that writes `tenant`'s mirror, holding its write lock from the start: a
    /// transaction that reads, then writes, must not meet another writer's rows in between.
    pub async fn begin_write(&self, tenant: &str) -> sqlx::Result<Tx> {
        match self {
            // SQLite has one writer: take its lock at once.
            Db::Sqlite(pool) => Ok(Tx::Sqlite(pool.begin_with("BEGIN IMMEDIATE").await?)),
            // PostgreSQL: one writer per tenant, across every instance, until the commit.
            Db::Postgres(pool) => {
                let mut tx = pool.begin().await?;
                sqlx::query("SELECT pg_advisory_xact_lock(hashtextextended($1, 0))")
                    .bind(format!("graphsec-mirror:{tenant}"))
                    .execute(&mut *tx)
                    .await?;
                Ok(Tx::Postgres(tx))
            }
        }
    }
}

/// A write transaction of either engine.
pub enum Tx {
    Sqlite(Transaction<'static, Sqlite>),
    Postgres(Transaction<'static, Postgres>),
}

impl Tx {
    pub fn dialect(&self) -> Dialect {
        match self {
            Tx::Sqlite(_) => Dialect::Sqlite,
            Tx::Postgres(_) => Dialect::Postgres,
        }
    }

    pub async fn execute(&mut self, sql: &Sql) -> sqlx::Result<u64> {
        match self {
            Tx::Sqlite(tx) => on!(Sqlite, &mut **tx, sql, execute),
            Tx::Postgres(tx) => on!(Postgres, &mut **tx, sql, execute),
        }
    }

    pub async fn fetch_all<T: Decode>(&mut self, sql: &Sql) -> sqlx::Result<Vec<T>> {
        match self {
            Tx::Sqlite(tx) => on!(Sqlite, &mut **tx, sql, fetch_all),
            Tx::Postgres(tx) => on!(Postgres, &mut **tx, sql, fetch_all),
        }
    }

    pub async fn commit(self) -> sqlx::Result<()> {
        match self {
            Tx::Sqlite(tx) => tx.commit().await,
            Tx::Postgres(tx) => tx.commit().await,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn like_patterns_take_wildcards_literally() {
        assert_eq!(like_contains("pc-megan"), "%pc-megan%");
        assert_eq!(like_contains(r"50%_a\b"), r"%50\%\_a\\b%");
    }

    #[test]
    fn postgres_gets_text_without_nul() {
        let values = [Value::from("a\0b"), Value::from(1)];
        assert_eq!(storable(Dialect::Sqlite, &values)[0], values[0]);
        assert_eq!(
            storable(Dialect::Postgres, &values)[0],
            Value::from("a\u{fffd}b")
        );
    }

    #[test]
    fn each_engine_gets_its_placeholders() {
        let mut sql = Sql::new("SELECT a FROM t WHERE b = ");
        sql.bind(1)
            .push(" AND c IN (")
            .bind_list(["x", "y"])
            .push(")");
        assert_eq!(
            sql.text(Dialect::Sqlite),
            "SELECT a FROM t WHERE b = ? AND c IN (?, ?)"
        );
        assert_eq!(
            sql.text(Dialect::Postgres),
            "SELECT a FROM t WHERE b = $1 AND c IN ($2, $3)"
        );
    }
}
