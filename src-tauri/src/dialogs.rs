//! The system's open and save dialogs, opened from Rust: the page never hands the shell a path to
//! read or write, so whatever runs in the web view can reach only files the seller just picked.
//!
//! Test seam (debug builds only, never in a release build): when `KOODESK_TEST_DIALOG_ANSWER`
//! names a file, each dialog is answered with the path written in that file instead of being
//! shown (an empty file means "cancelled"). Desktop E2E cannot drive a GTK file chooser.

use std::path::PathBuf;

use tauri::AppHandle;
use tauri_plugin_dialog::{DialogExt, FilePath};

/// A save dialog suggesting `file_name`, filtered to `ext`.
pub async fn save(app: &AppHandle, file_name: &str, ext: &str) -> Option<PathBuf> {
    if let Some(answer) = test_answer() {
        return answer;
    }
    let (tx, rx) = tokio::sync::oneshot::channel();
    app.dialog()
        .file()
        .set_file_name(file_name)
        .add_filter(filter_name(ext), &[ext])
        .save_file(move |p| {
            let _ = tx.send(p);
        });
    to_path(rx.await.ok().flatten())
}

/// An open dialog for one file with one of `exts`.
pub async fn open(app: &AppHandle, exts: &[&str]) -> Option<PathBuf> {
    if let Some(answer) = test_answer() {
        return answer;
    }
    let (tx, rx) = tokio::sync::oneshot::channel();
    let name = exts
        .iter()
        .map(|e| filter_name(e))
        .collect::<Vec<_>>()
        .join(" / ");
    app.dialog()
        .file()
        .add_filter(name, exts)
        .pick_file(move |p| {
            let _ = tx.send(p);
        });
    to_path(rx.await.ok().flatten())
}

fn filter_name(ext: &str) -> &'static str {
    match ext {
        "xlsx" => "Excel",
        "docx" => "Word",
        _ => "Files",
    }
}

fn to_path(p: Option<FilePath>) -> Option<PathBuf> {
    p.and_then(|p| p.into_path().ok())
}

/// The test seam's answer: `Some(None)` for "cancelled", `Some(Some(path))` for a pick.
fn test_answer() -> Option<Option<PathBuf>> {
    if !cfg!(debug_assertions) {
        return None;
    }
    let file = std::env::var_os("KOODESK_TEST_DIALOG_ANSWER")?;
    let text = std::fs::read_to_string(file).unwrap_or_default();
    let text = text.trim();
    tracing::info!(answer = text, "dialog answered by the test seam");
    Some((!text.is_empty()).then(|| PathBuf::from(text)))
}
