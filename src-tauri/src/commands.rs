//! Tauri commands: each converts arguments and calls `koodesk-api`, nothing more.

use koodesk_api::alerts::{AlertSettings, AlertView};
use koodesk_api::drafts::RebaseResult;
use koodesk_api::dto::{
    AccountDto, AccountInput, AppInfo, AttachmentJson, ChangeDto, ConnectionReport, DeliveryMethod,
    DraftFilter, DraftJson, DraftListItem, DraftOptions, DraftView, FormJson, FormSummary,
    FormView, Language, LanguagePref, LiveProductDto, RevisionDto, Settings, SupportJson,
    SupportView, TemplateCheck,
};
use koodesk_api::orders::{
    self, OrderActionForm, OrderDetail, OrderFilter, OrderRow, QueuedOrderAction, RequestReading,
};
use koodesk_api::sync::view::{self, ApplicationDto, DraftSubmission, SyncStatus};
use koodesk_api::sync::{self, OutboxItem, SubmitResult, ThreeWayView};
use koodesk_api::{accounts, drafts, settings, support, templates, ApiError, ErrorCode};
use tauri::{AppHandle, Manager, State};
use tauri_specta::Event;

use crate::autostart::AutostartState;
use crate::events::{MarketplaceChanged, SettingsChanged};
use crate::updates::{Installed, UpdateInfo};
use crate::{dialogs, tray, Shell};
use koodesk_api::updates::UpdateSettings;

#[tauri::command]
#[specta::specta]
pub async fn get_settings(shell: State<'_, Shell>) -> Result<Settings, ApiError> {
    crate::startup::mark("first call from the page");
    let ctx = shell.ctx()?;
    worker(move || settings::get_settings(&ctx)).await
}

#[tauri::command]
#[specta::specta]
pub async fn set_language(
    app: AppHandle,
    shell: State<'_, Shell>,
    language: LanguagePref,
) -> Result<Settings, ApiError> {
    let ctx = shell.ctx()?;
    worker(move || {
        let s = settings::set_language(&ctx, language)?;
        tray::relabel(&app, s.effective_language);
        if let Err(e) = SettingsChanged(s.clone()).emit(&app) {
            tracing::warn!(error = %e, "settings-changed event not sent");
        }
        Ok(s)
    })
    .await
}

#[tauri::command]
#[specta::specta]
pub async fn app_info(shell: State<'_, Shell>) -> Result<AppInfo, ApiError> {
    let ctx = shell.ctx()?;
    worker(move || Ok(settings::app_info(&ctx))).await
}

/// The UI calls this once its first page is interactive (painted, with its data, taking input),
/// with the moments its start-up passed on the way (for the start-up trace).
#[tauri::command]
#[specta::specta]
pub fn ui_ready(app: AppHandle, shell: State<'_, Shell>, marks: Vec<crate::startup::PageMark>) {
    let ms = shell.started().elapsed().as_millis();
    tracing::info!(ms, "ui ready");
    let report = std::env::var_os("KOODESK_REPORT_READY").is_some();
    crate::startup::interactive(&app, &marks, report);
    if report {
        // Read by `cargo xtask bench` and the E2E harness.
        println!("KOODESK_READY {ms}");
    }
}

#[tauri::command]
#[specta::specta]
pub fn quit_app(app: AppHandle) {
    crate::quit::quit_after_flush(&app, "quit from the window");
}

/// The UI's answer to `FlushRequested`: its pending edits are saved.
#[tauri::command]
#[specta::specta]
pub fn flush_done(app: AppHandle, token: u32) {
    crate::quit::flush_done(&app, token);
}

/// Puts the newest good backup in place of the database (a healthy one only with `confirm_loss`);
/// returns the backup's path.
#[tauri::command]
#[specta::specta]
pub async fn restore_latest_backup(app: AppHandle, confirm_loss: bool) -> Result<String, ApiError> {
    worker(move || {
        app.state::<Shell>()
            .session()
            .restore_latest_backup(confirm_loss)
    })
    .await
}

#[tauri::command]
#[specta::specta]
pub async fn list_drafts(
    shell: State<'_, Shell>,
    filter: DraftFilter,
) -> Result<Vec<DraftListItem>, ApiError> {
    let ctx = shell.ctx()?;
    worker(move || drafts::list(&ctx, &filter)).await
}

