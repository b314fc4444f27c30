//! The sandbox's shared state: configuration, signing key, and one part per feature.

use super::SandboxOptions;
use super::defender::DefenderState;
use super::faults::Faults;
use super::identity::store::IdentityStore;
use super::requests::{RecordedRequest, RequestLog};
use super::security::SecurityStore;
use super::subscriptions::Subscriptions;
use super::throttling::Buckets;
use super::tokens::TokenSigner;
use super::users::tenant_by_ref;
use std::sync::Arc;
use url::Url;

#[derive(Clone)]
pub struct SandboxState {
    config: Arc<Config>,
    signer: Arc<TokenSigner>,
    identity: Arc<IdentityStore>,
    faults: Arc<Faults>,
    requests: Arc<RequestLog>,
    security: Arc<SecurityStore>,
    defender: Arc<DefenderState>,
    subscriptions: Arc<Subscriptions>,
    throttling: Arc<Buckets>,
}

struct Config {
    options: SandboxOptions,
    base_url: Url,
}

impl SandboxState {
    pub fn new(options: SandboxOptions, base_url: Url) -> Self {
        let security = SecurityStore::default().with_extra_alerts(options.extra_alerts);
        Self {
            config: Arc::new(Config { options, base_url }),
            signer: Arc::new(TokenSigner::new()),
            identity: Arc::new(IdentityStore::default()),
            faults: Arc::new(Faults::default()),
            requests: Arc::new(RequestLog::default()),
            security: Arc::new(security),
            defender: Arc::new(DefenderState::default()),
            subscriptions: Arc::new(Subscriptions::default()),
            throttling: Arc::new(Buckets::default()),
        }
    }

    pub fn options(&self) -> &SandboxOptions {
        &self.config.options
    }

    /// `http://127.0.0.1:P/`: the origin the sandbox serves on.
    pub fn base_url(&self) -> &Url {
        &self.config.base_url
    }

    pub fn signer(&self) -> &TokenSigner {
        &self.signer
    }

    pub fn identity(&self) -> &IdentityStore {
        &self.identity
    }

    /// Fault injection for Graph routes.
    pub fn faults(&self) -> &Faults {
        &self.faults
    }

    /// Alerts, incidents and the sendMail outbox.
    pub fn security(&self) -> &SecurityStore {
        &self.security
    }

    /// The Defender API's part: its rate limit.
    pub fn defender(&self) -> &DefenderState {
        &self.defender
    }

    /// Change-notification subscriptions and their deliveries.
    pub fn subscriptions(&self) -> &Subscriptions {
        &self.subscriptions
    }

    /// Graph's rate-limit buckets, one per app and tenant.
    pub fn throttling(&self) -> &Buckets {
        &self.throttling
    }

    pub fn request_log(&self) -> &RequestLog {
        &self.requests
    }

    /// The most recent requests received (any route), oldest first.
    pub fn requests(&self) -> Vec<RecordedRequest> {
        self.requests.snapshot()
    }

    /// How many requests (any route) had a path starting with `prefix`.
    pub fn request_count(&self, prefix: &str) -> u64 {
        self.requests.count(prefix)
    }

    /// Whether the tenant (key, GUID or domain) has admin consent for the security permissions.
    pub fn is_consented(&self, tenant: &str) -> bool {
        tenant_by_ref(tenant).is_some_and(|t| self.identity.is_consented(t))
    }

    /// Token lifetime in whole seconds (at least one).
    pub fn token_lifetime_secs(&self) -> u64 {
        (self.options().token_lifetime.as_secs_f64().ceil() as u64).max(1)
    }

    #[cfg(test)]
    pub(crate) fn for_tests(options: SandboxOptions) -> Self {
        Self::new(
            options,
            Url::parse("http://127.0.0.1:1").expect("valid URL"),
        )
    }
}
