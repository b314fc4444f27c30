//! The notification path measured through the real application: the `graphsec` binary
//! (`serve`, its router, sessions and middleware, SQLite on disk in WAL with
//! synchronous=FULL) against the sandbox tenant, with a real subscription made through its
//! form. In the same run, a reference responder (bare axum: append the body to a file and
//! answer 202 after an `fdatasync` covering it, concurrent requests sharing one sync) shows
//! the limit of a durable 202 on this disk.
//!
//! Scenarios (each can be skipped):
//! 1. ingestion: notifications/s and p50/p99 of `POST /listen` at 20 and 128 concurrent
//!    senders, batches of 1 and 10, graphsec beside the reference, and graphsec's own CPU
//!    per notification in each cell (steadier than the ratio for comparing two builds);
//! 2. sse: 1,000 viewers (over 200 signed-in sessions) while notifications arrive at a
//!    steady rate: events delivered, POST-to-viewer p50/p99, the server's resident memory;
//!    then the same viewers, rate and client against a bare axum relay (`sse_reference.rs`);
//! 3. pages: 8 signed-in users reading `/alerts?top=20` (legacy), the alerts list answered
//!    from memory by a canned Graph (`canned_graph.rs`) so only the app is measured.
//!
//! Run: `cargo bench --bench notify` (options after `--`: `--secs 5`, `--viewers 1000`,
//! `--sessions 200`, `--sse-secs 30`, `--rates 100,200,400`, `--skip ingestion,sse,pages`,
//! `--redis`, `--cells 20x1,128x10` for some ingestion cells only, `--repeat 3` to measure
//! each cell several times and print the median ratio); the data directory is under `target/tmp` unless `BENCH_DIR` names another.
//! With `--redis` the app runs on its Redis backend: a `redis-server` of the bench's own on a
//! free loopback port, its data in the bench directory, `appendonly yes`, `appendfsync always`.

use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use axum::{Router, body::Bytes, http::StatusCode, routing::post};
use futures::StreamExt;
use graphsec_sandbox::{Sandbox, SandboxHandle, SandboxOptions};
use serde_json::Value;
use tokio::io::{AsyncBufReadExt, BufReader};
use tokio::process::{Child, Command};
use tokio::sync::{mpsc, oneshot};

mod canned_graph;
mod own_thread;
mod sse_reference;

const UPN: &str = "megan@contoso.example";

struct Options {
    secs: u64,
    viewers: usize,
    sessions: usize,
    sse_secs: u64,
    rates: Vec<u64>,
    skip: Vec<String>,
    redis: bool,
    /// Ingestion cells as (senders, batch); all four unless `--cells 20x1,128x10`.
    cells: Vec<(usize, usize)>,
    /// How many times each ingestion cell is measured (the median ratio is printed too).
    repeat: usize,
}

