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
async fn rows_of_every_statement_size_read_back_as_they_were_written() {
    let dir = tempfile::tempdir().unwrap();
    let (pool, mut writer) = database(dir.path()).await;
    let log = SqliteLog::new(pool);
    let at = OffsetDateTime::now_utc()
        .replace_nanosecond(123_456_000)
        .unwrap();
    let later = at + time::Duration::seconds(1);
    // 32 + 32 whole statements, then 7 single rows, over two groups with their own times.
    let first = group(1, 40, at);
    let second = group(41, 31, later);
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

    let listed = log.after("a", EventId::default(), 100).await.unwrap();
    assert_eq!(listed.len(), 71);
    let mut expected: Vec<Notification> =
        first.iter().chain(&second).map(|n| (**n).clone()).collect();
    expected[2].summary = Some(r#"{"title":"t"}"#.into());
    for want in &expected {
        assert_eq!(log.get(want.id).await.unwrap().as_ref(), Some(want));
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

    let kept = log.get(EventId::row(5)).await.unwrap().unwrap();
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
