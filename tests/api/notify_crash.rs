//! Crash safety under load: the real `graphsec` binary is killed with SIGKILL while senders
//! post distinct notifications at full speed; a new process on the same data directory has
//! every notification that got a 202, streams each exactly once to a client resuming from
//! before the crash, and accepts the next delivery.

use std::collections::HashSet;
use std::path::Path;
use std::process::Stdio;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use futures::StreamExt;
use graphsec_sandbox::Sandbox;
use reqwest::StatusCode;
use serde_json::{Value, json};
use tokio::io::{AsyncBufReadExt, BufReader};
use tokio::process::{Child, Command};

use crate::helpers::{MEGAN, location, new_client, sandbox_options, select_attr};
use crate::notify_support::{CONTOSO, change, stored_alert_ids, tenant_id};

const SENDERS: usize = 8;

/// `graphsec serve` with `config`, its URL read from its log; killed on drop.
pub struct Server {
    pub url: String,
    child: Child,
    /// The messages it has logged since it listened.
    messages: Arc<Mutex<Vec<String>>>,
}

impl Server {
    pub async fn start(config: &Path) -> Self {
        Self::start_under(&[], config).await
    }

    /// [`start`](Self::start), run by `wrapper` (a command and its arguments, such as
    /// `prlimit --nofile=…`) when it is not empty.
    pub async fn start_under(wrapper: &[&str], config: &Path) -> Self {
        let mut child = serve_command(wrapper, config, &["--log-format", "json"])
            .spawn()
            .expect("graphsec starts");
        let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
        // Every message counts, also those logged while it starts (a lease taken at once).
        let messages = Arc::new(Mutex::new(Vec::new()));
        let url = tokio::time::timeout(Duration::from_secs(60), async {
            while let Some(line) = lines.next_line().await.unwrap() {
                let Ok(entry) = serde_json::from_str::<Value>(&line) else {
                    continue;
                };
                if let Some(message) = entry["message"].as_str() {
                    messages.lock().unwrap().push(message.to_string());
                }
                if entry["message"] == "graphsec is listening" {
                    return entry["url"]
                        .as_str()
                        .unwrap()
                        .trim_end_matches('/')
                        .to_string();
                }
            }
            panic!("graphsec exited before it listened");
        })
        .await
        .expect("graphsec listens within a minute");
        let logged = Arc::clone(&messages);
        tokio::spawn(async move {
            while let Ok(Some(line)) = lines.next_line().await {
                if let Ok(entry) = serde_json::from_str::<Value>(&line)
                    && let Some(message) = entry["message"].as_str()
                {
                    logged.lock().unwrap().push(message.to_string());
                }
            }
        });
        Self {
            url,
            child,
            messages,
        }
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.url)
    }

    /// Whether it has logged `message` since it started.
    pub fn has_logged(&self, message: &str) -> bool {
        self.messages.lock().unwrap().iter().any(|m| m == message)
    }

    /// The process id, which names the instance in the mirror's `synced_by`.
    pub fn pid(&self) -> u32 {
        self.child.id().expect("running")
    }

    pub async fn kill(mut self) {
        self.child.start_kill().expect("SIGKILL sent");
        self.child.wait().await.unwrap();
    }
}

/// `graphsec [flags] --config config serve` in a clean environment, its log lines on a pipe,
/// run by `wrapper` (a command and its arguments, such as `prlimit --nofile=…`) unless empty.
pub fn serve_command(wrapper: &[&str], config: &Path, flags: &[&str]) -> Command {
    let binary = env!("CARGO_BIN_EXE_graphsec");
    let mut command = match wrapper.split_first() {
        Some((program, args)) => {
            let mut command = Command::new(program);
            command.args(args).arg(binary);
            command
        }
        None => Command::new(binary),
    };
    command
        .args(flags)
        .arg("--config")
        .arg(config)
        .arg("serve")
        .env_clear()
        .env("RUST_LOG", "info,sqlx=warn")
        .stdout(Stdio::piped())
        .kill_on_drop(true);
    command
}

