//! A page of the notification log: one tenant's notifications from one write to SQLite, in id
//! order, as their records (`record.rs`) one after another, deflated. A row per notification
//! made SQLite write about three times the spool's bytes (the row and its index entry, in the
//! write-ahead log and again at the checkpoint), and the spool's syncs queued behind those
//! writes on the disk; a tenant's notifications repeat the same subscription, tenant and
//! resource names, so a page is a small fraction of that, and one insert.

use std::io::{Read as _, Write as _};

use flate2::Compression;
use flate2::read::DeflateDecoder;
use flate2::write::DeflateEncoder;

use super::record::{self, Raw, Read};
use crate::notify::model::Notification;

/// Most notifications in one page: enough for the names to compress well, few enough that
/// reading one notification back inflates little.
pub const MOST_NOTIFICATIONS: usize = 256;

/// The file number records carry inside a page (pages are not files; see `record.rs`).
const IN_A_PAGE: u64 = 0;

/// A page about to be stored.
pub struct Page<'a> {
    pub tenant_id: &'a str,
    /// The page's smallest and largest notification ids.
    pub first_id: u64,
    pub last_id: u64,
    /// When its newest notification arrived (Unix seconds), for retention.
    pub newest_at: i64,
    pub notifications: Vec<&'a Notification>,
}

#[derive(Debug, thiserror::Error)]
#[error("a stored page of notifications cannot be read ({0})")]
pub struct Unreadable(&'static str);

/// Splits `rows` (in id order) into pages: each tenant's rows in id order, at most
/// [`MOST_NOTIFICATIONS`] to a page.
pub fn paginate<'a>(rows: &[&'a Notification]) -> Vec<Page<'a>> {
    let mut pages: Vec<Page<'a>> = Vec::new();
    // Per tenant, its page being filled, as an index into `pages`.
    let mut open: Vec<(&'a str, usize)> = Vec::new();
    for &n in rows {
        let at = open
            .iter()
            .position(|(tenant, _)| *tenant == &*n.tenant_id)
            .filter(|&t| pages[open[t].1].notifications.len() < MOST_NOTIFICATIONS);
        let page = match at {
            Some(t) => &mut pages[open[t].1],
            None => {
                open.retain(|(tenant, _)| *tenant != &*n.tenant_id);
                open.push((&*n.tenant_id, pages.len()));
                pages.push(Page {
                    tenant_id: &n.tenant_id,
                    first_id: n.id.head,
                    last_id: n.id.head,
                    newest_at: n.received_at.unix_timestamp(),
                    notifications: Vec::new(),
                });
                pages.last_mut().expect("just pushed")
            }
        };
        page.last_id = n.id.head;
        page.newest_at = page.newest_at.max(n.received_at.unix_timestamp());
        page.notifications.push(n);
    }
    pages
}

impl Page<'_> {
    /// The page's body: its records, deflated.
    pub fn body(&self) -> Vec<u8> {
        let size = self
            .notifications
            .iter()
            .map(|n| record::encoded_len(n))
            .sum();
        let mut records = Vec::with_capacity(size);
        for n in &self.notifications {
            record::encode(n, IN_A_PAGE, &mut records);
        }
        let mut deflated =
            DeflateEncoder::new(Vec::with_capacity(records.len() / 4), Compression::fast());
        deflated
            .write_all(&records)
            .and_then(|()| deflated.finish())
            .expect("deflating into memory cannot fail")
    }
}

/// A page's records, inflated.
pub struct Records(Vec<u8>);

/// Inflates a page's `body`.
pub fn inflate(body: &[u8]) -> Result<Records, Unreadable> {
    let mut records = Vec::with_capacity(body.len() * 8);
    DeflateDecoder::new(body)
        .read_to_end(&mut records)
        .map_err(|_| Unreadable("not deflated"))?;
    Ok(Records(records))
}

impl Records {
    /// Each record's id, in order, and where it is.
    fn each(&self) -> impl Iterator<Item = Result<(u64, &[u8]), Unreadable>> {
        let mut rest = self.0.as_slice();
        std::iter::from_fn(move || {
            if rest.is_empty() {
                return None;
            }
            let Some((id, len)) = record::peek(rest).filter(|&(_, len)| len <= rest.len()) else {
                rest = &[];
                return Some(Err(Unreadable("a record is cut short")));
            };
            let (record, after) = rest.split_at(len);
            rest = after;
            Some(Ok((id, record)))
        })
    }

