//! Reading the product crate's own imports: every `crate::`, `super::` and `self::` path in
//! `src/**/*.rs`, and a module's bare paths into the child modules it declares (except in
//! `pub use` re-exports, which only expose them), each resolved to the source file that
//! defines the module it names. Comments and string literals are left out; inline
//! `mod x { … }` blocks are followed.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// A module path from the crate root, e.g. `["notify", "feed", "journal"]`.
pub type ModPath = Vec<String>;

/// Every source file of the crate (by path relative to `src/`) and the files it imports.
pub struct Crate {
    pub modules: BTreeMap<String, ModPath>,
    pub edges: BTreeMap<String, BTreeSet<String>>,
    /// For each file, the module paths it names (before resolving to files).
    pub named: BTreeMap<String, BTreeSet<ModPath>>,
}

/// Reads `src/`, leaving out the directories in `skip` (relative to `src/`) and `main.rs`.
pub fn read(src: &Path) -> Crate {
    let mut modules = BTreeMap::new();
    let mut sources = BTreeMap::new();
    for file in rust_files(src) {
        let rel = file
            .strip_prefix(src)
            .unwrap()
            .to_string_lossy()
            .replace('\\', "/");
        if rel == "main.rs" {
            continue;
        }
        modules.insert(rel.clone(), module_of(&rel));
        sources.insert(rel, std::fs::read_to_string(&file).unwrap());
    }
    let by_module: BTreeMap<&ModPath, &String> = modules.iter().map(|(f, m)| (m, f)).collect();
    let mut edges = BTreeMap::new();
    let mut named = BTreeMap::new();
    for (file, source) in &sources {
        let paths = paths_in(&modules[file], &strip(source));
        let targets = paths
            .iter()
            .filter_map(|p| resolve(&by_module, p))
            .filter(|target| target != file)
            .collect();
        edges.insert(file.clone(), targets);
        named.insert(file.clone(), paths);
    }
    Crate {
        modules,
        edges,
        named,
    }
}

fn rust_files(dir: &Path) -> Vec<PathBuf> {
    let mut files = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            files.extend(rust_files(&path));
        } else if path.extension().is_some_and(|e| e == "rs") {
            files.push(path);
        }
    }
    files
}

/// `a/b.rs` and `a/b/mod.rs` define `a::b`; `lib.rs` the root.
fn module_of(rel: &str) -> ModPath {
    let mut parts: Vec<String> = rel
        .trim_end_matches(".rs")
        .split('/')
        .map(String::from)
        .collect();
    if matches!(parts.last().map(String::as_str), Some("mod" | "lib")) {
        parts.pop();
    }
    parts
}

/// The file defining the longest prefix of `path` that is a file of its own.
fn resolve(by_module: &BTreeMap<&ModPath, &String>, path: &ModPath) -> Option<String> {
    (1..=path.len())
        .rev()
        .find_map(|n| by_module.get(&path[..n].to_vec()).map(|f| f.to_string()))
}

/// The source with comments removed and string and char literals emptied.
fn strip(source: &str) -> String {
    let chars: Vec<char> = source.chars().collect();
    let mut out = String::with_capacity(source.len());
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        let next = chars.get(i + 1).copied();
        let prev_ident = i > 0 && (chars[i - 1].is_alphanumeric() || chars[i - 1] == '_');
        if c == '/' && next == Some('/') {
            while i < chars.len() && chars[i] != '\n' {
                i += 1;
            }
        } else if c == '/' && next == Some('*') {
            let mut depth = 0;
            while i < chars.len() {
                if chars[i] == '/' && chars.get(i + 1) == Some(&'*') {
                    depth += 1;
                    i += 2;
                } else if chars[i] == '*' && chars.get(i + 1) == Some(&'/') {
                    depth -= 1;
                    i += 2;
                    if depth == 0 {
                        break;
                    }
                } else {
                    i += 1;
                }
            }
            out.push(' ');
        } else if c == 'r'
            && matches!(next, Some('"' | '#'))
            && (!prev_ident || chars[i - 1] == 'b')
        {
            let hashes = chars[i + 1..].iter().take_while(|&&h| h == '#').count();
            if chars.get(i + 1 + hashes) != Some(&'"') {
                out.push(c);
                i += 1;
                continue;
            }
            i += 2 + hashes;
            let close: String = std::iter::once('"')
                .chain("#".repeat(hashes).chars())
                .collect();
            while i < chars.len() && !chars[i..].iter().collect::<String>().starts_with(&close) {
                i += 1;
            }
            i += close.len();
            out.push_str("\"\"");
        } else if c == '"' {
            i += 1;
            while i < chars.len() && chars[i] != '"' {
                i += if chars[i] == '\\' { 2 } else { 1 };
            }
            i += 1;
            out.push_str("\"\"");
        } else if c == '\'' && char_literal_len(&chars[i..]).is_some() {
            i += char_literal_len(&chars[i..]).unwrap();
            out.push_str("' '");
        } else {
            out.push(c);
            i += 1;
        }
    }
    out
}

