//! The layout rule of the product crate, checked on its sources so it stays true: imports
//! point down. No two files import each other, directly or round a loop; each top-level
//! module imports only modules of its own layer or below (`LAYERS`); the shared base files
//! `config/` and `db/` import no other module of the crate; only the web handlers and
//! `startup` use the app state. And the two crates stay apart: the sandbox imports nothing
//! from the console, and the console uses the sandbox only for the `demo` and `sandbox` commands.

mod imports;

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use imports::Crate;

/// Top-level modules from the bottom up. A module may import its own layer and those below.
const LAYERS: &[(&str, &[&str])] = &[
    (
        "base",
        &[
            "config",
            "calendar",
            "data_dir",
            "db",
            "random",
            "redact",
            "lease",
            "memory",
            "telemetry",
            "oauth",
            "graph",
            "error",
            "sessions",
        ],
    ),
    (
        "feature",
        &[
            "alerts",
            "auth",
            "notify",
            "apponly",
            "incidents",
            "triage",
            "sync",
        ],
    ),
    ("surface", &["web", "startup", "demo", "cli"]),
];

/// Base files that import no other module of the crate.
/// Shared base modules that import nothing of the crate but themselves (a file, or a folder/).
const LEAF_MODULES: &[&str] = &["config/", "db/", "calendar.rs"];

fn product_crate() -> Crate {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    imports::read(&src)
}

fn top(file: &str) -> &str {
    file.split('/').next().unwrap().trim_end_matches(".rs")
}

fn layer_of(module: &str) -> Option<usize> {
    LAYERS
        .iter()
        .position(|(_, modules)| modules.contains(&module))
}

/// A loop of imports between files, as `a.rs -> b.rs -> a.rs`, if there is one.
fn find_cycle(edges: &BTreeMap<String, BTreeSet<String>>) -> Option<String> {
    fn visit(
        file: &str,
        edges: &BTreeMap<String, BTreeSet<String>>,
        state: &mut BTreeMap<String, bool>,
        path: &mut Vec<String>,
    ) -> Option<String> {
        state.insert(file.to_string(), false);
        path.push(file.to_string());
        for next in edges.get(file).into_iter().flatten() {
            match state.get(next) {
                Some(false) => {
                    let from = path.iter().position(|f| f == next).unwrap();
                    let mut cycle = path[from..].to_vec();
                    cycle.push(next.clone());
                    return Some(cycle.join(" -> "));
                }
                Some(true) => {}
                None => {
                    if let Some(cycle) = visit(next, edges, state, path) {
                        return Some(cycle);
                    }
                }
            }
        }
        path.pop();
        state.insert(file.to_string(), true);
        None
    }
    let mut state = BTreeMap::new();
    for file in edges.keys() {
        if !state.contains_key(file) {
            let found = visit(file, edges, &mut state, &mut Vec::new());
            if found.is_some() {
                return found;
            }
        }
    }
    None
}

#[test]
fn no_source_file_imports_itself_round_a_loop() {
    let krate = product_crate();
    assert!(
        krate.edges.len() > 50,
        "the scan found too few files to mean anything"
    );
    if let Some(cycle) = find_cycle(&krate.edges) {
        panic!("import cycle: {cycle}");
    }
}

#[test]
fn every_top_level_module_has_a_layer() {
    let krate = product_crate();
    let unplaced: BTreeSet<&str> = krate
        .modules
        .keys()
        .map(|f| top(f))
        .filter(|m| *m != "lib" && layer_of(m).is_none())
        .collect();
    assert!(
        unplaced.is_empty(),
        "place these modules in LAYERS: {unplaced:?}"
    );
}

#[test]
fn no_feature_module_imports_another_round_a_loop() {
    let krate = product_crate();
    let feature = LAYERS.iter().position(|(name, _)| *name == "feature");
    let in_feature = |module: &str| layer_of(module) == feature;
    let mut edges: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for (file, targets) in &krate.edges {
        let from = top(file);
        if !in_feature(from) {
            continue;
        }
        let module_edges = edges.entry(from.to_string()).or_default();
        for target in targets {
            let to = top(target);
            if to != from && in_feature(to) {
                module_edges.insert(to.to_string());
            }
        }
    }
    assert!(edges.contains_key("incidents"), "{edges:?}");
    if let Some(cycle) = find_cycle(&edges) {
        panic!("feature modules import each other: {cycle}");
    }
}

