//! The sandbox's Entra ID look-alike: authorize, token and admin-consent endpoints.

mod admin_consent;
mod authorize;
mod grants;
mod oauth_error;
mod pages;
mod params;
pub mod scopes;
pub mod store;
mod token;

use super::SandboxState;
use super::users::{DemoUser, TENANTS, Tenant, tenant_by_ref, users_in};
use axum::Router;
use axum::routing::{get, post};
use url::Url;

pub fn router() -> Router<SandboxState> {
    Router::new()
        .route(
            "/{tenant}/oauth2/v2.0/authorize",
            get(authorize::show).post(authorize::decide),
        )
        .route("/{tenant}/oauth2/v2.0/token", post(token::exchange))
        .route(
            "/{tenant}/adminconsent",
            get(admin_consent::show).post(admin_consent::decide),
        )
        .route("/_sandbox/style.css", get(pages::stylesheet))
}

/// The `{tenant}` segment of an identity URL.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TenantPath {
    /// `common` or `organizations`: any of the sandbox tenants.
    Any(&'static str),
    Specific(&'static Tenant),
}

impl TenantPath {
    pub fn parse(segment: &str) -> Option<Self> {
        ["common", "organizations"]
            .into_iter()
            .find(|s| s.eq_ignore_ascii_case(segment))
            .map(TenantPath::Any)
            .or_else(|| tenant_by_ref(segment).map(TenantPath::Specific))
    }

    pub fn admits(&self, tenant: &Tenant) -> bool {
        match self {
            TenantPath::Any(_) => true,
            TenantPath::Specific(t) => t.key == tenant.key,
        }
    }

    pub fn label(&self) -> &'static str {
        match self {
            TenantPath::Any(_) => "your organisation",
            TenantPath::Specific(t) => t.display_name,
        }
    }

    pub fn users(&self) -> Vec<&'static DemoUser> {
        TENANTS
            .iter()
            .filter(|t| self.admits(t))
            .flat_map(users_in)
            .collect()
    }
}

pub fn unknown_tenant_message(segment: &str) -> String {
    format!(
        "Tenant '{segment}' not found. Check to make sure you have the correct tenant ID and are \
         signing into the correct cloud."
    )
}

impl SandboxState {
    pub(crate) fn is_registered_client(&self, client_id: &str) -> bool {
        client_id == self.options().client_id
    }

    /// Parses `redirect_uri` if it is registered: listed in the options, or, when none are
    /// listed, any `http://localhost:*` or `http://127.0.0.1:*` URI with path `/login/authorized`.
    pub(crate) fn registered_redirect(&self, redirect_uri: &str) -> Option<Url> {
        let url = Url::parse(redirect_uri).ok()?;
        let registered = &self.options().redirect_uris;
        if !registered.is_empty() {
            return registered.iter().any(|r| r == redirect_uri).then_some(url);
        }
        let loopback = matches!(url.host_str(), Some("localhost" | "127.0.0.1"));
        let ok = url.scheme() == "http"
            && loopback
            && url.path() == "/login/authorized"
            && url.query().is_none()
            && url.fragment().is_none()
            && url.username().is_empty()
            && url.password().is_none();
        ok.then_some(url)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::SandboxOptions;

    #[test]
    fn tenant_paths_resolve() {
        assert_eq!(TenantPath::parse("Common"), Some(TenantPath::Any("common")));
        assert!(
            matches!(TenantPath::parse("northwind.example"), Some(TenantPath::Specific(t)) if t.key == "northwind")
        );
        assert_eq!(TenantPath::parse("consumers"), None);
        assert_eq!(TenantPath::parse("common").unwrap().users().len(), 5);
        assert_eq!(TenantPath::parse("contoso").unwrap().users().len(), 3);
    }

    #[test]
    fn default_registration_accepts_loopback_callbacks_only() {
        let state = SandboxState::for_tests(SandboxOptions::default());
        for ok in [
            "http://localhost:5000/login/authorized",
            "http://127.0.0.1:40123/login/authorized",
        ] {
            assert!(state.registered_redirect(ok).is_some(), "{ok}");
        }
        for bad in [
            "https://localhost:5000/login/authorized",
            "http://evil.example/login/authorized",
            "http://localhost:5000/login/authorized?x=1",
            "http://localhost:5000/other",
            "http://user@localhost:5000/login/authorized",
            "not a url",
        ] {
            assert!(state.registered_redirect(bad).is_none(), "{bad}");
        }
    }

    #[test]
    fn listed_redirect_uris_must_match_exactly() {
        let state = SandboxState::for_tests(SandboxOptions {
            redirect_uris: vec!["https://app.example/login/authorized".into()],
            ..SandboxOptions::default()
        });
        assert!(
            state
                .registered_redirect("https://app.example/login/authorized")
                .is_some()
        );
        assert!(
            state
                .registered_redirect("http://localhost:5000/login/authorized")
                .is_none()
        );
    }
}
