//! The one connection that puts spooled notifications into SQLite, owned by the feeder's
//! thread: each write stores its notifications as pages (`page.rs`), with prepared statements
//! and no async driver (and its per-value copies and thread hops) in between. Only it writes
//! the log, so its page cache stays valid from one commit to the next. Its commits are not
//! synced (`synchronous=NORMAL`): the spool holds those notifications durably until a commit
//! is made durable on purpose.

use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use rusqlite::{Connection, OpenFlags, TransactionBehavior, params};
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

use super::log::{newest_per_subscription, row_id};
use super::page;
use crate::notify::model::{EventId, Notification};

/// Work for SQLite from the spooled log, in the order it must be done.
#[derive(Debug)]
pub enum Apply {
    /// Rows made durable in the spool, in id order.
    Rows(Vec<Arc<Notification>>),
    /// A summary for a row (queued after the row itself).
    Summary(EventId, String),
}

const PAGE: &str = "INSERT INTO notification_pages (first_id, last_id, tenant_id, newest_at, body) \
     VALUES (?1, ?2, ?3, ?4, ?5)";

const STAMP: &str = "UPDATE subscriptions SET last_notification_at = ?1 WHERE id = ?2";

const SUMMARY: &str = "INSERT INTO notification_summaries (id, summary) VALUES (?1, ?2) \
     ON CONFLICT (id) DO UPDATE SET summary = excluded.summary";