#[tauri::command]
#[specta::specta]
pub async fn create_draft(
    shell: State<'_, Shell>,
    delivery_method: DeliveryMethod,
) -> Result<DraftView, ApiError> {
    let ctx = shell.ctx()?;
    worker(move || drafts::create(&ctx, delivery_method.tag())).await
}

#[tauri::command]
#[specta::specta]
pub async fn live_products(shell: State<'_, Shell>) -> Result<Vec<LiveProductDto>, ApiError> {
    let ctx = shell.ctx()?;
    worker(move || drafts::live_products(&ctx)).await
}

#[tauri::command]
#[specta::specta]
pub async fn create_modification(
    shell: State<'_, Shell>,
    live_product_id: String,
) -> Result<DraftView, ApiError> {
    let ctx = shell.ctx()?;
    worker(move || drafts::create_modification_of(&ctx, &live_product_id)).await
}

#[tauri::command]
#[specta::specta]
pub async fn get_draft(shell: State<'_, Shell>, id: String) -> Result<DraftView, ApiError> {
    let ctx = shell.ctx()?;
    worker(move || drafts::get(&ctx, &id)).await
}

/// Autosave: every call is committed as a new revision before it returns.
#[tauri::command]
#[specta::specta]
pub async fn save_draft(
    shell: State<'_, Shell>,
    id: String,
    base_revision: Option<u32>,
    doc: DraftJson,
) -> Result<DraftView, ApiError> {
    let ctx = shell.ctx()?;
    worker(move || drafts::save(&ctx, &id, base_revision, doc.0)).await
}

/// Write-through of the editor's document between saves (see `drafts::stage`).
#[tauri::command]
#[specta::specta]
pub async fn stage_draft(
    shell: State<'_, Shell>,
    id: String,
    base_revision: u32,
    doc: DraftJson,
) -> Result<bool, ApiError> {
    let ctx = shell.ctx()?;
    worker(move || drafts::stage(&ctx, &id, base_revision, &doc.0)).await
}

#[tauri::command]
#[specta::specta]
pub async fn delete_draft(shell: State<'_, Shell>, id: String) -> Result<(), ApiError> {
    let ctx = shell.ctx()?;
    worker(move || drafts::delete(&ctx, &id)).await
}

#[tauri::command]
#[specta::specta]
pub async fn draft_revisions(
    shell: State<'_, Shell>,
    id: String,
) -> Result<Vec<RevisionDto>, ApiError> {
    let ctx = shell.ctx()?;
    worker(move || drafts::revisions(&ctx, &id)).await
}

#[tauri::command]
#[specta::specta]
pub async fn diff_revisions(
    shell: State<'_, Shell>,
    id: String,
    from: u32,
    to: u32,
) -> Result<Vec<ChangeDto>, ApiError> {
    let ctx = shell.ctx()?;
    worker(move || drafts::diff_revisions(&ctx, &id, from, to)).await
}

#[tauri::command]
#[specta::specta]
pub async fn diff_live(shell: State<'_, Shell>, id: String) -> Result<Vec<ChangeDto>, ApiError> {
    let ctx = shell.ctx()?;
    worker(move || drafts::diff_live(&ctx, &id)).await
}

#[tauri::command]
#[specta::specta]
pub async fn restore_revision(
    shell: State<'_, Shell>,
    id: String,
    revision: u32,
) -> Result<DraftView, ApiError> {
    let ctx = shell.ctx()?;
    worker(move || drafts::restore(&ctx, &id, revision)).await
}

/// Stores a file picked in the UI (sent base64-encoded); returns the attachment reference.
#[tauri::command]
#[specta::specta]
pub async fn attach_file(
    shell: State<'_, Shell>,
    file_name: String,
    content_base64: String,
) -> Result<AttachmentJson, ApiError> {
    let ctx = shell.ctx()?;
    worker(move || drafts::attach(&ctx, &file_name, &content_base64).map(AttachmentJson)).await
}

#[tauri::command]
#[specta::specta]
pub async fn get_support(shell: State<'_, Shell>) -> Result<SupportView, ApiError> {
    let ctx = shell.ctx()?;
    worker(move || support::get(&ctx)).await
}

