//! Resource ids in Graph paths.

use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, utf8_percent_encode};

/// Everything but unreserved characters is encoded, so an id can never add a path segment or a query.
const SEGMENT: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'_')
    .remove(b'.')
    .remove(b'~');

/// `id` percent-encoded as one path segment.
pub fn encode_id(id: &str) -> String {
    let encoded = utf8_percent_encode(id, SEGMENT).to_string();
    match encoded.as_str() {
        "." => "%2E".to_string(),
        ".." => "%2E%2E".to_string(),
        _ => encoded,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_stay_one_segment() {
        assert_eq!(encode_id("da63_-1.x~"), "da63_-1.x~");
        assert_eq!(encode_id("a/b?c#d e"), "a%2Fb%3Fc%23d%20e");
        assert_eq!(encode_id(".."), "%2E%2E");
    }
}
