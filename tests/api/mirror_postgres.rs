//! The mirror on PostgreSQL (`[database] url`), each test on a server of its own: the same
//! sorted pages, walks, search and writes as on SQLite, with the rows in PostgreSQL's tables; and
//! two instances of the real binary on one PostgreSQL and one Redis sharing one mirror, one of
//! them syncing the tenant at a time, the other taking over when it dies.

use std::collections::BTreeSet;
use std::time::Duration;

use graphsec_sandbox::{Sandbox, SandboxHandle, SandboxOptions};
use reqwest::StatusCode;
use sqlx::PgPool;

use crate::helpers::{new_client, select_text};
use crate::mirror::{
    searches_hosts_users_ips_and_hashes, shows_an_update_at_once, sorts_across_pages,
    walks_each_alert_once,
};
use crate::mirror_support::{CONTOSO, GRAPH_PAGE, alert_ids, spawn_mirrored_with, sync_table};
use crate::notify_crash::{Server, sign_in, write_config};
use crate::postgres_support::PostgresServer;
use crate::redis_support::RedisServer;

async fn held_in(pool: &PgPool, resource: &str) -> i64 {
    let (n,): (i64,) =
        sqlx::query_as("SELECT COUNT(*) FROM mirror_items WHERE tenant_id = $1 AND resource = $2")
            .bind(CONTOSO)
            .bind(resource)
            .fetch_one(pool)
            .await
            .unwrap();
    n
}