fn options() -> Options {
    let args: Vec<String> = std::env::args().collect();
    let arg = |name: &str| {
        args.iter()
            .position(|a| a == name)
            .and_then(|i| args.get(i + 1))
            .cloned()
    };
    let num = |name: &str, default: u64| arg(name).and_then(|v| v.parse().ok()).unwrap_or(default);
    Options {
        secs: num("--secs", 5),
        viewers: num("--viewers", 1000) as usize,
        sessions: num("--sessions", 200) as usize,
        sse_secs: num("--sse-secs", 30),
        rates: arg("--rates")
            .unwrap_or_else(|| "100,200,400".into())
            .split(',')
            .filter_map(|r| r.trim().parse().ok())
            .collect(),
        skip: arg("--skip")
            .unwrap_or_default()
            .split(',')
            .map(str::to_owned)
            .collect(),
        redis: args.iter().any(|a| a == "--redis"),
        cells: arg("--cells")
            .unwrap_or_else(|| "20x1,20x10,128x1,128x10".into())
            .split(',')
            .filter_map(|c| {
                let (senders, batch) = c.trim().split_once('x')?;
                Some((senders.parse().ok()?, batch.parse().ok()?))
            })
            .collect(),
        repeat: num("--repeat", 1).max(1) as usize,
    }
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let opts = options();
    let sandbox = Sandbox::start(SandboxOptions::default()).await?;
    // On the build's disk (not a tmpfs, where a sync costs nothing), or BENCH_DIR.
    let dir = tempfile::tempdir_in(
        std::env::var("BENCH_DIR").unwrap_or_else(|_| env!("CARGO_TARGET_TMPDIR").into()),
    )?;
    let redis = if opts.redis {
        Some(RedisServer::start(&dir.path().join("redis")).await?)
    } else {
        None
    };
    let config = write_config(&sandbox, dir.path(), redis.as_ref().map(|r| r.url.clone()))?;

    let started = Instant::now();
    let server = Server::start(&config).await?;
    let http = reqwest::Client::new();
    wait_healthy(&http, &server.url).await?;
    let first_answer = started.elapsed();
    let idle_rss = rss_kb(server.pid()).unwrap_or(0);
    println!(
        "graphsec bench: {} CPUs, data on {}, storage: {}",
        cores(),
        dir.path().display(),
        match &redis {
            Some(_) => "Redis (appendonly yes, appendfsync always)",
            None => "SQLite",
        }
    );
    println!(
        "start to first answered request: {:.0} ms; idle resident memory: {:.1} MB",
        first_answer.as_secs_f64() * 1e3,
        idle_rss as f64 / 1024.0
    );

    let browser = signed_in_client(&server.url).await?;
    let (sub_id, client_state) = subscribe(&sandbox, &server.url, &browser).await?;
    let tenant = graphsec_sandbox::users::tenant_by_key("contoso")
        .unwrap()
        .id;
    let target = Arc::new(Target::new(&sub_id, &client_state, tenant));

    if !opts.skip.iter().any(|s| s == "ingestion") {
        let reference = reference_responder(dir.path().join("reference.log"))?;
        ingestion(&opts, &server, &reference, &target).await?;
    }
    if !opts.skip.iter().any(|s| s == "sse") {
        sse(&opts, &server, &target).await?;
    }
    if !opts.skip.iter().any(|s| s == "pages") {
        pages(&opts, &server.url).await?;
    }
    Ok(())
}

/// The subscription the bench posts for, as the opening of every notification it sends.
struct Target {
    /// `{"subscriptionId":…,"clientState":…,"tenantId":…,"changeType":"updated",`, encoded once.
    item_head: String,
}

impl Target {
    fn new(sub_id: &str, client_state: &str, tenant: &str) -> Self {
        let item_head = format!(
            r#"{{"subscriptionId":{},"clientState":{},"tenantId":{},"changeType":"updated","#,
            Value::from(sub_id),
            Value::from(client_state),
            Value::from(tenant),
        );
        Self { item_head }
    }

