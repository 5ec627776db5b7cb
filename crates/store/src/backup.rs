//! Backups with SQLite's online backup API, and restoring one over a damaged database.

use std::path::{Path, PathBuf};
use std::time::Duration;

use rusqlite::{Connection, OpenFlags, MAIN_DB};

use crate::{Store, StoreError};

impl Store {
    /// Writes a consistent copy of the database to `dest` while it stays in use, checks the copy
    /// with `integrity_check` and makes it durable before it takes its name.
    pub fn backup_to(&self, dest: &Path) -> Result<(), StoreError> {
        if let Some(parent) = dest.parent() {
            std::fs::create_dir_all(parent)?;
        }
        let tmp = dest.with_extension("part");
        let _ = std::fs::remove_file(&tmp);
        let written = self
            .conn
            .backup(MAIN_DB, &tmp, None::<fn(rusqlite::backup::Progress)>)
            .map_err(StoreError::from)
            .and_then(|()| verify(&tmp))
            .and_then(|()| Ok(std::fs::File::open(&tmp)?.sync_all()?));
        if let Err(e) = written {
            let _ = std::fs::remove_file(&tmp);
            return Err(e);
        }
        std::fs::rename(&tmp, dest)?;
        sync_dir(dest);
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

/// Checks a database file with SQLite's full `integrity_check`, read-only.
pub fn verify(path: &Path) -> Result<(), StoreError> {
    let damaged = |detail: String| StoreError::Damaged {
        path: path.to_path_buf(),
        detail,
    };
    let conn = Connection::open_with_flags(path, OpenFlags::SQLITE_OPEN_READ_ONLY)
        .map_err(|e| StoreError::open(path, e))?;
    conn.busy_timeout(Duration::from_secs(5))?;
    let verdict: String = conn
        .query_row("PRAGMA integrity_check", [], |r| r.get(0))
        .map_err(|e| damaged(e.to_string()))?;
    if verdict != "ok" {
        return Err(damaged(verdict));
    }
    Ok(())
}

/// Makes a rename in `path`'s folder durable (Unix; elsewhere the rename is already).
fn sync_dir(path: &Path) {
    #[cfg(unix)]
    if let Some(dir) = path.parent() {
        if let Ok(d) = std::fs::File::open(dir) {
            let _ = d.sync_all();
        }
    }
    #[cfg(not(unix))]
    let _ = path;
}

/// `<file>-wal` and `<file>-shm`: the names SQLite pairs with a database file.
fn sidecar(db: &Path, kind: &str) -> PathBuf {
    let mut name = db.file_name().unwrap_or_default().to_os_string();
    name.push(format!("-{kind}"));
    db.with_file_name(name)
}

/// Puts `backup` in place of the database at `db`, so that nothing can be made worse:
/// - the backup is checked with `integrity_check` before anything is moved;
/// - it is copied to a temporary file beside the database, synced, and renamed into place;
/// - the database being replaced is kept as `<name>.damaged-<suffix>`, with its `-wal` and `-shm`
///   as `<name>.damaged-<suffix>-wal` / `-shm`, the names SQLite pairs with it, so its last
///   edits can still be recovered by opening that file;
/// - if a sidecar cannot be moved aside, it stops with an error before the database is touched
///   (SQLite would otherwise replay the old write-ahead log into the restored file).
///
/// Returns where the replaced database went.
pub fn restore_backup(
    backup: &Path,
    db: &Path,
    suffix: &str,
) -> Result<Option<PathBuf>, StoreError> {
    verify(backup)?;
    let name = db
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let aside = db.with_file_name(format!("{name}.damaged-{suffix}"));
    let staged = db.with_file_name(format!("{name}.restoring"));
    let _ = std::fs::remove_file(&staged);
    std::fs::copy(backup, &staged)?;
    std::fs::File::open(&staged)?.sync_all()?;

    let cannot_move = |what: &Path, e: std::io::Error| {
        let _ = std::fs::remove_file(&staged);
        StoreError::Io(std::io::Error::new(
            e.kind(),
            format!(
                "{} cannot be moved aside ({e}); nothing was restored. Close every program using \
                 the Koodesk folder and try again.",
                what.display()
            ),
        ))
    };
    for kind in ["wal", "shm"] {
        let side = sidecar(db, kind);
        if side.exists() {
            std::fs::rename(&side, sidecar(&aside, kind)).map_err(|e| cannot_move(&side, e))?;
        }
    }
    let mut kept = None;
    if db.exists() {
        std::fs::rename(db, &aside).map_err(|e| cannot_move(db, e))?;
        kept = Some(aside);
    }
    std::fs::rename(&staged, db)?;
    sync_dir(db);
    Ok(kept)
}

/// What restoring `backup` over the database at `db` would drop: drafts and revisions saved in
/// `db` that the backup does not have. Both are read read-only.
pub fn loss_if_restored(db: &Path, backup: &Path) -> Result<(u32, u32), StoreError> {
    let keys = |path: &Path| -> Result<std::collections::HashSet<(String, i64)>, StoreError> {
        let conn = Connection::open_with_flags(path, OpenFlags::SQLITE_OPEN_READ_ONLY)
            .map_err(|e| StoreError::open(path, e))?;
        conn.busy_timeout(Duration::from_secs(5))?;
        let mut stmt = conn.prepare("SELECT draft_id, revision FROM draft_revisions")?;
        let rows = stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?;
        Ok(rows.collect::<Result<_, _>>()?)
    };
    let in_backup = keys(backup)?;
    let newer: Vec<(String, i64)> = keys(db)?
        .into_iter()
        .filter(|k| !in_backup.contains(k))
        .collect();
    let drafts: std::collections::HashSet<&str> = newer.iter().map(|(d, _)| d.as_str()).collect();
    Ok((drafts.len() as u32, newer.len() as u32))
}