#[tauri::command]
#[specta::specta]
pub async fn save_support(
    shell: State<'_, Shell>,
    base_revision: Option<u32>,
    info: SupportJson,
) -> Result<SupportView, ApiError> {
    let ctx = shell.ctx()?;
    worker(move || support::save(&ctx, base_revision, info.0)).await
}

#[tauri::command]
#[specta::specta]
pub async fn draft_options(shell: State<'_, Shell>) -> Result<DraftOptions, ApiError> {
    let ctx = shell.ctx()?;
    worker(move || Ok(drafts::options(&ctx))).await
}

#[tauri::command]
#[specta::specta]
pub async fn list_forms(shell: State<'_, Shell>) -> Result<Vec<FormSummary>, ApiError> {
    let ctx = shell.ctx()?;
    worker(move || templates::list_forms(&ctx)).await
}

#[tauri::command]
#[specta::specta]
pub async fn get_form(shell: State<'_, Shell>, id: String) -> Result<FormView, ApiError> {
    let ctx = shell.ctx()?;
    worker(move || templates::get_form(&ctx, &id)).await
}

#[tauri::command]
#[specta::specta]
pub async fn new_form(shell: State<'_, Shell>) -> Result<FormView, ApiError> {
    let ctx = shell.ctx()?;
    worker(move || templates::new_form(&ctx)).await
}

/// Autosave of the form builder.
#[tauri::command]
#[specta::specta]
pub async fn save_form(shell: State<'_, Shell>, form: FormJson) -> Result<FormView, ApiError> {
    let ctx = shell.ctx()?;
    worker(move || templates::save_form(&ctx, form.0)).await
}

/// Asks where to save (the system's save dialog, opened here, never by the page), then writes the
/// Excel (`xlsx`) or Word (`docx`) template there. `None` when the seller cancelled.
#[tauri::command]
#[specta::specta]
pub async fn export_template(
    app: AppHandle,
    shell: State<'_, Shell>,
    id: String,
    format: templates::Format,
    lang: Language,
) -> Result<Option<String>, ApiError> {
    let ctx = shell.ctx()?;
    let lang = lang.tag();
    let ext = match format {
        templates::Format::Xlsx => "xlsx",
        templates::Format::Docx => "docx",
    };
    let Some(path) = dialogs::save(&app, &format!("{id}.{ext}"), ext).await else {
        return Ok(None);
    };
    worker(move || templates::export_template(&ctx, &id, format, lang, &path).map(Some)).await
}

/// Asks for a customer's filled template (the system's open dialog), then reads and checks it in
/// a child process. `None` when the seller cancelled.
#[tauri::command]
#[specta::specta]
pub async fn check_template(
    app: AppHandle,
    shell: State<'_, Shell>,
) -> Result<Option<TemplateCheck>, ApiError> {
    let ctx = shell.ctx()?;
    let Some(path) = dialogs::open(&app, &["xlsx", "docx"]).await else {
        return Ok(None);
    };
    worker(move || templates::check_template(&ctx, &path).map(Some)).await
}

#[tauri::command]
#[specta::specta]
pub async fn list_accounts(shell: State<'_, Shell>) -> Result<Vec<AccountDto>, ApiError> {
    let ctx = shell.ctx()?;
    worker(move || accounts::list(&ctx)).await
}

#[tauri::command]
#[specta::specta]
pub async fn add_account(
    shell: State<'_, Shell>,
    input: AccountInput,
) -> Result<AccountDto, ApiError> {
    let ctx = shell.ctx()?;
    worker(move || accounts::add(&ctx, &input)).await
}

#[tauri::command]
#[specta::specta]
pub async fn update_account(
    shell: State<'_, Shell>,
    id: String,
    input: AccountInput,
) -> Result<AccountDto, ApiError> {
    let ctx = shell.ctx()?;
    worker(move || accounts::update(&ctx, &id, &input)).await
}

#[tauri::command]
#[specta::specta]
pub async fn remove_account(
    app: AppHandle,
    shell: State<'_, Shell>,
    id: String,
) -> Result<Vec<AccountDto>, ApiError> {
    let ctx = shell.ctx()?;
    worker(move || {
        let list = accounts::remove(&ctx, &id)?;
        marketplace_changed(&app);
        Ok(list)
    })
    .await
}

