//! How a URL that may carry credentials appears in messages and logs: without the user name
//! and password (`redis://user:password@host` becomes `redis://***@host`).

use url::Url;

/// `raw` with any credentials replaced by `***`; a value that is not a URL is not shown at all.
pub fn without_credentials(raw: &str) -> String {
    let Ok(mut url) = Url::parse(raw.trim()) else {
        return "(not shown: it is not a URL)".into();
    };
    if url.username().is_empty() && url.password().is_none() {
        return url.to_string();
    }
    // Both setters fail only for URLs that cannot carry credentials at all.
    let _ = url.set_password(None);
    let _ = url.set_username("***");
    url.to_string()
}

#[cfg(test)]
mod tests {
    use super::without_credentials;

    #[test]
    fn credentials_are_never_shown() {
        assert_eq!(
            without_credentials("redis://app:hunter2@cache.internal:6380/2"),
            "redis://***@cache.internal:6380/2"
        );
        assert_eq!(
            without_credentials("rediss://:hunter2@cache.internal"),
            "rediss://***@cache.internal"
        );
        assert_eq!(
            without_credentials("redis://127.0.0.1:6379"),
            "redis://127.0.0.1:6379"
        );
        assert!(!without_credentials("hunter2@@::").contains("hunter2"));
    }
}
