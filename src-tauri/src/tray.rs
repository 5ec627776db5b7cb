//! The tray icon with "Open" and "Quit", labelled in the UI's language, and closing the window to
//! it: where the desktop shows tray icons, closing the window hides it so sending goes on (the
//! seller is told so the first time); where it does not, closing quits as before.

use koodesk_api::dto::Language;
use koodesk_api::settings;
use tauri::menu::{Menu, MenuItem};
use tauri::tray::TrayIconBuilder;
use tauri::{AppHandle, Manager, Wry};

use crate::{window, Shell};

/// The tray's words. The tray exists before the web UI loads (and the hint is given while the
/// window is hidden), so the shell keeps these few strings itself; every other string is in the
/// UI's i18n catalogue.
struct Words {
    open: &'static str,
    quit: &'static str,
    hidden_title: &'static str,
    hidden_body: &'static str,
}

fn words(lang: Language) -> Words {
    match lang {
        Language::En => Words {
            open: "Open Koodesk",
            quit: "Quit",
            hidden_title: "Koodesk is still running",
            hidden_body: "Closing the window keeps Koodesk in the tray, so your submissions keep \
                          going out. Open it or quit it from the tray icon.",
        },
        Language::ZhCn => Words {
            open: "打开 Koodesk",
            quit: "退出",
            hidden_title: "Koodesk 仍在运行",
            hidden_body: "关闭窗口后 Koodesk 会留在系统托盘中，继续发送您提交的内容。可从托盘图标打开或退出。",
        },
    }
}

/// The language the UI shows (the seller's choice, else the system's).
pub(crate) fn language(app: &AppHandle) -> Language {
    app.state::<Shell>()
        .ctx()
        .ok()
        .and_then(|ctx| settings::get_settings(&ctx).ok())
        .map(|s| s.effective_language)
        .unwrap_or_else(settings::system_language)
}

struct TrayItems {
    open: MenuItem<Wry>,
    quit: MenuItem<Wry>,
}

pub fn create(app: &AppHandle) -> tauri::Result<()> {
    let w = words(language(app));
    let open = MenuItem::with_id(app, "open", w.open, true, None::<&str>)?;
    let quit = MenuItem::with_id(app, "quit", w.quit, true, None::<&str>)?;
    let menu = Menu::with_items(app, &[&open, &quit])?;
    let mut builder = TrayIconBuilder::with_id("main")
        .tooltip("Koodesk")
        .menu(&menu)
        .on_menu_event(|app, event| match event.id.as_ref() {
            "open" => window::reveal(app),
            "quit" => crate::quit::quit_after_flush(app, "quit from the tray"),
            _ => {}
        });
    if let Some(icon) = app.default_window_icon() {
        builder = builder.icon(icon.clone());
    }
    builder.build(app)?;
    app.manage(TrayItems { open, quit });
    Ok(())
}

pub fn relabel(app: &AppHandle, lang: Language) {
    if let Some(items) = app.try_state::<TrayItems>() {
        let w = words(lang);
        let _ = items.open.set_text(open_label(&w, unread()));
        let _ = items.quit.set_text(w.quit);
    }
}

/// Unread alerts, shown in the tray menu's "Open" item (Linux trays show no tooltip).
static UNREAD: std::sync::atomic::AtomicU32 = std::sync::atomic::AtomicU32::new(0);

fn unread() -> u32 {
    UNREAD.load(std::sync::atomic::Ordering::Relaxed)
}

fn open_label(w: &Words, unread: u32) -> String {
    match unread {
        0 => w.open.to_owned(),
        n => format!("{} ({n})", w.open),
    }
}

/// The unread count changed: the tray's "Open" item says it.
pub fn set_unread(app: &AppHandle, n: u32) {
    UNREAD.store(n, std::sync::atomic::Ordering::Relaxed);
    if let Some(items) = app.try_state::<TrayItems>() {
        let w = words(language(app));
        let _ = items.open.set_text(open_label(&w, n));
    }
}

/// The seller closed the window: hide it to the tray where there is one, else quit after the
/// pending edits are saved. Blocking (it asks the session bus): call it off the main thread.
pub fn close_requested(app: &AppHandle) {
    if has_tray(app) {
        hide_to_tray(app);
    } else {
        crate::quit::quit_after_flush(app, "the window was closed");
    }
}

/// Whether the app's tray icon is there and the desktop shows it. Blocking (asks the session
/// bus on Linux).
pub(crate) fn has_tray(app: &AppHandle) -> bool {
    app.try_state::<TrayItems>().is_some() && desktop_has_tray_host()
}

fn hide_to_tray(app: &AppHandle) {
    if let Some(win) = app.get_webview_window(window::MAIN) {
        if let Err(e) = win.hide() {
            tracing::warn!(error = %e, "the window could not be hidden; quitting instead");
            crate::quit::quit_after_flush(app, "the window was closed");
            return;
        }
    }
    tracing::info!("the window was closed: hidden to the tray, sending goes on");
    let first = app
        .state::<Shell>()
        .ctx()
        .ok()
        .and_then(|ctx| koodesk_api::window::first_hide_to_tray(&ctx).ok())
        .unwrap_or(false);
    if first {
        let w = words(language(app));
        let sent = notify_rust::Notification::new()
            .appname("Koodesk")
            .summary(w.hidden_title)
            .body(w.hidden_body)
            .show();
        match sent {
            Ok(_) => tracing::info!("told the seller that Koodesk keeps running in the tray"),
            Err(e) => tracing::warn!(error = %e, "the tray notice could not be shown"),
        }
    }
}

/// Where tray icons are shown. Windows and macOS always have a notification area / menu bar; on
/// Linux the icon is a StatusNotifierItem, shown only where a StatusNotifierWatcher runs with a
/// host registered (KDE, most panels; GNOME only with an extension).
#[cfg(target_os = "linux")]
fn desktop_has_tray_host() -> bool {
    const WATCHER: &str = "org.kde.StatusNotifierWatcher";
    let found = (|| -> zbus::Result<bool> {
        let conn = zbus::blocking::Connection::session()?;
        let bus = zbus::blocking::fdo::DBusProxy::new(&conn)?;
        if !bus.name_has_owner(WATCHER.try_into()?)? {
            return Ok(false);
        }
        // A watcher with no host registered: nothing would show the icon.
        let proxy = zbus::blocking::Proxy::new(&conn, WATCHER, "/StatusNotifierWatcher", WATCHER)?;
        Ok(proxy
            .get_property::<bool>("IsStatusNotifierHostRegistered")
            .unwrap_or(true))
    })();
    match found {
        Ok(has) => has,
        Err(e) => {
            tracing::info!(error = %e, "cannot ask the session bus for a tray host");
            false
        }
    }
}

#[cfg(not(target_os = "linux"))]
fn desktop_has_tray_host() -> bool {
    true
}
