//! Events the shell sends to the UI.

use koodesk_api::dto::Settings;
use koodesk_api::sync::view::SyncStatus;
use serde::{Deserialize, Serialize};

/// Settings changed (possibly from another window or the tray).
#[derive(Debug, Clone, Serialize, Deserialize, specta::Type, tauri_specta::Event)]
pub struct SettingsChanged(pub Settings);

/// The marketplace the window talks to changed: the Demo marketplace came up, or the seller
/// switched accounts. The UI reloads what it shows.
#[derive(Debug, Clone, Serialize, Deserialize, specta::Type, tauri_specta::Event)]
pub struct MarketplaceChanged;

/// The app is about to quit: the UI saves every pending edit now, then answers with the
/// `flush_done` command and this token. The shell waits for that answer at most
/// [`crate::quit::FLUSH_WAIT`].
#[derive(Debug, Clone, Serialize, Deserialize, specta::Type, tauri_specta::Event)]
pub struct FlushRequested {
    pub token: u32,
}

/// Where sync stands: online or not, what is waiting, what needs the seller. Sent after every
/// background pass.
#[derive(Debug, Clone, Serialize, Deserialize, specta::Type, tauri_specta::Event)]
pub struct SyncStatusChanged(pub SyncStatus);

/// How many alerts are unread changed (a pass raised some, the seller read some).
#[derive(Debug, Clone, Serialize, Deserialize, specta::Type, tauri_specta::Event)]
pub struct AlertsChanged {
    pub unread: u32,
}

/// The seller clicked an alert: the window shows what it is about.
#[derive(Debug, Clone, Serialize, Deserialize, specta::Type, tauri_specta::Event)]
pub struct AlertOpened {
    pub target: koodesk_domain::alerts::Target,
}

/// An update is downloading: bytes so far, of the announced total.
#[derive(Debug, Clone, Serialize, Deserialize, specta::Type, tauri_specta::Event)]
pub struct UpdateProgress {
    pub downloaded: f64,
    pub total: Option<f64>,
}

/// The daily check found a newer version.
#[derive(Debug, Clone, Serialize, specta::Type, tauri_specta::Event)]
pub struct UpdateAvailable(pub crate::updates::UpdateInfo);
