//! Collection URLs with OData query options (`$filter=...`), values percent-encoded.

use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, utf8_percent_encode};
use url::Url;

const VALUE: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~')
    .remove(b':');

/// `base` + `path` with the given options; option names such as `$filter` stay literal.
pub fn collection_url(base: &Url, path: &str, options: &[(&str, &str)]) -> Url {
    let mut url = base.clone();
    let prefix = url.path().trim_end_matches('/').to_string();
    url.set_path(&format!("{prefix}/{}", path.trim_start_matches('/')));
    let query: Vec<String> = options
        .iter()
        .map(|(name, value)| format!("{name}={}", utf8_percent_encode(value, VALUE)))
        .collect();
    let query = query.join("&");
    url.set_query((!query.is_empty()).then_some(query.as_str()));
    url.set_fragment(None);
    url
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn options_are_encoded_and_names_kept() {
        let base = Url::parse("https://graph.example/").unwrap();
        let url = collection_url(
            &base,
            "/v1.0/security/incidents",
            &[
                ("$filter", "lastUpdateDateTime ge 2026-11-01T00:00:00Z"),
                ("$expand", "alerts"),
            ],
        );
        assert_eq!(
            url.as_str(),
            "https://graph.example/v1.0/security/incidents?$filter=lastUpdateDateTime%20ge%202026-11-01T00:00:00Z&$expand=alerts"
        );
        let pairs: Vec<(String, String)> = url.query_pairs().into_owned().collect();
        assert_eq!(pairs[0].1, "lastUpdateDateTime ge 2026-11-01T00:00:00Z");
    }

    #[test]
    fn a_base_with_a_path_keeps_it() {
        let base = Url::parse("http://127.0.0.1:8/tenant?x=1#f").unwrap();
        let url = collection_url(&base, "api/incidents", &[]);
        assert_eq!(url.as_str(), "http://127.0.0.1:8/tenant/api/incidents");
    }
}