#[test]
fn imports_point_down_the_layers() {
    let krate = product_crate();
    let mut upward = Vec::new();
    for (file, targets) in &krate.edges {
        let Some(from) = layer_of(top(file)) else {
            continue;
        };
        for target in targets {
            let to = layer_of(top(target));
            if to.is_some_and(|to| to > from) {
                upward.push(format!(
                    "{file} ({}) imports {target} ({})",
                    LAYERS[from].0,
                    LAYERS[to.unwrap()].0
                ));
            }
        }
    }
    assert!(
        upward.is_empty(),
        "imports pointing up:\n{}",
        upward.join("\n")
    );
}

#[test]
fn config_and_db_import_no_other_module() {
    let krate = product_crate();
    let inside = |module: &str, file: &str| match module.strip_suffix('/') {
        Some(folder) => file.starts_with(&format!("{folder}/")),
        None => file == module,
    };
    for module in LEAF_MODULES {
        let files: Vec<&String> = krate.edges.keys().filter(|f| inside(module, f)).collect();
        assert!(!files.is_empty(), "{module} was not found");
        for file in files {
            let outside: Vec<&String> = krate.edges[file]
                .iter()
                .filter(|target| !inside(module, target))
                .collect();
            assert!(
                outside.is_empty(),
                "{file} is a shared base file and imports {outside:?}"
            );
        }
    }
}

#[test]
fn only_the_handlers_and_startup_use_the_app_state() {
    let krate = product_crate();
    let offenders: Vec<&String> = krate
        .edges
        .iter()
        .filter(|(file, targets)| {
            targets.contains("web/state.rs") && !file.starts_with("web/") && *file != "startup.rs"
        })
        .map(|(file, _)| file)
        .collect();
    assert!(
        offenders.is_empty(),
        "features take the parts they need, not AppState: {offenders:?}"
    );
}

/// Every `.rs` file under `dir`, with its text.
fn sources_under(dir: &Path) -> Vec<(std::path::PathBuf, String)> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                stack.push(path);
            } else if path.extension().is_some_and(|e| e == "rs") {
                let text = std::fs::read_to_string(&path).unwrap();
                out.push((path, text));
            }
        }
    }
    out
}

#[test]
fn the_sandbox_imports_nothing_from_the_console() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let sources = sources_under(&root.join("sandbox/src"));
    assert!(sources.len() > 20, "the sandbox's sources were not found");
    let borrowing: Vec<_> = sources
        .iter()
        .filter(|(_, text)| text.contains("graphsec::"))
        .map(|(path, _)| path.display().to_string())
        .collect();
    assert!(
        borrowing.is_empty(),
        "the sandbox imports the console: {borrowing:?}"
    );
    let manifest = std::fs::read_to_string(root.join("sandbox/Cargo.toml")).unwrap();
    let depends_on_console = manifest.lines().any(|line| {
        line.trim_start().starts_with("graphsec ") || line.trim_start().starts_with("graphsec=")
    });
    assert!(
        !depends_on_console,
        "sandbox/Cargo.toml depends on the console"
    );
}

#[test]
fn only_the_demo_and_sandbox_commands_use_the_sandbox() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let users: BTreeSet<String> = sources_under(&root.join("src"))
        .into_iter()
        .filter(|(_, text)| text.contains("graphsec_sandbox"))
        .map(|(path, _)| {
            let rel = path.strip_prefix(root.join("src")).unwrap();
            rel.to_string_lossy().replace('\\', "/")
        })
        .collect();
    let expected: BTreeSet<String> = ["demo.rs", "main.rs"].map(String::from).into();
    assert_eq!(users, expected);
}

#[test]
fn the_scanner_sees_imports_through_braces_super_and_inline_modules() {
    let krate = product_crate();
    let journal = &krate.edges["notify/feed/journal.rs"];
    assert!(journal.contains("notify/storage/mod.rs"), "{journal:?}");
    let routes = &krate.named["web/routes.rs"];
    assert!(routes.contains(&vec!["web".to_string(), "canonical_host".to_string()]));
    assert!(krate.edges["web/webhooks/tests.rs"].contains("web/webhooks.rs"));
}
