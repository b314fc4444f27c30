//! One notification as the spool writes it, and as a page of the log holds it (`page.rs`):
//! `length` and `crc32` of the payload (both little-endian `u32`), then the payload: the
//! number of the file it was written to, the id, the time received (Unix nanoseconds) and each
//! text as a length and its bytes (an absent optional text has length `u32::MAX`).
//!
//! The checksum tells a whole record from one a crash cut short: a write that was not synced
//! may reach the disk in part, and was never acknowledged. The file number tells a record of
//! this file from one left by the file's earlier use (files are used again, see `spool.rs`).
//! Records written before files carried numbers (the length's top bit clear) are still read.

use std::sync::Arc;

use time::OffsetDateTime;

use crate::notify::model::{EventId, Notification};

const HEADER: usize = 8;
const ABSENT: u32 = u32::MAX;

/// Set in the length of a record whose payload starts with its file's number.
const NUMBERED: u32 = 1 << 31;

/// The texts of `n` a record holds, in order.
fn texts(n: &Notification) -> [Option<&str>; 7] {
    [
        Some(&*n.tenant_id),
        Some(&*n.subscription_id),
        Some(&*n.change_type),
        Some(n.resource.as_str()),
        n.alert_id.as_deref(),
        Some(n.raw.as_str()),
        n.summary.as_deref(),
    ]
}

/// The bytes [`encode`] appends for `n`.
pub fn encoded_len(n: &Notification) -> usize {
    let texts: usize = texts(n).iter().map(|t| 4 + t.map_or(0, str::len)).sum();
    HEADER + 8 + 8 + 16 + texts
}

/// Appends `n`'s record, for the file numbered `file`, to `out`.
pub fn encode(n: &Notification, file: u64, out: &mut Vec<u8>) {
    let start = out.len();
    out.extend_from_slice(&[0; HEADER]);
    out.extend_from_slice(&file.to_le_bytes());
    out.extend_from_slice(&n.id.head.to_le_bytes());
    out.extend_from_slice(&n.received_at.unix_timestamp_nanos().to_le_bytes());
    for text in texts(n) {
        match text {
            Some(text) => {
                out.extend_from_slice(&text_len(text).to_le_bytes());
                out.extend_from_slice(text.as_bytes());
            }
            None => out.extend_from_slice(&ABSENT.to_le_bytes()),
        }
    }
    let payload = &out[start + HEADER..];
    let len = u32::try_from(payload.len())
        .ok()
        .filter(|len| len & NUMBERED == 0)
        .expect("a record under 2 GiB");
    let crc = crc32fast::hash(payload);
    out[start..start + 4].copy_from_slice(&(len | NUMBERED).to_le_bytes());
    out[start + 4..start + HEADER].copy_from_slice(&crc.to_le_bytes());
}

fn text_len(text: &str) -> u32 {
    // A webhook body is at most a few MiB (see `inbound::webhook`).
    u32::try_from(text.len()).expect("a text under 4 GiB")
}

/// What the start of `bytes` holds.
#[derive(Debug)]
pub enum Read {
    /// A whole record, and the bytes it took.
    Record(Box<Notification>, usize),
    /// A whole record of another file: what the file held in its earlier use. The end.
    Stale,
    /// Nothing more: the end, or a record a crash cut short or scrambled.
    End,
}

/// Whether a record's raw text is read: lists of notifications do not show it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Raw {
    Read,
    Skip,
}

/// The id of the record at the start of `bytes` and the bytes the record takes, read from
/// its first bytes alone (`decode` checks the rest).
pub fn peek(bytes: &[u8]) -> Option<(u64, usize)> {
    let len = u32::from_le_bytes(*bytes.first_chunk::<4>()?);
    let at = HEADER + if len & NUMBERED != 0 { 8 } else { 0 };
    let id = u64::from_le_bytes(*bytes.get(at..)?.first_chunk::<8>()?);
    Some((id, HEADER + (len & !NUMBERED) as usize))
}

/// Reads the record at the start of `bytes`, in the file numbered `file`.
pub fn decode(bytes: &[u8], file: u64) -> Read {
    decode_with(bytes, file, Raw::Read)
}

/// [`decode`], reading the raw text or leaving it empty.
pub fn decode_with(bytes: &[u8], file: u64, raw: Raw) -> Read {
    let Some((header, rest)) = bytes.split_first_chunk::<HEADER>() else {
        return Read::End;
    };
    let len = u32::from_le_bytes([header[0], header[1], header[2], header[3]]);
    let crc = u32::from_le_bytes([header[4], header[5], header[6], header[7]]);
    let Some(payload) = rest.get(..(len & !NUMBERED) as usize) else {
        return Read::End;
    };
    if crc32fast::hash(payload) != crc {
        return Read::End;
    }
    let mut cursor = Cursor(payload);
    if len & NUMBERED != 0 {
        match cursor.take_array().map(u64::from_le_bytes) {
            Some(number) if number == file => {}
            Some(_) => return Read::Stale,
            None => return Read::End,
        }
    }
    match payload_of(cursor, raw) {
        Some(n) => Read::Record(Box::new(n), HEADER + payload.len()),
        None => Read::End,
    }
}

