//! `cargo xtask bench`: measurements printed as a table, each beside a baseline from the same run.
//!
//! Rows now: the drafts store, templates, the outbox's drain rate against raw signed requests,
//! time from process start to an interactive Products page, and idle memory (PSS of the
//! whole process tree, WebKit processes included, after 5 s), for Koodesk and a bare Tauri 2 window.

use std::collections::HashMap;
use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use anyhow::{bail, Context, Result};

use crate::setup::{self, Purpose};
use crate::sh::{self, cargo, step};

const RUNS: usize = 9;
/// Drafts in the data folder Koodesk starts on.
const SEEDED_DRAFTS: usize = 200;
const IDLE: Duration = Duration::from_secs(5);

/// One line of the table: a measurement and its baseline from the same run.
pub struct Row {
    pub metric: String,
    pub koodesk: f64,
    pub baseline: f64,
    pub baseline_name: String,
    pub unit: &'static str,
}

pub fn run(args: &[String]) -> Result<()> {
    // `cargo xtask bench startup`: only the start-up, memory and size rows.
    let only_startup = args.iter().any(|a| a == "startup");
    if cfg!(target_os = "linux")
        && std::env::var_os("DISPLAY").is_none()
        && std::env::var_os("KOODESK_BENCH_INNER").is_none()
    {
        // Re-run this command under a virtual X server and a private D-Bus session.
        let exe = std::env::current_exe()?;
        return sh::run(
            Command::new("xvfb-run")
                .args([
                    "-a",
                    "-s",
                    "-screen 0 1400x900x24",
                    "dbus-run-session",
                    "--",
                ])
                .arg(exe)
                .arg("bench")
                .args(args)
                .env("KOODESK_BENCH_INNER", "1"),
        );
    }
    setup::prepare(Purpose::Test)?;
    setup::build_ui()?;
    release_build()?;
    let release = crate::target_dir().join("release");
    let mut rows = Vec::new();
    if !only_startup {
        rows.extend(drafts_store(&release.join("store-bench"))?);
        step("templates: a 200-field form, beside openpyxl and python-docx");
        rows.extend(bench_rows(
            Command::new(release.join("template-bench"))
                .env("KOODESK_PYTHON", setup::python_path()),
        )?);
        step("sync: the outbox drained against raw signed requests to the same sandbox");
        rows.extend(bench_rows(&mut Command::new(release.join("sync-bench")))?);
    }
    step(&format!(
        "a data folder with {SEEDED_DRAFTS} drafts to start on"
    ));
    let seeded = std::env::temp_dir().join(format!("koodesk-bench-seed-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&seeded);
    sh::run(
        Command::new(release.join("store-bench"))
            .arg("--seed")
            .arg(&seeded)
            .arg(SEEDED_DRAFTS.to_string()),
    )?;
    let measured = startup_and_memory(
        &release.join("koodesk-app"),
        &release.join("bare-tauri"),
        &seeded,
    );
    let _ = std::fs::remove_dir_all(&seeded);
    rows.extend(measured?);
    rows.extend(sizes(&release));
    print_table(&rows);
    Ok(())
}

/// The release build every measurement runs: the app, the bare window and the bench binaries in
/// one invocation (same profile, same features).
pub fn release_build() -> Result<()> {
    step("release build: koodesk-app and bare-tauri (same run, same profile)");
    sh::run(&mut cargo(&[
        "build",
        "--release",
        "-p",
        "koodesk-app",
        "-p",
        "bare-tauri",
        "-p",
        "store-bench",
        "-p",
        "template-bench",
        "-p",
        "sync-bench",
    ]))
}

/// Binary and package sizes beside the bare Tauri window's (packages when `cargo xtask bundle`
/// has built them).
fn sizes(release: &Path) -> Vec<Row> {
    let mib = |p: &Path| {
        std::fs::metadata(p)
            .ok()
            .map(|m| m.len() as f64 / 1048576.0)
    };
    let mut rows = Vec::new();
    if let (Some(k), Some(b)) = (
        mib(&release.join("koodesk-app")),
        mib(&release.join("bare-tauri")),
    ) {
        rows.push(Row {
            metric: "release binary size (MiB)".into(),
            koodesk: k,
            baseline: b,
            baseline_name: "bare Tauri 2".into(),
            unit: "MiB",
        });
    }
    for ext in ["deb", "rpm"] {
        match crate::bundle::built_sizes(ext) {
            Some((k, b)) => rows.push(Row {
                metric: format!(".{ext} package size (MiB)"),
                koodesk: k,
                baseline: b,
                baseline_name: "bare Tauri 2".into(),
                unit: "MiB",
            }),
            None => println!("    (no .{ext} sizes: run `cargo xtask bundle` first)"),
        }
    }
    rows
}

/// Runs the store benchmark and reads its `ROW|…` lines.
fn drafts_store(bin: &Path) -> Result<Vec<Row>> {
    step("drafts: list and search over 10 000 drafts");
    bench_rows(&mut Command::new(bin))
}

/// Runs a benchmark binary and reads its `ROW|…` lines.
fn bench_rows(cmd: &mut Command) -> Result<Vec<Row>> {
    let shown = format!("{:?}", cmd.get_program());
    let out = cmd
        .stderr(Stdio::inherit())
        .output()
        .with_context(|| format!("running {shown}"))?;
    if !out.status.success() {
        bail!("{shown} failed");
    }
    Ok(parse_rows(&String::from_utf8_lossy(&out.stdout)))
}

fn parse_rows(text: &str) -> Vec<Row> {
    text.lines()
        .filter_map(|l| {
            let parts: Vec<&str> = l.strip_prefix("ROW|")?.split('|').collect();
            let [metric, k, b, name, unit] = parts.as_slice() else {
                return None;
            };
            Some(Row {
                metric: metric.to_string(),
                koodesk: k.parse().ok()?,
                baseline: b.parse().ok()?,
                baseline_name: name.to_string(),
                unit: match *unit {
                    "ms" => "ms",
                    "MiB" => "MiB",
                    _ => "",
                },
            })
        })
        .collect()
}

fn startup_and_memory(koodesk: &Path, bare: &Path, seeded: &Path) -> Result<Vec<Row>> {
    step(&format!(
        "start-up and idle memory, {RUNS} runs each after one warm-up"
    ));
    // PSS splits a shared library's pages among every process that maps it: another WebKit
    // running beside the bench lowers both columns by tens of MiB and skews their ratio.
    let others = webkit_processes(running_commands());
    if !others.is_empty() {
        bail!(
            "other WebKit processes are running (pids {others:?}); their shared pages would skew \
             the memory rows — stop them and run the bench again"
        );
    }
    let mut k = Vec::new();
    let mut b = Vec::new();
    let mut traces: Vec<Trace> = Vec::new();
    launch(koodesk, Some(seeded))?; // warm the page cache for both before measuring
    launch(bare, None)?;
    for i in 0..RUNS {
        let (ready, pss, trace) = launch(koodesk, Some(seeded))?;
        let (bready, bpss, _) = launch(bare, None)?;
        println!(
            "    run {}: koodesk {ready:.0} ms {pss:.0} MiB  bare {bready:.0} ms {bpss:.0} MiB",
            i + 1
        );
        k.push((ready, pss));
        b.push((bready, bpss));
        traces.push(trace);
    }
    let med = |v: &[(f64, f64)], f: fn(&(f64, f64)) -> f64| median(v.iter().map(f).collect());
    let bare_ready = med(&b, |s| s.0);
    // The trace: each milestone's median time since the app's `run` began, beside the bare
    // window's whole start-up.
    let mut rows: Vec<Row> = Vec::new();
    if let Some(first) = traces.first() {
        for (name, _) in first {
            let times: Vec<f64> = traces
                .iter()
                .filter_map(|t| t.iter().find(|(n, _)| n == name).map(|(_, ms)| *ms))
                .collect();
            rows.push(Row {
                metric: format!("  start-up trace: {name} (ms)"),
                koodesk: median(times),
                baseline: bare_ready,
                baseline_name: "bare: whole start".into(),
                unit: "ms",
            });
        }
    }
    rows.extend(vec![
        Row {
            metric: "process start → interactive page (ms, median)".into(),
            koodesk: med(&k, |s| s.0),
            baseline: med(&b, |s| s.0),
            baseline_name: "bare Tauri 2".into(),
            unit: "ms",
        },
        Row {
            metric: format!(
                "idle PSS, process tree, after {} s (MiB, median)",
                IDLE.as_secs()
            ),
            koodesk: med(&k, |s| s.1),
            baseline: med(&b, |s| s.1),
            baseline_name: "bare Tauri 2".into(),
            unit: "MiB",
        },
    ]);
    Ok(rows)
}

/// Starts `bin` (on a copy of `seeded` as its data folder), waits for its `KOODESK_READY` line,
/// idles, measures PSS, stops it. Returns (milliseconds to ready, MiB PSS, the start-up trace).
fn launch(bin: &Path, seeded: Option<&Path>) -> Result<(f64, f64, Trace)> {
    let tmp = std::env::temp_dir().join(format!(
        "koodesk-bench-{}-{}",
        std::process::id(),
        Instant::now().elapsed().as_nanos()
    ));
    let _ = std::fs::remove_dir_all(&tmp);
    std::fs::create_dir_all(tmp.join("xdg/cache"))?;
    std::fs::create_dir_all(tmp.join("xdg/data"))?;
    std::fs::create_dir_all(tmp.join("xdg/config"))?;
    if let Some(seeded) = seeded {
        sh::run(
            Command::new("cp")
                .arg("-r")
                .arg(seeded)
                .arg(tmp.join("data")),
        )?;
    }
    let started = Instant::now();
    let mut child = Command::new(bin)
        .env("KOODESK_DATA_DIR", tmp.join("data"))
        .env("KOODESK_REPORT_READY", "1")
        .env("XDG_DATA_HOME", tmp.join("xdg/data"))
        .env("XDG_CACHE_HOME", tmp.join("xdg/cache"))
        .env("XDG_CONFIG_HOME", tmp.join("xdg/config"))
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .with_context(|| format!("starting {}", bin.display()))?;
    let stdout = child.stdout.take().context("no stdout")?;
    let (tx, rx) = mpsc::channel();
    let trace = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
    let kept = trace.clone();
    std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines().map_while(Result::ok) {
            if line.starts_with("KOODESK_READY") {
                let _ = tx.send(Instant::now());
            } else if let Some(mark) = parse_trace(&line) {
                if let Ok(mut t) = kept.lock() {
                    t.push(mark);
                }
            }
        }
    });
    let ready = match rx.recv_timeout(Duration::from_secs(60)) {
        Ok(at) => at.duration_since(started),
        Err(_) => {
            let _ = child.kill();
            bail!("{} never reported ready", bin.display());
        }
    };
    std::thread::sleep(IDLE);
    let pss_kib = tree_pss_kib(child.id());
    stop_tree(child.id());
    let _ = child.wait();
    let _ = std::fs::remove_dir_all(&tmp);
    let trace = trace.lock().map(|t| t.clone()).unwrap_or_default();
    Ok((ready.as_secs_f64() * 1000.0, pss_kib as f64 / 1024.0, trace))
}

