//! The data directory's permissions. It holds refresh tokens (sessions), clientStates and the
//! session ids of subscription owners, so the directory is the owner's only (0700) and so is
//! every SQLite file in it (0600): created that way, tightened when they already exist, and
//! checked at start.

use std::fs;
use std::path::Path;

use anyhow::{Context, bail};

/// The database file; SQLite gives its `-wal`, `-shm` and `-journal` files the same mode.
pub const DATABASE_FILE: &str = "graphsec.db";

#[cfg(unix)]
const DIR_MODE: u32 = 0o700;
#[cfg(unix)]
const FILE_MODE: u32 = 0o600;

/// Creates `dir` (0700) and an empty database file (0600) when missing, and tightens both and
/// every SQLite file beside them when they are open to others.
pub fn prepare(dir: &Path) -> anyhow::Result<()> {
    create_private_dir(dir)
        .with_context(|| format!("cannot create the data directory {}", dir.display()))?;
    let database = dir.join(DATABASE_FILE);
    // Created before SQLite opens it, so it is never readable by others, not even briefly.
    create_private_file(&database)
        .with_context(|| format!("cannot create the database {}", database.display()))?;
    secure(dir)
}

/// Tightens `dir` and its SQLite files to the owner only, then checks they are.
pub fn secure(dir: &Path) -> anyhow::Result<()> {
    #[cfg(unix)]
    {
        tighten(dir, DIR_MODE)?;
        for entry in fs::read_dir(dir).with_context(|| format!("cannot read {}", dir.display()))? {
            let path = entry?.path();
            let is_sqlite = path
                .file_name()
                .and_then(|n| n.to_str())
                .is_some_and(|n| n.starts_with(DATABASE_FILE));
            if is_sqlite && path.is_file() {
                tighten(&path, FILE_MODE)?;
            }
        }
    }
    Ok(())
}

#[cfg(unix)]
fn tighten(path: &Path, mode: u32) -> anyhow::Result<()> {
    use std::os::unix::fs::PermissionsExt;
    let current = fs::symlink_metadata(path)
        .with_context(|| format!("cannot read {}", path.display()))?
        .permissions()
        .mode();
    if current & 0o077 != 0 {
        fs::set_permissions(path, fs::Permissions::from_mode(mode)).with_context(|| {
            format!(
                "{} is readable by other users and cannot be restricted to its owner",
                path.display()
            )
        })?;
    }
    let now = fs::symlink_metadata(path)?.permissions().mode();
    if now & 0o077 != 0 {
        bail!(
            "{} is readable by other users (mode {:o}); it must be {mode:o}",
            path.display(),
            now & 0o777
        );
    }
    Ok(())
}

fn create_private_dir(dir: &Path) -> std::io::Result<()> {
    let mut builder = fs::DirBuilder::new();
    builder.recursive(true);
    #[cfg(unix)]
    std::os::unix::fs::DirBuilderExt::mode(&mut builder, DIR_MODE);
    builder.create(dir)
}

fn create_private_file(path: &Path) -> std::io::Result<()> {
    let mut options = fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, FILE_MODE);
    match options.open(path) {
        Ok(_) => Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => Ok(()),
        Err(e) => Err(e),
    }
}

#[cfg(all(test, unix))]
mod tests {
    use std::os::unix::fs::PermissionsExt;

    use super::*;

    fn mode(path: &Path) -> u32 {
        fs::metadata(path).unwrap().permissions().mode() & 0o777
    }

    #[test]
    fn open_files_are_tightened_and_new_ones_are_private() {
        let root = tempfile::tempdir().unwrap();
        let fresh = root.path().join("a/b");
        prepare(&fresh).unwrap();
        assert_eq!(mode(&fresh), 0o700);
        assert_eq!(mode(&fresh.join(DATABASE_FILE)), 0o600);

        let old = root.path().join("old");
        fs::create_dir(&old).unwrap();
        fs::set_permissions(&old, fs::Permissions::from_mode(0o755)).unwrap();
        for name in [DATABASE_FILE, "graphsec.db-wal", "notes.txt"] {
            fs::write(old.join(name), b"x").unwrap();
            fs::set_permissions(old.join(name), fs::Permissions::from_mode(0o644)).unwrap();
        }
        prepare(&old).unwrap();
        assert_eq!(mode(&old), 0o700);
        assert_eq!(mode(&old.join(DATABASE_FILE)), 0o600);
        assert_eq!(mode(&old.join("graphsec.db-wal")), 0o600);
        assert_eq!(mode(&old.join("notes.txt")), 0o644, "not ours to change");
    }
}