/// A config file wiring the binary to `sandbox`, with its data in `data_dir`, on the legacy API
/// unless `extra` says otherwise.
pub fn write_config(
    sandbox: &graphsec_sandbox::SandboxHandle,
    data_dir: &Path,
    extra: &[(&'static str, String)],
) -> std::path::PathBuf {
    let mut wiring = graphsec::demo::wiring(sandbox, 0, data_dir);
    wiring.push(("graph.alerts_api", "legacy".into()));
    wiring.push(("graph.timeout_secs", "10".into()));
    for (key, value) in extra {
        wiring.retain(|(k, _)| k != key);
        wiring.push((key, value.clone()));
    }
    let path = data_dir.join("config.toml");
    std::fs::write(&path, graphsec::demo::config_file(&wiring)).unwrap();
    path
}

pub async fn sign_in(server: &Server, client: &reqwest::Client) {
    let login = client.get(server.url("/login")).send().await.unwrap();
    let approved = client
        .post(location(&login))
        .form(&[("user", MEGAN), ("decision", "approve")])
        .send()
        .await
        .unwrap();
    let done = client.get(location(&approved)).send().await.unwrap();
    assert_eq!(done.status(), StatusCode::SEE_OTHER, "sign-in");
}

/// Signs `browser` in to `server` and subscribes to high-severity alerts through the form.
pub async fn sign_in_and_subscribe(server: &Server, browser: &reqwest::Client) {
    sign_in(server, browser).await;
    let home = browser.get(server.url("/")).send().await.unwrap();
    let token = select_attr(
        &home.text().await.unwrap(),
        "input[name=csrf_token]",
        "value",
    )
    .expect("a CSRF token");
    let created = browser
        .post(server.url("/subscriptions"))
        .form(&[("severity", "high"), ("csrf_token", &token)])
        .send()
        .await
        .unwrap();
    assert_eq!(created.status(), StatusCode::SEE_OTHER);
}

/// [`sign_in_and_subscribe`] on the legacy API; returns the subscription's Graph id and
/// clientState, as the sandbox holds them.
pub async fn signed_in_and_subscribed(
    server: &Server,
    sandbox: &graphsec_sandbox::SandboxHandle,
    browser: &reqwest::Client,
) -> (String, String) {
    sign_in_and_subscribe(server, browser).await;
    let sub = sandbox
        .state()
        .subscriptions()
        .store()
        .list(graphsec_sandbox::users::tenant_by_key(CONTOSO).unwrap().id)
        .remove(0);
    (sub.id.clone(), sub.client_state.clone().unwrap())
}

pub async fn post(client: &reqwest::Client, server_url: &str, item: Value) -> Option<StatusCode> {
    let response = client
        .post(format!("{server_url}/listen"))
        .json(&json!({ "value": [item] }))
        .send()
        .await
        .ok()?;
    Some(response.status())
}

#[tokio::test]
async fn notifications_acknowledged_before_a_sigkill_survive_it_exactly_once() {
    let sandbox = Sandbox::start(sandbox_options())
        .await
        .expect("sandbox starts");
    let data_dir = tempfile::tempdir().unwrap();
    let config = write_config(&sandbox, data_dir.path(), &[]);
    let server = Server::start(&config).await;

    // A signed-in browser with a subscription.
    let browser = new_client();
    let (sub_id, state) = signed_in_and_subscribed(&server, &sandbox, &browser).await;
    let tenant = tenant_id(CONTOSO);

    // The resume point, before the load starts.
    let graph = reqwest::Client::new();
    let before = change(&sub_id, &state, tenant, "before-crash");
    assert_eq!(
        post(&graph, &server.url, before).await,
        Some(StatusCode::ACCEPTED)
    );
    let mut stream = events(&browser, &server.url, None).await;
    let (resume_after, first) = next(&mut stream).await.expect("the first event");
    assert_eq!(first, "before-crash");
    drop(stream);

    // Senders at full speed; each records what got a 202.
    let acked = Arc::new(Mutex::new(Vec::<String>::new()));
    let senders: Vec<_> = (0..SENDERS)
        .map(|s| {
            let (acked, graph, url) = (acked.clone(), graph.clone(), server.url.clone());
            let (sub_id, state) = (sub_id.clone(), state.clone());
            tokio::spawn(async move {
                for i in 0.. {
                    let alert = format!("crash-{s}-{i}");
                    match post(&graph, &url, change(&sub_id, &state, tenant, &alert)).await {
                        Some(StatusCode::ACCEPTED) => acked.lock().unwrap().push(alert),
                        Some(status) => panic!("{alert}: {status}"),
                        None => return,
                    }
                }
            })
        })
        .collect();
    let deadline = tokio::time::Instant::now() + Duration::from_secs(20);
    while acked.lock().unwrap().len() < 400 && tokio::time::Instant::now() < deadline {
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    server.kill().await;
    for sender in senders {
        sender.await.expect("a sender failed");
    }
    let acked: Vec<String> = acked.lock().unwrap().clone();
    assert!(
        acked.len() >= 50,
        "only {} acknowledged before the kill",
        acked.len()
    );

    // A new process on the same data directory.
    let server = Server::start(&config).await;
    let stored: Vec<String> = {
        let file = data_dir.path().join("graphsec.db");
        let options = sqlx::sqlite::SqliteConnectOptions::new()
            .filename(file)
            .read_only(true);
        let pool = sqlx::SqlitePool::connect_with(options).await.unwrap();
        let rows = stored_alert_ids(&pool, tenant).await;
        pool.close().await;
        rows
    };
    let stored_set: HashSet<&String> = stored.iter().collect();
    let lost: Vec<_> = acked.iter().filter(|a| !stored_set.contains(a)).collect();
    assert!(lost.is_empty(), "acknowledged but not stored: {lost:?}");
    assert_eq!(
        stored_set.len(),
        stored.len(),
        "a notification stored twice"
    );

    // The browser (its session survived too) resumes from before the crash.
    let mut stream = events(&browser, &server.url, Some(resume_after)).await;
    let mut seen = Vec::new();
    while seen.len() < stored.len() - 1 {
        match next(&mut stream).await {
            Some((_, alert)) => seen.push(alert),
            None => break,
        }
    }
    let seen_set: HashSet<&String> = seen.iter().collect();
    assert_eq!(seen_set.len(), seen.len(), "an event was streamed twice");
    let missing: Vec<_> = acked.iter().filter(|a| !seen_set.contains(a)).collect();
    assert!(
        missing.is_empty(),
        "acknowledged but not streamed: {missing:?}"
    );
    assert!(!seen_set.contains(&"before-crash".to_string()));

    // And the next delivery is accepted and streamed.
    let after = change(&sub_id, &state, tenant, "after-restart");
    assert_eq!(
        post(&graph, &server.url, after).await,
        Some(StatusCode::ACCEPTED)
    );
    let (_, alert) = next(&mut stream)
        .await
        .expect("the next delivery is streamed");
    assert_eq!(alert, "after-restart");
    server.kill().await;
}

pub type Events = std::pin::Pin<Box<dyn futures::Stream<Item = eventsource_stream::Event> + Send>>;

pub async fn events(client: &reqwest::Client, server_url: &str, after: Option<i64>) -> Events {
    use eventsource_stream::Eventsource;
    let mut request = client.get(format!("{server_url}/listen/events"));
    if let Some(id) = after {
        request = request.header("Last-Event-ID", id.to_string());
    }
    let response = request.send().await.unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    Box::pin(
        response
            .bytes_stream()
            .eventsource()
            .filter_map(|e| async move { e.ok().filter(|e| e.event == "notification") }),
    )
}

/// The next notification's (event id, alert id), or `None` after 5 s of quiet.
pub async fn next(stream: &mut Events) -> Option<(i64, String)> {
    let event = tokio::time::timeout(Duration::from_secs(5), stream.next())
        .await
        .ok()??;
    let data: Value = serde_json::from_str(&event.data).unwrap();
    Some((
        event.id.parse().unwrap(),
        data["alertId"].as_str().unwrap().to_string(),
    ))
}
