//! The tray icon with "Open" and "Quit", labelled in the UI's language.

use koodesk_api::dto::Language;
use koodesk_api::settings;
use tauri::menu::{Menu, MenuItem};
use tauri::tray::TrayIconBuilder;
use tauri::{AppHandle, Manager, Wry};

use crate::{window, Shell};

/// The tray's two labels. The tray exists before the web UI loads, so the shell keeps these few
/// strings itself; every other string is in the UI's i18n catalogue.
fn labels(lang: Language) -> (&'static str, &'static str) {
    match lang {
        Language::En => ("Open Koodesk", "Quit"),
        Language::ZhCn => ("打开 Koodesk", "退出"),
    }
}

struct TrayItems {
    open: MenuItem<Wry>,
    quit: MenuItem<Wry>,
}

pub fn create(app: &AppHandle) -> tauri::Result<()> {
    let lang = app
        .state::<Shell>()
        .ctx()
        .ok()
        .and_then(|ctx| settings::get_settings(&ctx).ok())
        .map(|s| s.effective_language)
        .unwrap_or_else(settings::system_language);
    let (open_text, quit_text) = labels(lang);
    let open = MenuItem::with_id(app, "open", open_text, true, None::<&str>)?;
    let quit = MenuItem::with_id(app, "quit", quit_text, true, None::<&str>)?;
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
        let (open_text, quit_text) = labels(lang);
        let _ = items.open.set_text(open_text);
        let _ = items.quit.set_text(quit_text);
    }
}
