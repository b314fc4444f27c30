//! `spawn_app()`: the sandbox tenant and the app on port 0, fresh storage, a cookie-keeping
//! client with redirects off, and one helper per common step.

use graphsec::config::{AlertsApiKind, Settings};
use graphsec::startup::Application;
use graphsec_sandbox::{Sandbox, SandboxHandle, SandboxOptions};
use reqwest::header::LOCATION;
use reqwest::{Response, StatusCode};
use scraper::{Html, Selector};
use url::Url;

pub const MEGAN: &str = "megan@contoso.example";

pub struct TestApp {
    pub address: String,
    pub port: u16,
    pub sandbox: SandboxHandle,
    pub client: reqwest::Client,
    pub settings: Settings,
    pub data_dir: tempfile::TempDir,
    pub server: tokio::task::JoinHandle<()>,
}

/// Items per page the sandbox answers alerts_v2 and incidents lists with in tests, whatever
/// `$top` asks: fewer than any `$top` the console sends, so every list, export and sync has to
/// follow `@odata.nextLink` as Graph's paging guidance says.
pub const GRAPH_PAGE: usize = 7;

/// The sandbox as tests start it: paging server-side like Graph, pages of [`GRAPH_PAGE`].
pub fn sandbox_options() -> SandboxOptions {
    SandboxOptions {
        page_size: Some(GRAPH_PAGE),
        ..SandboxOptions::default()
    }
}

/// The sandbox without server-side paging: each page holds what `$top` asks. For a test that
/// means it; say why where it is used.
pub fn unpaged() -> SandboxOptions {
    SandboxOptions {
        page_size: None,
        ..sandbox_options()
    }
}

pub async fn spawn_app() -> TestApp {
    spawn_app_with(sandbox_options(), |_| {}).await
}

pub async fn spawn_app_on(api: AlertsApiKind) -> TestApp {
    spawn_app_with(sandbox_options(), |s| s.graph.alerts_api = api).await
}

/// The sandbox with `options` (start from [`sandbox_options`]), the app with settings wired to
/// it and then adjusted by `configure`.
pub async fn spawn_app_with(
    options: SandboxOptions,
    configure: impl FnOnce(&mut Settings),
) -> TestApp {
    let sandbox = Sandbox::start(options).await.expect("sandbox starts");
    let data_dir = tempfile::tempdir().expect("temp dir");
    let mut settings = sandbox_settings(&sandbox, data_dir.path());
    configure(&mut settings);
    let app = start(settings.clone()).await;
    TestApp {
        address: format!("http://localhost:{}", app.0),
        port: app.0,
        sandbox,
        client: new_client(),
        settings: app.1,
        data_dir,
        server: app.2,
    }
}

/// Settings pointing at `sandbox`, with the app on port 0 and its data in `data_dir`. Built from
/// the wiring alone: `GRAPHSEC__…` variables in the environment cannot redirect a test.
pub fn sandbox_settings(sandbox: &SandboxHandle, data_dir: &std::path::Path) -> Settings {
    let mut defaults = graphsec::demo::wiring(sandbox, 0, data_dir);
    defaults.push(("graph.timeout_secs", "10".to_string()));
    // Lists read Graph live unless a test turns the mirror on (`mirror_support`).
    defaults.push(("sync.enabled", "false".to_string()));
    Settings::from_defaults(&defaults).expect("test settings")
}

/// The `graphsec` binary with none of the caller's `GRAPHSEC…` variables: a test sets the ones
/// it means.
pub fn graphsec_command() -> tokio::process::Command {
    let mut command = tokio::process::Command::new(env!("CARGO_BIN_EXE_graphsec"));
    for (key, _) in std::env::vars_os() {
        if key.to_string_lossy().starts_with("GRAPHSEC") {
            command.env_remove(key);
        }
    }
    command
}

/// `graphsec serve` on the example configuration, with credentials that are not placeholders
/// and any free port on loopback.
pub fn serve_example() -> tokio::process::Command {
    let mut command = graphsec_command();
    command
        .arg("serve")
        .arg("--config")
        .arg(concat!(env!("CARGO_MANIFEST_DIR"), "/config.example.toml"))
        .env(
            "GRAPHSEC__IDENTITY__CLIENT_ID",
            "3f1c2a9e-0000-4000-8000-000000000001",
        )
        .env("GRAPHSEC__IDENTITY__CLIENT_SECRET", "a-real-looking-secret")
        .env("GRAPHSEC__SERVER__BIND", "127.0.0.1:0");
    command
}

/// Builds and spawns the app; returns its port, its effective settings and the server task.
pub async fn start(settings: Settings) -> (u16, Settings, tokio::task::JoinHandle<()>) {
    let app = Application::build(settings).await.expect("app builds");
    let port = app.port();
    let effective = (*app.state().settings).clone();
    let server = tokio::spawn(async move {
        app.run_until_stopped().await.expect("app runs");
    });
    (port, effective, server)
}

