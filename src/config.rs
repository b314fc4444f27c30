//! Typed settings: an optional TOML file, then `GRAPHSEC__SECTION__KEY` environment overrides.

use std::path::{Path, PathBuf};

use secrecy::{ExposeSecret, SecretString};
use serde::Deserialize;
use url::{Host, Url};

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
    pub notify: NotifySettings,
}

/// `[notify]`: subscription lifetime and the cadence of the background tasks.
#[derive(Debug, Clone, Deserialize)]
#[serde(default)]
pub struct NotifySettings {
    /// Lifetime of a new or renewed subscription, minutes (Graph allows up to 43200).
    pub subscription_minutes: i64,
    /// Renew subscriptions that expire within this many minutes.
    pub renew_before_minutes: i64,
    /// How often the renewal task runs, seconds.
    pub renew_interval_secs: u64,
    /// How often the v2 watcher polls alerts_v2, seconds.
    pub poll_interval_secs: u64,
}

impl Default for NotifySettings {
    fn default() -> Self {
        Self {
            subscription_minutes: 4_320,
            renew_before_minutes: 1_440,
            renew_interval_secs: 300,
            poll_interval_secs: 30,
        }
    }
}

impl NotifySettings {
    pub fn renew_every(&self) -> std::time::Duration {
        std::time::Duration::from_secs(self.renew_interval_secs.max(1))
    }

    pub fn poll_every(&self) -> std::time::Duration {
        std::time::Duration::from_secs(self.poll_interval_secs.max(1))
    }
}

#[derive(Debug, Clone, Deserialize)]
#[serde(default)]
pub struct ServerSettings {
    /// Address the web server listens on; port 0 picks a free port.
    pub bind: String,
    /// The URL users reach the app at; the redirect URI is `public_url + /login/authorized`.
    pub public_url: String,
    /// Where Graph posts change notifications (an https tunnel in practice); default `public_url + /listen`.
    pub notification_url: Option<String>,
    /// Where Graph posts lifecycle notifications; default `public_url + /lifecycle`.
    pub lifecycle_url: Option<String>,
    /// Directory for the SQLite database (sessions, subscriptions, notifications).
    pub data_dir: PathBuf,
    /// Log lines as JSON instead of text.
    pub log_json: bool,
}

impl Default for ServerSettings {
    fn default() -> Self {
        Self {
            bind: "127.0.0.1:5000".into(),
            public_url: "http://localhost:5000".into(),
            notification_url: None,
            lifecycle_url: None,
            data_dir: PathBuf::from("data"),
            log_json: false,
        }
    }
}

#[derive(Debug, Clone, Deserialize)]
#[serde(default)]
pub struct IdentitySettings {
    pub authority: String,
    pub client_id: String,
    pub client_secret: SecretString,
    /// Space-separated delegated scopes; empty = the set the configured alert API needs.
    /// `openid` is always added: sign-in needs the id token's tenant and user.
    pub scopes: String,
    /// Tenant ids whose users may sign in; empty = any work or school tenant. A TOML list, or
    /// one string of ids separated by commas or spaces (as an environment variable).
    #[serde(deserialize_with = "words_or_list")]
    pub allowed_tenants: Vec<String>,
}

/// A list of words from a TOML array or from one string (commas or whitespace between them).
fn words_or_list<'de, D: serde::Deserializer<'de>>(de: D) -> Result<Vec<String>, D::Error> {
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum Words {
        One(String),
        Many(Vec<String>),
    }
    let words = match Words::deserialize(de)? {
        Words::One(text) => text
            .split(|c: char| c == ',' || c.is_whitespace())
            .map(str::to_string)
            .collect(),
        Words::Many(list) => list,
    };
    Ok(words
        .into_iter()
        .map(|w| w.trim().to_ascii_lowercase())
        .filter(|w| !w.is_empty())
        .collect())
}

impl Default for IdentitySettings {
    fn default() -> Self {
        Self {
            authority: "https://login.microsoftonline.com/common".into(),
            client_id: String::new(),
            client_secret: SecretString::from(String::new()),
            scopes: String::new(),
            allowed_tenants: Vec::new(),
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Default)]
#[serde(rename_all = "lowercase")]
pub enum AlertsApiKind {
    #[default]
    V2,
    Legacy,
}

impl AlertsApiKind {
    /// The delegated permission that reading and updating alerts needs on this API.
    pub fn security_scope(self) -> &'static str {
        match self {
            Self::V2 => "SecurityAlert.ReadWrite.All",
            Self::Legacy => "SecurityEvents.ReadWrite.All",
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Self::V2 => "v2",
            Self::Legacy => "legacy",
        }
    }
}

