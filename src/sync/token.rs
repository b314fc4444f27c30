//! App-only tokens for the sync, one per tenant, asked with the client-credentials grant at the
//! tenant's own token endpoint and kept until shortly before they expire.

use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;

use secrecy::SecretString;
use tokio::sync::Mutex;
use tokio::time::Instant;
use url::Url;

use crate::apponly::{Api, AppOnlyError, ClientCredentials};

/// The application permissions the mirror reads with (either of each pair).
pub const ALERT_ROLES: [&str; 2] = ["SecurityAlert.Read.All", "SecurityAlert.ReadWrite.All"];
pub const INCIDENT_ROLES: [&str; 2] = [
    "SecurityIncident.Read.All",
    "SecurityIncident.ReadWrite.All",
];

/// A token is asked again this long before it expires.
const MARGIN: Duration = Duration::from_secs(300);

/// Why the sync has no token for a tenant.
#[derive(Debug, Clone, thiserror::Error)]
pub enum TokenError {
    /// The tenant's admin has not granted the application permissions.
    #[error(
        "the tenant has not granted graphsec the application permissions {0} (an admin consents \
         to them on the admin-consent page)"
    )]
    NotConsented(String),
    #[error("{0}")]
    Failed(String),
}

#[derive(Clone)]
struct Held {
    token: SecretString,
    until: Instant,
}

/// Tokens per tenant; clones share them.
#[derive(Clone)]
pub struct AppTokens {
    /// The configured authority, whose last segment is replaced by each tenant's id.
    authority: Url,
    client_id: String,
    client_secret: SecretString,
    http: reqwest::Client,
    held: Arc<Mutex<HashMap<String, Held>>>,
}

impl AppTokens {
    pub fn new(authority: Url, client_id: String, client_secret: SecretString) -> Self {
        Self {
            authority,
            client_id,
            client_secret,
            http: crate::apponly::http_client(),
            held: Arc::default(),
        }
    }

    /// A token for `tenant` carrying a role to read alerts and one to read incidents.
    pub async fn get(&self, tenant: &str) -> Result<SecretString, TokenError> {
        let mut held = self.held.lock().await;
        if let Some(h) = held.get(tenant)
            && h.until > Instant::now()
        {
            return Ok(h.token.clone());
        }
        let credentials = ClientCredentials {
            authority: tenant_authority(&self.authority, tenant),
            client_id: self.client_id.clone(),
            client_secret: self.client_secret.clone(),
        };
        let token = credentials
            .acquire(&self.http, Api::Graph)
            .await
            .map_err(|e| match e {
                AppOnlyError::TokenRefused { code, .. } if code.contains("consent") => {
                    TokenError::NotConsented(roles_needed())
                }
                other => TokenError::Failed(other.to_string()),
            })?;
        let has = |roles: &[&str]| {
            roles
                .iter()
                .any(|r| token.claims.roles.iter().any(|h| h == r))
        };
        if !has(&ALERT_ROLES) || !has(&INCIDENT_ROLES) {
            return Err(TokenError::NotConsented(roles_needed()));
        }
        let lifetime = Duration::from_secs(token.expires_in.max(60));
        held.insert(
            tenant.to_string(),
            Held {
                token: token.access_token.clone(),
                until: Instant::now()
                    + lifetime.saturating_sub(MARGIN).max(Duration::from_secs(30)),
            },
        );
        Ok(token.access_token)
    }
}

fn roles_needed() -> String {
    format!("{} and {}", ALERT_ROLES[0], INCIDENT_ROLES[0])
}

/// `https://login…/common` → `https://login…/{tenant}`.
pub fn tenant_authority(authority: &Url, tenant: &str) -> Url {
    let mut url = authority.clone();
    let mut segments: Vec<String> = authority
        .path_segments()
        .map(|s| s.filter(|p| !p.is_empty()).map(str::to_string).collect())
        .unwrap_or_default();
    match segments.last_mut() {
        Some(last) => *last = tenant.to_string(),
        None => segments.push(tenant.to_string()),
    }
    url.set_path(&segments.join("/"));
    url
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_tenant_replaces_the_authority_s_last_segment() {
        let common = Url::parse("https://login.example/common").unwrap();
        assert_eq!(
            tenant_authority(&common, "t1").as_str(),
            "https://login.example/t1"
        );
        let nested = Url::parse("http://127.0.0.1:9/x/organizations/").unwrap();
        assert_eq!(
            tenant_authority(&nested, "t1").as_str(),
            "http://127.0.0.1:9/x/t1"
        );
    }
}