#[derive(Debug)]
pub struct LogWriter {
    db: Connection,
    /// The largest notification id in a page: a notification the spool gives again after a
    /// restart (SQLite had it before the crash) is left as it is.
    held: u64,
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
        let moved = rows_into_pages(&db)?;
        if moved > 0 {
            tracing::info!(
                notifications = moved,
                "stored notifications were moved into pages"
            );
        }
        let held: i64 = db.query_row(
            "SELECT COALESCE(MAX(last_id), 0) FROM notification_pages",
            [],
            |row| row.get(0),
        )?;
        Ok(Self {
            db,
            held: held.max(0).unsigned_abs(),
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
            .filter(|n| n.id.head > self.held)
            .collect();
        let tx = self
            .db
            .transaction_with_behavior(TransactionBehavior::Immediate)?;
        insert_pages(&tx, &rows)?;
        {
            let mut stamp = tx.prepare_cached(STAMP)?;
            for (id, at) in
                newest_per_subscription(rows.iter().map(|n| (&*n.subscription_id, n.received_at)))
            {
                stamp.execute(params![rfc3339(at)?, id])?;
            }
            let mut summary = tx.prepare_cached(SUMMARY)?;
            for item in work {
                if let Apply::Summary(id, text) = item {
                    summary.execute(params![row_id(*id), text])?;
                }
            }
        }
        tx.commit()?;
        if let Some(last) = rows.last() {
            self.held = last.id.head;
        }
        Ok(())
    }

    /// Copies the write-ahead log into the database between two of the writer's commits:
    /// nothing is appended meanwhile, so the checkpoint completes and the next commit starts
    /// the log file over instead of growing it.
    pub fn checkpoint(&mut self) -> rusqlite::Result<()> {
        self.db
            .query_row("PRAGMA wal_checkpoint(PASSIVE)", [], |_| Ok(()))
    }
}

/// Most pages one call of [`LogWriter::trim`] removes (a full page holds 256 notifications):
/// the feeder does other work between calls, so removing a week's pages never holds up the
/// notifications arriving meanwhile.
const TRIMMED_AT_ONCE: i64 = 256;

/// What one call of [`LogWriter::trim`] did.
#[derive(Debug, PartialEq, Eq)]
pub struct Trimmed {
    pub pages: usize,
    /// Older pages may remain: call again.
    pub more: bool,
}

impl LogWriter {
    /// Removes the oldest pages whose newest notification arrived before `before` (at most
    /// [`TRIMMED_AT_ONCE`]), and the summaries of what they held. Pages are taken in id order
    /// and the first younger one ends the call, so this reads no more than it removes. The page
    /// holding the largest id always stays, however old: the next id continues from it, so no
    /// id is ever given twice (a browser resumes by id).
    pub fn trim(&mut self, before: OffsetDateTime) -> rusqlite::Result<Trimmed> {
        let before = before.unix_timestamp();
        let tx = self
            .db
            .transaction_with_behavior(TransactionBehavior::Immediate)?;
        let (through, pages, more) = {
            let mut oldest = tx.prepare_cached(
                "SELECT first_id, last_id, newest_at FROM notification_pages \
                 ORDER BY first_id LIMIT ?1",
            )?;
            let mut rows = oldest.query([TRIMMED_AT_ONCE])?;
            let (mut through, mut pages, mut more) = (None, 0, true);
            while let Some(row) = rows.next()? {
                let (first, last, at): (i64, i64, Option<i64>) =
                    (row.get(0)?, row.get(1)?, row.get(2)?);
                if last.unsigned_abs() >= self.held || at.is_none_or(|at| at >= before) {
                    more = false;
                    break;
                }
                through = Some(first);
                pages += 1;
            }
            (through, pages, more && pages == TRIMMED_AT_ONCE as usize)
        };
        if let Some(through) = through {
            tx.execute(
                "DELETE FROM notification_pages WHERE first_id <= ?1",
                [through],
            )?;
            // Every id left lies in a page at or after the oldest one left.
            tx.execute(
                "DELETE FROM notification_summaries \
                 WHERE id < (SELECT MIN(first_id) FROM notification_pages)",
                [],
            )?;
        }
        tx.commit()?;
        Ok(Trimmed { pages, more })
    }
}

/// Stores `rows` (in id order) as pages.
fn insert_pages(db: &Connection, rows: &[&Notification]) -> rusqlite::Result<()> {
    let mut insert = db.prepare_cached(PAGE)?;
    for page in page::paginate(rows) {
        insert.execute(params![
            row_id(EventId::row(page.first_id)),
            row_id(EventId::row(page.last_id)),
            page.tenant_id,
            page.newest_at,
            page.body()
        ])?;
    }
    Ok(())
}

/// Rows the older `notifications` table moved into pages per transaction.
const MOVED_AT_ONCE: i64 = 4_096;

/// Moves the rows of the `notifications` table, from before the log was kept in pages, into
/// pages, oldest first, a few thousand per transaction (so a stop part-way loses nothing and
/// the next start goes on). Returns how many were moved.
fn rows_into_pages(db: &Connection) -> rusqlite::Result<usize> {
    let mut moved = 0;
    loop {
        let tx = db.unchecked_transaction()?;
        let rows = {
            let mut oldest = tx.prepare(
                "SELECT id, tenant_id, subscription_id, change_type, resource, alert_id, \
                 received_at, raw, summary FROM notifications ORDER BY id LIMIT ?1",
            )?;
            oldest
                .query_map([MOVED_AT_ONCE], old_row)?
                .collect::<rusqlite::Result<Vec<Notification>>>()?
        };
        let Some(last) = rows.last() else {
            return Ok(moved);
        };
        insert_pages(&tx, &rows.iter().collect::<Vec<_>>())?;
        tx.execute(
            "DELETE FROM notifications WHERE id <= ?1",
            [row_id(last.id)],
        )?;
        tx.commit()?;
        moved += rows.len();
    }
}

fn old_row(row: &rusqlite::Row<'_>) -> rusqlite::Result<Notification> {
    let id: i64 = row.get(0)?;
    let received_at: String = row.get(6)?;
    Ok(Notification {
        id: EventId::row(id.max(0).unsigned_abs()),
        tenant_id: row.get(1)?,
        subscription_id: row.get(2)?,
        change_type: row.get(3)?,
        resource: row.get(4)?,
        alert_id: row.get(5)?,
        // Written as RFC 3339, or by sqlx with a space for the `T`.
        received_at: OffsetDateTime::parse(&received_at.replacen(' ', "T", 1), &Rfc3339).map_err(
            |error| {
                rusqlite::Error::FromSqlConversionFailure(
                    6,
                    rusqlite::types::Type::Text,
                    error.into(),
                )
            },
        )?,
        raw: row.get(7)?,
        summary: row.get(8)?,
        frame: Default::default(),
    })
}

/// The time as the app's reads expect it (sqlx's text form of an `OffsetDateTime`).
fn rfc3339(at: OffsetDateTime) -> rusqlite::Result<String> {
    at.format(&Rfc3339)
        .map_err(|error| rusqlite::Error::ToSqlConversionFailure(Box::new(error)))
}

#[cfg(test)]
mod tests;