pub fn new_client() -> reqwest::Client {
    reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .cookie_store(true)
        .build()
        .unwrap()
}

pub fn location(response: &Response) -> String {
    response
        .headers()
        .get(LOCATION)
        .unwrap_or_else(|| panic!("expected a redirect, got {}", response.status()))
        .to_str()
        .unwrap()
        .to_string()
}

pub fn select_text(html: &str, selector: &str) -> Option<String> {
    let doc = Html::parse_document(html);
    let sel = Selector::parse(selector).unwrap();
    doc.select(&sel)
        .next()
        .map(|e| e.text().collect::<String>().trim().to_string())
}

pub fn select_attr(html: &str, selector: &str, attr: &str) -> Option<String> {
    let doc = Html::parse_document(html);
    let sel = Selector::parse(selector).unwrap();
    doc.select(&sel)
        .next()
        .and_then(|e| e.value().attr(attr))
        .map(str::to_string)
}

impl TestApp {
    pub fn url(&self, path: &str) -> String {
        format!("{}{}", self.address, path)
    }

    pub async fn get(&self, path: &str) -> Response {
        self.client.get(self.url(path)).send().await.unwrap()
    }

    pub async fn get_html(&self, path: &str) -> (StatusCode, String) {
        let response = self.get(path).await;
        let status = response.status();
        (status, response.text().await.unwrap())
    }

    /// Starts sign-in at `/login?next=…`; returns the sandbox authorize URL the app sent us to.
    pub async fn begin_sign_in(&self, next: Option<&str>) -> Url {
        let path = match next {
            Some(next) => format!("/login?next={}", urlencode(next)),
            None => "/login".to_string(),
        };
        let response = self.get(&path).await;
        assert!(
            response.status().is_redirection(),
            "login answered {}",
            response.status()
        );
        Url::parse(&location(&response)).unwrap()
    }

    /// Approves the sandbox's authorize page as `upn`; returns the app callback URL with code and state.
    pub async fn approve(&self, authorize_url: &Url, upn: &str) -> Url {
        let response = self
            .client
            .post(authorize_url.clone())
            .form(&[("user", upn), ("decision", "approve")])
            .send()
            .await
            .unwrap();
        assert!(
            response.status().is_redirection(),
            "authorize answered {}",
            response.status()
        );
        Url::parse(&location(&response)).unwrap()
    }

    /// Full sign-in as `upn`; returns the app's answer to the callback (a redirect).
    pub async fn sign_in_as(&self, upn: &str) -> Response {
        let authorize = self.begin_sign_in(None).await;
        let callback = self.approve(&authorize, upn).await;
        self.client.get(callback).send().await.unwrap()
    }

    pub async fn sign_in(&self) {
        let response = self.sign_in_as(MEGAN).await;
        assert_eq!(
            response.status(),
            StatusCode::SEE_OTHER,
            "callback: {}",
            response.text().await.unwrap()
        );
    }

    /// The CSRF token the app put in its forms for this client's session.
    pub async fn csrf_token(&self) -> String {
        let (_, html) = self.get_html("/").await;
        select_attr(&html, "input[name=csrf_token]", "value").expect("a form with a CSRF token")
    }

    /// POSTs a form with the session's CSRF token added.
    pub async fn post_form(&self, path: &str, fields: &[(&str, &str)]) -> Response {
        let token = self.csrf_token().await;
        let mut body: Vec<(&str, &str)> = fields.to_vec();
        body.push(("csrf_token", &token));
        self.client
            .post(self.url(path))
            .form(&body)
            .send()
            .await
            .unwrap()
    }
}

pub fn urlencode(value: &str) -> String {
    url::form_urlencoded::byte_serialize(value.as_bytes()).collect()
}

/// The client's wait after the first 429 on `path`: from that request to the next one on the
/// path, as the sandbox received them, with the `Retry-After` it answered (seconds).
pub fn wait_after_429(sandbox: &SandboxHandle, path: &str) -> (std::time::Duration, f64) {
    let requests: Vec<_> = sandbox
        .state()
        .requests()
        .into_iter()
        .filter(|r| r.path() == path)
        .collect();
    let throttled = requests
        .iter()
        .position(|r| r.status == Some(429))
        .unwrap_or_else(|| panic!("no 429 on {path}"));
    let retry_after: f64 = requests[throttled]
        .retry_after
        .as_deref()
        .expect("a 429 carries Retry-After")
        .parse()
        .unwrap();
    let retry = requests
        .get(throttled + 1)
        .unwrap_or_else(|| panic!("the 429 on {path} was never retried"));
    (
        retry.received_at - requests[throttled].received_at,
        retry_after,
    )
}