/// Start-up milestones: (name, ms since the app's `run` began).
type Trace = Vec<(String, f64)>;

/// `KOODESK_TRACE 12.5 window created` → ("window created", 12.5).
fn parse_trace(line: &str) -> Option<(String, f64)> {
    let rest = line.strip_prefix("KOODESK_TRACE ")?;
    let (ms, name) = rest.split_once(' ')?;
    Some((name.to_owned(), ms.parse().ok()?))
}

/// The pid and all its descendants, from /proc.
fn process_tree(root: u32) -> Vec<u32> {
    let mut children: HashMap<u32, Vec<u32>> = HashMap::new();
    for pid in pids() {
        if let Some(ppid) = parent_of(pid) {
            children.entry(ppid).or_default().push(pid);
        }
    }
    let mut tree = vec![root];
    let mut i = 0;
    while i < tree.len() {
        if let Some(kids) = children.get(&tree[i]) {
            tree.extend(kids);
        }
        i += 1;
    }
    tree
}

fn parent_of(pid: u32) -> Option<u32> {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    // The command name is in parentheses and may contain spaces: parse after the last ')'.
    let rest = &stat[stat.rfind(')')? + 2..];
    rest.split_whitespace().nth(1)?.parse().ok()
}

/// Every running process's pid, from /proc.
fn pids() -> Vec<u32> {
    let Ok(entries) = std::fs::read_dir("/proc") else {
        return Vec::new();
    };
    entries
        .flatten()
        .filter_map(|e| e.file_name().to_str()?.parse::<u32>().ok())
        .collect()
}

