//! What an operator reads: log lines without colour codes when the output is not a terminal,
//! and a Redis that refuses connections reported at once, start-up then waiting for it.

use std::time::Duration;

use graphsec_sandbox::Sandbox;
use tokio::io::{AsyncBufReadExt, BufReader, Lines};
use tokio::process::ChildStdout;
use tokio::time::Instant;

use crate::helpers::sandbox_options;
use crate::notify_crash::{serve_command, write_config};
use crate::redis_support::RedisServer;

/// The next line containing `text`, within `wait`; every line read is kept in `seen`.
async fn line_with(
    lines: &mut Lines<BufReader<ChildStdout>>,
    text: &str,
    wait: Duration,
    seen: &mut Vec<String>,
) -> Option<String> {
    tokio::time::timeout(wait, async {
        while let Some(line) = lines.next_line().await.unwrap() {
            seen.push(line.clone());
            if line.contains(text) {
                return Some(line);
            }
        }
        None
    })
    .await
    .ok()
    .flatten()
}

#[tokio::test]
async fn text_logs_carry_no_colour_codes_and_a_refused_redis_is_reported_at_once() {
    let sandbox = Sandbox::start(sandbox_options()).await.unwrap();
    let dir = tempfile::tempdir().unwrap();
    // A port with nothing listening: connections to it are refused.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let config = write_config(
        &sandbox,
        dir.path(),
        &[("redis.url", format!("redis://127.0.0.1:{port}"))],
    );
    let started = Instant::now();
    let mut child = serve_command(&[], &config, &[])
        .spawn()
        .expect("graphsec starts");
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    let mut seen = Vec::new();

    let reported = line_with(
        &mut lines,
        "Redis at redis.url is not reachable",
        Duration::from_secs(5),
        &mut seen,
    )
    .await
    .unwrap_or_else(|| panic!("no report within 5 s: {seen:#?}"));
    assert!(
        started.elapsed() < Duration::from_secs(5),
        "{:?}",
        started.elapsed()
    );
    assert!(
        reported.to_ascii_lowercase().contains("refused"),
        "the report says why: {reported}"
    );
    assert!(
        child.try_wait().unwrap().is_none(),
        "start-up waits for Redis"
    );

    // Redis comes up on that port: start-up carries on by itself.
    let _redis = RedisServer::start_on(port).await;
    line_with(
        &mut lines,
        "graphsec is listening",
        Duration::from_secs(30),
        &mut seen,
    )
    .await
    .unwrap_or_else(|| panic!("did not listen once Redis answered: {seen:#?}"));

    let coloured: Vec<&String> = seen.iter().filter(|l| l.contains('\u{1b}')).collect();
    assert!(coloured.is_empty(), "colour codes in the log: {coloured:?}");
    assert!(seen.len() >= 2);
}
