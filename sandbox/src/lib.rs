//! The sandbox tenant: a loopback look-alike of Entra ID and Microsoft Graph that the app and
//! its tests talk to over HTTP, with deterministic tenants, users and data.

// Handlers and extractors reject with a ready `Response`, axum's idiom; it is built once per request.
#![allow(clippy::result_large_err)]

pub mod batch;
pub mod caller;
mod cli;
pub mod defender;
pub mod errors;
pub mod faults;
pub mod identity;
pub mod me;
pub mod odata;
pub mod requests;
pub mod schema;
pub mod secure_score;
pub mod security;
pub mod seed;
mod shutdown;
mod state;
pub mod subscriptions;
pub mod throttling;
pub mod tokens;
pub mod users;

#[cfg(test)]
mod tests;

pub use caller::Caller;
pub use cli::run_cli;
pub use faults::Fault;
pub use state::SandboxState;

use axum::Router;
use axum::http::{StatusCode, Uri};
use axum::middleware::{from_fn, from_fn_with_state};
use axum::response::{IntoResponse, Response};
use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::time::Duration;
use tokio::sync::oneshot;
use tokio::task::JoinHandle;
use url::Url;

/// How to run the sandbox.
#[derive(Debug, Clone)]
pub struct SandboxOptions {
    /// Where to listen; port 0 picks a free port.
    pub bind: SocketAddr,
    /// The one app registration's client id.
    pub client_id: String,
    /// The one app registration's client secret.
    pub client_secret: String,
    /// Lifetime of access and id tokens (whole seconds, at least one).
    pub token_lifetime: Duration,
    /// Registered redirect URIs; empty accepts any `http://localhost:*/login/authorized` or
    /// `http://127.0.0.1:*/login/authorized`.
    pub redirect_uris: Vec<String>,
    /// Generate background activity (alerts changing over time).
    pub activity: bool,
    /// Refuse alerts_v2 `$filter`s on `evidence` (`evidence/any(...)`), as Graph's alerts_v2
    /// reference implies: it lists eight filterable properties and `evidence` is not one. Off by
    /// default, because the migration guide shows such filters and the console sends them.
    pub refuse_evidence_filters: bool,
    /// Graph's request-rate limit per app and tenant; `None` serves every request.
    pub graph_rate_limit: Option<throttling::RateLimit>,
    /// Server-driven paging: alerts_v2 and incidents pages hold at most this many items even
    /// when `$top` asks for more, each with an `@odata.nextLink` while more remain (its `$skip`
    /// advanced by the items returned). Legacy alerts keep their per-provider paging. `None`
    /// (the default) pages by `$top` alone, which benchmarks and the sandbox's own tests rely
    /// on; a client's tests should set a size below the `$top` they send.
    pub page_size: Option<usize>,
    /// Generated alerts added to Contoso at start (about five to an incident, created over the
    /// last 30 days), for benchmarks.
    pub extra_alerts: usize,
}

impl Default for SandboxOptions {
    fn default() -> Self {
        Self {
            bind: SocketAddr::new(IpAddr::V4(Ipv4Addr::LOCALHOST), 0),
            client_id: "graphsec-sandbox".to_owned(),
            client_secret: "sandbox-secret".to_owned(),
            token_lifetime: Duration::from_secs(3600),
            redirect_uris: Vec::new(),
            activity: false,
            refuse_evidence_filters: false,
            graph_rate_limit: Some(throttling::RateLimit::default()),
            page_size: None,
            extra_alerts: 0,
        }
    }
}

pub struct Sandbox;

