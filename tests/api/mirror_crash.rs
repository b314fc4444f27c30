//! The mirror's backfill survives a SIGKILL of the real binary: started again on the same data,
//! it goes on at the page after the last one it stored, and reads no stored page again.

use std::str::FromStr;
use std::time::Duration;

use graphsec_sandbox::{Fault, Sandbox, SandboxOptions};
use sqlx::SqlitePool;
use sqlx::sqlite::{SqliteConnectOptions, SqlitePoolOptions};
use url::Url;

use crate::mirror_support::CONTOSO;
use crate::notify_crash::{Server, write_config};

const ALERTS: &str = "/v1.0/security/alerts_v2";

/// Where the alerts backfill stands in the database file: (items read, done).
async fn backfill(db: &SqlitePool) -> (i64, bool) {
    sqlx::query_as::<_, (i64, bool)>(
        "SELECT backfill_read, backfill_done != 0 FROM mirror_sync \
         WHERE tenant_id = ? AND resource = 'alerts'",
    )
    .bind(CONTOSO)
    .fetch_optional(db)
    .await
    .ok()
    .flatten()
    .unwrap_or((0, false))
}

async fn until(db: &SqlitePool, what: &str, check: impl Fn((i64, bool)) -> bool) -> (i64, bool) {
    for _ in 0..600 {
        let now = backfill(db).await;
        if check(now) {
            return now;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!(
        "the backfill never reached {what}: {:?}",
        backfill(db).await
    );
}

/// The `$skip` and `$filter` of each alerts_v2 read the sandbox logged.
fn reads(sandbox: &graphsec_sandbox::SandboxHandle) -> Vec<(usize, String)> {
    sandbox
        .state()
        .requests()
        .iter()
        .filter(|r| r.path() == ALERTS && r.method == "GET")
        .map(|r| {
            let url = Url::parse(&format!("http://x{}", r.path_and_query)).unwrap();
            let get = |name: &str| {
                url.query_pairs()
                    .find(|(k, _)| k == name)
                    .map(|(_, v)| v.into_owned())
            };
            let skip = get("$skip").map_or(0, |s| s.parse().unwrap());
            (skip, get("$filter").unwrap_or_default())
        })
        .collect()
}

#[tokio::test]
async fn a_backfill_killed_midway_resumes_at_the_next_page_and_reads_no_stored_page_again() {
    let sandbox = Sandbox::start(SandboxOptions {
        page_size: Some(50),
        extra_alerts: 2_000,
        ..SandboxOptions::default()
    })
    .await
    .unwrap();
    // Each page takes a moment, so the kill lands in the middle of the backfill.
    for _ in 0..200 {
        sandbox
            .state()
            .faults()
            .push(ALERTS, Fault::Latency(Duration::from_millis(60)));
    }
    let dir = tempfile::tempdir().unwrap();
    let config = write_config(
        &sandbox,
        dir.path(),
        &[
            ("graph.alerts_api", "v2".into()),
            ("sync.interval_secs", "1".into()),
            ("sync.tenants", CONTOSO.into()),
        ],
    );
    let server = Server::start(&config).await;
    let file = dir.path().join("graphsec.db");
    let db = SqlitePoolOptions::new()
        .max_connections(1)
        .connect_with(
            SqliteConnectOptions::from_str("sqlite:")
                .unwrap()
                .filename(&file),
        )
        .await
        .unwrap();
    until(&db, "ten pages", |(read, _)| read >= 500).await;
    server.kill().await;
    let (stored, done) = backfill(&db).await;
    assert!(!done, "the kill came after the backfill");
    let before_kill = reads(&sandbox).len();
    let backfill_filter = reads(&sandbox)[0].1.clone();

    let again = Server::start(&config).await;
    until(&db, "its end", |(_, done)| done).await;
    let after: Vec<(usize, String)> = reads(&sandbox)
        .split_off(before_kill)
        .into_iter()
        .filter(|(_, filter)| *filter == backfill_filter)
        .collect();
    assert_eq!(
        after.first().map(|(skip, _)| *skip),
        Some(stored as usize),
        "the backfill went on at the page after the last one stored"
    );
    let read_again: Vec<usize> = after
        .iter()
        .map(|(skip, _)| *skip)
        .filter(|skip| (*skip as i64) < stored)
        .collect();
    assert!(
        read_again.is_empty(),
        "stored pages read again: {read_again:?}"
    );
    let (held,): (i64,) = sqlx::query_as(
        "SELECT COUNT(*) FROM mirror_items WHERE tenant_id = ? AND resource = 'alerts'",
    )
    .bind(CONTOSO)
    .fetch_one(&db)
    .await
    .unwrap();
    assert_eq!(held, 2_044, "every alert once");
    again.kill().await;
}
