//! A scripted shift through the real application, counting the Graph calls the tenant pays: 10
//! analysts, each a minute opening the home page once, the alert queue three times (filters,
//! sorts, a search) and two alerts; 200 watches; the sandbox tenant changing alerts and
//! incidents on its own. The app runs in this process against the sandbox, with its mirror on;
//! every request the sandbox receives under `/v1.0` (Graph) in the measured minutes is counted.
//! The reference in the same run: the same analysts' pages and watches with the mirror off.

use std::time::{Duration, Instant};

use graphsec::config::Settings;
use graphsec::startup::Application;
use graphsec_sandbox::{Sandbox, SandboxOptions};

const ANALYSTS: usize = 10;
const WATCHES: usize = 200;
const USERS: [&str; 3] = [
    "megan@contoso.example",
    "adele@contoso.example",
    "alex@contoso.example",
];
const QUEUE_VIEWS: [&str; 3] = [
    "/alerts?status=new&sort=severity",
    "/alerts?severity=high&severity=medium&sort=-updated",
    "/alerts?q=pc-megan",
];

fn location(response: &reqwest::Response) -> String {
    response.headers()["location"].to_str().unwrap().to_string()
}

pub async fn signed_in(url: &str, upn: &str) -> reqwest::Client {
    let client = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .cookie_store(true)
        .build()
        .unwrap();
    let login = client.get(format!("{url}/login")).send().await.unwrap();
    let approved = client
        .post(location(&login))
        .form(&[("user", upn), ("decision", "approve")])
        .send()
        .await
        .unwrap();
    let done = client.get(location(&approved)).send().await.unwrap();
    assert_eq!(done.status(), 303, "sign-in");
    client
}

pub async fn csrf(client: &reqwest::Client, url: &str) -> String {
    let home = client
        .get(format!("{url}/"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    home.split("name=\"csrf_token\" value=\"")
        .nth(1)
        .and_then(|rest| rest.split('"').next())
        .unwrap()
        .to_string()
}

/// The alert ids a list page links to.
fn alert_ids(html: &str) -> Vec<String> {
    html.split("data-alert-id=\"")
        .skip(1)
        .filter_map(|rest| rest.split('"').next().map(str::to_string))
        .collect()
}

/// One analyst's minute: home, the queue three times, two alerts.
async fn minute(client: &reqwest::Client, url: &str, turn: usize) {
    client.get(format!("{url}/")).send().await.unwrap();
    let mut ids = Vec::new();
    for view in QUEUE_VIEWS {
        let html = client
            .get(format!("{url}{view}"))
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        ids.extend(alert_ids(&html));
    }
    for id in ids.iter().skip(turn % 5).step_by(3).take(2) {
        client
            .get(format!("{url}/alerts/{id}"))
            .send()
            .await
            .unwrap();
    }
}

/// Graph calls per minute over `minutes` of the shift, with the mirror on or off.
async fn shift(mirror: bool, minutes: u64) -> (f64, Vec<(&'static str, f64)>) {
    let sandbox = Sandbox::start(SandboxOptions {
        activity: true,
        graph_rate_limit: None,
        ..SandboxOptions::default()
    })
    .await
    .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let mut wiring = graphsec::demo::wiring(&sandbox, 0, dir.path());
    wiring.retain(|(k, _)| *k != "sync.tenants");
    wiring.extend([
        ("sync.enabled", mirror.to_string()),
        (
            "sync.tenants",
            "2f5e2c4b-7d1a-4c8e-9b3f-6a1d0e8c5b21".to_string(),
        ),
        ("notify.max_watches_per_user", "100".to_string()),
        ("notify.max_watches_per_tenant", WATCHES.to_string()),
    ]);
    let settings = Settings::from_defaults(&wiring).unwrap();
    let app = Application::build(settings).await.unwrap();
    let url = format!("http://localhost:{}", app.port());
    tokio::spawn(app.run_until_stopped());
    let mut analysts = Vec::new();
    for n in 0..ANALYSTS {
        analysts.push(signed_in(&url, USERS[n % USERS.len()]).await);
    }
    // 200 watches, each its own filter, through the subscription form.
    let severities = ["high", "medium", "low", "informational"];
    let statuses = ["new", "in_progress", "resolved"];
    for n in 0..WATCHES {
        let client = &analysts[n % ANALYSTS];
        let token = csrf(client, &url).await;
        let upn = format!("watch{n}@contoso.example");
        let created = client
            .post(format!("{url}/subscriptions"))
            .form(&[
                ("severity", severities[n % 4]),
                ("status", statuses[n % 3]),
                ("upn", upn.as_str()),
                ("csrf_token", token.as_str()),
            ])
            .send()
            .await
            .unwrap();
        assert_eq!(created.status(), 303, "watch {n}");
    }
    // A minute for the backfill and the watches' first reads, then the measured minutes.
    tokio::time::sleep(Duration::from_secs(60)).await;
    let state = sandbox.state();
    let counts = || KINDS.map(|(_, prefix)| state.request_count(prefix));
    let before = counts();
    let started = Instant::now();
    for turn in 0..minutes as usize {
        let minute_started = Instant::now();
        let views = analysts
            .iter()
            .enumerate()
            .map(|(n, client)| minute(client, &url, turn + n));
        futures::future::join_all(views).await;
        tokio::time::sleep(Duration::from_secs(60).saturating_sub(minute_started.elapsed())).await;
    }
    let minutes = started.elapsed().as_secs_f64() / 60.0;
    let after = counts();
    let rate = |i: usize| (after[i] - before[i]) as f64 / minutes;
    // Lists and single items share a prefix: an item's path is the list's and more.
    let kinds = vec![
        ("alert lists", rate(1) - rate(2)),
        ("one alert", rate(2)),
        ("incident lists", rate(3) - rate(4)),
        ("one incident", rate(4)),
        ("secure score", rate(5)),
    ];
    (rate(0), kinds)
}

/// What is counted: every Graph call, then by kind (by path prefix).
const KINDS: [(&str, &str); 6] = [
    ("all", "/v1.0/"),
    ("alerts", "/v1.0/security/alerts_v2"),
    ("one alert", "/v1.0/security/alerts_v2/"),
    ("incidents", "/v1.0/security/incidents"),
    ("one incident", "/v1.0/security/incidents/"),
    ("secure score", "/v1.0/security/secureScore"),
];

pub async fn run(minutes: u64) {
    println!(
        "\nThe shift: {ANALYSTS} analysts (home once a minute, the queue three times, two alerts), \
         {WATCHES} watches, the tenant changing on its own; {minutes} measured minutes\n"
    );
    println!("| | Graph calls a minute | of which |");
    println!("|---|---:|---|");
    for (mirror, name) in [
        (false, "reference: lists read Graph live"),
        (true, "graphsec with its mirror"),
    ] {
        let (per_minute, kinds) = shift(mirror, minutes).await;
        let detail: Vec<String> = kinds
            .iter()
            .map(|(kind, n)| format!("{kind} {n:.1}"))
            .collect();
        println!("| {name} | {per_minute:.1} | {} |", detail.join(", "));
    }
}
