//! The web client's own checks, run from the one test command: its TypeScript type-checks and its
//! unit tests pass — among them the receipt vectors of `tests/vectors/receipt.json`, so the
//! browser and the Rust code derive the same keys from the same phrase.

use std::path::Path;
use std::process::Command;

use crate::harness::strict;

fn npm(web: &Path, args: &[&str]) -> std::process::Output {
    Command::new("npm")
        .args(args)
        .current_dir(web)
        .output()
        .unwrap_or_else(|e| panic!("npm {args:?}: {e}"))
}

#[test]
fn web_client_typechecks_and_passes_the_shared_vectors() {
    let web = Path::new(env!("CARGO_MANIFEST_DIR")).join("web");
    if Command::new("npm").arg("--version").output().is_err() {
        assert!(!strict(), "npm is required (RESGUARDO_STRICT/CI)");
        eprintln!("skipped: npm is not installed");
        return;
    }
    // Installs exactly what package-lock.json pins; nothing third-party is in the repository.
    let modified = |p: &Path| std::fs::metadata(p).and_then(|m| m.modified()).ok();
    let installed = modified(&web.join("node_modules/.package-lock.json"));
    if installed.is_none() || installed < modified(&web.join("package-lock.json")) {
        let out = npm(&web, &["ci", "--no-audit", "--no-fund"]);
        assert!(
            out.status.success(),
            "npm ci: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    for script in ["typecheck", "test"] {
        let out = npm(&web, &["run", script]);
        assert!(
            out.status.success(),
            "npm run {script}:\n{}\n{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
    }
}
