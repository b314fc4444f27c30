//! Threads whose work lies behind the answers give way to the threads that answer webhooks and
//! pages: the SQLite feeder (reads merge what it has not stored yet) and the thread that makes
//! spool files ready ahead of use. On a busy machine they run in the time the others leave.
//! Neither can fall behind for good: past `MAX_PENDING` rows the spool waits for the feeder,
//! and without a ready file the spool makes its own.

/// Their niceness: 0 is the default, 19 the lowest; at 10 a thread gets about a tenth of a CPU
/// that a default thread also wants.
const NICENESS: i32 = 10;

/// Lowers the calling thread's CPU priority (Linux; elsewhere it keeps the default).
pub fn give_way() {
    #[cfg(target_os = "linux")]
    {
        let thread = rustix::thread::gettid();
        if let Err(error) = rustix::process::setpriority_process(Some(thread), NICENESS) {
            tracing::debug!(%error, "a background thread keeps the default CPU priority");
        }
    }
}