#[derive(Debug, Clone, Deserialize)]
#[serde(default)]
pub struct GraphSettings {
    pub base_url: String,
    pub alerts_api: AlertsApiKind,
    /// Per-call timeout, seconds.
    pub timeout_secs: u64,
}

impl Default for GraphSettings {
    fn default() -> Self {
        Self {
            base_url: "https://graph.microsoft.com".into(),
            alerts_api: AlertsApiKind::V2,
            timeout_secs: 30,
        }
    }
}

#[derive(Debug, Clone, Deserialize)]
#[serde(default)]
pub struct DefenderSettings {
    pub base_url: String,
}

impl Default for DefenderSettings {
    fn default() -> Self {
        Self {
            base_url: "https://api.security.microsoft.com".into(),
        }
    }
}

#[derive(Debug, Clone, Deserialize, Default)]
#[serde(default)]
pub struct RedisSettings {
    /// Empty = single-instance mode (SQLite only).
    pub url: String,
}

/// Whether the `GRAPHSEC__SECTION__KEY` variables of the process are a settings source.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EnvironmentSource {
    /// Read them (the binary: `serve`, `demo` and the CLI commands).
    Process,
    /// Ignore them (tests, which must not be redirected by a user's shell).
    Skip,
}

#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("could not read configuration: {0}")]
    Load(#[from] config::ConfigError),
    #[error("{key} is not set; set it in the config file or as {env}")]
    Missing {
        key: &'static str,
        env: &'static str,
    },
    #[error("{key}: {reason}")]
    Invalid { key: &'static str, reason: String },
    #[error("{key} is not a valid URL ({value:?}): {reason}")]
    BadUrl {
        key: &'static str,
        value: String,
        reason: String,
    },
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
            scopes.push("SecurityIncident.Read.All".into());
        }
        scopes.push("SecurityEvents.Read.All".into());
        scopes.dedup();
        scopes
    }
}

/// The parsed URL keys, with defaults filled in.
#[derive(Debug, Clone)]
pub struct Urls {
    pub public_url: Url,
    pub redirect_url: Url,
    pub notification_url: Url,
    pub lifecycle_url: Url,
    pub authority: Url,
    pub graph: Url,
    pub defender: Url,
}

fn is_placeholder(value: &str) -> bool {
    let value = value.trim();
    PLACEHOLDERS.iter().any(|p| p.eq_ignore_ascii_case(value)) || value.starts_with("ENTER_YOUR")
}

/// A URL secrets, codes and tokens are sent to: https, or plain http on this machine only.
fn secure_url(key: &'static str, value: &str) -> Result<Url, ConfigError> {
    let url = parse_url(key, value)?;
    if url.scheme() == "https" || is_loopback(&url) {
        return Ok(url);
    }
    Err(ConfigError::BadUrl {
        key,
        value: url.to_string(),
        reason: "must be https (plain http is accepted only for localhost or 127.0.0.1, \
                 so secrets and tokens never travel in clear)"
            .into(),
    })
}

/// Whether `url`'s host is this machine: `localhost`, 127.0.0.0/8 or `[::1]`.
fn is_loopback(url: &Url) -> bool {
    match url.host() {
        Some(Host::Domain(name)) => {
            let name = name.to_ascii_lowercase();
            name == "localhost" || name.ends_with(".localhost")
        }
        Some(Host::Ipv4(ip)) => ip.is_loopback(),
        Some(Host::Ipv6(ip)) => ip.is_loopback(),
        None => false,
    }
}

fn parse_url(key: &'static str, value: &str) -> Result<Url, ConfigError> {
    let url = Url::parse(value).map_err(|e| ConfigError::BadUrl {
        key,
        value: value.to_string(),
        reason: e.to_string(),
    })?;
    if !matches!(url.scheme(), "http" | "https") || url.host().is_none() {
        return Err(ConfigError::BadUrl {
            key,
            value: value.to_string(),
            reason: "must be an http or https URL with a host".into(),
        });
    }
    Ok(url)
}

