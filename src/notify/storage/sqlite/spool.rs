//! The spool: append-only files in `<data_dir>/spool/` where accepted notifications become
//! durable before SQLite holds them. A group of notifications costs one write and one
//! `fdatasync`, so the webhook is answered at the disk's pace; SQLite takes the same rows
//! behind the answer, in large transactions (`spooled.rs`). A file is deleted once SQLite
//! holds everything in it durably, and what a crash left here is put into SQLite at the next
//! start, before anything is served.
//!
//! Once the first group arrives, new files come ready-made (`ready.rs`: full size, zeros,
//! synced), so a group's sync writes only the group. A file's unused end is zeros, which read
//! as the end, like the end of a file.

mod private;
mod ready;
mod record;

use std::collections::VecDeque;
use std::fs::{self, File};
use std::io;
use std::os::unix::fs::FileExt;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use private::{create, create_private_dir};
use ready::{Ready, ReadyFiles};

use crate::notify::model::Notification;

/// The size of a file made ready ahead of use. A file past this size is closed and the next
/// group starts a new one, so a file can be deleted soon after SQLite has its rows.
const FILE_BYTES: u64 = 8 << 20;

const SUFFIX: &str = ".spool";

#[derive(Debug)]
pub struct Spool {
    dir: PathBuf,
    file: File,
    /// Bytes of records in `file`, all synced.
    len: u64,
    /// Bytes of `file` that exist (zeros past `len`); a group that fits writes no metadata.
    capacity: u64,
    /// The number in the current file's name.
    number: u64,
    /// The newest id in the current file.
    last_id: Option<u64>,
    /// Files no longer written, with the newest id in each, oldest first.
    closed: VecDeque<(PathBuf, u64)>,
    buffer: Vec<u8>,
    /// Started with the first group, so an instance that never receives one writes no zeros.
    ready: Option<ReadyFiles>,
}

impl Spool {
    /// Opens the spool in `dir` (created if missing), with what earlier runs left in it in the
    /// order written. Those files stay until [`release_through`](Self::release_through) says
    /// SQLite holds their rows.
    pub fn open(dir: &Path) -> io::Result<(Self, Vec<Notification>)> {
        create_private_dir(dir)?;
        ready::remove_leftovers(dir)?;
        let mut files: Vec<(u64, PathBuf)> = fs::read_dir(dir)?
            .filter_map(|entry| {
                let path = entry.ok()?.path();
                let number = path
                    .file_name()?
                    .to_str()?
                    .strip_suffix(SUFFIX)?
                    .parse()
                    .ok()?;
                Some((number, path))
            })
            .collect();
        files.sort();
        let mut left = Vec::new();
        let mut closed = VecDeque::new();
        for (_, path) in &files {
            let found = read_file(path)?;
            let last = found.last().map_or(0, |n| n.id.head);
            left.extend(found);
            closed.push_back((path.clone(), last));
        }
        let number = files.last().map_or(1, |(n, _)| n + 1);
        let mut spool = Self {
            dir: dir.to_owned(),
            file: create(&dir.join(name(number)))?,
            len: 0,
            capacity: 0,
            number,
            last_id: None,
            closed,
            buffer: Vec::new(),
            ready: None,
        };
        sync_dir(&spool.dir)?;
        spool.buffer.reserve(64 << 10);
        Ok((spool, left))
    }

    /// Writes `batch` and syncs it: when this returns `Ok`, it survives a crash. On `Err`
    /// nothing of it will be read back.
    pub fn write(&mut self, batch: &[Arc<Notification>]) -> io::Result<()> {
        let Some(last) = batch.last() else {
            return Ok(());
        };
        self.buffer.clear();
        for n in batch {
            record::encode(n, &mut self.buffer);
        }
        self.use_ready_file(self.buffer.len() as u64)?;
        let written = self
            .file
            .write_all_at(&self.buffer, self.len)
            .and_then(|()| self.file.sync_data());
        if let Err(error) = written {
            // Cut off whatever part reached the file, so nothing unacknowledged is read back.
            let _ = self.file.set_len(self.len);
            self.capacity = self.len;
            return Err(error);
        }
        self.len += self.buffer.len() as u64;
        self.last_id = Some(last.id.head);
        if self.len >= FILE_BYTES {
            self.next_file()?;
        }
        Ok(())
    }

