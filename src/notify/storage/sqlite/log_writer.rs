//! The one connection that puts spooled notifications into SQLite, owned by the feeder's
//! thread: statements prepared once and values bound straight from the rows, with no async
//! driver (and its per-value copies and thread hops) in between. Only it writes the log, so its
//! page cache stays valid from one commit to the next. Its commits are not synced
//! (`synchronous=NORMAL`): the spool holds those rows durably until a commit is made durable
//! on purpose.

use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use rusqlite::{Connection, OpenFlags, TransactionBehavior, params};
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

use super::log::{newest_per_subscription, row_id};
use crate::notify::model::{EventId, Notification};

/// Work for SQLite from the spooled log, in the order it must be done.
#[derive(Debug)]
pub enum Apply {
    /// Rows made durable in the spool, in id order.
    Rows(Vec<Arc<Notification>>),
    /// A summary for a row (queued after the row itself).
    Summary(EventId, String),
}

/// Rows per INSERT statement: each statement has a fixed cost (opening cursors, ending the
/// statement, the AUTOINCREMENT bookkeeping), paid once for this many rows.
const ROWS_PER_INSERT: usize = 32;

/// Values per row, in the order of [`insert_sql`]'s columns.
const COLUMNS: usize = 9;

/// An INSERT of `rows` rows that already have their ids (from the spool). A row SQLite already
/// holds (put there before a crash that kept its spool file) is left as it is.
fn insert_sql(rows: usize) -> String {
    let row = format!("({})", ["?"; COLUMNS].join(", "));
    format!(
        "INSERT OR IGNORE INTO notifications (id, tenant_id, subscription_id, change_type, \
         resource, alert_id, received_at, raw, summary) VALUES {}",
        vec![row; rows].join(", ")
    )
}

const STAMP: &str = "UPDATE subscriptions SET last_notification_at = ?1 WHERE id = ?2";

const SUMMARY: &str = "UPDATE notifications SET summary = ?1 WHERE id = ?2";

#[derive(Debug)]
pub struct LogWriter {
    db: Connection,
    /// [`insert_sql`] of [`ROWS_PER_INSERT`] rows, and of one.
    insert_many: String,
    insert_one: String,
}

impl LogWriter {
    /// Opens the app's database file (already created and migrated).
    pub fn open(file: &Path) -> rusqlite::Result<Self> {
        let db = Connection::open_with_flags(
            file,
            OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX,
        )?;
        db.busy_timeout(Duration::from_secs(5))?;
        db.pragma_update(None, "synchronous", "NORMAL")?;
        // The writer checkpoints between its own commits (`checkpoint`), never inside one.
        db.pragma_update(None, "wal_autocheckpoint", 0)?;
        Ok(Self {
            db,
            insert_many: insert_sql(ROWS_PER_INSERT),
            insert_one: insert_sql(1),
        })
    }

    /// Does `work` in one transaction: every row (stamping their subscriptions), then every
    /// summary, in the order queued. Not synced unless `durable`: then this commit is, and
    /// with it every commit before it (the sync covers the whole write-ahead log).
    pub fn apply(&mut self, work: &[Apply], durable: bool) -> rusqlite::Result<()> {
        if durable {
            self.db.pragma_update(None, "synchronous", "FULL")?;
        }
        let applied = self.apply_in_one_transaction(work);
        if durable {
            self.db.pragma_update(None, "synchronous", "NORMAL")?;
        }
        applied
    }

    fn apply_in_one_transaction(&mut self, work: &[Apply]) -> rusqlite::Result<()> {
        let rows: Vec<&Notification> = work
            .iter()
            .flat_map(|item| match item {
                Apply::Rows(rows) => rows.as_slice(),
                Apply::Summary(..) => &[],
            })
            .map(Arc::as_ref)
            .collect();
        let times = Times::of(&rows)?;
        let tx = self
            .db
            .transaction_with_behavior(TransactionBehavior::Immediate)?;
        {
            let whole = rows.len() - rows.len() % ROWS_PER_INSERT;
            let mut many = tx.prepare_cached(&self.insert_many)?;
            for start in (0..whole).step_by(ROWS_PER_INSERT) {
                for (i, row) in (start..start + ROWS_PER_INSERT).enumerate() {
                    bind_row(&mut many, i * COLUMNS, rows[row], times.row(row))?;
                }
                many.raw_execute()?;
            }
            let mut one = tx.prepare_cached(&self.insert_one)?;
            for (row, n) in rows.iter().enumerate().skip(whole) {
                bind_row(&mut one, 0, n, times.row(row))?;
                one.raw_execute()?;
            }
            let mut stamp = tx.prepare_cached(STAMP)?;
            for (id, at) in newest_per_subscription(
                rows.iter()
                    .map(|n| (n.subscription_id.as_str(), n.received_at)),
            ) {
                stamp.execute(params![rfc3339(at)?, id])?;
            }
            let mut summary = tx.prepare_cached(SUMMARY)?;
            for item in work {
                if let Apply::Summary(id, text) = item {
                    summary.execute(params![text, row_id(*id)])?;
                }
            }
        }
        tx.commit()
    }

    /// Copies the write-ahead log into the database between two of the writer's commits:
    /// nothing is appended meanwhile, so the checkpoint completes and the next commit starts
    /// the log file over instead of growing it.
    pub fn checkpoint(&mut self) -> rusqlite::Result<()> {
        self.db
            .query_row("PRAGMA wal_checkpoint(PASSIVE)", [], |_| Ok(()))
    }
}

/// Binds `n`'s values to the row of `statement` whose first value is at `offset`.
fn bind_row(
    statement: &mut rusqlite::Statement<'_>,
    offset: usize,
    n: &Notification,
    received_at: &str,
) -> rusqlite::Result<()> {
    statement.raw_bind_parameter(offset + 1, row_id(n.id))?;
    statement.raw_bind_parameter(offset + 2, &n.tenant_id)?;
    statement.raw_bind_parameter(offset + 3, &n.subscription_id)?;
    statement.raw_bind_parameter(offset + 4, &n.change_type)?;
    statement.raw_bind_parameter(offset + 5, &n.resource)?;
    statement.raw_bind_parameter(offset + 6, &n.alert_id)?;
    statement.raw_bind_parameter(offset + 7, received_at)?;
    statement.raw_bind_parameter(offset + 8, &n.raw)?;
    statement.raw_bind_parameter(offset + 9, &n.summary)
}

/// The text of each row's time: the rows of a group share their time (and come one group
/// after another), so it is formatted once per group, not per row.
struct Times {
    texts: Vec<String>,
    /// For each row, its text in `texts`.
    of_row: Vec<usize>,
}

impl Times {
    fn of(rows: &[&Notification]) -> rusqlite::Result<Self> {
        let mut texts = Vec::new();
        let mut of_row = Vec::with_capacity(rows.len());
        let mut last: Option<OffsetDateTime> = None;
        for n in rows {
            if last != Some(n.received_at) {
                texts.push(rfc3339(n.received_at)?);
                last = Some(n.received_at);
            }
            of_row.push(texts.len() - 1);
        }
        Ok(Self { texts, of_row })
    }

    fn row(&self, row: usize) -> &str {
        &self.texts[self.of_row[row]]
    }
}

/// The time as the app's reads expect it (sqlx's text form of an `OffsetDateTime`).
fn rfc3339(at: OffsetDateTime) -> rusqlite::Result<String> {
    at.format(&Rfc3339)
        .map_err(|error| rusqlite::Error::ToSqlConversionFailure(Box::new(error)))
}

#[cfg(test)]
mod tests;