/// Every process's pid and command name, from /proc.
fn running_commands() -> Vec<(u32, String)> {
    pids()
        .into_iter()
        .filter_map(|pid| {
            let comm = std::fs::read_to_string(format!("/proc/{pid}/comm")).ok()?;
            Some((pid, comm.trim().to_owned()))
        })
        .collect()
}

/// The WebKit helper processes (web content, network, GPU) among `procs`, by their command names
/// as /proc cuts them (15 characters). Not the WebDriver: it does not map WebKit's libraries.
fn webkit_processes(procs: Vec<(u32, String)>) -> Vec<u32> {
    const HELPERS: [&str; 3] = ["WebKitWebProces", "WebKitNetworkPr", "WebKitGPUProces"];
    procs
        .into_iter()
        .filter(|(_, comm)| HELPERS.iter().any(|h| comm.starts_with(h)))
        .map(|(pid, _)| pid)
        .collect()
}

fn tree_pss_kib(root: u32) -> u64 {
    process_tree(root)
        .iter()
        .filter_map(|pid| std::fs::read_to_string(format!("/proc/{pid}/smaps_rollup")).ok())
        .filter_map(|s| {
            s.lines()
                .find(|l| l.starts_with("Pss:"))
                .and_then(|l| l.split_whitespace().nth(1)?.parse::<u64>().ok())
        })
        .sum()
}

