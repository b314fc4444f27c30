//! How long a change made in the tenant takes to reach the queue and the notify page, through the
//! app in this process with its mirror on (the default `sync.interval_secs`, 15 s): alerts are
//! changed in the sandbox at moments spread over the sync's cycle, and each is timed until the
//! queue lists it as changed and until the notify stream delivers it. The target's own reference
//! is the sync interval itself, plus 2 s.

use std::time::{Duration, Instant};

use eventsource_stream::Eventsource;
use futures::StreamExt;
use graphsec::config::Settings;
use graphsec::startup::Application;
use graphsec_sandbox::security::TenantRef;
use graphsec_sandbox::seed::render;
use graphsec_sandbox::subscriptions::activity::step_matching;
use graphsec_sandbox::{Sandbox, SandboxOptions};
use serde_json::Value;

use crate::shift::{csrf, signed_in};

const CONTOSO: &str = "2f5e2c4b-7d1a-4c8e-9b3f-6a1d0e8c5b21";

fn percentile(values: &mut [f64], p: f64) -> f64 {
    values.sort_by(|a, b| a.total_cmp(b));
    let i = ((values.len() as f64 - 1.0) * p).round() as usize;
    values.get(i).copied().unwrap_or(0.0)
}

pub async fn run(changes: usize) {
    let sandbox = Sandbox::start(SandboxOptions::default()).await.unwrap();
    let dir = tempfile::tempdir().unwrap();
    let settings =
        Settings::from_defaults(&graphsec::demo::wiring(&sandbox, 0, dir.path())).unwrap();
    let interval = settings.sync.interval_secs;
    let app = Application::build(settings).await.unwrap();
    let url = format!("http://localhost:{}", app.port());
    tokio::spawn(app.run_until_stopped());
    let client = signed_in(&url, "megan@contoso.example").await;
    // A watch per severity: every alert is some watch's.
    for severity in ["high", "medium", "low", "informational", "unknown"] {
        let token = csrf(&client, &url).await;
        let watch = client
            .post(format!("{url}/subscriptions"))
            .form(&[("severity", severity), ("csrf_token", &token)])
            .send()
            .await
            .unwrap();
        assert_eq!(watch.status(), 303, "the {severity} watch");
    }
    let mut events = client
        .get(format!("{url}/listen/events"))
        .send()
        .await
        .unwrap()
        .bytes_stream()
        .eventsource()
        .filter_map(|e| async move { e.ok().filter(|e| e.event == "notification") })
        .boxed();
    tokio::time::sleep(Duration::from_secs(3)).await;
    let state = sandbox.state();
    let tenant = TenantRef {
        key: "contoso",
        id: CONTOSO,
    };
    let (mut queue, mut notify) = (Vec::new(), Vec::new());
    for n in 0..changes {
        // Changes land at moments spread over the sync's cycle.
        tokio::time::sleep(Duration::from_millis(1_000 + (n as u64 * 2_300) % 7_000)).await;
        let changed = Instant::now();
        let id = step_matching(&state, "contoso", |a| a["status"] != "resolved")
            .expect("an alert to change");
        let status = render::alert_v2(&state.security().alert(tenant, &id).unwrap())["status"]
            .as_str()
            .unwrap()
            .to_string();
        let listed = async {
            loop {
                let found: Vec<Value> = client
                    .get(format!("{url}/alerts/export.json?q={id}"))
                    .send()
                    .await
                    .unwrap()
                    .json()
                    .await
                    .unwrap_or_default();
                if found
                    .iter()
                    .any(|a| a["id"] == id.as_str() && a["status"] == status.as_str())
                {
                    return changed.elapsed();
                }
                tokio::time::sleep(Duration::from_millis(100)).await;
            }
        };
        let delivered = async {
            while let Some(event) = events.next().await {
                let data: Value = serde_json::from_str(&event.data).unwrap_or_default();
                if data["alertId"] == id.as_str() {
                    return changed.elapsed();
                }
            }
            panic!("the stream ended");
        };
        let (in_queue, on_page) = tokio::join!(listed, delivered);
        queue.push(in_queue.as_secs_f64());
        notify.push(on_page.as_secs_f64());
    }
    println!(
        "\nA change in the tenant until it is seen: {changes} changes, sync.interval_secs = {interval}\n"
    );
    println!("| seen in | p50 s | p99 s | target: interval + 2 s |");
    println!("|---|--:|--:|--:|");
    for (name, values) in [
        ("the queue", &mut queue),
        ("the notify stream", &mut notify),
    ] {
        println!(
            "| {name} | {:.1} | {:.1} | {} |",
            percentile(values, 0.5),
            percentile(values, 0.99),
            interval + 2
        );
    }
}