    /// A batch of notifications about `alerts` (ids of letters, digits and dashes, as the
    /// bench makes them), written as text around members encoded once: the load generator
    /// shares the machine with both servers, so it spends its CPU sending rather than building
    /// JSON trees.
    fn body(&self, alerts: impl Iterator<Item = String>) -> String {
        use std::fmt::Write;
        let head = &self.item_head;
        let mut body = String::from(r#"{"value":["#);
        for (i, alert) in alerts.enumerate() {
            assert!(
                alert
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b == b'-'),
                "{alert}"
            );
            if i > 0 {
                body.push(',');
            }
            let _ = write!(body, r#"{head}"resource":"Security/Alerts/{alert}","#);
            let data = r##"{"@odata.type":"#Microsoft.Graph.alert","id":"##;
            let _ = write!(body, r#""resourceData":{data}"{alert}"}}}}"#);
        }
        body.push_str("]}");
        body
    }
}

// ---------------------------------------------------------------- the app under test

struct Server {
    url: String,
    child: Child,
}

impl Server {
    async fn start(config: &Path) -> anyhow::Result<Self> {
        let mut child = Command::new(env!("CARGO_BIN_EXE_graphsec"))
            .arg("--config")
            .arg(config)
            .args(["--log-format", "json", "serve"])
            // The default log filter, as deployed.
            .env_clear()
            .stdout(Stdio::piped())
            .kill_on_drop(true)
            .spawn()?;
        let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
        let mut url = None;
        while let Some(line) = lines.next_line().await? {
            let Ok(entry) = serde_json::from_str::<Value>(&line) else {
                continue;
            };
            if entry["message"] == "graphsec is listening" {
                url = entry["url"]
                    .as_str()
                    .map(|u| u.trim_end_matches('/').to_string());
                break;
            }
        }
        tokio::spawn(async move { while let Ok(Some(_)) = lines.next_line().await {} });
        let url = url.ok_or_else(|| anyhow::anyhow!("graphsec exited before listening"))?;
        Ok(Self { url, child })
    }

    fn pid(&self) -> u32 {
        self.child.id().unwrap_or(0)
    }
}

fn write_config(
    sandbox: &SandboxHandle,
    data_dir: &Path,
    redis_url: Option<String>,
) -> anyhow::Result<PathBuf> {
    let mut wiring = graphsec::demo::wiring(sandbox, 0, data_dir);
    let canned = canned_graph::start(sandbox.base_url().as_str())?;
    for (key, value) in &mut wiring {
        if *key == "graph.base_url" {
            value.clone_from(&canned);
        }
    }
    wiring.push(("graph.alerts_api", "legacy".into()));
    if let Some(url) = redis_url {
        wiring.push(("redis.url", url));
    }
    let path = data_dir.join("config.toml");
    std::fs::write(&path, graphsec::demo::config_file(&wiring))?;
    Ok(path)
}

/// The bench's own `redis-server`, durable like a production one should be; killed on drop.
struct RedisServer {
    url: String,
    _child: Child,
}

impl RedisServer {
    async fn start(dir: &Path) -> anyhow::Result<Self> {
        std::fs::create_dir_all(dir)?;
        let port = std::net::TcpListener::bind("127.0.0.1:0")?
            .local_addr()?
            .port();
        let child = Command::new("/usr/bin/redis-server")
            .args(["--port", &port.to_string(), "--bind", "127.0.0.1"])
            .args([
                "--appendonly",
                "yes",
                "--appendfsync",
                "always",
                "--save",
                "",
            ])
            .arg("--dir")
            .arg(dir)
            .stdout(Stdio::null())
            .kill_on_drop(true)
            .spawn()?;
        for _ in 0..100 {
            if tokio::net::TcpStream::connect(("127.0.0.1", port))
                .await
                .is_ok()
            {
                return Ok(Self {
                    url: format!("redis://127.0.0.1:{port}"),
                    _child: child,
                });
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        anyhow::bail!("redis-server did not listen on port {port}")
    }
}

async fn wait_healthy(http: &reqwest::Client, url: &str) -> anyhow::Result<()> {
    for _ in 0..500 {
        if let Ok(r) = http.get(format!("{url}/healthz")).send().await
            && r.status().is_success()
        {
            return Ok(());
        }
        tokio::time::sleep(Duration::from_millis(2)).await;
    }
    anyhow::bail!("graphsec never answered /healthz")
}

fn location(response: &reqwest::Response) -> anyhow::Result<String> {
    Ok(response
        .headers()
        .get("location")
        .ok_or_else(|| anyhow::anyhow!("no redirect ({})", response.status()))?
        .to_str()?
        .to_string())
}

/// A cookie-keeping client signed in through the sandbox's authorize page.
async fn signed_in_client(url: &str) -> anyhow::Result<reqwest::Client> {
    let client = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .cookie_store(true)
        .build()?;
    let login = client.get(format!("{url}/login")).send().await?;
    let approved = client
        .post(location(&login)?)
        .form(&[("user", UPN), ("decision", "approve")])
        .send()
        .await?;
    let done = client.get(location(&approved)?).send().await?;
    anyhow::ensure!(done.status() == 303, "sign-in answered {}", done.status());
    Ok(client)
}

/// Subscribes through the app's form; returns the sandbox's subscription id and clientState.
async fn subscribe(
    sandbox: &SandboxHandle,
    url: &str,
    browser: &reqwest::Client,
) -> anyhow::Result<(String, String)> {
    let home = browser.get(format!("{url}/")).send().await?.text().await?;
    let token = home
        .split("name=\"csrf_token\" value=\"")
        .nth(1)
        .and_then(|rest| rest.split('"').next())
        .ok_or_else(|| anyhow::anyhow!("no CSRF token on the home page"))?
        .to_string();
    let created = browser
        .post(format!("{url}/subscriptions"))
        .form(&[("severity", "high"), ("csrf_token", &token)])
        .send()
        .await?;
    let status = created.status();
    if status != 303 {
        let page = created.text().await.unwrap_or_default();
        let said = graphsec_text(&page);
        anyhow::bail!("subscribe answered {status}: {said}");
    }
    let tenant = graphsec_sandbox::users::tenant_by_key("contoso").unwrap();
    let sub = sandbox
        .state()
        .subscriptions()
        .store()
        .list(tenant.id)
        .remove(0);
    Ok((sub.id.clone(), sub.client_state.clone().unwrap_or_default()))
}

fn rss_kb(pid: u32) -> Option<u64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    status
        .lines()
        .find(|l| l.starts_with("VmRSS:"))?
        .split_whitespace()
        .nth(1)?
        .parse()
        .ok()
}

/// CPU time the process has used, user and system (Linux counts it in hundredths of a second).
fn cpu_secs(pid: u32) -> Option<f64> {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    // Fields after the command name, which is in parentheses and may hold spaces.
    let fields: Vec<&str> = stat.rsplit_once(')')?.1.split_whitespace().collect();
    let ticks = |i: usize| fields.get(i)?.parse::<u64>().ok();
    Some((ticks(11)? + ticks(12)?) as f64 / 100.0)
}

fn cores() -> usize {
    std::thread::available_parallelism().map_or(1, |n| n.get())
}

// ---------------------------------------------------------------- the reference responder

type Ack = oneshot::Sender<std::io::Result<()>>;

/// Bare axum on its own runtime: each POST's body goes to a writer thread that appends
/// everything queued, fdatasyncs once, then answers every request it covered.
fn reference_responder(file: PathBuf) -> anyhow::Result<String> {
    let (tx, mut rx) = mpsc::unbounded_channel::<(Bytes, Ack)>();
    std::thread::spawn(move || {
        use std::io::Write;
        let mut out = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(file)
            .expect("reference log");
        while let Some(first) = rx.blocking_recv() {
            let mut group = vec![first];
            while let Ok(next) = rx.try_recv() {
                group.push(next);
            }
            let result = group
                .iter()
                .try_for_each(|(body, _)| out.write_all(body).and_then(|()| out.write_all(b"\n")))
                .and_then(|()| out.sync_data());
            for (_, ack) in group {
                let _ = ack.send(
                    result
                        .as_ref()
                        .map(|_| ())
                        .map_err(|e| std::io::Error::new(e.kind(), e.to_string())),
                );
            }
        }
    });
    own_thread::serve("reference", None, |_| {
        Router::new().route(
            "/listen",
            post(move |body: Bytes| {
                let tx = tx.clone();
                async move {
                    let (ack, done) = oneshot::channel();
                    if tx.send((body, ack)).is_err() {
                        return StatusCode::SERVICE_UNAVAILABLE;
                    }
                    match done.await {
                        Ok(Ok(())) => StatusCode::ACCEPTED,
                        _ => StatusCode::SERVICE_UNAVAILABLE,
                    }
                }
            }),
        )
    })
}

// ---------------------------------------------------------------- 1. ingestion

struct Run {
    per_sec: f64,
    p50: Duration,
    p99: Duration,
    failed: usize,
    /// Notifications posted in the whole cell, warm-up included.
    posted: u64,
}

async fn ingestion(
    opts: &Options,
    graphsec: &Server,
    reference: &str,
    target: &Arc<Target>,
) -> anyhow::Result<()> {
    println!();
    println!(
        "1. POST /listen, {} s per cell (notifications/s, p50, p99, non-2xx)",
        opts.secs
    );
    println!(
        "{:>7} {:>5} | {:>26} | {:>26} | {:>5} | graphsec CPU per notification",
        "senders", "batch", "graphsec", "reference (append+fdatasync)", "ratio"
    );
    let seq = Arc::new(AtomicU64::new(0));
    for &(senders, batch) in &opts.cells {
        let mut ratios = Vec::new();
        for _ in 0..opts.repeat {
            let cpu_before = cpu_secs(graphsec.pid());
            let ours = load(&graphsec.url, target, senders, batch, opts.secs, &seq).await;
            let cpu = cpu_secs(graphsec.pid()).zip(cpu_before).map(|(a, b)| a - b);
            let theirs = load(reference, target, senders, batch, opts.secs, &seq).await;
            ratios.push(ours.per_sec / theirs.per_sec);
            let per_notification = cpu
                .filter(|_| ours.posted > 0)
                .map_or("-".to_string(), |cpu| {
                    format!("{:.2} µs", cpu / ours.posted as f64 * 1e6)
                });
            println!(
                "{senders:>7} {batch:>5} | {} | {} | {:>5.2} | {per_notification}",
                cell(&ours),
                cell(&theirs),
                ours.per_sec / theirs.per_sec
            );
        }
        if ratios.len() > 1 {
            ratios.sort_by(f64::total_cmp);
            println!(
                "{senders:>7} {batch:>5} | median ratio of {} runs: {:.2}",
                ratios.len(),
                ratios[ratios.len() / 2]
            );
        }
    }
    Ok(())
}

fn cell(run: &Run) -> String {
    format!(
        "{:>7.0}/s {:>6.1} {:>6.1} ms {:>2}",
        run.per_sec,
        run.p50.as_secs_f64() * 1e3,
        run.p99.as_secs_f64() * 1e3,
        run.failed
    )
}

/// `senders` tasks POST batches of `batch` distinct notifications back to back for `secs`
/// (after a one-second warm-up).
async fn load(
    url: &str,
    target: &Arc<Target>,
    senders: usize,
    batch: usize,
    secs: u64,
    seq: &Arc<AtomicU64>,
) -> Run {
    let client = reqwest::Client::builder()
        .pool_max_idle_per_host(senders)
        .build()
        .unwrap();
    let warm_until = Instant::now() + Duration::from_secs(1);
    let until = warm_until + Duration::from_secs(secs);
    let failed = Arc::new(AtomicUsize::new(0));
    let posted = Arc::new(AtomicU64::new(0));
    let tasks: Vec<_> = (0..senders)
        .map(|_| {
            let (client, url, target) = (client.clone(), format!("{url}/listen"), target.clone());
            let (seq, failed, posted) = (seq.clone(), failed.clone(), posted.clone());
            tokio::spawn(async move {
                let mut latencies = Vec::new();
                loop {
                    let first = seq.fetch_add(batch as u64, Ordering::Relaxed);
                    let body = target.body((first..first + batch as u64).map(|n| format!("b{n}")));
                    let at = Instant::now();
                    if at >= until {
                        return latencies;
                    }
                    let ok = client
                        .post(&url)
                        .header("content-type", "application/json")
                        .body(body)
                        .send()
                        .await
                        .is_ok_and(|r| r.status().is_success());
                    posted.fetch_add(batch as u64, Ordering::Relaxed);
                    if at >= warm_until {
                        latencies.push(at.elapsed());
                        if !ok {
                            failed.fetch_add(1, Ordering::Relaxed);
                        }
                    }
                }
            })
        })
        .collect();
    let mut all = Vec::new();
    for task in tasks {
        all.extend(task.await.unwrap());
    }
    all.sort_unstable();
    Run {
        per_sec: (all.len() * batch) as f64 / secs as f64,
        p50: percentile(&all, 0.50),
        p99: percentile(&all, 0.99),
        failed: failed.load(Ordering::Relaxed),
        posted: posted.load(Ordering::Relaxed),
    }
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    if sorted.is_empty() {
        return Duration::ZERO;
    }
    sorted[((sorted.len() - 1) as f64 * p).round() as usize]
}

// ---------------------------------------------------------------- 2. SSE viewers

async fn sse(opts: &Options, server: &Server, target: &Arc<Target>) -> anyhow::Result<()> {
    println!();
    println!(
        "2. {} SSE viewers over {} sessions, steady rate for {} s; reference: bare axum relaying \
         the same notifications through one broadcast channel (nothing stored, no sessions)",
        opts.viewers, opts.sessions, opts.sse_secs
    );
    let mut sessions = Vec::new();
    for _ in 0..opts.sessions.max(1) {
        sessions.push(signed_in_client(&server.url).await?);
    }
    let relay = sse_reference::start()?;
    println!(
        "{:>6} {:>9} | {:>9} {:>12} | {:>8} {:>8} | {:>8}",
        "rate/s", "server", "posted", "delivered", "p50 ms", "p99 ms", "peak RSS"
    );
    let base = Instant::now();
    for (round, &rate) in opts.rates.iter().enumerate() {
        let sides = [
            ("graphsec", server.url.as_str(), Some(server.pid())),
            ("reference", relay.as_str(), None),
        ];
        for (name, url, pid) in sides {
            let viewers = Viewers {
                url,
                clients: &sessions,
                count: opts.viewers,
                prefix: format!("sse{round}-{name}-"),
                base,
            };
            let round = viewers.round(target, rate, opts.sse_secs, pid).await?;
            println!(
                "{rate:>6} {name:>9} | {:>9} {:>12} | {:>8.1} {:>8.1} | {}{}{}",
                round.posted,
                round.delivered,
                percentile(&round.latencies, 0.5).as_secs_f64() * 1e3,
                percentile(&round.latencies, 0.99).as_secs_f64() * 1e3,
                round.peak_kb.map_or_else(
                    || "       -".into(),
                    |kb| format!("{:>5.1} MB", kb as f64 / 1024.0)
                ),
                if round.delivered == round.posted * opts.viewers {
                    ""
                } else {
                    "  (NOT every event delivered)"
                },
                if round.failures == 0 {
                    String::new()
                } else {
                    format!("  ({} POSTs failed)", round.failures)
                },
            );
        }
    }
    Ok(())
}

/// Viewers of one server's live stream for one round.
struct Viewers<'a> {
    url: &'a str,
    clients: &'a [reqwest::Client],
    count: usize,
    /// This round's alert ids start with it: older rounds' events are told apart.
    prefix: String,
    base: Instant,
}

struct SseRound {
    posted: usize,
    failures: usize,
    delivered: usize,
    /// POST to viewer, sorted.
    latencies: Vec<Duration>,
    /// The server's peak resident memory, when it runs in a process of its own.
    peak_kb: Option<u64>,
}

impl Viewers<'_> {
    /// Opens the viewers, posts one notification per tick at `rate` for `secs`, and waits
    /// (up to 10 s) for every viewer to receive every one.
    async fn round(
        &self,
        target: &Target,
        rate: u64,
        secs: u64,
        pid: Option<u32>,
    ) -> anyhow::Result<SseRound> {
        let latencies = Arc::new(std::sync::Mutex::new(Vec::<Duration>::new()));
        let delivered = Arc::new(AtomicUsize::new(0));
        let mut opened = Vec::new();
        for v in 0..self.count {
            let client = self.clients[v % self.clients.len()].clone();
            // From the page's start (the newest few first); older rounds' events are skipped
            // by their prefix.
            opened.push(client.get(format!("{}/listen/events", self.url)).send());
        }
        let mut viewers = Vec::new();
        for response in futures::future::join_all(opened).await {
            let response = response?;
            anyhow::ensure!(
                response.status() == 200,
                "stream answered {}",
                response.status()
            );
            let (latencies, delivered) = (latencies.clone(), delivered.clone());
            let (pattern, base) = (format!("\"alertId\":\"{}", self.prefix), self.base);
            viewers.push(tokio::spawn(async move {
                // A light client: complete lines are scanned for this round's alert ids (one
                // per `data:` line), so the viewers do not become the bottleneck.
                let mut body = response.bytes_stream();
                let mut carry: Vec<u8> = Vec::new();
                while let Some(Ok(chunk)) = body.next().await {
                    let now = base.elapsed();
                    carry.extend_from_slice(&chunk);
                    let Some(last_line) = carry.iter().rposition(|&b| b == b'\n') else {
                        continue;
                    };
                    let lines = String::from_utf8_lossy(&carry[..=last_line]);
                    let mut found = Vec::new();
                    for (at, _) in lines.match_indices(&pattern) {
                        let digits = &lines[at + pattern.len()..];
                        let end = digits
                            .find(|c: char| !c.is_ascii_digit())
                            .unwrap_or(digits.len());
                        if let Ok(sent) = digits[..end].parse::<u64>() {
                            found.push(now.saturating_sub(Duration::from_micros(sent)));
                        }
                    }
                    carry.drain(..=last_line);
                    if !found.is_empty() {
                        delivered.fetch_add(found.len(), Ordering::Relaxed);
                        latencies.lock().unwrap().extend(found);
                    }
                }
            }));
        }
        tokio::time::sleep(Duration::from_millis(500)).await;

        let peak = Arc::new(AtomicU64::new(0));
        let sampler = pid.map(|pid| {
            let peak = peak.clone();
            tokio::spawn(async move {
                loop {
                    peak.fetch_max(rss_kb(pid).unwrap_or(0), Ordering::Relaxed);
                    tokio::time::sleep(Duration::from_millis(100)).await;
                }
            })
        });
        let poster = reqwest::Client::new();
        let mut tick = tokio::time::interval(Duration::from_secs_f64(1.0 / rate as f64));
        let end = Instant::now() + Duration::from_secs(secs);
        let mut posted = 0usize;
        let mut posts = Vec::new();
        let mut last_sent = 0;
        while Instant::now() < end {
            tick.tick().await;
            // The alert id is the send time in microseconds, kept distinct: a poster behind
            // its ticks catches up in a burst, and two changes of one alert within the same
            // microsecond would be one change to the app (it stores a repeat once).
            last_sent = self.base.elapsed().as_micros().max(last_sent + 1);
            let alert = format!("{}{last_sent}", self.prefix);
            let body = target.body(std::iter::once(alert));
            let (poster, url) = (poster.clone(), format!("{}/listen", self.url));
            posts.push(tokio::spawn(async move {
                poster
                    .post(url)
                    .header("content-type", "application/json")
                    .body(body)
                    .send()
                    .await
                    .is_ok_and(|r| r.status() == 202)
            }));
            posted += 1;
        }
        let mut failures = 0usize;
        for post in posts {
            failures += usize::from(!post.await.unwrap_or(false));
        }
        // Let the last events arrive, then close the viewers.
        let expected = posted * self.count;
        let wait_until = Instant::now() + Duration::from_secs(10);
        while delivered.load(Ordering::Relaxed) < expected && Instant::now() < wait_until {
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        if let Some(sampler) = &sampler {
            sampler.abort();
        }
        for viewer in &viewers {
            viewer.abort();
        }
        for viewer in viewers {
            let _ = viewer.await;
        }
        let mut all = std::mem::take(&mut *latencies.lock().unwrap());
        all.sort_unstable();
        Ok(SseRound {
            posted,
            failures,
            delivered: delivered.load(Ordering::Relaxed),
            latencies: all,
            peak_kb: sampler.map(|_| peak.load(Ordering::Relaxed)),
        })
    }
}

// ---------------------------------------------------------------- 3. pages

async fn pages(opts: &Options, url: &str) -> anyhow::Result<()> {
    const USERS: usize = 8;
    println!();
    println!(
        "3. {USERS} signed-in users reading /alerts?top=20 (legacy, canned Graph) for {} s",
        opts.secs
    );
    let mut users = Vec::new();
    for _ in 0..USERS {
        let client = signed_in_client(url).await?;
        // The first page makes the session's CSRF token (one write); not measured.
        client.get(format!("{url}/alerts?top=20")).send().await?;
        users.push(client);
    }
    let until = Instant::now() + Duration::from_secs(opts.secs);
    let tasks: Vec<_> = users
        .into_iter()
        .map(|client| {
            let page = format!("{url}/alerts?top=20");
            tokio::spawn(async move {
                let (mut latencies, mut failed, mut cookies) = (Vec::new(), 0usize, 0usize);
                while Instant::now() < until {
                    let at = Instant::now();
                    match client.get(&page).send().await {
                        Ok(r) if r.status() == 200 => {
                            cookies += usize::from(r.headers().contains_key("set-cookie"));
                            let _ = r.bytes().await;
                        }
                        _ => failed += 1,
                    }
                    latencies.push(at.elapsed());
                }
                (latencies, failed, cookies)
            })
        })
        .collect();
    let (mut all, mut failed, mut saves) = (Vec::new(), 0, 0);
    for task in tasks {
        let (latencies, f, c) = task.await?;
        all.extend(latencies);
        failed += f;
        saves += c;
    }
    all.sort_unstable();
    println!(
        "{:.0} pages/s, p50 {:.1} ms, p99 {:.1} ms, {failed} failed, {saves} session saves",
        all.len() as f64 / opts.secs as f64,
        percentile(&all, 0.5).as_secs_f64() * 1e3,
        percentile(&all, 0.99).as_secs_f64() * 1e3,
    );
    Ok(())
}

/// The readable text of a page's alerts (what the app said), for error messages.
fn graphsec_text(page: &str) -> String {
    page.split("<div class=\"alert")
        .skip(1)
        .map(|part| {
            let inner = part.split_once('>').map_or("", |(_, rest)| rest);
            let text = inner.split("</div>").next().unwrap_or_default();
            text.split('<')
                .map(|piece| piece.split_once('>').map_or(piece, |(_, t)| t))
                .collect::<String>()
                .trim()
                .to_string()
        })
        .collect::<Vec<_>>()
        .join(" | ")
}