impl Sandbox {
    /// Binds the listener, spawns the server and returns a handle to it.
    pub async fn start(options: SandboxOptions) -> anyhow::Result<SandboxHandle> {
        let listener = tokio::net::TcpListener::bind(options.bind)
            .await
            .map_err(|e| anyhow::anyhow!("cannot bind the sandbox to {}: {e}", options.bind))?;
        let address = listener.local_addr()?;
        let host = match address.ip() {
            ip if ip.is_unspecified() => IpAddr::V4(Ipv4Addr::LOCALHOST),
            ip => ip,
        };
        let base_url = Url::parse(&format!("http://{}", SocketAddr::new(host, address.port())))?;
        let state = SandboxState::new(options, base_url.clone());
        if state.options().extra_alerts > 0 {
            // Generate them now rather than on the first request.
            state.security().seed_now(security::store::GENERATED_TENANT);
        }
        subscriptions::listener::spawn(state.clone());
        if state.options().activity {
            subscriptions::activity::spawn(state.clone(), subscriptions::activity::EVERY);
        }
        let app = router(state.clone());
        let (stop, stopped) = oneshot::channel::<()>();
        let task = tokio::spawn(async move {
            let server = axum::serve(listener, app).with_graceful_shutdown(async {
                let _ = stopped.await;
            });
            if let Err(error) = server.await {
                tracing::error!(%error, "sandbox server failed");
            }
        });
        Ok(SandboxHandle {
            port: address.port(),
            base_url,
            state,
            stop: Some(stop),
            task: Some(task),
        })
    }
}

/// A running sandbox. Dropping it stops the server.
pub struct SandboxHandle {
    port: u16,
    base_url: Url,
    state: SandboxState,
    stop: Option<oneshot::Sender<()>>,
    task: Option<JoinHandle<()>>,
}

impl SandboxHandle {
    pub fn port(&self) -> u16 {
        self.port
    }

    /// `http://127.0.0.1:P/`: the Graph base URL and the identity host.
    pub fn base_url(&self) -> Url {
        self.base_url.clone()
    }

    /// `http://127.0.0.1:P/common`: the authority to configure in the app.
    pub fn authority(&self) -> Url {
        self.base_url.join("common").expect("a valid authority URL")
    }

    pub fn state(&self) -> SandboxState {
        self.state.clone()
    }

    /// Stops accepting connections and waits for in-flight requests to finish.
    pub async fn shutdown(mut self) -> anyhow::Result<()> {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Some(task) = self.task.take() {
            task.await?;
        }
        Ok(())
    }
}

impl Drop for SandboxHandle {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
    }
}

/// All sandbox routes: identity endpoints, then Graph routes with request ids and fault injection.
pub fn router(state: SandboxState) -> Router {
    Router::new()
        .merge(identity::router())
        .merge(graph_routes(&state))
        // Browsers ask every origin for an icon; answer without an error in their console.
        .route(
            "/favicon.ico",
            axum::routing::get(|| async { StatusCode::NO_CONTENT }),
        )
        .fallback(not_found)
        .layer(from_fn_with_state(state.clone(), requests::record))
        .with_state(state)
}

/// Graph (`/v1.0`, `/beta`) and Defender (`/api`) routes; each feature merges its router here.
/// Layers run outside in: request ids, the rate limit, then injected faults.
fn graph_routes(state: &SandboxState) -> Router<SandboxState> {
    Router::new()
        .merge(me::router())
        .merge(secure_score::router())
        .merge(defender::router())
        .merge(security::router())
        .merge(subscriptions::router())
        .layer(from_fn_with_state(state.clone(), faults::apply))
        .layer(from_fn_with_state(state.clone(), throttling::apply))
        // The batch itself is not counted or faulted: each request in it is, when it is served.
        .route("/v1.0/$batch", axum::routing::post(batch::run))
        .layer(from_fn(errors::request_ids))
}

async fn not_found(uri: Uri) -> Response {
    let path = uri.path();
    if path.starts_with("/v1.0/") || path.starts_with("/beta/") {
        let segment = path.split('/').nth(2).unwrap_or_default();
        let message = format!("Resource not found for the segment '{segment}'.");
        errors::graph_error(StatusCode::BAD_REQUEST, "BadRequest", &message)
    } else {
        (StatusCode::NOT_FOUND, "Not found").into_response()
    }
}