/// The length of a char literal starting here (`'a'`, `'\n'`, `'\u{1F600}'`), or None for a lifetime.
fn char_literal_len(chars: &[char]) -> Option<usize> {
    match chars.get(1)? {
        '\\' => chars[2..].iter().position(|&c| c == '\'').map(|p| p + 3),
        _ if chars.get(2) == Some(&'\'') => Some(3),
        _ => None,
    }
}

fn tokens(source: &str) -> Vec<String> {
    let chars: Vec<char> = source.chars().collect();
    let mut out = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        if c.is_alphanumeric() || c == '_' {
            let start = i;
            while i < chars.len() && (chars[i].is_alphanumeric() || chars[i] == '_') {
                i += 1;
            }
            out.push(chars[start..i].iter().collect());
        } else if c == ':' && chars.get(i + 1) == Some(&':') {
            out.push("::".into());
            i += 2;
        } else {
            if !c.is_whitespace() {
                out.push(c.to_string());
            }
            i += 1;
        }
    }
    out
}

/// Every module path named in a file that defines `module`.
fn paths_in(module: &ModPath, source: &str) -> BTreeSet<ModPath> {
    let tokens = tokens(source);
    let children: BTreeSet<&str> = (0..tokens.len().saturating_sub(2))
        .filter(|&i| tokens[i] == "mod" && tokens[i + 2] == ";")
        .map(|i| tokens[i + 1].as_str())
        .collect();
    let mut found = BTreeSet::new();
    let mut reexport = false;
    let mut depth = 0usize;
    let mut inline: Vec<(String, usize)> = Vec::new();
    for i in 0..tokens.len() {
        match tokens[i].as_str() {
            "use" => reexport = i > 0 && matches!(tokens[i - 1].as_str(), "pub" | ")"),
            ";" => reexport = false,
            "{" => depth += 1,
            "}" => {
                if inline.last().is_some_and(|(_, d)| *d == depth) {
                    inline.pop();
                }
                depth = depth.saturating_sub(1);
            }
            "mod" if tokens.get(i + 2).is_some_and(|t| t == "{") => {
                inline.push((tokens[i + 1].clone(), depth + 1));
            }
            start @ ("crate" | "super" | "self")
                if tokens.get(i + 1).is_some_and(|t| t == "::")
                    && (i == 0 || !matches!(tokens[i - 1].as_str(), "::" | "$" | ".")) =>
            {
                let mut here = module.clone();
                here.extend(inline.iter().map(|(name, _)| name.clone()));
                let base = match start {
                    "crate" => Vec::new(),
                    "self" => here,
                    _ => here[..here.len().saturating_sub(1)].to_vec(),
                };
                tree(&tokens, i + 2, base, &mut found);
            }
            child
                if children.contains(child)
                    && inline.is_empty()
                    && !reexport
                    && tokens.get(i + 1).is_some_and(|t| t == "::")
                    && (i == 0 || !matches!(tokens[i - 1].as_str(), "::" | "mod")) =>
            {
                tree(&tokens, i, module.clone(), &mut found);
            }
            _ => {}
        }
    }
    found
}

/// Collects the paths of a use tree (or an expression path) starting at `tokens[i]`.
fn tree(
    tokens: &[String],
    mut i: usize,
    mut prefix: ModPath,
    found: &mut BTreeSet<ModPath>,
) -> usize {
    loop {
        let Some(token) = tokens.get(i) else {
            found.insert(prefix);
            return i;
        };
        match token.as_str() {
            "{" => {
                i += 1;
                while tokens.get(i).is_some_and(|t| t != "}") {
                    let next = tree(tokens, i, prefix.clone(), found);
                    if next == i {
                        return i;
                    }
                    i = next;
                    if tokens.get(i).is_some_and(|t| t == ",") {
                        i += 1;
                    }
                }
                return i + 1;
            }
            "*" => {
                found.insert(prefix);
                return i + 1;
            }
            "super" => {
                prefix.pop();
            }
            "self" => {}
            t if t.chars().all(|c| c.is_alphanumeric() || c == '_') => prefix.push(t.to_string()),
            _ => {
                found.insert(prefix);
                return i;
            }
        }
        i += 1;
        if tokens.get(i).is_some_and(|t| t == "::") {
            i += 1;
        } else {
            if tokens.get(i).is_some_and(|t| t == "as") {
                i += 2;
            }
            found.insert(prefix);
            return i;
        }
    }
}
