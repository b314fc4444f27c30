//! The reference for the viewers' half: bare axum relaying each posted notification to every
//! open stream through one broadcast channel, nothing stored, no sessions. It shows what this
//! machine and this client allow for the same frames to the same viewers.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use axum::{
    Router,
    body::{Body, Bytes},
    http::{StatusCode, header},
    response::{IntoResponse, Response},
    routing::{get, post},
};
use futures::StreamExt;
use serde_json::{Value, json};
use tokio::sync::broadcast;
use tokio_stream::wrappers::BroadcastStream;

#[derive(Clone)]
struct Relay {
    frames: broadcast::Sender<Bytes>,
    next_id: Arc<AtomicU64>,
}

/// Starts the relay on its own thread and runtime; returns its base URL (`/listen` takes
/// notifications as Graph posts them, `/listen/events` streams them).
pub fn start() -> anyhow::Result<String> {
    let relay = Relay {
        frames: broadcast::channel(4096).0,
        next_id: Arc::default(),
    };
    crate::own_thread::serve("relay", None, |_| {
        Router::new()
            .route("/listen", post(receive))
            .route("/listen/events", get(events))
            .with_state(relay)
    })
}

/// One frame per notification, of the app's shape and about its size.
async fn receive(
    axum::extract::State(relay): axum::extract::State<Relay>,
    body: Bytes,
) -> StatusCode {
    let Ok(batch) = serde_json::from_slice::<Value>(&body) else {
        return StatusCode::BAD_REQUEST;
    };
    for item in batch["value"].as_array().into_iter().flatten() {
        let id = relay.next_id.fetch_add(1, Ordering::Relaxed) + 1;
        let alert = item["resourceData"]["id"].as_str().unwrap_or_default();
        let data = json!({"id": id, "receivedAt": "2026-11-30T00:00:00Z",
                          "changeType": item["changeType"], "resource": item["resource"],
                          "alertId": alert, "alertUrl": format!("/alerts/{alert}"),
                          "summary": null});
        let frame = format!("event: notification\nid: {id}\ndata: {data}\n\n");
        let _ = relay.frames.send(Bytes::from(frame));
    }
    StatusCode::ACCEPTED
}

async fn events(axum::extract::State(relay): axum::extract::State<Relay>) -> Response {
    let frames = BroadcastStream::new(relay.frames.subscribe())
        .filter_map(|frame| async move { frame.ok() })
        .map(Ok::<_, std::convert::Infallible>);
    let greeting = futures::stream::once(async { Ok(Bytes::from_static(b": live\n\n")) });
    (
        [(header::CONTENT_TYPE, "text/event-stream")],
        Body::from_stream(greeting.chain(frames)),
    )
        .into_response()
}
