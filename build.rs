//! Build steps the Rust compiler cannot see.
//!
//! - `sqlx::migrate!` embeds the SQL files at compile time; without a rerun on change, a new
//!   migration would silently be missing from the binary.
//! - The reporter pages' JavaScript and CSS (web/) are built with the locked npm packages
//!   (`npm ci`, then `node build.mjs`) into OUT_DIR and embedded in the binary, so `serve` hands out
//!   exactly the bytes whose SHA-256 it prints. Node.js and npm are needed to build.
//! - The language catalogues (`locales/*.ftl`) are embedded as a list this writes, so a language
//!   is built in by adding its file, without touching code (`crate::texts`).

use std::path::{Path, PathBuf};
use std::process::Command;

fn main() {
    for watched in [
        "migrations",
        "locales",
        "web/src",
        "web/static",
        "web/build.mjs",
        "web/package-lock.json",
        // Reinstalled when removed: the tests use these packages too.
        "web/node_modules/.package-lock.json",
    ] {
        println!("cargo:rerun-if-changed={watched}");
    }
    let manifest = PathBuf::from(std::env::var_os("CARGO_MANIFEST_DIR").unwrap_or_default());
    let out_dir = PathBuf::from(std::env::var_os("OUT_DIR").unwrap_or_default());
    if let Err(message) = list_locales(&manifest.join("locales"), &out_dir.join("locales.rs")) {
        eprintln!("error: listing the language catalogues failed: {message}");
        std::process::exit(1);
    }
    let web = manifest.join("web");
    let out = out_dir.join("web");
    if let Err(message) = build_web(&web, &out) {
        eprintln!("error: building the web client failed: {message}");
        eprintln!("Node.js 20+ and npm are needed to build Resguardo (see README.md).");
        std::process::exit(1);
    }
}

/// Writes `&[("es", include_str!(".../locales/es.ftl")), ...]` for every `*.ftl` in `dir`.
fn list_locales(dir: &Path, out: &Path) -> Result<(), String> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .map_err(|e| format!("{}: {e}", dir.display()))?
        .filter_map(|entry| entry.ok().map(|e| e.path()))
        .filter(|path| path.extension().is_some_and(|ext| ext == "ftl"))
        .collect();
    files.sort();
    let mut list = String::from("&[\n");
    for path in &files {
        let code = path
            .file_stem()
            .and_then(|s| s.to_str())
            .ok_or("a file name is not UTF-8")?;
        let path = path.to_str().ok_or("a path is not UTF-8")?;
        list += &format!("    ({code:?}, include_str!({path:?})),\n");
    }
    list += "]\n";
    std::fs::write(out, list).map_err(|e| format!("{}: {e}", out.display()))
}

fn build_web(web: &Path, out: &Path) -> Result<(), String> {
    let modified = |p: &Path| std::fs::metadata(p).and_then(|m| m.modified()).ok();
    let installed = modified(&web.join("node_modules/.package-lock.json"));
    if installed.is_none() || installed < modified(&web.join("package-lock.json")) {
        run(web, "npm", &["ci", "--no-audit", "--no-fund"])?;
    }
    let out = out.to_str().ok_or("OUT_DIR is not UTF-8")?;
    run(web, "node", &["build.mjs", "--out", out])
}

fn run(dir: &Path, program: &str, args: &[&str]) -> Result<(), String> {
    let output = Command::new(program)
        .args(args)
        .current_dir(dir)
        .output()
        .map_err(|e| format!("{program}: {e}"))?;
    if output.status.success() {
        Ok(())
    } else {
        Err(format!(
            "{program} {}: {}",
            args.join(" "),
            String::from_utf8_lossy(&output.stderr)
        ))
    }
}
