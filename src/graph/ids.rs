//! Resource ids in Graph paths.

use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, utf8_percent_encode};

/// Everything but unreserved characters is encoded, so an id can never add a path segment or a query.
const SEGMENT: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'_')
    .remove(b'.')
    .remove(b'~');

/// `id` percent-encoded as one path segment of a link in the app's own pages.
pub fn encode_id(id: &str) -> String {
    let encoded = utf8_percent_encode(id, SEGMENT).to_string();
    match encoded.as_str() {
        "." => "%2E".to_string(),
        ".." => "%2E%2E".to_string(),
        _ => encoded,
    }
}

/// `id` as one segment of a Graph request path. A segment of dots alone (`.`, `..`, and their
/// `%2E` spellings) is resolved by the URL parser, so such an id has its `%` encoded again: the
/// request stays in its collection and Graph answers that no such item exists. The pages refuse
/// these ids before any call; this keeps every other caller inside too.
pub fn graph_segment(id: &str) -> String {
    if id.chars().all(|c| c == '.') {
        return id.replace('.', "%252E");
    }
    utf8_percent_encode(id, SEGMENT).to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_stay_one_segment() {
        assert_eq!(encode_id("da63_-1.x~"), "da63_-1.x~");
        assert_eq!(encode_id("a/b?c#d e"), "a%2Fb%3Fc%23d%20e");
        assert_eq!(encode_id(".."), "%2E%2E");
        assert_eq!(graph_segment("a..b"), "a..b");
    }

    #[test]
    fn dot_segments_stay_in_the_collection() {
        let base = url::Url::parse("https://graph.example/").unwrap();
        for id in [".", "..", "...", "%2e", "%2E%2E", "a/../b", "a%2Fb"] {
            let mut url = base.clone();
            url.set_path(&format!("v1.0/security/alerts_v2/{}", graph_segment(id)));
            let path = url.path().to_string();
            let last = path.strip_prefix("/v1.0/security/alerts_v2/");
            assert!(
                last.is_some_and(|segment| !segment.is_empty() && !segment.contains('/')),
                "{id} -> {path}"
            );
        }
    }
}
