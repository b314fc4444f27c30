//! Friendly explanations of Graph failures, shown on the page that made the call.

use axum::http::StatusCode;

use crate::error::AppError;
use crate::graph::{GraphError, GraphErrorKind};

/// A message for the user about a failed Graph call.
#[derive(Debug, Clone)]
pub struct Notice {
    pub status: StatusCode,
    pub text: String,
    /// Whether to point at the admin-consent page.
    pub consent_link: bool,
}

/// Explains `err`; `permission` names the Graph permission the call needs.
pub fn explain(err: &GraphError, permission: &str) -> Notice {
    let (status, text, consent_link) = match err.kind {
        GraphErrorKind::Forbidden => (
            StatusCode::FORBIDDEN,
            format!(
                "Microsoft Graph refused the call: it needs the {permission} permission, and your \
                 account or your organisation has not granted it. An administrator can grant it \
                 on the admin consent page."
            ),
            true,
        ),
        GraphErrorKind::Throttled => {
            let wait = err.retry_after.map_or(30, |d| d.as_secs().max(1));
            (
                StatusCode::TOO_MANY_REQUESTS,
                format!(
                    "Microsoft Graph is throttling requests. Retry in about {wait} second{}.",
                    if wait == 1 { "" } else { "s" }
                ),
                false,
            )
        }
        GraphErrorKind::Unauthorized => (
            StatusCode::UNAUTHORIZED,
            "Microsoft Graph did not accept your sign-in. Sign out and sign in again.".to_string(),
            false,
        ),
        GraphErrorKind::BadRequest => (StatusCode::BAD_REQUEST, err.user_message(), false),
        GraphErrorKind::NotFound => (StatusCode::NOT_FOUND, err.user_message(), false),
        GraphErrorKind::Timeout => (StatusCode::GATEWAY_TIMEOUT, err.user_message(), false),
        _ => (StatusCode::BAD_GATEWAY, err.user_message(), false),
    };
    Notice {
        status,
        text,
        consent_link,
    }
}

/// The same explanation as an error page.
pub fn to_app_error(err: GraphError, permission: &str) -> AppError {
    let notice = explain(&err, permission);
    match notice.status {
        StatusCode::FORBIDDEN => AppError::Forbidden(notice.text),
        StatusCode::BAD_REQUEST => AppError::BadRequest(notice.text),
        StatusCode::NOT_FOUND => AppError::NotFound(notice.text),
        _ => AppError::Graph(err),
    }
}
