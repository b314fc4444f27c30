//! Tests of the v2 watcher: cursors, publishing and waiting out throttling.

use std::sync::{Arc, Mutex};

use serde_json::{Value, json};
use time::Duration as TimeDuration;

use super::*;
use crate::notify::{
    model::{ApiKind, NewSubscription},
    storage::sqlite,
};

type Reply = Result<Vec<Value>, PollError>;

const OVERLAP: Duration = Duration::from_secs(30);

/// Answers each call with the next scripted reply and records the `since` asked for.
#[derive(Clone, Default)]
struct Scripted {
    replies: Arc<Mutex<Vec<Reply>>>,
    asked: Arc<Mutex<Vec<OffsetDateTime>>>,
}

impl ChangeSource for Scripted {
    async fn changed_since(
        &self,
        _sub: &Subscription,
        since: OffsetDateTime,
    ) -> Result<Vec<Value>, PollError> {
        self.asked.lock().unwrap().push(since);
        self.replies.lock().unwrap().remove(0)
    }
}

async fn setup(replies: Vec<Reply>) -> (Watcher<Scripted>, Scripted, Subscription) {
    let storage = sqlite::in_memory().await;
    let registry = storage.registry.clone();
    let journal = Journal::over(&storage);
    let watch = registry
        .insert(&NewSubscription {
            graph_id: None,
            owner_oid: "o".into(),
            tenant_id: "t".into(),
            resource: "security/alerts_v2?$filter=severity%20eq%20'high'".into(),
            change_type: "updated".into(),
            client_state: "unused".into(),
            expires_at: OffsetDateTime::now_utc() + TimeDuration::days(1),
            api_kind: ApiKind::V2Watch,
            filters: "{}".into(),
        })
        .await
        .unwrap();
    let source = Scripted::default();
    *source.replies.lock().unwrap() = replies;
    let watcher = Watcher::new(
        registry,
        journal,
        source.clone(),
        Duration::from_secs(1),
        OVERLAP,
        WatchHealth::default(),
    );
    (watcher, source, watch)
}

fn alert(id: &str, at: OffsetDateTime) -> Value {
    json!({"id": id, "lastUpdateDateTime": crate::graph::odata::datetime(at)})
}

#[tokio::test]
async fn a_changed_alert_is_published_once_and_the_cursor_advances() {
    let later = OffsetDateTime::now_utc() + TimeDuration::minutes(1);
    let (watcher, source, watch) = setup(vec![
        Ok(vec![alert("a1", later)]),
        Ok(vec![alert("a1", later)]),
    ])
    .await;
    let mut rx = watcher.journal.fanout().subscribe();
    assert_eq!(watcher.round().await.unwrap(), 1);
    assert_eq!(rx.try_recv().unwrap().alert_id.as_deref(), Some("a1"));
    assert_eq!(
        watcher.round().await.unwrap(),
        0,
        "the same change is not published twice"
    );
    let asked = source.asked.lock().unwrap().clone();
    assert_eq!(asked[0], watch.watch_cursor.unwrap());
    assert_eq!(
        crate::graph::odata::datetime(asked[1]),
        crate::graph::odata::datetime(later - OVERLAP),
        "the next poll reaches back the overlap before the newest change"
    );
}

#[tokio::test]
async fn a_late_change_within_the_overlap_is_published_once_and_keeps_the_cursor() {
    let later = OffsetDateTime::now_utc() + TimeDuration::minutes(1);
    let late = later - TimeDuration::seconds(10);
    let both = || Ok(vec![alert("a1", later), alert("a2", late)]);
    let (watcher, _, watch) = setup(vec![Ok(vec![alert("a1", later)]), both(), both()]).await;
    assert_eq!(watcher.round().await.unwrap(), 1);
    assert_eq!(watcher.round().await.unwrap(), 1, "the late change is read");
    assert_eq!(watcher.round().await.unwrap(), 0, "and not read twice");
    let stored = watcher.registry.get(&watch.id).await.unwrap().unwrap();
    assert_eq!(
        crate::graph::odata::datetime(stored.watch_cursor.unwrap()),
        crate::graph::odata::datetime(later)
    );
    assert!(stored.watch_published.unwrap().contains("a2"));
}

#[tokio::test]
async fn a_throttled_watch_rests_for_retry_after() {
    let later = OffsetDateTime::now_utc() + TimeDuration::minutes(1);
    let (watcher, source, watch) = setup(vec![
        Err(PollError::Throttled(Duration::from_millis(300))),
        Ok(vec![alert("a1", later)]),
    ])
    .await;
    assert_eq!(watcher.round().await.unwrap(), 0);
    assert!(watcher.is_resting(&watch.id));
    assert_eq!(watcher.round().await.unwrap(), 0, "no poll while resting");
    assert_eq!(source.asked.lock().unwrap().len(), 1);
    tokio::time::sleep(Duration::from_millis(350)).await;
    assert_eq!(watcher.round().await.unwrap(), 1);
}

#[tokio::test]
async fn a_failed_poll_keeps_the_cursor_and_backs_off() {
    let (watcher, source, watch) = setup(vec![Err(PollError::NoToken), Ok(vec![])]).await;
    watcher.round().await.unwrap();
    assert!(watcher.is_resting(&watch.id), "backing off after a failure");
    watcher.round().await.unwrap();
    assert_eq!(
        source.asked.lock().unwrap().len(),
        1,
        "not polled while backing off"
    );
    tokio::time::sleep(Duration::from_millis(1100)).await;
    watcher.round().await.unwrap();
    let asked = source.asked.lock().unwrap().clone();
    assert_eq!(asked[0], asked[1]);
}
