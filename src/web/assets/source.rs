//! Where asset bytes come from: the copy embedded at build time, or a directory chosen at run
//! time. Both take the same relative paths and refuse anything that could leave `static/`.

use std::borrow::Cow;
use std::path::PathBuf;

use rust_embed::RustEmbed;
use sha2::{Digest, Sha256};

/// `static/`, embedded in debug builds too (`debug-embed`), so tests run what ships. `build.rs`
/// rebuilds the crate when any file under `static/` changes or is added.
#[derive(RustEmbed)]
#[folder = "static/"]
struct Embedded;

pub enum Source {
    Embedded,
    Directory(PathBuf),
}

/// One file to serve.
pub struct Asset {
    pub name: String,
    pub bytes: Cow<'static, [u8]>,
    /// The first 8 bytes of the content's SHA-256, in hex.
    pub version: String,
}

impl Source {
    pub async fn find(&self, path: &str) -> Option<Asset> {
        let relative = relative_path(path)?;
        match self {
            Source::Embedded => {
                let file = Embedded::get(path)?;
                Some(Asset {
                    name: path.to_string(),
                    version: version_of(&file.metadata.sha256_hash()),
                    bytes: file.data,
                })
            }
            Source::Directory(dir) => {
                let bytes = tokio::fs::read(dir.join(relative)).await.ok()?;
                Some(Asset {
                    name: path.to_string(),
                    version: version_of(&Sha256::digest(&bytes).into()),
                    bytes: Cow::Owned(bytes),
                })
            }
        }
    }
}

/// The version of the embedded asset `name`, if there is one.
pub fn embedded_version(name: &str) -> Option<String> {
    Embedded::get(name).map(|file| version_of(&file.metadata.sha256_hash()))
}

fn version_of(hash: &[u8; 32]) -> String {
    hash[..8].iter().map(|b| format!("{b:02x}")).collect()
}

/// `path` as a relative path of plain names: no empty, `.` or `..` segment, no separator or
/// drive other than `/`.
fn relative_path(path: &str) -> Option<PathBuf> {
    path.split('/')
        .map(|segment| {
            let plain = !matches!(segment, "" | "." | "..") && !segment.contains(['\\', ':', '\0']);
            plain.then_some(segment)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::relative_path;

    #[test]
    fn only_plain_relative_paths_are_accepted() {
        assert!(relative_path("app.css").is_some());
        assert!(relative_path("vendor/bootstrap/bootstrap.min.css").is_some());
        for bad in [
            "",
            "../Cargo.toml",
            "vendor/../../Cargo.toml",
            "./app.css",
            "/etc/passwd",
            "vendor//app.css",
            "..\\Cargo.toml",
            "C:/Windows",
        ] {
            assert!(relative_path(bad).is_none(), "{bad}");
        }
    }
}
