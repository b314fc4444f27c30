//! The harness: one chromedriver + headless Chromium per test, plus the app and the sandbox.

use std::path::PathBuf;
use std::process::Stdio;
use std::time::Duration;

use fantoccini::wd::{Capabilities, WebDriverCompatibleCommand};
use fantoccini::{Client, ClientBuilder, Locator};
use graphsec::config::{AlertsApiKind, Settings};
use graphsec::startup::Application;
use graphsec_sandbox::{Sandbox, SandboxHandle, SandboxOptions};
use hyper_util::client::legacy::connect::HttpConnector;
use serde_json::{Value, json};
use tokio::process::{Child, Command};
use tokio::sync::Semaphore;

/// The demo analyst most tests sign in as (contoso).
pub const MEGAN: &str = "megan@contoso.example";

/// Two browsers at a time are plenty on a small machine.
static BROWSERS: Semaphore = Semaphore::const_new(2);

#[allow(dead_code)] // not every browser test uses every part
pub struct Session {
    pub client: Client,
    pub app_url: String,
    /// The sandbox tenant, for tests that change alerts behind the browser's back.
    pub sandbox: SandboxHandle,
    _driver: Child,
    _profile: tempfile::TempDir,
    _data: tempfile::TempDir,
    _permit: tokio::sync::SemaphorePermit<'static>,
}

/// Starts chromedriver on a port of its own choosing (`--port=0`) and reads the port it bound
/// from its start-up line, so no port is freed and taken again. A chromedriver that exits
/// before saying so (seen now and then on a loaded machine) is started again, twice at most.
async fn start_driver() -> (Child, u16) {
    for _ in 0..2 {
        if let Some(started) = try_start_driver().await {
            return started;
        }
    }
    try_start_driver()
        .await
        .expect("chromedriver exited three times before it said which port it bound")
}

async fn try_start_driver() -> Option<(Child, u16)> {
    use tokio::io::{AsyncBufReadExt, BufReader};
    let mut driver = Command::new(find("chromedriver"))
        .arg("--port=0")
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .kill_on_drop(true)
        .spawn()
        .expect("chromedriver starts");
    let mut lines = BufReader::new(driver.stdout.take().unwrap()).lines();
    let port = tokio::time::timeout(Duration::from_secs(30), async {
        while let Some(line) = lines.next_line().await.unwrap() {
            if let Some(rest) = line.split("started successfully on port ").nth(1) {
                return Some(rest.trim().trim_end_matches('.').parse::<u16>().unwrap());
            }
        }
        None
    })
    .await
    .expect("chromedriver reports its port")?;
    // Keep reading, so chromedriver never blocks on a full pipe.
    tokio::spawn(async move { while let Ok(Some(_)) = lines.next_line().await {} });
    Some((driver, port))
}

fn find(binary: &str) -> String {
    for dir in ["/usr/bin", "/usr/local/bin", "/usr/lib/chromium"] {
        let path = PathBuf::from(dir).join(binary);
        if path.exists() {
            return path.display().to_string();
        }
    }
    panic!(
        "{binary} is not installed: run `apt-get install chromium chromium-driver` (or .ci/run)"
    );
}

/// Items per page the sandbox answers alerts_v2 and incidents lists with, whatever `$top`
/// asks: paging server-side as Graph may, so the console must follow `@odata.nextLink`.
pub const GRAPH_PAGE: usize = 7;

/// The sandbox as browser tests start it: paging server-side, pages of [`GRAPH_PAGE`]. A test
/// that wants whole pages passes `SandboxOptions { page_size: None, ..sandbox_options() }` to
/// [`start_with`].
pub fn sandbox_options() -> SandboxOptions {
    SandboxOptions {
        page_size: Some(GRAPH_PAGE),
        ..SandboxOptions::default()
    }
}

pub async fn start(api: AlertsApiKind) -> Session {
    start_with(sandbox_options(), api).await
}

