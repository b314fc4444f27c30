//! The mirror's queue pages measured on the app's own store, on SQLite and on PostgreSQL: a
//! database made as the app makes it (`db::connect` or `db::connect_postgres`, their migrations;
//! PostgreSQL a server of the bench's own, started as the tests start theirs), filled with generated alerts through
//! `MirrorStore::put` (the sync's own write path), then read by 8 concurrent users through
//! `MirrorStore::list` (what `/alerts` runs: filters, the text index, sort, key paging and the
//! counts). In the same run, the reference: a bare query of the same store (one indexed
//! `SELECT … LIMIT 50` of the newest alerts), measured the same way.
//!
//! Then the backfill through the real binary (`backfill.rs`), a scripted shift counting the
//! Graph calls a tenant pays (`shift.rs`), and how long a tenant's change takes to be seen
//! (`latency.rs`).
//!
//! Run: `cargo bench --bench mirror` (options after `--`: `--alerts 1000000`, `--secs 5`,
//! `--users 8`, `--backfill-alerts 100000`, `--shift-minutes 3`, `--changes 12`, `--skip
//! queue,postgres,backfill,shift,latency`); the SQLite queue's database is under `target/tmp`
//! unless `BENCH_DIR` names another, and is kept between runs of the same size (delete it to
//! fill it again); PostgreSQL's is made and filled anew in a temp dir.

use std::sync::Arc;
use std::time::{Duration, Instant};

use graphsec::db::sql::{Db, Sql};
use graphsec::sync::record::Record;
use graphsec::sync::selection::{Column, Listed, Order, Selection, Window};
use graphsec::sync::store::{MirrorStore, Resource};
use serde_json::{Value, json};

const TENANT: &str = "2f5e2c4b-7d1a-4c8e-9b3f-6a1d0e8c5b21";
const PAGE: u32 = 50;
const SEVERITIES: [&str; 4] = ["high", "medium", "low", "informational"];
const STATUSES: [&str; 3] = ["new", "inProgress", "resolved"];

mod backfill;
mod latency;
/// The tests' own PostgreSQL server (initdb + pg_ctl in a temp dir), shared with the bench.
#[path = "../../tests/api/postgres_support.rs"]
mod postgres;
mod shift;

struct Options {
    alerts: usize,
    secs: u64,
    users: usize,
    backfill_alerts: usize,
    shift_minutes: u64,
    changes: usize,
    skip: Vec<String>,
}

fn options() -> Options {
    let args: Vec<String> = std::env::args().collect();
    let value = |name: &str| {
        args.iter()
            .position(|a| a == name)
            .and_then(|i| args.get(i + 1))
            .and_then(|v| v.parse::<usize>().ok())
    };
    Options {
        alerts: value("--alerts").unwrap_or(1_000_000),
        secs: value("--secs").unwrap_or(5) as u64,
        users: value("--users").unwrap_or(8),
        backfill_alerts: value("--backfill-alerts").unwrap_or(100_000),
        shift_minutes: value("--shift-minutes").unwrap_or(3) as u64,
        changes: value("--changes").unwrap_or(12),
        skip: args
            .iter()
            .position(|a| a == "--skip")
            .and_then(|i| args.get(i + 1))
            .map(|v| v.split(',').map(str::to_string).collect())
            .unwrap_or_default(),
    }
}

/// Alert `n`: every severity and status, a host, a user, an address and a file hash of its own.
fn alert(n: usize) -> Value {
    let created = 1_764_000_000 + (n as i64) * 2;
    let at = |s: i64| {
        time::OffsetDateTime::from_unix_timestamp(s)
            .unwrap()
            .format(&time::format_description::well_known::Rfc3339)
            .unwrap()
    };
    json!({
        "id": format!("da{n:012}"),
        "incidentId": format!("{}", n / 5),
        "title": format!("Suspicious activity {} on host {}", n % 97, n % 5_000),
        "description": "A process behaved as malware does.",
        "severity": SEVERITIES[n % 4],
        "status": STATUSES[n % 3],
        "serviceSource": "microsoftDefenderForEndpoint",
        "assignedTo": if n.is_multiple_of(7) { json!("megan@contoso.example") } else { Value::Null },
        "createdDateTime": at(created),
        "lastUpdateDateTime": at(created + 60),
        "evidence": [
            {"@odata.type": "#microsoft.graph.security.deviceEvidence", "deviceDnsName": format!("pc-{:05}.contoso.example", n % 5_000)},
            {"@odata.type": "#microsoft.graph.security.userEvidence", "userAccount": {"userPrincipalName": format!("user{}@contoso.example", n % 2_000)}},
            {"@odata.type": "#microsoft.graph.security.ipEvidence", "ipAddress": format!("10.{}.{}.{}", n % 200, (n / 200) % 250, n % 250)},
            {"@odata.type": "#microsoft.graph.security.fileEvidence", "fileDetails": {"fileName": "payload.exe", "sha256": format!("{:064x}", n as u128 * 2_654_435_761)}}
        ]
    })
}

