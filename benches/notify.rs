//! Benchmark of the notification path over real HTTP on loopback: `POST /listen` ingestion
//! (verified, committed to SQLite on disk, then answered 202) and SSE fan-out to many
//! browsers. Run with `cargo bench --bench notify` (options: `-- --clients 50 --posts 2000`).

use std::{
    sync::Arc,
    time::{Duration, Instant},
};

use axum::{
    Router,
    extract::{Query, State},
    http::HeaderMap,
    routing::{get, post},
};
use eventsource_stream::Eventsource;
use futures::StreamExt;
use graphsec::notify::{
    Notify,
    feed::sse,
    model::{ApiKind, NewSubscription},
    storage::sqlite,
};
use serde_json::json;
use time::OffsetDateTime;
use tokio::sync::Barrier;

const TENANT: &str = "bench-tenant";

struct Options {
    posts: usize,
    batch: usize,
    concurrency: usize,
    clients: usize,
}

fn options() -> Options {
    let args: Vec<String> = std::env::args().collect();
    let get = |name: &str, default: usize| {
        args.iter()
            .position(|a| a == name)
            .and_then(|i| args.get(i + 1))
            .and_then(|v| v.parse().ok())
            .unwrap_or(default)
    };
    Options {
        posts: get("--posts", 2000),
        batch: get("--batch", 1),
        concurrency: get("--concurrency", 16),
        clients: get("--clients", 100),
    }
}

async fn events(
    State(notify): State<Notify>,
    Query(q): Query<std::collections::HashMap<String, String>>,
    headers: HeaderMap,
) -> axum::response::Response {
    use axum::response::IntoResponse;
    let resume = sse::resume_point(&headers, q.get("after").map(String::as_str));
    sse::events(&notify, TENANT.into(), resume).into_response()
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let opts = options();
    let dir = tempfile::tempdir()?;
    let pool = graphsec::db::connect(dir.path()).await?;
    graphsec::db::migrate(&pool).await?;
    let (notify, _lifecycle) = Notify::new(sqlite::storage(pool));
    let sub = NewSubscription {
        graph_id: Some("bench-sub".into()),
        owner_oid: "owner".into(),
        tenant_id: TENANT.into(),
        resource: "security/alerts?$filter=severity%20eq%20'high'".into(),
        change_type: "updated".into(),
        client_state: "bench-client-state".into(),
        expires_at: OffsetDateTime::now_utc() + time::Duration::days(1),
        api_kind: ApiKind::LegacyWebhook,
        filters: "{}".into(),
    };
    notify.registry.insert(&sub).await?;
    let app = Router::new()
        .route("/listen", post(graphsec::web::webhooks::listen))
        .route("/listen/events", get(events))
        .with_state(notify.clone());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let base = format!("http://{}", listener.local_addr()?);
    tokio::spawn(async move { axum::serve(listener, app).await });
    let client = reqwest::Client::new();

    println!("graphsec notify benchmark (SQLite file, WAL, synchronous=FULL)");
    println!(
        "posts={} batch={} concurrency={} sse_clients={}",
        opts.posts, opts.batch, opts.concurrency, opts.clients
    );
    ingestion(&client, &base, &opts, 0).await?;
    // Streams start after the newest stored id: only the fan-out rounds are delivered.
    let newest = notify.journal.log().recent(TENANT, 1).await?;
    fan_out(&client, &base, &opts, newest.last().map_or(0, |n| n.id)).await?;
    Ok(())
}

fn body(batch: usize, seq: usize) -> String {
    let value: Vec<_> = (0..batch)
        .map(|i| {
            json!({"subscriptionId": "bench-sub", "clientState": "bench-client-state",
                   "tenantId": TENANT, "changeType": "updated",
                   "resource": format!("Security/Alerts/a{seq}-{i}"),
                   "resourceData": {"id": format!("a{seq}-{i}")}})
        })
        .collect();
    json!({ "value": value }).to_string()
}

