//! `/static` in process: versioned links, content types, cache policy, ETags, 404 and traversal.

use reqwest::StatusCode;
use reqwest::header::{CACHE_CONTROL, CONTENT_TYPE, ETAG, IF_NONE_MATCH};
use scraper::{Html, Selector};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

use crate::helpers::spawn_app;

const A_YEAR: &str = "public, max-age=31536000, immutable";

/// Every stylesheet, icon and script a page links to.
fn asset_links(html: &str) -> Vec<String> {
    let doc = Html::parse_document(html);
    let links = Selector::parse("link[href], script[src]").unwrap();
    doc.select(&links)
        .filter_map(|e| e.value().attr("href").or(e.value().attr("src")))
        .map(str::to_string)
        .collect()
}

#[tokio::test]
async fn every_static_link_on_a_page_is_versioned_and_cached_for_a_year() {
    let app = spawn_app().await;
    let (_, html) = app.get_html("/").await;
    let links = asset_links(&html);
    assert_eq!(links.len(), 4, "{links:?}");
    for link in links {
        assert!(
            link.starts_with("/static/") && link.contains("?v="),
            "{link}"
        );
        let response = app.get(&link).await;
        assert_eq!(response.status(), StatusCode::OK, "{link}");
        assert_eq!(response.headers()[CACHE_CONTROL], A_YEAR, "{link}");
        assert!(response.headers().contains_key(ETAG), "{link}");
        let content_type = response.headers()[CONTENT_TYPE]
            .to_str()
            .unwrap()
            .to_string();
        let expected = match link.split('?').next().unwrap().rsplit('.').next() {
            Some("css") => "text/css",
            Some("js") => "text/javascript",
            Some("svg") => "image/svg+xml",
            other => panic!("unexpected asset {other:?}"),
        };
        assert!(content_type.starts_with(expected), "{link}: {content_type}");
    }
}

#[tokio::test]
async fn an_unversioned_static_url_revalidates_and_a_current_etag_gets_304() {
    let app = spawn_app().await;
    for path in ["/static/app.css", "/static/app.css?v=0000000000000000"] {
        let response = app.get(path).await;
        assert_eq!(response.status(), StatusCode::OK, "{path}");
        assert_eq!(response.headers()[CACHE_CONTROL], "no-cache", "{path}");
    }
    let etag = app.get("/static/app.css").await.headers()[ETAG].clone();
    let response = app
        .client
        .get(app.url("/static/app.css"))
        .header(IF_NONE_MATCH, etag.clone())
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::NOT_MODIFIED);
    assert_eq!(response.headers()[ETAG], etag);
    assert!(response.bytes().await.unwrap().is_empty());
}

#[tokio::test]
async fn an_unknown_static_file_gets_404() {
    let app = spawn_app().await;
    for path in ["/static/missing.css", "/static/vendor", "/static/"] {
        assert_eq!(
            app.get(path).await.status(),
            StatusCode::NOT_FOUND,
            "{path}"
        );
    }
}

#[tokio::test]
async fn a_static_path_that_climbs_out_of_static_gets_404() {
    let app = spawn_app().await;
    // Sent as written: an HTTP client would resolve the dots before sending.
    for path in [
        "/static/../Cargo.toml",
        "/static/%2e%2e/Cargo.toml",
        "/static/vendor/..%2f..%2fCargo.toml",
        "/static/%2fetc%2fpasswd",
    ] {
        let response = raw_get(app.port, path).await;
        assert!(response.starts_with("HTTP/1.1 404"), "{path}: {response}");
        assert!(!response.contains("[package]"), "{path}");
    }
}

/// The response to `GET path`, written byte for byte on a fresh connection.
async fn raw_get(port: u16, path: &str) -> String {
    let mut stream = tokio::net::TcpStream::connect(("127.0.0.1", port))
        .await
        .unwrap();
    let request = format!("GET {path} HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n");
    stream.write_all(request.as_bytes()).await.unwrap();
    let mut response = Vec::new();
    stream.read_to_end(&mut response).await.unwrap();
    String::from_utf8_lossy(&response).into_owned()
}
