//! Memory freed after a burst (a backfill, a spike of notifications) goes back to the OS.
//! Both allocators keep freed pages for reuse: mimalloc (the Rust side) until it next purges,
//! glibc's `malloc` (SQLite's page caches and statements) for good where they sit between live
//! chunks. Handing them back on a timer keeps an idle instance small; a busy one reuses its
//! pages before the next tick.

use std::time::Duration;

/// How often freed memory is handed back.
const EVERY: Duration = Duration::from_secs(20);

/// Hands freed memory back to the OS every [`EVERY`], for the life of the process.
pub fn spawn_release() {
    tokio::spawn(async {
        let mut tick = tokio::time::interval(EVERY);
        tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            tick.tick().await;
            release();
        }
    });
}

/// Returns the pages both allocators hold free.
pub fn release() {
    // SAFETY: collects this thread's mimalloc heap and abandoned ones; it only walks
    // mimalloc's own free lists.
    unsafe { libmimalloc_sys::mi_collect(true) };
    // SAFETY: walks every glibc arena under its lock and returns whole free pages.
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    unsafe {
        libc::malloc_trim(0);
    }
}
