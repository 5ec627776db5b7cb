//! Alerts through the operating system: after every sync pass the planner runs (`api::alerts::scan`)
//! and each alert due — new, or a snooze ended, and not held by the seller's settings — is shown
//! with `notify-rust`. A click ("default", or "Open") raises the window on the alert's order or
//! application; "Snooze 1 day" holds it back. Each notification's handle waits on its own thread
//! until it is answered or closed. The unread count goes to the window title, the tray menu and
//! the UI (`AlertsChanged`).

use std::sync::{Arc, Mutex};

use koodesk_api::alerts::{self, AlertView};
use koodesk_api::dto::Language;
use koodesk_api::Context;
use koodesk_domain::alerts::Target;
use tauri::{AppHandle, Manager};
use tauri_specta::Event;

use crate::events::{AlertOpened, AlertsChanged};
use crate::{tray, window, Shell};

/// The icon named in notifications (the installed app's icon name, its identifier).
const ICON: &str = "io.koodesk.desktop";

/// One delivery at a time (passes may overlap with a test button).
static DELIVERING: Mutex<()> = Mutex::new(());

/// When alerts were last planned (Unix ms): passes come in quick succession while the queue
/// drains; the planner runs at most every few seconds then.
static LAST_PLAN: std::sync::atomic::AtomicI64 = std::sync::atomic::AtomicI64::new(0);
const PLAN_EVERY_MS: i64 = 5_000;

/// Plans and shows what is due; off the async runtime (the store and D-Bus calls block).
/// `now`: at once (the test button), else not more often than every few seconds.
pub fn after_pass(app: &AppHandle, ctx: Arc<Context>, now: bool) {
    use std::sync::atomic::Ordering;
    let t = koodesk_sync::engine::now_ms();
    if !now && t - LAST_PLAN.load(Ordering::Relaxed) < PLAN_EVERY_MS {
        return;
    }
    LAST_PLAN.store(t, Ordering::Relaxed);
    let app = app.clone();
    tauri::async_runtime::spawn_blocking(move || deliver(&app, &ctx));
}

/// Shows every alert due now, then tells the UI, the title and the tray how many are unread.
pub fn deliver(app: &AppHandle, ctx: &Context) {
    let Ok(_one) = DELIVERING.lock() else { return };
    if let Err(e) = alerts::scan(ctx, false) {
        tracing::warn!(error = %e, "alerts could not be planned");
    }
    let settings = alerts::settings(ctx).unwrap_or_default();
    let now = koodesk_sync::engine::now_ms() / 1000;
    match alerts::to_deliver(ctx) {
        Ok(due) => {
            // Asked once per batch (a D-Bus call on Linux).
            let actions = !due.is_empty() && server_has_actions();
            for a in due {
                if !settings.may_show(a.kind, now) {
                    continue;
                }
                if show(app, &a, actions) {
                    if let Err(e) = alerts::mark_delivered(ctx, &a.key) {
                        tracing::warn!(error = %e, "an alert's delivery was not recorded");
                    }
                }
            }
        }
        Err(e) => tracing::warn!(error = %e, "alerts to show could not be read"),
    }
    changed(app, ctx);
}

/// The unread count, to the UI, the window title and the tray.
pub fn changed(app: &AppHandle, ctx: &Context) {
    let unread = alerts::unread(ctx).unwrap_or(0);
    if let Some(win) = app.get_webview_window(window::MAIN) {
        let title = if unread == 0 {
            "Koodesk".to_owned()
        } else {
            format!("Koodesk ({unread})")
        };
        let _ = win.set_title(&title);
    }
    tray::set_unread(app, unread);
    if let Err(e) = (AlertsChanged { unread }).emit(app) {
        tracing::debug!(error = %e, "alerts-changed event not sent");
    }
}

struct Words {
    open: &'static str,
    open_order: &'static str,
    open_application: &'static str,
    snooze: &'static str,
}

fn words(lang: Language) -> Words {
    match lang {
        Language::En => Words {
            open: "Open Koodesk",
            open_order: "Open order",
            open_application: "Open application",
            snooze: "Snooze 1 day",
        },
        Language::ZhCn => Words {
            open: "打开 Koodesk",
            open_order: "打开订单",
            open_application: "打开申请",
            snooze: "1 天后提醒",
        },
    }
}

/// Whether the notification server shows action buttons (Linux asks it; the others do).
#[cfg(all(unix, not(target_os = "macos")))]
fn server_has_actions() -> bool {
    notify_rust::get_capabilities()
        .map(|c| c.iter().any(|x| x == "actions"))
        .unwrap_or(false)
}

#[cfg(not(all(unix, not(target_os = "macos"))))]
fn server_has_actions() -> bool {
    true
}

/// Shows one alert; false when the system refused it (it stays due for the next pass).
fn show(app: &AppHandle, a: &AlertView, actions: bool) -> bool {
    let w = words(tray::language(app));
    let mut n = notify_rust::Notification::new();
    n.appname("Koodesk").summary(&a.title).body(&a.body);
    #[cfg(all(unix, not(target_os = "macos")))]
    {
        n.icon(ICON);
        if a.urgent {
            n.urgency(notify_rust::Urgency::Critical);
        }
    }
    #[cfg(target_os = "windows")]
    n.app_id(crate::IDENTIFIER);
    #[cfg(target_os = "macos")]
    let _ = notify_rust::set_application(crate::IDENTIFIER);
    let _ = ICON;
    if actions {
        n.action("default", w.open);
        match a.target {
            Target::Order(_) => {
                n.action("open", w.open_order);
            }
            Target::Application(_) => {
                n.action("open", w.open_application);
            }
            _ => {}
        }
        n.action("snooze", w.snooze);
    }
    match n.show() {
        Ok(handle) => {
            let app = app.clone();
            let (key, target) = (a.key.clone(), a.target.clone());
            // The handle lives until the notification is answered or closed.
            let spawned = std::thread::Builder::new()
                .name("koodesk-alert".into())
                .spawn(move || {
                    handle.wait_for_action(|action| answered(&app, &key, &target, action));
                });
            if let Err(e) = spawned {
                tracing::warn!(error = %e, "cannot wait for the notification's answer");
            }
            tracing::info!(kind = ?a.kind, key = %a.key, "alert shown");
            true
        }
        Err(e) => {
            tracing::warn!(error = %e, "the notification could not be shown");
            false
        }
    }
}

fn answered(app: &AppHandle, key: &str, target: &Target, action: &str) {
    let Ok(ctx) = app.state::<Shell>().ctx() else {
        return;
    };
    match action {
        "default" | "open" => {
            tracing::info!(key, "alert clicked");
            let _ = alerts::mark_read(&ctx, Some(key));
            open(app, target);
            changed(app, &ctx);
        }
        "snooze" => {
            if let Err(e) = alerts::snooze(&ctx, key, 86_400) {
                tracing::warn!(error = %e, "the alert could not be snoozed");
            }
            changed(app, &ctx);
        }
        _ => {}
    }
}

/// Raises the window on what the alert is about.
pub fn open(app: &AppHandle, target: &Target) {
    window::reveal(app);
    if let Err(e) = (AlertOpened {
        target: target.clone(),
    })
    .emit(app)
    {
        tracing::warn!(error = %e, "alert-opened event not sent");
    }
}
