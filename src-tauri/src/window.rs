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
    #[cfg(target_os = "linux")]
    if let Some(family) = desktop_font() {
        builder = builder.initialization_script(font_script(&family));
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

/// On Linux Koodesk's page is drawn without the GPU unless `KOODESK_GPU=1`. Call first thing in
/// `main`, before any thread or window exists (it sets an environment variable).
///
/// WebKitGTK composites every page through OpenGL by default: the web process keeps GL tiles for
/// the root and for each scrolling region, and their copies — ~95 MiB for Koodesk's shell
/// (measured: web process 213 → 118 MiB) and ~70 MiB even for a page with one heading. Koodesk's
/// pages are forms and tables without animation or 3D, which WebKit paints directly just as
/// well; software drawing also avoids the blank or flickering windows some GPU drivers give
/// WebKitGTK. `KOODESK_GPU=1` keeps WebKit's own choice, for a seller whose screen is large
/// enough for the GPU to matter.
///
/// The environment variable, not `WebKitSettings`: the setting can only be changed once Tauri
/// has made the webview and started its navigation, and changing it then left WebKit never
/// starting the page's process (found under Xvfb with WebKitGTK 2.50). The variable is read when
/// the first webview is made; processes Koodesk starts inherit it, which matters only to another
/// WebKitGTK program (it would draw in software too).
#[cfg(target_os = "linux")]
pub fn draw_in_software() {
    if software_drawing(
        std::env::var_os("KOODESK_GPU").as_deref(),
        std::env::var_os(WEBKIT_NO_COMPOSITING).as_deref(),
    ) {
        std::env::set_var(WEBKIT_NO_COMPOSITING, "1");
    }
}

#[cfg(target_os = "linux")]
const WEBKIT_NO_COMPOSITING: &str = "WEBKIT_DISABLE_COMPOSITING_MODE";

/// Whether to switch WebKit's compositing off: not when the seller asked for the GPU, and not
/// when they set WebKit's own variable themselves (either way).
#[cfg(any(target_os = "linux", test))]
fn software_drawing(gpu: Option<&std::ffi::OsStr>, webkit_own: Option<&std::ffi::OsStr>) -> bool {
    gpu.is_none_or(|v| v != "1") && webkit_own.is_none()
}

/// The desktop's interface font family (GTK's `gtk-font-name`, e.g. "Cantarell 11" → Cantarell),
/// which the page names instead of `system-ui`: WebKitGTK resolves `system-ui` (and the generic
/// families) through fontconfig's substitution and sorting at the first paint, a named family
/// directly — measured in a WebKitGTK page harness: the first style and layout of the Products
/// page 65 → 42 ms (loaded machine), 42 → 30 ms (quiet).
#[cfg(target_os = "linux")]
fn desktop_font() -> Option<String> {
    use gtk::prelude::GtkSettingsExt;
    let name = gtk::Settings::default()?.gtk_font_name()?;
    let families = gtk::pango::FontDescription::from_string(&name).family()?;
    first_family(&families)
}

/// The first family of a Pango family list ("Noto Sans, Sans" → "Noto Sans"), if it names one.
#[cfg(any(target_os = "linux", test))]
fn first_family(families: &str) -> Option<String> {
    let first = families.split(',').next()?.trim();
    (!first.is_empty() && !first.chars().any(char::is_control)).then(|| first.to_owned())
}

/// The initialisation script giving the page its font (`--ui-font`, see ui/src/app.css). Run at
/// document start, when WebKit has made the root element and parsed nothing else.
#[cfg(any(target_os = "linux", test))]
fn font_script(family: &str) -> String {
    // A CSS string (quotes and backslashes escaped), handed to JavaScript as a JSON string.
    let css = format!("\"{}\"", family.replace('\\', "\\\\").replace('"', "\\\""));
    let js = serde_json::to_string(&css).unwrap_or_else(|_| "\"\"".into());
    format!("document.documentElement?.style.setProperty(\"--ui-font\", {js});")
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

#[cfg(test)]
mod tests {
    use super::{first_family, font_script, software_drawing};
    use std::ffi::OsStr;

    #[test]
    fn the_page_is_drawn_in_software_unless_the_seller_asks_for_the_gpu() {
        assert!(software_drawing(None, None));
        assert!(software_drawing(Some(OsStr::new("0")), None));
        assert!(!software_drawing(Some(OsStr::new("1")), None));
        // WebKit's own variable, set by the seller, is theirs: left as it is, whatever it says.
        assert!(!software_drawing(None, Some(OsStr::new("0"))));
        assert!(!software_drawing(None, Some(OsStr::new("1"))));
    }

    #[test]
    fn the_desktop_font_is_handed_over_as_one_quoted_css_family() {
        assert_eq!(first_family("Cantarell").as_deref(), Some("Cantarell"));
        assert_eq!(
            first_family("Noto Sans, Sans").as_deref(),
            Some("Noto Sans")
        );
        assert_eq!(first_family(" ,Sans"), None);
        assert_eq!(first_family("bad\nname"), None);
        assert_eq!(
            font_script("DejaVu Sans"),
            r#"document.documentElement?.style.setProperty("--ui-font", "\"DejaVu Sans\"");"#
        );
        // A family with quotes or backslashes stays one CSS string inside one JavaScript string.
        assert_eq!(
            font_script(r#"My "Odd" \ Font"#),
            r#"document.documentElement?.style.setProperty("--ui-font", "\"My \\\"Odd\\\" \\\\ Font\"");"#
        );
    }
}