pub async fn start_with(options: SandboxOptions, api: AlertsApiKind) -> Session {
    start_configured(options, |settings| settings.graph.alerts_api = api).await
}

/// The sandbox with `options`, the app with the browser tests' settings adjusted by `configure`.
pub async fn start_configured(
    options: SandboxOptions,
    configure: impl FnOnce(&mut Settings),
) -> Session {
    let permit = BROWSERS.acquire().await.unwrap();
    let sandbox = Sandbox::start(options).await.unwrap();
    let data = tempfile::tempdir().unwrap();
    let defaults = graphsec::demo::wiring(&sandbox, 0, data.path());
    let mut settings = Settings::from_defaults(&defaults).unwrap();
    // The alerts_v2 watcher polls; once a second keeps the live tests quick.
    settings.notify.poll_interval_secs = 1;
    configure(&mut settings);
    let app = Application::build(settings).await.unwrap();
    let app_url = format!("http://localhost:{}", app.port());
    tokio::spawn(async move { app.run_until_stopped().await.unwrap() });

    let (driver, port) = start_driver().await;
    let profile = tempfile::tempdir().unwrap();
    let client = connect(port, &profile).await;
    Session {
        client,
        app_url,
        sandbox,
        _driver: driver,
        _profile: profile,
        _data: data,
        _permit: permit,
    }
}

async fn connect(port: u16, profile: &tempfile::TempDir) -> Client {
    let mut caps = Capabilities::new();
    caps.insert(
        "goog:chromeOptions".into(),
        json!({
            "binary": find("chromium"),
            "args": [
                "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                "--disable-quic", "--no-first-run", "--disable-background-networking",
                "--disable-component-update", "--disable-sync", "--window-size=1280,900",
                // Bootstrap scrolls smoothly otherwise, and clicks land where an element was.
                "--force-prefers-reduced-motion",
                format!("--user-data-dir={}", profile.path().display()),
            ],
        }),
    );
    caps.insert("goog:loggingPrefs".into(), json!({"browser": "ALL"}));
    let url = format!("http://127.0.0.1:{port}");
    for _ in 0..50 {
        if let Ok(client) = ClientBuilder::new(HttpConnector::new())
            .capabilities(caps.clone())
            .connect(&url)
            .await
        {
            return client;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("could not open a WebDriver session on chromedriver at {url}");
}

/// chromedriver's log endpoint (not part of W3C WebDriver, but supported by Chromium's driver).
#[derive(Debug)]
struct BrowserLog;

impl WebDriverCompatibleCommand for BrowserLog {
    fn endpoint(
        &self,
        base: &url::Url,
        session: Option<&str>,
    ) -> Result<url::Url, url::ParseError> {
        base.join(&format!("session/{}/se/log", session.unwrap_or_default()))
    }

    fn method_and_body(&self, _: &url::Url) -> (http::Method, Option<String>) {
        (
            http::Method::POST,
            Some(json!({"type": "browser"}).to_string()),
        )
    }
}

impl Session {
    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.app_url)
    }

    pub async fn goto(&self, path: &str) {
        self.client.goto(&self.url(path)).await.unwrap();
    }

    pub async fn text(&self, css: &str) -> String {
        self.client
            .wait()
            .for_element(Locator::Css(css))
            .await
            .unwrap()
            .text()
            .await
            .unwrap()
    }

    pub async fn click(&self, css: &str) {
        self.client
            .wait()
            .for_element(Locator::Css(css))
            .await
            .unwrap()
            .click()
            .await
            .unwrap();
    }

    /// Errors and warnings the console logged since the last call (CSP violations show up here).
    /// A log that cannot be read fails the test: an unread log would pass every page as clean.
    pub async fn console_problems(&self) -> Vec<String> {
        let log = self
            .client
            .issue_cmd(BrowserLog)
            .await
            .unwrap_or_else(|e| panic!("chromedriver's browser log could not be read: {e}"));
        browser_log_problems(&log)
    }
}