async fn fill(store: &MirrorStore, db: &Db, alerts: usize) {
    let held: (i64,) = db
        .fetch_one(&Sql::new("SELECT COUNT(*) FROM mirror_items"))
        .await
        .unwrap();
    if held.0 as usize == alerts {
        println!("store: {alerts} alerts, kept from an earlier run");
        return;
    }
    let started = Instant::now();
    for (i, chunk) in (0..alerts).collect::<Vec<_>>().chunks(5_000).enumerate() {
        let records: Vec<Record> = chunk
            .iter()
            .filter_map(|n| Record::alert(&alert(*n)))
            .collect();
        store.put(TENANT, Resource::Alerts, &records).await.unwrap();
        // As the sync does while a backfill grows the table.
        if matches!(i, 0 | 9 | 99) {
            store.refresh_statistics().await.unwrap();
        }
    }
    println!(
        "store: {alerts} alerts written through MirrorStore::put in {:.1} s",
        started.elapsed().as_secs_f64()
    );
}

/// One scenario: what a page view asks of the store.
struct Scenario {
    name: &'static str,
    selection: Selection,
    order: Order,
    /// Page by key from the first page on (each user walks its own pages), else the first page.
    walk: bool,
}

fn scenarios() -> Vec<Scenario> {
    let sort = |column, ascending| Order { column, ascending };
    let search = |q: &str| Selection {
        search: Some(q.into()),
        ..Selection::default()
    };
    vec![
        Scenario {
            name: "newest first, first page",
            selection: Selection::default(),
            order: Order::default(),
            walk: false,
        },
        Scenario {
            name: "by severity, walking pages",
            selection: Selection::default(),
            order: sort(Column::Severity, false),
            walk: true,
        },
        Scenario {
            name: "new + high, by status",
            selection: Selection {
                statuses: vec!["new".into()],
                severities: vec!["high".into()],
                ..Selection::default()
            },
            order: sort(Column::Status, false),
            walk: true,
        },
        Scenario {
            name: "assigned to me, oldest first",
            selection: Selection {
                assigned_to: Some("megan@contoso.example".into()),
                ..Selection::default()
            },
            order: sort(Column::Created, true),
            walk: true,
        },
        Scenario {
            name: "search a host part (pc-0421)",
            selection: search("pc-0421"),
            order: Order::default(),
            walk: true,
        },
        Scenario {
            name: "search a hash part",
            selection: search(&format!("{:064x}", 4_242u128 * 2_654_435_761)[44..]),
            order: Order::default(),
            walk: false,
        },
    ]
}

/// A search no one made before: a host part of its own for every page view, so nothing the
/// store keeps of earlier searches helps (`pc-0` and three digits: 10 hosts, 2,000 alerts).
fn new_search(view: usize) -> Selection {
    Selection {
        search: Some(format!("pc-0{:03}", (view * 7_919) % 500)),
        ..Selection::default()
    }
}

struct Measured {
    pages: usize,
    latencies: Vec<Duration>,
    elapsed: Duration,
}

impl Measured {
    fn percentile(&self, p: f64) -> f64 {
        let mut sorted = self.latencies.clone();
        sorted.sort();
        let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
        sorted.get(i).map_or(0.0, |d| d.as_secs_f64() * 1000.0)
    }

    fn rate(&self) -> f64 {
        self.pages as f64 / self.elapsed.as_secs_f64()
    }
}

/// `users` tasks calling `page` for `secs`; each call returns the window of its next call.
async fn load<F, Fut>(users: usize, secs: u64, page: F) -> Measured
where
    F: Fn(Window) -> Fut + Send + Sync + 'static,
    Fut: std::future::Future<Output = Option<Window>> + Send,
{
    let page = Arc::new(page);
    let started = Instant::now();
    let deadline = started + Duration::from_secs(secs);
    let tasks: Vec<_> = (0..users)
        .map(|_| {
            let page = Arc::clone(&page);
            tokio::spawn(async move {
                let mut latencies = Vec::new();
                let mut window = Window::First;
                while Instant::now() < deadline {
                    let at = Instant::now();
                    window = page(window).await.unwrap_or(Window::First);
                    latencies.push(at.elapsed());
                }
                latencies
            })
        })
        .collect();
    let mut latencies = Vec::new();
    for task in tasks {
        latencies.extend(task.await.unwrap());
    }
    Measured {
        pages: latencies.len(),
        latencies,
        elapsed: started.elapsed(),
    }
}