#[tauri::command]
#[specta::specta]
pub async fn switch_account(
    app: AppHandle,
    shell: State<'_, Shell>,
    id: String,
) -> Result<AccountDto, ApiError> {
    let ctx = shell.ctx()?;
    worker(move || {
        let a = accounts::switch(&ctx, &id)?;
        marketplace_changed(&app);
        Ok(a)
    })
    .await
}

#[tauri::command]
#[specta::specta]
pub async fn test_connection(
    shell: State<'_, Shell>,
    id: String,
) -> Result<ConnectionReport, ApiError> {
    let ctx = shell.ctx()?;
    accounts::test_connection(&ctx, &id).await
}

// -- sync -------------------------------------------------------------------------------------

fn nudge(app: &AppHandle, pull: bool) {
    if let Some(s) = app.try_state::<std::sync::Arc<crate::sync::Syncer>>() {
        s.nudge(pull);
    }
}

/// Submit: checks the draft, makes its request templates and queues everything; the background
/// sync sends it.
#[tauri::command]
#[specta::specta]
pub async fn submit_draft(
    app: AppHandle,
    shell: State<'_, Shell>,
    id: String,
    accept_warnings: bool,
) -> Result<SubmitResult, ApiError> {
    let ctx = shell.ctx()?;
    let r = worker(move || sync::submit(&ctx, &id, accept_warnings)).await?;
    nudge(&app, false);
    Ok(r)
}

#[tauri::command]
#[specta::specta]
pub async fn draft_submission(
    shell: State<'_, Shell>,
    id: String,
) -> Result<Option<DraftSubmission>, ApiError> {
    let ctx = shell.ctx()?;
    worker(move || view::draft_submission(&ctx, &id)).await
}

#[tauri::command]
#[specta::specta]
pub async fn three_way(shell: State<'_, Shell>, id: String) -> Result<ThreeWayView, ApiError> {
    let ctx = shell.ctx()?;
    worker(move || sync::three_way(&ctx, &id)).await
}

/// "Rebase on the live product": the seller's changes onto the live product as last pulled.
#[tauri::command]
#[specta::specta]
pub async fn rebase_draft(shell: State<'_, Shell>, id: String) -> Result<RebaseResult, ApiError> {
    let ctx = shell.ctx()?;
    worker(move || drafts::rebase_on_live(&ctx, &id)).await
}

#[tauri::command]
#[specta::specta]
pub async fn list_applications(shell: State<'_, Shell>) -> Result<Vec<ApplicationDto>, ApiError> {
    let ctx = shell.ctx()?;
    worker(move || view::applications(&ctx)).await
}

/// The service-order inbox (as last synced), most pressing first.
#[tauri::command]
#[specta::specta]
pub async fn list_orders(
    shell: State<'_, Shell>,
    filter: OrderFilter,
    search: String,
) -> Result<Vec<OrderRow>, ApiError> {
    let ctx = shell.ctx()?;
    worker(move || orders::list(&ctx, filter, &search)).await
}

/// One order, whole, as last synced.
#[tauri::command]
#[specta::specta]
pub async fn get_order(shell: State<'_, Shell>, id: String) -> Result<OrderDetail, ApiError> {
    let ctx = shell.ctx()?;
    worker(move || orders::detail(&ctx, &id)).await
}

/// The customer's filled templates of an order, each read as its form in a child process
/// (downloaded first, with the form's definition, when this computer does not have them).
#[tauri::command]
#[specta::specta]
pub async fn read_order_request(
    shell: State<'_, Shell>,
    id: String,
) -> Result<Vec<RequestReading>, ApiError> {
    let ctx = shell.ctx()?;
    orders::read_request(&ctx, &id).await
}

