//! Errors of the app-only commands, worded for the person running the CLI.

use std::path::PathBuf;

use super::Api;

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
    pub fn unreachable(url: &url::Url, err: reqwest::Error) -> Self {
        let reason = if err.is_timeout() {
            "the request timed out".to_string()
        } else if err.is_connect() {
            "the connection failed".to_string()
        } else {
            err.without_url().to_string()
        };
        let mut shown = url.clone();
        shown.set_query(None);
        Self::Unreachable {
            url: shown.to_string(),
            reason,
        }
    }
}
