//! The sync engine in the background: one task for the life of the app. It wakes when something
//! is queued (Submit, Withdraw), when the seller asks ("Sync now"), when the account changes, on
//! reconnect and every half minute; it sleeps until a backed-off call is due. While offline it
//! does not hammer the network: the engine's back-off decides when to try again, and a bare TCP
//! connection to the gateway every few seconds (`koodesk_sync::reach`) notices the network
//! coming back, which makes the queue due at once. Every pass ends with a `SyncStatusChanged`
//! event for the sidebar.

use std::sync::atomic::{AtomicBool, AtomicU32, Ordering};
use std::sync::Arc;
use std::time::Duration;

use koodesk_api::context::LOCAL_ACCOUNT;
use koodesk_api::sync::{self, reach, view, AccountEngine};
use koodesk_api::Context;

use tauri::{AppHandle, Manager};
use tauri_specta::Event;
use tokio::sync::Notify;

use crate::events::SyncStatusChanged;
use crate::Shell;

const TICK: Duration = Duration::from_secs(30);
/// How often, while offline, a TCP connection to the gateway is tried.
const REACH_EVERY: Duration = Duration::from_secs(5);

#[derive(Default)]
pub struct Syncer {
    wake: Notify,
    /// Pull at the next pass whatever the schedule (the seller asked).
    pull_now: AtomicBool,
    /// Calls finished since the queue was last empty ("sending n of m").
    sent: AtomicU32,
    /// The gateway answered a connection after being unreachable.
    reconnected: AtomicBool,
}

impl Syncer {
    /// Something was queued or the seller asked: pass now.
    pub fn nudge(&self, pull: bool) {
        if pull {
            self.pull_now.store(true, Ordering::Relaxed);
        }
        self.wake.notify_one();
    }

    pub fn sent(&self) -> u32 {
        self.sent.load(Ordering::Relaxed)
    }
}

pub fn start(app: &AppHandle) {
    app.manage(Arc::new(Syncer::default()));
    let handle = app.clone();
    tauri::async_runtime::spawn(async move { run(handle).await });
}

/// The engine for the current account, made again when the account or the context changes
/// (a switch, a restored backup).
struct Current {
    ctx: Arc<Context>,
    account: String,
    engine: AccountEngine,
}

async fn run(app: AppHandle) {
    let syncer = app.state::<Arc<Syncer>>().inner().clone();
    let mut current: Option<Current> = None;
    loop {
        let wait = pass(&app, &syncer, &mut current).await;
        // Offline: watch for the gateway answering again.
        let offline_at = current.as_ref().and_then(|c| {
            c.engine
                .is_offline()
                .unwrap_or(false)
                .then(|| c.engine.market().base_url().to_string())
        });
        let watch = async {
            match &offline_at {
                Some(url) => reach::wait_until_reachable(url.as_str(), REACH_EVERY).await,
                None => std::future::pending().await,
            }
        };
        tokio::select! {
            _ = syncer.wake.notified() => {}
            _ = tokio::time::sleep(wait) => {}
            _ = watch => {
                tracing::info!("the marketplace answers again; sending what waited");
                syncer.reconnected.store(true, Ordering::Relaxed);
            }
        }
    }
}

/// One pass; returns how long to sleep before the next.
async fn pass(app: &AppHandle, syncer: &Syncer, current: &mut Option<Current>) -> Duration {
    let Ok(ctx) = app.state::<Shell>().ctx() else {
        return TICK;
    };
    let account = ctx.account();
    if account == LOCAL_ACCOUNT && ctx.demo().is_none() {
        // The Demo marketplace is still starting; its start nudges us.
        return TICK;
    }
    let stale = match current {
        Some(c) => c.account != account || !Arc::ptr_eq(&c.ctx, &ctx),
        None => true,
    };
    if stale {
        if let Some(mut old) = current.take() {
            let _ = old.engine.release();
        }
        match sync::engine_for(&ctx, &account, Default::default(), Default::default()) {
            Ok(engine) => {
                *current = Some(Current {
                    ctx: ctx.clone(),
                    account: account.clone(),
                    engine,
                });
                syncer.sent.store(0, Ordering::Relaxed);
            }
            Err(e) => {
                // No keys in the keychain, a bad site: the status line says so.
                tracing::info!(account = %account, error = %e, "not syncing this account");
                emit(app, &ctx, syncer, Some(e.message));
                return TICK;
            }
        }
    }
    let Some(c) = current.as_mut() else {
        return TICK;
    };
    if syncer.pull_now.swap(false, Ordering::Relaxed) {
        c.engine.request_pull();
    }
    if syncer.reconnected.swap(false, Ordering::Relaxed) {
        if let Err(e) = c.engine.reconnected() {
            tracing::warn!(error = %e, "could not make the waiting calls due");
        }
    }
    let wait = match c.engine.pass().await {
        Ok(report) => {
            if report.done > 0 {
                syncer.sent.fetch_add(report.done, Ordering::Relaxed);
            }
            if report.open == 0 {
                syncer.sent.store(0, Ordering::Relaxed);
            }
            if report.sent > 0 || report.pulled {
                // The window refreshes what it shows from the status event below (never by
                // reloading a page, which would disturb an editor being typed in).
                tracing::debug!(?report, "sync pass");
            }
            report
                .wake_at
                .map(|t| {
                    let ms = (t - sync::now_ms()).clamp(50, TICK.as_millis() as i64);
                    Duration::from_millis(ms as u64)
                })
                .unwrap_or(TICK)
        }
        Err(e) => {
            tracing::warn!(error = %e, "sync pass failed");
            *current = None;
            TICK
        }
    };
    emit(app, &ctx, syncer, None);
    // After every pass (pulled or not: time-based alerts come due on their own).
    crate::alerts::after_pass(app, ctx.clone(), false);
    wait
}

fn emit(app: &AppHandle, ctx: &Context, syncer: &Syncer, problem: Option<String>) {
    match view::status(ctx, syncer.sent()) {
        Ok(mut s) => {
            if problem.is_some() && s.paused.is_none() {
                s.paused = problem;
            }
            if let Err(e) = SyncStatusChanged(s).emit(app) {
                tracing::warn!(error = %e, "sync-status event not sent");
            }
        }
        Err(e) => tracing::warn!(error = %e, "sync status unavailable"),
    }
}