/// Saves one of an order's request files where the seller picks (the system's save dialog).
/// `None` when the seller cancelled.
#[tauri::command]
#[specta::specta]
pub async fn save_order_file(
    app: AppHandle,
    shell: State<'_, Shell>,
    id: String,
    attachment_id: String,
    file_name: String,
) -> Result<Option<String>, ApiError> {
    let ctx = shell.ctx()?;
    // The name comes from the marketplace: only its last component is offered.
    let name = std::path::Path::new(&file_name)
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "request".into());
    let ext = std::path::Path::new(&name)
        .extension()
        .and_then(|e| e.to_str())
        .unwrap_or("")
        .to_ascii_lowercase();
    let Some(path) = dialogs::save(&app, &name, &ext).await else {
        return Ok(None);
    };
    orders::save_file(&ctx, &id, &attachment_id, &path)
        .await
        .map(Some)
}

/// Queues a supervision action (checked by the domain's rules first); the background sync sends it.
#[tauri::command]
#[specta::specta]
pub async fn act_on_order(
    app: AppHandle,
    shell: State<'_, Shell>,
    id: String,
    input: OrderActionForm,
) -> Result<QueuedOrderAction, ApiError> {
    let ctx = shell.ctx()?;
    let queued = worker(move || orders::act(&ctx, &id, &input.into_input()?)).await?;
    nudge(&app, false);
    Ok(queued)
}

#[tauri::command]
#[specta::specta]
pub async fn withdraw_application(
    app: AppHandle,
    shell: State<'_, Shell>,
    id: String,
) -> Result<(), ApiError> {
    let ctx = shell.ctx()?;
    worker(move || sync::withdraw(&ctx, &id).map(|_| ())).await?;
    nudge(&app, false);
    Ok(())
}

#[tauri::command]
#[specta::specta]
pub async fn sync_status(app: AppHandle, shell: State<'_, Shell>) -> Result<SyncStatus, ApiError> {
    let ctx = shell.ctx()?;
    let sent = app
        .try_state::<std::sync::Arc<crate::sync::Syncer>>()
        .map(|s| s.sent())
        .unwrap_or(0);
    worker(move || view::status(&ctx, sent)).await
}

/// "Sync now": send what is due and pull at once.
#[tauri::command]
#[specta::specta]
pub fn sync_now(app: AppHandle) {
    nudge(&app, true);
}

#[tauri::command]
#[specta::specta]
pub async fn list_outbox(shell: State<'_, Shell>) -> Result<Vec<OutboxItem>, ApiError> {
    let ctx = shell.ctx()?;
    worker(move || sync::outbox(&ctx, false)).await
}

#[tauri::command]
#[specta::specta]
pub async fn retry_outbox(
    app: AppHandle,
    shell: State<'_, Shell>,
    seq: i32,
) -> Result<(), ApiError> {
    let ctx = shell.ctx()?;
    worker(move || sync::retry(&ctx, i64::from(seq))).await?;
    nudge(&app, false);
    Ok(())
}

#[tauri::command]
#[specta::specta]
pub async fn discard_outbox(shell: State<'_, Shell>, seq: i32) -> Result<(), ApiError> {
    let ctx = shell.ctx()?;
    worker(move || sync::discard(&ctx, i64::from(seq))).await
}

/// Runs a command's work on a blocking worker thread: never on the main (UI) thread, and a panic
/// becomes an `internal` error and a log line instead of a dead window.
async fn worker<T: Send + 'static>(
    f: impl FnOnce() -> Result<T, ApiError> + Send + 'static,
) -> Result<T, ApiError> {
    match tauri::async_runtime::spawn_blocking(f).await {
        Ok(result) => result,
        Err(e) => {
            tracing::error!(error = %e, "a command failed unexpectedly");
            Err(ApiError::new(
                ErrorCode::Internal,
                "Koodesk hit an internal error (it is in the log); your saved work is safe",
            ))
        }
    }
}

