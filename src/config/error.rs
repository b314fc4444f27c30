//! What can be wrong with the settings, each naming the key (and its variable) to fix.

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
