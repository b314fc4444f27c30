//! Typed settings: an optional TOML file, then `GRAPHSEC__SECTION__KEY` environment overrides.
//! The sections are in `sections.rs`, the URL keys and their rules in `urls.rs`.

mod error;
mod sections;
#[cfg(test)]
mod tests;
mod urls;

pub use error::ConfigError;
pub use sections::*;
pub use urls::{Urls, join};
use urls::{parse_url, secure_url};

use std::path::Path;

use secrecy::ExposeSecret;
use serde::Deserialize;

/// Values that mean "not configured yet" (the sample refused to start with them, and so do we).
const PLACEHOLDERS: &[&str] = &[
    "",
    "ENTER_YOUR_CLIENT_ID",
    "ENTER_YOUR_CLIENT_SECRET",
    "changeme",
];

#[derive(Debug, Clone, Deserialize)]
pub struct Settings {
    #[serde(default)]
    pub server: ServerSettings,
    #[serde(default)]
    pub identity: IdentitySettings,
    #[serde(default)]
    pub graph: GraphSettings,
    #[serde(default)]
    pub defender: DefenderSettings,
    #[serde(default)]
    pub redis: RedisSettings,
    #[serde(default)]
    pub database: DatabaseSettings,
    #[serde(default)]
    pub notify: NotifySettings,
    #[serde(default)]
    pub audit: AuditSettings,
    #[serde(default)]
    pub sync: SyncSettings,
}

/// Whether the `GRAPHSEC__SECTION__KEY` variables of the process are a settings source.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EnvironmentSource {
    /// Read them (the binary: `serve`, `demo` and the CLI commands).
    Process,
    /// Ignore them (tests, which must not be redirected by a user's shell).
    Skip,
}

impl Settings {
    /// Reads `file` (or `config.toml` when present) and the `GRAPHSEC__` environment.
    pub fn load(file: Option<&Path>) -> Result<Self, ConfigError> {
        let source = match file {
            Some(path) => config::File::from(path).required(true),
            None => config::File::with_name("config.toml").required(false),
        };
        Self::load_layered(Some(source), &[])
    }

    /// `defaults` (dotted keys) sit below the file and the environment, so the demo can wire the
    /// sandbox in and still honour every `GRAPHSEC__` override.
    pub fn load_layered(
        file: Option<config::File<config::FileSourceFile, config::FileFormat>>,
        defaults: &[(&str, String)],
    ) -> Result<Self, ConfigError> {
        Self::build(file, defaults, EnvironmentSource::Process)
    }

    /// `defaults` (dotted keys) and nothing else: no file, and the process environment is never
    /// read, so an exported `GRAPHSEC__…` variable cannot redirect what tests build.
    pub fn from_defaults(defaults: &[(&str, String)]) -> Result<Self, ConfigError> {
        Self::build(None, defaults, EnvironmentSource::Skip)
    }

    /// `file` over `defaults`, with the `GRAPHSEC__` environment on top unless `environment`
    /// says to skip it.
    pub fn build(
        file: Option<config::File<config::FileSourceFile, config::FileFormat>>,
        defaults: &[(&str, String)],
        environment: EnvironmentSource,
    ) -> Result<Self, ConfigError> {
        let mut builder = config::Config::builder();
        for (key, value) in defaults {
            builder = builder.set_default(*key, value.as_str())?;
        }
        if let Some(file) = file {
            builder = builder.add_source(file);
        }
        if environment == EnvironmentSource::Process {
            builder =
                builder.add_source(config::Environment::with_prefix("GRAPHSEC").separator("__"));
        }
        let settings = builder.build()?.try_deserialize::<Settings>()?;
        Ok(settings)
    }

