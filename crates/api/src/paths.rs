//! Where Koodesk keeps its data: the OS-standard data folder, or `KOODESK_DATA_DIR` when set.

use std::path::{Path, PathBuf};

use crate::{ApiError, ErrorCode};

/// Environment variable that moves all of Koodesk's data (tests use it).
pub const DATA_DIR_ENV: &str = "KOODESK_DATA_DIR";

/// The data folder and the well-known places inside it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DataDir {
    root: PathBuf,
}

impl DataDir {
    /// `KOODESK_DATA_DIR` if set and non-empty, else the OS data folder + `Koodesk`
    /// (`~/.local/share/Koodesk`, `~/Library/Application Support/Koodesk`, `%APPDATA%\Koodesk`).
    pub fn resolve() -> Result<Self, ApiError> {
        let from_env = std::env::var_os(DATA_DIR_ENV).filter(|v| !v.is_empty());
        let root = match from_env {
            Some(dir) => PathBuf::from(dir),
            None => Self::os_default().ok_or_else(|| {
                ApiError::new(
                    ErrorCode::Io,
                    format!("no data folder is known for this system; set {DATA_DIR_ENV}"),
                )
            })?,
        };
        Ok(DataDir { root })
    }

    /// The OS-standard location, whether or not it exists.
    pub fn os_default() -> Option<PathBuf> {
        dirs::data_dir().map(|d| d.join("Koodesk"))
    }

    pub fn at(root: impl Into<PathBuf>) -> Self {
        DataDir { root: root.into() }
    }

    /// Creates the folder tree if missing.
    pub fn ensure(&self) -> Result<(), ApiError> {
        std::fs::create_dir_all(self.logs()).map_err(|e| {
            ApiError::new(
                ErrorCode::Io,
                format!("cannot create the data folder {}: {e}", self.root.display()),
            )
        })
    }

    pub fn root(&self) -> &Path {
        &self.root
    }
    pub fn database(&self) -> PathBuf {
        self.root.join(koodesk_store::DB_FILE_NAME)
    }
    pub fn logs(&self) -> PathBuf {
        self.root.join("logs")
    }
    /// Where the running app's Demo marketplace answers (written when it starts).
    pub fn demo_address(&self) -> PathBuf {
        self.root.join("demo-marketplace.json")
    }

    pub fn attachments(&self) -> PathBuf {
        self.root.join("attachments")
    }
    pub fn backups(&self) -> PathBuf {
        self.root.join("backups")
    }
    /// An optional ruleset that replaces the shipped one.
    pub fn ruleset(&self) -> PathBuf {
        self.root.join("ruleset.json")
    }
    /// The webview's own storage (cookies, local storage, caches), kept inside the data folder.
    pub fn webview(&self) -> PathBuf {
        self.root.join("webview")
    }
}
