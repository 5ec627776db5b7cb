//! Start-up: where the time goes (a trace of milestones since `run` began, printed for
//! `cargo xtask bench` and logged), and what waits until the first page is interactive — the
//! Demo marketplace, the sync engine, the daily backup and the update check start only then (or after [`FALLBACK`], should the page never say so), so nothing on the way to the first
//! paint waits on the network, the keychain or the Demo marketplace.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Mutex, OnceLock};
use std::time::{Duration, Instant};

use tauri::AppHandle;

/// The background work starts this long after launch at the latest.
pub const FALLBACK: Duration = Duration::from_secs(5);

static STARTED: OnceLock<Instant> = OnceLock::new();
static MARKS: Mutex<Vec<(&'static str, f64)>> = Mutex::new(Vec::new());
static DEFERRED_STARTED: AtomicBool = AtomicBool::new(false);

/// Sets the clock the marks are measured on (the start of `run`).
pub fn begin(at: Instant) {
    let _ = STARTED.set(at);
}

/// Notes that the start-up reached `name` (only the first time).
pub fn mark(name: &'static str) {
    let Some(start) = STARTED.get() else { return };
    let ms = start.elapsed().as_secs_f64() * 1000.0;
    let mut marks = MARKS.lock().unwrap_or_else(|p| p.into_inner());
    if !marks.iter().any(|(n, _)| *n == name) {
        marks.push((name, ms));
    }
}

/// The trace so far, in order.
pub fn marks() -> Vec<(&'static str, f64)> {
    MARKS.lock().unwrap_or_else(|p| p.into_inner()).clone()
}

/// The page is interactive: log the trace (and print it for the bench), then start what waited.
pub fn interactive(app: &AppHandle, report: bool) {
    mark("page interactive");
    let marks = marks();
    for (name, ms) in &marks {
        tracing::info!(ms = format!("{ms:.1}"), "start-up: {name}");
        if report {
            println!("KOODESK_TRACE {ms:.1} {name}");
        }
    }
    after_first_paint(app);
}

/// Starts the work that waits for the first paint, once; a timer starts it anyway after
/// [`FALLBACK`] (a page that failed to load, a window started hidden).
pub fn defer_background(app: &AppHandle) {
    let app = app.clone();
    tauri::async_runtime::spawn(async move {
        tokio::time::sleep(FALLBACK).await;
        after_first_paint(&app);
    });
}

fn after_first_paint(app: &AppHandle) {
    if DEFERRED_STARTED.swap(true, Ordering::SeqCst) {
        return;
    }
    crate::start_background(app);
}
