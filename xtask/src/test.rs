//! `cargo xtask test`: the whole gate CI runs, in the order that fails fastest.

use std::time::Instant;

use anyhow::{Context, Result};

use crate::hermetic::Snapshot;
use crate::setup::{self, Purpose};
use crate::sh::{self, cargo, cmd, npm, step};

pub fn run() -> Result<()> {
    let started = Instant::now();
    let before = Snapshot::of_user_dirs();
    let mut steps = 0u32;
    let mut done = |name: &str| {
        steps += 1;
        println!("    ✔ {name}");
    };

    setup::prepare(Purpose::Test)?;
    done("set-up");

    step("rustfmt");
    sh::run(&mut cargo(&["fmt", "--all", "--", "--check"]))?;
    done("rustfmt");

    setup::build_ui()?;
    done("UI build");

    step("UI format and lint (Prettier, ESLint with the Svelte plugin)");
    sh::run(&mut npm(&["run", "lint"]))?;
    done("UI lint");

    step("svelte-check (types of the UI)");
    sh::run(&mut npm(&["run", "check"]))?;
    done("svelte-check");

    step("UI unit tests (vitest)");
    sh::run(&mut npm(&["test"]))?;
    done("vitest");

    // One feature set for the whole workspace, so build, clippy and test share compiled crates.
    step("build (workspace)");
    sh::run(&mut cargo(&["build", "--workspace", "--bins"]))?;
    done("build");

    step("clippy");
    sh::run(&mut cargo(&[
        "clippy",
        "--workspace",
        "--all-targets",
        "--",
        "-D",
        "warnings",
    ]))?;
    done("clippy");

    step("Rust tests (workspace)");
    sh::run(cargo(&["test", "--workspace"]).env("KOODESK_PYTHON", setup::python_path()))?;
    done("Rust tests");

    step("UI browser tests (Playwright, Chromium, IPC mocked)");
    sh::run(&mut npm(&["run", "test:browser"]))?;
    done("Playwright");

    desktop_e2e()?;
    done("desktop E2E");

    step("hermeticity (the real user data folders are untouched)");
    let after = Snapshot::of_user_dirs();
    before.ensure_same_as(&after)?;
    done("hermeticity");

    println!(
        "\nxtask: {steps} passed, 0 failed in {:.0} s",
        started.elapsed().as_secs_f64()
    );
    Ok(())
}

/// The desktop end-to-end tests (`#[ignore]`d in the plain run) on the real binary, under a
/// virtual X server and a private D-Bus session.
fn desktop_e2e() -> Result<()> {
    step("desktop end-to-end tests (real app, tauri-driver, Xvfb)");
    if !cfg!(target_os = "linux") {
        println!("    skipped: WebKitWebDriver desktop tests run on Linux only");
        return Ok(());
    }
    let app = setup::app_binary();
    let screenshots = crate::target_dir().join("e2e-screenshots");
    let _ = std::fs::remove_dir_all(&screenshots);
    let cargo_bin = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let mut c = cmd(
        "xvfb-run",
        &[
            "-a",
            "-s",
            "-screen 0 1400x900x24",
            "dbus-run-session",
            "--",
            "sh",
            "-c",
            // GNOME Keyring, unlocked, keeps the keychain tests' entries in target/.
            "printf koodesk-test | gnome-keyring-daemon --unlock --components=secrets >/dev/null && exec \"$@\"",
            "sh",
        ],
    );
    let keyring_home = crate::target_dir().join("keyring-home");
    let _ = std::fs::remove_dir_all(&keyring_home);
    std::fs::create_dir_all(&keyring_home).context("creating target/keyring-home")?;
    c.env("XDG_DATA_HOME", &keyring_home);
    c.arg(cargo_bin)
        // One app at a time: every instance shares the display and the D-Bus session, and the
        // single-instance lock would make a second, parallel app hand over and exit.
        .args(["test", "--workspace", "--", "--ignored", "--test-threads=1"])
        .current_dir(crate::root())
        .env("KOODESK_E2E_APP", &app)
        .env("KOODESK_TAURI_DRIVER", setup::tauri_driver_path())
        .env("KOODESK_E2E_SCREENSHOTS", &screenshots);
    sh::run(&mut c).context("desktop E2E failed (screenshots in target/e2e-screenshots)")?;
    println!("    screenshots: {}", screenshots.display());
    Ok(())
}

/// `cargo xtask soak`: the trials too long for every run — 500 `kill -9` trials of the editor's
/// write-through and saves (the regular tests run 30), 200 of `koodesk sync` draining the outbox
/// (the regular tests run 24), then the hostile corpus.
pub fn soak() -> Result<()> {
    let trials = std::env::var("KOODESK_KILL_TRIALS").unwrap_or_else(|_| "500".into());
    step(&format!("kill -9 while saving: {trials} trials"));
    sh::run(
        cargo(&[
            "test",
            "-p",
            "koodesk-api",
            "--test",
            "kill",
            "--",
            "--nocapture",
        ])
        .env("KOODESK_KILL_TRIALS", &trials),
    )?;
    let sync_trials = std::env::var("KOODESK_SYNC_KILL_TRIALS").unwrap_or_else(|_| "200".into());
    step(&format!(
        "kill -9 while `koodesk sync` drains the outbox: {sync_trials} trials"
    ));
    sh::run(
        cargo(&[
            "test",
            "-p",
            "koodesk-cli",
            "--test",
            "sync_crash",
            "--",
            "--nocapture",
        ])
        .env("KOODESK_SYNC_KILL_TRIALS", &sync_trials),
    )?;
    step("the hostile template corpus, each file in a child under limits");
    sh::run(&mut cargo(&[
        "test",
        "-p",
        "koodesk-templates",
        "--test",
        "hostile",
    ]))?;
    println!("\nxtask soak: 3 passed, 0 failed");
    Ok(())
}

/// `cargo xtask bindings`: rewrite ui/src/lib/backend/bindings.ts from the Rust types.
pub fn update_bindings() -> Result<()> {
    step("regenerate TypeScript bindings and JSON Schemas");
    sh::run(
        cargo(&[
            "test",
            "-p",
            "koodesk-app",
            "-p",
            "koodesk-domain",
            "--",
            "--exact",
        ])
        .args([
            "bindings_tests::typescript_bindings_are_up_to_date",
            "published_json_schemas_are_up_to_date",
        ])
        .env("KOODESK_UPDATE_BINDINGS", "1"),
    )?;
    step("TypeScript types of the public formats");
    sh::run(&mut npm(&["run", "gen:types"]))?;
    println!("    wrote ui/src/lib/backend/bindings.ts, docs/schemas/*.json, ui/src/lib/backend/formats.ts");
    Ok(())
}
