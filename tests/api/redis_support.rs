//! A Redis server of the test's own: Debian's `redis-server` on a free loopback port, its
//! data in a temp dir, every write synced to the append-only file. Never the machine's shared
//! Redis. Stopped on drop; `stop` and `start` keep port and data, as a Redis restart would.

use std::process::Stdio;
use std::time::Duration;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;
use tokio::process::{Child, Command};

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