fn next(listed: &Listed, walk: bool) -> Option<Window> {
    (walk && listed.has_next())
        .then_some(listed.last)
        .flatten()
        .map(Window::After)
}

#[tokio::main]
async fn main() {
    let options = options();
    if !options.skip.iter().any(|s| s == "queue") {
        queue(&options).await;
    }
    if !options.skip.iter().any(|s| s == "postgres") {
        queue_on_postgres(&options).await;
    }
    if !options.skip.iter().any(|s| s == "backfill") {
        backfill::run(options.backfill_alerts).await;
    }
    if !options.skip.iter().any(|s| s == "shift") {
        shift::run(options.shift_minutes).await;
    }
    if !options.skip.iter().any(|s| s == "latency") {
        latency::run(options.changes).await;
    }
}

async fn queue(options: &Options) {
    let dir = std::env::var("BENCH_DIR")
        .map(std::path::PathBuf::from)
        .unwrap_or_else(|_| {
            std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
                .join("target/tmp")
                .join(format!("mirror-{}", options.alerts))
        });
    std::fs::create_dir_all(&dir).unwrap();
    let db = graphsec::db::connect(&dir).await.unwrap();
    graphsec::db::migrate(&db).await.unwrap();
    queue_on("SQLite", Db::Sqlite(db), options).await;
}

async fn queue_on_postgres(options: &Options) {
    let server = postgres::PostgresServer::start();
    let pool = graphsec::db::connect_postgres(&server.url(), "the bench's server")
        .await
        .unwrap();
    queue_on("PostgreSQL", Db::Postgres(pool), options).await;
}

async fn queue_on(engine: &str, db: Db, options: &Options) {
    let store = MirrorStore::new(db.clone());
    fill(&store, &db, options.alerts).await;
    // As the sync does after a backfill.
    store.settle().await.unwrap();
    let users = options.users;
    let secs = options.secs;

    let reference_db = db.clone();
    let reference = load(users, secs, move |_| {
        let db = reference_db.clone();
        async move {
            let mut newest = Sql::new(
                "SELECT b.body FROM mirror_items i JOIN mirror_bodies b ON b.seq = i.seq \
                 WHERE i.tenant_id = ",
            );
            newest
                .bind(TENANT)
                .push(" AND i.resource = 'alerts' ORDER BY i.created_ms DESC, i.seq DESC LIMIT 50");
            let rows: Vec<(String,)> = db.fetch_all(&newest).await.unwrap();
            assert_eq!(rows.len(), 50);
            None
        }
    })
    .await;
    println!(
        "\n{engine}: {} alerts, {users} users, {secs} s a row, pages of {PAGE}\n",
        options.alerts
    );
    println!("| pages | pages/s | p50 ms | p99 ms | of the reference's pages/s |");
    println!("|---|---:|---:|---:|---:|");
    let row = |name: &str, measured: &Measured| {
        println!(
            "| {name} | {:.0} | {:.2} | {:.2} | {:.2} |",
            measured.rate(),
            measured.percentile(0.5),
            measured.percentile(0.99),
            measured.rate() / reference.rate()
        );
    };
    row("reference: bare SELECT of the 50 newest", &reference);
    for scenario in scenarios() {
        let store = store.clone();
        let Scenario {
            name,
            selection,
            order,
            walk,
        } = scenario;
        let selection = Arc::new(selection);
        let measured = load(users, secs, move |window| {
            let store = store.clone();
            let selection = Arc::clone(&selection);
            async move {
                let listed = store
                    .list(TENANT, Resource::Alerts, &selection, order, window, PAGE)
                    .await
                    .unwrap();
                next(&listed, walk)
            }
        })
        .await;
        row(name, &measured);
    }
    let views = Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let measured = load(users, secs, move |_| {
        let store = store.clone();
        let view = views.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        async move {
            let listed = store
                .list(
                    TENANT,
                    Resource::Alerts,
                    &new_search(view),
                    Order::default(),
                    Window::First,
                    PAGE,
                )
                .await
                .unwrap();
            assert!(listed.total > 0);
            None
        }
    })
    .await;
    row("a new search each view (host part)", &measured);
}