fn stop_tree(root: u32) {
    let tree = process_tree(root);
    for pid in tree.iter().rev() {
        let _ = Command::new("kill").arg(pid.to_string()).status();
    }
}

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(f64::total_cmp);
    match v.len() {
        0 => f64::NAN,
        n if n % 2 == 1 => v[n / 2],
        n => (v[n / 2 - 1] + v[n / 2]) / 2.0,
    }
}

fn print_table(rows: &[Row]) {
    println!();
    println!(
        "| {:<52} | {:>10} | {:>12} | {:>16} | {:>6} |",
        "metric", "Koodesk", "baseline", "baseline is", "ratio"
    );
    println!(
        "|{:-<54}|{:->12}|{:->14}|{:->16}|{:->8}|",
        "", "", "", "", ""
    );
    for r in rows {
        println!(
            "| {:<52} | {:>7.1} {:<3}| {:>9.1} {:<3}| {:>16} | {:>6.2} |",
            r.metric,
            r.koodesk,
            r.unit,
            r.baseline,
            r.unit,
            r.baseline_name,
            r.koodesk / r.baseline
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn benchmark_rows_are_read_from_the_bench_output() {
        let rows = parse_rows(
            "noise\nROW|search p95 (ms)|1.50|0.75|raw FTS5 query|ms\nROW|broken|x|1|y|ms\n",
        );
        assert_eq!(rows.len(), 1);
        assert_eq!(rows[0].metric, "search p95 (ms)");
        assert_eq!((rows[0].koodesk, rows[0].baseline), (1.5, 0.75));
    }

    #[test]
    fn trace_lines_are_read_as_milestones() {
        assert_eq!(
            parse_trace("KOODESK_TRACE 12.5 window created"),
            Some(("window created".to_owned(), 12.5))
        );
        assert_eq!(parse_trace("KOODESK_TRACE x window"), None);
        assert_eq!(parse_trace("KOODESK_READY 40"), None);
    }

    #[test]
    fn median_of_odd_and_even_samples() {
        assert_eq!(median(vec![3.0, 1.0, 2.0]), 2.0);
        assert_eq!(median(vec![4.0, 1.0, 3.0, 2.0]), 2.5);
        assert!(median(vec![]).is_nan());
    }

    #[test]
    #[cfg(target_os = "linux")]
    fn the_process_tree_includes_children_and_has_memory() {
        let mut child = Command::new("sh")
            .args(["-c", "sleep 5 & sleep 5"])
            .spawn()
            .unwrap();
        std::thread::sleep(Duration::from_millis(200));
        let tree = process_tree(child.id());
        assert!(tree.len() >= 3, "sh and two sleeps: {tree:?}");
        assert!(tree_pss_kib(child.id()) > 0);
        stop_tree(child.id());
        let _ = child.wait();
    }

    #[test]
    fn other_webkit_processes_are_found_by_their_command_name() {
        assert_eq!(
            webkit_processes(vec![
                (10, "koodesk-app".into()),
                (11, "WebKitWebProces".into()),
                (12, "WebKitNetworkPr".into()),
                (13, "xtask".into()),
                (14, "WebKitWebDriver".into()),
                (15, "WebKitGPUProces".into()),
            ]),
            vec![11, 12, 15]
        );
        assert!(webkit_processes(vec![(1, "systemd".into())]).is_empty());
    }
}
