//! Backups with SQLite's online backup API, and restoring one over a damaged database.

use std::path::{Path, PathBuf};
use std::time::Duration;

use rusqlite::{Connection, OpenFlags, MAIN_DB};

use crate::{Store, StoreError};

impl Store {
    /// Writes a consistent copy of the database to `dest` while it stays in use.
    pub fn backup_to(&self, dest: &Path) -> Result<(), StoreError> {
        if let Some(parent) = dest.parent() {
            std::fs::create_dir_all(parent)?;
        }
        let tmp = dest.with_extension("part");
        let _ = std::fs::remove_file(&tmp);
        self.conn
            .backup(MAIN_DB, &tmp, None::<fn(rusqlite::backup::Progress)>)?;
        std::fs::rename(&tmp, dest)?;
        Ok(())
    }
}

/// Backups in `dir`, newest first (names sort by time).
pub fn list_backups(dir: &Path) -> Vec<PathBuf> {
    let mut v: Vec<PathBuf> = std::fs::read_dir(dir)
        .map(|it| {
            it.flatten()
                .map(|e| e.path())
                .filter(|p| p.extension().is_some_and(|e| e == "sqlite3"))
                .collect()
        })
        .unwrap_or_default();
    v.sort();
    v.reverse();
    v
}

/// Keeps the newest `keep` backups in `dir`, deleting older ones.
pub fn prune_backups(dir: &Path, keep: usize) {
    for old in list_backups(dir).into_iter().skip(keep) {
        let _ = std::fs::remove_file(old);
    }
}

/// Puts `backup` in place of the database at `db`. The file being replaced is kept beside it as
/// `<name>.damaged-<suffix>`, never deleted. Returns where it went.
pub fn restore_backup(
    backup: &Path,
    db: &Path,
    suffix: &str,
) -> Result<Option<PathBuf>, StoreError> {
    // The backup itself must be healthy before anything is moved.
    {
        let conn = Connection::open_with_flags(backup, OpenFlags::SQLITE_OPEN_READ_ONLY)
            .map_err(|e| StoreError::open(backup, e))?;
        conn.busy_timeout(Duration::from_secs(5))?;
        let verdict: String = conn
            .query_row("PRAGMA quick_check", [], |r| r.get(0))
            .map_err(|e| StoreError::Damaged {
                path: backup.to_path_buf(),
                detail: e.to_string(),
            })?;
        if verdict != "ok" {
            return Err(StoreError::Damaged {
                path: backup.to_path_buf(),
                detail: verdict,
            });
        }
    }
    let mut kept = None;
    if db.exists() {
        let name = db
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let aside = db.with_file_name(format!("{name}.damaged-{suffix}"));
        std::fs::rename(db, &aside)?;
        kept = Some(aside);
    }
    for ext in ["sqlite3-wal", "sqlite3-shm"] {
        let side = db.with_extension(ext);
        if side.exists() {
            let name = side
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default();
            let _ = std::fs::rename(
                &side,
                side.with_file_name(format!("{name}.damaged-{suffix}")),
            );
        }
    }
    std::fs::copy(backup, db)?;
    Ok(kept)
}
