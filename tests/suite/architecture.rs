//! The layering of `src/`, checked from the code itself: every `crate::…` and `super::…` path in
//! every source file is read and resolved to the file that defines it. The test fails on an import
//! that runs back up the layers, or on files of one module that import each other in a circle.
//!
//! The layers, lowest first: `os` and `time`; `domain`; `crypto` and `texts`; `protocol`,
//! `config`, `store` and `blobs`; `retention`; `server` and `client`; `cli`. A module may use only
//! modules on lower layers (and its own files). What is allowed beyond that is listed in `EXCEPTIONS`, each with its reason, and
//! the test also fails when an exception is no longer needed, so that the list only shrinks.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// Each top-level module and its layer.
const LAYERS: &[(&str, u8)] = &[
    ("os", 0),
    ("time", 0),
    ("domain", 1),
    ("texts", 2),
    ("crypto", 2),
    ("protocol", 3),
    ("config", 3),
    ("store", 3),
    ("blobs", 3),
    ("retention", 4),
    ("server", 5),
    ("client", 5),
    ("cli", 6),
];

/// Imports allowed although they break the layering: (from, to, why). Empty, and kept so that a
/// future exception has to be written down with its reason.
const EXCEPTIONS: &[(&str, &str, &str)] = &[];

/// Crates that the lower layers must not name: the device-side code in `protocol`, `crypto` and
/// `domain` has to stay free of the web server, the database, the HTTP client and the runtime, so
/// that a second client (a browser dashboard) can mirror it function for function.
const FRAMEWORKS: &[&str] = &["actix_web", "sqlx", "reqwest", "tokio"];
/// Modules held to `FRAMEWORKS`, each with what else it must not name.
const FRAMEWORK_FREE: &[(&str, &[&str])] = &[
    ("os", &[]),
    ("domain", &[]),
    ("crypto", &[]),
    ("protocol", &["clap"]),
];

#[test]
fn imports_only_run_down_and_close_no_circle() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let files = rust_files(&src);
    let edges = edges(&src, &files);

    let mut wrong_way = vec![];
    let mut exceptions_used = BTreeSet::new();
    for (from, to) in &edges {
        let (a, b) = (top(from), top(to));
        if a == b || a.is_empty() || b.is_empty() {
            continue;
        }
        if EXCEPTIONS.iter().any(|(x, y, _)| *x == a && *y == b) {
            exceptions_used.insert((a.clone(), b.clone()));
        } else if layer(&b) >= layer(&a) {
            wrong_way.push(format!(
                "{} (layer {}) uses {} (layer {})",
                from.display(),
                layer(&a),
                to.display(),
                layer(&b)
            ));
        }
    }
    assert!(
        wrong_way.is_empty(),
        "imports that do not run down the layers:\n  {}",
        wrong_way.join("\n  ")
    );
    for (from, to, why) in EXCEPTIONS {
        assert!(
            exceptions_used.contains(&(from.to_string(), to.to_string())),
            "the exception {from} -> {to} ({why}) is no longer needed: remove it"
        );
    }
    let circles = circles(&edges);
    assert!(
        circles.is_empty(),
        "files that import each other in a circle:\n  {}",
        circles
            .iter()
            .map(|c| c
                .iter()
                .map(|p| p.display().to_string())
                .collect::<Vec<_>>()
                .join(" -> "))
            .collect::<Vec<_>>()
            .join("\n  ")
    );
}

#[test]
fn the_device_side_names_no_framework() {
    assert!(names_crate("use sqlx::Row;", "sqlx") && names_crate("(tokio::spawn", "tokio"));
    assert!(
        !names_crate("my_sqlx::Row", "sqlx"),
        "a longer name is another crate"
    );
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut found = vec![];
    for file in rust_files(&src) {
        let relative = file.strip_prefix(&src).unwrap().to_path_buf();
        let Some((_, extra)) = FRAMEWORK_FREE.iter().find(|(m, _)| top(&relative) == *m) else {
            continue;
        };
        let code = code_of(&std::fs::read_to_string(&file).unwrap());
        for name in FRAMEWORKS.iter().chain(extra.iter()) {
            if names_crate(&code, name) {
                found.push(format!("{} names {name}", relative.display()));
            }
        }
    }
    assert!(
        found.is_empty(),
        "framework crates below the server and client:\n  {}",
        found.join("\n  ")
    );
}

