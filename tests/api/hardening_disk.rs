//! Issue 15, item 6: nothing on disk for other users and no credentials in messages. The data
//! directory and its SQLite files are the owner's only (also when they were not before), the
//! Redis URL is shown without its password, and `graphsec token --save` replaces a planted
//! symlink instead of writing through it; exports are the owner's only.
#![cfg(unix)]

use std::fs;
use std::os::unix::fs::{PermissionsExt, symlink};
use std::path::Path;

use graphsec::startup::Application;

use crate::cli::{Cli, assert_success};
use crate::helpers::{sandbox_settings, spawn_app_with, start};

fn mode(path: &Path) -> u32 {
    fs::symlink_metadata(path).unwrap().permissions().mode() & 0o777
}

fn sqlite_files(dir: &Path) -> Vec<std::path::PathBuf> {
    let files: Vec<_> = fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| {
            p.file_name()
                .unwrap()
                .to_string_lossy()
                .starts_with("graphsec.db")
        })
        .collect();
    assert!(files.len() >= 2, "the database and its WAL: {files:?}");
    files
}

#[tokio::test]
async fn secrets_on_disk_are_the_owners_only_and_never_in_messages() {
    // A fresh data directory, several levels deep, holding a signed-in session.
    let root = tempfile::tempdir().unwrap();
    let data = root.path().join("var/graphsec");
    let data_for_app = data.clone();
    let app = spawn_app_with(Default::default(), move |s| {
        s.server.data_dir = data_for_app
    })
    .await;
    app.sign_in().await;
    assert_eq!(mode(&data), 0o700);
    for file in sqlite_files(&data) {
        assert_eq!(mode(&file), 0o600, "{}", file.display());
    }

    // Loosened by hand (or by an older version): the next start tightens them again.
    fs::set_permissions(&data, fs::Permissions::from_mode(0o755)).unwrap();
    for file in sqlite_files(&data) {
        fs::set_permissions(&file, fs::Permissions::from_mode(0o644)).unwrap();
    }
    let _second = start(sandbox_settings(&app.sandbox, &data)).await;
    assert_eq!(mode(&data), 0o700);
    for file in sqlite_files(&data) {
        assert_eq!(mode(&file), 0o600, "{}", file.display());
    }

    // A Redis URL with a password: the startup error names the server, not the password.
    let mut settings = sandbox_settings(&app.sandbox, &root.path().join("redis"));
    settings.redis.url = "redis://graphsec:hunter2@127.0.0.1:1/not-a-database".into();
    let err = match Application::build(settings).await {
        Ok(_) => panic!("the database part is not a number"),
        Err(err) => format!("{err:#}"),
    };
    assert!(!err.contains("hunter2"), "{err}");
    assert!(err.contains("redis://***@127.0.0.1:1"), "{err}");

    // `token --save` onto a symlink planted towards another file: the link is replaced.
    let cli = Cli::start().await;
    let victim = cli.dir.path().join("victim.txt");
    fs::write(&victim, "precious").unwrap();
    fs::set_permissions(&victim, fs::Permissions::from_mode(0o644)).unwrap();
    let saved = cli.dir.path().join("token.jwt");
    symlink(&victim, &saved).unwrap();
    assert_success(&cli.run(&["token", "--save", saved.to_str().unwrap()]).await);
    assert_eq!(fs::read_to_string(&victim).unwrap(), "precious");
    assert!(
        !fs::symlink_metadata(&saved)
            .unwrap()
            .file_type()
            .is_symlink()
    );
    assert_eq!(
        fs::read_to_string(&saved)
            .unwrap()
            .trim()
            .split('.')
            .count(),
        3
    );
    assert_eq!(mode(&saved), 0o600);
    let names: Vec<String> = fs::read_dir(cli.dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert!(!names.iter().any(|n| n.ends_with(".tmp")), "{names:?}");

    // Exports hold incident details: the owner's only.
    let out = cli.out_dir();
    assert_success(
        &cli.run(&[
            "incidents",
            "--since",
            "48h",
            "--api",
            "graph",
            "--out",
            out.to_str().unwrap(),
        ])
        .await,
    );
    let exports = cli.exports();
    assert_eq!(exports.len(), 1);
    assert_eq!(mode(&exports[0]), 0o600);
}
