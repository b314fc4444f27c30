//! Serving HTTP/1.1 on the bound listener, held to what slow or hostile clients may cost: a
//! request head must arrive within `server.header_read_timeout_secs`, a kept-alive connection
//! waits at most `server.keep_alive_timeout_secs` for its next request, and at most
//! `server.max_connections` are open at once (fewer when the open-file limit is lower), the
//! longest-idle one closed to make room for a new one. Graceful shutdown as `axum::serve`:
//! no new connections, idle ones closed, requests being answered allowed to finish.

mod activity;
mod connections;
mod open_files;
mod tracked;
mod watched_io;

use std::future::Future;
use std::pin::pin;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use axum::Router;
use hyper::server::conn::http1;
use hyper_util::rt::TokioIo;
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::watch;

use crate::config::ServerSettings;
use activity::{Closing, Timeouts};
use connections::{Admitted, Connections};
use tracked::Tracked;
use watched_io::WatchedIo;

/// What a connection may cost, from `[server]`.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    timeouts: Timeouts,
    pub max_connections: usize,
}

impl Limits {
    /// The settings' limits, the connection cap lowered to fit the open-file limit (raised to
    /// its hard maximum first).
    pub fn from_settings(server: &ServerSettings) -> Self {
        let configured = server.max_connections.max(1);
        let max_connections = match open_files::raise_limit() {
            Some(open_files) => configured.min(open_files::connections_within(open_files)),
            None => configured,
        };
        if max_connections < configured {
            tracing::info!(
                max_connections,
                configured,
                "server.max_connections lowered to fit the open-file limit"
            );
        }
        Self {
            timeouts: Timeouts {
                header_read: Duration::from_secs(server.header_read_timeout_secs.max(1)),
                keep_alive: Duration::from_secs(server.keep_alive_timeout_secs.max(1)),
            },
            max_connections,
        }
    }
}

/// Serves `router` on `listener` until `shutdown` resolves and every connection has closed.
pub async fn serve(
    listener: TcpListener,
    router: Router,
    limits: Limits,
    shutdown: impl Future<Output = ()>,
) {
    let connections = Connections::new(limits.max_connections);
    let (stop_tx, stop_rx) = watch::channel(());
    let (closed_tx, closed_rx) = watch::channel(());
    let refused = Refusals::default();
    let mut shutdown = pin!(shutdown);
    loop {
        let stream = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok((stream, _)) => stream,
                Err(error) => {
                    // Out of files (or another passing failure): wait a moment rather than spin.
                    refused.note(&format!("cannot accept a connection: {error}"));
                    tokio::time::sleep(Duration::from_millis(50)).await;
                    continue;
                }
            },
            () = &mut shutdown => break,
        };
        let Some(admitted) = connections.admit() else {
            refused.note("every open connection is answering a request: a new one was refused");
            continue;
        };
        let _ = stream.set_nodelay(true);
        let router = router.clone();
        let stop = stop_rx.clone();
        let closed = closed_rx.clone();
        tokio::spawn(async move {
            connection(stream, router, admitted, limits.timeouts, stop).await;
            drop(closed);
        });
    }
    drop(listener);
    drop(stop_tx);
    drop(closed_rx);
    closed_tx.closed().await;
}

/// One connection, until its client is done, a timeout or eviction closes it, or shutdown.
async fn connection(
    stream: TcpStream,
    router: Router,
    admitted: Admitted,
    timeouts: Timeouts,
    mut stop: watch::Receiver<()>,
) {
    let activity = Arc::clone(&admitted.activity);
    let service = Tracked {
        router,
        activity: Arc::clone(&activity),
        body_pause: timeouts.header_read,
    };
    let io = TokioIo::new(WatchedIo::new(stream, Arc::clone(&activity)));
    let mut served = pin!(http1::Builder::new().serve_connection(io, service));
    let mut stopping = false;
    loop {
        tokio::select! {
            result = served.as_mut() => {
                if let Err(error) = result {
                    tracing::trace!(%error, "connection ended with an error");
                }
                break;
            }
            closing = activity.closing(&timeouts) => {
                // Dropping the connection closes the socket.
                if closing == Closing::Evicted {
                    tracing::debug!("an idle connection was closed to make room for a new one");
                }
                break;
            }
            _ = stop.changed(), if !stopping => {
                stopping = true;
                served.as_mut().graceful_shutdown();
            }
        }
    }
    drop(admitted);
}

/// Refused connections, logged at most once a minute with how many there were.
#[derive(Default)]
struct Refusals {
    count: AtomicU64,
    last_logged: AtomicU64,
}

impl Refusals {
    fn note(&self, why: &str) {
        let count = self.count.fetch_add(1, Ordering::Relaxed) + 1;
        let now = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map(|d| d.as_secs())
            .unwrap_or_default();
        let last = self.last_logged.load(Ordering::Relaxed);
        if now >= last + 60
            && self
                .last_logged
                .compare_exchange(last, now, Ordering::Relaxed, Ordering::Relaxed)
                .is_ok()
        {
            self.count.store(0, Ordering::Relaxed);
            tracing::warn!(refused = count, "{why}");
        }
    }
}
