//! The spool: append-only files in `<data_dir>/spool/` where accepted notifications become
//! durable before SQLite holds them. A group of notifications costs one write and one
//! `fdatasync`, so the webhook is answered at the disk's pace; SQLite takes the same rows
//! behind the answer, in large transactions (`spooled.rs`). What a crash left here is put into
//! SQLite at the next start, before anything is served.
//!
//! A group's sync writes only the group: it goes into a file that already has its full size
//! and every block written, so no size or block changes with it. Such a file is one this run
//! filled before, once SQLite holds everything in it durably (used again, as databases reuse
//! their log files: its old records carry the old file number and read as the end), or else a
//! new one made ready ahead of use (`ready.rs`: zeros, synced). Files found at start are
//! deleted once SQLite holds them, never used again.

mod private;
mod ready;

use std::collections::VecDeque;
use std::fs::{self, File};
use std::io;
use std::os::unix::fs::FileExt;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use super::record;
use private::{create, create_private_dir};
use ready::{Ready, ReadyFiles};

use crate::notify::model::Notification;

/// The size of a file made ready ahead of use. A file past this size is closed and the next
/// group starts a new one, so a file can be let go of soon after SQLite has its rows.
const FILE_BYTES: u64 = 8 << 20;

/// Files let go of that wait to be used again; more are deleted. Two cover a burst that
/// fills one while SQLite catches up with the one before.
const KEEP_FOR_REUSE: usize = 2;

const SUFFIX: &str = ".spool";

#[derive(Debug)]
pub struct Spool {
    dir: PathBuf,
    file: File,
    /// Bytes of records in `file`, all synced.
    len: u64,
    /// Bytes of `file` already written (zeros or old records past `len`); a group that fits
    /// writes no metadata.
    capacity: u64,
    /// The number in the current file's name.
    number: u64,
    /// The newest id in the current file.
    last_id: Option<u64>,
    /// Files no longer written, oldest first.
    closed: VecDeque<Closed>,
    /// Files SQLite holds durably, renamed to wait for use again, oldest first.
    reusable: VecDeque<Ready>,
    buffer: Vec<u8>,
    /// Started with the first group, so an instance that never receives one writes no zeros.
    ready: Option<ReadyFiles>,
}

