//! A Redis server of the test's own: Debian's `redis-server` on a free loopback port, its
//! data in a temp dir, every write synced to the append-only file. Never the machine's shared
//! Redis. Stopped on drop; `stop` and `start` keep port and data, as a Redis restart would.

use std::process::Stdio;
use std::time::Duration;

use graphsec::config::Settings;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;
use tokio::process::{Child, Command};

use crate::helpers::{TestApp, sandbox_options, sandbox_settings, spawn_app_with, start};

pub struct RedisServer {
    pub port: u16,
    dir: tempfile::TempDir,
    child: Option<Child>,
}

impl RedisServer {
    pub async fn start() -> Self {
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        Self::start_on(port).await
    }

    /// A server on `port` (one the test keeps free for it).
    pub async fn start_on(port: u16) -> Self {
        let mut server = Self {
            port,
            dir: tempfile::tempdir().unwrap(),
            child: None,
        };
        server.restart().await;
        server
    }

    pub fn url(&self) -> String {
        format!("redis://127.0.0.1:{}", self.port)
    }

    /// Starts the server again on the same port and data (after [`stop`](Self::stop)).
    pub async fn restart(&mut self) {
        let child = Command::new("/usr/bin/redis-server")
            .args(["--port", &self.port.to_string(), "--bind", "127.0.0.1"])
            .args([
                "--appendonly",
                "yes",
                "--appendfsync",
                "always",
                "--save",
                "",
            ])
            .arg("--dir")
            .arg(self.dir.path())
            .stdout(Stdio::null())
            .kill_on_drop(true)
            .spawn()
            .expect("redis-server starts (Debian package redis-server)");
        self.child = Some(child);
        for _ in 0..100 {
            if self.command("PING").await.as_deref() == Some("+PONG\r\n") {
                return;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        panic!("redis-server did not answer on port {}", self.port);
    }

    /// Kills the server (SIGKILL: what it acknowledged must already be in its file).
    pub async fn stop(&mut self) {
        if let Some(mut child) = self.child.take() {
            child.start_kill().unwrap();
            child.wait().await.unwrap();
        }
    }

    /// One inline command's raw answer, or `None` when the server cannot be reached.
    pub async fn command(&self, line: &str) -> Option<String> {
        let mut conn = TcpStream::connect(("127.0.0.1", self.port)).await.ok()?;
        conn.write_all(format!("{line}\r\n").as_bytes())
            .await
            .ok()?;
        let mut answer = vec![0; 64 * 1024];
        let n = tokio::time::timeout(Duration::from_secs(2), conn.read(&mut answer))
            .await
            .ok()?
            .ok()?;
        Some(String::from_utf8_lossy(&answer[..n]).into_owned())
    }
}

/// Instance A (signed in) and instance B of the app on `redis` and the same sandbox, both with
/// settings adjusted by `configure`. A's browser is signed in on both (shared sessions).
pub async fn pair(redis: &RedisServer, configure: impl Fn(&mut Settings)) -> (TestApp, Instance) {
    let url = redis.url();
    let a = spawn_app_with(sandbox_options(), |s| {
        s.redis.url = url.clone();
        configure(s);
    })
    .await;
    a.sign_in().await;
    let data_dir = tempfile::tempdir().unwrap();
    let mut settings = sandbox_settings(&a.sandbox, data_dir.path());
    settings.redis.url = url;
    configure(&mut settings);
    let (port, _, server) = start(settings).await;
    let b = Instance {
        address: format!("http://localhost:{port}"),
        _data_dir: data_dir,
        _server: server,
    };
    (a, b)
}

/// A further instance of the app, in this test process.
pub struct Instance {
    pub address: String,
    _data_dir: tempfile::TempDir,
    _server: tokio::task::JoinHandle<()>,
}

impl Instance {
    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.address)
    }
}
