//! Files the CLI writes: the incidents export (a new file each run) and a saved token
//! (readable by its owner only).

use std::fs::{self, File, OpenOptions};
use std::io::{ErrorKind, Write};
use std::path::{Path, PathBuf};

use secrecy::{ExposeSecret, SecretString};
use time::OffsetDateTime;
use time::macros::format_description;

use super::AppOnlyError;

/// Give up looking for a free name after this many files with the same timestamp.
const MAX_SUFFIX: u32 = 1000;

/// `Latest Incidents 2026-11-24 10.12.33Z.json`, with ` (n)` before `.json` from the second try.
pub fn export_file_name(at: OffsetDateTime, attempt: u32) -> String {
    let stamp = at
        .to_offset(time::UtcOffset::UTC)
        .format(format_description!(
            "[year]-[month]-[day] [hour].[minute].[second]Z"
        ))
        .expect("UTC times always format");
    if attempt <= 1 {
        format!("Latest Incidents {stamp}.json")
    } else {
        format!("Latest Incidents {stamp} ({attempt}).json")
    }
}

/// Writes `json` to a new file in `dir` (created if missing), readable by its owner only;
/// never replaces an existing file.
pub fn write_export(dir: &Path, at: OffsetDateTime, json: &[u8]) -> Result<PathBuf, AppOnlyError> {
    fs::create_dir_all(dir).map_err(|e| AppOnlyError::io(dir, e))?;
    for attempt in 1..=MAX_SUFFIX {
        let path = dir.join(export_file_name(at, attempt));
        let file = match private_new_file(&path) {
            Ok(file) => file,
            Err(e) if e.kind() == ErrorKind::AlreadyExists => continue,
            Err(e) => return Err(AppOnlyError::io(path, e)),
        };
        return match write_all(file, json) {
            Ok(()) => Ok(path),
            Err(e) => {
                let _ = fs::remove_file(&path);
                Err(AppOnlyError::io(path, e))
            }
        };
    }
    Err(AppOnlyError::io(
        dir,
        std::io::Error::new(ErrorKind::AlreadyExists, "no free file name left"),
    ))
}

/// Writes the token to `path`, replacing it, readable by its owner only. The token goes into a
/// new temporary file beside `path` (created 0600, never through a symlink), which is then
/// renamed over `path`: a symlink planted at `path` is replaced, not followed.
pub fn save_token(path: &Path, token: &SecretString) -> Result<(), AppOnlyError> {
    let dir = match path.parent() {
        Some(parent) if !parent.as_os_str().is_empty() => parent,
        _ => Path::new("."),
    };
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "token".into());
    let mut text = token.expose_secret().to_string();
    text.push('\n');
    for _ in 0..MAX_SUFFIX {
        let temp = dir.join(format!(".{name}.{}.tmp", crate::random::token(8)));
        let file = match private_new_file(&temp) {
            Ok(file) => file,
            Err(e) if e.kind() == ErrorKind::AlreadyExists => continue,
            Err(e) => return Err(AppOnlyError::io(&temp, e)),
        };
        let written = write_all(file, text.as_bytes()).and_then(|()| fs::rename(&temp, path));
        return written.map_err(|e| {
            let _ = fs::remove_file(&temp);
            AppOnlyError::io(path, e)
        });
    }
    Err(AppOnlyError::io(
        dir,
        std::io::Error::new(ErrorKind::AlreadyExists, "no free temporary file name"),
    ))
}

/// A file that did not exist (`create_new` never follows a symlink), readable by its owner only.
fn private_new_file(path: &Path) -> std::io::Result<File> {
    let mut options = OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    options.open(path)
}

fn write_all(mut file: File, bytes: &[u8]) -> std::io::Result<()> {
    file.write_all(bytes)?;
    file.sync_all()
}

#[cfg(test)]
mod tests {
    use time::macros::datetime;

    use super::*;

    const AT: OffsetDateTime = datetime!(2026-11-24 10:12:33 +01:00);

    #[test]
    fn export_names_carry_a_utc_timestamp() {
        assert_eq!(
            export_file_name(AT, 1),
            "Latest Incidents 2026-11-24 09.12.33Z.json"
        );
        assert_eq!(
            export_file_name(AT, 3),
            "Latest Incidents 2026-11-24 09.12.33Z (3).json"
        );
    }

    #[test]
    fn a_second_export_in_the_same_second_gets_a_new_name() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("exports");
        let first = write_export(&out, AT, b"[1]").unwrap();
        let second = write_export(&out, AT, b"[2]").unwrap();
        assert_ne!(first, second);
        assert_eq!(fs::read(&first).unwrap(), b"[1]");
        assert_eq!(fs::read(&second).unwrap(), b"[2]");
    }

    #[test]
    fn an_unwritable_directory_is_named() {
        let dir = tempfile::tempdir().unwrap();
        let blocker = dir.path().join("file");
        fs::write(&blocker, b"x").unwrap();
        let err = write_export(&blocker, AT, b"[]").unwrap_err().to_string();
        assert!(err.contains("could not write"), "{err}");
    }

    #[cfg(unix)]
    #[test]
    fn a_saved_token_is_readable_by_its_owner_only() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("token.txt");
        fs::write(&path, b"old").unwrap();
        fs::set_permissions(&path, fs::Permissions::from_mode(0o644)).unwrap();
        save_token(&path, &SecretString::from("a.b.c".to_string())).unwrap();
        assert_eq!(fs::read_to_string(&path).unwrap(), "a.b.c\n");
        let mode = fs::metadata(&path).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o600);
        let left: Vec<_> = fs::read_dir(dir.path()).unwrap().collect();
        assert_eq!(left.len(), 1, "no temporary file is left behind");
    }
}
