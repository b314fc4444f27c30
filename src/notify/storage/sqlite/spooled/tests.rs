use super::*;
use crate::db;
use crate::notify::model::note;

async fn open(dir: &Path) -> SpooledLog {
    let pool = db::connect(dir).await.unwrap();
    db::migrate(&pool).await.unwrap();
    SpooledLog::open(
        SqliteLog::new(pool),
        &dir.join(crate::data_dir::DATABASE_FILE),
        &dir.join("spool"),
        Duration::from_secs(86_400),
    )
    .await
    .unwrap()
}

fn alerts(rows: &[Notification]) -> Vec<&str> {
    rows.iter().filter_map(|n| n.alert_id.as_deref()).collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn rows_read_the_same_before_and_after_sqlite_holds_them() {
    let dir = tempfile::tempdir().unwrap();
    let log = open(dir.path()).await;
    let first = log
        .append(vec![note("a", "1"), note("b", "2"), note("a", "3")])
        .await
        .unwrap();
    assert_eq!(first[0].id, EventId::row(1));
    let all = log.after("a", EventId::default(), 10).await.unwrap();
    assert_eq!(alerts(&all), ["1", "3"], "read while pending or stored");
    log.flushed().await.unwrap();
    assert!(lock(&log.shared.pending).is_empty());
    log.append(vec![note("a", "4")]).await.unwrap();
    let after = log.after("a", first[0].id, 10).await.unwrap();
    assert_eq!(alerts(&after), ["3", "4"], "stored and pending merged");
    assert_eq!(alerts(&log.recent("a", 2).await.unwrap()), ["3", "4"]);
    assert_eq!(
        alerts(&log.after("a", first[0].id, 1).await.unwrap()),
        ["3"]
    );
    let got = log.get("b", first[1].id).await.unwrap().unwrap();
    assert_eq!(got.alert_id.as_deref(), Some("2"));

    log.set_summary("a", first[2].id, "{}").await.unwrap();
    let read = log.get("a", first[2].id).await.unwrap().unwrap();
    assert_eq!(
        read.summary.as_deref(),
        Some("{}"),
        "read before SQLite has it"
    );
    let recent = log.recent("a", 2).await.unwrap();
    assert_eq!(recent[0].summary.as_deref(), Some("{}"));
    log.flushed().await.unwrap();
    assert!(lock(&log.shared.summaries).is_empty());
    let stored = log.rows.get("a", first[2].id).await.unwrap().unwrap();
    assert_eq!(stored.summary.as_deref(), Some("{}"), "then SQLite has it");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn what_the_spool_holds_at_start_is_put_into_sqlite_once() {
    let dir = tempfile::tempdir().unwrap();
    let log = open(dir.path()).await;
    log.append(vec![note("a", "stored")]).await.unwrap();
    log.flushed().await.unwrap();
    drop(log);
    // Acknowledged before a crash, never put into SQLite: only the spool has them.
    {
        let (mut spool, _) = Spool::open(&dir.path().join("spool")).unwrap();
        let now = OffsetDateTime::now_utc();
        let left: Vec<_> = ["x", "y"]
            .iter()
            .zip(2..)
            .map(|(a, id)| Arc::new(note("a", a).stored(EventId::row(id), now)))
            .collect();
        spool.write(&left).unwrap();
    }
    let log = open(dir.path()).await;
    let all = log.rows.after("a", EventId::default(), 10).await.unwrap();
    assert_eq!(alerts(&all), ["stored", "x", "y"]);
    let next = log.append(vec![note("a", "z")]).await.unwrap();
    assert_eq!(next[0].id, EventId::row(4), "ids go on above them");
    // The feeder is a thread of its own: a second log on the same files while the first one's
    // still writes is not a state the app is ever in (one process owns its data directory).
    log.flushed().await.unwrap();
    drop(log);
    let log = open(dir.path()).await;
    let all = log.rows.after("a", EventId::default(), 10).await.unwrap();
    assert_eq!(alerts(&all), ["stored", "x", "y", "z"], "each once");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn limits_and_tenants_read_the_same_while_pending_and_once_stored() {
    let dir = tempfile::tempdir().unwrap();
    let log = open(dir.path()).await;
    let batch = (1..=8)
        .map(|i| note(if i % 2 == 0 { "b" } else { "a" }, &i.to_string()))
        .collect();
    let stored = log.append(batch).await.unwrap();
    for _ in 0..2 {
        let after = log.after("a", stored[0].id, 2).await.unwrap();
        assert_eq!(alerts(&after), ["3", "5"]);
        assert_eq!(alerts(&log.recent("b", 2).await.unwrap()), ["6", "8"]);
        let got = log.get("a", stored[6].id).await.unwrap().unwrap();
        assert_eq!(got.alert_id.as_deref(), Some("7"));
        assert!(log.get("a", EventId::row(99)).await.unwrap().is_none());
        log.flushed().await.unwrap();
    }
}
