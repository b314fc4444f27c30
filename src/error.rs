//! One error type for handlers, turned into a response in one place.
//!
//! The response carries an [`ErrorPage`] extension; the `render_error_pages` middleware turns it
//! into the HTML error page (it knows the request id, the handler does not).

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};

use crate::graph::{GraphError, GraphErrorKind};

#[derive(Debug, thiserror::Error)]
pub enum AppError {
    /// The user's input was wrong; the message says how.
    #[error("{0}")]
    BadRequest(String),
    #[error("{0}")]
    Forbidden(String),
    #[error("{0}")]
    NotFound(String),
    /// A service we depend on failed; the message says which, without internals.
    #[error("{0}")]
    Upstream(String),
    /// Our own storage cannot be reached right now (Redis away); worth retrying shortly.
    #[error("{0}")]
    Unavailable(String),
    #[error(transparent)]
    Graph(#[from] GraphError),
    #[error(transparent)]
    Internal(#[from] anyhow::Error),
}

/// What the error page shows: a status and a message that is safe to show.
#[derive(Debug, Clone)]
pub struct ErrorPage {
    pub status: StatusCode,
    pub title: &'static str,
    pub message: String,
}

impl AppError {
    pub fn bad_request(message: impl Into<String>) -> Self {
        Self::BadRequest(message.into())
    }

    pub fn page(&self) -> ErrorPage {
        match self {
            Self::BadRequest(m) => ErrorPage::new(StatusCode::BAD_REQUEST, "Bad request", m.clone()),
            Self::Forbidden(m) => ErrorPage::new(StatusCode::FORBIDDEN, "Forbidden", m.clone()),
            Self::NotFound(m) => ErrorPage::new(StatusCode::NOT_FOUND, "Not found", m.clone()),
            Self::Upstream(m) => ErrorPage::new(StatusCode::BAD_GATEWAY, "Service unavailable", m.clone()),
            Self::Unavailable(m) => {
                ErrorPage::new(StatusCode::SERVICE_UNAVAILABLE, "Service unavailable", m.clone())
            }
            Self::Graph(err) => {
                let status = match err.kind {
                    GraphErrorKind::NotFound => StatusCode::NOT_FOUND,
                    GraphErrorKind::Forbidden => StatusCode::FORBIDDEN,
                    GraphErrorKind::BadRequest => StatusCode::BAD_REQUEST,
                    GraphErrorKind::Throttled => StatusCode::TOO_MANY_REQUESTS,
                    GraphErrorKind::Timeout => StatusCode::GATEWAY_TIMEOUT,
                    _ => StatusCode::BAD_GATEWAY,
                };
                ErrorPage::new(status, "Microsoft Graph error", err.user_message())
            }
            Self::Internal(_) => ErrorPage::new(
                StatusCode::INTERNAL_SERVER_ERROR,
                "Something went wrong",
                "The server could not complete the request. Quote the request id below when reporting it.".into(),
            ),
        }
    }
}

impl ErrorPage {
    pub fn new(status: StatusCode, title: &'static str, message: String) -> Self {
        Self {
            status,
            title,
            message,
        }
    }
}

impl IntoResponse for AppError {
    fn into_response(self) -> Response {
        match &self {
            Self::Internal(err) => tracing::error!(error = ?err, "request failed"),
            // Messages can quote what a request carried; `?` escapes line breaks and control
            // characters, so a `%0A` in a URL cannot forge log lines.
            Self::Graph(err) => tracing::warn!(error = ?err.to_string(), "Graph call failed"),
            _ => tracing::info!(error = ?self.to_string(), "request rejected"),
        }
        let page = self.page();
        let mut response = page.status.into_response();
        response.extensions_mut().insert(page);
        response
    }
}

impl From<tower_sessions::session::Error> for AppError {
    fn from(err: tower_sessions::session::Error) -> Self {
        Self::Internal(anyhow::Error::new(err).context("session store"))
    }
}

#[cfg(test)]
mod tests {
    use std::io::Write;
    use std::sync::{Arc, Mutex};

    use super::*;

    #[derive(Clone, Default)]
    struct Captured(Arc<Mutex<Vec<u8>>>);

    impl Write for Captured {
        fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
            self.0.lock().unwrap().extend_from_slice(buf);
            Ok(buf.len())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }

    #[test]
    fn a_line_break_in_a_message_cannot_forge_a_log_line() {
        let captured = Captured::default();
        let writer = captured.clone();
        let subscriber = tracing_subscriber::fmt()
            .with_writer(move || writer.clone())
            .with_ansi(false)
            .finish();
        tracing::subscriber::with_default(subscriber, || {
            let _ =
                AppError::bad_request("bad id 'x\n2026-01-01 INFO forged line\r'").into_response();
        });
        let text = String::from_utf8(captured.0.lock().unwrap().clone()).unwrap();
        assert_eq!(text.lines().count(), 1, "{text}");
        assert!(
            text.contains("x\\n2026-01-01 INFO forged line\\r"),
            "{text}"
        );
    }
}
