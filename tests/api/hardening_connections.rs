//! Slow and idle clients cannot hold the server: a request head must arrive within
//! `server.header_read_timeout_secs`, a kept-alive connection waits at most
//! `server.keep_alive_timeout_secs`, and at the connection cap (lowered to fit the open-file
//! limit) the longest-idle connection makes room, so Graph's deliveries and health checks are
//! still answered. Through the real binary.

use std::time::Duration;

use graphsec_sandbox::{Sandbox, SandboxHandle};
use reqwest::StatusCode;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;
use tokio::time::Instant;

use crate::helpers::{new_client, sandbox_options};
use crate::notify_crash::{Server, post, signed_in_and_subscribed, write_config};
use crate::notify_support::{CONTOSO, change, tenant_id};

/// Half a request: the request line and part of a header, never finished.
const HALF_SENT: &[u8] = b"POST /listen HTTP/1.1\r\nHost: localhost\r\nContent-Ty";

/// `graphsec serve` run by `wrapper` with these timeouts, against a sandbox of its own.
async fn serve(
    wrapper: &[&str],
    header_read_secs: u64,
    keep_alive_secs: u64,
) -> (SandboxHandle, tempfile::TempDir, Server) {
    let sandbox = Sandbox::start(sandbox_options()).await.unwrap();
    let dir = tempfile::tempdir().unwrap();
    let config = write_config(
        &sandbox,
        dir.path(),
        &[
            (
                "server.header_read_timeout_secs",
                header_read_secs.to_string(),
            ),
            (
                "server.keep_alive_timeout_secs",
                keep_alive_secs.to_string(),
            ),
        ],
    );
    let server = Server::start_under(wrapper, &config).await;
    (sandbox, dir, server)
}

fn address(server: &Server) -> String {
    server
        .url
        .trim_start_matches("http://")
        .replace("localhost", "127.0.0.1")
}

/// Whether the server has closed `stream` (end of file or reset) within `wait`.
async fn closed_within(stream: &mut TcpStream, wait: Duration) -> bool {
    let mut buf = [0u8; 1024];
    loop {
        match tokio::time::timeout(wait, stream.read(&mut buf)).await {
            Err(_) => return false,
            Ok(Ok(0)) | Ok(Err(_)) => return true,
            // An answer (a 408 or 400) may come before the close.
            Ok(Ok(_)) => continue,
        }
    }
}

#[tokio::test]
async fn half_sent_requests_and_idle_connections_are_closed_after_their_timeouts() {
    let (_sandbox, _dir, server) = serve(&[], 3, 10).await;
    let addr = address(&server);

    let opened = Instant::now();
    let mut half_sent = Vec::new();
    for _ in 0..300 {
        let mut stream = TcpStream::connect(&addr).await.unwrap();
        stream.write_all(HALF_SENT).await.unwrap();
        half_sent.push(stream);
    }
    let mut silent = TcpStream::connect(&addr).await.unwrap();
    // A connection that asked once and then keeps quiet: kept alive, not yet due.
    let mut kept = TcpStream::connect(&addr).await.unwrap();
    kept.write_all(b"GET /healthz HTTP/1.1\r\nHost: localhost\r\n\r\n")
        .await
        .unwrap();
    let mut answer = [0u8; 512];
    let n = kept.read(&mut answer).await.unwrap();
    assert!(
        answer[..n].starts_with(b"HTTP/1.1 200"),
        "{:?}",
        &answer[..n]
    );
    let answered = Instant::now();

    // Before the header timeout every one is still open.
    tokio::time::sleep(Duration::from_secs(1)).await;
    for stream in half_sent.iter_mut().take(20) {
        assert!(!closed_within(stream, Duration::from_millis(10)).await);
    }
    assert!(!closed_within(&mut silent, Duration::from_millis(10)).await);

    // After it, all of them are closed, the silent one too.
    for stream in half_sent.iter_mut().chain([&mut silent]) {
        let left = Duration::from_secs(3 + 3).saturating_sub(opened.elapsed());
        assert!(
            closed_within(stream, left).await,
            "a half-sent or silent connection was held past the header timeout"
        );
    }
    assert!(opened.elapsed() >= Duration::from_secs(3));

    // The kept-alive one lasts past the header timeout, and closes at the keep-alive one.
    let until_header_timeout = Duration::from_secs(4).saturating_sub(answered.elapsed());
    tokio::time::sleep(until_header_timeout).await;
    assert!(
        !closed_within(&mut kept, Duration::from_millis(10)).await,
        "closed before the keep-alive timeout"
    );
    assert!(
        closed_within(&mut kept, Duration::from_secs(8)).await,
        "a kept-alive connection was held past the keep-alive timeout"
    );
    let held = answered.elapsed();
    assert!(
        held >= Duration::from_secs(10) && held < Duration::from_secs(13),
        "{held:?}"
    );
}

#[tokio::test]
async fn with_thousands_of_idle_and_half_sent_connections_on_1024_files_the_webhook_and_healthz_answer()
 {
    // Timeouts far longer than the test: only the connection cap can keep the server open.
    let (sandbox, _dir, server) = serve(&["prlimit", "--nofile=1024:1024", "--"], 300, 300).await;
    let browser = new_client();
    let (subscription, client_state) = signed_in_and_subscribed(&server, &sandbox, &browser).await;
    let tenant = tenant_id(CONTOSO);
    let addr = address(&server);

    let mut held = Vec::new();
    for i in 0..3000 {
        let mut stream = TcpStream::connect(&addr).await.unwrap();
        if i % 3 == 0 {
            // Refused or closed streams are fine: the server decides.
            let _ = stream.write_all(HALF_SENT).await;
        }
        held.push(stream);
    }
    for round in 0..5 {
        // A fresh connection each time, as Graph's senders open them.
        let graph = reqwest::Client::builder()
            .pool_max_idle_per_host(0)
            .timeout(Duration::from_secs(10))
            .build()
            .unwrap();
        let delivery = change(
            &subscription,
            &client_state,
            tenant,
            &format!("held-{round}"),
        );
        assert_eq!(
            post(&graph, &server.url, delivery).await,
            Some(StatusCode::ACCEPTED),
            "round {round}: the webhook with {} connections held",
            held.len()
        );
        let health = graph.get(server.url("/healthz")).send().await;
        assert_eq!(
            health.map(|r| r.status()).ok(),
            Some(StatusCode::OK),
            "round {round}: /healthz"
        );
        // More idle connections arrive meanwhile.
        for _ in 0..200 {
            held.push(TcpStream::connect(&addr).await.unwrap());
        }
    }
}
