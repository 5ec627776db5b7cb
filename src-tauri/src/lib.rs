//! The Koodesk desktop shell: windows, tray, single instance, and thin commands over `koodesk-api`.

mod alerts;
mod autostart;
mod commands;
mod dialogs;
mod events;
mod quit;
mod shell;
mod startup;
mod sync;
mod tray;
mod updates;
mod window;

#[cfg(target_os = "linux")]
pub use window::draw_in_software;

use std::process::ExitCode;
use std::time::Instant;

use koodesk_api::paths::DataDir;
use koodesk_api::{logging, ApiError, Context, ErrorCode};
use tauri_specta::{collect_commands, collect_events};

pub use shell::Shell;

/// The app's identity (tauri.conf.json `identifier`): what notifications name as their sender
/// on macOS (bundle identifier) and Windows (AUMID).
pub const IDENTIFIER: &str = "io.koodesk.desktop";

/// Every command and event the UI may use; the TypeScript bindings are generated from this.
pub fn specta_builder() -> tauri_specta::Builder<tauri::Wry> {
    tauri_specta::Builder::<tauri::Wry>::new()
        .commands(collect_commands![
            commands::get_settings,
            commands::set_language,
            commands::app_info,
            commands::ui_ready,
            commands::quit_app,
            commands::flush_done,
            commands::restore_latest_backup,
            commands::list_drafts,
            commands::create_draft,
            commands::live_products,
            commands::create_modification,
            commands::get_draft,
            commands::save_draft,
            commands::stage_draft,
            commands::delete_draft,
            commands::draft_revisions,
            commands::diff_revisions,
            commands::diff_live,
            commands::restore_revision,
            commands::attach_file,
            commands::get_support,
            commands::save_support,
            commands::draft_options,
            commands::list_forms,
            commands::get_form,
            commands::new_form,
            commands::save_form,
            commands::export_template,
            commands::check_template,
            commands::list_accounts,
            commands::add_account,
            commands::update_account,
            commands::remove_account,
            commands::switch_account,
            commands::test_connection,
            commands::submit_draft,
            commands::draft_submission,
            commands::three_way,
            commands::rebase_draft,
            commands::list_applications,
            commands::list_orders,
            commands::get_order,
            commands::read_order_request,
            commands::save_order_file,
            commands::act_on_order,
            commands::withdraw_application,
            commands::sync_status,
            commands::sync_now,
            commands::list_outbox,
            commands::retry_outbox,
            commands::discard_outbox,
            commands::list_alerts,
            commands::mark_alerts_read,
            commands::snooze_alert,
            commands::alert_settings,
            commands::set_alert_settings,
            commands::send_test_alert,
            commands::autostart_state,
            commands::set_autostart,
            commands::check_for_updates,
            commands::install_update,
            commands::update_settings,
            commands::set_daily_update_check,
        ])
        .events(collect_events![
            events::SettingsChanged,
            events::MarketplaceChanged,
            events::FlushRequested,
            events::SyncStatusChanged,
            events::AlertsChanged,
            events::AlertOpened,
            events::UpdateProgress,
            events::UpdateAvailable
        ])
        // Draft documents travel as JSON values; their numbers are JSON numbers in the webview
        // whatever Rust calls them. DTOs themselves never use 64-bit integers.
        .dangerously_cast_bigints_to_number()
}

/// Starts the app; returns when the last window closes or the seller quits.
pub fn run() -> ExitCode {
    let started = Instant::now();
    startup::begin(started);
    let data = match DataDir::resolve().and_then(|d| d.ensure().map(|()| d)) {
        Ok(d) => d,
        Err(e) => {
            eprintln!("koodesk-app: {e}");
            return ExitCode::from(2);
        }
    };
    let _log_guard = match logging::init(&data, "koodesk-app") {
        Ok(g) => Some(g),
        Err(e) => {
            eprintln!("koodesk-app: logging disabled: {e}");
            None
        }
    };
    tracing::info!(version = koodesk_api::VERSION, data_dir = %data.root().display(), "starting");
    startup::mark("data folder and log");

    // The database opens on its own thread while Tauri and its plugins start; the set-up waits
    // for it before the window (which needs the first page's data), and nothing reads it sooner.
    let opening = OpeningDatabase::start(data.clone());

    let bindings = specta_builder();
    startup::mark("commands registered");
    let app = tauri::Builder::default()
        .plugin(tauri_plugin_single_instance::init(|app, args, _cwd| {
            if autostart::at_login(args) {
                // Logging in again while Koodesk runs: nobody asked for the window.
                tracing::info!("a start at login found Koodesk running");
                return;
            }
            tracing::info!("second launch: focusing the running window");
            window::reveal(app);
        }))
        .plugin(tauri_plugin_dialog::init())
        .plugin(autostart::plugin())
        .plugin(tauri_plugin_updater::Builder::new().build())
        .invoke_handler(bindings.invoke_handler())
        .manage(quit::Quitting::default())
        .manage(updates::Pending::default())
        .setup(move |app| {
            startup::mark("plugins ready");
            tauri::Manager::manage(app, Shell::new(opening.wait(), data.clone(), started));
            bindings.mount_events(app);
            window::create_main(app.handle(), &data)?;
            startup::mark("window created");
            // The tray is there from the start: closing the window early must hide it, not quit.
            let tray = create_tray(app.handle());
            startup::mark("tray created");
            let start =
                autostart::start_mode(std::env::args_os(), || tray && tray::has_tray(app.handle()));
            autostart::apply(app.handle(), start);
            quit::on_session_end(app.handle());
            startup::defer_background(app.handle());
            startup::mark("set-up done");
            Ok(())
        })
        .on_window_event(window::on_event)
        .build(tauri::generate_context!());
    let app = match app {
        Ok(app) => app,
        Err(e) => {
            tracing::error!(error = %e, "the app could not start");
            eprintln!("koodesk-app: {e}");
            return ExitCode::FAILURE;
        }
    };
    // `run_return` gives control back on exit, so the log is flushed when `_log_guard` drops.
    let code = app.run_return(|app, event| {
        // The system asking the app to quit (macOS Quit menu, logging out) goes through the
        // same flush as every other way out; the exit that follows carries a code and passes.
        if let tauri::RunEvent::ExitRequested {
            api, code: None, ..
        } = event
        {
            api.prevent_exit();
            quit::quit_after_flush(app, "the system asked the app to quit");
        }
    });
    tracing::info!(code, "quit");
    ExitCode::from(u8::try_from(code).unwrap_or(1))
}

