//! Graph's webhook endpoints, `POST /listen` and `POST /lifecycle` (no session, no CSRF). They
//! read raw bytes, answer validation requests with the decoded token as text/plain, and answer
//! a batch with 202 only after the accepted notifications are committed.

use axum::{
    body::Bytes,
    extract::{FromRequest, Request, State, rejection::BytesRejection},
    http::{HeaderMap, StatusCode, header},
    response::{IntoResponse, Response},
};

use serde::de::DeserializeSeed;
use serde_json::Value;

use crate::notify::{
    Notify,
    inbound::item::InBody,
    inbound::webhook::{self, Inbound, WebhookError},
    storage::StorageError,
};

/// `POST /listen`: validation handshake or change notifications.
pub async fn listen(State(notify): State<Notify>, request: Request) -> Response {
    let received = match receive(request).await {
        Ok(received) => received,
        Err(error) => return refuse(&error),
    };
    match received.read(|body| InBody { body }) {
        Ok(Inbound::Validation(token)) => echo(token),
        Ok(Inbound::Batch(items)) => match notify.intake.changes(items).await {
            Ok(report) => {
                tracing::debug!(report.accepted, report.rejected, "change notifications");
                StatusCode::ACCEPTED.into_response()
            }
            Err(error) => storage_failed(&error),
        },
        Err(error) => refuse(&error),
    }
}

/// `POST /lifecycle`: validation handshake or lifecycle notifications (few and rare, so
/// each item is read into a JSON value).
pub async fn lifecycle(State(notify): State<Notify>, request: Request) -> Response {
    let received = match receive(request).await {
        Ok(received) => received,
        Err(error) => return refuse(&error),
    };
    let items = match received.read(webhook::raw_items) {
        Ok(Inbound::Validation(token)) => return echo(token),
        Ok(Inbound::Batch(items)) => items
            .iter()
            .map(|raw| serde_json::from_str(raw.get()))
            .collect::<Result<Vec<Value>, _>>(),
        Err(error) => return refuse(&error),
    };
    match items {
        Ok(items) => match notify.intake.lifecycle(items).await {
            Ok((events, report)) => {
                tracing::info!(report.accepted, report.rejected, "lifecycle notifications");
                notify.enqueue_lifecycle(events);
                StatusCode::ACCEPTED.into_response()
            }
            Err(error) => storage_failed(&error),
        },
        Err(_) => refuse(&WebhookError::Malformed(
            "an item is nested too deeply".into(),
        )),
    }
}

/// A webhook request read to the end: what [`webhook::read`] classifies.
struct Received {
    query: Option<String>,
    headers: HeaderMap,
    body: Bytes,
}

impl Received {
    /// Classifies the request, reading each item of a batch with the seed `item` makes.
    fn read<'a, S: DeserializeSeed<'a> + Copy>(
        &'a self,
        item: fn(&'a str) -> S,
    ) -> Result<Inbound<S::Value>, WebhookError> {
        webhook::read(self.query.as_deref(), &self.headers, &self.body, item)
    }
}

/// Reads the request. A body whose declared length is over the limit is
/// refused before any of it is read; one that turns out longer is refused at the limit.
async fn receive(request: Request) -> Result<Received, WebhookError> {
    let (mut parts, body) = request.into_parts();
    let query = parts.uri.query().map(str::to_owned);
    let validating = webhook::validation_token(query.as_deref()).is_some();
    if !validating && webhook::declared_too_large(&parts.headers) {
        return Err(WebhookError::TooLarge);
    }
    // Reading the body needs only the extensions (the body limit), not the headers.
    let headers = std::mem::take(&mut parts.headers);
    let request = Request::from_parts(parts, body);
    let body = match Bytes::from_request(request, &()).await {
        Ok(body) => body,
        Err(_) if validating => Bytes::new(),
        Err(BytesRejection::FailedToBufferBody(e)) if is_length_limit(&e) => {
            return Err(WebhookError::TooLarge);
        }
        Err(_) => {
            return Err(WebhookError::Malformed(
                "it could not be read to the end".into(),
            ));
        }
    };
    Ok(Received {
        query,
        headers,
        body,
    })
}

fn is_length_limit(error: &axum::extract::rejection::FailedToBufferBody) -> bool {
    matches!(
        error,
        axum::extract::rejection::FailedToBufferBody::LengthLimitError(_)
    )
}

/// The validation answer: 200, text/plain, the decoded token and nothing else.
fn echo(token: String) -> Response {
    plain(StatusCode::OK, token)
}

fn refuse(error: &WebhookError) -> Response {
    // The message can quote the body (a JSON parse error): `?` escapes line breaks.
    tracing::warn!(error = ?error.to_string(), "webhook request refused");
    plain(error.status(), error.to_string())
}

/// Nothing was acknowledged, so Graph retries: a 5xx is the documented way to ask.
fn storage_failed(error: &StorageError) -> Response {
    tracing::error!(%error, "storing notifications failed");
    let body = "notifications could not be stored; retry later";
    plain(StatusCode::SERVICE_UNAVAILABLE, body.to_owned())
}

/// Every webhook answer with a body: plain text that no browser may take for another type
/// (the page layers, which set `nosniff` elsewhere, do not run here).
fn plain(status: StatusCode, body: String) -> Response {
    let headers = [
        (header::CONTENT_TYPE, "text/plain; charset=utf-8"),
        (header::X_CONTENT_TYPE_OPTIONS, "nosniff"),
    ];
    (status, headers, body).into_response()
}

#[cfg(test)]
mod tests;
