//! Quitting without losing what was typed: every way out (closing the window, Ctrl+Q, the tray's
//! Quit, the session ending) asks the UI to save its pending edits and waits for its answer —
//! at most [`FLUSH_WAIT`] — before the process exits.

use std::sync::atomic::{AtomicBool, AtomicU32, Ordering};
use std::sync::mpsc::{sync_channel, SyncSender};
use std::sync::Mutex;
use std::time::Duration;

use tauri::{AppHandle, Manager};
use tauri_specta::Event;

use crate::events::FlushRequested;

/// How long a quit waits for the UI's pending saves.
pub const FLUSH_WAIT: Duration = Duration::from_secs(2);

/// The quit in progress: its token and where the UI's answer goes.
#[derive(Default)]
pub struct Quitting {
    started: AtomicBool,
    token: AtomicU32,
    answer: Mutex<Option<SyncSender<()>>>,
}

/// Starts a quit (once; later calls while one runs do nothing): asks the UI to flush, waits for
/// its answer or [`FLUSH_WAIT`], then exits.
pub fn quit_after_flush(app: &AppHandle, why: &'static str) {
    let state = app.state::<Quitting>();
    if state.started.swap(true, Ordering::SeqCst) {
        return;
    }
    let token = state.token.fetch_add(1, Ordering::SeqCst).wrapping_add(1);
    let (tx, rx) = sync_channel(1);
    if let Ok(mut slot) = state.answer.lock() {
        *slot = Some(tx);
    }
    tracing::info!(why, "quitting: saving pending edits first");
    let app = app.clone();
    std::thread::spawn(move || {
        let asked = FlushRequested { token }.emit(&app);
        let flushed = asked.is_ok() && rx.recv_timeout(FLUSH_WAIT).is_ok();
        if flushed {
            tracing::info!("pending edits saved; quitting");
        } else {
            tracing::warn!("the window did not confirm its saves in time; quitting anyway");
        }
        app.exit(0);
    });
}

/// The UI's answer to [`FlushRequested`].
pub fn flush_done(app: &AppHandle, token: u32) {
    let state = app.state::<Quitting>();
    if state.token.load(Ordering::SeqCst) != token {
        return;
    }
    let sender = state.answer.lock().ok().and_then(|mut slot| slot.take());
    if let Some(tx) = sender {
        let _ = tx.try_send(());
    }
}

/// The session ending (SIGTERM, SIGHUP, SIGINT on Unix) quits the same way.
pub fn on_session_end(app: &AppHandle) {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{signal, SignalKind};
        let app = app.clone();
        tauri::async_runtime::spawn(async move {
            let (Ok(mut term), Ok(mut hup), Ok(mut int)) = (
                signal(SignalKind::terminate()),
                signal(SignalKind::hangup()),
                signal(SignalKind::interrupt()),
            ) else {
                tracing::warn!("cannot watch for the session ending");
                return;
            };
            tokio::select! {
                _ = term.recv() => {}
                _ = hup.recv() => {}
                _ = int.recv() => {}
            }
            quit_after_flush(&app, "the session is ending");
        });
    }
    #[cfg(not(unix))]
    let _ = app;
}
