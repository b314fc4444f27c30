//! Background work once per deployment: with two instances on one Redis, a due subscription is
//! renewed once and each v2 watch polled once per interval, counted at the sandbox.

use std::time::Duration;

use graphsec::config::AlertsApiKind;
use reqwest::StatusCode;
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

use crate::helpers::{TestApp, sandbox_options};
use crate::notify_support::{CONTOSO, eventually, sandbox_subscriptions, subscribe};
use crate::redis_support::{RedisServer, pair};

const WAIT: Duration = Duration::from_secs(20);

fn requests(app: &TestApp, method: &str, path: &str) -> usize {
    app.sandbox
        .state()
        .requests()
        .iter()
        .filter(|r| r.method == method && r.path() == path)
        .count()
}

#[tokio::test]
async fn a_due_subscription_is_renewed_once_by_two_instances() {
    let redis = RedisServer::start().await;
    let (a, _b) = pair(&redis, |s| {
        s.graph.alerts_api = AlertsApiKind::Legacy;
        s.notify.subscription_minutes = 60;
        s.notify.renew_before_minutes = 30;
        s.notify.renew_interval_secs = 1;
    })
    .await;
    let created = subscribe(&a, &[("severity", "high")]).await;
    assert_eq!(created.status(), StatusCode::SEE_OTHER);
    let graph_id = sandbox_subscriptions(&a, CONTOSO)[0].id.clone();
    let path = format!("/v1.0/subscriptions/{graph_id}");

    // Due in ten minutes, inside the renewal window, as both instances see it.
    let answer = redis
        .command(&format!(
            "HGET graphsec:subscriptions:by-graph-id {graph_id}"
        ))
        .await
        .unwrap();
    let id = answer.lines().nth(1).expect("the subscription is in Redis");
    let soon = (OffsetDateTime::now_utc() + time::Duration::minutes(10))
        .format(&Rfc3339)
        .unwrap();
    let set = redis
        .command(&format!(
            "HSET graphsec:subscription:{id} expires_at {soon}"
        ))
        .await;
    assert_eq!(set.as_deref(), Some(":0\r\n"));

    let renewed = eventually(WAIT, || async { requests(&a, "PATCH", &path) > 0 }).await;
    assert!(renewed, "the due subscription was renewed");
    // Both instances tick every second; a few more rounds pass.
    tokio::time::sleep(Duration::from_secs(3)).await;
    assert_eq!(requests(&a, "PATCH", &path), 1, "renewed once");
}

#[tokio::test]
async fn each_watch_is_polled_once_per_interval_by_two_instances() {
    let redis = RedisServer::start().await;
    let (a, _b) = pair(&redis, |s| {
        s.graph.alerts_api = AlertsApiKind::V2;
        s.notify.poll_interval_secs = 1;
    })
    .await;
    let created = subscribe(&a, &[("severity", "high")]).await;
    assert_eq!(created.status(), StatusCode::SEE_OTHER);
    let polls = || requests(&a, "GET", "/v1.0/security/alerts_v2");
    assert!(
        eventually(WAIT, || async { polls() > 0 }).await,
        "the watch is polled"
    );
    let before = polls();
    tokio::time::sleep(Duration::from_secs(6)).await;
    let during = polls() - before;
    // One poller: at most about six polls in six one-second intervals (fewer on a busy
    // machine, never more); two would make about twelve.
    assert!((2..=8).contains(&during), "{during} polls in 6 s");
}

/// Polls the sandbox received for alerts_v2.
fn v2_polls(sandbox: &graphsec_sandbox::SandboxHandle) -> usize {
    sandbox
        .state()
        .requests()
        .iter()
        .filter(|r| r.method == "GET" && r.path() == "/v1.0/security/alerts_v2")
        .count()
}

#[tokio::test]
async fn when_the_lease_holder_is_killed_the_other_instance_takes_over_the_polls() {
    use crate::notify_crash::{Server, sign_in_and_subscribe, write_config};
    const HOLDING: &str = "this instance runs the background work now";

    let redis = RedisServer::start().await;
    let sandbox = graphsec_sandbox::Sandbox::start(sandbox_options())
        .await
        .unwrap();
    let extra = [
        ("redis.url", redis.url()),
        ("graph.alerts_api", "v2".to_string()),
        ("notify.poll_interval_secs", "1".to_string()),
    ];
    let (dir_a, dir_b) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    let a = Server::start(&write_config(&sandbox, dir_a.path(), &extra)).await;
    let b = Server::start(&write_config(&sandbox, dir_b.path(), &extra)).await;

    let browser = crate::helpers::new_client();
    sign_in_and_subscribe(&a, &browser).await;
    // Creating the watch reads its filter once at Graph; the polls come from the lease holder.
    let held = eventually(WAIT, || async {
        a.has_logged(HOLDING) || b.has_logged(HOLDING)
    })
    .await;
    assert!(held, "one instance takes the lease");

    // Exactly one of them holds the lease; kill that one.
    let (holder, other) = if a.has_logged(HOLDING) {
        (a, b)
    } else {
        (b, a)
    };
    assert!(holder.has_logged(HOLDING) && !other.has_logged(HOLDING));
    holder.kill().await;
    let after_kill = v2_polls(&sandbox);
    let took_over = eventually(WAIT, || async { other.has_logged(HOLDING) }).await;
    assert!(took_over, "the other instance takes the lease");
    let polls_again = eventually(WAIT, || async { v2_polls(&sandbox) > after_kill }).await;
    assert!(polls_again, "the watch is polled again");
}
