//! Tauri commands: each converts arguments and calls `koodesk-api`, nothing more.

use koodesk_api::dto::{
    AccountDto, AccountInput, AppInfo, ChangeDto, ConnectionReport, DraftFilter, DraftListItem,
    DraftOptions, DraftView, FormSummary, FormView, LanguagePref, LiveProductDto, RevisionDto,
    Settings, SupportView, TemplateCheck,
};
use koodesk_api::{accounts, drafts, settings, support, templates, ApiError};
use tauri::{AppHandle, State};
use tauri_specta::Event;

use crate::events::{MarketplaceChanged, SettingsChanged};
use crate::{tray, Shell};

#[tauri::command]
#[specta::specta]
pub fn get_settings(shell: State<'_, Shell>) -> Result<Settings, ApiError> {
    settings::get_settings(&*shell.ctx()?)
}

#[tauri::command]
#[specta::specta]
pub fn set_language(
    app: AppHandle,
    shell: State<'_, Shell>,
    language: LanguagePref,
) -> Result<Settings, ApiError> {
    let s = settings::set_language(&*shell.ctx()?, language)?;
    tray::relabel(&app, s.effective_language);
    if let Err(e) = SettingsChanged(s.clone()).emit(&app) {
        tracing::warn!(error = %e, "settings-changed event not sent");
    }
    Ok(s)
}