/// The database being opened (and checked, and what a crash left staged recovered) off the main
/// thread. A damaged database must not stop the window from opening: the UI shows the error.
struct OpeningDatabase(Result<std::thread::JoinHandle<Result<Context, ApiError>>, DataDir>);

impl OpeningDatabase {
    fn start(data: DataDir) -> Self {
        let inner = data.clone();
        let spawned = std::thread::Builder::new()
            .name("open-database".into())
            .spawn(move || open_database(inner));
        OpeningDatabase(spawned.map_err(|e| {
            tracing::warn!(error = %e, "no thread for the database: opening it in line");
            data
        }))
    }

    fn wait(self) -> Result<Context, ApiError> {
        match self.0 {
            Ok(thread) => thread.join().unwrap_or_else(|_| {
                Err(ApiError::new(
                    ErrorCode::Internal,
                    "opening the database failed unexpectedly (see the log)",
                ))
            }),
            Err(data) => open_database(data),
        }
    }
}

fn open_database(data: DataDir) -> Result<Context, ApiError> {
    let ctx = Context::open(data);
    match &ctx {
        // Edits a crash left staged become revisions before anything reads them.
        Ok(ctx) => {
            if let Err(e) = koodesk_api::drafts::recover_staged(ctx) {
                tracing::error!(error = %e, "staged edits could not be recovered");
            }
        }
        Err(e) => tracing::error!(error = %e, "the database could not be opened"),
    }
    startup::mark("database open and checked");
    ctx
}

fn create_tray(app: &tauri::AppHandle) -> bool {
    match tray::create(app) {
        Ok(()) => true,
        Err(e) => {
            // No tray host (some Linux desktops, Xvfb): the app works without one.
            tracing::warn!(error = %e, "no tray icon");
            false
        }
    }
}

/// What waits until the first page is interactive (`startup`): the Demo marketplace, the sync
/// engine, the daily backup and the update check.
pub(crate) fn start_background(app: &tauri::AppHandle) {
    start_demo_marketplace(app);
    sync::start(app);
    backup_in_background(app);
    updates::start_daily(app);
}

/// Starts the embedded Demo marketplace (`koodesk_api::demo`) off the start-up path, and keeps it
/// for the life of the app.
fn start_demo_marketplace(app: &tauri::AppHandle) {
    use tauri::Manager;
    let Ok(ctx) = app.state::<Shell>().ctx() else {
        return;
    };
    let handle = app.clone();
    tauri::async_runtime::spawn(async move {
        match koodesk_api::demo::start(&ctx).await {
            Ok(demo) => {
                handle.manage(DemoMarketplace(demo));
                if let Some(s) = handle.try_state::<std::sync::Arc<sync::Syncer>>() {
                    s.nudge(true);
                }
                if let Err(e) = tauri_specta::Event::emit(&events::MarketplaceChanged, &handle) {
                    tracing::warn!(error = %e, "marketplace-changed event not sent");
                }
            }
            Err(e) => tracing::error!(error = %e, "the demo marketplace could not start"),
        }
    });
}

/// Keeps the Demo marketplace running for the life of the app.
struct DemoMarketplace(#[allow(dead_code)] koodesk_api::demo::Demo);

/// The daily backup, off the start-up path.
fn backup_in_background(app: &tauri::AppHandle) {
    use tauri::Manager;
    let Ok(ctx) = app.state::<Shell>().ctx() else {
        return;
    };
    std::thread::spawn(move || {
        if let Err(e) = koodesk_api::backup::backup_if_due(&ctx, std::time::SystemTime::now()) {
            tracing::warn!(error = %e, "backup failed");
        }
    });
}

#[cfg(test)]
mod bindings_tests {
    use std::path::Path;

    /// The committed TypeScript bindings must match what the Rust types generate now.
    /// `cargo xtask bindings` rewrites them.
    #[test]
    fn typescript_bindings_are_up_to_date() {
        let committed_path =
            Path::new(env!("CARGO_MANIFEST_DIR")).join("../ui/src/lib/backend/bindings.ts");
        let dir = tempfile::tempdir().unwrap();
        let fresh_path = dir.path().join("bindings.ts");
        super::specta_builder()
            .export(
                specta_typescript::Typescript::default().header(format!(
                    "// Generated from the Rust types by `cargo xtask bindings`. Do not edit.\n\
                     import type {{ {} }} from \"./formats\";\n",
                    koodesk_api::dto::FORMAT_TYPES.join(", ")
                )),
                &fresh_path,
            )
            .expect("export bindings");
        let fresh = std::fs::read_to_string(&fresh_path).unwrap();
        if std::env::var_os("KOODESK_UPDATE_BINDINGS").is_some() {
            std::fs::write(&committed_path, &fresh).unwrap();
            return;
        }
        let committed = std::fs::read_to_string(&committed_path).unwrap_or_default();
        assert!(
            committed == fresh,
            "ui/src/lib/backend/bindings.ts is stale: run `cargo xtask bindings` and commit it"
        );
    }
}