/// Handlers reach the store only through the capabilities `server::auth` binds to the caller
/// (`SignedIn::desk`, `PartnerCaller`'s store) or the public ones on `AppState` (`intake`,
/// `sign_in`, `audit_log`): no file under `server/` but `server/mod.rs` and `server/auth.rs`
/// touches the `Database` that mints them.
#[test]
fn handlers_reach_the_store_only_through_capabilities() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let minting = ["Database", ".database()", "state.db", ".db."];
    let allowed = [Path::new("server/mod.rs"), Path::new("server/auth.rs")];
    let mut found = vec![];
    for file in rust_files(&src.join("server")) {
        let relative = file.strip_prefix(&src).unwrap();
        if allowed.contains(&relative) {
            continue;
        }
        let code = code_of(&std::fs::read_to_string(&file).unwrap());
        for word in minting.iter().filter(|w| code.contains(*w)) {
            found.push(format!("{} uses {word}", relative.display()));
        }
    }
    assert!(
        found.is_empty(),
        "handlers reaching the database itself:\n  {}",
        found.join("\n  ")
    );
}

/// Whether `code` uses the crate `name` by path (`name::…`), not as part of a longer word.
fn names_crate(code: &str, name: &str) -> bool {
    let needle = format!("{name}::");
    code.match_indices(&needle).any(|(at, _)| {
        code[..at]
            .chars()
            .next_back()
            .is_none_or(|c| !(c.is_alphanumeric() || c == '_'))
    })
}

/// The checker itself, on a small made-up module tree: a path through a brace group, `super::`
/// from a file and from a `mod.rs`, and an item defined in `mod.rs`.
#[test]
fn paths_resolve_to_the_files_that_define_them() {
    let dir = tempfile::tempdir().unwrap();
    let src = dir.path();
    for (file, text) in [
        ("lib.rs", "pub mod a; pub mod b;"),
        (
            "a/mod.rs",
            "pub mod x; pub mod y; pub struct InMod; use super::b::z::Thing;",
        ),
        (
            "a/x.rs",
            "use super::{y::Y, InMod};\nfn f() { crate::b::w(); } // crate::b::z",
        ),
        ("a/y.rs", "pub struct Y;"),
        ("b/mod.rs", "pub mod z; pub fn w() {}"),
        ("b/z.rs", "pub struct Thing;"),
    ] {
        let path = src.join(file);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    }
    let files = rust_files(src);
    let found: BTreeSet<(String, String)> = edges(src, &files)
        .into_iter()
        .map(|(f, t)| (f.display().to_string(), t.display().to_string()))
        .collect();
    let expected: BTreeSet<(String, String)> = [
        ("a/mod.rs", "b/z.rs"),
        ("a/x.rs", "a/y.rs"),
        ("a/x.rs", "a/mod.rs"),
        ("a/x.rs", "b/mod.rs"),
    ]
    .into_iter()
    .map(|(f, t)| (f.to_string(), t.to_string()))
    .collect();
    assert_eq!(found, expected, "the comment's path is not an import");
}

fn rust_files(dir: &Path) -> Vec<PathBuf> {
    let mut out = vec![];
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            out.extend(rust_files(&path));
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
    out.sort();
    out
}

/// Every (file, file it uses), as paths relative to `src`.
fn edges(src: &Path, files: &[PathBuf]) -> BTreeSet<(PathBuf, PathBuf)> {
    let mut edges = BTreeSet::new();
    for file in files {
        let relative = file.strip_prefix(src).unwrap().to_path_buf();
        let module = module_of(&relative);
        let text = std::fs::read_to_string(file).unwrap();
        for path in paths_in(&code_of(&text)) {
            let Some(absolute) = absolute(&module, &path) else {
                continue;
            };
            if let Some(target) = defining_file(src, &absolute) {
                if target != relative {
                    edges.insert((relative.clone(), target));
                }
            }
        }
    }
    edges
}

