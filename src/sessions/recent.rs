//! Recently used sessions kept in memory in front of the SQLite store, so a page view does
//! not read and decode its session from disk. Only for SQLite: one instance owns that file,
//! so every change passes through here; with Redis another instance may change a session.
//!
//! Writes go to the store first and then here, one at a time (they are rare: sign-in,
//! sign-out, a minute's expiry extension, a token refresh). A read that missed fills the
//! memory only if no write happened while it read, so a session deleted meanwhile (signed
//! out) never comes back from a stale read.

use std::collections::HashMap;
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};

use async_trait::async_trait;
use time::OffsetDateTime;
use tower_sessions::SessionStore;
use tower_sessions::session::{Id, Record};
use tower_sessions::session_store::Result;

/// How many sessions stay in memory; past it, one is forgotten for each new one (and is
/// read from the store again when next used).
pub const CAPACITY: usize = 4_096;

#[derive(Debug)]
pub struct RecentSessions<S> {
    store: S,
    kept: Mutex<HashMap<Id, Record>>,
    /// Counts writes, so a read can tell whether one happened while it read the store.
    writes: AtomicU64,
    /// One write at a time, store and memory together, so they never disagree.
    writing: tokio::sync::Mutex<()>,
    capacity: usize,
}

impl<S: SessionStore> RecentSessions<S> {
    pub fn new(store: S) -> Self {
        Self::with_capacity(store, CAPACITY)
    }

    fn with_capacity(store: S, capacity: usize) -> Self {
        Self {
            store,
            kept: Mutex::default(),
            writes: AtomicU64::new(0),
            writing: tokio::sync::Mutex::new(()),
            capacity: capacity.max(1),
        }
    }

    fn kept(&self) -> std::sync::MutexGuard<'_, HashMap<Id, Record>> {
        // A panic while holding the map cannot leave it half-changed: every change is one call.
        self.kept
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    fn keep(&self, record: &Record) {
        let mut kept = self.kept();
        if kept.len() >= self.capacity && !kept.contains_key(&record.id) {
            // Any one will do: a forgotten session is only read from the store again.
            if let Some(old) = kept.keys().next().copied() {
                kept.remove(&old);
            }
        }
        kept.insert(record.id, record.clone());
    }

    fn forget(&self, id: &Id) {
        self.kept().remove(id);
    }
}

#[async_trait]
impl<S: SessionStore> SessionStore for RecentSessions<S> {
    async fn create(&self, record: &mut Record) -> Result<()> {
        let _writing = self.writing.lock().await;
        self.writes.fetch_add(1, Ordering::SeqCst);
        self.store.create(record).await?;
        self.keep(record);
        Ok(())
    }

    async fn save(&self, record: &Record) -> Result<()> {
        let _writing = self.writing.lock().await;
        self.writes.fetch_add(1, Ordering::SeqCst);
        match self.store.save(record).await {
            Ok(()) => {
                self.keep(record);
                Ok(())
            }
            Err(error) => {
                // The store may or may not hold the new record: read it again next time.
                self.forget(&record.id);
                Err(error)
            }
        }
    }

    async fn load(&self, id: &Id) -> Result<Option<Record>> {
        let now = OffsetDateTime::now_utc();
        {
            let mut kept = self.kept();
            match kept.get(id) {
                Some(record) if record.expiry_date > now => return Ok(Some(record.clone())),
                Some(_) => {
                    kept.remove(id);
                }
                None => {}
            }
        }
        let before = self.writes.load(Ordering::SeqCst);
        let record = self.store.load(id).await?;
        if let Some(record) = &record
            && self.writes.load(Ordering::SeqCst) == before
        {
            let _writing = self.writing.lock().await;
            if self.writes.load(Ordering::SeqCst) == before {
                self.keep(record);
            }
        }
        Ok(record)
    }

    async fn delete(&self, id: &Id) -> Result<()> {
        let _writing = self.writing.lock().await;
        self.writes.fetch_add(1, Ordering::SeqCst);
        self.forget(id);
        self.store.delete(id).await
    }
}

#[cfg(test)]
mod tests {
    use std::sync::atomic::AtomicUsize;

    use tower_sessions::MemoryStore;

    use super::*;

    /// A store that counts the reads that reach it.
    #[derive(Debug, Default)]
    struct Counted {
        inner: MemoryStore,
        loads: AtomicUsize,
    }

    #[async_trait]
    impl SessionStore for Counted {
        async fn save(&self, record: &Record) -> Result<()> {
            self.inner.save(record).await
        }
        async fn load(&self, id: &Id) -> Result<Option<Record>> {
            self.loads.fetch_add(1, Ordering::SeqCst);
            self.inner.load(id).await
        }
        async fn delete(&self, id: &Id) -> Result<()> {
            self.inner.delete(id).await
        }
    }

    fn record(minutes: i64) -> Record {
        Record {
            id: Id::default(),
            data: [("user".to_string(), serde_json::json!("ana"))].into(),
            expiry_date: OffsetDateTime::now_utc() + time::Duration::minutes(minutes),
        }
    }

    #[tokio::test]
    async fn a_session_is_read_from_the_store_once_and_then_from_memory() {
        let recent = RecentSessions::new(Counted::default());
        let mut session = record(60);
        recent.store.inner.create(&mut session).await.unwrap();
        for _ in 0..3 {
            assert_eq!(
                recent.load(&session.id).await.unwrap(),
                Some(session.clone())
            );
        }
        assert_eq!(recent.store.loads.load(Ordering::SeqCst), 1);
    }

    #[tokio::test]
    async fn saves_and_deletes_reach_the_store_and_the_memory() {
        let recent = RecentSessions::new(Counted::default());
        let mut session = record(60);
        recent.create(&mut session).await.unwrap();
        session.data.insert("top".into(), serde_json::json!(20));
        recent.save(&session).await.unwrap();
        assert_eq!(
            recent.load(&session.id).await.unwrap(),
            Some(session.clone())
        );
        assert_eq!(
            recent.store.inner.load(&session.id).await.unwrap(),
            Some(session.clone())
        );
        recent.delete(&session.id).await.unwrap();
        assert_eq!(recent.load(&session.id).await.unwrap(), None);
        assert_eq!(recent.store.inner.load(&session.id).await.unwrap(), None);
        assert_eq!(
            recent.store.loads.load(Ordering::SeqCst),
            1,
            "only the last read"
        );
    }

    #[tokio::test]
    async fn an_expired_session_is_not_answered_from_memory() {
        let recent = RecentSessions::new(Counted::default());
        let mut session = record(60);
        recent.create(&mut session).await.unwrap();
        session.expiry_date = OffsetDateTime::now_utc() - time::Duration::seconds(1);
        recent.save(&session).await.unwrap();
        assert_eq!(recent.load(&session.id).await.unwrap(), None);
        assert!(recent.kept().is_empty());
    }

    #[tokio::test]
    async fn memory_holds_at_most_its_capacity() {
        let recent = RecentSessions::with_capacity(Counted::default(), 2);
        let mut sessions: Vec<Record> = (0..3).map(|_| record(60)).collect();
        for session in &mut sessions {
            recent.create(session).await.unwrap();
        }
        assert_eq!(recent.kept().len(), 2);
        for session in &sessions {
            assert_eq!(
                recent.load(&session.id).await.unwrap(),
                Some(session.clone())
            );
        }
    }
}
