//! Spool files made ready ahead of use, by a thread of their own: created under a temporary
//! name, filled with zeros to their full size and synced. A group written into such a file
//! changes no file size and allocates no block, so its `fdatasync` writes the group's bytes and
//! nothing else. Appending to a file instead makes every sync also write the file's inode and
//! wait for it: on ext4 that is a second I/O round trip per group.
//!
//! The spool takes a ready file when it wants a new one and has none of its own to use again
//! (at first, and when SQLite lags), and renames it into place. Files waiting under a `.ready`
//! name (these, and the spool's own waiting for use again) are deleted when the spool opens
//! again: the process stopped before using them.

use std::fs::{self, File};
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::mpsc::{Receiver, SyncSender, sync_channel};
use std::sync::{Arc, Weak};
use std::time::Duration;

use super::private::create;
use crate::notify::storage::sqlite::priority;

/// The name ready files wait under until the spool takes one.
pub const SUFFIX: &str = ".ready";

/// A file of zeros, synced, still under its temporary name.
#[derive(Debug)]
pub struct Ready {
    pub path: PathBuf,
    pub file: File,
    /// Its size: the bytes of zeros a group may fill without growing it.
    pub bytes: u64,
}

/// How long the thread waits before trying again when a file cannot be made (a full disk).
const RETRY_AFTER: Duration = Duration::from_secs(30);

/// The receiving end: at most one ready file waits here at a time.
#[derive(Debug)]
pub struct ReadyFiles {
    next: Receiver<Ready>,
    /// Dropped with the spool, which tells a thread waiting to try again to stop.
    _alive: Arc<()>,
}

impl ReadyFiles {
    /// Starts the thread that keeps one file of `bytes` zeros ready in `dir`. If the thread
    /// cannot start, or while files cannot be made, the spool goes on with files it makes
    /// itself.
    pub fn start(dir: &Path, bytes: u64) -> Self {
        Self::start_retrying(dir, bytes, RETRY_AFTER)
    }

    fn start_retrying(dir: &Path, bytes: u64, retry_after: Duration) -> Self {
        // Each thread names its files apart: a spool dropped and opened again in one process
        // leaves its old thread to delete its own file, never the new thread's.
        static THREADS: AtomicU64 = AtomicU64::new(0);
        let thread = THREADS.fetch_add(1, Ordering::Relaxed);
        let (sender, next) = sync_channel(0);
        let alive = Arc::new(());
        let spool = Arc::downgrade(&alive);
        let dir = dir.to_owned();
        let started = std::thread::Builder::new()
            .name("spool-files".into())
            .spawn(move || keep_one_ready(&dir, thread, bytes, &sender, &spool, retry_after));
        if let Err(error) = started {
            tracing::warn!(%error, "spool files are not made ready ahead of use");
        }
        Self {
            next,
            _alive: alive,
        }
    }

    /// A ready file, if one is waiting.
    pub fn take(&self) -> Option<Ready> {
        self.next.try_recv().ok()
    }
}

/// Makes a file ready, waits until the spool takes it, and again; stops once the spool is
/// gone (deleting the file it held).
fn keep_one_ready(
    dir: &Path,
    thread: u64,
    bytes: u64,
    sender: &SyncSender<Ready>,
    spool: &Weak<()>,
    retry_after: Duration,
) {
    priority::give_way();
    for number in 0u64.. {
        let path = dir.join(format!("new-{thread}-{number:012}{SUFFIX}"));
        let Some(file) = zeros_retrying(&path, bytes, spool, retry_after) else {
            return;
        };
        if let Err(unsent) = sender.send(Ready { path, file, bytes }) {
            let _ = fs::remove_file(&unsent.0.path);
            return;
        }
    }
}

/// [`zeros`], tried again every `retry_after` while it fails (saying so once, and when it
/// works again); `None` once the spool is gone.
fn zeros_retrying(
    path: &Path,
    bytes: u64,
    spool: &Weak<()>,
    retry_after: Duration,
) -> Option<File> {
    let mut failed = false;
    loop {
        match zeros(path, bytes) {
            Ok(file) => {
                if failed {
                    tracing::info!("spool files are made ready ahead of use again");
                }
                return Some(file);
            }
            Err(error) => {
                let _ = fs::remove_file(path);
                if !std::mem::replace(&mut failed, true) {
                    tracing::warn!(
                        %error,
                        "a spool file could not be made ready; the spool makes its own \
                         meanwhile, and this is tried again every {} s",
                        retry_after.as_secs()
                    );
                }
            }
        }
        std::thread::sleep(retry_after);
        if spool.strong_count() == 0 {
            return None;
        }
    }
}

/// A new file of `bytes` zeros, synced, the owner's only.
fn zeros(path: &Path, bytes: u64) -> io::Result<File> {
    let mut file = create(path)?;
    let chunk = vec![0; 256 << 10];
    let mut left = bytes;
    while left > 0 {
        let n = left.min(chunk.len() as u64) as usize;
        file.write_all(&chunk[..n])?;
        left -= n as u64;
    }
    file.sync_all()?;
    Ok(file)
}

/// The name a spool file waits under to be used again (deleted by a restart, like a new
/// ready file).
pub fn waiting_path(spool_file: &Path) -> PathBuf {
    spool_file.with_extension(SUFFIX.trim_start_matches('.'))
}

/// Deletes files an earlier run left waiting under a `.ready` name. One that is gone by the
/// time it is deleted (its thread, still ending, deleted it first) is no error.
pub fn remove_leftovers(dir: &Path) -> io::Result<()> {
    for entry in fs::read_dir(dir)? {
        let path = entry?.path();
        if path
            .file_name()
            .and_then(|name| name.to_str())
            .is_some_and(|name| name.ends_with(SUFFIX))
        {
            match fs::remove_file(&path) {
                Err(error) if error.kind() != io::ErrorKind::NotFound => return Err(error),
                _ => {}
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_ready_file_is_zeros_of_the_size_asked_and_the_next_one_follows() {
        let dir = tempfile::tempdir().unwrap();
        let files = ReadyFiles::start(dir.path(), 100_000);
        let first = wait_for(&files);
        assert_eq!(fs::read(&first.path).unwrap(), vec![0; 100_000]);
        let second = wait_for(&files);
        assert_ne!(first.path, second.path);
    }

    #[test]
    fn after_a_file_could_not_be_made_the_thread_tries_again() {
        let parent = tempfile::tempdir().unwrap();
        let dir = parent.path().join("spool");
        // No directory yet: making a file fails, as on a full disk.
        let files = ReadyFiles::start_retrying(&dir, 1000, Duration::from_millis(20));
        std::thread::sleep(Duration::from_millis(100));
        assert!(files.take().is_none());
        fs::create_dir(&dir).unwrap();
        assert_eq!(fs::read(wait_for(&files).path).unwrap(), vec![0; 1000]);
    }

    #[test]
    fn leftover_ready_files_are_removed_and_spool_files_kept() {
        let dir = tempfile::tempdir().unwrap();
        fs::write(dir.path().join(format!("000000000007{SUFFIX}")), [0; 8]).unwrap();
        fs::write(dir.path().join("000000000001.spool"), [1; 8]).unwrap();
        remove_leftovers(dir.path()).unwrap();
        let names: Vec<_> = fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name().into_string().unwrap())
            .collect();
        assert_eq!(names, ["000000000001.spool"]);
    }

    fn wait_for(files: &ReadyFiles) -> Ready {
        for _ in 0..500 {
            if let Some(ready) = files.take() {
                return ready;
            }
            std::thread::sleep(Duration::from_millis(10));
        }
        panic!("no ready file within 5 s");
    }
}
