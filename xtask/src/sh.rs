//! Running commands with a visible step header and a clear error when one fails.

use std::ffi::OsStr;
use std::path::Path;
use std::process::Command;
use std::time::Instant;

use anyhow::{bail, Context, Result};

pub fn step(title: &str) {
    println!("\n==> {title}");
}

/// Runs `cmd` with inherited stdio; fails with the command line when it exits non-zero.
pub fn run(cmd: &mut Command) -> Result<()> {
    let shown = show(cmd);
    let started = Instant::now();
    let status = cmd
        .status()
        .with_context(|| format!("could not start: {shown}"))?;
    if !status.success() {
        bail!("failed ({status}): {shown}");
    }
    println!("    ({shown}: {:.1} s)", started.elapsed().as_secs_f64());
    Ok(())
}

pub fn cmd(program: impl AsRef<OsStr>, args: &[&str]) -> Command {
    let mut c = Command::new(program);
    c.args(args);
    c
}

pub fn cargo(args: &[&str]) -> Command {
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let mut c = cmd(cargo, args);
    c.current_dir(crate::root());
    c
}

pub fn npm(args: &[&str]) -> Command {
    let mut c = cmd(if cfg!(windows) { "npm.cmd" } else { "npm" }, args);
    c.current_dir(crate::root().join("ui"));
    c
}

/// True when `program` can be found on PATH.
pub fn on_path(program: &str) -> bool {
    std::env::var_os("PATH").is_some_and(|paths| {
        std::env::split_paths(&paths).any(|dir| {
            let p = dir.join(program);
            p.is_file() || (cfg!(windows) && p.with_extension("exe").is_file())
        })
    })
}

pub fn output(cmd: &mut Command) -> Option<String> {
    let out = cmd.output().ok()?;
    out.status
        .success()
        .then(|| String::from_utf8_lossy(&out.stdout).trim().to_string())
}

fn show(cmd: &Command) -> String {
    let mut s = Path::new(cmd.get_program())
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    for a in cmd.get_args() {
        s.push(' ');
        s.push_str(&a.to_string_lossy());
    }
    s
}