/// The text without comments (line comments only; the code has no block comments).
fn code_of(text: &str) -> String {
    text.lines()
        .map(|line| match line.find("//") {
            // `//` inside a string ("https://…") cuts the line short: that loses a path at worst.
            Some(at) => &line[..at],
            None => line,
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// The module path of a file: `cli/worker.rs` is `[cli, worker]`, `cli/mod.rs` is `[cli]`.
fn module_of(relative: &Path) -> Vec<String> {
    let mut parts: Vec<String> = relative
        .iter()
        .map(|p| p.to_string_lossy().trim_end_matches(".rs").to_string())
        .collect();
    if matches!(
        parts.last().map(String::as_str),
        Some("mod" | "lib" | "main")
    ) {
        parts.pop();
    }
    parts
}

/// Every path that starts with `crate::` or `super::`, brace groups expanded.
fn paths_in(code: &str) -> Vec<Vec<String>> {
    let bytes = code.as_bytes();
    let mut out = vec![];
    let mut at = 0;
    while at < bytes.len() {
        let rest = &code[at..];
        let starts = rest.starts_with("crate::") || rest.starts_with("super::");
        let boundary = at == 0 || !is_ident(bytes[at - 1]);
        if starts && boundary {
            let (paths, used) = path_tree(rest);
            out.extend(paths);
            at += used.max(1);
        } else {
            at += rest.chars().next().map_or(1, char::len_utf8);
        }
    }
    out
}

fn is_ident(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_'
}

/// Parses `a::b::{c, d::e}` from the start of `text`; returns the expanded paths and the bytes
/// read.
fn path_tree(text: &str) -> (Vec<Vec<String>>, usize) {
    let bytes = text.as_bytes();
    let mut prefix = vec![];
    let mut at = 0;
    loop {
        let start = at;
        while at < bytes.len() && is_ident(bytes[at]) {
            at += 1;
        }
        if at > start {
            prefix.push(text[start..at].to_string());
        }
        if text[at..].starts_with("::{") {
            at += 3;
            let mut paths = vec![];
            loop {
                while at < bytes.len() && (bytes[at] == b' ' || bytes[at] == b'\n') {
                    at += 1;
                }
                if at >= bytes.len() || bytes[at] == b'}' {
                    break;
                }
                let (inner, used) = path_tree(&text[at..]);
                for p in inner {
                    paths.push(prefix.iter().cloned().chain(p).collect());
                }
                at += used.max(1);
                while at < bytes.len() && matches!(bytes[at], b',' | b' ' | b'\n') {
                    at += 1;
                }
            }
            return (paths, at + 1);
        }
        if text[at..].starts_with("::") && at + 2 < bytes.len() && is_ident(bytes[at + 2]) {
            at += 2;
            continue;
        }
        return (vec![prefix], at);
    }
}

/// A path as segments from the crate root; `None` for `self` and anything that leaves the crate.
fn absolute(module: &[String], path: &[String]) -> Option<Vec<String>> {
    let mut base: Vec<String> = module.to_vec();
    // In `a/x.rs`, `super` is `a`; in `a/mod.rs`, whose module is `a`, it is the crate root.
    let mut segments = path.iter();
    match segments.next()?.as_str() {
        "crate" => base.clear(),
        "super" => {
            base.pop()?;
        }
        _ => return None,
    }
    for segment in segments {
        match segment.as_str() {
            "super" => {
                base.pop()?;
            }
            "self" => {}
            other => base.push(other.to_string()),
        }
    }
    Some(base)
}

/// The file that defines the item at `path`: the longest prefix that is a module file.
fn defining_file(src: &Path, path: &[String]) -> Option<PathBuf> {
    for len in (0..=path.len()).rev() {
        let prefix = path[..len].join("/");
        let candidates = if len == 0 {
            vec![PathBuf::from("lib.rs")]
        } else {
            vec![
                PathBuf::from(format!("{prefix}.rs")),
                PathBuf::from(format!("{prefix}/mod.rs")),
            ]
        };
        if let Some(found) = candidates.into_iter().find(|c| src.join(c).is_file()) {
            return Some(found);
        }
    }
    None
}

/// The top-level module of a file (`cli` for `cli/worker.rs`, `config` for `config.rs`); empty
/// for `lib.rs` and `main.rs`.
fn top(file: &Path) -> String {
    module_of(file).first().cloned().unwrap_or_default()
}

fn layer(module: &str) -> u8 {
    LAYERS
        .iter()
        .find(|(m, _)| *m == module)
        .map(|(_, l)| *l)
        .unwrap_or_else(|| panic!("src/{module} has no layer in LAYERS: give it one"))
}

/// Circles among the files of one module. A module's `mod.rs` is left out: it declares its files
/// and holds what they share, so arrows to and from it are how a module is built, not a circle.
fn circles(edges: &BTreeSet<(PathBuf, PathBuf)>) -> Vec<Vec<PathBuf>> {
    let mut graph: BTreeMap<&PathBuf, Vec<&PathBuf>> = BTreeMap::new();
    for (from, to) in edges {
        let is_mod = |p: &Path| {
            p.file_name()
                .is_some_and(|n| n == "mod.rs" || n == "lib.rs")
        };
        if top(from) == top(to) && !is_mod(from) && !is_mod(to) {
            graph.entry(from).or_default().push(to);
        }
    }
    let mut found = vec![];
    let mut done = BTreeSet::new();
    for start in graph.keys() {
        let mut stack = vec![(*start, vec![*start])];
        while let Some((node, trail)) = stack.pop() {
            for next in graph.get(node).into_iter().flatten() {
                if *next == *start {
                    let mut circle: Vec<PathBuf> = trail.iter().map(|p| (*p).clone()).collect();
                    let mut key = circle.clone();
                    key.sort();
                    if done.insert(key) {
                        circle.push((*start).clone());
                        found.push(circle);
                    }
                } else if !trail.contains(next) && *next > *start {
                    let mut longer = trail.clone();
                    longer.push(next);
                    stack.push((next, longer));
                }
            }
        }
    }
    found
}
