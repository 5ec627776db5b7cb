//! Tauri commands: each converts arguments and calls `koodesk-api`, nothing more.

use koodesk_api::dto::{AppInfo, LanguagePref, Settings};
use koodesk_api::{settings, ApiError};
use tauri::{AppHandle, State};
use tauri_specta::Event;

use crate::events::SettingsChanged;
use crate::{tray, Shell};

#[tauri::command]
#[specta::specta]
pub fn get_settings(shell: State<'_, Shell>) -> Result<Settings, ApiError> {
    settings::get_settings(shell.ctx()?)
}

#[tauri::command]
#[specta::specta]
pub fn set_language(
    app: AppHandle,
    shell: State<'_, Shell>,
    language: LanguagePref,
) -> Result<Settings, ApiError> {
    let s = settings::set_language(shell.ctx()?, language)?;
    tray::relabel(&app, s.effective_language);
    if let Err(e) = SettingsChanged(s.clone()).emit(&app) {
        tracing::warn!(error = %e, "settings-changed event not sent");
    }
    Ok(s)
}

#[tauri::command]
#[specta::specta]
pub fn app_info(shell: State<'_, Shell>) -> Result<AppInfo, ApiError> {
    Ok(settings::app_info(shell.ctx()?))
}

/// The UI calls this once its first page is interactive.
#[tauri::command]
#[specta::specta]
pub fn ui_ready(shell: State<'_, Shell>) {
    let ms = shell.started().elapsed().as_millis();
    tracing::info!(ms, "ui ready");
    if std::env::var_os("KOODESK_REPORT_READY").is_some() {
        // Read by `cargo xtask bench` and the E2E harness.
        println!("KOODESK_READY {ms}");
    }
}

#[tauri::command]
#[specta::specta]
pub fn quit_app(app: AppHandle) {
    tracing::info!("quit requested from the window");
    app.exit(0);
}