    /// Checks what `serve` cannot run without: real credentials and parseable URLs.
    pub fn validate(&self) -> Result<(), ConfigError> {
        if is_placeholder(&self.identity.client_id) {
            return Err(ConfigError::Missing {
                key: "identity.client_id",
                env: "GRAPHSEC__IDENTITY__CLIENT_ID",
            });
        }
        if is_placeholder(self.identity.client_secret.expose_secret()) {
            return Err(ConfigError::Missing {
                key: "identity.client_secret",
                env: "GRAPHSEC__IDENTITY__CLIENT_SECRET",
            });
        }
        if let Some(bad) = self
            .identity
            .allowed_tenants
            .iter()
            .find(|t| uuid::Uuid::parse_str(t).is_err())
        {
            return Err(ConfigError::Invalid {
                key: "identity.allowed_tenants",
                reason: format!(
                    "{bad:?} is not a tenant id (a GUID such as 2f5e2c4b-7d1a-4c8e-9b3f-6a1d0e8c5b21)"
                ),
            });
        }
        if let Some(bad) = self
            .sync
            .tenants
            .iter()
            .find(|t| uuid::Uuid::parse_str(t).is_err())
        {
            return Err(ConfigError::Invalid {
                key: "sync.tenants",
                reason: format!("{bad:?} is not a tenant id (a GUID)"),
            });
        }
        if self.graph.budget_per_minute < 3 {
            return Err(ConfigError::Invalid {
                key: "graph.budget_per_minute",
                reason: "the sync needs at least 3 calls a minute beside the pages".to_string(),
            });
        }
        for (key, days) in [
            ("notify.retention_days", self.notify.retention_days),
            ("audit.retention_days", u64::from(self.audit.retention_days)),
        ] {
            if days > MAX_RETENTION_DAYS {
                return Err(ConfigError::Invalid {
                    key,
                    reason: format!(
                        "{days} days is longer than records can be dated; at most \
                         {MAX_RETENTION_DAYS} (100 years)"
                    ),
                });
            }
        }
        self.urls().map(|_| ())
    }

    /// Every URL key, parsed; the first bad one is named in the error.
    pub fn urls(&self) -> Result<Urls, ConfigError> {
        let public_url = parse_url("server.public_url", &self.server.public_url)?;
        let notification_url = match &self.server.notification_url {
            Some(value) if !value.is_empty() => parse_url("server.notification_url", value)?,
            _ => join(&public_url, "listen"),
        };
        let lifecycle_url = match &self.server.lifecycle_url {
            Some(value) if !value.is_empty() => parse_url("server.lifecycle_url", value)?,
            _ => join(&public_url, "lifecycle"),
        };
        Ok(Urls {
            redirect_url: join(&public_url, "login/authorized"),
            authority: secure_url("identity.authority", &self.identity.authority)?,
            graph: secure_url("graph.base_url", &self.graph.base_url)?,
            defender: secure_url("defender.base_url", &self.defender.base_url)?,
            public_url,
            notification_url,
            lifecycle_url,
        })
    }

    /// The delegated scopes to ask for at sign-in.
    pub fn scopes(&self) -> Vec<String> {
        if !self.identity.scopes.trim().is_empty() {
            let mut scopes: Vec<String> = self
                .identity
                .scopes
                .split_whitespace()
                .map(String::from)
                .collect();
            if !scopes.iter().any(|s| s.eq_ignore_ascii_case("openid")) {
                scopes.insert(0, "openid".into());
            }
            return scopes;
        }
        let mut scopes: Vec<String> = [
            "openid",
            "profile",
            "offline_access",
            "User.Read",
            "Mail.Send",
        ]
        .into_iter()
        .map(String::from)
        .collect();
        scopes.push(self.graph.alerts_api.security_scope().to_string());
        if self.graph.alerts_api == AlertsApiKind::V2 {
            scopes.push("SecurityIncident.ReadWrite.All".into());
        }
        scopes.push("SecurityEvents.Read.All".into());
        scopes.dedup();
        scopes
    }
}

fn is_placeholder(value: &str) -> bool {
    let value = value.trim();
    PLACEHOLDERS.iter().any(|p| p.eq_ignore_ascii_case(value)) || value.starts_with("ENTER_YOUR")
}
