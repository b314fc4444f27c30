//! A PostgreSQL server of the test's own: Debian's `postgresql` binaries (`initdb`, `pg_ctl`)
//! with the data and the socket in a temp dir, no TCP port at all. Never the machine's server.
//! As root (PostgreSQL refuses to run as root) the server runs as the `postgres` user, which owns
//! the temp dir. Stopped on drop.

use std::path::{Path, PathBuf};
use std::process::Command;

pub struct PostgresServer {
    dir: tempfile::TempDir,
    bin: PathBuf,
}

/// Where Debian puts the server's programs (`/usr/lib/postgresql/<version>/bin`), newest first.
fn server_bin() -> PathBuf {
    let mut versions: Vec<PathBuf> = std::fs::read_dir("/usr/lib/postgresql")
        .expect("PostgreSQL's server is installed (Debian package postgresql)")
        .filter_map(|e| e.ok().map(|e| e.path().join("bin")))
        .filter(|bin| bin.join("initdb").exists())
        .collect();
    versions.sort();
    versions
        .pop()
        .expect("initdb is installed (Debian package postgresql)")
}

fn as_root() -> bool {
    Command::new("id")
        .arg("-u")
        .output()
        .is_ok_and(|out| String::from_utf8_lossy(&out.stdout).trim() == "0")
}

/// `program args…`, as the `postgres` user when this process is root.
fn run(program: &Path, args: &[&str]) -> std::process::Output {
    let mut command = if as_root() {
        let mut c = Command::new("runuser");
        c.args(["-u", "postgres", "--"]).arg(program);
        c
    } else {
        Command::new(program)
    };
    command
        .args(args)
        .output()
        .unwrap_or_else(|e| panic!("{} runs: {e}", program.display()))
}

impl PostgresServer {
    pub fn start() -> Self {
        let dir = tempfile::tempdir().unwrap();
        if as_root() {
            let status = Command::new("chown")
                .args(["-R", "postgres:postgres"])
                .arg(dir.path())
                .status()
                .unwrap();
            assert!(status.success(), "the temp dir is given to postgres");
        }
        let server = Self {
            dir,
            bin: server_bin(),
        };
        let data = server.data();
        let out = run(
            &server.bin.join("initdb"),
            &[
                "-D",
                &data,
                "-U",
                "graphsec",
                "--auth=trust",
                "--no-sync",
                "-E",
                "UTF8",
            ],
        );
        assert!(
            out.status.success(),
            "initdb: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        let socket = server.dir.path().display().to_string();
        let options = format!("-k {socket} -c listen_addresses='' -c fsync=off");
        let log = server.dir.path().join("server.log").display().to_string();
        let out = run(
            &server.bin.join("pg_ctl"),
            &["-D", &data, "-o", &options, "-l", &log, "-w", "start"],
        );
        assert!(
            out.status.success(),
            "pg_ctl start: {}\n{}",
            String::from_utf8_lossy(&out.stderr),
            std::fs::read_to_string(&log).unwrap_or_default()
        );
        server
    }

    fn data(&self) -> String {
        self.dir.path().join("data").display().to_string()
    }

    /// The URL of its `postgres` database, over the socket in the temp dir.
    pub fn url(&self) -> String {
        format!(
            "postgres://graphsec@localhost/postgres?host={}",
            self.dir.path().display()
        )
    }
}

impl Drop for PostgresServer {
    fn drop(&mut self) {
        let data = self.data();
        run(
            &self.bin.join("pg_ctl"),
            &["-D", &data, "-m", "immediate", "-w", "stop"],
        );
    }
}
