use std::path::Path;

use super::*;
use crate::db;
use crate::notify::model::note;
use crate::notify::storage::NotificationLog;
use crate::notify::storage::sqlite::SqliteLog;
use sqlx::SqlitePool;

async fn database(dir: &Path) -> (SqlitePool, LogWriter) {
    let pool = db::connect(dir).await.unwrap();
    db::migrate(&pool).await.unwrap();
    let writer = LogWriter::open(&dir.join(crate::data_dir::DATABASE_FILE)).unwrap();
    (pool, writer)
}

/// `count` rows for tenant "a" from id `first`, all received at `at`.
fn group(first: u64, count: u64, at: OffsetDateTime) -> Vec<Arc<Notification>> {
    (first..first + count)
        .map(|id| {
            let mut new = note("a", &format!("alert-{id}"));
            new.raw = format!(r#"{{"id":"alert-{id}","é":"ü"}}"#);
            Arc::new(new.stored(EventId::row(id), at))
        })
        .collect()
}

#[tokio::test]
async fn rows_over_several_pages_read_back_as_they_were_written() {
    let dir = tempfile::tempdir().unwrap();
    let (pool, mut writer) = database(dir.path()).await;
    let log = SqliteLog::new(pool);
    let at = OffsetDateTime::now_utc()
        .replace_nanosecond(123_456_000)
        .unwrap();
    let later = at + time::Duration::seconds(1);
    // A full page and part of one, then a page of a later write with its own time.
    let first = group(1, 300, at);
    let second = group(301, 31, later);
    writer
        .apply(
            &[
                Apply::Rows(first.clone()),
                Apply::Rows(second.clone()),
                Apply::Summary(EventId::row(3), r#"{"title":"t"}"#.into()),
            ],
            false,
        )
        .unwrap();

    let listed = log.after("a", EventId::default(), 1000).await.unwrap();
    assert_eq!(listed.len(), 331);
    assert!(listed.windows(2).all(|w| w[0].id < w[1].id));
    assert_eq!(listed[2].summary.as_deref(), Some(r#"{"title":"t"}"#));
    let mut expected: Vec<Notification> =
        first.iter().chain(&second).map(|n| (**n).clone()).collect();
    expected[2].summary = Some(r#"{"title":"t"}"#.into());
    for want in &expected {
        assert_eq!(
            log.get(&want.tenant_id, want.id).await.unwrap().as_ref(),
            Some(want)
        );
    }
}

#[tokio::test]
async fn a_row_already_held_is_kept_and_the_subscription_is_stamped_with_the_newest_time() {
    let dir = tempfile::tempdir().unwrap();
    let (pool, mut writer) = database(dir.path()).await;
    sqlx::query(
        "INSERT INTO subscriptions (id, owner_oid, tenant_id, resource, change_type, \
         client_state, expires_at, status, api_kind, filters, created_at) \
         VALUES ('sub', 'o', 'a', 'security/alerts', 'updated', 'c', '', 'active', \
         'legacy-webhook', '{}', '')",
    )
    .execute(&pool)
    .await
    .unwrap();
    let log = SqliteLog::new(pool.clone());
    let at = OffsetDateTime::now_utc().replace_nanosecond(0).unwrap();
    let mut before_crash = group(5, 1, at);
    Arc::get_mut(&mut before_crash[0]).unwrap().summary = Some("{}".into());
    writer.apply(&[Apply::Rows(before_crash)], true).unwrap();
    // The spool gives the same row again after a restart, without its summary.
    let later = at + time::Duration::minutes(1);
    writer
        .apply(&[Apply::Rows(group(5, 3, later))], true)
        .unwrap();

    let kept = log.get("a", EventId::row(5)).await.unwrap().unwrap();
    assert_eq!(
        (kept.received_at, kept.summary.as_deref()),
        (at, Some("{}"))
    );
    assert_eq!(log.largest_id().await.unwrap(), 7);
    let stamped: Option<OffsetDateTime> =
        sqlx::query_scalar("SELECT last_notification_at FROM subscriptions WHERE id = 'sub'")
            .fetch_one(&pool)
            .await
            .unwrap();
    assert_eq!(stamped, Some(later));
    writer.checkpoint().unwrap();
}

#[tokio::test]
async fn rows_stored_before_pages_are_moved_into_pages_at_start() {
    let dir = tempfile::tempdir().unwrap();
    let pool = db::connect(dir.path()).await.unwrap();
    db::migrate(&pool).await.unwrap();
    // As the table held them: times written by sqlx and as RFC 3339, one summary, and a
    // newest row deleted (its id is never given again).
    sqlx::query(
        "INSERT INTO notifications (id, tenant_id, subscription_id, change_type, resource, \
         alert_id, received_at, raw, summary) VALUES \
         (1, 'a', 'sub', 'updated', 'security/alerts/x', 'x', \
          '2026-11-30 10:00:00.5+00:00', '{\"id\":\"x\"}', NULL), \
         (2, 'b', 'sub', 'updated', 'security/alerts/y', 'y', \
          '2026-11-30T10:00:01Z', '{}', '{\"title\":\"t\"}'), \
         (3, 'a', 'sub', 'created', 'security/alerts/z', NULL, '2026-11-30T10:00:02Z', '{}', NULL)",
    )
    .execute(&pool)
    .await
    .unwrap();
    sqlx::query("DELETE FROM notifications WHERE id = 3")
        .execute(&pool)
        .await
        .unwrap();
    let file = dir.path().join(crate::data_dir::DATABASE_FILE);
    drop(LogWriter::open(&file).unwrap());

    let left: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM notifications")
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(left, 0);
    let log = SqliteLog::new(pool);
    let x = log.get("a", EventId::row(1)).await.unwrap().unwrap();
    assert_eq!(
        (&*x.tenant_id, x.alert_id.as_deref(), x.raw.as_str()),
        ("a", Some("x"), r#"{"id":"x"}"#)
    );
    assert_eq!(
        x.received_at.unix_timestamp_nanos(),
        1_796_032_800_500_000_000
    );
    let y = log.recent("b", 5).await.unwrap();
    assert_eq!(y.len(), 1);
    assert_eq!(y[0].summary.as_deref(), Some(r#"{"title":"t"}"#));
    assert_eq!(log.largest_id().await.unwrap(), 3);
    // A second start finds nothing to move and changes nothing.
    drop(LogWriter::open(&file).unwrap());
    assert_eq!(
        log.after("a", EventId::default(), 10).await.unwrap().len(),
        1
    );
}

async fn summaries(pool: &SqlitePool) -> Vec<i64> {
    sqlx::query_scalar("SELECT id FROM notification_summaries ORDER BY id")
        .fetch_all(pool)
        .await
        .unwrap()
}

#[tokio::test]
async fn a_trim_removes_old_pages_and_their_summaries_and_keeps_the_newest_page() {
    let dir = tempfile::tempdir().unwrap();
    let (pool, mut writer) = database(dir.path()).await;
    let log = SqliteLog::new(pool.clone());
    let now = OffsetDateTime::now_utc();
    let old = now - time::Duration::days(3);
    for work in [
        vec![Apply::Rows(group(1, 10, old))],
        vec![Apply::Rows(group(11, 5, old))],
        vec![
            Apply::Rows(group(16, 5, now)),
            Apply::Summary(EventId::row(3), "{}".into()),
            Apply::Summary(EventId::row(18), "{}".into()),
        ],
    ] {
        writer.apply(&work, false).unwrap();
    }

    let trimmed = writer.trim(now - time::Duration::days(1)).unwrap();
    assert_eq!(
        trimmed,
        Trimmed {
            pages: 2,
            more: false
        }
    );
    let left: Vec<u64> = log
        .after("a", EventId::default(), 100)
        .await
        .unwrap()
        .iter()
        .map(|n| n.id.head)
        .collect();
    assert_eq!(left, [16, 17, 18, 19, 20]);
    assert_eq!(summaries(&pool).await, [18]);

    // However old, the page with the largest id stays: the next id continues after it.
    let trimmed = writer.trim(now + time::Duration::days(1)).unwrap();
    assert_eq!(
        trimmed,
        Trimmed {
            pages: 0,
            more: false
        }
    );
    assert_eq!(
        log.after("a", EventId::default(), 100).await.unwrap().len(),
        5
    );
    assert_eq!(log.largest_id().await.unwrap(), 20);
}

#[tokio::test]
async fn a_trim_takes_a_few_hundred_pages_at_a_time_and_stops_at_the_first_young_one() {
    let dir = tempfile::tempdir().unwrap();
    let (_pool, mut writer) = database(dir.path()).await;
    let now = OffsetDateTime::now_utc();
    let old = now - time::Duration::days(3);
    for id in 1..=257 {
        writer
            .apply(&[Apply::Rows(group(id, 1, old))], false)
            .unwrap();
    }
    // A young page, then an old one again (a clock set back): it waits behind the young one.
    writer
        .apply(&[Apply::Rows(group(258, 1, now))], false)
        .unwrap();
    writer
        .apply(&[Apply::Rows(group(259, 1, old))], false)
        .unwrap();
    writer
        .apply(&[Apply::Rows(group(260, 1, now))], false)
        .unwrap();

    let before = now - time::Duration::days(1);
    assert_eq!(
        writer.trim(before).unwrap(),
        Trimmed {
            pages: 256,
            more: true
        }
    );
    assert_eq!(
        writer.trim(before).unwrap(),
        Trimmed {
            pages: 1,
            more: false
        }
    );
    assert_eq!(
        writer.trim(before).unwrap(),
        Trimmed {
            pages: 0,
            more: false
        }
    );
}
