//! Declares the app's commands so each needs an explicit permission in `capabilities/`.

fn main() {
    let manifest = tauri_build::AppManifest::new().commands(&[
        "get_settings",
        "set_language",
        "app_info",
        "ui_ready",
        "quit_app",
    ]);
    tauri_build::try_build(tauri_build::Attributes::new().app_manifest(manifest))
        .expect("tauri-build failed");
}
