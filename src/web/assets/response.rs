//! An asset's response: content type, ETag, cache policy, and 304 when the client's copy is current.

use axum::body::Body;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::Response;

use super::source::Asset;

/// For a URL whose `?v=` names the bytes served: they never change under it.
const IMMUTABLE: &str = "public, max-age=31536000, immutable";
/// For any other: keep a copy but ask (cheaply, by ETag) before each use.
const REVALIDATE: &str = "no-cache";

pub fn build(asset: &Asset, requested_version: Option<String>, headers: &HeaderMap) -> Response {
    let etag = format!("\"{}\"", asset.version);
    let cache = if requested_version.as_deref() == Some(asset.version.as_str()) {
        IMMUTABLE
    } else {
        REVALIDATE
    };
    let fresh = headers
        .get(header::IF_NONE_MATCH)
        .and_then(|value| value.to_str().ok())
        .is_some_and(|value| matches_etag(value, &etag));
    let (status, body) = if fresh {
        (StatusCode::NOT_MODIFIED, Body::empty())
    } else {
        (StatusCode::OK, Body::from(asset.bytes.clone()))
    };
    let mut response = Response::new(body);
    *response.status_mut() = status;
    let out = response.headers_mut();
    out.insert(header::CACHE_CONTROL, HeaderValue::from_static(cache));
    if let Ok(value) = HeaderValue::from_str(&etag) {
        out.insert(header::ETAG, value);
    }
    if !fresh {
        out.insert(header::CONTENT_TYPE, content_type(&asset.name));
    }
    response
}

/// `If-None-Match`: `*` or a list of tags, compared weakly (a `W/` prefix is ignored).
fn matches_etag(if_none_match: &str, etag: &str) -> bool {
    if_none_match
        .split(',')
        .map(str::trim)
        .any(|tag| tag == "*" || tag.trim_start_matches("W/") == etag)
}

/// By extension; text is UTF-8.
fn content_type(name: &str) -> HeaderValue {
    let mime = mime_guess::from_path(name).first_or_octet_stream();
    let value = if mime.type_() == mime_guess::mime::TEXT {
        format!("{mime}; charset=utf-8")
    } else {
        mime.to_string()
    };
    HeaderValue::from_str(&value).unwrap_or(HeaderValue::from_static("application/octet-stream"))
}

#[cfg(test)]
mod tests {
    use super::{content_type, matches_etag};

    #[test]
    fn content_types_follow_the_extension() {
        assert_eq!(content_type("app.css"), "text/css; charset=utf-8");
        assert!(
            content_type("notify.js")
                .to_str()
                .unwrap()
                .contains("javascript")
        );
        assert_eq!(content_type("favicon.svg"), "image/svg+xml");
        assert_eq!(content_type("LICENSE"), "application/octet-stream");
    }

    #[test]
    fn if_none_match_accepts_lists_weak_tags_and_any() {
        assert!(matches_etag("\"abc\"", "\"abc\""));
        assert!(matches_etag("\"x\", W/\"abc\"", "\"abc\""));
        assert!(matches_etag("*", "\"abc\""));
        assert!(!matches_etag("\"abd\"", "\"abc\""));
    }
}
