//! Start-up: where the time goes (a trace of milestones since `run` began, printed for
//! `cargo xtask bench` and logged), and what waits until the first page is interactive — the
//! Demo marketplace, the sync engine, the daily backup and the update check start only then (or after [`FALLBACK`], should the page never say so), so nothing on the way to the first
//! paint waits on the network, the keychain or the Demo marketplace.

use std::borrow::Cow;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Mutex, OnceLock};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use serde::Deserialize;
use tauri::AppHandle;

/// The background work starts this long after launch at the latest.
pub const FALLBACK: Duration = Duration::from_secs(5);

/// The start of `run`, on the monotonic clock and on the wall clock (the page's marks come as
/// wall-clock times).
static STARTED: OnceLock<(Instant, SystemTime)> = OnceLock::new();
static MARKS: Mutex<Vec<(Cow<'static, str>, f64)>> = Mutex::new(Vec::new());
static DEFERRED_STARTED: AtomicBool = AtomicBool::new(false);

/// The page's marks kept at most (the page is ours, but what crosses IPC is bounded).
const PAGE_MARKS_MAX: usize = 16;
const PAGE_MARK_NAME_MAX: usize = 48;

/// Sets the clock the marks are measured on (the start of `run`).
pub fn begin(at: Instant) {
    let _ = STARTED.set((at, SystemTime::now()));
}

/// Notes that the start-up reached `name` (only the first time).
pub fn mark(name: &'static str) {
    let Some((start, _)) = STARTED.get() else {
        return;
    };
    push(Cow::Borrowed(name), start.elapsed().as_secs_f64() * 1000.0);
}

fn push(name: Cow<'static, str>, ms: f64) {
    let mut marks = MARKS.lock().unwrap_or_else(|p| p.into_inner());
    if !marks.iter().any(|(n, _)| *n == name) {
        marks.push((name, ms));
    }
}

/// A moment in the page's start-up, as the page saw it: milliseconds since the Unix epoch
/// (`performance.timeOrigin + performance.now()`).
#[derive(Debug, Clone, Deserialize, specta::Type)]
pub struct PageMark {
    pub name: String,
    /// `null` (a time the page could not read) is left out of the trace.
    pub at_epoch_ms: Option<f64>,
}

/// Adds the page's own marks (document received, script running, data received, rendered) to
/// the trace, on the trace's clock. Bounded: at most [`PAGE_MARKS_MAX`], names cut short,
/// times that are not finite or fall outside the first minute left out.
pub fn page_marks(marks: &[PageMark]) {
    let Some((_, wall_start)) = STARTED.get() else {
        return;
    };
    let Ok(start) = wall_start.duration_since(UNIX_EPOCH) else {
        return;
    };
    for (name, ms) in on_trace_clock(start.as_secs_f64() * 1000.0, marks) {
        push(Cow::Owned(name), ms);
    }
}

/// The page's marks as (`page: name`, ms since `run`), given when `run` began (ms since the
/// epoch); what is out of bounds is left out.
fn on_trace_clock(start_epoch_ms: f64, marks: &[PageMark]) -> Vec<(String, f64)> {
    marks
        .iter()
        .take(PAGE_MARKS_MAX)
        .filter_map(|m| {
            let ms = m.at_epoch_ms? - start_epoch_ms;
            if !ms.is_finite() || !(0.0..60_000.0).contains(&ms) {
                return None;
            }
            let name: String = m.name.chars().take(PAGE_MARK_NAME_MAX).collect();
            Some((format!("page: {name}"), ms))
        })
        .collect()
}

/// The trace so far, in time order.
pub fn marks() -> Vec<(Cow<'static, str>, f64)> {
    let mut marks = MARKS.lock().unwrap_or_else(|p| p.into_inner()).clone();
    marks.sort_by(|a, b| a.1.total_cmp(&b.1));
    marks
}

/// What the first page needs before it can paint, handed to it with the page itself (an
/// initialisation script setting `window.__KOODESK_BOOT__`) instead of by calls it would make
/// and wait for: the settings (the language), the app's facts and the draft list. Read from the
/// database while the window is made, before anything else can change them; the page takes it
/// once and asks by IPC as usual afterwards (and on a reload). `None` if any part cannot be
/// read: the page then asks for everything itself.
pub fn boot_script(ctx: &koodesk_api::Context) -> Option<String> {
    #[derive(serde::Serialize)]
    struct Boot {
        settings: koodesk_api::dto::Settings,
        info: koodesk_api::dto::AppInfo,
        drafts: Vec<koodesk_api::dto::DraftListItem>,
    }
    let boot = Boot {
        settings: koodesk_api::settings::get_settings(ctx).ok()?,
        info: koodesk_api::settings::app_info(ctx),
        drafts: koodesk_api::drafts::list(ctx, &koodesk_api::dto::DraftFilter::default()).ok()?,
    };
    // JSON is a JavaScript expression (since ES2019 even with U+2028 in strings), and the script
    // is handed to the webview directly, never through HTML.
    let json = serde_json::to_string(&boot).ok()?;
    Some(format!("window.__KOODESK_BOOT__ = {json};"))
}

/// The page is interactive: log the trace (and print it for the bench), then start what waited.
pub fn interactive(app: &AppHandle, page: &[PageMark], report: bool) {
    page_marks(page);
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

#[cfg(test)]
mod tests {
    use super::*;

    fn mark(name: &str, at_epoch_ms: f64) -> PageMark {
        PageMark {
            name: name.into(),
            at_epoch_ms: Some(at_epoch_ms),
        }
    }

    #[test]
    fn page_marks_land_on_the_trace_clock_within_bounds() {
        let start = 1_800_000_000_000.0;
        let got = on_trace_clock(
            start,
            &[
                mark("document received", start + 120.5),
                mark("before run", start - 5.0),
                mark("an hour later", start + 3_600_000.0),
                mark("not a time", f64::NAN),
                PageMark {
                    name: "no time".into(),
                    at_epoch_ms: None,
                },
                mark(&"x".repeat(500), start + 1.0),
            ],
        );
        assert_eq!(
            got,
            vec![
                ("page: document received".to_owned(), 120.5),
                (format!("page: {}", "x".repeat(PAGE_MARK_NAME_MAX)), 1.0),
            ]
        );
        let many: Vec<PageMark> = (0..100).map(|i| mark("m", start + f64::from(i))).collect();
        assert_eq!(on_trace_clock(start, &many).len(), PAGE_MARKS_MAX);
    }

    /// Draft names are the seller's (or an imported file's) text, and the boot data carries them
    /// into the page as a script: it must stay one assignment of JSON whatever a name holds.
    #[test]
    fn boot_script_is_one_assignment_of_json_whatever_the_names_hold() {
        use koodesk_api::paths::DataDir;
        let dir = tempfile::tempdir().expect("temp dir");
        let ctx = koodesk_api::Context::open(DataDir::at(dir.path())).expect("open");
        let hostile = [
            "</script><script>window.__pwned=1</script>",
            "line\u{2028}separator\u{2029}paragraph",
            "quote \" back\\slash ${window.__pwned=3} `tick`",
            "'; window.__pwned=2; '",
            "<!-- <script>",
        ];
        for name in hostile {
            let view = koodesk_api::drafts::create(&ctx, "professional_service").expect("create");
            let mut doc = view.doc.clone();
            *doc.pointer_mut("/product/basic/name").expect("name field") = name.into();
            koodesk_api::drafts::save(&ctx, &view.id, Some(view.revision), doc).expect("save");
        }
        let script = boot_script(&ctx).expect("boot data");
        let json = script
            .strip_prefix("window.__KOODESK_BOOT__ = ")
            .and_then(|s| s.strip_suffix(';'))
            .expect("one assignment");
        let boot: serde_json::Value = serde_json::from_str(json).expect("the value is JSON");
        let mut names: Vec<&str> = boot["drafts"]
            .as_array()
            .expect("drafts")
            .iter()
            .filter_map(|d| d["name"].as_str())
            .collect();
        names.sort_unstable();
        let mut want = hostile.to_vec();
        want.sort_unstable();
        assert_eq!(names, want);
        // Nothing after the JSON: a name cannot end the statement and start another.
        assert_eq!(script.matches("__KOODESK_BOOT__").count(), 1);
        assert!(boot["settings"]["effective_language"].is_string());
    }
}