/// The SEVERE and WARNING messages of a chromedriver log answer, which must be a JSON array.
pub fn browser_log_problems(log: &Value) -> Vec<String> {
    let entries = log
        .as_array()
        .unwrap_or_else(|| panic!("chromedriver's browser log is not a list: {log}"));
    entries
        .iter()
        .filter(|entry| matches!(entry["level"].as_str(), Some("SEVERE") | Some("WARNING")))
        .map(|entry| entry["message"].as_str().unwrap_or_default().to_string())
        .collect()
}

impl Session {
    /// Asserts the current page is clean: no console errors, every stylesheet and image loaded,
    /// and no resource fetched from a host other than the page's own.
    pub async fn assert_clean_page(&self) {
        self.assert_clean_page_allowing(None).await;
    }

    /// As `assert_clean_page`, for an error page: the document itself was answered with `status`
    /// (which the console reports), and nothing else went wrong.
    pub async fn assert_clean_error_page(&self, status: u16) {
        self.assert_clean_page_allowing(Some(status)).await;
    }

    async fn assert_clean_page_allowing(&self, document_status: Option<u16>) {
        let mut problems = self.console_problems().await;
        if let Some(status) = document_status {
            let expected = format!(
                "{} - Failed to load resource: the server responded with a status of {status}",
                self.current_url().await
            );
            let before = problems.len();
            problems.retain(|p| !p.starts_with(&expected));
            assert_eq!(
                before - problems.len(),
                1,
                "expected the page itself to be answered {status}: {expected}"
            );
        }
        assert!(
            problems.is_empty(),
            "console problems on {}: {problems:#?}",
            self.current_url().await
        );
        let report = self
            .client
            .execute(
                "const origin = location.origin;
                 const foreign = performance.getEntriesByType('resource').map(e => e.name)
                     .filter(n => !n.startsWith(origin));
                 const brokenImages = [...document.images].filter(i => !i.complete || i.naturalWidth === 0).map(i => i.src);
                 const brokenSheets = [...document.querySelectorAll('link[rel=stylesheet]')].filter(l => !l.sheet).map(l => l.href);
                 return {foreign, brokenImages, brokenSheets};",
                vec![],
            )
            .await
            .unwrap();
        for key in ["foreign", "brokenImages", "brokenSheets"] {
            assert_eq!(
                report[key],
                json!([]),
                "{key} on {}",
                self.current_url().await
            );
        }
        self.assert_usable_page().await;
    }

    pub async fn current_url(&self) -> String {
        self.client
            .current_url()
            .await
            .map(|u| u.to_string())
            .unwrap_or_default()
    }

    /// Saves a PNG under target/screenshots (and docs/screenshots when GRAPHSEC_SCREENSHOTS=docs).
    pub async fn screenshot(&self, name: &str) {
        let png = self.client.screenshot().await.unwrap();
        let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
        let mut dirs = vec![root.join("target/screenshots")];
        if std::env::var("GRAPHSEC_SCREENSHOTS").as_deref() == Ok("docs") {
            dirs.push(root.join("docs/screenshots"));
        }
        for dir in dirs {
            std::fs::create_dir_all(&dir).unwrap();
            std::fs::write(dir.join(format!("{name}.png")), &png).unwrap();
        }
    }

    /// Signs in through the sandbox's authorize page as the user with this UPN.
    pub async fn sign_in(&self, upn: &str) {
        self.goto("/").await;
        self.click("#sign-in").await;
        let radio = format!("input[name=user][value='{}']", oid_of(upn));
        self.click(&radio).await;
        self.click("#approve").await;
        self.client
            .wait()
            .for_element(Locator::Css("#signed-in-user"))
            .await
            .unwrap();
    }

    pub async fn close(self) {
        let _ = self.client.close().await;
    }
}

pub fn oid_of(upn: &str) -> &'static str {
    graphsec_sandbox::users::user_by_ref(upn)
        .expect("a demo user")
        .oid
}