#[tauri::command]
#[specta::specta]
pub fn app_info(shell: State<'_, Shell>) -> Result<AppInfo, ApiError> {
    Ok(settings::app_info(&*shell.ctx()?))
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

/// Puts the newest backup in place of a damaged database; returns the backup's path.
#[tauri::command]
#[specta::specta]
pub fn restore_latest_backup(shell: State<'_, Shell>) -> Result<String, ApiError> {
    shell.restore_latest_backup()
}

#[tauri::command]
#[specta::specta]
pub fn list_drafts(
    shell: State<'_, Shell>,
    filter: DraftFilter,
) -> Result<Vec<DraftListItem>, ApiError> {
    drafts::list(&*shell.ctx()?, &filter)
}

#[tauri::command]
#[specta::specta]
pub fn create_draft(
    shell: State<'_, Shell>,
    delivery_method: String,
) -> Result<DraftView, ApiError> {
    drafts::create(&*shell.ctx()?, &delivery_method)
}

#[tauri::command]
#[specta::specta]
pub fn live_products() -> Vec<LiveProductDto> {
    drafts::live_catalog().into_iter().map(|(l, _)| l).collect()
}

#[tauri::command]
#[specta::specta]
pub fn create_modification(
    shell: State<'_, Shell>,
    live_product_id: String,
) -> Result<DraftView, ApiError> {
    drafts::create_modification_of(&*shell.ctx()?, &live_product_id)
}

#[tauri::command]
#[specta::specta]
pub fn get_draft(shell: State<'_, Shell>, id: String) -> Result<DraftView, ApiError> {
    drafts::get(&*shell.ctx()?, &id)
}

/// Autosave: every call is committed as a new revision before it returns.
#[tauri::command]
#[specta::specta]
pub fn save_draft(
    shell: State<'_, Shell>,
    id: String,
    base_revision: Option<u32>,
    doc: serde_json::Value,
) -> Result<DraftView, ApiError> {
    drafts::save(&*shell.ctx()?, &id, base_revision, doc)
}

#[tauri::command]
#[specta::specta]
pub fn delete_draft(shell: State<'_, Shell>, id: String) -> Result<(), ApiError> {
    drafts::delete(&*shell.ctx()?, &id)
}

#[tauri::command]
#[specta::specta]
pub fn draft_revisions(shell: State<'_, Shell>, id: String) -> Result<Vec<RevisionDto>, ApiError> {
    drafts::revisions(&*shell.ctx()?, &id)
}

#[tauri::command]
#[specta::specta]
pub fn diff_revisions(
    shell: State<'_, Shell>,
    id: String,
    from: u32,
    to: u32,
) -> Result<Vec<ChangeDto>, ApiError> {
    drafts::diff_revisions(&*shell.ctx()?, &id, from, to)
}

#[tauri::command]
#[specta::specta]
pub fn diff_live(shell: State<'_, Shell>, id: String) -> Result<Vec<ChangeDto>, ApiError> {
    drafts::diff_live(&*shell.ctx()?, &id)
}

#[tauri::command]
#[specta::specta]
pub fn restore_revision(
    shell: State<'_, Shell>,
    id: String,
    revision: u32,
) -> Result<DraftView, ApiError> {
    drafts::restore(&*shell.ctx()?, &id, revision)
}

/// Stores a file picked in the UI (sent base64-encoded); returns the attachment reference.
#[tauri::command]
#[specta::specta]
pub fn attach_file(
    shell: State<'_, Shell>,
    file_name: String,
    content_base64: String,
) -> Result<serde_json::Value, ApiError> {
    drafts::attach(&*shell.ctx()?, &file_name, &content_base64)
}

#[tauri::command]
#[specta::specta]
pub fn get_support(shell: State<'_, Shell>) -> Result<SupportView, ApiError> {
    support::get(&*shell.ctx()?)
}

#[tauri::command]
#[specta::specta]
pub fn save_support(
    shell: State<'_, Shell>,
    base_revision: Option<u32>,
    info: serde_json::Value,
) -> Result<SupportView, ApiError> {
    support::save(&*shell.ctx()?, base_revision, info)
}

#[tauri::command]
#[specta::specta]
pub fn draft_options() -> DraftOptions {
    drafts::options()
}

#[tauri::command]
#[specta::specta]
pub fn list_forms(shell: State<'_, Shell>) -> Result<Vec<FormSummary>, ApiError> {
    templates::list_forms(&*shell.ctx()?)
}

#[tauri::command]
#[specta::specta]
pub fn get_form(shell: State<'_, Shell>, id: String) -> Result<FormView, ApiError> {
    templates::get_form(&*shell.ctx()?, &id)
}

#[tauri::command]
#[specta::specta]
pub fn new_form(shell: State<'_, Shell>) -> Result<FormView, ApiError> {
    templates::new_form(&*shell.ctx()?)
}

/// Autosave of the form builder.
#[tauri::command]
#[specta::specta]
pub fn save_form(shell: State<'_, Shell>, form: serde_json::Value) -> Result<FormView, ApiError> {
    templates::save_form(&*shell.ctx()?, form)
}

/// Writes the Excel (`xlsx`) or Word (`docx`) template to `path` (picked in a save dialog).
#[tauri::command]
#[specta::specta]
pub fn export_template(
    shell: State<'_, Shell>,
    id: String,
    format: String,
    lang: String,
    path: String,
) -> Result<String, ApiError> {
    templates::export_template(
        &*shell.ctx()?,
        &id,
        templates::Format::parse(&format)?,
        &lang,
        &path,
    )
}

/// Reads a customer's filled template (picked in an open dialog) and checks it.
#[tauri::command]
#[specta::specta]
pub fn check_template(shell: State<'_, Shell>, path: String) -> Result<TemplateCheck, ApiError> {
    templates::check_template(&*shell.ctx()?, &path)
}

#[tauri::command]
#[specta::specta]
pub fn list_accounts(shell: State<'_, Shell>) -> Result<Vec<AccountDto>, ApiError> {
    accounts::list(&*shell.ctx()?)
}

#[tauri::command]
#[specta::specta]
pub fn add_account(shell: State<'_, Shell>, input: AccountInput) -> Result<AccountDto, ApiError> {
    accounts::add(&*shell.ctx()?, &input)
}

#[tauri::command]
#[specta::specta]
pub fn update_account(
    shell: State<'_, Shell>,
    id: String,
    input: AccountInput,
) -> Result<AccountDto, ApiError> {
    accounts::update(&*shell.ctx()?, &id, &input)
}

#[tauri::command]
#[specta::specta]
pub fn remove_account(
    app: AppHandle,
    shell: State<'_, Shell>,
    id: String,
) -> Result<Vec<AccountDto>, ApiError> {
    let list = accounts::remove(&*shell.ctx()?, &id)?;
    marketplace_changed(&app);
    Ok(list)
}

#[tauri::command]
#[specta::specta]
pub fn switch_account(
    app: AppHandle,
    shell: State<'_, Shell>,
    id: String,
) -> Result<AccountDto, ApiError> {
    let a = accounts::switch(&*shell.ctx()?, &id)?;
    marketplace_changed(&app);
    Ok(a)
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

fn marketplace_changed(app: &AppHandle) {
    if let Err(e) = MarketplaceChanged.emit(app) {
        tracing::warn!(error = %e, "marketplace-changed event not sent");
    }
}
