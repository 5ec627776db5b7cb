//! Checking and installing what Koodesk needs to build and test, then `cargo xtask run`.

use std::path::PathBuf;
use std::process::Command;

use anyhow::{bail, Context, Result};

use crate::sh::{self, cargo, cmd, npm, on_path, output, step};

/// Debian/Ubuntu packages needed to build the app (WebKitGTK, GTK, tray, TLS headers).
pub const BUILD_PACKAGES: &[&str] = &[
    "build-essential",
    "pkg-config",
    "libwebkit2gtk-4.1-dev",
    "libjavascriptcoregtk-4.1-dev",
    "libsoup-3.0-dev",
    "libgtk-3-dev",
    "libayatana-appindicator3-dev",
    "librsvg2-dev",
    "libssl-dev",
];

/// Extra packages for the tests: a virtual X server, the WebKit WebDriver, a D-Bus session,
/// Chromium for the browser tests, and CJK fonts so 简体中文 screenshots are readable.
pub const TEST_PACKAGES: &[&str] = &[
    "xvfb",
    "xauth",
    "webkit2gtk-driver",
    // A Secret Service for the keychain tests (started inside the tests' D-Bus session).
    "gnome-keyring",
    "dbus",
    "dbus-x11",
    // A notification server and a tray host on that session bus (desktop E2E).
    "python3-dbusmock",
    "at-spi2-core",
    "chromium",
    "fonts-noto-cjk",
    "libreoffice-calc-nogui",
    "libreoffice-writer-nogui",
    "poppler-utils",
];

#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Purpose {
    Run,
    Test,
}

/// Everything `run` and `test` need before building: system packages, Node, the UI's npm packages,
/// and (for tests) tauri-driver.
pub fn prepare(purpose: Purpose) -> Result<()> {
    if cfg!(target_os = "linux") {
        let mut wanted: Vec<&str> = BUILD_PACKAGES.to_vec();
        if purpose == Purpose::Test {
            wanted.extend_from_slice(TEST_PACKAGES);
        }
        apt_install(&wanted)?;
    }
    check_node()?;
    npm_ci()?;
    if purpose == Purpose::Test {
        tauri_driver()?;
        python_readers()?;
    }
    Ok(())
}

/// The Python the template tests use to check generated files with openpyxl and python-docx:
/// a virtual environment in target/ with the pinned versions.
pub fn python_path() -> PathBuf {
    let venv = crate::target_dir().join("pyenv");
    if cfg!(windows) {
        venv.join("Scripts").join("python.exe")
    } else {
        venv.join("bin").join("python")
    }
}

fn python_readers() -> Result<()> {
    step("Python readers (openpyxl, python-docx)");
    let requirements = crate::root().join("tests/py/requirements.txt");
    let python = python_path();
    if !python.is_file() {
        let venv = crate::target_dir().join("pyenv");
        let system = if cfg!(windows) { "python" } else { "python3" };
        sh::run(Command::new(system).arg("-m").arg("venv").arg(&venv)).context(
            "creating a Python virtual environment (on Debian: apt-get install python3-venv)",
        )?;
    }
    let stamp = crate::target_dir().join("pyenv/.requirements");
    let wanted =
        std::fs::read_to_string(&requirements).context("reading the Python requirements")?;
    if std::fs::read_to_string(&stamp).ok().as_deref() == Some(wanted.as_str()) {
        println!("    up to date");
        return Ok(());
    }
    sh::run(
        Command::new(&python)
            .args([
                "-m",
                "pip",
                "install",
                "--quiet",
                "--disable-pip-version-check",
                "-r",
            ])
            .arg(&requirements),
    )?;
    std::fs::write(&stamp, wanted)?;
    Ok(())
}

fn is_debian_like() -> bool {
    on_path("apt-get") && on_path("dpkg-query")
}

fn missing_packages(wanted: &[&str]) -> Vec<String> {
    wanted
        .iter()
        .filter(|p| {
            let status = output(&mut cmd("dpkg-query", &["-W", "-f=${db:Status-Status}", p]));
            status.as_deref() != Some("installed")
        })
        .map(|p| p.to_string())
        .collect()
}

fn is_root() -> bool {
    output(Command::new("id").arg("-u")).as_deref() == Some("0")
}

