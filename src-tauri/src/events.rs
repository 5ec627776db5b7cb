//! Events the shell sends to the UI.

use koodesk_api::dto::Settings;
use serde::{Deserialize, Serialize};

/// Settings changed (possibly from another window or the tray).
#[derive(Debug, Clone, Serialize, Deserialize, specta::Type, tauri_specta::Event)]
pub struct SettingsChanged(pub Settings);