    /// Deletes the closed files whose every row SQLite holds durably (ids up to `applied`).
    pub fn release_through(&mut self, applied: u64) {
        remove(self.released_through(applied));
    }

    /// Lets go of the closed files whose every row SQLite holds durably (ids up to `applied`)
    /// and returns them, for the caller to delete (see [`remove`]) off the writer's path:
    /// deleting a file of many megabytes takes milliseconds.
    pub fn released_through(&mut self, applied: u64) -> Vec<PathBuf> {
        let mut released = Vec::new();
        while let Some((_, last)) = self.closed.front() {
            if *last > applied {
                break;
            }
            released.extend(self.closed.pop_front().map(|(path, _)| path));
        }
        released
    }

    /// The newest id of the oldest file no longer written, if any.
    pub fn oldest_closed(&self) -> Option<u64> {
        self.closed.front().map(|(_, last)| *last)
    }

    /// Moves to a ready file when `bytes` more do not fit in the current one's zeros (always the
    /// case for a file the spool made itself), unless the current one is a ready file still
    /// empty. Starts making ready files on first use.
    fn use_ready_file(&mut self, bytes: u64) -> io::Result<()> {
        let ready = self
            .ready
            .get_or_insert_with(|| ReadyFiles::start(&self.dir, FILE_BYTES));
        let fits = self.len + bytes <= self.capacity;
        let fresh_ready_file = self.capacity > 0 && self.len == 0;
        if fits || fresh_ready_file {
            return Ok(());
        }
        match ready.take() {
            Some(file) => self.switch_to(file),
            None => Ok(()),
        }
    }

    /// Closes the current file and goes on in a ready file, once its new name is durable.
    fn switch_to(&mut self, ready: Ready) -> io::Result<()> {
        let number = self.number + 1;
        fs::rename(&ready.path, self.dir.join(name(number)))?;
        sync_dir(&self.dir)?;
        self.close_current(ready.file, number);
        self.capacity = ready.bytes;
        Ok(())
    }

    fn next_file(&mut self) -> io::Result<()> {
        if let Some(ready) = self.ready.as_ref().and_then(ReadyFiles::take) {
            return self.switch_to(ready);
        }
        let number = self.number + 1;
        let file = create(&self.dir.join(name(number)))?;
        sync_dir(&self.dir)?;
        self.close_current(file, number);
        Ok(())
    }

    fn close_current(&mut self, next: File, number: u64) {
        let old = self.dir.join(name(self.number));
        self.closed
            .push_back((old, self.last_id.take().unwrap_or_default()));
        self.file = next;
        self.number = number;
        self.len = 0;
        self.capacity = 0;
    }
}

/// Deletes spool files the spool let go of. One left behind by a crash is read again at the
/// next start and its rows, which SQLite holds, are skipped.
pub fn remove(files: Vec<PathBuf>) {
    for path in files {
        if let Err(error) = fs::remove_file(&path) {
            tracing::warn!(%error, file = %path.display(), "a spool file could not be deleted");
        }
    }
}

fn name(number: u64) -> String {
    format!("{number:012}{SUFFIX}")
}

/// Makes a file's creation durable (its name is in the directory, not only its bytes).
fn sync_dir(dir: &Path) -> io::Result<()> {
    File::open(dir)?.sync_all()
}

/// Every whole record of the file, up to the first one a crash cut short.
fn read_file(path: &Path) -> io::Result<Vec<Notification>> {
    let bytes = fs::read(path)?;
    let mut rest = &bytes[..];
    let mut found = Vec::new();
    while let record::Read::Record(n, used) = record::decode(rest) {
        found.push(*n);
        rest = &rest[used..];
    }
    // A ready file's unused end is zeros: the end, not a cut.
    if rest.iter().any(|&byte| byte != 0) {
        tracing::warn!(
            file = %path.display(),
            bytes = rest.len(),
            "the end of a spool file was cut short by a crash; it was never acknowledged"
        );
    }
    Ok(found)
}

#[cfg(test)]
mod tests {
    use std::fs::OpenOptions;
    use std::io::Write;

    use time::OffsetDateTime;

    use super::*;
    use crate::notify::model::{EventId, note};

