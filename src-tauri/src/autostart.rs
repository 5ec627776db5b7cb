//! "Start Koodesk at login": the system's own login items through Tauri's autostart plugin (a
//! `.desktop` file in `~/.config/autostart` on Linux, a LaunchAgent on macOS, the `Run` key on
//! Windows). A start at login carries [`ARG`]; it stays in the tray where the desktop shows one,
//! so the seller's alerts and sending go on without a window in the way, and otherwise the
//! window starts minimised.

use std::ffi::OsString;

use koodesk_api::{ApiError, ErrorCode};
use serde::Serialize;
use tauri::{AppHandle, Manager, Wry};
use tauri_plugin_autostart::ManagerExt;

/// What the login item passes, so the app knows nobody is waiting for its window.
pub const ARG: &str = "--autostart";

/// The name of the login item (`Koodesk.desktop`, the LaunchAgent's label, the `Run` value).
const ITEM_NAME: &str = "Koodesk";

/// The plugin (on macOS its default launcher, a LaunchAgent, which needs no permission prompt).
pub fn plugin() -> tauri::plugin::TauriPlugin<Wry> {
    tauri_plugin_autostart::Builder::new()
        .app_name(ITEM_NAME)
        .args([ARG])
        .build()
}

/// How the window comes up.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Start {
    /// Started by the seller: shown and focused.
    Shown,
    /// Started at login on a desktop with a tray: no window until the seller opens one.
    InTray,
    /// Started at login without a tray: the window is there, minimised.
    Minimised,
}

/// Decides from the command line, asking for a tray only for a start at login (the question
/// goes to the session bus, which a seller's own start should not wait on).
pub fn start_mode(args: impl IntoIterator<Item = OsString>, tray: impl FnOnce() -> bool) -> Start {
    if !at_login(args) {
        Start::Shown
    } else if tray() {
        Start::InTray
    } else {
        Start::Minimised
    }
}

/// Whether these are the arguments of a start at login.
pub fn at_login(args: impl IntoIterator<Item = impl Into<OsString>>) -> bool {
    args.into_iter().skip(1).any(|a| a.into() == ARG)
}

/// The Settings page's view: whether Koodesk starts at login, and where it goes then.
#[derive(Debug, Clone, Serialize, specta::Type)]
pub struct AutostartState {
    pub enabled: bool,
    /// A start at login stays in the tray (else the window starts minimised).
    pub in_tray: bool,
}

/// Blocking (asks the session bus and the file system): call it off the main thread.
pub fn state(app: &AppHandle) -> Result<AutostartState, ApiError> {
    let enabled = app.autolaunch().is_enabled().map_err(failed)?;
    Ok(AutostartState {
        enabled,
        in_tray: crate::tray::has_tray(app),
    })
}

/// Turns the login item on or off and says where it now stands. Blocking.
pub fn set(app: &AppHandle, enabled: bool) -> Result<AutostartState, ApiError> {
    let launcher = app.autolaunch();
    if enabled {
        launcher.enable().map_err(failed)?;
    } else if launcher.is_enabled().map_err(failed)? {
        launcher.disable().map_err(failed)?;
    }
    tracing::info!(enabled, "start at login changed");
    state(app)
}

fn failed(e: tauri_plugin_autostart::Error) -> ApiError {
    tracing::warn!(error = %e, "the login item could not be read or changed");
    ApiError::new(
        ErrorCode::Io,
        format!("The system's login items could not be changed: {e}"),
    )
}

/// Applies the start mode to the main window once it exists.
pub fn apply(app: &AppHandle, start: Start) {
    let Some(win) = app.get_webview_window(crate::window::MAIN) else {
        return;
    };
    let done = match start {
        Start::Shown => win.show().and_then(|()| win.set_focus()),
        Start::InTray => {
            tracing::info!("started at login: staying in the tray");
            Ok(())
        }
        // Asked before the window is first mapped, so it maps minimised (an iconic start).
        Start::Minimised => win.minimize().and_then(|()| win.show()),
    };
    if let Err(e) = done {
        tracing::warn!(error = %e, ?start, "the window could not be shown as asked");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(a: &[&str]) -> Vec<OsString> {
        a.iter().map(OsString::from).collect()
    }

    #[test]
    fn only_a_start_at_login_asks_for_the_tray_and_stays_out_of_sight() {
        let asked = std::cell::Cell::new(0);
        let tray = |has: bool| {
            let asked = &asked;
            move || {
                asked.set(asked.get() + 1);
                has
            }
        };
        assert_eq!(start_mode(args(&["koodesk-app"]), tray(true)), Start::Shown);
        // The program's own name is not an argument, even if it were spelled like one.
        assert_eq!(start_mode(args(&[ARG]), tray(true)), Start::Shown);
        assert_eq!(
            asked.get(),
            0,
            "a seller's own start never waits on the bus"
        );
        assert_eq!(
            start_mode(args(&["koodesk-app", ARG]), tray(true)),
            Start::InTray
        );
        assert_eq!(
            start_mode(args(&["koodesk-app", ARG]), tray(false)),
            Start::Minimised
        );
        assert_eq!(asked.get(), 2);
        assert!(at_login(["/usr/bin/koodesk-app", "--x", ARG]));
        assert!(!at_login(["/usr/bin/koodesk-app", "--autostart=no"]));
    }
}