fn payload_of(mut cursor: Cursor<'_>, read_raw: Raw) -> Option<Notification> {
    let id = u64::from_le_bytes(cursor.take_array()?);
    let nanos = i128::from_le_bytes(cursor.take_array()?);
    let received_at = OffsetDateTime::from_unix_timestamp_nanos(nanos).ok()?;
    let tenant_id = Arc::from(cursor.str()??);
    let subscription_id = Arc::from(cursor.str()??);
    let change_type = Arc::from(cursor.str()??);
    let resource = cursor.text()??;
    let alert_id = cursor.text()?;
    let raw = match read_raw {
        Raw::Read => cursor.text()??,
        Raw::Skip => cursor.skip_text().then(String::new)?,
    };
    let summary = cursor.text()?;
    cursor.0.is_empty().then(|| Notification {
        id: EventId::row(id),
        tenant_id,
        subscription_id,
        change_type,
        resource,
        alert_id,
        received_at,
        raw,
        summary,
        frame: Default::default(),
    })
}

struct Cursor<'a>(&'a [u8]);

impl Cursor<'_> {
    fn take(&mut self, n: usize) -> Option<&[u8]> {
        let (head, rest) = self.0.split_at_checked(n)?;
        self.0 = rest;
        Some(head)
    }

    fn take_array<const N: usize>(&mut self) -> Option<[u8; N]> {
        self.take(N)?.try_into().ok()
    }

    /// Passes over a text that must be there; false when the bytes are not one.
    fn skip_text(&mut self) -> bool {
        self.take_array()
            .map(u32::from_le_bytes)
            .filter(|&len| len != ABSENT)
            .and_then(|len| self.take(len as usize))
            .is_some()
    }

    /// `Some(None)` for an absent text; `None` when the bytes are not a text.
    fn text(&mut self) -> Option<Option<String>> {
        Some(self.str()?.map(str::to_owned))
    }

    /// [`Cursor::text`], borrowed from the record.
    fn str(&mut self) -> Option<Option<&str>> {
        let len = u32::from_le_bytes(self.take_array()?);
        if len == ABSENT {
            return Some(None);
        }
        let bytes = self.take(len as usize)?;
        Some(Some(std::str::from_utf8(bytes).ok()?))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::notify::model::note;

    fn stored(alert: &str, id: u64) -> Notification {
        let mut n = note("t", alert).stored(EventId::row(id), OffsetDateTime::now_utc());
        n.raw = format!(r#"{{"id":"{alert}","é":"ü"}}"#);
        n
    }

    fn all(mut bytes: &[u8]) -> Vec<Notification> {
        let mut found = Vec::new();
        while let Read::Record(n, used) = decode(bytes, 3) {
            found.push(*n);
            bytes = &bytes[used..];
        }
        found
    }

    /// A record as written before records carried their file's number.
    fn unnumbered(n: &Notification) -> Vec<u8> {
        let mut numbered = Vec::new();
        encode(n, 3, &mut numbered);
        let payload = &numbered[HEADER + 8..];
        let mut bytes = Vec::new();
        bytes.extend_from_slice(&(payload.len() as u32).to_le_bytes());
        bytes.extend_from_slice(&crc32fast::hash(payload).to_le_bytes());
        bytes.extend_from_slice(payload);
        bytes
    }

    #[test]
    fn records_read_back_as_written() {
        let mut with_summary = stored("b", 8);
        with_summary.summary = Some("{}".into());
        with_summary.alert_id = None;
        let written = [stored("a", 7), with_summary];
        let mut bytes = Vec::new();
        for n in &written {
            let before = bytes.len();
            encode(n, 3, &mut bytes);
            assert_eq!(bytes.len() - before, encoded_len(n));
        }
        assert_eq!(all(&bytes), written);
    }

    #[test]
    fn records_of_the_files_earlier_use_end_the_reading() {
        let mut bytes = Vec::new();
        encode(&stored("new", 9), 3, &mut bytes);
        let whole = bytes.len();
        encode(&stored("old", 2), 1, &mut bytes);
        assert_eq!(alerts(&all(&bytes)), ["new"]);
        assert!(matches!(decode(&bytes[whole..], 3), Read::Stale));
        assert!(matches!(decode(&bytes[whole..], 1), Read::Record(..)));
    }

    #[test]
    fn records_written_before_files_carried_numbers_are_read() {
        let written = [stored("a", 1), stored("b", 2)];
        let bytes: Vec<u8> = written.iter().flat_map(unnumbered).collect();
        assert_eq!(all(&bytes), written);
    }

    fn alerts(found: &[Notification]) -> Vec<&str> {
        found.iter().filter_map(|n| n.alert_id.as_deref()).collect()
    }

    #[test]
    fn a_record_cut_short_or_scrambled_ends_the_reading() {
        let mut bytes = Vec::new();
        encode(&stored("a", 1), 3, &mut bytes);
        let whole = bytes.len();
        encode(&stored("b", 2), 3, &mut bytes);
        for cut in [whole + 3, whole + 10, bytes.len() - 1] {
            assert_eq!(all(&bytes[..cut]).len(), 1, "cut at {cut}");
        }
        let mut scrambled = bytes.clone();
        let last = scrambled.len() - 2;
        scrambled[last] ^= 0x40;
        assert_eq!(all(&scrambled).len(), 1);
        assert!(all(&[]).is_empty());
        assert!(all(&[0; 64]).is_empty(), "zeros are no record");
    }
}