#[tokio::test]
async fn on_postgres_the_lists_sort_walk_search_and_show_a_write_at_once() {
    let postgres = PostgresServer::start();
    let url = postgres.url();
    // The sync waits an hour after its backfill: what the lists show next is the mirror's own.
    let app = spawn_mirrored_with(SandboxOptions::default(), |s| {
        s.database.url = url.clone();
        s.sync.interval_secs = 3_600;
    })
    .await;
    let (_, sync) = app.get_html("/sync").await;
    assert_eq!(select_text(&sync, "#mirror-engine").unwrap(), "PostgreSQL");

    let pool = PgPool::connect(&url).await.unwrap();
    assert_eq!(held_in(&pool, "alerts").await, 44);
    assert!(held_in(&pool, "incidents").await > 0);
    // The app's own SQLite file holds no mirror rows: PostgreSQL is the only copy.
    let sqlite = sqlx::SqlitePool::connect(&format!(
        "sqlite:{}",
        app.settings.server.data_dir.join("graphsec.db").display()
    ))
    .await
    .unwrap();
    let (local,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM mirror_items")
        .fetch_one(&sqlite)
        .await
        .unwrap();
    assert_eq!(local, 0);

    // The backfill left the planner statistics to choose its indexes by.
    let mut analyzed = false;
    for _ in 0..50 {
        let (done,): (bool,) = sqlx::query_as(
            "SELECT last_analyze IS NOT NULL FROM pg_stat_user_tables WHERE relname = 'mirror_items'",
        )
        .fetch_one(&pool)
        .await
        .unwrap();
        if done {
            analyzed = true;
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert!(analyzed, "mirror_items was not analyzed after the backfill");

    sorts_across_pages(&app).await;
    walks_each_alert_once(&app).await;
    searches_hosts_users_ips_and_hashes(&app).await;
    shows_an_update_at_once(&app).await;

    // The update's audit record is in PostgreSQL too, shown on /audit, and cannot be changed.
    let (actor, action): (String, String) = sqlx::query_as(
        "SELECT actor_name, action FROM audit_records WHERE tenant_id = $1 ORDER BY id DESC",
    )
    .bind(CONTOSO)
    .fetch_one(&pool)
    .await
    .unwrap();
    assert!(actor.contains("Megan"), "{actor}");
    let (status, audit) = app.get_html("/audit").await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        select_text(&audit, "#audit-table")
            .unwrap()
            .contains(&actor),
        "{action} by {actor} is not on /audit"
    );
    let changed = sqlx::query("UPDATE audit_records SET actor_name = 'someone else'")
        .execute(&pool)
        .await;
    assert!(changed.is_err(), "an audit record was changed");
}

/// Which instance ran the tenant's last alerts sync, and when.
async fn last_sync(pool: &PgPool) -> Option<(String, i64)> {
    sqlx::query_as(
        "SELECT synced_by, last_run_ms FROM mirror_sync \
         WHERE tenant_id = $1 AND resource = 'alerts' AND backfill_done <> 0",
    )
    .bind(CONTOSO)
    .fetch_optional(pool)
    .await
    .unwrap()
}

/// How many instances read the tenant's alerts in the next `span`, and how many reads they
/// made: each instance reads with a token of its own (the sandbox's tokens are all different).
async fn syncing_instances(sandbox: &SandboxHandle, span: Duration) -> (usize, usize) {
    let since = std::time::Instant::now();
    tokio::time::sleep(span).await;
    let reads: Vec<String> = sandbox
        .state()
        .requests()
        .iter()
        .filter(|r| r.received_at >= since && r.path() == "/v1.0/security/alerts_v2")
        .filter_map(|r| r.header("authorization").map(str::to_string))
        .collect();
    let tokens: BTreeSet<&String> = reads.iter().collect();
    (tokens.len(), reads.len())
}

#[tokio::test]
async fn two_instances_on_one_postgres_and_redis_share_one_mirror_and_one_syncs_a_tenant() {
    let postgres = PostgresServer::start();
    let redis = RedisServer::start().await;
    let sandbox = Sandbox::start(SandboxOptions {
        page_size: Some(GRAPH_PAGE),
        ..SandboxOptions::default()
    })
    .await
    .unwrap();
    let settings = [
        ("graph.alerts_api", "v2".to_string()),
        ("sync.interval_secs", "1".to_string()),
        ("sync.tenants", CONTOSO.to_string()),
        ("database.url", postgres.url()),
        ("redis.url", redis.url()),
    ];
    let (dir_a, dir_b) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    let a = Server::start(&write_config(&sandbox, dir_a.path(), &settings)).await;
    let b = Server::start(&write_config(&sandbox, dir_b.path(), &settings)).await;
    let pool = PgPool::connect(&postgres.url()).await.unwrap();
    for _ in 0..300 {
        if last_sync(&pool).await.is_some() {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert_eq!(held_in(&pool, "alerts").await, 44, "the backfill is done");

    // One instance runs every sync; the other never does.
    let (syncing, reads) = syncing_instances(&sandbox, Duration::from_secs(4)).await;
    assert!(
        reads >= 2,
        "the sync runs every second ({reads} reads seen)"
    );
    assert_eq!(syncing, 1, "instances that read the tenant's alerts");
    let (holder, _) = last_sync(&pool).await.unwrap();
    let a_syncs = holder.starts_with(&format!("{}-", a.pid()));
    assert!(
        a_syncs || holder.starts_with(&format!("{}-", b.pid())),
        "{holder} is neither instance"
    );
    let (syncer, other) = if a_syncs { (a, b) } else { (b, a) };

    // The other instance lists the same mirror, and says who syncs.
    let browser = new_client();
    sign_in(&other, &browser).await;
    let list = browser
        .get(other.url("/alerts?top=100"))
        .send()
        .await
        .unwrap();
    assert_eq!(list.status(), StatusCode::OK);
    assert_eq!(alert_ids(&list.text().await.unwrap()).len(), 44);
    let sync = browser
        .get(other.url("/sync"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        sync_table(&sync).contains(&format!("instance {holder}")),
        "{}",
        sync_table(&sync)
    );

    // The syncing instance dies: the other takes the tenant's lease over and syncs.
    let other_pid = other.pid();
    syncer.kill().await;
    let mut taken = false;
    for _ in 0..200 {
        if let Some((by, _)) = last_sync(&pool).await
            && by.starts_with(&format!("{other_pid}-"))
        {
            taken = true;
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert!(taken, "the other instance never took the sync over");
    let (syncing, reads) = syncing_instances(&sandbox, Duration::from_secs(2)).await;
    assert_eq!((syncing, reads > 0), (1, true));
    other.kill().await;
}
