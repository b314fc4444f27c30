//! The built binary on its own: copied to an empty directory it still serves its stylesheet,
//! and `GRAPHSEC_STATIC_DIR` swaps the embedded files for a directory's.

use std::path::Path;
use std::process::Stdio;
use std::time::Duration;

use reqwest::StatusCode;
use reqwest::header::{CACHE_CONTROL, CONTENT_TYPE};
use tokio::io::{AsyncBufReadExt, BufReader};
use tokio::process::{Child, Command};

use crate::helpers::select_attr;

const SOURCE_STATIC: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/static");

/// `graphsec demo` on free ports, run from `dir` with nothing configured; killed on drop.
struct Demo {
    url: String,
    _child: Child,
}

impl Demo {
    async fn start(binary: &Path, dir: &Path, static_dir: Option<&Path>) -> Self {
        let mut command = Command::new(binary);
        command
            .args(["demo", "--port", "0", "--sandbox-port", "0"])
            .current_dir(dir)
            .env_clear()
            // The demo keeps its database under the temp directory: this test's own.
            .env("TMPDIR", dir)
            .env("RUST_LOG", "warn")
            .stdout(Stdio::piped())
            .kill_on_drop(true);
        if let Some(static_dir) = static_dir {
            command.env("GRAPHSEC_STATIC_DIR", static_dir);
        }
        let mut child = command.spawn().expect("graphsec starts");
        let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
        let url = tokio::time::timeout(Duration::from_secs(60), async {
            while let Some(line) = lines.next_line().await.unwrap() {
                if let Some(url) = line.split("graphsec demo is ready: open ").nth(1) {
                    return url.trim().trim_end_matches('/').to_string();
                }
            }
            panic!("graphsec demo exited before it was ready");
        })
        .await
        .expect("graphsec demo is ready within a minute");
        // Keep reading, so the demo never blocks on a full pipe.
        tokio::spawn(async move { while let Ok(Some(_)) = lines.next_line().await {} });
        Self { url, _child: child }
    }

    /// The stylesheet `app.css` as the home page links it: (URL, response).
    async fn stylesheet(&self) -> (String, reqwest::Response) {
        let client = reqwest::Client::new();
        let html = client
            .get(&self.url)
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        let href = select_attr(&html, r#"link[rel="stylesheet"][href*="app.css"]"#, "href")
            .expect("the page links app.css");
        let url = format!("{}{href}", self.url);
        let response = client.get(&url).send().await.unwrap();
        (url, response)
    }
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack
        .windows(needle.len())
        .any(|window| window == needle)
}

#[tokio::test]
async fn a_copied_binary_serves_its_stylesheet_from_an_empty_directory() {
    let dir = tempfile::tempdir().unwrap();
    let binary = dir.path().join("graphsec");
    std::fs::copy(env!("CARGO_BIN_EXE_graphsec"), &binary).unwrap();
    let app_css = std::fs::read(format!("{SOURCE_STATIC}/app.css")).unwrap();

    // The stylesheet is inside the binary, and the source tree's `static/` is named nowhere in it.
    let bytes = std::fs::read(&binary).unwrap();
    assert!(contains(&bytes, &app_css), "app.css is not embedded");
    assert!(
        !contains(&bytes, SOURCE_STATIC.as_bytes()),
        "the binary names {SOURCE_STATIC}"
    );
    drop(bytes);

    let demo = Demo::start(&binary, dir.path(), None).await;
    let (url, response) = demo.stylesheet().await;
    assert_eq!(response.status(), StatusCode::OK, "{url}");
    let content_type = response.headers()[CONTENT_TYPE].to_str().unwrap();
    assert!(content_type.starts_with("text/css"), "{content_type}");
    assert_eq!(
        response.headers()[CACHE_CONTROL],
        "public, max-age=31536000, immutable"
    );
    assert_eq!(response.bytes().await.unwrap(), app_css);
}

#[tokio::test]
async fn graphsec_static_dir_serves_static_files_from_that_directory() {
    let dir = tempfile::tempdir().unwrap();
    let assets = dir.path().join("assets");
    std::fs::create_dir(&assets).unwrap();
    let custom = "body { color: rebeccapurple; }\n";
    std::fs::write(assets.join("app.css"), custom).unwrap();

    let demo = Demo::start(
        Path::new(env!("CARGO_BIN_EXE_graphsec")),
        dir.path(),
        Some(&assets),
    )
    .await;
    let (url, response) = demo.stylesheet().await;
    assert_eq!(response.status(), StatusCode::OK, "{url}");
    // The link names the embedded file's content, not this one: so it is not cached long.
    assert_eq!(response.headers()[CACHE_CONTROL], "no-cache");
    assert_eq!(response.text().await.unwrap(), custom);

    let missing = reqwest::get(format!("{}/static/favicon.svg", demo.url))
        .await
        .unwrap();
    assert_eq!(
        missing.status(),
        StatusCode::NOT_FOUND,
        "only that directory is served"
    );
}
