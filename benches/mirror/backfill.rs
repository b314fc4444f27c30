//! The backfill measured through the real application: the `graphsec` binary (`serve`) mirrors
//! a sandbox tenant seeded with many alerts, from nothing to both backfills done; its peak and
//! idle resident memory are read from `/proc`. In the same run, the reference: a bare client
//! reading the same alert pages by their next links (an app-only token, nothing stored), which
//! is what the sandbox and loopback allow.

use std::process::Stdio;
use std::str::FromStr;
use std::time::{Duration, Instant};

use graphsec_sandbox::{Sandbox, SandboxOptions};
use serde_json::Value;
use sqlx::sqlite::{SqliteConnectOptions, SqlitePoolOptions};
use tokio::process::Command;

const CONTOSO: &str = "2f5e2c4b-7d1a-4c8e-9b3f-6a1d0e8c5b21";

/// A `/proc/<pid>/status` figure in MB (`VmHWM` peak, `VmRSS` now).
fn memory_mb(pid: u32, field: &str) -> f64 {
    std::fs::read_to_string(format!("/proc/{pid}/status"))
        .unwrap_or_default()
        .lines()
        .find(|l| l.starts_with(field))
        .and_then(|l| l.split_whitespace().nth(1))
        .and_then(|kb| kb.parse::<f64>().ok())
        .map_or(0.0, |kb| kb / 1024.0)
}

/// Reads every alert page of the backfill's query by its next links; returns the items read.
async fn reference(sandbox: &graphsec_sandbox::SandboxHandle) -> usize {
    let base = sandbox.base_url();
    let http = reqwest::Client::new();
    let token: Value = http
        .post(format!("{base}{CONTOSO}/oauth2/v2.0/token"))
        .form(&[
            ("grant_type", "client_credentials"),
            ("client_id", "graphsec-sandbox"),
            ("client_secret", "sandbox-secret"),
            ("scope", "https://graph.microsoft.com/.default"),
        ])
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let token = token["access_token"].as_str().unwrap().to_string();
    let since = time::OffsetDateTime::now_utc() - time::Duration::days(30);
    let mut url = url::Url::parse(&format!("{base}v1.0/security/alerts_v2")).unwrap();
    url.query_pairs_mut()
        .append_pair("$top", "1000")
        .append_pair("$count", "true")
        .append_pair(
            "$filter",
            &format!(
                "lastUpdateDateTime ge {}",
                since
                    .replace_nanosecond(0)
                    .unwrap()
                    .format(&time::format_description::well_known::Rfc3339)
                    .unwrap()
            ),
        );
    let mut read = 0;
    let mut next = Some(url.to_string());
    while let Some(link) = next {
        let page: Value = http
            .get(link)
            .bearer_auth(&token)
            .header("Prefer", "include-unknown-enum-members")
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        read += page["value"].as_array().map_or(0, Vec::len);
        next = page["@odata.nextLink"].as_str().map(str::to_string);
    }
    read
}

pub async fn run(alerts: usize) {
    let sandbox = Sandbox::start(SandboxOptions {
        extra_alerts: alerts,
        graph_rate_limit: None,
        ..SandboxOptions::default()
    })
    .await
    .unwrap();
    let started = Instant::now();
    let read = reference(&sandbox).await;
    let reference_secs = started.elapsed().as_secs_f64();

    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("target/tmp")
        .join("mirror-backfill");
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let mut wiring = graphsec::demo::wiring(&sandbox, 0, &dir);
    wiring.retain(|(k, _)| *k != "sync.tenants");
    wiring.push(("sync.tenants", CONTOSO.to_string()));
    let config = dir.join("config.toml");
    std::fs::write(&config, graphsec::demo::config_file(&wiring)).unwrap();
    let started = Instant::now();
    let mut child = Command::new(env!("CARGO_BIN_EXE_graphsec"))
        .arg("--config")
        .arg(&config)
        .arg("serve")
        .env_clear()
        .env("RUST_LOG", "warn")
        // The allocators' own settings (mimalloc's for Rust, glibc's for SQLite) pass through.
        .envs(
            std::env::vars()
                .filter(|(k, _)| k.starts_with("MIMALLOC_") || k.starts_with("MALLOC_")),
        )
        .stdout(Stdio::null())
        .kill_on_drop(true)
        .spawn()
        .unwrap();
    let pid = child.id().unwrap();
    let file = dir.join("graphsec.db");
    while !file.exists() {
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    let db = SqlitePoolOptions::new()
        .max_connections(1)
        .connect_with(
            SqliteConnectOptions::from_str("sqlite:")
                .unwrap()
                .filename(&file),
        )
        .await
        .unwrap();
    loop {
        let done: Option<(i64,)> = sqlx::query_as(
            "SELECT COUNT(*) FROM mirror_sync WHERE tenant_id = ? AND backfill_done != 0",
        )
        .bind(CONTOSO)
        .fetch_optional(&db)
        .await
        .ok()
        .flatten();
        if done.is_some_and(|(n,)| n == 2) {
            break;
        }
        assert!(
            started.elapsed() < Duration::from_secs(600),
            "the backfill never ended"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let secs = started.elapsed().as_secs_f64();
    let peak = memory_mb(pid, "VmHWM");
    let (held,): (i64,) = sqlx::query_as(
        "SELECT COUNT(*) FROM mirror_items WHERE tenant_id = ? AND resource = 'alerts'",
    )
    .bind(CONTOSO)
    .fetch_one(&db)
    .await
    .unwrap();
    // Idle: a few sync intervals with nothing to read.
    tokio::time::sleep(Duration::from_secs(45)).await;
    let idle = memory_mb(pid, "VmRSS");
    let (anon, file) = (memory_mb(pid, "RssAnon"), memory_mb(pid, "RssFile"));
    let _ = child.start_kill();
    println!(
        "\nBackfill of {alerts} generated alerts (plus Contoso's own), from the start of `graphsec serve`\n"
    );
    println!("| | seconds | items | peak RSS MB | idle RSS MB |");
    println!("|---|---:|---:|---:|---:|");
    println!(
        "| reference: bare client, alert pages by next link | {reference_secs:.1} | {read} | | |"
    );
    println!(
        "| graphsec: alerts and incidents backfilled | {secs:.1} | {held} | {peak:.0} | {idle:.0} |"
    );
    println!("\nidle RSS: {anon:.0} MB anonymous (heap), {file:.0} MB mapped files");
}