fn marketplace_changed(app: &AppHandle) {
    nudge(app, true);
    if let Err(e) = MarketplaceChanged.emit(app) {
        tracing::warn!(error = %e, "marketplace-changed event not sent");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_panic_inside_a_command_becomes_an_internal_error() {
        let r: Result<u32, ApiError> = tauri::async_runtime::block_on(worker(|| {
            let v: Vec<u32> = Vec::new();
            Ok(v[3])
        }));
        let e = r.expect_err("the panic is caught");
        assert_eq!(e.code, ErrorCode::Internal);
        assert!(e.message.contains("saved work is safe"), "{e}");
        let ok = tauri::async_runtime::block_on(worker(|| Ok(7)));
        assert_eq!(ok, Ok(7));
    }
}

// -- alerts -----------------------------------------------------------------------------------

/// The account's alerts, unread first.
#[tauri::command]
#[specta::specta]
pub async fn list_alerts(
    shell: State<'_, Shell>,
    unread_only: bool,
) -> Result<Vec<AlertView>, ApiError> {
    let ctx = shell.ctx()?;
    worker(move || koodesk_api::alerts::list(&ctx, unread_only)).await
}

/// Marks one alert read, or all (`key` null); returns how many changed.
#[tauri::command]
#[specta::specta]
pub async fn mark_alerts_read(
    app: AppHandle,
    shell: State<'_, Shell>,
    key: Option<String>,
) -> Result<u32, ApiError> {
    let ctx = shell.ctx()?;
    let n = worker({
        let ctx = ctx.clone();
        move || koodesk_api::alerts::mark_read(&ctx, key.as_deref())
    })
    .await?;
    crate::alerts::changed(&app, &ctx);
    Ok(n)
}

/// Holds an alert back for `secs` seconds (it is shown again then, unless read).
#[tauri::command]
#[specta::specta]
pub async fn snooze_alert(
    app: AppHandle,
    shell: State<'_, Shell>,
    key: String,
    secs: u32,
) -> Result<(), ApiError> {
    let ctx = shell.ctx()?;
    worker({
        let ctx = ctx.clone();
        move || koodesk_api::alerts::snooze(&ctx, &key, secs)
    })
    .await?;
    crate::alerts::changed(&app, &ctx);
    Ok(())
}

#[tauri::command]
#[specta::specta]
pub async fn alert_settings(shell: State<'_, Shell>) -> Result<AlertSettings, ApiError> {
    let ctx = shell.ctx()?;
    worker(move || koodesk_api::alerts::settings(&ctx)).await
}

#[tauri::command]
#[specta::specta]
pub async fn set_alert_settings(
    shell: State<'_, Shell>,
    settings: AlertSettings,
) -> Result<AlertSettings, ApiError> {
    let ctx = shell.ctx()?;
    worker(move || koodesk_api::alerts::set_settings(&ctx, &settings)).await
}

/// Sends a sample alert through the operating system at once.
#[tauri::command]
#[specta::specta]
pub async fn send_test_alert(
    app: AppHandle,
    shell: State<'_, Shell>,
) -> Result<AlertView, ApiError> {
    let ctx = shell.ctx()?;
    let view = worker({
        let ctx = ctx.clone();
        move || koodesk_api::alerts::raise_test(&ctx)
    })
    .await?;
    crate::alerts::after_pass(&app, ctx, true);
    Ok(view)
}

/// Whether Koodesk starts at login, and where it goes then (the tray, else minimised).
#[tauri::command]
#[specta::specta]
pub async fn autostart_state(app: AppHandle) -> Result<AutostartState, ApiError> {
    worker(move || crate::autostart::state(&app)).await
}

#[tauri::command]
#[specta::specta]
pub async fn set_autostart(app: AppHandle, enabled: bool) -> Result<AutostartState, ApiError> {
    worker(move || crate::autostart::set(&app, enabled)).await
}

/// Asks the update manifest whether a newer Koodesk exists.
#[tauri::command]
#[specta::specta]
pub async fn check_for_updates(app: AppHandle) -> Result<Option<UpdateInfo>, ApiError> {
    crate::updates::check(&app).await
}

/// Downloads, checks and installs the update the last check found (never while sending).
#[tauri::command]
#[specta::specta]
pub async fn install_update(app: AppHandle) -> Result<Installed, ApiError> {
    crate::updates::install(&app).await
}

#[tauri::command]
#[specta::specta]
pub async fn update_settings(shell: State<'_, Shell>) -> Result<UpdateSettings, ApiError> {
    let ctx = shell.ctx()?;
    worker(move || koodesk_api::updates::settings(&ctx)).await
}

#[tauri::command]
#[specta::specta]
pub async fn set_daily_update_check(
    shell: State<'_, Shell>,
    daily: bool,
) -> Result<UpdateSettings, ApiError> {
    let ctx = shell.ctx()?;
    worker(move || koodesk_api::updates::set_daily(&ctx, daily)).await
}
