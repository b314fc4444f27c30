//! Sending many requests through `$batch`: 20 to a batch, a few batches in flight, and the
//! requests Graph throttled (429, never run) sent again after the longest `Retry-After` asked.
//! Nothing else is ever sent twice: once Graph answered a request with anything but 429, that
//! answer is final, and a batch that failed as a whole fails its requests without resending.

use std::collections::HashMap;
use std::time::Duration;

use futures::stream::{self, StreamExt};
use secrecy::SecretString;

use super::{BatchAnswer, BatchRequest, MAX_REQUESTS};
use crate::graph::{GraphClient, GraphError};

/// Batches in flight at once: enough to keep a run moving, few enough not to invite throttling.
const IN_FLIGHT: usize = 3;
/// The longest single wait honoured; a longer Retry-After is cut to it.
const MAX_WAIT: Duration = Duration::from_secs(30);
/// After waiting this long in all, requests still throttled are given up (not sent).
const MAX_TOTAL_WAIT: Duration = Duration::from_secs(120);

/// How one request ended.
#[derive(Debug, Clone)]
pub enum Sent {
    /// Graph answered it (any status but a 429 it was still waiting out).
    Answered(BatchAnswer),
    /// Its batch failed as a whole; Graph did not answer this request on its own.
    BatchFailed(GraphError),
    /// Still throttled when the run stopped waiting; it was never run.
    GaveUp(BatchAnswer),
}

/// Sends `requests` (ids unique) and returns how each ended, by request id.
pub async fn send_all(
    graph: &GraphClient,
    token: &SecretString,
    requests: Vec<BatchRequest>,
) -> HashMap<String, Sent> {
    let mut done = HashMap::new();
    let mut pending = requests;
    let mut waited = Duration::ZERO;
    while !pending.is_empty() {
        let chunks: Vec<Vec<BatchRequest>> =
            pending.chunks(MAX_REQUESTS).map(<[_]>::to_vec).collect();
        let results: Vec<_> = stream::iter(chunks)
            .map(|chunk| async move {
                let result = super::send(graph, token, &chunk).await;
                (chunk, result)
            })
            .buffer_unordered(IN_FLIGHT)
            .collect()
            .await;
        let mut throttled = Vec::new();
        let mut wait = Duration::ZERO;
        for (chunk, result) in results {
            match result {
                Ok(mut answers) => {
                    for request in chunk {
                        match answers.remove(&request.id) {
                            Some(answer) if answer.throttled() => {
                                wait = wait
                                    .max(answer.retry_after().unwrap_or(Duration::from_secs(1)));
                                throttled.push((request, answer));
                            }
                            Some(answer) => {
                                done.insert(request.id, Sent::Answered(answer));
                            }
                            None => {
                                let missing = BatchAnswer {
                                    id: request.id.clone(),
                                    body: serde_json::json!({"error": {"message":
                                        "Graph's answer to the batch left this request out."}}),
                                    ..BatchAnswer::default()
                                };
                                done.insert(request.id, Sent::Answered(missing));
                            }
                        }
                    }
                }
                Err(error) => {
                    for request in chunk {
                        done.insert(request.id, Sent::BatchFailed(error.clone()));
                    }
                }
            }
        }
        if throttled.is_empty() {
            break;
        }
        let wait = wait.min(MAX_WAIT);
        if waited + wait > MAX_TOTAL_WAIT {
            for (request, answer) in throttled {
                done.insert(request.id, Sent::GaveUp(answer));
            }
            break;
        }
        tracing::info!(
            throttled = throttled.len(),
            wait_ms = wait.as_millis() as u64,
            "waiting out Graph throttling before sending the throttled requests again"
        );
        tokio::time::sleep(wait).await;
        waited += wait;
        pending = throttled.into_iter().map(|(request, _)| request).collect();
    }
    done
}
