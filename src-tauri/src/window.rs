//! The main window: created with its remembered size and position, and saved as it moves.

use koodesk_api::paths::DataDir;
use koodesk_api::window::{load_geometry, save_geometry, Area, WindowGeometry};
use tauri::{
    AppHandle, Manager, PhysicalPosition, PhysicalSize, WebviewUrl, WebviewWindowBuilder, Window,
    WindowEvent,
};

use crate::Shell;

pub const MAIN: &str = "main";
const DEFAULT_WIDTH: f64 = 1200.0;
const DEFAULT_HEIGHT: f64 = 780.0;

/// Creates the main window, placed but not yet shown (see `autostart::apply`).
pub fn create_main(app: &AppHandle, data: &DataDir) -> tauri::Result<()> {
    // One look at the database for both: what the first page needs, and where the window was.
    let ctx = app.state::<Shell>().ctx().ok();
    let boot = ctx
        .as_ref()
        .and_then(|ctx| crate::startup::boot_script(ctx));
    crate::startup::mark("first page's data read");
    let mut builder = WebviewWindowBuilder::new(app, MAIN, WebviewUrl::default());
    if let Some(script) = boot {
        builder = builder.initialization_script(script);
    }
    let win = builder
        .title("Koodesk")
        .inner_size(DEFAULT_WIDTH, DEFAULT_HEIGHT)
        .min_inner_size(880.0, 560.0)
        // Keep the webview's own storage inside the data folder too.
        .data_directory(data.webview())
        // Ctrl + / Ctrl − / Ctrl 0 zoom the page (Tauri leaves them off by default).
        .zoom_hotkeys_enabled(true)
        .visible(false)
        .build()?;
    crate::startup::mark("webview made");

    let saved = ctx.and_then(|ctx| load_geometry(&ctx).ok().flatten());
    let monitors: Vec<Area> = win
        .available_monitors()
        .unwrap_or_default()
        .iter()
        .map(|m| {
            let a = m.work_area();
            Area {
                x: a.position.x,
                y: a.position.y,
                width: a.size.width,
                height: a.size.height,
            }
        })
        .collect();
    match saved {
        Some(g) if g.is_reachable_on(&monitors) => {
            win.set_size(PhysicalSize::new(g.width, g.height))?;
            win.set_position(PhysicalPosition::new(g.x, g.y))?;
            if g.maximized {
                win.maximize()?;
            }
        }
        _ => {
            // `center()` before the window is mapped uses a zero size on GTK; centre it ourselves.
            if let Some(m) = win.primary_monitor()?.or(win.current_monitor()?) {
                let area = m.work_area();
                let size: PhysicalSize<u32> =
                    tauri::LogicalSize::new(DEFAULT_WIDTH, DEFAULT_HEIGHT)
                        .to_physical(m.scale_factor());
                let x = area.position.x + (area.size.width.saturating_sub(size.width) / 2) as i32;
                let y = area.position.y + (area.size.height.saturating_sub(size.height) / 2) as i32;
                win.set_position(PhysicalPosition::new(x, y))?;
            }
        }
    }
    Ok(())
}

/// Shows, unminimizes and focuses the main window (tray "Open", second launch).
pub fn reveal(app: &AppHandle) {
    if let Some(win) = app.get_webview_window(MAIN) {
        let _ = win.show();
        let _ = win.unminimize();
        let _ = win.set_focus();
    }
}

pub fn on_event(window: &Window, event: &WindowEvent) {
    if window.label() != MAIN {
        return;
    }
    if matches!(
        event,
        WindowEvent::Moved(_) | WindowEvent::Resized(_) | WindowEvent::CloseRequested { .. }
    ) {
        remember_geometry(window);
    }
    if let WindowEvent::CloseRequested { api, .. } = event {
        // Closing the window hides it to the tray where the desktop has one, else quits after
        // the pending edits are saved; finding out asks the session bus, so not on this thread.
        api.prevent_close();
        let app = window.app_handle().clone();
        std::thread::spawn(move || crate::tray::close_requested(&app));
    }
}

fn remember_geometry(window: &Window) {
    let shell = window.state::<Shell>();
    let Ok(ctx) = shell.ctx() else { return };
    if window.is_minimized().unwrap_or(false) {
        return;
    }
    let maximized = window.is_maximized().unwrap_or(false);
    let geometry = if maximized {
        // Keep the last normal bounds so un-maximizing after a restart lands somewhere sensible.
        match load_geometry(&ctx).ok().flatten() {
            Some(g) => WindowGeometry {
                maximized: true,
                ..g
            },
            None => return,
        }
    } else {
        let (Ok(pos), Ok(size)) = (window.outer_position(), window.inner_size()) else {
            return;
        };
        WindowGeometry {
            x: pos.x,
            y: pos.y,
            width: size.width,
            height: size.height,
            maximized: false,
        }
    };
    if let Err(e) = save_geometry(&ctx, &geometry) {
        tracing::warn!(error = %e, "window geometry not saved");
    }
}