fn apt_install(wanted: &[&str]) -> Result<()> {
    step("system packages");
    if !is_debian_like() {
        println!(
            "    not a Debian/Ubuntu system: install the WebKitGTK 4.1 and GTK 3 development \
             packages yourself (see README.md)"
        );
        return Ok(());
    }
    let missing = missing_packages(wanted);
    if missing.is_empty() {
        println!("    all {} packages present", wanted.len());
        return Ok(());
    }
    let list = missing.join(" ");
    if !is_root() {
        bail!(
            "these system packages are missing; install them and run again:\n\n    \
             sudo apt-get install -y --no-install-recommends {list}\n"
        );
    }
    println!("    installing: {list}");
    sh::run(cmd("apt-get", &["update", "-qq"]).env("DEBIAN_FRONTEND", "noninteractive"))?;
    let mut install = cmd(
        "apt-get",
        &["install", "-y", "-qq", "--no-install-recommends"],
    );
    install
        .args(&missing)
        .env("DEBIAN_FRONTEND", "noninteractive");
    sh::run(&mut install)
}

fn check_node() -> Result<()> {
    let version =
        output(Command::new(if cfg!(windows) { "node.exe" } else { "node" }).arg("--version"))
            .context(
                "Node.js is not installed: install Node.js 20.19 or newer (https://nodejs.org)",
            )?;
    let parts: Vec<u32> = version
        .trim_start_matches('v')
        .split('.')
        .filter_map(|p| p.parse().ok())
        .collect();
    let ok = match parts.as_slice() {
        [20, minor, ..] => *minor >= 19,
        [major, ..] => *major > 20,
        [] => false,
    };
    if !ok {
        bail!("Node.js {version} is too old: the UI build needs 20.19 or newer");
    }
    Ok(())
}

/// `npm ci` in ui/ when node_modules is missing or older than package-lock.json.
fn npm_ci() -> Result<()> {
    step("UI packages (npm ci)");
    let ui = crate::root().join("ui");
    let lock = ui.join("package-lock.json");
    let installed = ui.join("node_modules/.package-lock.json");
    let fresh = match (std::fs::metadata(&lock), std::fs::metadata(&installed)) {
        (Ok(l), Ok(i)) => match (l.modified(), i.modified()) {
            (Ok(l), Ok(i)) => i >= l,
            _ => false,
        },
        _ => false,
    };
    if fresh {
        println!("    up to date");
        return Ok(());
    }
    sh::run(&mut npm(&["ci", "--no-audit", "--no-fund"]))
}

/// The tauri-driver binary, installed into target/tools on first use.
pub fn tauri_driver_path() -> PathBuf {
    let exe = if cfg!(windows) {
        "tauri-driver.exe"
    } else {
        "tauri-driver"
    };
    crate::target_dir().join("tools/bin").join(exe)
}

fn tauri_driver() -> Result<()> {
    step("tauri-driver");
    let path = tauri_driver_path();
    if path.is_file() {
        println!("    {}", path.display());
        return Ok(());
    }
    let root = crate::target_dir().join("tools");
    let root = root.to_string_lossy();
    sh::run(&mut cargo(&[
        "install",
        "tauri-driver",
        "--version",
        "^2",
        "--locked",
        "--root",
        &root,
    ]))
}

/// `npm run build` in ui/: the app embeds ui/dist.
pub fn build_ui() -> Result<()> {
    step("UI build (vite)");
    sh::run(&mut npm(&["run", "build"]))
}

pub fn app_binary() -> PathBuf {
    let exe = if cfg!(windows) {
        "koodesk-app.exe"
    } else {
        "koodesk-app"
    };
    crate::target_dir().join("debug").join(exe)
}

/// `cargo xtask run`: set up, build, open Koodesk.
pub fn run_app() -> Result<()> {
    prepare(Purpose::Run)?;
    build_ui()?;
    step("build koodesk-app");
    sh::run(&mut cargo(&["build", "-p", "koodesk-app"]))?;
    step("open Koodesk");
    let status = Command::new(app_binary())
        .status()
        .context("starting koodesk-app")?;
    if !status.success() {
        bail!("koodesk-app exited with {status}");
    }
    Ok(())
}
