//! `cargo xtask run | test | bench | soak | bindings`: set up what is missing, build, and run.

mod bench;
mod bundle;
mod hermetic;
mod release;
mod setup;
mod sh;
mod test;

use std::path::PathBuf;
use std::process::ExitCode;

const USAGE: &str = "usage: cargo xtask <command>

commands:
  run       install what is missing, build the UI and the app, and open Koodesk
  test      install what is missing, then fmt, UI lint, clippy, svelte-check and every test
  bench     every measurement beside its baseline; `bench startup`: start-up (with its
            trace), idle memory and sizes against a bare Tauri window (Linux, Xvfb)
  soak      the long trials: 500 kill -9 trials of the editor's saves, 200 of the sync
            engine's drain, the hostile corpus
  bundle    the release app and its .deb and .rpm (Tauri's bundler); --check installs the
            .deb, starts it under Xvfb, saves a screenshot and removes it again
  bindings  regenerate ui/src/lib/backend/bindings.ts from the Rust types";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let result = match args.first().map(String::as_str) {
        Some("run") => setup::run_app(),
        Some("test") => test::run(),
        Some("bench") => bench::run(&args[1..]),
        Some("soak") => test::soak(),
        Some("bindings") => test::update_bindings(),
        Some("bundle") => bundle::run(&args[1..]),
        Some("-h" | "--help" | "help") => {
            println!("{USAGE}");
            return ExitCode::SUCCESS;
        }
        _ => {
            eprintln!("{USAGE}");
            return ExitCode::from(2);
        }
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("\nxtask: {e:#}");
            ExitCode::FAILURE
        }
    }
}

/// The workspace root (xtask lives one level below it).
pub fn root() -> PathBuf {
    let manifest = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    manifest.parent().map(PathBuf::from).unwrap_or(manifest)
}

/// The shared target directory.
pub fn target_dir() -> PathBuf {
    std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| root().join("target"))
}