    fn batch(ids: std::ops::Range<u64>) -> Vec<Arc<Notification>> {
        ids.map(|id| {
            Arc::new(note("t", &id.to_string()).stored(EventId::row(id), OffsetDateTime::now_utc()))
        })
        .collect()
    }

    fn ids(found: &[Notification]) -> Vec<u64> {
        found.iter().map(|n| n.id.head).collect()
    }

    #[test]
    fn what_was_written_is_found_again_until_released() {
        let dir = tempfile::tempdir().unwrap();
        let (mut spool, left) = Spool::open(dir.path()).unwrap();
        assert!(left.is_empty());
        spool.write(&batch(1..4)).unwrap();
        spool.write(&batch(4..6)).unwrap();
        drop(spool);

        let (mut spool, left) = Spool::open(dir.path()).unwrap();
        assert_eq!(ids(&left), [1, 2, 3, 4, 5]);
        spool.write(&batch(6..7)).unwrap();
        spool.release_through(4);
        drop(spool);
        let (mut spool, left) = Spool::open(dir.path()).unwrap();
        // Files go whole: what is left runs without a gap to the newest, from at most 4 on.
        let found = ids(&left);
        assert!(
            found.ends_with(&[5, 6]) && found.windows(2).all(|w| w[1] == w[0] + 1),
            "a file goes only when all of it is held: {found:?}"
        );

        spool.release_through(6);
        drop(spool);
        let (_, left) = Spool::open(dir.path()).unwrap();
        assert!(left.is_empty());
    }

    #[test]
    fn groups_go_into_ready_files_whose_zeros_read_as_the_end() {
        let dir = tempfile::tempdir().unwrap();
        let (mut spool, _) = Spool::open(dir.path()).unwrap();
        let mut next = 1;
        for _ in 0..500 {
            spool.write(&batch(next..next + 1)).unwrap();
            next += 1;
            if spool.capacity > 0 {
                break;
            }
            std::thread::sleep(std::time::Duration::from_millis(10));
        }
        assert_eq!(spool.capacity, FILE_BYTES, "moved to a ready file");
        spool.write(&batch(next..next + 3)).unwrap();
        let file = dir.path().join(name(spool.number));
        assert_eq!(fs::metadata(&file).unwrap().len(), FILE_BYTES, "no growth");
        drop(spool);

        let (_, left) = Spool::open(dir.path()).unwrap();
        assert_eq!(ids(&left), (1..next + 3).collect::<Vec<_>>());
    }

    #[test]
    fn a_record_torn_by_a_crash_is_dropped_and_the_rest_kept() {
        let dir = tempfile::tempdir().unwrap();
        let (mut spool, _) = Spool::open(dir.path()).unwrap();
        spool.write(&batch(1..3)).unwrap();
        let file = dir.path().join(name(1));
        drop(spool);
        let whole = fs::metadata(&file).unwrap().len();
        let mut torn = OpenOptions::new().append(true).open(&file).unwrap();
        torn.write_all(&[9, 0, 0, 0, 1, 2]).unwrap();
        drop(torn);
        assert!(fs::metadata(&file).unwrap().len() > whole);

        let (_, left) = Spool::open(dir.path()).unwrap();
        assert_eq!(ids(&left), [1, 2]);
    }

    #[test]
    fn a_full_file_is_closed_and_deleted_once_held() {
        let dir = tempfile::tempdir().unwrap();
        let (mut spool, _) = Spool::open(dir.path()).unwrap();
        let mut big = batch(1..2);
        Arc::get_mut(&mut big[0]).unwrap().raw = "x".repeat(FILE_BYTES as usize);
        spool.write(&big).unwrap();
        assert_ne!(spool.number, 1, "the full file was closed");
        spool.write(&batch(2..3)).unwrap();
        let first = dir.path().join(name(1));
        assert!(first.exists());
        spool.release_through(1);
        assert!(!first.exists(), "deleted once held");
        assert!(dir.path().join(name(spool.number)).exists());
    }

    #[cfg(target_os = "linux")]
    #[test]
    fn a_failed_write_is_an_error() {
        let dir = tempfile::tempdir().unwrap();
        let (mut spool, _) = Spool::open(dir.path()).unwrap();
        spool.file = OpenOptions::new().write(true).open("/dev/full").unwrap();
        assert!(spool.write(&batch(1..2)).is_err());
    }
}
