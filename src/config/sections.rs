//! The sections of the settings file, one struct each, with their defaults.

use std::path::PathBuf;

use secrecy::SecretString;
use serde::Deserialize;

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
    /// How far before its cursor each v2 poll reaches back, seconds: Graph may index a change
    /// late, with an update time before changes already read.
    pub poll_overlap_secs: u64,
    /// Live notification streams (`/listen/events`) one browser session may hold open.
    pub max_streams_per_session: usize,
    /// Live notification streams this instance holds open at most, all sessions together.
    pub max_streams: usize,
    /// How many notifications a reconnecting stream reaches back at most; older ones are on
    /// the history page.
    pub resume_window: u32,
    /// Subscriptions (webhooks or v2 watches) one user may hold.
    pub max_watches_per_user: usize,
    /// Subscriptions one tenant may hold, all its users together.
    pub max_watches_per_tenant: usize,
    /// How many days accepted notifications stay in the log (at least one). Redis trims older
    /// ones as new ones arrive; SQLite removes them at start and hourly.
    pub retention_days: u64,
}

/// The longest retention either log may be given (100 years): a longer one reaches back before
/// any date can be written, and is refused at start (`Settings::validate`).
pub const MAX_RETENTION_DAYS: u64 = 36_500;

impl Default for NotifySettings {
    fn default() -> Self {
        Self {
            subscription_minutes: 4_320,
            renew_before_minutes: 1_440,
            renew_interval_secs: 300,
            poll_interval_secs: 30,
            poll_overlap_secs: 300,
            max_streams_per_session: 5,
            max_streams: 2_000,
            resume_window: 1_000,
            max_watches_per_user: 20,
            max_watches_per_tenant: 200,
            retention_days: 7,
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

    pub fn poll_overlap(&self) -> std::time::Duration {
        std::time::Duration::from_secs(self.poll_overlap_secs)
    }

    pub fn retention(&self) -> std::time::Duration {
        std::time::Duration::from_secs(self.retention_days.clamp(1, MAX_RETENTION_DAYS) * 86_400)
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
    /// Seconds a request's head may take to arrive (from the connection's opening for its first
    /// request, from its first byte for later ones), and the longest pause inside a request body.
    pub header_read_timeout_secs: u64,
    /// Seconds a kept-alive connection may wait for its next request.
    pub keep_alive_timeout_secs: u64,
    /// Connections open at once, at most (fewer when the open-file limit is lower); when full,
    /// the one that has waited longest for a request is closed to make room.
    pub max_connections: usize,
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
            header_read_timeout_secs: 10,
            keep_alive_timeout_secs: 30,
            max_connections: 4096,
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
    /// Graph calls per minute graphsec allows itself per tenant, sync and pages together (Graph
    /// allows an app 150 `alert` requests a minute per tenant). Pages never wait for it; the
    /// sync waits while pages have used their share.
    pub budget_per_minute: u32,
}

impl Default for GraphSettings {
    fn default() -> Self {
        Self {
            base_url: "https://graph.microsoft.com".into(),
            alerts_api: AlertsApiKind::V2,
            timeout_secs: 30,
            budget_per_minute: 150,
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

/// `[audit]`: how long the record of writes made through graphsec is kept.
#[derive(Debug, Clone, Deserialize)]
#[serde(default)]
pub struct AuditSettings {
    /// Records older than this many days are removed by a background task (at least one).
    pub retention_days: u32,
}

impl Default for AuditSettings {
    fn default() -> Self {
        Self {
            retention_days: 365,
        }
    }
}

/// `[sync]`: the mirror of each tenant's alerts and incidents that lists, counts and searches read.
#[derive(Debug, Clone, Deserialize)]
#[serde(default)]
pub struct SyncSettings {
    /// Keep a mirror at all; off, every list reads Graph live.
    pub enabled: bool,
    /// Seconds between two reads of what changed.
    pub interval_secs: u64,
    /// How far before its cursor each read reaches back, seconds: Graph may index a change late.
    pub overlap_secs: u64,
    /// How many days of alerts and incidents (by last update) the first read fetches.
    pub backfill_days: u32,
    /// Tenant ids mirrored from the start; others join when one of their people signs in.
    #[serde(deserialize_with = "words_or_list")]
    pub tenants: Vec<String>,
}

impl Default for SyncSettings {
    fn default() -> Self {
        Self {
            enabled: true,
            interval_secs: 15,
            overlap_secs: 120,
            backfill_days: 30,
            tenants: Vec::new(),
        }
    }
}

impl SyncSettings {
    pub fn interval(&self) -> std::time::Duration {
        std::time::Duration::from_secs(self.interval_secs.max(1))
    }

    pub fn overlap(&self) -> time::Duration {
        time::Duration::seconds(self.overlap_secs.min(86_400) as i64)
    }

    pub fn backfill(&self) -> time::Duration {
        time::Duration::days(i64::from(self.backfill_days.clamp(1, 3_650)))
    }
}

#[derive(Debug, Clone, Deserialize, Default)]
#[serde(default)]
pub struct DatabaseSettings {
    /// A PostgreSQL URL: the mirror and the audit log live there, shared by every instance.
    /// Empty = SQLite in `data_dir`.
    pub url: String,
}

#[derive(Debug, Clone, Deserialize, Default)]
#[serde(default)]
pub struct RedisSettings {
    /// Empty = single-instance mode (SQLite only).
    pub url: String,
}
