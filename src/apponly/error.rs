//! Errors of the app-only commands, worded for the person running the CLI.

use std::path::PathBuf;

use reqwest::StatusCode;
use url::Url;

use super::Api;
use crate::graph::{GraphError, GraphErrorKind, RetryPolicy};

#[derive(Debug, thiserror::Error)]
pub enum AppOnlyError {
    #[error(
        "app-only tokens need a tenant, but identity.authority is {authority}; set it to \
         https://login.microsoftonline.com/<tenant id or domain> (GRAPHSEC__IDENTITY__AUTHORITY)"
    )]
    TenantRequired { authority: String },

    #[error("identity.{key} is not set; set it in the config file or as {env}")]
    MissingCredential {
        key: &'static str,
        env: &'static str,
    },

    #[error("could not reach {url}: {reason}")]
    Unreachable { url: String, reason: String },

    #[error("the token endpoint refused the client credentials ({code}): {description}")]
    TokenRefused { code: String, description: String },

    #[error("the access token could not be read: {0}")]
    BadToken(String),

    #[error(
        "the app's {api} token has none of the roles {needed}; grant one as an application \
         permission and have an admin consent (roles in the token: {have})"
    )]
    MissingRole {
        api: Api,
        needed: String,
        have: String,
    },

    #[error("{api} rejected the request (HTTP {status}{code}): {message}")]
    Rejected {
        api: &'static str,
        status: u16,
        code: String,
        message: String,
    },

    #[error("{api} is still throttling after {attempts} attempts; try again later")]
    Throttled { api: &'static str, attempts: u32 },

    #[error("{api} asks to wait {seconds} s before the next call; try again later")]
    WaitTooLong { api: &'static str, seconds: u64 },

    #[error("refusing to follow a next link to another host: {0}")]
    ForeignNextLink(String),

    #[error("{api} sent a response that could not be read: {reason}")]
    BadResponse { api: &'static str, reason: String },

    #[error("{0}")]
    BadSince(String),

    #[error("{0}")]
    BadOption(String),

    #[error("could not write {path}: {source}")]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
}

impl AppOnlyError {
    pub fn io(path: impl Into<PathBuf>, source: std::io::Error) -> Self {
        Self::Io {
            path: path.into(),
            source,
        }
    }

    /// Describes a transport failure without the request's query string.
    pub fn unreachable(url: &Url, err: reqwest::Error) -> Self {
        let reason = if err.is_timeout() {
            "the request timed out".to_string()
        } else if err.is_connect() {
            "the connection failed".to_string()
        } else {
            err.without_url().to_string()
        };
        Self::Unreachable {
            url: without_query(url),
            reason,
        }
    }

    /// Words a failed call to `api` for the person running the CLI; `url` is the page asked for.
    /// Throttling is read against [`RetryPolicy::PATIENT`], the CLI's policy.
    pub fn from_graph(api: Api, url: &Url, err: GraphError) -> Self {
        let name = api.display_name();
        let policy = RetryPolicy::PATIENT;
        match err.kind {
            GraphErrorKind::Throttled => match err.retry_after {
                Some(wait) if wait > policy.max_wait => Self::WaitTooLong {
                    api: name,
                    seconds: wait.as_secs(),
                },
                _ => Self::Throttled {
                    api: name,
                    attempts: policy.throttled_attempts,
                },
            },
            GraphErrorKind::InvalidResponse => Self::BadResponse {
                api: name,
                reason: err.message,
            },
            _ if err.status == 0 => Self::Unreachable {
                url: without_query(url),
                reason: match err.kind {
                    GraphErrorKind::Timeout => "the request timed out".to_string(),
                    GraphErrorKind::Unreachable => "the connection failed".to_string(),
                    _ => err.message,
                },
            },
            _ => rejected(name, err),
        }
    }
}

/// An answer with an error status, with the `{"error":{"code","message"}}` that Graph and the
/// Defender API share, or a plain explanation when the body has none.
fn rejected(api: &'static str, err: GraphError) -> AppOnlyError {
    let message = if err.message.is_empty() {
        match err.status {
            401 => "the access token was not accepted".to_string(),
            403 => "the app lacks a permission for this call".to_string(),
            status => StatusCode::from_u16(status)
                .ok()
                .and_then(|s| s.canonical_reason())
                .unwrap_or("error")
                .to_string(),
        }
    } else {
        err.message
    };
    AppOnlyError::Rejected {
        api,
        status: err.status,
        code: if err.code.is_empty() {
            String::new()
        } else {
            format!(", {}", err.code)
        },
        message,
    }
}

fn without_query(url: &Url) -> String {
    let mut shown = url.clone();
    shown.set_query(None);
    shown.to_string()
}
