//! `/static`: the files under `static/`, embedded in the binary at build time, so the binary alone
//! is enough to ship. `GRAPHSEC_STATIC_DIR` serves them from a directory instead.
//!
//! Pages link to assets through [`url`], which adds `?v=` and a hash of the content; a request
//! carrying the version of the bytes it gets is cached for a year, any other revalidates (ETag).

mod response;
mod source;

use std::sync::Arc;

use axum::Router;
use axum::extract::{Path, RawQuery, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::get;

use source::Source;

/// The service nested under `/static`.
pub fn service() -> Router {
    let source = match std::env::var_os("GRAPHSEC_STATIC_DIR") {
        Some(dir) => Source::Directory(dir.into()),
        None => Source::Embedded,
    };
    Router::new()
        .route("/{*path}", get(serve))
        .with_state(Arc::new(source))
}

/// The URL of the embedded asset `name` (a path under `static/`), versioned by its content.
/// Templates call it: `{{ crate::web::assets::url("app.css") }}`.
pub fn url(name: &str) -> String {
    match source::embedded_version(name) {
        Some(version) => format!("/static/{name}?v={version}"),
        None => format!("/static/{name}"),
    }
}

async fn serve(
    State(source): State<Arc<Source>>,
    Path(path): Path<String>,
    RawQuery(query): RawQuery,
    headers: HeaderMap,
) -> Response {
    match source.find(&path).await {
        Some(asset) => response::build(&asset, requested_version(query.as_deref()), &headers),
        None => StatusCode::NOT_FOUND.into_response(),
    }
}

/// The `v` query parameter, if any.
fn requested_version(query: Option<&str>) -> Option<String> {
    url::form_urlencoded::parse(query?.as_bytes())
        .find(|(key, _)| key == "v")
        .map(|(_, value)| value.into_owned())
}

#[cfg(test)]
mod tests {
    use super::url;

    #[test]
    fn an_embedded_asset_url_carries_its_content_version() {
        let link = url("app.css");
        let version = link.strip_prefix("/static/app.css?v=").unwrap();
        assert_eq!(version.len(), 16);
        assert!(version.chars().all(|c| c.is_ascii_hexdigit()));
    }

    #[test]
    fn an_unknown_asset_url_is_left_unversioned() {
        assert_eq!(url("missing.css"), "/static/missing.css");
    }
}