/// A file no longer written.
#[derive(Debug)]
struct Closed {
    path: PathBuf,
    /// The newest id in it.
    last: u64,
    /// The file, when this run wrote it and it has a ready file's size: it can be used again.
    reuse: Option<File>,
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
        for (number, path) in &files {
            let found = read_file(path, *number)?;
            let last = found.last().map_or(0, |n| n.id.head);
            left.extend(found);
            closed.push_back(Closed {
                path: path.clone(),
                last,
                reuse: None,
            });
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
            reusable: VecDeque::new(),
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
        self.encode(batch);
        let number = self.number;
        self.use_ready_file(self.buffer.len() as u64)?;
        if self.number != number {
            // Records name the file they are in.
            self.encode(batch);
        }
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

    fn encode(&mut self, batch: &[Arc<Notification>]) {
        self.buffer.clear();
        for n in batch {
            record::encode(n, self.number, &mut self.buffer);
        }
    }

    /// Lets go of the closed files whose every row SQLite holds durably (ids up to `applied`)
    /// and deletes those not kept for use again.
    pub fn release_through(&mut self, applied: u64) {
        remove(self.released_through(applied));
    }

    /// Lets go of the closed files whose every row SQLite holds durably (ids up to `applied`):
    /// keeps up to [`KEEP_FOR_REUSE`] for use again (renamed, so a restart deletes them) and
    /// returns the others, for the caller to delete (see [`remove`]) off the writer's path:
    /// deleting a file of many megabytes takes milliseconds.
    pub fn released_through(&mut self, applied: u64) -> Vec<PathBuf> {
        let mut released = Vec::new();
        while let Some(closed) = self.closed.pop_front_if(|c| c.last <= applied) {
            match closed.reuse {
                Some(file) if self.reusable.len() < KEEP_FOR_REUSE => {
                    let waiting = ready::waiting_path(&closed.path);
                    match fs::rename(&closed.path, &waiting) {
                        Ok(()) => self.reusable.push_back(Ready {
                            path: waiting,
                            file,
                            bytes: FILE_BYTES,
                        }),
                        Err(_) => released.push(closed.path),
                    }
                }
                _ => released.push(closed.path),
            }
        }
        released
    }

    /// The newest id of the oldest file no longer written, if any.
    pub fn oldest_closed(&self) -> Option<u64> {
        self.closed.front().map(|c| c.last)
    }

    /// A file to go on in: one let go of, else a new one if ready.
    fn take_ready(&mut self) -> Option<Ready> {
        self.reusable
            .pop_front()
            .or_else(|| self.ready.as_ref().and_then(ReadyFiles::take))
    }

    /// Moves to a ready file when `bytes` more do not fit in the current one's written blocks
    /// (always the case for a file the spool made itself), unless the current one is a ready
    /// file still empty. Starts making ready files on first use.
    fn use_ready_file(&mut self, bytes: u64) -> io::Result<()> {
        if self.ready.is_none() {
            self.ready = Some(ReadyFiles::start(&self.dir, FILE_BYTES));
        }
        let fits = self.len + bytes <= self.capacity;
        let fresh_ready_file = self.capacity > 0 && self.len == 0;
        if fits || fresh_ready_file {
            return Ok(());
        }
        match self.take_ready() {
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
        if let Some(ready) = self.take_ready() {
            return self.switch_to(ready);
        }
        let number = self.number + 1;
        let file = create(&self.dir.join(name(number)))?;
        sync_dir(&self.dir)?;
        self.close_current(file, number);
        Ok(())
    }

    fn close_current(&mut self, next: File, number: u64) {
        let old = std::mem::replace(&mut self.file, next);
        self.closed.push_back(Closed {
            path: self.dir.join(name(self.number)),
            last: self.last_id.take().unwrap_or_default(),
            reuse: (self.capacity == FILE_BYTES).then_some(old),
        });
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

/// Every whole record of the file numbered `number`, up to the first one a crash cut short
/// or one left by the file's earlier use.
fn read_file(path: &Path, number: u64) -> io::Result<Vec<Notification>> {
    let bytes = fs::read(path)?;
    let mut rest = &bytes[..];
    let mut found = Vec::new();
    let end = loop {
        match record::decode(rest, number) {
            record::Read::Record(n, used) => {
                found.push(*n);
                rest = &rest[used..];
            }
            other => break other,
        }
    };
    // A new file's unused end is zeros, a reused one's its old records: the end, not a cut.
    if matches!(end, record::Read::End) && rest.iter().any(|&byte| byte != 0) {
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

    /// Writes one notification at a time (ids from 1) until the spool writes into a ready
    /// file, made by its thread meanwhile; returns the next id.
    fn into_a_ready_file(spool: &mut Spool) -> u64 {
        let mut next = 1;
        for _ in 0..500 {
            spool.write(&batch(next..next + 1)).unwrap();
            next += 1;
            if spool.capacity > 0 {
                break;
            }
            std::thread::sleep(std::time::Duration::from_millis(10));
        }
        next
    }

    #[test]
    fn groups_go_into_ready_files_whose_zeros_read_as_the_end() {
        let dir = tempfile::tempdir().unwrap();
        let (mut spool, _) = Spool::open(dir.path()).unwrap();
        let next = into_a_ready_file(&mut spool);
        assert_eq!(spool.capacity, FILE_BYTES, "moved to a ready file");
        spool.write(&batch(next..next + 3)).unwrap();
        let file = dir.path().join(name(spool.number));
        assert_eq!(fs::metadata(&file).unwrap().len(), FILE_BYTES, "no growth");
        drop(spool);

        let (_, left) = Spool::open(dir.path()).unwrap();
        assert_eq!(ids(&left), (1..next + 3).collect::<Vec<_>>());
    }

    /// Writes groups of 200 until the spool is in another file; returns the first id there.
    fn fill(spool: &mut Spool, mut next: u64) -> u64 {
        let number = spool.number;
        while spool.number == number {
            spool.write(&batch(next..next + 200)).unwrap();
            next += 200;
        }
        next - 200
    }

    #[test]
    fn a_file_let_go_of_is_used_again_and_its_old_records_are_not_read() {
        use std::os::unix::fs::MetadataExt;
        let dir = tempfile::tempdir().unwrap();
        let (mut spool, _) = Spool::open(dir.path()).unwrap();
        let mut next = into_a_ready_file(&mut spool);
        let first = spool.number;
        let inode = fs::metadata(dir.path().join(name(first))).unwrap().ino();
        let in_second = fill(&mut spool, next);
        next = in_second + 200;
        spool.release_through(next - 1);
        assert!(!dir.path().join(name(first)).exists(), "let go of");
        assert_eq!(spool.reusable.len(), 1, "kept for use again");

        next = fill(&mut spool, next) + 200;
        let reused = dir.path().join(name(spool.number));
        assert_eq!(fs::metadata(&reused).unwrap().ino(), inode, "the same file");
        assert_eq!(
            fs::metadata(&reused).unwrap().len(),
            FILE_BYTES,
            "no growth"
        );
        spool.write(&batch(next..next + 3)).unwrap();
        next += 3;
        drop(spool);

        let (_, left) = Spool::open(dir.path()).unwrap();
        let found = ids(&left);
        assert_eq!(found.last(), Some(&(next - 1)));
        assert_eq!(found[0], in_second, "nothing of the file's earlier use");
        assert!(
            found.windows(2).all(|w| w[1] == w[0] + 1),
            "no gap, no repeat"
        );
        let names: Vec<_> = fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name().into_string().unwrap())
            .collect();
        assert!(
            !names.iter().any(|n| n.ends_with(ready::SUFFIX)),
            "{names:?}"
        );
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
