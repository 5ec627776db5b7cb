//! Errors of the store, each saying what the seller can do about it.

use std::path::{Path, PathBuf};

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("the database at {path} could not be opened: {source}")]
    Open {
        path: PathBuf,
        #[source]
        source: rusqlite::Error,
    },
    #[error(
        "the database at {path} is damaged ({detail}); restore a backup or move the file away"
    )]
    Damaged { path: PathBuf, detail: String },
    #[error(
        "the database at {path} was written by a newer Koodesk (schema {found}, this version knows \
         up to {supported}); update Koodesk to open it{}",
        backup_hint(.backup.as_deref())
    )]
    NewerSchema {
        path: PathBuf,
        found: u32,
        supported: u32,
        /// The copy the newer Koodesk made before it updated the schema from this version's.
        backup: Option<PathBuf>,
    },
    #[error("the database schema could not be updated: {0}")]
    Migration(String),
    #[error("not found")]
    NotFound,
    #[error("this was changed elsewhere in the meantime (now at revision {current}); reload it")]
    Conflict { current: i64 },
    #[error("{0}")]
    Rejected(String),
    #[error("file error: {0}")]
    Io(#[from] std::io::Error),
    #[error("database error: {0}")]
    Sqlite(#[from] rusqlite::Error),
}

fn backup_hint(backup: Option<&Path>) -> String {
    match backup {
        Some(b) => format!(
            ", or go back to the copy made before the update: {} (restoring it drops what the \
             newer version saved since)",
            b.display()
        ),
        None => String::new(),
    }
}

impl StoreError {
    pub(crate) fn open(path: &Path, source: rusqlite::Error) -> Self {
        StoreError::Open {
            path: path.to_path_buf(),
            source,
        }
    }
}
