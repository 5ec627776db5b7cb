//! Declares the app's commands so each needs an explicit permission in `capabilities/`.

fn main() {
    let manifest = tauri_build::AppManifest::new().commands(&[
        "get_settings",
        "set_language",
        "app_info",
        "ui_ready",
        "quit_app",
        "flush_done",
        "restore_latest_backup",
        "list_drafts",
        "create_draft",
        "live_products",
        "create_modification",
        "get_draft",
        "save_draft",
        "stage_draft",
        "delete_draft",
        "draft_revisions",
        "diff_revisions",
        "diff_live",
        "restore_revision",
        "attach_file",
        "get_support",
        "save_support",
        "draft_options",
        "list_forms",
        "get_form",
        "new_form",
        "save_form",
        "export_template",
        "check_template",
        "list_accounts",
        "add_account",
        "update_account",
        "remove_account",
        "switch_account",
        "test_connection",
    ]);
    tauri_build::try_build(tauri_build::Attributes::new().app_manifest(manifest))
        .expect("tauri-build failed");
}
