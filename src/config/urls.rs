//! The URL keys: parsing, the https rule for every URL a secret or token is sent to, and
//! joining paths onto a base.

use url::{Host, Url};

use super::error::ConfigError;

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

/// A URL secrets, codes and tokens are sent to: https, or plain http on this machine only.
pub(super) fn secure_url(key: &'static str, value: &str) -> Result<Url, ConfigError> {
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

pub(super) fn parse_url(key: &'static str, value: &str) -> Result<Url, ConfigError> {
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