/// Posts `opts.posts` batches from `opts.concurrency` tasks; prints rate and latencies.
async fn ingestion(
    client: &reqwest::Client,
    base: &str,
    opts: &Options,
    seq0: usize,
) -> anyhow::Result<()> {
    let started = Instant::now();
    let per_task = opts.posts / opts.concurrency;
    let mut tasks = Vec::new();
    for t in 0..opts.concurrency {
        let (client, url) = (client.clone(), format!("{base}/listen"));
        let batch = opts.batch;
        tasks.push(tokio::spawn(async move {
            let mut latencies = Vec::with_capacity(per_task);
            for i in 0..per_task {
                let at = Instant::now();
                let resp = client
                    .post(&url)
                    .header("content-type", "application/json")
                    .body(body(batch, seq0 + t * per_task + i))
                    .send()
                    .await?;
                anyhow::ensure!(resp.status() == 202, "unexpected status {}", resp.status());
                latencies.push(at.elapsed());
            }
            anyhow::Ok(latencies)
        }));
    }
    let mut latencies = Vec::new();
    for task in tasks {
        latencies.extend(task.await??);
    }
    let elapsed = started.elapsed();
    let posts = latencies.len();
    println!(
        "ingestion: {posts} POSTs ({} notifications) in {:.2?}: {:.0} POST/s, {:.0} notifications/s; latency {}",
        posts * opts.batch,
        elapsed,
        posts as f64 / elapsed.as_secs_f64(),
        (posts * opts.batch) as f64 / elapsed.as_secs_f64(),
        summary(&mut latencies)
    );
    Ok(())
}

/// Connects `opts.clients` SSE clients, posts notifications one at a time and measures
/// how long each takes to reach every client.
async fn fan_out(
    client: &reqwest::Client,
    base: &str,
    opts: &Options,
    after: i64,
) -> anyhow::Result<()> {
    let rounds = 200usize;
    let ready = Arc::new(Barrier::new(opts.clients + 1));
    let mut receivers = Vec::new();
    for _ in 0..opts.clients {
        let (client, ready) = (client.clone(), Arc::clone(&ready));
        let url = format!("{base}/listen/events?after={after}");
        receivers.push(tokio::spawn(async move {
            let resp = client.get(url).send().await?;
            let mut stream = resp.bytes_stream().eventsource();
            ready.wait().await;
            let mut arrivals = Vec::with_capacity(rounds);
            while arrivals.len() < rounds {
                match tokio::time::timeout(Duration::from_secs(30), stream.next()).await? {
                    Some(Ok(ev)) if ev.event == "notification" => arrivals.push(Instant::now()),
                    Some(Ok(_)) => {}
                    Some(Err(e)) => anyhow::bail!("stream error: {e}"),
                    None => anyhow::bail!("stream ended"),
                }
            }
            anyhow::Ok(arrivals)
        }));
    }
    ready.wait().await;
    tokio::time::sleep(Duration::from_millis(200)).await;
    let mut sent = Vec::with_capacity(rounds);
    let started = Instant::now();
    for i in 0..rounds {
        sent.push(Instant::now());
        let resp = client
            .post(format!("{base}/listen"))
            .header("content-type", "application/json")
            .body(body(1, 1_000_000 + i))
            .send()
            .await?;
        anyhow::ensure!(resp.status() == 202, "unexpected status {}", resp.status());
    }
    let mut delays = Vec::with_capacity(rounds * opts.clients);
    for r in receivers {
        let arrivals = r.await??;
        delays.extend(
            arrivals
                .iter()
                .zip(&sent)
                .map(|(a, s)| a.saturating_duration_since(*s)),
        );
    }
    let elapsed = started.elapsed();
    println!(
        "fan-out: {rounds} notifications x {} SSE clients = {} deliveries in {:.2?} ({:.0} deliveries/s); POST-to-browser delay {}",
        opts.clients,
        delays.len(),
        elapsed,
        delays.len() as f64 / elapsed.as_secs_f64(),
        summary(&mut delays)
    );
    Ok(())
}

fn summary(samples: &mut [Duration]) -> String {
    samples.sort();
    let pick = |q: f64| samples[((samples.len() - 1) as f64 * q) as usize];
    format!(
        "p50 {:.2?}, p99 {:.2?}, max {:.2?}",
        pick(0.5),
        pick(0.99),
        samples[samples.len() - 1]
    )
}