    /// The ids of the page's notifications, in order.
    pub fn ids(&self) -> Result<Vec<u64>, Unreadable> {
        self.each().map(|entry| entry.map(|(id, _)| id)).collect()
    }

    /// The notifications whose ids `keep` takes, in id order; only those are decoded, and
    /// their raw text only if `raw` says so.
    pub fn read(
        &self,
        mut keep: impl FnMut(u64) -> bool,
        raw: Raw,
    ) -> Result<Vec<Notification>, Unreadable> {
        let mut found = Vec::new();
        for entry in self.each() {
            let (id, bytes) = entry?;
            if !keep(id) {
                continue;
            }
            match record::decode_with(bytes, IN_A_PAGE, raw) {
                Read::Record(n, _) if n.id.head == id => found.push(*n),
                _ => return Err(Unreadable("a record is damaged")),
            }
        }
        Ok(found)
    }
}

#[cfg(test)]
mod tests {
    use time::OffsetDateTime;

    use super::*;
    use crate::notify::model::{EventId, note};

    /// Every notification a page's `body` holds.
    fn read(body: &[u8]) -> Result<Vec<Notification>, Unreadable> {
        inflate(body)?.read(|_| true, Raw::Read)
    }

    fn stored(tenant: &str, id: u64) -> Notification {
        note(tenant, &id.to_string()).stored(EventId::row(id), OffsetDateTime::now_utc())
    }

    #[test]
    fn each_tenant_gets_its_own_pages_in_id_order() {
        let rows: Vec<Notification> = [("a", 1), ("b", 2), ("a", 3), ("b", 4), ("a", 5)]
            .into_iter()
            .map(|(tenant, id)| stored(tenant, id))
            .collect();
        let refs: Vec<&Notification> = rows.iter().collect();
        let pages = paginate(&refs);
        let shape: Vec<(&str, u64, u64, usize)> = pages
            .iter()
            .map(|p| (p.tenant_id, p.first_id, p.last_id, p.notifications.len()))
            .collect();
        assert_eq!(shape, [("a", 1, 5, 3), ("b", 2, 4, 2)]);
    }

    #[test]
    fn a_full_page_is_followed_by_another() {
        let rows: Vec<Notification> = (1..=MOST_NOTIFICATIONS as u64 + 1)
            .map(|id| stored("a", id))
            .collect();
        let refs: Vec<&Notification> = rows.iter().collect();
        let pages = paginate(&refs);
        let sizes: Vec<usize> = pages.iter().map(|p| p.notifications.len()).collect();
        assert_eq!(sizes, [MOST_NOTIFICATIONS, 1]);
        assert_eq!(pages[1].first_id, MOST_NOTIFICATIONS as u64 + 1);
    }

    #[test]
    fn a_page_reads_back_as_written_and_smaller() {
        let rows: Vec<Notification> = (1..=100)
            .map(|id| {
                let mut n = stored("a", id);
                n.raw = format!(r#"{{"resource":"security/alerts/{id}","tenantId":"a"}}"#);
                n.summary = (id % 2 == 0).then(|| "{}".into());
                n
            })
            .collect();
        let refs: Vec<&Notification> = rows.iter().collect();
        let pages = paginate(&refs);
        let body = pages[0].body();
        let plain: usize = rows.iter().map(|n| n.raw.len() + n.resource.len()).sum();
        assert!(body.len() < plain / 2, "{} bytes for {plain}", body.len());
        assert_eq!(read(&body).unwrap(), rows);

        let records = inflate(&body).unwrap();
        assert_eq!(records.ids().unwrap(), (1..=100).collect::<Vec<u64>>());
        let some = records.read(|id| id > 97, Raw::Skip).unwrap();
        let mut expected: Vec<Notification> = rows[97..].to_vec();
        for n in &mut expected {
            n.raw = String::new();
        }
        assert_eq!(some, expected);
    }

    #[test]
    fn a_damaged_page_is_an_error_not_a_panic() {
        let rows = [stored("a", 1)];
        let body = paginate(&[&rows[0]])[0].body();
        assert!(read(&body[..body.len() / 2]).is_err());
        let mut records = inflate(&body).unwrap();
        records.0.truncate(records.0.len() - 1);
        assert!(records.ids().is_err());
        assert!(records.read(|_| true, Raw::Skip).is_err());
        assert!(read(b"not a page").is_err());
    }
}
