//! Which URLs a secret may travel to: the sign-in authority, Graph and the Defender API get
//! client secrets, codes and tokens, so they must be https unless they are on this machine.

use std::net::IpAddr;

use url::{Host, Url};

use super::ConfigError;

/// `url` when it is https or on a loopback host; otherwise an error naming `key`.
pub fn require_https(key: &'static str, url: Url) -> Result<Url, ConfigError> {
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
            name.eq_ignore_ascii_case("localhost")
                || name.to_ascii_lowercase().ends_with(".localhost")
        }
        Some(Host::Ipv4(ip)) => IpAddr::V4(ip).is_loopback(),
        Some(Host::Ipv6(ip)) => IpAddr::V6(ip).is_loopback(),
        None => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(value: &str) -> Result<Url, ConfigError> {
        require_https("graph.base_url", Url::parse(value).unwrap())
    }

    #[test]
    fn plain_http_only_on_this_machine() {
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
}