/// Appends a path segment to a base URL whether or not the base ends with `/`.
pub fn join(base: &Url, path: &str) -> Url {
    let mut url = base.clone();
    let trimmed = url.path().trim_end_matches('/').to_string();
    url.set_path(&format!("{trimmed}/{path}"));
    url
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The example file alone: the process environment is not a source here.
    fn example() -> Settings {
        let file = config::File::from(Path::new("config.example.toml")).required(true);
        Settings::build(Some(file), &[], EnvironmentSource::Skip).unwrap()
    }

    fn configured() -> Settings {
        let mut settings = example();
        settings.identity.client_id = "11111111-2222-3333-4444-555555555555".into();
        settings.identity.client_secret = SecretString::from("s3cret".to_string());
        settings
    }

    #[test]
    fn example_config_parses_and_placeholders_are_refused() {
        let settings = example();
        let err = settings.validate().unwrap_err().to_string();
        assert!(err.contains("identity.client_id"), "{err}");
    }

    #[test]
    fn placeholder_secret_is_named() {
        let mut settings = configured();
        settings.identity.client_secret =
            SecretString::from("ENTER_YOUR_CLIENT_SECRET".to_string());
        let err = settings.validate().unwrap_err().to_string();
        assert!(err.contains("GRAPHSEC__IDENTITY__CLIENT_SECRET"), "{err}");
    }

    #[test]
    fn allowed_tenants_are_a_list_or_one_string_of_guids() {
        let from_env = Settings::from_defaults(&[(
            "identity.allowed_tenants",
            "2F5E2C4B-7D1A-4C8E-9B3F-6A1D0E8C5B21, 8a3d9f10-4b6e-4e2a-a7c5-3e9b1d2f4c60".into(),
        )])
        .unwrap();
        assert_eq!(
            from_env.identity.allowed_tenants,
            [
                "2f5e2c4b-7d1a-4c8e-9b3f-6a1d0e8c5b21",
                "8a3d9f10-4b6e-4e2a-a7c5-3e9b1d2f4c60"
            ]
        );
        assert!(example().identity.allowed_tenants.is_empty());
        let mut settings = configured();
        settings.identity.allowed_tenants = vec!["contoso.example".into()];
        let err = settings.validate().unwrap_err().to_string();
        assert!(err.contains("identity.allowed_tenants"), "{err}");
        settings.identity.scopes = "User.Read".into();
        assert_eq!(settings.scopes(), ["openid", "User.Read"]);
    }

    #[test]
    fn secrets_go_over_https_or_stay_on_this_machine() {
        let check = |value: &str| secure_url("graph.base_url", value);
        assert!(check("https://graph.microsoft.com").is_ok());
        assert!(check("http://127.0.0.1:8080/").is_ok());
        assert!(check("http://127.8.0.1/").is_ok());
        assert!(check("http://localhost:1/").is_ok());
        assert!(check("http://[::1]:9/").is_ok());
        let err = check("http://graph.microsoft.com").unwrap_err().to_string();
        assert!(
            err.contains("graph.base_url") && err.contains("https"),
            "{err}"
        );
        assert!(check("http://127.0.0.1.evil.example/").is_err());
        assert!(check("http://10.0.0.1/").is_err());
    }

    #[test]
    fn bad_url_names_its_key() {
        let mut settings = configured();
        settings.graph.base_url = "not a url".into();
        let err = settings.validate().unwrap_err().to_string();
        assert!(err.contains("graph.base_url"), "{err}");
    }

    #[test]
    fn derived_urls_follow_public_url() {
        let mut settings = configured();
        settings.server.public_url = "https://console.example/".into();
        let urls = settings.urls().unwrap();
        assert_eq!(
            urls.redirect_url.as_str(),
            "https://console.example/login/authorized"
        );
        assert_eq!(
            urls.notification_url.as_str(),
            "https://console.example/listen"
        );
        assert_eq!(
            urls.lifecycle_url.as_str(),
            "https://console.example/lifecycle"
        );
    }

    #[test]
    fn default_scopes_follow_the_alert_api() {
        let mut settings = configured();
        assert!(
            settings
                .scopes()
                .contains(&"SecurityAlert.ReadWrite.All".to_string())
        );
        settings.graph.alerts_api = AlertsApiKind::Legacy;
        assert!(
            settings
                .scopes()
                .contains(&"SecurityEvents.ReadWrite.All".to_string())
        );
        assert!(settings.scopes().contains(&"offline_access".to_string()));
    }

    #[test]
    fn defaults_alone_make_settings() {
        let defaults = [("defender.base_url", "http://sandbox.test".to_string())];
        let settings = Settings::from_defaults(&defaults).unwrap();
        assert_eq!(settings.defender.base_url, "http://sandbox.test");
        assert_eq!(settings.graph.base_url, "https://graph.microsoft.com");
    }
}
